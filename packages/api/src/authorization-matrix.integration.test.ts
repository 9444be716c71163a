/**
 * The authorization matrix, checked cell by cell: each role calls each
 * procedure for real (fresh session, own scope) and the outcome must be the
 * `access` of the procedure's contract (contracts.ts). A procedure without an
 * input below fails the suite.
 */
import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@hubwerk/db/testing';
import { TRPCError } from '@trpc/server';
import pg from 'pg';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../../../prisma/seed.ts';
import {
  type Decision,
  GRANT_MATRIX,
  GRANTABLE_ROLES,
  type GrantableRole,
  MATRIX_ROLES,
  type MatrixRole,
} from './authorization-matrix.ts';
import { isAuditAction } from '@hubwerk/domain';
import { procedureContracts } from './contracts.ts';
import { describeError } from './errors.ts';
import { appRouter } from './root.ts';
import { type Caller, createTestApi, type TestApi } from './test-support.ts';

const USERS: Record<Exclude<MatrixRole, 'anonymous'>, string> = {
  'platform-admin': DEMO_USERS.platform,
  'platform-support': DEMO_USERS.support,
  'partner-admin': DEMO_USERS.partner,
  // Planted below: staff of the demo IT partner (which manages Einbeck) and hub staff of Einbeck's hub.
  'partner-staff': 'matrix-partner-staff@example.org',
  'town-admin': DEMO_USERS.einbeckAdmin,
  'hub-manager': DEMO_USERS.einbeckManager,
  'hub-staff': 'matrix-hub-staff@example.org',
  member: DEMO_USERS.einbeckMember,
};

/** Einbeck members planted for staff.changeRole / staff.removeMember cells (an allowed call uses one up). */
const plantedMembers: string[] = [];
let resendableInvitation = '';

let api: TestApi;
let superuser: pg.Client;
let einbeck: { id: string; hubId: string };
let itPartnerId: string;
let agsCounter = 1000;
let sangerhausenAdminId: string;
/** Einbeck's seeded event room, co-working space and the member's desk booking there. */
let rows: { eventRoomId: string; coworkingId: string; memberBookingId: string; deskId: string; deskName: string };
let closedDay = 0;
/** A weekday in two weeks, inside the seeded opening hours (Mon–Fri 8–18, Europe/Berlin). */
function workdayAt(hour: number): { startsAt: string; endsAt: string } {
  const day = new Date(Date.now() + 14 * 86_400_000);
  while (day.getUTCDay() === 0 || day.getUTCDay() === 6) day.setUTCDate(day.getUTCDate() + 1);
  const date = day.toISOString().slice(0, 10);
  const hh = (h: number) => String(h).padStart(2, '0');
  return { startsAt: `${date}T${hh(hour)}:00:00+01:00`, endsAt: `${date}T${hh(hour + 1)}:00:00+01:00` };
}
let bookingHour = 8;

/** A finished Einbeck export of each seeded user (the requester alone may read it). */
const ownExports = new Map<MatrixRole, string>();
const ownExport = (role: MatrixRole) => ownExports.get(role) ?? randomUUID();

/** Einbeck hub assignments, one per matrix role, for hubStaff.remove. */
const plantedAssignments: string[] = [];
/** The member's series in the event room (for bookingSeries.get/cancel), and one calendar feed per role (for calendarFeeds.revoke). */
let memberSeriesId: string;
const feedOf = new Map<MatrixRole, string>();
let seriesCell = 0;
/** A weekday three weeks ahead (after every bookings.create cell), inside the opening hours; five two-hour slots a day, a week later when they run out. */
function seriesSlot(cell: number): { startsAt: string; endsAt: string } {
  const { startsAt, endsAt } = workdayAt(8 + (cell % 5) * 2);
  const shift = (v: string) =>
    new Date(new Date(v).getTime() + (1 + Math.floor(cell / 5)) * 7 * 86_400_000).toISOString();
  return { startsAt: shift(startsAt), endsAt: shift(endsAt) };
}

/** Events (docs/decisions/038): a published one in Einbeck's event room with a confirmed public registration per role
 * (removeRegistration pops one; checkIn uses the last), a draft per call for publish and cancel, and a partner's format. */
const eventRows = { publishedId: '', draftId: '', checkInRegistrationId: '', formatId: '' };
const plantedRegistrations: string[] = [];
const plantedDrafts: string[] = [];
let sessionCell = 0;

/** Empty Einbeck spaces (in the seeded hub), desks and hubs, one per matrix role, for the delete procedures. */
const plantedSpaces: string[] = [];
const plantedDesks: string[] = [];
const plantedHubs: string[] = [];

/** Open Einbeck invitations, one per matrix role, for staff.revokeInvitation. */
const openInvitations: string[] = [];
/** Open invitations of the IT partner, one per matrix role, for partners.revokeInvitation. */
const openPartnerInvitations: string[] = [];

/** A register of one municipality and a file of one town (Einbeck, onboarded already: the job only reports it). */
const REGISTER_CSV = 'ags,name,land,kreis,population,plz\n03155013,"Einbeck, Stadt",03,Northeim,30689,37574\n';
const BULK_CSV = 'ags,hub_name,admin_email,partner\n03155013,Hub,a@example.org,\n';
/** A finished bulk onboarding job, for bulkOnboarding.get. */
let bulkOnboardingId: string;

/** A valid input in the role's own scope (Einbeck, assigned to the demo IT partner). */
const INPUTS: Record<string, (role: MatrixRole) => unknown> = {
  'auth.signIn': (role) => ({
    email: role === 'anonymous' ? DEMO_USERS.einbeckMember : USERS[role],
    password: DEMO_PASSWORD,
  }),
  'auth.signOut': () => ({}),
  'auth.me': () => undefined,
  'auth.revokeUserSessions': () => ({ userId: sangerhausenAdminId, reason: 'Matrix' }),
  // The same password again (12 characters, the minimum): a real change that keeps later cells signing in.
  'auth.changePassword': () => ({ currentPassword: DEMO_PASSWORD, newPassword: DEMO_PASSWORD }),
  'tenants.list': () => ({}),
  'tenants.get': () => ({ tenant: 'einbeck' }),
  'tenants.onboard': () => ({
    name: `Matrixstadt ${randomUUID().slice(0, 6)}`,
    ags: `1509${agsCounter++}`,
    bundesland: '15',
    partnerId: null,
    hubName: 'Hub',
    adminEmail: `a-${randomUUID().slice(0, 6)}@example.org`,
    idempotencyKey: randomUUID(),
  }),
  'tenants.assignPartner': () => ({ tenantId: einbeck.id, partnerId: itPartnerId }),
  'register.status': () => ({}),
  'register.search': () => ({ query: 'Einbeck' }),
  'register.import': () => ({ csv: REGISTER_CSV, effectiveDate: '2019-12-31', source: 'Matrix' }),
  'bulkOnboarding.start': () => ({ csv: BULK_CSV, fileName: 'matrix.csv' }),
  'bulkOnboarding.get': () => ({ id: bulkOnboardingId }),
  'partners.list': () => ({}),
  'partners.get': () => ({ partnerId: itPartnerId }),
  'partners.register': () => ({
    kind: 'regional-provider',
    name: `Matrix ${randomUUID().slice(0, 6)}`,
    region: 'Harz',
    adminEmail: `p-${randomUUID().slice(0, 6)}@example.org`,
    idempotencyKey: randomUUID(),
  }),
  'hubs.list': () => ({ tenant: 'einbeck' }),
  'hubs.create': () => ({ tenant: 'einbeck', name: `Matrix-Hub ${randomUUID().slice(0, 6)}` }),
  'hubs.rename': () => ({
    tenant: 'einbeck',
    hubId: einbeck.hubId,
    name: `Digital Hub Einbeck ${randomUUID().slice(0, 4)}`,
  }),
  'hubs.profile': () => ({ tenant: 'einbeck', hubId: einbeck.hubId }),
  'hubs.updateProfile': () => ({
    tenant: 'einbeck',
    hubId: einbeck.hubId,
    name: `Digital Hub Einbeck ${randomUUID().slice(0, 4)}`,
    thematicFocus: 'Vitale Gemeinschaften',
    accessibility: ['step-free'],
    isPublic: true,
  }),
  'hubStaff.list': () => ({ tenant: 'einbeck', hubId: einbeck.hubId }),
  // Someone who is no member of Einbeck yet: assigning makes them one (and the member's own rights stay as they are).
  'hubStaff.assign': () => ({
    tenant: 'einbeck',
    hubId: einbeck.hubId,
    email: 'matrix-staff@example.org',
    role: 'hub-staff',
    contactRole: 'Ansprechpartnerin Co-Working',
  }),
  // A planted assignment per call (an allowed call removes it).
  'hubStaff.remove': () => ({
    tenant: 'einbeck',
    hubId: einbeck.hubId,
    assignmentId: plantedAssignments.pop() ?? randomUUID(),
  }),
  'hubCalendar.week': () => ({ tenant: 'einbeck', hubId: einbeck.hubId, date: workdayAt(9).startsAt.slice(0, 10) }),
  'spaces.importHolidays': () => ({ tenant: 'einbeck', hubId: einbeck.hubId, year: 2032 }),
  'spaces.setSpecialHours': () => ({
    tenant: 'einbeck',
    hubId: einbeck.hubId,
    date: '2032-12-24',
    opensAt: '10:00',
    closesAt: '14:00',
    note: 'Heiligabend',
  }),
  // A well-formed token of no invitation: the answer is the invitation's, not the role's.
  'invitations.preview': () => ({ token: randomUUID().replaceAll('-', '') }),
  'invitations.accept': () => ({
    token: randomUUID().replaceAll('-', ''),
    name: 'Matrix',
    password: 'ein-langes-passwort',
  }),
  'audit.list': () => ({ tenant: 'einbeck' }),
  'spaces.list': () => ({ tenant: 'einbeck', hubId: einbeck.hubId }),
  'spaces.get': () => ({ tenant: 'einbeck', spaceId: rows.eventRoomId }),
  'spaces.create': () => ({
    tenant: 'einbeck',
    hubId: einbeck.hubId,
    kind: 'meeting-room',
    name: `Matrix-Raum ${randomUUID().slice(0, 6)}`,
    capacity: 6,
  }),
  'spaces.updateRules': () => ({
    tenant: 'einbeck',
    spaceId: rows.eventRoomId,
    rules: {
      granularityMinutes: 30,
      minDurationMinutes: 30,
      maxDurationMinutes: 600,
      leadTimeMinutes: 0,
      horizonDays: 90,
      bufferMinutes: 0,
      approvalRequired: false,
    },
  }),
  'spaces.addDesk': () => ({
    tenant: 'einbeck',
    spaceId: rows.coworkingId,
    name: `Matrix-Platz ${randomUUID().slice(0, 6)}`,
  }),
  // The seeded co-working space as it is (6 seats, 6 desks): a real save that changes nothing.
  'spaces.update': () => ({
    tenant: 'einbeck',
    spaceId: rows.coworkingId,
    kind: 'coworking',
    name: 'Co-Working',
    capacity: 6,
    amenities: ['WLAN', 'Küche'],
    deskCount: 6,
  }),
  // Bringing back what is not archived: passes every wall, changes nothing.
  'spaces.setArchived': () => ({ tenant: 'einbeck', spaceId: rows.eventRoomId, archived: false }),
  // A planted empty space (or desk, or hub) per call: an allowed call deletes it.
  'spaces.delete': () => ({ tenant: 'einbeck', spaceId: plantedSpaces.pop() ?? randomUUID() }),
  'spaces.updateDesk': () => ({ tenant: 'einbeck', deskId: rows.deskId, name: rows.deskName }),
  'spaces.setDeskArchived': () => ({ tenant: 'einbeck', deskId: rows.deskId, archived: false }),
  'spaces.deleteDesk': () => ({ tenant: 'einbeck', deskId: plantedDesks.pop() ?? randomUUID() }),
  'hubs.setArchived': () => ({ tenant: 'einbeck', hubId: einbeck.hubId, archived: false }),
  'hubs.delete': () => ({ tenant: 'einbeck', hubId: plantedHubs.pop() ?? randomUUID() }),
  'spaces.openingHours': () => ({ tenant: 'einbeck', hubId: einbeck.hubId }),
  'spaces.setOpeningHours': () => ({
    tenant: 'einbeck',
    hubId: einbeck.hubId,
    week: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opensAt: '08:00', closesAt: '18:00' })),
  }),
  'spaces.addClosedDay': () => ({
    tenant: 'einbeck',
    hubId: einbeck.hubId,
    date: `2031-01-${String(++closedDay).padStart(2, '0')}`,
    note: 'Matrix',
  }),
  'spaces.removeClosedDay': () => ({ tenant: 'einbeck', hubId: einbeck.hubId, date: '2031-01-01' }),
  'spacePhotos.list': () => ({ tenant: 'einbeck', spaceId: rows.eventRoomId }),
  'spacePhotos.image': () => ({ tenant: 'einbeck', photoId: photoRows.shownId, variant: 'thumb' }),
  'spacePhotos.add': () => ({
    tenant: 'einbeck',
    spaceId: rows.eventRoomId,
    altText: 'Matrix-Foto',
    imageBase64: photoRows.tinyBase64,
  }),
  'spacePhotos.updateAltText': () => ({
    tenant: 'einbeck',
    photoId: photoRows.shownId,
    altText: `Matrix ${randomUUID().slice(0, 4)}`,
  }),
  'spacePhotos.move': () => ({ tenant: 'einbeck', photoId: photoRows.shownId, direction: 'down' }),
  // A planted photo per call (an allowed call removes it).
  'spacePhotos.remove': () => ({ tenant: 'einbeck', photoId: photoRows.removable.pop() ?? randomUUID() }),
  // The hub is made public below: its gallery and photos are for anyone.
  'spacePhotos.publicGallery': () => ({ town: 'einbeck', hub: 'digital-hub-einbeck' }),
  'spacePhotos.publicImage': () => ({ town: 'einbeck', hub: 'digital-hub-einbeck', photoId: photoRows.shownId }),
  // A free hour of the event room per call (nobody else books it then).
  'bookings.create': () => ({
    tenant: 'einbeck',
    spaceId: rows.eventRoomId,
    ...workdayAt(bookingHour++),
    purpose: 'Matrix',
  }),
  'bookings.cancel': () => ({ tenant: 'einbeck', bookingId: rows.memberBookingId }),
  // The member's desk booking, moved to a free evening hour of its day (a business refusal still counts as through the wall).
  'bookings.update': () => ({ tenant: 'einbeck', bookingId: rows.memberBookingId, ...workdayAt(16) }),
  'bookings.decide': () => ({ tenant: 'einbeck', bookingId: rows.memberBookingId, decision: 'approve' }),
  'approvals.pending': () => ({ tenant: 'einbeck', hubId: einbeck.hubId }),
  // The member's booking is not pending: an allowed role gets through the walls to a per-request failure.
  'approvals.decide': () => ({ tenant: 'einbeck', bookingIds: [rows.memberBookingId], decision: 'approve' }),
  'approvals.setDigest': () => ({ tenant: 'einbeck', digest: false }),
  'bookings.get': () => ({ tenant: 'einbeck', bookingId: rows.memberBookingId }),
  'bookings.mine': () => ({ tenant: 'einbeck' }),
  'bookings.week': () => ({ tenant: 'einbeck', spaceId: rows.eventRoomId, date: workdayAt(9).startsAt.slice(0, 10) }),
  'bookings.availability': () => ({
    tenant: 'einbeck',
    hubId: einbeck.hubId,
    date: workdayAt(9).startsAt.slice(0, 10),
  }),
  'occupancy.hub': () => ({ tenant: 'einbeck', hubId: einbeck.hubId }),
  'events.list': () => ({ tenant: 'einbeck', hubId: einbeck.hubId, from: '2030-01-01', to: '2030-12-31' }),
  'events.get': () => ({ tenant: 'einbeck', eventId: eventRows.publishedId }),
  'events.create': () => ({
    tenant: 'einbeck',
    hubId: einbeck.hubId,
    spaceId: rows.eventRoomId,
    title: 'Matrix-Workshop',
    kind: 'workshop',
    capacity: 10,
  }),
  'events.update': () => ({
    tenant: 'einbeck',
    eventId: eventRows.draftId,
    title: `Matrix ${randomUUID().slice(0, 4)}`,
  }),
  // A new hour per call (sessions of one event may not overlap).
  'events.addSession': () => ({
    tenant: 'einbeck',
    eventId: eventRows.draftId,
    startsAt: new Date(Date.UTC(2031, 5, 2, 8 + ++sessionCell)).toISOString(),
    endsAt: new Date(Date.UTC(2031, 5, 2, 9 + sessionCell)).toISOString(),
  }),
  // A draft without sessions: an organiser gets through the walls to the business answer (no sessions).
  'events.publish': () => ({ tenant: 'einbeck', eventId: plantedDrafts[0] ?? randomUUID() }),
  'events.cancel': () => ({ tenant: 'einbeck', eventId: plantedDrafts.pop() ?? randomUUID() }),
  'events.register': () => ({ tenant: 'einbeck', eventId: eventRows.publishedId }),
  'events.cancelRegistration': () => ({ tenant: 'einbeck', eventId: eventRows.publishedId }),
  'events.acceptOffer': () => ({ tenant: 'einbeck', eventId: eventRows.publishedId }),
  'events.registrations': () => ({ tenant: 'einbeck', eventId: eventRows.publishedId }),
  'events.removeRegistration': () => ({
    tenant: 'einbeck',
    eventId: eventRows.publishedId,
    registrationId: plantedRegistrations.pop() ?? randomUUID(),
  }),
  'events.setCapacity': () => ({ tenant: 'einbeck', eventId: eventRows.publishedId, capacity: 30 }),
  'events.checkIn': () => ({
    tenant: 'einbeck',
    eventId: eventRows.publishedId,
    registrationId: eventRows.checkInRegistrationId,
  }),
  'events.undoCheckIn': () => ({
    tenant: 'einbeck',
    eventId: eventRows.publishedId,
    registrationId: eventRows.checkInRegistrationId,
  }),
  'eventFormats.list': () => ({}),
  'eventFormats.create': () => ({
    partnerId: itPartnerId,
    title: 'Matrix-Format',
    kind: 'talk',
    durationMinutes: 60,
    idealCapacity: 10,
  }),
  'eventFormats.update': () => ({ formatId: eventRows.formatId, title: `Matrix-Format ${randomUUID().slice(0, 4)}` }),
  'eventFormats.adopt': () => ({
    tenant: 'einbeck',
    formatId: eventRows.formatId,
    hubId: einbeck.hubId,
    spaceId: rows.eventRoomId,
  }),
  'bookingSeries.preview': () => ({
    tenant: 'einbeck',
    spaceId: rows.eventRoomId,
    ...seriesSlot(0),
    rrule: 'FREQ=WEEKLY;COUNT=2',
  }),
  // Two free hours a week apart per call; an hour's gap keeps the room's 30-minute buffer.
  'bookingSeries.create': () => ({
    tenant: 'einbeck',
    spaceId: rows.eventRoomId,
    ...seriesSlot(seriesCell++),
    rrule: 'FREQ=WEEKLY;COUNT=2',
    purpose: 'Matrix',
  }),
  'bookingSeries.get': () => ({ tenant: 'einbeck', seriesId: memberSeriesId }),
  // A range with no occurrence: the call is allowed and cancels nothing.
  'bookingSeries.cancel': () => ({ tenant: 'einbeck', seriesId: memberSeriesId, from: '2031-03-03', to: '2031-03-04' }),
  // The planted series has no occurrence to replace: allowed calls answer BAD_REQUEST errors.series.nothingToEdit and write nothing.
  'bookingSeries.previewEdit': () => ({
    tenant: 'einbeck',
    seriesId: memberSeriesId,
    from: '2031-03-03',
    startsAt: '2031-03-04T09:00:00+01:00',
    endsAt: '2031-03-04T10:00:00+01:00',
    rrule: 'FREQ=WEEKLY;COUNT=2',
  }),
  'bookingSeries.edit': () => ({
    tenant: 'einbeck',
    seriesId: memberSeriesId,
    from: '2031-03-03',
    startsAt: '2031-03-04T09:00:00+01:00',
    endsAt: '2031-03-04T10:00:00+01:00',
    rrule: 'FREQ=WEEKLY;COUNT=2',
  }),
  'checkIn.state': () => ({ tenant: 'einbeck', bookingId: rows.memberBookingId }),
  'checkIn.arrive': () => ({ tenant: 'einbeck', bookingId: rows.memberBookingId }),
  'checkIn.recordNoShows': () => ({ tenant: 'einbeck', hubId: einbeck.hubId }),
  'calendarFeeds.list': () => ({ tenant: 'einbeck' }),
  'calendarFeeds.create': () => ({ tenant: 'einbeck', kind: 'member' }),
  'calendarFeeds.revoke': (role) => ({ tenant: 'einbeck', feedId: feedOf.get(role) ?? randomUUID() }),
  'billing.plans': () => ({}),
  'billing.status': () => ({ tenant: 'einbeck' }),
  'billing.get': () => ({ tenant: 'einbeck' }),
  'billing.startCheckout': () => ({ tenant: 'einbeck', plan: 'plus', interval: 'year' }),
  'billing.openPortal': () => ({ tenant: 'einbeck' }),
  'billing.updateContact': () => ({ tenant: 'einbeck', contactName: 'Matrix', city: 'Einbeck' }),
  'billing.overview': () => ({}),
  // An address without an account: the answer is the same as for one with an account.
  'auth.requestPasswordReset': () => ({ email: `r-${randomUUID().slice(0, 6)}@example.org` }),
  // A well-formed token of no reset: the answer is the token's, not the role's.
  'auth.resetPassword': () => ({ token: randomUUID().replaceAll('-', ''), password: 'ein-langes-passwort' }),
  'mail.sent': () => ({}),
  'staff.invitations': () => ({ tenant: 'einbeck' }),
  'staff.invite': () => ({ tenant: 'einbeck', email: `s-${randomUUID().slice(0, 6)}@example.org`, role: 'member' }),
  // An open invitation of Einbeck per call (an allowed call revokes it).
  'staff.revokeInvitation': () => ({ tenant: 'einbeck', invitationId: openInvitations.pop() ?? randomUUID() }),
  // Resending keeps the invitation open: one for every cell.
  'staff.resendInvitation': () => ({ tenant: 'einbeck', invitationId: resendableInvitation }),
  'staff.members': () => ({ tenant: 'einbeck', limit: 10 }),
  'staff.changeRole': () => ({
    tenant: 'einbeck',
    membershipId: plantedMembers.pop() ?? randomUUID(),
    role: 'hub-staff',
  }),
  'staff.removeMember': () => ({ tenant: 'einbeck', membershipId: plantedMembers.pop() ?? randomUUID() }),
  'mfa.status': () => undefined,
  'mfa.startEnrolment': () => ({}),
  // A wrong code: the answer is the code's (BAD_REQUEST), not the role's.
  'mfa.confirmEnrolment': () => ({ code: '000000' }),
  // Not enrolled: CONFLICT, past the walls.
  'mfa.disable': () => ({ password: DEMO_PASSWORD, code: '000000' }),
  'mfa.completeSignIn': () => ({ challenge: randomUUID().replaceAll('-', ''), code: '000000' }),
  'sessions.mine': () => ({}),
  // Another session of the role's own user, planted at call time (auth.changePassword's cell ends the older ones).
  'sessions.end': async (role) => ({
    sessionId: role === 'anonymous' ? randomUUID() : await plantSession(USERS[role]),
  }),
  'sessions.endOthers': () => ({}),
  'sessions.lookupUser': () => ({ email: DEMO_USERS.sangerhausenAdmin }),
  'exports.start': () => ({ tenant: 'einbeck' }),
  'exports.list': () => ({ tenant: 'einbeck' }),
  'exports.get': (role) => ({ tenant: 'einbeck', exportId: ownExport(role) }),
  'exports.download': (role) => ({ tenant: 'einbeck', exportId: ownExport(role) }),
  'sso.townConfig': () => ({ tenant: 'einbeck' }),
  'sso.saveTownConfig': () => ({
    tenant: 'einbeck',
    issuer: 'https://login.einbeck.example/realms/stadt',
    clientId: 'hubwerk',
    clientSecret: 'matrix-secret',
    allowedDomains: ['einbeck.example'],
    enabled: false,
  }),
  'sso.partnerConfig': () => ({ partnerId: itPartnerId }),
  'sso.savePartnerConfig': () => ({
    partnerId: itPartnerId,
    issuer: 'https://login.partner.example/realms/it',
    clientId: 'hubwerk',
    clientSecret: 'matrix-secret',
    allowedDomains: ['partner.example'],
    enabled: false,
  }),
  // A domain no provider serves: the answer is the domain's, not the role's.
  'sso.start': () => ({ email: `niemand@${randomUUID().slice(0, 8)}.example` }),
  // A callback of no started sign-in: the answer is the state's, not the role's.
  'sso.finish': () => ({ query: `code=abc&state=${randomUUID()}` }),
  'publicBookings.hub': () => ({ town: 'einbeck', hub: 'digital-hub-einbeck' }),
  // The showroom is opened to the public below; one address per call (the limit is per address too).
  'publicBookings.request': (role) => ({
    town: 'einbeck',
    hub: 'digital-hub-einbeck',
    spaceId: orgRows.showroomId,
    ...workdayAt(10),
    name: 'Matrix',
    email: `public-${role}@example.org`,
  }),
  'publicBookings.availability': () => ({
    town: 'einbeck',
    hub: 'digital-hub-einbeck',
    date: workdayAt(9).startsAt.slice(0, 10),
  }),
  'publicBookings.confirm': () => ({
    town: 'einbeck',
    hub: 'digital-hub-einbeck',
    token: randomUUID().replaceAll('-', ''),
  }),
  'organisations.list': () => ({ tenant: 'einbeck' }),
  'organisations.get': () => ({ tenant: 'einbeck', organisationId: orgRows.organisationId }),
  'organisations.members': () => ({ tenant: 'einbeck' }),
  'organisations.searchMembers': () => ({ tenant: 'einbeck', query: 'Mia' }),
  'organisations.create': () => ({
    tenant: 'einbeck',
    name: `Matrix-Organisation ${randomUUID().slice(0, 6)}`,
    kind: 'company',
  }),
  'organisations.update': () => ({
    tenant: 'einbeck',
    organisationId: orgRows.organisationId,
    plan: { deskDaysPerMonth: 20, roomHoursPerMonth: null },
  }),
  'organisations.setMember': () => ({
    tenant: 'einbeck',
    membershipId: orgRows.memberMembershipId,
    organisationId: orgRows.organisationId,
    plan: { deskDaysPerMonth: null, roomHoursPerMonth: null },
  }),
  'audit.listAcrossTowns': () => ({}),
  'partners.invitations': () => ({ partnerId: itPartnerId }),
  'partners.inviteStaff': () => ({ partnerId: itPartnerId, email: `ps-${randomUUID().slice(0, 6)}@example.org` }),
  // An open invitation of the IT partner per call (an allowed call revokes it).
  'partners.revokeInvitation': () => ({
    partnerId: itPartnerId,
    invitationId: openPartnerInvitations.pop() ?? randomUUID(),
  }),
  'account.exportData': () => ({}),
  'account.deletionCheck': () => ({}),
  // The right password but another address as confirmation: refused past the walls (BAD_REQUEST), nothing deleted.
  'account.delete': () => ({ password: DEMO_PASSWORD, confirmEmail: 'nicht-ich@example.org' }),
  'support.active': () => ({}),
  'support.start': () => ({ tenant: 'einbeck', reason: 'Matrix: Hilfe beim Einrichten', durationMinutes: 15 }),
  // Ends the session the same role started in the cell before (the matrix runs in order).
  'support.end': () => ({ tenant: 'einbeck' }),
};
/** A photo of the event room (shown in a public hub), photos of the co-working space to remove, one role each, and a tiny upload. */
const photoRows = { shownId: '', removable: [] as string[], tinyBase64: '' };

async function plantPhoto(tenantId: string, spaceId: string, position: number): Promise<string> {
  const image = await sharp({ create: { width: 8, height: 6, channels: 3, background: '#246' } })
    .webp()
    .toBuffer();
  const { rows: planted } = await superuser.query<{ id: string }>(
    `INSERT INTO "SpacePhoto" ("tenantId", id, "spaceId", position, "altText", width, height, "byteSize", sha256, image, thumbnail, "thumbWidth", "thumbHeight")
     VALUES ($1, gen_random_uuid(), $2, $3, 'Gepflanztes Foto', 8, 6, $4, encode(sha256($5), 'hex'), $5, $5, 8, 6) RETURNING id`,
    [tenantId, spaceId, position, image.length, image],
  );
  return planted[0]!.id;
}

/** An Einbeck organisation and the member's membership, for the organisations cells. */
let orgRows: { organisationId: string; memberMembershipId: string; showroomId: string };

/** A user with the demo password and a membership of Einbeck; returns the membership's id. */
async function plantMember(email: string, role: string): Promise<string> {
  const { rows: planted } = await superuser.query<{ id: string }>(
    `WITH u AS (INSERT INTO "User" (id, email, name, "passwordHash", "updatedAt") SELECT gen_random_uuid(), $2, 'Gepflanzt', "passwordHash", now() FROM "User" WHERE email = $4 RETURNING id)
     INSERT INTO "TenantMembership" ("tenantId", id, "userId", role) SELECT $1, gen_random_uuid(), u.id, $3 FROM u RETURNING id`,
    [einbeck.id, email, role, DEMO_USERS.einbeckMember],
  );
  return planted[0]!.id;
}

async function plantSession(email: string): Promise<string> {
  const { rows: planted } = await superuser.query<{ id: string }>(
    `INSERT INTO "Session" (id, "tokenHash", "userId", "expiresAt") SELECT gen_random_uuid(), $2, id, now() + interval '1 day' FROM "User" WHERE email = $1 RETURNING id`,
    [email, `matrix-session-${randomUUID()}`],
  );
  return planted[0]!.id;
}

beforeAll(async () => {
  const db = await useTestDatabase({ fresh: true });
  await seedDemo({ platformUrl: db.platformUrl });
  api = createTestApi(db);
  superuser = new pg.Client({ connectionString: db.superuserUrl });
  await superuser.connect();
  einbeck = (
    await superuser.query(
      `SELECT t.id, h.id AS "hubId" FROM "Tenant" t JOIN "Hub" h ON h."tenantId" = t.id WHERE t.slug = 'einbeck'`,
    )
  ).rows[0];
  itPartnerId = (await superuser.query(`SELECT id FROM "Partner" WHERE kind = 'IT_PARTNER'`)).rows[0].id;
  bulkOnboardingId = (
    await superuser.query(
      `INSERT INTO "BulkOnboarding" (id, "requestedById", "fileName", status, total, "updatedAt")
       SELECT gen_random_uuid(), id, 'matrix.csv', 'DONE', 0, now() FROM "User" WHERE email = $1 RETURNING id`,
      [DEMO_USERS.platform],
    )
  ).rows[0].id;
  // The two planted roles sign in with the demo password.
  const hubStaffMembership = await plantMember(USERS['hub-staff'], 'HUB_STAFF');
  await superuser.query(
    `INSERT INTO "HubAssignment" ("tenantId", id, "hubId", "membershipId", "userId")
     SELECT $1, gen_random_uuid(), $2, m.id, m."userId" FROM "TenantMembership" m WHERE m."tenantId" = $1 AND m.id = $3`,
    [einbeck.id, einbeck.hubId, hubStaffMembership],
  );
  await superuser.query(
    `WITH u AS (INSERT INTO "User" (id, email, name, "passwordHash", "updatedAt") SELECT gen_random_uuid(), $1, 'Matrix Partner Staff', "passwordHash", now() FROM "User" WHERE email = $3 RETURNING id)
     INSERT INTO "PartnerMembership" (id, "partnerId", "userId", role) SELECT gen_random_uuid(), $2, u.id, 'PARTNER_STAFF' FROM u`,
    [USERS['partner-staff'], itPartnerId, DEMO_USERS.einbeckMember],
  );
  for (const role of MATRIX_ROLES) {
    const { rows: created } = await superuser.query<{ id: string }>(
      `INSERT INTO "Invitation" (id, "tenantId", email, "tenantRole", "tokenHash", "expiresAt") VALUES (gen_random_uuid(), $1, $2, 'MEMBER', $3, now() + interval '7 days') RETURNING id`,
      [einbeck.id, `offen-${role}@einbeck.example.org`, `matrix-${role}-${randomUUID()}`],
    );
    openInvitations.push(created[0]!.id);
    const { rows: assigned } = await superuser.query<{ id: string }>(
      `WITH u AS (INSERT INTO "User" (id, email, name, "updatedAt") VALUES (gen_random_uuid(), $2, 'Matrix', now()) RETURNING id),
            m AS (INSERT INTO "TenantMembership" ("tenantId", id, "userId", role) SELECT $1, gen_random_uuid(), u.id, 'MEMBER' FROM u RETURNING id, "userId")
       INSERT INTO "HubAssignment" ("tenantId", id, "hubId", "membershipId", "userId", role) SELECT $1, gen_random_uuid(), $3, m.id, m."userId", 'HUB_STAFF' FROM m RETURNING id`,
      [einbeck.id, `zugeordnet-${role}@einbeck.example.org`, einbeck.hubId],
    );
    plantedAssignments.push(assigned[0]!.id);
    // The desks live in the seeded co-working space: deleting the planted spaces must not take them along.
    const { rows: empty } = await superuser.query<{ spaceId: string; deskId: string; hubId: string }>(
      `WITH s AS (INSERT INTO "Space" ("tenantId", id, "hubId", kind, name, capacity, amenities, "updatedAt")
                  VALUES ($1, gen_random_uuid(), $2, 'MEETING_ROOM', $3, 4, '{}', now()) RETURNING id),
            d AS (INSERT INTO "Desk" ("tenantId", id, "spaceId", name, attributes)
                  SELECT $1, gen_random_uuid(), c.id, $3, '{}' FROM "Space" c WHERE c."tenantId" = $1 AND c."hubId" = $2 AND c.kind = 'COWORKING' LIMIT 1 RETURNING id),
            h AS (INSERT INTO "Hub" ("tenantId", id, name, slug, "updatedAt") VALUES ($1, gen_random_uuid(), $3, $4, now()) RETURNING id)
       SELECT s.id AS "spaceId", d.id AS "deskId", h.id AS "hubId" FROM s, d, h`,
      [einbeck.id, einbeck.hubId, `Leer ${role}`, `leer-${role}`],
    );
    plantedSpaces.push(empty[0]!.spaceId);
    plantedDesks.push(empty[0]!.deskId);
    plantedHubs.push(empty[0]!.hubId);
  }
  for (const [role, email] of Object.entries(USERS) as Array<[MatrixRole, string]>) {
    // An empty ZIP (end-of-central-directory record only), ready and not expired.
    const { rows: planted } = await superuser.query<{ id: string }>(
      `INSERT INTO "TenantExport" ("tenantId", id, "requestedById", status, progress, archive, "sizeBytes", "finishedAt", "expiresAt", "updatedAt")
       SELECT $1, gen_random_uuid(), u.id, 'READY', 100, decode('504b0506' || repeat('00', 18), 'hex'), 22, now(), now() + interval '1 day', now() FROM "User" u WHERE u.email = $2 RETURNING id`,
      [einbeck.id, email],
    );
    ownExports.set(role, planted[0]!.id);
  }
  // A member of Einbeck for hubStaff.assign (only the town's members can be assigned).
  await plantMember('matrix-staff@example.org', 'MEMBER');
  for (const [i] of [...MATRIX_ROLES, ...MATRIX_ROLES].entries())
    plantedMembers.push(await plantMember(`gepflanzt-${i}@einbeck.example.org`, 'MEMBER'));
  resendableInvitation = (
    await superuser.query(
      `INSERT INTO "Invitation" (id, "tenantId", email, "tenantRole", "tokenHash", "expiresAt") VALUES (gen_random_uuid(), $1, 'erneut@einbeck.example.org', 'MEMBER', $2, now() + interval '7 days') RETURNING id`,
      [einbeck.id, `matrix-resend-${randomUUID()}`],
    )
  ).rows[0].id;

  orgRows = (
    await superuser.query(
      `WITH o AS (INSERT INTO "Organisation" ("tenantId", id, name, kind, "updatedAt") VALUES ($1, gen_random_uuid(), 'Matrix e. V.', 'ASSOCIATION', now()) RETURNING id)
       SELECT o.id AS "organisationId", m.id AS "memberMembershipId",
              (SELECT s.id FROM "Space" s WHERE s."tenantId" = $1 AND s.kind = 'SHOWROOM') AS "showroomId" FROM o, "TenantMembership" m JOIN "User" u ON u.id = m."userId" WHERE m."tenantId" = $1 AND u.email = $2`,
      [einbeck.id, DEMO_USERS.einbeckMember],
    )
  ).rows[0];
  await superuser.query(`UPDATE "Space" SET "publicBookable" = true WHERE id = $1`, [orgRows.showroomId]);
  // Free slots are shown only for a hub marked public.
  await superuser.query(`UPDATE "Hub" SET "isPublic" = true WHERE id = $1`, [einbeck.hubId]);
  for (const role of MATRIX_ROLES) {
    const { rows: created } = await superuser.query<{ id: string }>(
      `INSERT INTO "Invitation" (id, "partnerId", email, "partnerRole", "tokenHash", "expiresAt") VALUES (gen_random_uuid(), $1, $2, 'PARTNER_STAFF', $3, now() + interval '7 days') RETURNING id`,
      [itPartnerId, `partner-offen-${role}@example.org`, `matrix-partner-${role}-${randomUUID()}`],
    );
    openPartnerInvitations.push(created[0]!.id);
  }
  sangerhausenAdminId = (
    await superuser.query(`SELECT id FROM "User" WHERE email = $1`, [DEMO_USERS.sangerhausenAdmin])
  ).rows[0].id;
  rows = (
    await superuser.query(
      `SELECT e.id AS "eventRoomId", c.id AS "coworkingId", b.id AS "memberBookingId", b."deskId",
              (SELECT d.name FROM "Desk" d WHERE d."tenantId" = b."tenantId" AND d.id = b."deskId") AS "deskName"
       FROM "Space" e JOIN "Space" c ON c."tenantId" = e."tenantId" AND c.kind = 'COWORKING'
       JOIN "Booking" b ON b."tenantId" = e."tenantId" AND b."spaceId" = c.id
       JOIN "User" u ON u.id = b."userId" AND u.email = $2
       WHERE e."tenantId" = $1 AND e.kind = 'EVENT_ROOM'`,
      [einbeck.id, DEMO_USERS.einbeckMember],
    )
  ).rows[0];
});

beforeAll(async () => {
  await superuser.query(`UPDATE "Hub" SET "isPublic" = true WHERE id = $1`, [einbeck.hubId]);
  photoRows.shownId = await plantPhoto(einbeck.id, rows.eventRoomId, 0);
  for (const [i] of MATRIX_ROLES.entries()) photoRows.removable.push(await plantPhoto(einbeck.id, rows.coworkingId, i));
  photoRows.tinyBase64 = (
    await sharp({ create: { width: 12, height: 8, channels: 3, background: '#abc' } })
      .png()
      .toBuffer()
  ).toString('base64');
});

beforeAll(async () => {
  const member = (await superuser.query(`SELECT id FROM "User" WHERE email = $1`, [DEMO_USERS.einbeckMember])).rows[0]
    .id as string;
  memberSeriesId = (
    await superuser.query(
      `INSERT INTO "BookingSeries" ("tenantId", id, "spaceId", "userId", rrule, "firstStartsAt", "durationMinutes", timezone) VALUES ($1, gen_random_uuid(), $2, $3, 'FREQ=WEEKLY;COUNT=1', now() + interval '30 days', 60, 'Europe/Berlin') RETURNING id`,
      [einbeck.id, rows.eventRoomId, member],
    )
  ).rows[0].id;
  for (const role of MATRIX_ROLES) {
    if (role === 'anonymous') continue;
    const { rows: feed } = await superuser.query<{ id: string }>(
      `INSERT INTO "CalendarFeed" ("tenantId", id, kind, "userId", "tokenHash") SELECT $1, gen_random_uuid(), 'MEMBER', u.id, $3 FROM "User" u WHERE u.email = $2 RETURNING id`,
      [einbeck.id, USERS[role], `matrix-feed-${role}-${randomUUID()}`],
    );
    feedOf.set(role, feed[0]!.id);
  }
});

beforeAll(async () => {
  // A published event with a confirmed public registration per role (seats counted as the ledger would), a draft
  // for update/addSession, one draft per role for publish and cancel, and a format of the IT partner.
  const { rows: ev } = await superuser.query<{ id: string }>(
    `INSERT INTO "Event" ("tenantId", id, "hubId", "spaceId", title, kind, capacity, status, "confirmedSeats", "updatedAt")
     VALUES ($1, gen_random_uuid(), $2, $3, 'Matrix-Veranstaltung', 'workshop', 30, 'published', $4, now()) RETURNING id`,
    [einbeck.id, einbeck.hubId, rows.eventRoomId, MATRIX_ROLES.length + 1],
  );
  eventRows.publishedId = ev[0]!.id;
  const { rows: regs } = await superuser.query<{ id: string }>(
    `INSERT INTO "EventRegistration" ("tenantId", id, "eventId", name, email, seats, status, "checkInToken")
     SELECT $1, gen_random_uuid(), $2, 'Gast ' || i, 'gast-' || i || '@example.org', 1, 'confirmed', 'matrix-' || i || '-' || gen_random_uuid()
       FROM generate_series(0, $3::int) i RETURNING id`,
    [einbeck.id, eventRows.publishedId, MATRIX_ROLES.length],
  );
  eventRows.checkInRegistrationId = regs[0]!.id;
  plantedRegistrations.push(...regs.slice(1).map((r) => r.id));
  const draft = async () =>
    (
      await superuser.query<{ id: string }>(
        `INSERT INTO "Event" ("tenantId", id, "hubId", "spaceId", title, kind, capacity, "updatedAt")
         VALUES ($1, gen_random_uuid(), $2, $3, 'Matrix-Entwurf', 'talk', 10, now()) RETURNING id`,
        [einbeck.id, einbeck.hubId, rows.eventRoomId],
      )
    ).rows[0]!.id;
  eventRows.draftId = await draft();
  for (const _role of MATRIX_ROLES) plantedDrafts.push(await draft());
  eventRows.formatId = (
    await superuser.query<{ id: string }>(
      `INSERT INTO "EventFormat" (id, "partnerId", title, kind, "durationMinutes", "idealCapacity", "updatedAt")
       VALUES (gen_random_uuid(), $1, 'Matrix-Format', 'workshop', 120, 12, now()) RETURNING id`,
      [itPartnerId],
    )
  ).rows[0]!.id;
});

afterAll(async () => {
  await superuser?.end();
  await api?.close();
});

/** deny: the walls said no (signed out, forbidden, or their not-found); anything else got through them. */
async function decisionOf(promise: Promise<unknown>): Promise<{ decision: Decision; detail: string }> {
  try {
    await promise;
    return { decision: 'allow', detail: 'ok' };
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    const { messageKey } = describeError(error);
    const denied =
      error.code === 'UNAUTHORIZED' ||
      error.code === 'FORBIDDEN' ||
      (error.code === 'NOT_FOUND' && messageKey === 'errors.notFound');
    return { decision: denied ? 'deny' : 'allow', detail: `${error.code} ${messageKey}` };
  }
}

function call(caller: Caller, path: string, input: unknown): Promise<unknown> {
  const [router, procedure] = path.split('.') as [string, string];
  return (caller as unknown as Record<string, Record<string, (i: unknown) => Promise<unknown>>>)[router]![procedure]!(
    input,
  );
}

/**
 * Every procedure's row, in the router's order — except support sessions, which
 * run last, start before end: a running session gives platform support the
 * town admin's abilities, which would change the outcome of cells after it.
 */
const MATRIX = procedureContracts(appRouter)
  .map(({ path, contract }) => ({ path, access: contract.access }))
  .sort((a, b) => Number(a.path.startsWith('support.')) - Number(b.path.startsWith('support.')));

describe('authorization matrix', () => {
  it('has an input for every procedure of the router, and every row decides every role', () => {
    expect(Object.keys(INPUTS).sort()).toEqual(MATRIX.map((row) => row.path).sort());
    for (const { access } of MATRIX) expect(Object.keys(access).sort()).toEqual([...MATRIX_ROLES].sort());
  });

  const cells = MATRIX.flatMap(({ path, access }) => MATRIX_ROLES.map((role) => [path, role, access[role]] as const));

  it.each(cells)('%s as %s: %s', async (path, role, expected) => {
    // A fresh session per cell: signing out (or anything else) never affects another cell.
    const caller = role === 'anonymous' ? api.caller() : await api.as(USERS[role]);
    // An input may need a row made just now (awaited; plain inputs pass through).
    const { decision, detail } = await decisionOf(call(caller, path, await INPUTS[path]!(role)));
    expect({ decision, detail }).toMatchObject({ decision: expected });
  });
});

/** Every way a role can be granted, for one granter and one role: each must agree with GRANT_MATRIX. */
async function grantOutcomes(
  caller: Caller,
  role: GrantableRole,
): Promise<Array<{ via: string; decision: Decision; detail: string }>> {
  const email = () => `grant-${randomUUID().slice(0, 8)}@example.org`;
  const outcomes: Array<{ via: string; decision: Decision; detail: string }> = [];
  const strict = async (via: string, promise: Promise<unknown>) => {
    const { decision, detail } = await decisionOf(promise);
    // A grant that gets through must also succeed: a business error would hide a wrong decision.
    outcomes.push({ via, decision: detail === 'ok' ? 'allow' : decision === 'deny' ? 'deny' : 'allow', detail });
  };
  if (role === 'partner-staff') {
    await strict('partners.inviteStaff', caller.partners.inviteStaff({ partnerId: itPartnerId, email: email() }));
    return outcomes;
  }
  const hubRole = role === 'hub-manager' || role === 'hub-staff';
  await strict(
    'staff.invite',
    caller.staff.invite({ tenant: 'einbeck', email: email(), role, ...(hubRole ? { hubId: einbeck.hubId } : {}) }),
  );
  if (hubRole) {
    await strict(
      'hubStaff.assign',
      caller.hubStaff.assign({ tenant: 'einbeck', hubId: einbeck.hubId, email: 'matrix-staff@example.org', role }),
    );
  } else {
    const membershipId = await plantMember(email(), 'HUB_STAFF');
    await strict('staff.changeRole', caller.staff.changeRole({ tenant: 'einbeck', membershipId, role }));
  }
  return outcomes;
}

describe('grant matrix: who may grant which role', () => {
  const cells = Object.entries(GRANT_MATRIX).flatMap(([granter, decisions]) =>
    GRANTABLE_ROLES.map((role) => [granter as Exclude<MatrixRole, 'anonymous'>, role, decisions[role]] as const),
  );

  it.each(cells)('%s grants %s: %s', async (granter, role, expected) => {
    const caller = await api.as(USERS[granter]);
    const outcomes = await grantOutcomes(caller, role);
    expect(outcomes.length).toBeGreaterThan(0);
    for (const outcome of outcomes)
      expect(outcome).toMatchObject({ decision: expected, ...(expected === 'allow' ? { detail: 'ok' } : {}) });
  });
});

describe('the audit entries all these calls wrote', () => {
  // Runs last: by now every procedure has run for every role, allowed and denied.
  it('are all known actions, each with its kind and translations (packages/domain/src/audit-actions.ts)', async () => {
    const { rows: written } = await superuser.query<{ action: string }>(
      `SELECT action FROM "AuditEvent" UNION SELECT action FROM "PlatformAuditEvent" ORDER BY action`,
    );
    expect(written.length).toBeGreaterThan(20);
    expect(written.map((r) => r.action).filter((action) => !isAuditAction(action))).toEqual([]);
  });
});

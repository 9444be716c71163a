/**
 * Test support (not part of the API): the generated fuzz suites over every
 * procedure (input-fuzz.property.integration.test.ts through the tRPC caller,
 * apps/api's input-fuzz-http test through the HTTP server). For each
 * procedure a valid input by a role that may call it; fast-check then breaks
 * one part of it — a hostile string, number, date, structure, or an extra
 * (prototype) key anywhere — and the answer must be no 500 and, when it is a
 * refusal of the input, name the field that was broken (docs/decisions/025).
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type pg from 'pg';
import { DEMO_USERS } from '../../../prisma/seed.ts';

/** Who calls: a seeded user, nobody, or a fresh session of a user kept for procedures that end sessions or change credentials. */
export type FuzzCaller = 'anonymous' | 'fresh' | keyof typeof DEMO_USERS;
export const FRESH_USER = DEMO_USERS.einbeckMember2;

/** Real ids of the demo data (Einbeck's, unless named), so that a valid input gets past every lookup. */
export interface FuzzIds {
  hubId: string;
  spaceId: string;
  coworkingId: string;
  deskId: string;
  /**
   * Einbeck's rows without any booking, edited, archived and brought back by their cases: a hub, a meeting
   * room without desks (so that no broken input can add desks that later inputs would have to account for)
   * and a desk of a co-working space with room for a hundred.
   */
  emptyHubId: string;
  emptySpaceId: string;
  emptyDeskId: string;
  bookingId: string;
  seriesId: string;
  feedId: string;
  photoId: string;
  invitationId: string;
  exportId: string;
  assignmentId: string;
  organisationId: string;
  membershipId: string;
  partnerId: string;
  zeitzTenantId: string;
  freshUserId: string;
  auditId: string;
  partnerInvitationId: string;
  /** Events (docs/decisions/038): a published event with a confirmed registration, a draft, a format of the catalogue. */
  eventId: string;
  draftId: string;
  registrationId: string;
  formatId: string;
  /** The fresh session of this case (callers 'fresh' only). */
  freshSessionId: string;
}

export interface FuzzCase {
  as: FuzzCaller;
  input: (ids: FuzzIds) => unknown;
}

const TINY_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAEUlEQVQImWNwSetwSetggFAAIHYEyUwxy14AAAAASUVORK5CYII=';
const T = 'einbeck';
const at = (time: string) => `2031-03-04T${time}:00+01:00`;
const ZERO_UUID = '00000000-0000-4000-8000-000000000000';
const TOKEN = 'x'.repeat(43);

/**
 * One case per procedure. Inputs are chosen so that repeating them does not
 * pile up rows or lock anyone out: fixed idempotency keys, wrong passwords
 * and made-up tokens, nonexistent addresses, a fresh session for whatever
 * ends sessions.
 */
// prettier-ignore
export const FUZZ_CASES: Record<string, FuzzCase> = {
  'auth.signIn': { as: 'anonymous', input: () => ({ email: 'niemand@example.org', password: 'falsches-passwort' }) },
  'auth.signOut': { as: 'fresh', input: () => ({}) },
  'auth.me': { as: 'einbeckMember', input: () => undefined },
  'auth.changePassword': { as: 'fresh', input: () => ({ currentPassword: 'nicht-das-passwort', newPassword: 'ein-ganz-neues-passwort' }) },
  'auth.revokeUserSessions': { as: 'platform', input: (i) => ({ userId: i.freshUserId, reason: 'Prüfung der Eingaben' }) },
  'auth.requestPasswordReset': { as: 'anonymous', input: () => ({ email: 'niemand@example.org' }) },
  'auth.resetPassword': { as: 'anonymous', input: () => ({ token: TOKEN, password: 'ein-langes-passwort' }) },
  'tenants.list': { as: 'platform', input: () => ({}) },
  'tenants.get': { as: 'einbeckAdmin', input: () => ({ tenant: T }) },
  'tenants.onboard': { as: 'platform', input: (i) => ({ name: 'Fuzzstadt', ags: '15084777', bundesland: '15', partnerId: i.partnerId, hubName: 'Fuzz-Hub', adminEmail: 'fuzz-admin@example.org', idempotencyKey: '6f1c1c1e-0000-4000-8000-000000000001' }) },
  'tenants.assignPartner': { as: 'platform', input: (i) => ({ tenantId: i.zeitzTenantId, partnerId: null }) },
  'register.status': { as: 'platform', input: () => ({}) },
  'register.search': { as: 'platform', input: () => ({ query: 'Einbeck' }) },
  'register.import': { as: 'platform', input: () => ({ csv: 'ags,name,land,kreis,population,plz\n03155013,Einbeck,03,Northeim,30689,37574\n', effectiveDate: '2019-12-31', source: 'Fuzz' }) },
  'bulkOnboarding.start': { as: 'platform', input: () => ({ csv: 'ags,hub_name,admin_email,partner\n03155013,Fuzz-Hub,fuzz-admin@example.org,\n', fileName: 'fuzz.csv' }) },
  'bulkOnboarding.get': { as: 'platform', input: () => ({ id: ZERO_UUID }) },
  'partners.list': { as: 'platform', input: () => ({}) },
  'partners.get': { as: 'partner', input: (i) => ({ partnerId: i.partnerId }) },
  'partners.register': { as: 'platform', input: () => ({ kind: 'it-partner', name: 'Fuzz GmbH', region: 'Harz', adminEmail: 'fuzz-partner@example.org', idempotencyKey: '6f1c1c1e-0000-4000-8000-000000000002' }) },
  'hubs.list': { as: 'einbeckAdmin', input: () => ({ tenant: T }) },
  'hubs.create': { as: 'einbeckAdmin', input: () => ({ tenant: T, name: 'Fuzz-Werkstatt' }) },
  'hubs.rename': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, hubId: i.hubId, name: 'Digital Hub Einbeck' }) },
  'hubs.setArchived': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, hubId: i.emptyHubId, archived: false }) },
  'hubs.delete': { as: 'einbeckAdmin', input: () => ({ tenant: T, hubId: ZERO_UUID }) },
  'hubs.profile': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, hubId: i.hubId }) },
  'hubs.updateProfile': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, hubId: i.hubId, name: 'Digital Hub Einbeck', isPublic: true, description: 'Offen für alle.\nAuch am Wochenende.', accessibility: ['hearing-loop'] }) },
  'hubStaff.list': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, hubId: i.hubId }) },
  'hubStaff.assign': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, hubId: i.hubId, email: DEMO_USERS.einbeckMember, role: 'hub-staff', contactRole: 'Empfang' }) },
  'hubStaff.remove': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, hubId: i.hubId, assignmentId: i.assignmentId }) },
  'hubCalendar.week': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, hubId: i.hubId, date: '2031-03-04' }) },
  'invitations.preview': { as: 'anonymous', input: () => ({ token: TOKEN }) },
  'invitations.accept': { as: 'anonymous', input: () => ({ token: TOKEN, name: 'Fuzz', password: 'ein-langes-passwort' }) },
  'audit.list': { as: 'einbeckAdmin', input: () => ({ tenant: T, action: 'booking.created', from: at('00:00'), to: at('23:00'), limit: 5 }) },
  'spaces.list': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, hubId: i.hubId }) },
  'spaces.get': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, spaceId: i.spaceId }) },
  'spaces.create': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, hubId: i.hubId, kind: 'meeting-room', name: 'Fuzz-Raum', capacity: 4 }) },
  'spaces.updateRules': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, spaceId: i.spaceId, rules: { granularityMinutes: 30, minDurationMinutes: 30, maxDurationMinutes: 600, leadTimeMinutes: 0, horizonDays: 730, bufferMinutes: 0, approvalRequired: false } }) },
  'spaces.addDesk': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, spaceId: i.coworkingId, name: 'Fuzz-Platz', attributes: ['Fenster'] }) },
  'spaces.update': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, spaceId: i.emptySpaceId, kind: 'meeting-room', name: 'Fuzz-Werkraum', capacity: 10, amenities: ['WLAN'], accessibilityNotes: 'Rampe am Eingang', deskCount: 0 }) },
  'spaces.setArchived': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, spaceId: i.emptySpaceId, archived: false }) },
  'spaces.delete': { as: 'einbeckAdmin', input: () => ({ tenant: T, spaceId: ZERO_UUID }) },
  'spaces.updateDesk': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, deskId: i.emptyDeskId, name: 'Fuzz-Tisch', attributes: ['Fenster'] }) },
  'spaces.setDeskArchived': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, deskId: i.emptyDeskId, archived: false }) },
  'spaces.deleteDesk': { as: 'einbeckAdmin', input: () => ({ tenant: T, deskId: ZERO_UUID }) },
  'spaces.openingHours': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, hubId: i.hubId }) },
  'spaces.setOpeningHours': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, hubId: i.hubId, week: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opensAt: '06:00', closesAt: '22:00' })) }) },
  'spaces.addClosedDay': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, hubId: i.hubId, date: '2031-12-31', note: 'Silvester' }) },
  'spaces.removeClosedDay': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, hubId: i.hubId, date: '2031-12-31' }) },
  'spaces.importHolidays': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, hubId: i.hubId, year: 2032 }) },
  'spaces.setSpecialHours': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, hubId: i.hubId, date: '2031-12-24', opensAt: '10:00', closesAt: '14:00', note: 'Heiligabend' }) },
  'spacePhotos.list': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, spaceId: i.spaceId }) },
  'spacePhotos.image': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, photoId: i.photoId, variant: 'thumb' }) },
  'spacePhotos.add': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, spaceId: i.spaceId, altText: 'Ein heller Raum', imageBase64: TINY_PNG_BASE64 }) },
  'spacePhotos.updateAltText': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, photoId: i.photoId, altText: 'Ein heller Raum' }) },
  'spacePhotos.move': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, photoId: i.photoId, direction: 'up' }) },
  'spacePhotos.remove': { as: 'einbeckAdmin', input: () => ({ tenant: T, photoId: ZERO_UUID }) },
  'spacePhotos.publicGallery': { as: 'anonymous', input: () => ({ town: T, hub: 'digital-hub-einbeck' }) },
  'spacePhotos.publicImage': { as: 'anonymous', input: (i) => ({ town: T, hub: 'digital-hub-einbeck', photoId: i.photoId, variant: 'full' }) },
  'bookings.create': { as: 'einbeckMember', input: (i) => ({ tenant: T, spaceId: i.spaceId, startsAt: at('09:00'), endsAt: at('10:00'), purpose: 'Treffen', attendees: 3 }) },
  'bookings.cancel': { as: 'einbeckAdmin', input: () => ({ tenant: T, bookingId: ZERO_UUID }) },
  'bookings.update': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, bookingId: i.bookingId, startsAt: at('11:00'), endsAt: at('12:00'), purpose: 'Verlegt', attendees: 2 }) },
  'bookings.decide': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, bookingId: i.bookingId, decision: 'approve' }) },
  'approvals.pending': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, hubId: i.hubId, limit: 20 }) },
  'approvals.decide': { as: 'einbeckAdmin', input: () => ({ tenant: T, bookingIds: [ZERO_UUID], decision: 'reject', reason: 'Der Raum wird renoviert.' }) },
  'approvals.setDigest': { as: 'einbeckAdmin', input: () => ({ tenant: T, digest: false }) },
  'bookings.get': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, bookingId: i.bookingId }) },
  'bookings.mine': { as: 'einbeckMember', input: () => ({ tenant: T, limit: 5 }) },
  'bookings.week': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, spaceId: i.spaceId, date: '2031-03-04' }) },
  'bookings.availability': { as: 'einbeckMember', input: (i) => ({ tenant: T, spaceId: i.spaceId, date: '2031-03-04' }) },
  'bookingSeries.preview': { as: 'einbeckMember', input: (i) => ({ tenant: T, spaceId: i.spaceId, startsAt: at('13:00'), endsAt: at('14:00'), rrule: 'FREQ=WEEKLY;COUNT=3', purpose: 'Reihe' }) },
  'bookingSeries.create': { as: 'einbeckMember', input: (i) => ({ tenant: T, spaceId: i.spaceId, startsAt: at('13:00'), endsAt: at('14:00'), rrule: 'FREQ=WEEKLY;COUNT=3', purpose: 'Reihe' }) },
  'bookingSeries.get': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, seriesId: i.seriesId }) },
  'bookingSeries.cancel': { as: 'einbeckAdmin', input: () => ({ tenant: T, seriesId: ZERO_UUID, from: '2031-01-01', to: '2031-12-31' }) },
  'bookingSeries.previewEdit': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, seriesId: i.seriesId, from: '2031-01-01', startsAt: at('15:00'), endsAt: at('16:00'), rrule: 'FREQ=WEEKLY;COUNT=3', purpose: 'Reihe' }) },
  'bookingSeries.edit': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, seriesId: i.seriesId, from: '2031-01-01', startsAt: at('15:00'), endsAt: at('16:00'), rrule: 'FREQ=WEEKLY;COUNT=3', purpose: 'Reihe' }) },
  'checkIn.state': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, bookingId: i.bookingId }) },
  'checkIn.arrive': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, bookingId: i.bookingId }) },
  'checkIn.recordNoShows': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, hubId: i.hubId }) },
  'calendarFeeds.list': { as: 'einbeckAdmin', input: () => ({ tenant: T }) },
  'calendarFeeds.create': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, kind: 'space', spaceId: i.spaceId }) },
  'calendarFeeds.revoke': { as: 'einbeckAdmin', input: () => ({ tenant: T, feedId: ZERO_UUID }) },
  'occupancy.hub': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, hubId: i.hubId, weeks: 4 }) },
  'billing.plans': { as: 'einbeckAdmin', input: () => ({}) },
  'billing.status': { as: 'einbeckAdmin', input: () => ({ tenant: T }) },
  'billing.get': { as: 'einbeckAdmin', input: () => ({ tenant: T }) },
  'billing.startCheckout': { as: 'einbeckAdmin', input: () => ({ tenant: T, plan: 'plus', interval: 'year' }) },
  'billing.openPortal': { as: 'einbeckAdmin', input: () => ({ tenant: T }) },
  'billing.updateContact': { as: 'einbeckAdmin', input: () => ({ tenant: T, contactName: 'Kämmerei', contactEmail: 'kaemmerei@einbeck.example', street: 'Teichenweg 1', postalCode: '37574', city: 'Einbeck', vatId: 'DE123456789' }) },
  'mail.sent': { as: 'platform', input: () => ({}) },
  'staff.invitations': { as: 'einbeckAdmin', input: () => ({ tenant: T }) },
  'staff.invite': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, email: 'fuzz-eingeladen@example.org', role: 'hub-staff', hubId: i.hubId }) },
  'staff.revokeInvitation': { as: 'einbeckAdmin', input: () => ({ tenant: T, invitationId: ZERO_UUID }) },
  'staff.resendInvitation': { as: 'einbeckAdmin', input: () => ({ tenant: T, invitationId: ZERO_UUID }) },
  'staff.members': { as: 'einbeckAdmin', input: () => ({ tenant: T, limit: 20 }) },
  'staff.changeRole': { as: 'einbeckAdmin', input: () => ({ tenant: T, membershipId: ZERO_UUID, role: 'member' }) },
  'staff.removeMember': { as: 'einbeckAdmin', input: () => ({ tenant: T, membershipId: ZERO_UUID }) },
  'account.exportData': { as: 'einbeckMember', input: () => ({}) },
  'account.deletionCheck': { as: 'einbeckMember', input: () => ({}) },
  'account.delete': { as: 'fresh', input: () => ({ password: 'nicht-das-passwort', confirmEmail: 'member2@einbeck.hubwerk.test' }) },
  'billing.overview': { as: 'platform', input: () => ({}) },
  'mfa.status': { as: 'fresh', input: () => ({}) },
  'mfa.startEnrolment': { as: 'fresh', input: () => ({}) },
  'mfa.confirmEnrolment': { as: 'fresh', input: () => ({ code: '123456' }) },
  'mfa.disable': { as: 'fresh', input: () => ({ password: 'nicht-das-passwort', code: '123456' }) },
  'mfa.completeSignIn': { as: 'anonymous', input: () => ({ challenge: TOKEN, code: '123456' }) },
  'sessions.mine': { as: 'einbeckAdmin', input: () => ({ limit: 5 }) },
  'sessions.end': { as: 'fresh', input: (i) => ({ sessionId: i.freshSessionId }) },
  'sessions.endOthers': { as: 'fresh', input: () => ({}) },
  'sessions.lookupUser': { as: 'platform', input: () => ({ email: DEMO_USERS.einbeckMember }) },
  'events.list': { as: 'einbeckMember', input: (i) => ({ tenant: T, hubId: i.hubId, from: '2031-03-01', to: '2031-03-31' }) },
  'events.get': { as: 'einbeckMember', input: (i) => ({ tenant: T, eventId: i.eventId }) },
  'events.create': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, hubId: i.hubId, spaceId: i.spaceId, title: 'Fuzz-Workshop', kind: 'workshop', capacity: 10, audience: ['citizens'], meetingUrl: 'https://meet.example.org/x', registrationOpensAt: at('08:00'), registrationClosesAt: at('09:00') }) },
  'events.update': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, eventId: i.draftId, title: 'Fuzz', waitlistMode: 'offer', offerHours: 12 }) },
  'events.addSession': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, eventId: i.draftId, startsAt: at('10:00'), endsAt: at('11:00') }) },
  'events.publish': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, eventId: i.eventId }) },
  'events.cancel': { as: 'einbeckAdmin', input: () => ({ tenant: T, eventId: ZERO_UUID }) },
  'events.register': { as: 'einbeckMember', input: (i) => ({ tenant: T, eventId: i.eventId, seats: 1, answers: { frage: 'Antwort' } }) },
  'events.cancelRegistration': { as: 'einbeckMember', input: (i) => ({ tenant: T, eventId: i.eventId }) },
  'events.acceptOffer': { as: 'einbeckMember', input: (i) => ({ tenant: T, eventId: i.eventId }) },
  'events.registrations': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, eventId: i.eventId }) },
  'events.removeRegistration': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, eventId: i.eventId, registrationId: ZERO_UUID }) },
  'events.setCapacity': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, eventId: i.eventId, capacity: 10 }) },
  'events.checkIn': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, eventId: i.eventId, registrationId: i.registrationId }) },
  'events.undoCheckIn': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, eventId: i.eventId, checkInToken: TOKEN }) },
  'eventFormats.list': { as: 'einbeckMember', input: () => ({ kind: 'workshop' }) },
  'eventFormats.create': { as: 'partner', input: (i) => ({ partnerId: i.partnerId, title: 'Fuzz-Format', kind: 'talk', durationMinutes: 60, idealCapacity: 10, audience: ['schools'] }) },
  'eventFormats.update': { as: 'partner', input: (i) => ({ formatId: i.formatId, title: 'Fuzz-Format', archived: false }) },
  'eventFormats.adopt': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, formatId: i.formatId, hubId: i.hubId, spaceId: i.spaceId }) },
  'exports.start': { as: 'einbeckAdmin', input: () => ({ tenant: T }) },
  'exports.list': { as: 'einbeckAdmin', input: () => ({ tenant: T, limit: 5 }) },
  'exports.get': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, exportId: i.exportId }) },
  'exports.download': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, exportId: i.exportId, offset: 0 }) },
  'sso.townConfig': { as: 'einbeckAdmin', input: () => ({ tenant: T }) },
  'sso.saveTownConfig': { as: 'einbeckAdmin', input: () => ({ tenant: T, issuer: 'https://idp.einbeck.example', clientId: 'hubwerk', clientSecret: 'geheim', allowedDomains: ['einbeck.example'], enabled: false, defaultRole: 'member' }) },
  'sso.partnerConfig': { as: 'partner', input: (i) => ({ partnerId: i.partnerId }) },
  'sso.savePartnerConfig': { as: 'partner', input: (i) => ({ partnerId: i.partnerId, issuer: 'https://idp.partner.example', clientId: 'hubwerk', clientSecret: 'geheim', allowedDomains: ['partner.example'], enabled: false }) },
  'sso.start': { as: 'anonymous', input: () => ({ email: 'jemand@nirgendwo.example', tenant: T }) },
  'sso.finish': { as: 'anonymous', input: () => ({ query: `code=abc&state=${ZERO_UUID}` }) },
  'publicBookings.hub': { as: 'anonymous', input: () => ({ town: T, hub: 'digital-hub-einbeck' }) },
  'publicBookings.request': { as: 'anonymous', input: (i) => ({ town: T, hub: 'digital-hub-einbeck', spaceId: i.spaceId, startsAt: at('17:00'), endsAt: at('18:00'), name: 'Erika Muster', email: 'erika@example.org', purpose: 'Chorprobe', attendees: 5 }) },
  'publicBookings.confirm': { as: 'anonymous', input: () => ({ town: T, hub: 'digital-hub-einbeck', token: TOKEN }) },
  'publicBookings.availability': { as: 'anonymous', input: (i) => ({ town: T, hub: 'digital-hub-einbeck', spaceId: i.spaceId, date: '2031-03-04', days: 2 }) },
  'organisations.list': { as: 'einbeckAdmin', input: () => ({ tenant: T }) },
  'organisations.get': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, organisationId: i.organisationId }) },
  'organisations.members': { as: 'einbeckAdmin', input: () => ({ tenant: T }) },
  'organisations.searchMembers': { as: 'einbeckAdmin', input: () => ({ tenant: T, query: 'Mitglied' }) },
  'organisations.create': { as: 'einbeckAdmin', input: () => ({ tenant: T, name: 'Fuzz e.V.', kind: 'association' }) },
  'organisations.update': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, organisationId: i.organisationId, name: 'Verein einbeck', plan: { deskDaysPerMonth: 4, roomHoursPerMonth: null } }) },
  'organisations.setMember': { as: 'einbeckAdmin', input: (i) => ({ tenant: T, membershipId: i.membershipId, organisationId: i.organisationId, plan: { deskDaysPerMonth: null, roomHoursPerMonth: 10 } }) },
  'partners.invitations': { as: 'partner', input: (i) => ({ partnerId: i.partnerId }) },
  'partners.inviteStaff': { as: 'partner', input: (i) => ({ partnerId: i.partnerId, email: 'fuzz-partner-staff@example.org' }) },
  'partners.revokeInvitation': { as: 'partner', input: (i) => ({ partnerId: i.partnerId, invitationId: i.partnerInvitationId }) },
  'audit.listAcrossTowns': { as: 'support', input: () => ({ tenant: T, limit: 5 }) },
  'support.active': { as: 'support', input: () => ({}) },
  'support.start': { as: 'support', input: () => ({ tenant: T, reason: 'Eingaben werden geprüft', durationMinutes: 15 }) },
  'support.end': { as: 'support', input: () => ({ tenant: T }) },
};

/**
 * Real ids in a freshly seeded database, with what the cases need planted:
 * Einbeck's event room open to the public with a photo, a booking series,
 * a finished export, an organisation, a hub assignment, a partner's open invitation.
 */
export async function prepareFuzzIds(superuser: pg.Client): Promise<Omit<FuzzIds, 'freshSessionId'>> {
  const one = async (sql: string, params: unknown[] = []) =>
    (await superuser.query<{ id: string }>(sql, params)).rows[0]?.id ?? randomUUID();
  const einbeck = await one(`SELECT id FROM "Tenant" WHERE slug = 'einbeck'`);
  const partnerId = await one(`SELECT "managingPartnerId" AS id FROM "Tenant" WHERE slug = 'einbeck'`);
  const hubId = await one(`SELECT id FROM "Hub" WHERE "tenantId" = $1 AND slug = 'digital-hub-einbeck'`, [einbeck]);
  const spaceId = await one(`SELECT id FROM "Space" WHERE "tenantId" = $1 AND "hubId" = $2 AND kind = 'EVENT_ROOM'`, [
    einbeck,
    hubId,
  ]);
  // Open to the public, with a photo: the public procedures get past their lookups too.
  await superuser.query(`UPDATE "Space" SET "publicBookable" = true WHERE "tenantId" = $1 AND id = $2`, [
    einbeck,
    spaceId,
  ]);
  const tiny = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAEUlEQVQImWNwSetwSetggFAAIHYEyUwxy14AAAAASUVORK5CYII=',
    'base64',
  );
  const photoId = await one(
    `INSERT INTO "SpacePhoto" ("tenantId", id, "spaceId", position, "altText", width, height, "byteSize", sha256, image, thumbnail, "thumbWidth", "thumbHeight")
     VALUES ($1, gen_random_uuid(), $2, 0, 'Foto', 2, 2, $3, encode(sha256($4), 'hex'), $4, $4, 2, 2) RETURNING id`,
    [einbeck, spaceId, tiny.length, tiny],
  );
  const bookingId = await one(`SELECT id FROM "Booking" WHERE "tenantId" = $1 ORDER BY "createdAt" LIMIT 1`, [einbeck]);
  const seriesId = await one(
    `INSERT INTO "BookingSeries" ("tenantId", id, "spaceId", "userId", rrule, "firstStartsAt", "durationMinutes", timezone)
     SELECT b."tenantId", gen_random_uuid(), b."spaceId", b."userId", 'FREQ=WEEKLY;COUNT=1', b."startsAt", 60, 'Europe/Berlin' FROM "Booking" b WHERE b."tenantId" = $1 AND b.id = $2 RETURNING id`,
    [einbeck, bookingId],
  );
  const exportId = await one(
    `INSERT INTO "TenantExport" ("tenantId", id, "requestedById", status, progress, archive, "sizeBytes", "finishedAt", "expiresAt", "updatedAt")
     SELECT m."tenantId", gen_random_uuid(), m."userId", 'READY', 100, decode('504b0506' || repeat('00', 18), 'hex'), 22, now(), now() + interval '1 day', now()
     FROM "TenantMembership" m JOIN "User" u ON u.id = m."userId" WHERE m."tenantId" = $1 AND u.email = $2 RETURNING id`,
    [einbeck, DEMO_USERS.einbeckAdmin],
  );
  const organisationId = await one(
    `INSERT INTO "Organisation" ("tenantId", id, name, kind, "updatedAt") VALUES ($1, gen_random_uuid(), 'Verein einbeck', 'ASSOCIATION', now()) RETURNING id`,
    [einbeck],
  );
  const membershipId = await one(
    `SELECT m.id FROM "TenantMembership" m JOIN "User" u ON u.id = m."userId" WHERE m."tenantId" = $1 AND u.email = $2`,
    [einbeck, DEMO_USERS.einbeckMember],
  );
  const assignmentId = await one(
    `INSERT INTO "HubAssignment" ("tenantId", id, "hubId", "membershipId", "userId")
     SELECT $1, gen_random_uuid(), $2, m.id, m."userId" FROM "TenantMembership" m WHERE m."tenantId" = $1 AND m.id = $3
     ON CONFLICT DO NOTHING RETURNING id`,
    [einbeck, hubId, membershipId],
  );
  // A published event (a confirmed guest), a draft and a partner's format (docs/decisions/038).
  const events = (
    await superuser.query<{ eventId: string; draftId: string; registrationId: string; formatId: string }>(
      `WITH e AS (INSERT INTO "Event" ("tenantId", id, "hubId", "spaceId", title, kind, capacity, status, "confirmedSeats", "updatedAt")
                  VALUES ($1, gen_random_uuid(), $2, $3, 'Fuzz-Veranstaltung', 'workshop', 10, 'published', 1, now()) RETURNING id),
            d AS (INSERT INTO "Event" ("tenantId", id, "hubId", "spaceId", title, kind, capacity, "updatedAt")
                  VALUES ($1, gen_random_uuid(), $2, $3, 'Fuzz-Entwurf', 'talk', 10, now()) RETURNING id),
            r AS (INSERT INTO "EventRegistration" ("tenantId", id, "eventId", name, email, status, "checkInToken")
                  SELECT $1, gen_random_uuid(), e.id, 'Gast', 'gast@example.org', 'confirmed', 'fuzz-' || gen_random_uuid() FROM e RETURNING id),
            f AS (INSERT INTO "EventFormat" (id, "partnerId", title, kind, "durationMinutes", "idealCapacity", "updatedAt")
                  VALUES (gen_random_uuid(), $4, 'Fuzz-Format', 'workshop', 90, 12, now()) RETURNING id)
       SELECT e.id AS "eventId", d.id AS "draftId", r.id AS "registrationId", f.id AS "formatId" FROM e, d, r, f`,
      [einbeck, hubId, spaceId, partnerId],
    )
  ).rows[0]!;
  const empty = (
    await superuser.query<{ hubId: string; spaceId: string; deskId: string }>(
      `WITH h AS (INSERT INTO "Hub" ("tenantId", id, name, slug, "updatedAt") VALUES ($1, gen_random_uuid(), 'Fuzz-Hub', 'fuzz-hub', now()) RETURNING id),
            s AS (INSERT INTO "Space" ("tenantId", id, "hubId", kind, name, capacity, amenities, "updatedAt")
                  VALUES ($1, gen_random_uuid(), $2, 'MEETING_ROOM', 'Fuzz-Werkraum', 10, '{}', now()) RETURNING id),
            c AS (INSERT INTO "Space" ("tenantId", id, "hubId", kind, name, capacity, amenities, "updatedAt")
                  VALUES ($1, gen_random_uuid(), $2, 'COWORKING', 'Fuzz-Tische', 100, '{}', now()) RETURNING id),
            d AS (INSERT INTO "Desk" ("tenantId", id, "spaceId", name, attributes) SELECT $1, gen_random_uuid(), c.id, 'Fuzz-Tisch', '{}' FROM c RETURNING id)
       SELECT h.id AS "hubId", s.id AS "spaceId", d.id AS "deskId" FROM h, s, d`,
      [einbeck, hubId],
    )
  ).rows[0]!;
  return {
    ...events,
    hubId,
    spaceId,
    emptyHubId: empty.hubId,
    emptySpaceId: empty.spaceId,
    emptyDeskId: empty.deskId,
    photoId,
    bookingId,
    seriesId,
    exportId,
    organisationId,
    membershipId,
    assignmentId,
    partnerId,
    coworkingId: await one(`SELECT id FROM "Space" WHERE "tenantId" = $1 AND kind = 'COWORKING' LIMIT 1`, [einbeck]),
    deskId: await one(`SELECT id FROM "Desk" WHERE "tenantId" = $1 LIMIT 1`, [einbeck]),
    feedId: await one(`SELECT id FROM "CalendarFeed" WHERE "tenantId" = $1 LIMIT 1`, [einbeck]),
    invitationId: await one(`SELECT id FROM "Invitation" WHERE "tenantId" = $1 LIMIT 1`, [einbeck]),
    zeitzTenantId: await one(`SELECT id FROM "Tenant" WHERE slug = 'zeitz'`),
    freshUserId: await one(`SELECT id FROM "User" WHERE email = $1`, [FRESH_USER]),
    auditId: await one(`SELECT id FROM "AuditEvent" WHERE "tenantId" = $1 LIMIT 1`, [einbeck]),
    partnerInvitationId: await one(
      `INSERT INTO "Invitation" (id, "partnerId", email, "partnerRole", "tokenHash", "expiresAt") VALUES (gen_random_uuid(), $1, 'offen@partner.example.org', 'PARTNER_STAFF', $2, now() + interval '7 days') RETURNING id`,
      [partnerId, `fuzz-${randomUUID()}`],
    ),
  };
}

/** Strings no field should choke on (most are refusals, some are just awkward). */
const BIG = 'ä'.repeat(100_000);
const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'ein\u0000beck',
    '\u0000',
    'Name\u0000',
    '\uD800',
    'Hub \uDBFF',
    '\uDC00Hub',
    '\uDFFF\uD800',
    'a\u0007b',
    '\u001B[31mrot',
    '\u007F',
    '\u0085',
    '\u009F',
    'a\u000Bb',
    'a\u000Cb',
    'Zeile\nZeile',
    'Zeile\r\nZeile',
    'Zeile\rZeile',
    'Tab\tTab',
    'a\u2028b',
    'a\u2029b',
    '\u202Eexe.fdp',
    '\u2066isoliert\u2069',
    'مركز رقمي',
    'מרכז דיגיטלי',
    '👩‍💻🏳️‍🌈',
    '\uFEFF',
    '\u200B',
    'e\u0301',
    '',
    ' ',
    '   \t  ',
    '__proto__',
    'constructor',
    'toString',
    '\'; DROP TABLE "Hub"; --',
    '%00',
    '%s%n',
    '${x}',
    '{{7*7}}',
    '<script>alert(1)</script>',
    'https://evil.example',
    'javascript:alert(1)',
    '../../etc/passwd',
    BIG,
    'x'.repeat(5_000),
    '0'.repeat(300),
    'NaN',
    '-1',
    '1e309',
    '2027-02-30',
    '0000-01-01',
    '9999-12-31',
    '2027-13-01',
    '2027-00-10',
    '2027-02-29',
    '+275760-09-13',
    '2027-02-30T10:00:00+01:00',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '2027-03-28T02:30:00+01:00',
    '2027-10-31T02:30:00',
    '1969-12-31T23:59:59Z',
    '2199-12-31T23:59:59+14:00',
    '2000-01-01T00:00:00-12:00',
    '24:00',
    '25:61',
    '00:00',
    '99:99',
    'FREQ=DAILY;COUNT=100000',
    'FREQ=SECONDLY',
    'FREQ=WEEKLY;UNTIL=00000101',
    ZERO_UUID,
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ maxLength: 20 }).map((s) => `${s}\u0000${s}`),
  fc
    .tuple(fc.integer({ min: 0, max: 0x1f }), fc.string({ maxLength: 10 }))
    .map(([c, s]) => `${s}${String.fromCharCode(c)}${s}`),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => `Hub ${String.fromCharCode(c)}`),
);

const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    -1,
    0,
    0.5,
    1.5,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    2 ** 31,
    2 ** 53,
    Number.MIN_VALUE,
    9_999_999,
  ),
  fc.double(),
  fc.integer(),
);

const nested = (depth: number): unknown => (depth === 0 ? 'tief' : { a: nested(depth - 1) });
const hostileStructure: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(
  null,
  true,
  false,
  [],
  {},
  [null],
  [[[]]],
  { '': '' },
  nested(40),
  Array.from({ length: 5_000 }, () => 'x'),
  JSON.parse('{"__proto__":{"isAdmin":true}}'),
  JSON.parse('{"constructor":{"prototype":{"isAdmin":true}}}'),
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 1, arbitrary: hostileStructure },
);
const hostileKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'tenantId', 'role', 'isAdmin', ''),
  fc.string({ maxLength: 12 }),
);

/** One way of breaking an input: at the `pick`-th node (mod the number of nodes), replace it or add a key. */
export interface Mutation {
  pick: number;
  kind: 'replace' | 'addKey';
  key: string;
  value: unknown;
}
export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  kind: fc.constantFrom('replace', 'replace', 'addKey'),
  key: hostileKey,
  value: hostileValue,
});

type Path = Array<string | number>;
function nodes(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (value && typeof value === 'object')
    for (const [key, inner] of Object.entries(value))
      nodes(inner, [...path, Array.isArray(value) ? Number(key) : key], out);
  return out;
}

/** Defines an own, enumerable property, even "__proto__" (an assignment would set the prototype instead). */
function put(target: object, key: string | number, value: unknown) {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The broken input and the path of what was broken ('' = the whole input). */
export function applyMutation(base: unknown, mutation: Mutation): { input: unknown; path: string } {
  const input = base === undefined ? undefined : structuredClone(base);
  const all = nodes(input);
  const path = all[mutation.pick % all.length]!;
  const parentOf = (p: Path) =>
    p.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], input) as Record<
      string | number,
      unknown
    >;
  const nodeAt = path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], input);
  if (mutation.kind === 'addKey' && nodeAt && typeof nodeAt === 'object' && !Array.isArray(nodeAt)) {
    put(nodeAt, mutation.key, mutation.value);
    return { input, path: [...path, mutation.key].join('.') };
  }
  if (path.length === 0) return { input: mutation.value, path: '' };
  put(parentOf(path), path[path.length - 1]!, mutation.value);
  return { input, path: path.join('.') };
}

/** What a client sees of an answer: its code, message key and field errors. */
export interface Seen {
  code: string;
  messageKey?: string | undefined;
  fieldErrors?: Record<string, string[]> | undefined;
}

const parent = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('.')));
// A rule between the fields of one entry (an opening time moved onto another entry's weekday) may name a sibling.
const sibling = (field: string, path: string) => path.includes('.') && parent(field) === parent(path);
const related = (field: string, path: string) =>
  path === '' ||
  field === '_form' ||
  field === path ||
  field.startsWith(`${path}.`) ||
  path.startsWith(`${field}.`) ||
  sibling(field, path);

/**
 * null when the answer is acceptable for an input broken at `path`, else
 * what is wrong. `baseline` is the answer to the unbroken input: what it
 * refuses already is not the mutation's doing. A refusal must name a field;
 * a refusal of the input's form (a `validation.` key) must name the broken
 * one, while a business rule (an `errors.` key: a taken name, a full photo
 * gallery) may name the field it is about.
 */
export function judge(seen: Seen, path: string, baseline: Seen): string | null {
  if (seen.code === 'INTERNAL_SERVER_ERROR' || seen.messageKey === 'errors.internal')
    return `500 (${seen.messageKey ?? ''})`;
  if (seen.code !== 'BAD_REQUEST' && seen.code !== 'PARSE_ERROR') return null;
  if (
    seen.code === baseline.code &&
    seen.messageKey === baseline.messageKey &&
    JSON.stringify(seen.fieldErrors) === JSON.stringify(baseline.fieldErrors)
  )
    return null;
  const errors = Object.entries(seen.fieldErrors ?? {});
  if (errors.length === 0) return `refusal ${seen.messageKey ?? ''} names no field`;
  const known = new Set(Object.keys(baseline.fieldErrors ?? {}));
  // A rule between fields (minimum above maximum) names all of them: enough that the broken one is among them.
  if (errors.some(([field]) => related(field, path))) return null;
  const unexplained = errors.filter(
    ([field, keys]) => !known.has(field) && keys.some((key) => !key.startsWith('errors.')),
  );
  if (unexplained.length === 0) return null;
  return `refusal names ${unexplained.map(([f, k]) => `${f} (${k.join(', ')})`).join(', ')}, not the broken ${path || '(input)'}`;
}

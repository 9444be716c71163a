/**
 * The walls, proven from the router itself: every procedure, called by every
 * seeded role with another town's real ids, fails exactly like a call with
 * ids that do not exist — and leaves the database unchanged. Which
 * procedures take ids is their contract's `isolation` (contracts.ts); one
 * that takes ids without an entry in ATTACKS fails this suite.
 */
import { randomUUID } from 'node:crypto';
import { useTestDatabase, watchedTables } from '@hubwerk/db/testing';
import { TRPCError } from '@trpc/server';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, seedDemo } from '../../../prisma/seed.ts';
import { procedureContracts } from './contracts.ts';
import { appRouter } from './root.ts';
import { type Caller, createTestApi, type TestApi } from './test-support.ts';

interface Town {
  id: string;
  slug: string;
  hubId: string;
  partnerId: string | null;
}
type Ids = { town: Town; ownTown: Town | null; partnerId: string };
/** Another town's ids in the input of a procedure whose contract says `foreignIds()`. */
type Attack = { input: (ids: Ids) => unknown };

// prettier-ignore
const ATTACKS: Record<string, Attack> = {
  'auth.revokeUserSessions': { input: ({ town }) => ({ userId: town.id, reason: 'Angriff' }) },
  'tenants.get': { input: ({ town }) => ({ tenant: town.slug }) },
  'tenants.onboard': { input: ({ partnerId }) => ({ name: `Angriff ${randomUUID().slice(0, 8)}`, ags: '03155099', bundesland: '03', partnerId, hubName: 'Hub', adminEmail: 'x@example.org', idempotencyKey: randomUUID() }) },
  'tenants.assignPartner': { input: ({ town, partnerId }) => ({ tenantId: town.id, partnerId }) },
  'partners.get': { input: ({ partnerId }) => ({ partnerId }) },
  'partners.register': { input: () => ({ kind: 'it-partner', name: `Angriff ${randomUUID().slice(0, 8)}`, region: 'X', adminEmail: 'y@example.org', idempotencyKey: randomUUID() }) },
  'hubs.list': { input: ({ town }) => ({ tenant: town.slug }) },
  'hubs.create': { input: ({ town }) => ({ tenant: town.slug, name: 'Fremder Hub' }) },
  'hubs.rename': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, hubId: town.hubId, name: 'Umbenannt' }) },
  'hubs.profile': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, hubId: town.hubId }) },
  'hubs.setArchived': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, hubId: town.hubId, archived: true }) },
  'hubs.delete': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, hubId: town.hubId }) },
  'hubs.updateProfile': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, hubId: town.hubId, name: 'Übernommen', isPublic: true, accessibility: ['step-free'] }) },
  'hubStaff.list': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, hubId: town.hubId }) },
  'hubStaff.assign': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, hubId: town.hubId, email: DEMO_USERS.einbeckMember, role: 'hub-manager' }) },
  'hubStaff.remove': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, hubId: town.hubId, assignmentId: townAssignments.get(town.id) ?? randomUUID() }) },
  'hubCalendar.week': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, hubId: town.hubId, date: '2030-01-02' }) },
  'spaces.list': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, hubId: town.hubId }) },
  'spaces.get': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, spaceId: foreignRow(town).spaceId }) },
  'spaces.create': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, hubId: town.hubId, kind: 'coworking', name: 'Fremder Raum', capacity: 4, deskCount: 2 }) },
  'spaces.updateRules': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, spaceId: foreignRow(town).spaceId, rules: { granularityMinutes: 15, minDurationMinutes: 15, maxDurationMinutes: 60, leadTimeMinutes: 0, horizonDays: 5, bufferMinutes: 0, approvalRequired: false } }) },
  'spaces.addDesk': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, spaceId: foreignRow(town).coworkingId, name: 'Fremder Platz' }) },
  'spaces.update': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, spaceId: foreignRow(town).coworkingId, kind: 'coworking', name: 'Übernommen', capacity: 20, deskCount: 10 }) },
  'spaces.setArchived': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, spaceId: foreignRow(town).spaceId, archived: true }) },
  'spaces.delete': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, spaceId: foreignRow(town).spaceId }) },
  'spaces.updateDesk': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, deskId: foreignRow(town).deskId, name: 'Übernommen' }) },
  'spaces.setDeskArchived': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, deskId: foreignRow(town).deskId, archived: true }) },
  'spaces.deleteDesk': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, deskId: foreignRow(town).deskId }) },
  'spaces.openingHours': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, hubId: town.hubId }) },
  'spaces.setOpeningHours': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, hubId: town.hubId, week: [] }) },
  'spaces.addClosedDay': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, hubId: town.hubId, date: '2030-01-02' }) },
  'spaces.removeClosedDay': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, hubId: town.hubId, date: '2030-01-02' }) },
  'spaces.importHolidays': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, hubId: town.hubId, year: 2030 }) },
  'spaces.setSpecialHours': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, hubId: town.hubId, date: '2030-12-24', opensAt: '10:00', closesAt: '14:00' }) },
  'spacePhotos.list': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, spaceId: foreignRow(town).spaceId }) },
  'spacePhotos.image': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, photoId: townPhotos.get(town.id) ?? randomUUID() }) },
  'spacePhotos.add': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, spaceId: foreignRow(town).spaceId, altText: 'Fremdes Foto', imageBase64: TINY_PNG_BASE64 }) },
  'spacePhotos.updateAltText': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, photoId: townPhotos.get(town.id) ?? randomUUID(), altText: 'Übernommen' }) },
  'spacePhotos.move': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, photoId: townPhotos.get(town.id) ?? randomUUID(), direction: 'up' }) },
  'spacePhotos.remove': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, photoId: townPhotos.get(town.id) ?? randomUUID() }) },
  'bookings.create': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, spaceId: foreignRow(town).spaceId, startsAt: '2030-01-02T09:00:00+01:00', endsAt: '2030-01-02T10:00:00+01:00' }) },
  'bookings.cancel': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, bookingId: foreignRow(town).bookingId }) },
  'bookings.update': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, bookingId: foreignRow(town).bookingId, spaceId: foreignRow(town).spaceId, startsAt: '2030-01-02T11:00:00+01:00', endsAt: '2030-01-02T12:00:00+01:00', purpose: 'Fremd' }) },
  'bookings.decide': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, bookingId: foreignRow(town).bookingId, decision: 'approve' }) },
  'bookings.get': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, bookingId: foreignRow(town).bookingId }) },
  'bookings.mine': { input: ({ town }) => ({ tenant: town.slug }) },
  'bookings.week': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, spaceId: foreignRow(town).spaceId, date: '2030-01-02' }) },
  'bookings.availability': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, hubId: town.hubId, date: '2030-01-02' }) },
  'approvals.pending': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, hubId: town.hubId }) },
  'approvals.decide': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, bookingIds: [foreignRow(town).bookingId], decision: 'reject', reason: 'Fremd' }) },
  'approvals.setDigest': { input: ({ town }) => ({ tenant: town.slug, digest: true }) },
  'occupancy.hub': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, hubId: town.hubId }) },
  'bookingSeries.preview': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, spaceId: foreignRow(town).spaceId, startsAt: '2030-01-02T09:00:00+01:00', endsAt: '2030-01-02T10:00:00+01:00', rrule: 'FREQ=WEEKLY;COUNT=3' }) },
  'bookingSeries.create': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, spaceId: foreignRow(town).spaceId, startsAt: '2030-01-02T09:00:00+01:00', endsAt: '2030-01-02T10:00:00+01:00', rrule: 'FREQ=WEEKLY;COUNT=3' }) },
  'bookingSeries.get': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, seriesId: townExtras.get(town.id)?.seriesId ?? randomUUID() }) },
  'bookingSeries.cancel': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, seriesId: townExtras.get(town.id)?.seriesId ?? randomUUID() }) },
  'bookingSeries.previewEdit': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, seriesId: townExtras.get(town.id)?.seriesId ?? randomUUID(), from: '2030-01-01', startsAt: '2030-01-02T09:00:00+01:00', endsAt: '2030-01-02T10:00:00+01:00', rrule: 'FREQ=WEEKLY;COUNT=3' }) },
  'bookingSeries.edit': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, seriesId: townExtras.get(town.id)?.seriesId ?? randomUUID(), from: '2030-01-01', startsAt: '2030-01-02T09:00:00+01:00', endsAt: '2030-01-02T10:00:00+01:00', rrule: 'FREQ=WEEKLY;COUNT=3' }) },
  'events.list': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, hubId: town.hubId, from: '2030-01-01', to: '2030-12-31' }) },
  'events.get': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, eventId: foreignEvent(town).eventId }) },
  'events.create': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, hubId: town.hubId, spaceId: foreignRow(town).spaceId, title: 'Fremde Veranstaltung', kind: 'talk', capacity: 5 }) },
  'events.update': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, eventId: foreignEvent(town).eventId, title: 'Übernommen' }) },
  'events.addSession': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, eventId: foreignEvent(town).draftId, startsAt: '2030-01-02T09:00:00+01:00', endsAt: '2030-01-02T10:00:00+01:00' }) },
  'events.publish': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, eventId: foreignEvent(town).draftId }) },
  'events.cancel': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, eventId: foreignEvent(town).eventId }) },
  'events.register': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, eventId: foreignEvent(town).eventId }) },
  'events.cancelRegistration': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, eventId: foreignEvent(town).eventId }) },
  'events.acceptOffer': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, eventId: foreignEvent(town).eventId }) },
  'events.registrations': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, eventId: foreignEvent(town).eventId }) },
  'events.removeRegistration': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, eventId: foreignEvent(town).eventId, registrationId: foreignEvent(town).registrationId }) },
  'events.setCapacity': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, eventId: foreignEvent(town).eventId, capacity: 3 }) },
  'events.checkIn': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, eventId: foreignEvent(town).eventId, registrationId: foreignEvent(town).registrationId }) },
  'events.undoCheckIn': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, eventId: foreignEvent(town).eventId, checkInToken: foreignEvent(town).token }) },
  'eventFormats.create': { input: ({ partnerId }) => ({ partnerId, title: 'Fremdes Format', kind: 'talk', durationMinutes: 60, idealCapacity: 5 }) },
  'eventFormats.update': { input: ({ partnerId }) => ({ formatId: partnerFormats.get(partnerId) ?? randomUUID(), title: 'Übernommen' }) },
  // The format is the catalogue's (global, the same in both calls); the hub and space are the other town's.
  'eventFormats.adopt': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, formatId: partnerFormats.get(ownPartnerId)!, hubId: town.hubId, spaceId: foreignRow(town).spaceId }) },
  'checkIn.state': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, bookingId: foreignRow(town).bookingId }) },
  'checkIn.arrive': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, bookingId: foreignRow(town).bookingId }) },
  'checkIn.recordNoShows': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, hubId: town.hubId }) },
  'calendarFeeds.list': { input: ({ town }) => ({ tenant: town.slug }) },
  'calendarFeeds.create': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, kind: 'hub', hubId: town.hubId }) },
  'calendarFeeds.revoke': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, feedId: townExtras.get(town.id)?.feedId ?? randomUUID() }) },
  'audit.list': { input: ({ town }) => ({ tenant: town.slug }) },
  'staff.invitations': { input: ({ town }) => ({ tenant: town.slug }) },
  'staff.invite': { input: ({ town }) => ({ tenant: town.slug, email: 'eindringling@example.org', role: 'town-admin' }) },
  // (A foreign hub under one's own town: isolation.property.integration.test.ts, variant 3.)
  'staff.revokeInvitation': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, invitationId: townInvitations.get(town.id) ?? randomUUID() }) },
  'staff.resendInvitation': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, invitationId: townInvitations.get(town.id) ?? randomUUID() }) },
  'staff.members': { input: ({ town }) => ({ tenant: town.slug }) },
  'staff.changeRole': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, membershipId: foreignOrg(town).membershipId, role: 'member' }) },
  'staff.removeMember': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, membershipId: foreignOrg(town).membershipId }) },
  'billing.status': { input: ({ town }) => ({ tenant: town.slug }) },
  'billing.get': { input: ({ town }) => ({ tenant: town.slug }) },
  'billing.startCheckout': { input: ({ town }) => ({ tenant: town.slug, plan: 'plus', interval: 'year' }) },
  'billing.openPortal': { input: ({ town }) => ({ tenant: town.slug }) },
  'billing.updateContact': { input: ({ town }) => ({ tenant: town.slug, contactName: 'Angriff' }) },
  // Another town's admin's session: "not found" like a made-up id, and it stays alive.
  'sessions.end': { input: ({ town }) => ({ sessionId: townSessions.get(town.id) ?? randomUUID() }) },
  'exports.start': { input: ({ town }) => ({ tenant: town.slug }) },
  'exports.list': { input: ({ town }) => ({ tenant: town.slug }) },
  'exports.get': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, exportId: townExports.get(town.id) ?? randomUUID() }) },
  'exports.download': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, exportId: townExports.get(town.id) ?? randomUUID() }) },
  'sso.townConfig': { input: ({ town }) => ({ tenant: town.slug }) },
  'sso.saveTownConfig': { input: ({ town }) => ({ tenant: town.slug, issuer: 'https://idp.angriff.example', clientId: 'x', clientSecret: 'y', allowedDomains: ['angriff.example'], enabled: true }) },
  'sso.partnerConfig': { input: ({ partnerId }) => ({ partnerId }) },
  'sso.savePartnerConfig': { input: ({ partnerId }) => ({ partnerId, issuer: 'https://idp.angriff.example', clientId: 'x', clientSecret: 'y', allowedDomains: ['angriff.example'], enabled: true }) },
  'organisations.list': { input: ({ town }) => ({ tenant: town.slug }) },
  'organisations.get': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, organisationId: foreignOrg(town).organisationId }) },
  'organisations.members': { input: ({ town }) => ({ tenant: town.slug }) },
  'organisations.searchMembers': { input: ({ town }) => ({ tenant: town.slug, query: 'a' }) },
  'organisations.create': { input: ({ town }) => ({ tenant: town.slug, name: 'Fremde Organisation', kind: 'company' }) },
  'organisations.update': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, organisationId: foreignOrg(town).organisationId, name: 'Gekapert' }) },
  'organisations.setMember': { input: ({ town, ownTown }) => ({ tenant: ownTown?.slug ?? town.slug, membershipId: foreignOrg(town).membershipId, organisationId: null, plan: { deskDaysPerMonth: 0, roomHoursPerMonth: 0 } }) },
  'partners.invitations': { input: ({ partnerId }) => ({ partnerId }) },
  'partners.inviteStaff': { input: ({ partnerId }) => ({ partnerId, email: 'eindringling@example.org' }) },
  'partners.revokeInvitation': { input: ({ partnerId }) => ({ partnerId, invitationId: partnerInvitations.get(partnerId) ?? randomUUID() }) },
  'audit.listAcrossTowns': { input: ({ town }) => ({ tenant: town.slug }) },
  'support.start': { input: ({ town }) => ({ tenant: town.slug, reason: 'Angriff auf eine fremde Stadt', durationMinutes: 60 }) },
  'support.end': { input: ({ town }) => ({ tenant: town.slug }) },
};

// An organisation and a membership of each seeded town, to attack with.
const townOrgs = new Map<string, { organisationId: string; membershipId: string }>();
const foreignOrg = (town: Town) =>
  townOrgs.get(town.id) ?? { organisationId: randomUUID(), membershipId: randomUUID() };

/** Who attacks which town: each role against a town it has nothing to do with. */
const ROLES = [
  { email: DEMO_USERS.einbeckAdmin, own: 'einbeck', foreign: 'zeitz' },
  { email: DEMO_USERS.einbeckManager, own: 'einbeck', foreign: 'sangerhausen' },
  { email: DEMO_USERS.einbeckMember, own: 'einbeck', foreign: 'zeitz' },
  { email: DEMO_USERS.zeitzAdmin, own: 'zeitz', foreign: 'einbeck' },
  { email: DEMO_USERS.partner, own: null, foreign: 'zeitz' },
  { email: DEMO_USERS.support, own: null, foreign: null },
] as const;

let api: TestApi;
let superuser: pg.Client;
const towns = new Map<string, Town>();
let foreignPartnerId: string;
let ownPartnerId: string;

beforeAll(async () => {
  const db = await useTestDatabase({ fresh: true });
  await seedDemo({ platformUrl: db.platformUrl });
  api = createTestApi(db);
  superuser = new pg.Client({ connectionString: db.superuserUrl });
  await superuser.connect();
  const { rows } = await superuser.query<{ id: string; slug: string; hubId: string; partnerId: string | null }>(
    `SELECT t.id, t.slug, t."managingPartnerId" AS "partnerId", h.id AS "hubId" FROM "Tenant" t JOIN "Hub" h ON h."tenantId" = t.id`,
  );
  for (const row of rows) towns.set(row.slug, row);
  const partners = await superuser.query<{ id: string; kind: string }>(`SELECT id, kind FROM "Partner" ORDER BY kind`);
  ownPartnerId = partners.rows.find((p) => p.kind === 'IT_PARTNER')!.id;
  foreignPartnerId = partners.rows.find((p) => p.kind === 'REGIONAL_PROVIDER')!.id;
});

afterAll(async () => {
  await superuser?.end();
  await api?.close();
});

// A space, a co-working space and a booking of each seeded town, to attack with.
const townRows = new Map<string, { spaceId: string; coworkingId: string; deskId: string; bookingId: string }>();
const foreignRow = (town: Town) =>
  townRows.get(town.id) ?? {
    spaceId: randomUUID(),
    coworkingId: randomUUID(),
    deskId: randomUUID(),
    bookingId: randomUUID(),
  };
beforeAll(async () => {
  const { rows } = await superuser.query<{
    tenantId: string;
    spaceId: string;
    coworkingId: string;
    deskId: string;
    bookingId: string;
  }>(`
    SELECT s."tenantId", s.id AS "spaceId", c.id AS "coworkingId", b.id AS "bookingId",
           (SELECT d.id FROM "Desk" d WHERE d."tenantId" = c."tenantId" AND d."spaceId" = c.id ORDER BY d.name LIMIT 1) AS "deskId"
    FROM "Space" s JOIN "Space" c ON c."tenantId" = s."tenantId" AND c.kind = 'COWORKING'
    JOIN "Booking" b ON b."tenantId" = s."tenantId"
    WHERE s.kind = 'EVENT_ROOM'`);
  for (const row of rows) townRows.set(row.tenantId, row);
});

// A published event (with a confirmed registration) and a draft of each seeded town, and a format of each partner (docs/decisions/038).
const townEvents = new Map<string, { eventId: string; draftId: string; registrationId: string; token: string }>();
const foreignEvent = (town: Town) =>
  townEvents.get(town.id) ?? {
    eventId: randomUUID(),
    draftId: randomUUID(),
    registrationId: randomUUID(),
    token: randomUUID(),
  };
const partnerFormats = new Map<string, string>();
beforeAll(async () => {
  for (const town of towns.values()) {
    const { rows } = await superuser.query<{ eventId: string; draftId: string; registrationId: string; token: string }>(
      `WITH e AS (
         INSERT INTO "Event" ("tenantId", id, "hubId", "spaceId", title, kind, capacity, status, "confirmedSeats", "updatedAt")
         SELECT s."tenantId", gen_random_uuid(), s."hubId", s.id, 'Veranstaltung ' || $2, 'workshop', 10, 'published', 1, now()
           FROM "Space" s WHERE s."tenantId" = $1 AND s.kind = 'EVENT_ROOM' LIMIT 1 RETURNING "tenantId", id, "hubId", "spaceId"
       ), d AS (
         INSERT INTO "Event" ("tenantId", id, "hubId", "spaceId", title, kind, capacity, "updatedAt")
         SELECT e."tenantId", gen_random_uuid(), e."hubId", e."spaceId", 'Entwurf', 'talk', 10, now() FROM e RETURNING id
       ), r AS (
         INSERT INTO "EventRegistration" ("tenantId", id, "eventId", name, email, status, "checkInToken")
         SELECT e."tenantId", gen_random_uuid(), e.id, 'Gast', 'gast@example.org', 'confirmed', 'isolation-' || gen_random_uuid() FROM e
         RETURNING id, "checkInToken"
       )
       SELECT e.id AS "eventId", d.id AS "draftId", r.id AS "registrationId", r."checkInToken" AS token FROM e, d, r`,
      [town.id, town.slug],
    );
    townEvents.set(town.id, rows[0]!);
  }
  for (const partnerId of [ownPartnerId, foreignPartnerId]) {
    const { rows } = await superuser.query<{ id: string }>(
      `INSERT INTO "EventFormat" (id, "partnerId", title, kind, "durationMinutes", "idealCapacity", "updatedAt")
       VALUES (gen_random_uuid(), $1, 'Format', 'workshop', 90, 12, now()) RETURNING id`,
      [partnerId],
    );
    partnerFormats.set(partnerId, rows[0]!.id);
  }
});

// A live session of each seeded town's admin, to try to end from outside.
const townSessions = new Map<string, string>();
beforeAll(async () => {
  for (const town of towns.values()) {
    const { rows } = await superuser.query<{ id: string }>(
      `INSERT INTO "Session" (id, "tokenHash", "userId", "expiresAt")
       SELECT gen_random_uuid(), $2, m."userId", now() + interval '1 day' FROM "TenantMembership" m WHERE m."tenantId" = $1 AND m.role = 'TOWN_ADMIN' LIMIT 1 RETURNING id`,
      [town.id, `isolation-session-${town.id}`],
    );
    if (rows[0]) townSessions.set(town.id, rows[0].id);
  }
});

// A booking series and a calendar feed of each seeded town, to attack with.
const townExtras = new Map<string, { seriesId: string; feedId: string }>();
beforeAll(async () => {
  for (const town of towns.values()) {
    const { rows } = await superuser.query<{ seriesId: string; feedId: string }>(
      `WITH s AS (
         INSERT INTO "BookingSeries" ("tenantId", id, "spaceId", "userId", rrule, "firstStartsAt", "durationMinutes", timezone)
         SELECT b."tenantId", gen_random_uuid(), b."spaceId", b."userId", 'FREQ=WEEKLY;COUNT=1', b."startsAt", 60, 'Europe/Berlin' FROM "Booking" b WHERE b."tenantId" = $1 LIMIT 1
         RETURNING id, "userId"
       ), f AS (
         INSERT INTO "CalendarFeed" ("tenantId", id, kind, "userId", "tokenHash") SELECT $1, gen_random_uuid(), 'MEMBER', s."userId", $2 FROM s RETURNING id
       )
       SELECT s.id AS "seriesId", f.id AS "feedId" FROM s, f`,
      [town.id, `isolation-feed-${town.id}`],
    );
    if (rows[0]) townExtras.set(town.id, rows[0]);
  }
});

beforeAll(async () => {
  for (const town of towns.values()) {
    const { rows } = await superuser.query<{ organisationId: string; membershipId: string }>(
      `WITH o AS (INSERT INTO "Organisation" ("tenantId", id, name, kind, "updatedAt") VALUES ($1, gen_random_uuid(), 'Verein ' || $2, 'ASSOCIATION', now()) RETURNING id)
       SELECT o.id AS "organisationId", (SELECT m.id FROM "TenantMembership" m WHERE m."tenantId" = $1 ORDER BY m.id LIMIT 1) AS "membershipId" FROM o`,
      [town.id, town.slug],
    );
    townOrgs.set(town.id, rows[0]!);
  }
});

// An open staff invitation of each partner, to try to revoke from outside.
const partnerInvitations = new Map<string, string>();
beforeAll(async () => {
  for (const partnerId of [ownPartnerId, foreignPartnerId]) {
    const { rows } = await superuser.query<{ id: string }>(
      `INSERT INTO "Invitation" (id, "partnerId", email, "partnerRole", "tokenHash", "expiresAt") VALUES (gen_random_uuid(), $1, $2, 'PARTNER_STAFF', $3, now() + interval '7 days') RETURNING id`,
      [partnerId, `offen@${partnerId}.example.org`, `isolation-partner-${partnerId}`],
    );
    partnerInvitations.set(partnerId, rows[0]!.id);
  }
});

// An open invitation of each seeded town, to try to revoke from outside.
const townInvitations = new Map<string, string>();
beforeAll(async () => {
  for (const town of towns.values()) {
    const { rows } = await superuser.query<{ id: string }>(
      `INSERT INTO "Invitation" (id, "tenantId", email, "tenantRole", "tokenHash", "expiresAt") VALUES (gen_random_uuid(), $1, $2, 'MEMBER', $3, now() + interval '7 days') RETURNING id`,
      [town.id, `offen@${town.slug}.example.org`, `isolation-${town.id}`],
    );
    townInvitations.set(town.id, rows[0]!.id);
    // Every town gets a hub assignment (its admin in its hub), to try to remove from outside.
    const assigned = await superuser.query<{ id: string }>(
      `INSERT INTO "HubAssignment" ("tenantId", id, "hubId", "membershipId", "userId")
       SELECT m."tenantId", gen_random_uuid(), $2, m.id, m."userId" FROM "TenantMembership" m WHERE m."tenantId" = $1 AND m.role = 'TOWN_ADMIN' LIMIT 1 RETURNING id`,
      [town.id, town.hubId],
    );
    if (assigned.rows[0]) townAssignments.set(town.id, assigned.rows[0].id);
  }
});
const townAssignments = new Map<string, string>();

// A photo of each seeded town's event room, to try to read, change or remove from outside; a tiny PNG to upload.
const townPhotos = new Map<string, string>();
const TINY_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAEUlEQVQImWNwSetwSetggFAAIHYEyUwxy14AAAAASUVORK5CYII=';
beforeAll(async () => {
  for (const town of towns.values()) {
    const image = Buffer.from(TINY_PNG_BASE64, 'base64');
    const { rows } = await superuser.query<{ id: string }>(
      `INSERT INTO "SpacePhoto" ("tenantId", id, "spaceId", position, "altText", width, height, "byteSize", sha256, image, thumbnail, "thumbWidth", "thumbHeight")
       SELECT s."tenantId", gen_random_uuid(), s.id, 0, 'Foto', 2, 2, $2, encode(sha256($3), 'hex'), $3, $3, 2, 2 FROM "Space" s WHERE s."tenantId" = $1 AND s.kind = 'EVENT_ROOM' LIMIT 1 RETURNING id`,
      [town.id, image.length, image],
    );
    townPhotos.set(town.id, rows[0]!.id);
  }
});

// A finished export of each seeded town (by its admin), to try to read or download from outside.
const townExports = new Map<string, string>();
beforeAll(async () => {
  for (const town of towns.values()) {
    const { rows } = await superuser.query<{ id: string }>(
      `INSERT INTO "TenantExport" ("tenantId", id, "requestedById", status, progress, archive, "sizeBytes", "finishedAt", "expiresAt", "updatedAt")
       SELECT $1, gen_random_uuid(), m."userId", 'READY', 100, decode('504b0506' || repeat('00', 18), 'hex'), 22, now(), now() + interval '1 day', now()
       FROM "TenantMembership" m WHERE m."tenantId" = $1 AND m.role = 'TOWN_ADMIN' LIMIT 1 RETURNING id`,
      [town.id],
    );
    townExports.set(town.id, rows[0]!.id);
  }
});

async function checksum(): Promise<string> {
  const tables = await watchedTables(superuser, {
    AuditEvent: 'reads and denials are logged by design',
    PlatformAuditEvent: 'the cross-town reads are logged there by design',
    RateLimit: 'attempts are counted for the rate limits by design',
    PasswordResetRequest: 'a reset request is stored for the worker, whatever the address, by design',
  });
  // A session's lastSeenAt moves on every request by design; whether it is revoked must not.
  const rowOf = (table: string) => (table === 'Session' ? `(t.id, t."revokedAt")` : 't');
  const parts = await Promise.all(
    tables.map(
      async (table) =>
        (
          await superuser.query(
            `SELECT md5(coalesce(string_agg(${rowOf(table)}::text, ',' ORDER BY ${rowOf(table)}::text), '')) AS h FROM "${table}" t`,
          )
        ).rows[0].h as string,
    ),
  );
  return parts.join(':');
}

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'succeeded';
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return `${error.code} ${error.message}`;
  }
}

function call(caller: Caller, path: string, input: unknown): Promise<unknown> {
  const [router, procedure] = path.split('.') as [string, string];
  const fn = (caller as unknown as Record<string, Record<string, (i: unknown) => Promise<unknown>>>)[router]![
    procedure
  ]!;
  return fn(input);
}

const nonExistent = (): Ids => ({
  town: { id: randomUUID(), slug: `gibt-es-nicht-${randomUUID().slice(0, 8)}`, hubId: randomUUID(), partnerId: null },
  ownTown: null,
  partnerId: randomUUID(),
});

const CONTRACTS = procedureContracts(appRouter);
const contractOf = (path: string) => CONTRACTS.find((entry) => entry.path === path)!;

describe('every procedure has an isolation case', () => {
  it('lists exactly the procedures whose contract says they take foreign ids', () => {
    const attacked = CONTRACTS.filter(({ contract }) => 'foreignIds' in contract.isolation).map(({ path }) => path);
    expect(Object.keys(ATTACKS).sort()).toEqual(attacked.sort());
  });
});

describe.each(ROLES)('$email against another town', (role) => {
  let caller: Caller;
  let ids: Ids;

  beforeAll(async () => {
    caller = await api.as(role.email);
    const foreign = towns.get(role.foreign ?? 'zeitz')!;
    ids = {
      town: foreign,
      ownTown: role.own ? towns.get(role.own)! : null,
      partnerId: role.email === DEMO_USERS.partner ? foreignPartnerId : ownPartnerId,
    };
  });

  // Platform support may read every town by design; it must not change any.
  const anyTownForProvider = (path: string) => {
    const { isolation } = contractOf(path).contract;
    return 'foreignIds' in isolation ? isolation.anyTownForProvider : undefined;
  };
  const attacks = Object.entries(ATTACKS).filter(
    ([path]) =>
      role.foreign !== null || (contractOf(path).type === 'mutation' && anyTownForProvider(path) === undefined),
  );

  it.each(attacks)('%s: foreign ids fail like missing ids, nothing changes', async (path, attack) => {
    const before = await checksum();
    const foreignOutcome = await outcome(call(caller, path, attack.input(ids)));
    const missingOutcome = await outcome(call(caller, path, attack.input({ ...nonExistent(), ownTown: ids.ownTown })));
    expect(foreignOutcome).toMatch(/^(NOT_FOUND|FORBIDDEN) /);
    // Support staff may see every town, so "exists" is no secret to them;
    // for everyone else a foreign id must be indistinguishable from none.
    if (role.foreign !== null) expect(foreignOutcome).toBe(missingOutcome);
    expect(await checksum()).toBe(before);
  });

  it('lists no town and no partner it has nothing to do with', async () => {
    const visible = (await caller.tenants.list({})).items.map((t) => t.slug);
    if (role.own) expect(visible).toContain(role.own);
    if (role.foreign) expect(visible).not.toContain(role.foreign);
    const partners = (await caller.partners.list({})).items.map((p) => p.id);
    if (role.email !== DEMO_USERS.support) expect(partners).not.toContain(foreignPartnerId);
  });
});

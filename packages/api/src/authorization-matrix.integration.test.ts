/**
 * The authorization matrix, checked cell by cell: each role calls each
 * procedure for real (fresh session, own scope) and the outcome must be the
 * matrix's. A procedure missing from the matrix fails the suite.
 */
import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@hubwerk/db/testing';
import { TRPCError } from '@trpc/server';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../../../prisma/seed.ts';
import { AUTHORIZATION_MATRIX, type Decision, MATRIX_ROLES, type MatrixRole } from './authorization-matrix.ts';
import { describeError } from './errors.ts';
import { appRouter } from './root.ts';
import { type Caller, createTestApi, type TestApi } from './test-support.ts';

const USERS: Record<Exclude<MatrixRole, 'anonymous'>, string> = {
  'platform-admin': DEMO_USERS.platform,
  'platform-support': DEMO_USERS.support,
  'partner-admin': DEMO_USERS.partner,
  'town-admin': DEMO_USERS.einbeckAdmin,
  'hub-manager': DEMO_USERS.einbeckManager,
  member: DEMO_USERS.einbeckMember,
};

let api: TestApi;
let superuser: pg.Client;
let einbeck: { id: string; hubId: string };
let itPartnerId: string;
let agsCounter = 1000;
let sangerhausenAdminId: string;
/** Einbeck's seeded event room, co-working space and the member's desk booking there. */
let rows: { eventRoomId: string; coworkingId: string; memberBookingId: string };
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

/** Open Einbeck invitations, one per matrix role, for staff.revokeInvitation. */
const openInvitations: string[] = [];
/** Open invitations of the IT partner, one per matrix role, for partners.revokeInvitation. */
const openPartnerInvitations: string[] = [];

/** A valid input in the role's own scope (Einbeck, assigned to the demo IT partner). */
const INPUTS: Record<string, (role: MatrixRole) => unknown> = {
  'auth.signIn': (role) => ({ email: role === 'anonymous' ? DEMO_USERS.einbeckMember : USERS[role], password: DEMO_PASSWORD }),
  'auth.signOut': () => ({}),
  'auth.me': () => undefined,
  'auth.revokeUserSessions': () => ({ userId: sangerhausenAdminId, reason: 'Matrix' }),
  // The same password again (12 characters, the minimum): a real change that keeps later cells signing in.
  'auth.changePassword': () => ({ currentPassword: DEMO_PASSWORD, newPassword: DEMO_PASSWORD }),
  'tenants.list': () => ({}),
  'tenants.get': () => ({ tenant: 'einbeck' }),
  'tenants.onboard': () => ({ name: `Matrixstadt ${randomUUID().slice(0, 6)}`, ags: `1509${agsCounter++}`, bundesland: '15', partnerId: null, hubName: 'Hub', adminEmail: `a-${randomUUID().slice(0, 6)}@example.org`, idempotencyKey: randomUUID() }),
  'tenants.assignPartner': () => ({ tenantId: einbeck.id, partnerId: itPartnerId }),
  'partners.list': () => ({}),
  'partners.get': () => ({ partnerId: itPartnerId }),
  'partners.register': () => ({ kind: 'regional-provider', name: `Matrix ${randomUUID().slice(0, 6)}`, region: 'Harz', adminEmail: `p-${randomUUID().slice(0, 6)}@example.org`, idempotencyKey: randomUUID() }),
  'hubs.list': () => ({ tenant: 'einbeck' }),
  'hubs.create': () => ({ tenant: 'einbeck', name: `Matrix-Hub ${randomUUID().slice(0, 6)}` }),
  'hubs.rename': () => ({ tenant: 'einbeck', hubId: einbeck.hubId, name: `Digital Hub Einbeck ${randomUUID().slice(0, 4)}` }),
  // A well-formed token of no invitation: the answer is the invitation's, not the role's.
  'invitations.preview': () => ({ token: randomUUID().replaceAll('-', '') }),
  'invitations.accept': () => ({ token: randomUUID().replaceAll('-', ''), name: 'Matrix', password: 'ein-langes-passwort' }),
  'audit.list': () => ({ tenant: 'einbeck' }),
  'spaces.list': () => ({ tenant: 'einbeck', hubId: einbeck.hubId }),
  'spaces.get': () => ({ tenant: 'einbeck', spaceId: rows.eventRoomId }),
  'spaces.create': () => ({ tenant: 'einbeck', hubId: einbeck.hubId, kind: 'meeting-room', name: `Matrix-Raum ${randomUUID().slice(0, 6)}`, capacity: 6 }),
  'spaces.updateRules': () => ({ tenant: 'einbeck', spaceId: rows.eventRoomId, rules: { granularityMinutes: 30, minDurationMinutes: 30, maxDurationMinutes: 600, leadTimeMinutes: 0, horizonDays: 90, bufferMinutes: 0, approvalRequired: false } }),
  'spaces.addDesk': () => ({ tenant: 'einbeck', spaceId: rows.coworkingId, name: `Matrix-Platz ${randomUUID().slice(0, 6)}` }),
  'spaces.openingHours': () => ({ tenant: 'einbeck', hubId: einbeck.hubId }),
  'spaces.setOpeningHours': () => ({ tenant: 'einbeck', hubId: einbeck.hubId, week: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opensAt: '08:00', closesAt: '18:00' })) }),
  'spaces.addClosedDay': () => ({ tenant: 'einbeck', hubId: einbeck.hubId, date: `2031-01-${String(++closedDay).padStart(2, '0')}`, note: 'Matrix' }),
  'spaces.removeClosedDay': () => ({ tenant: 'einbeck', hubId: einbeck.hubId, date: '2031-01-01' }),
  // A free hour of the event room per call (nobody else books it then).
  'bookings.create': () => ({ tenant: 'einbeck', spaceId: rows.eventRoomId, ...workdayAt(bookingHour++), purpose: 'Matrix' }),
  'bookings.cancel': () => ({ tenant: 'einbeck', bookingId: rows.memberBookingId }),
  'bookings.decide': () => ({ tenant: 'einbeck', bookingId: rows.memberBookingId, decision: 'approve' }),
  'bookings.get': () => ({ tenant: 'einbeck', bookingId: rows.memberBookingId }),
  'bookings.mine': () => ({ tenant: 'einbeck' }),
  'bookings.week': () => ({ tenant: 'einbeck', spaceId: rows.eventRoomId, date: workdayAt(9).startsAt.slice(0, 10) }),
  'bookings.availability': () => ({ tenant: 'einbeck', hubId: einbeck.hubId, date: workdayAt(9).startsAt.slice(0, 10) }),
  'occupancy.hub': () => ({ tenant: 'einbeck', hubId: einbeck.hubId }),
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
  'audit.listAcrossTowns': () => ({}),
  'partners.invitations': () => ({ partnerId: itPartnerId }),
  'partners.inviteStaff': () => ({ partnerId: itPartnerId, email: `ps-${randomUUID().slice(0, 6)}@example.org` }),
  // An open invitation of the IT partner per call (an allowed call revokes it).
  'partners.revokeInvitation': () => ({ partnerId: itPartnerId, invitationId: openPartnerInvitations.pop() ?? randomUUID() }),
  'support.active': () => ({}),
  'support.start': () => ({ tenant: 'einbeck', reason: 'Matrix: Hilfe beim Einrichten', durationMinutes: 15 }),
  // Ends the session the same role started in the cell before (the matrix runs in order).
  'support.end': () => ({ tenant: 'einbeck' }),
};


beforeAll(async () => {
  const db = await useTestDatabase({ fresh: true });
  await seedDemo({ platformUrl: db.platformUrl });
  api = createTestApi(db);
  superuser = new pg.Client({ connectionString: db.superuserUrl });
  await superuser.connect();
  einbeck = (await superuser.query(`SELECT t.id, h.id AS "hubId" FROM "Tenant" t JOIN "Hub" h ON h."tenantId" = t.id WHERE t.slug = 'einbeck'`)).rows[0];
  itPartnerId = (await superuser.query(`SELECT id FROM "Partner" WHERE kind = 'IT_PARTNER'`)).rows[0].id;
  for (const role of MATRIX_ROLES) {
    const { rows: created } = await superuser.query<{ id: string }>(
      `INSERT INTO "Invitation" (id, "tenantId", email, "tenantRole", "tokenHash", "expiresAt") VALUES (gen_random_uuid(), $1, $2, 'MEMBER', $3, now() + interval '7 days') RETURNING id`,
      [einbeck.id, `offen-${role}@einbeck.example.org`, `matrix-${role}-${randomUUID()}`],
    );
    openInvitations.push(created[0]!.id);
  }
  for (const role of MATRIX_ROLES) {
    const { rows: created } = await superuser.query<{ id: string }>(
      `INSERT INTO "Invitation" (id, "partnerId", email, "partnerRole", "tokenHash", "expiresAt") VALUES (gen_random_uuid(), $1, $2, 'PARTNER_STAFF', $3, now() + interval '7 days') RETURNING id`,
      [itPartnerId, `partner-offen-${role}@example.org`, `matrix-partner-${role}-${randomUUID()}`],
    );
    openPartnerInvitations.push(created[0]!.id);
  }
  sangerhausenAdminId = (await superuser.query(`SELECT id FROM "User" WHERE email = $1`, [DEMO_USERS.sangerhausenAdmin])).rows[0].id;
  rows = (
    await superuser.query(
      `SELECT e.id AS "eventRoomId", c.id AS "coworkingId", b.id AS "memberBookingId"
       FROM "Space" e JOIN "Space" c ON c."tenantId" = e."tenantId" AND c.kind = 'COWORKING'
       JOIN "Booking" b ON b."tenantId" = e."tenantId" AND b."spaceId" = c.id
       JOIN "User" u ON u.id = b."userId" AND u.email = $2
       WHERE e."tenantId" = $1 AND e.kind = 'EVENT_ROOM'`,
      [einbeck.id, DEMO_USERS.einbeckMember],
    )
  ).rows[0];
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
    const denied = error.code === 'UNAUTHORIZED' || error.code === 'FORBIDDEN' || (error.code === 'NOT_FOUND' && messageKey === 'errors.notFound');
    return { decision: denied ? 'deny' : 'allow', detail: `${error.code} ${messageKey}` };
  }
}

function call(caller: Caller, path: string, input: unknown): Promise<unknown> {
  const [router, procedure] = path.split('.') as [string, string];
  return (caller as unknown as Record<string, Record<string, (i: unknown) => Promise<unknown>>>)[router]![procedure]!(input);
}

describe('authorization matrix', () => {
  it('names every procedure of the router, each for every role, with an input to call it', () => {
    const procedures = Object.keys(appRouter._def.procedures).sort();
    expect(Object.keys(AUTHORIZATION_MATRIX).sort()).toEqual(procedures);
    expect(Object.keys(INPUTS).sort()).toEqual(procedures);
    for (const decisions of Object.values(AUTHORIZATION_MATRIX)) expect(Object.keys(decisions).sort()).toEqual([...MATRIX_ROLES].sort());
  });

  const cells = Object.entries(AUTHORIZATION_MATRIX).flatMap(([path, decisions]) => MATRIX_ROLES.map((role) => [path, role, decisions[role]] as const));

  it.each(cells)('%s as %s: %s', async (path, role, expected) => {
    // A fresh session per cell: signing out (or anything else) never affects another cell.
    const caller = role === 'anonymous' ? api.caller() : await api.as(USERS[role]);
    const { decision, detail } = await decisionOf(call(caller, path, INPUTS[path]!(role)));
    expect({ decision, detail }).toMatchObject({ decision: expected });
  });
});

/**
 * The approval inbox (docs/decisions/037): pending requests per hub and
 * town with their conflicts, decisions on several at once, the staff mail
 * for each new request, the rejection reason in the requester's mail, the
 * daily digest, and the walls around all of it.
 */
import { localParts, nthWorkday, zonedToUtc } from '@hubwerk/domain';
import { describe, expect } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { sendApprovalDigest } from './jobs/approval-digest.ts';
import { type Caller, failure } from './test-support.ts';
import { fileFixtures, seededApiTest } from './testing/fixtures.ts';

const test = seededApiTest({ poolSize: 6 });
const file = fileFixtures(test);

const TZ = 'Europe/Berlin';
const tenant = 'einbeck';
let admin: Caller;
let manager: Caller;
let member: Caller;
let member2: Caller;
let zeitzAdmin: Caller;
let hubId: string;
let zeitzHubId: string;
let einbeckId: string;

test.beforeAll(async ({ api, superuser }) => {
  [admin, manager, member, member2, zeitzAdmin] = await Promise.all([
    api.as(DEMO_USERS.einbeckAdmin),
    api.as(DEMO_USERS.einbeckManager),
    api.as(DEMO_USERS.einbeckMember),
    api.as(DEMO_USERS.einbeckMember2),
    api.as(DEMO_USERS.zeitzAdmin),
  ]);
  hubId = (await admin.hubs.list({ tenant })).items.find((h) => h.slug === 'digital-hub-einbeck')!.id;
  zeitzHubId = (await zeitzAdmin.hubs.list({ tenant: 'zeitz' })).items[0]!.id;
  einbeckId = (await superuser.query<{ id: string }>(`SELECT id FROM "Tenant" WHERE slug = 'einbeck'`)).rows[0]!.id;
});

const workday = (n: number) => nthWorkday(localParts(new Date(), TZ).date, n);
const at = (date: string, hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return zonedToUtc(date, h * 60 + m, TZ).toISOString();
};

let rooms = 0;
async function approvalRoom() {
  rooms += 1;
  return admin.spaces.create({
    tenant,
    hubId,
    kind: 'meeting-room',
    name: `Freigaberaum ${rooms}`,
    capacity: 8,
    rules: {
      granularityMinutes: 30,
      minDurationMinutes: 30,
      maxDurationMinutes: 240,
      leadTimeMinutes: 0,
      horizonDays: 60,
      bufferMinutes: 0,
      approvalRequired: true,
    },
  });
}

const mails = async (kind: string, where = 'true', params: unknown[] = []) =>
  (
    await file.superuser.query<{ toAddress: string; subject: string; textBody: string }>(
      `SELECT "toAddress", subject, "textBody" FROM "OutboxEmail" WHERE kind = $1 AND ${where} ORDER BY "createdAt", id`,
      [kind, ...params],
    )
  ).rows;

describe('approval inbox', () => {
  test('lists pending requests per hub and per town, with who, what and when; empty for those who do not decide', async () => {
    const room = await approvalRoom();
    const day = workday(2);
    const request = await member.bookings.create({
      tenant,
      spaceId: room.id,
      startsAt: at(day, '09:00'),
      endsAt: at(day, '10:00'),
      purpose: 'Vereinssitzung',
    });
    expect(request.status).toBe('pending');

    const hubList = await manager.approvals.pending({ tenant, hubId });
    expect(hubList.mayApprove).toBe(true);
    const item = hubList.items.find((i) => i.id === request.id);
    expect(item).toMatchObject({
      spaceName: room.name,
      forName: 'Mia Mitglied',
      isPublic: false,
      email: DEMO_USERS.einbeckMember,
      purpose: 'Vereinssitzung',
      startsAt: new Date(at(day, '09:00')).toISOString(),
      conflicts: [],
    });
    const townList = await admin.approvals.pending({ tenant });
    expect(townList.items.map((i) => i.id)).toContain(request.id);
    expect(townList.total).toBeGreaterThanOrEqual(1);

    const mine = await member.approvals.pending({ tenant, hubId });
    expect(mine).toMatchObject({ mayApprove: false, total: 0, items: [] });
  });

  test('mails each person who decides the hub for every new request, with a link to the inbox — not the requester, not who chose the digest', async () => {
    const room = await approvalRoom();
    const day = workday(3);
    const before = (await mails('approval.requested')).length;
    await member2.bookings.create({ tenant, spaceId: room.id, startsAt: at(day, '11:00'), endsAt: at(day, '12:00') });
    const sent = (await mails('approval.requested')).slice(before);
    const recipients = sent.map((m) => m.toAddress);
    expect(recipients).toEqual(expect.arrayContaining([DEMO_USERS.einbeckAdmin, DEMO_USERS.einbeckManager]));
    expect(recipients).not.toContain(DEMO_USERS.einbeckMember2);
    const mail = sent.find((m) => m.toAddress === DEMO_USERS.einbeckManager)!;
    expect(mail.subject).toContain(room.name);
    // German first, then English; the link opens the hub's inbox.
    expect(mail.textBody.indexOf('Buchungsanfrage')).toBeLessThan(mail.textBody.indexOf('booking request'));
    expect(mail.textBody).toContain('Max Mitglied');
    expect(mail.textBody).toContain(`http://admin.test/towns/einbeck/hubs/${hubId}/approvals`);

    await manager.approvals.setDigest({ tenant, digest: true });
    try {
      const again = (await mails('approval.requested')).length;
      await member2.bookings.create({ tenant, spaceId: room.id, startsAt: at(day, '14:00'), endsAt: at(day, '15:00') });
      const next = (await mails('approval.requested')).slice(again).map((m) => m.toAddress);
      expect(next).toContain(DEMO_USERS.einbeckAdmin);
      expect(next).not.toContain(DEMO_USERS.einbeckManager);
    } finally {
      await manager.approvals.setDigest({ tenant, digest: false });
    }
  });

  test('mails the staff for a public request once its requester confirmed it, and lists it as public', async ({
    api,
    superuser,
  }) => {
    const room = await approvalRoom();
    await superuser.query(`UPDATE "Space" SET "publicBookable" = true WHERE id = $1`, [room.id]);
    await superuser.query(`UPDATE "Hub" SET "isPublic" = true WHERE id = $1`, [hubId]);
    const day = workday(3);
    const where = { town: tenant, hub: 'digital-hub-einbeck' };
    const before = (await mails('approval.requested')).length;
    await api.caller().publicBookings.request({
      ...where,
      spaceId: room.id,
      startsAt: at(day, '16:00'),
      endsAt: at(day, '17:00'),
      name: 'Paula Publikum',
      email: 'paula@example.org',
    });
    // Nothing for the staff before the requester confirms the address.
    expect((await mails('approval.requested')).length).toBe(before);
    const [confirmMail] = await mails('booking.publicConfirm', `"toAddress" = $2`, ['paula@example.org']);
    const token = /bestaetigen\/(\S+)/.exec(confirmMail?.textBody ?? '')?.[1] ?? '';
    expect((await api.caller().publicBookings.confirm({ ...where, token })).status).toBe('pending');
    const sent = (await mails('approval.requested')).slice(before);
    expect(sent.map((m) => m.toAddress)).toEqual(
      expect.arrayContaining([DEMO_USERS.einbeckAdmin, DEMO_USERS.einbeckManager]),
    );
    expect(sent[0]?.textBody).toContain('Paula Publikum');
    const item = (await manager.approvals.pending({ tenant, hubId })).items.find((i) => i.spaceId === room.id);
    expect(item).toMatchObject({ forName: 'Paula Publikum', isPublic: true, email: 'paula@example.org' });
  });

  test('approves several at once: names the overlapping requests, approves one and reports the other as taken', async ({
    superuser,
  }) => {
    const room = await approvalRoom();
    const day = workday(4);
    const first = await member.bookings.create({
      tenant,
      spaceId: room.id,
      startsAt: at(day, '09:00'),
      endsAt: at(day, '10:00'),
    });
    const second = await member2.bookings.create({
      tenant,
      spaceId: room.id,
      startsAt: at(day, '10:00'),
      endsAt: at(day, '11:00'),
    });
    const third = await member2.bookings.create({
      tenant,
      spaceId: room.id,
      startsAt: at(day, '14:00'),
      endsAt: at(day, '15:00'),
    });
    // The space now asks for 30 minutes between bookings: the two morning requests collide.
    await superuser.query(`UPDATE "Space" SET "bufferMinutes" = 30 WHERE id = $1`, [room.id]);

    const list = await manager.approvals.pending({ tenant, hubId });
    const conflictsOf = (id: string) => list.items.find((i) => i.id === id)!.conflicts;
    expect(conflictsOf(first.id)).toEqual([
      expect.objectContaining({ bookingId: second.id, forName: 'Max Mitglied', status: 'pending' }),
    ]);
    expect(conflictsOf(second.id)).toEqual([
      expect.objectContaining({ bookingId: first.id, forName: 'Mia Mitglied', status: 'pending' }),
    ]);
    expect(conflictsOf(third.id)).toEqual([]);

    const result = await manager.approvals.decide({
      tenant,
      bookingIds: [second.id, first.id, third.id],
      decision: 'approve',
    });
    expect(result.approved).toBe(2);
    expect(result.failed).toEqual([
      expect.objectContaining({
        bookingId: second.id,
        forName: 'Max Mitglied',
        messageKey: 'errors.approvals.conflict',
        params: expect.objectContaining({ name: 'Mia Mitglied' }),
      }),
    ]);
    const statuses = await superuser.query<{ id: string; status: string }>(
      `SELECT id, status FROM "Booking" WHERE id = ANY($1::uuid[])`,
      [[first.id, second.id, third.id]],
    );
    expect(Object.fromEntries(statuses.rows.map((r) => [r.id, r.status]))).toEqual({
      [first.id]: 'CONFIRMED',
      [second.id]: 'PENDING',
      [third.id]: 'CONFIRMED',
    });
    const audited = await superuser.query(
      `SELECT 1 FROM "AuditEvent" WHERE action = 'booking.approved' AND "targetId" = ANY($1::text[])`,
      [[first.id, third.id]],
    );
    expect(audited.rowCount).toBe(2);
  });

  test('rejects with a reason that reaches the requester; refuses a rejection without one, naming the field', async ({
    superuser,
  }) => {
    const room = await approvalRoom();
    const day = workday(5);
    const request = await member.bookings.create({
      tenant,
      spaceId: room.id,
      startsAt: at(day, '13:00'),
      endsAt: at(day, '14:00'),
    });
    expect(
      await failure(admin.approvals.decide({ tenant, bookingIds: [request.id], decision: 'reject' })),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      fieldErrors: { reason: ['validation.approvals.reasonRequired'] },
    });
    expect((await superuser.query(`SELECT status FROM "Booking" WHERE id = $1`, [request.id])).rows[0].status).toBe(
      'PENDING',
    );

    const result = await admin.approvals.decide({
      tenant,
      bookingIds: [request.id],
      decision: 'reject',
      reason: 'Der Raum wird an diesem Tag renoviert.',
    });
    expect(result).toEqual({ approved: 0, rejected: 1, failed: [] });
    const [mail] = await mails('booking.rejected', `"toAddress" = $2 AND "textBody" LIKE $3`, [
      DEMO_USERS.einbeckMember,
      `%${room.name}%`,
    ]);
    expect(mail?.textBody).toContain('Begründung: Der Raum wird an diesem Tag renoviert.');
    const audit = await superuser.query<{ data: { reason: string } }>(
      `SELECT data FROM "AuditEvent" WHERE action = 'booking.rejected' AND "targetId" = $1`,
      [request.id],
    );
    expect(audit.rows[0]?.data.reason).toBe('Der Raum wird an diesem Tag renoviert.');
  });

  test('sends the daily digest once a day to whoever chose it, listing the pending requests of their hubs', async ({
    api,
  }) => {
    const room = await approvalRoom();
    const day = workday(6);
    await member.bookings.create({ tenant, spaceId: room.id, startsAt: at(day, '15:00'), endsAt: at(day, '16:00') });
    await manager.approvals.setDigest({ tenant, digest: true });
    try {
      const now = new Date();
      const before = (await mails('approval.digest')).length;
      expect(
        await sendApprovalDigest(api.deps.platform, { tenantId: einbeckId, adminUrl: 'http://admin.test', now }),
      ).toBe(1);
      const [digest] = (await mails('approval.digest')).slice(before);
      expect(digest?.toAddress).toBe(DEMO_USERS.einbeckManager);
      expect(digest?.textBody).toContain(room.name);
      expect(digest?.textBody).toContain('Mia Mitglied');
      expect(digest?.textBody).toContain('http://admin.test/towns/einbeck/approvals');
      const pendingNow = (await manager.approvals.pending({ tenant })).total;
      expect(digest?.subject).toContain(`: ${pendingNow} –`);
      // The same day again: nobody left to mail.
      expect(
        await sendApprovalDigest(api.deps.platform, { tenantId: einbeckId, adminUrl: 'http://admin.test', now }),
      ).toBe(0);
      // The next day: the digest again.
      const tomorrow = new Date(now.getTime() + 86_400_000);
      expect(
        await sendApprovalDigest(api.deps.platform, {
          tenantId: einbeckId,
          adminUrl: 'http://admin.test',
          now: tomorrow,
        }),
      ).toBe(1);
    } finally {
      await manager.approvals.setDigest({ tenant, digest: false });
    }
  });

  test("answers another town's ids as not found, and lets no member decide", async ({ superuser }) => {
    const room = await approvalRoom();
    const day = workday(7);
    const request = await member.bookings.create({
      tenant,
      spaceId: room.id,
      startsAt: at(day, '09:00'),
      endsAt: at(day, '10:00'),
    });
    expect(
      await failure(zeitzAdmin.approvals.decide({ tenant: 'zeitz', bookingIds: [request.id], decision: 'approve' })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(admin.approvals.pending({ tenant, hubId: zeitzHubId }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(zeitzAdmin.approvals.pending({ tenant, hubId }))).toMatchObject({ code: 'NOT_FOUND' });

    expect(
      await failure(member.approvals.decide({ tenant, bookingIds: [request.id], decision: 'approve' })),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(await failure(member.approvals.setDigest({ tenant, digest: true }))).toMatchObject({ code: 'FORBIDDEN' });
    // One foreign id among the caller's own makes the whole call fail: nothing is decided.
    const own = await member2.bookings.create({
      tenant,
      spaceId: room.id,
      startsAt: at(day, '11:00'),
      endsAt: at(day, '12:00'),
    });
    const zeitzRoom = await zeitzAdmin.spaces.create({
      tenant: 'zeitz',
      hubId: zeitzHubId,
      kind: 'meeting-room',
      name: 'Zeitzer Raum',
      capacity: 4,
    });
    const zeitzBooking = await zeitzAdmin.bookings.create({
      tenant: 'zeitz',
      spaceId: zeitzRoom.id,
      startsAt: at(day, '09:00'),
      endsAt: at(day, '10:00'),
    });
    expect(
      await failure(admin.approvals.decide({ tenant, bookingIds: [own.id, zeitzBooking.id], decision: 'approve' })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    const statuses = await superuser.query<{ status: string }>(
      `SELECT status FROM "Booking" WHERE id = ANY($1::uuid[])`,
      [[request.id, own.id]],
    );
    expect(statuses.rows.map((r) => r.status)).toEqual(['PENDING', 'PENDING']);
  });
});

/**
 * Changing a booking (docs/decisions/017): `bookings.update` moves a
 * booking under exactly the rules of creation, never onto another booking,
 * only by its owner or staff of its hub, and mails the change through the
 * outbox with an .ics that updates the same calendar event.
 */
import { localParts, nthWorkday, zonedToUtc } from '@hubwerk/domain';
import type { TRPCError } from '@trpc/server';
import { describe, expect } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { renderCalendarFeed } from './calendar-feed.ts';
import { describeError } from './errors.ts';
import { type Caller, failure } from './test-support.ts';
import { fileFixtures, seededApiTest } from './testing/fixtures.ts';

const test = seededApiTest({ poolSize: 10 });
const file = fileFixtures(test);

const TZ = 'Europe/Berlin';
const tenant = 'einbeck';
let admin: Caller;
let manager: Caller;
let member: Caller;
let member2: Caller;
let hubId: string;
let otherHubId: string;
let member2MembershipId: string;

test.beforeAll(async ({ api, superuser }) => {
  [admin, manager, member, member2] = await Promise.all([
    api.as(DEMO_USERS.einbeckAdmin),
    api.as(DEMO_USERS.einbeckManager),
    api.as(DEMO_USERS.einbeckMember),
    api.as(DEMO_USERS.einbeckMember2),
  ]);
  hubId = (await admin.hubs.list({ tenant })).items.find((h) => h.slug === 'digital-hub-einbeck')!.id;
  otherHubId = (await admin.hubs.create({ tenant, name: 'Hub Süd' })).id;
  await admin.spaces.setOpeningHours({
    tenant,
    hubId: otherHubId,
    week: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opensAt: '08:00', closesAt: '18:00' })),
  });
  const member2Id = (
    await superuser.query<{ id: string }>(`SELECT id FROM "User" WHERE email = $1`, [DEMO_USERS.einbeckMember2])
  ).rows[0]!.id;
  member2MembershipId = (await admin.organisations.members({ tenant, limit: 100 })).items.find(
    (p) => p.userId === member2Id,
  )!.membershipId;
});

const count = async (sql: string, params: unknown[] = []) =>
  Number((await file.superuser.query(`SELECT count(*) AS n FROM ${sql}`, params)).rows[0].n);

/** The n-th workday (Mon–Fri) from today, Berlin time. */
const workday = (n: number) => nthWorkday(localParts(new Date(), TZ).date, n);
const at = (date: string, hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return zonedToUtc(date, h * 60 + m, TZ).toISOString();
};
const slot = (date: string, from: string, to: string) => ({ startsAt: at(date, from), endsAt: at(date, to) });

const rules = (overrides: Partial<Record<string, number | boolean>> = {}) => ({
  granularityMinutes: 30,
  minDurationMinutes: 30,
  maxDurationMinutes: 240,
  leadTimeMinutes: 0,
  horizonDays: 60,
  bufferMinutes: 0,
  approvalRequired: false,
  ...overrides,
});
let rooms = 0;
async function room(overrides: Partial<Record<string, number | boolean>> = {}, inHub = hubId, capacity = 6) {
  return admin.spaces.create({
    tenant,
    hubId: inHub,
    kind: 'meeting-room',
    name: `Änderungsraum ${++rooms}`,
    capacity,
    rules: rules(overrides),
  });
}

/** Everything a change may touch, as the database holds it. */
async function snapshot(bookingId: string) {
  const row = (
    await file.superuser.query(
      `SELECT "spaceId", "deskId", "startsAt", "endsAt", status, purpose, attendees, revision FROM "Booking" WHERE id = $1`,
      [bookingId],
    )
  ).rows[0];
  return {
    row,
    audit: await count(`"AuditLog" WHERE action = 'booking.changed'`),
    mails: await count(`"OutboxEmail" WHERE kind LIKE 'booking.change%'`),
  };
}

const icsOf = async (kind: string, bookingId: string) =>
  (
    await file.superuser.query<{ icsAttachment: string; subject: string; textBody: string }>(
      `SELECT "icsAttachment", subject, "textBody" FROM "OutboxEmail" WHERE kind = $1 AND "icsAttachment" LIKE $2 ORDER BY "createdAt" DESC`,
      [kind, `%UID:${bookingId}@hubwerk%`],
    )
  ).rows;
const sequenceOf = (ics: string) => Number(/SEQUENCE:(\d+)/.exec(ics)?.[1] ?? Number.NaN);

describe('changing a booking within the rules', () => {
  // First in the file: member2 has no other room hours this month yet.
  test('refuses a plan beyond its limit but never counts the booking against itself', async () => {
    const space = await room({ maxDurationMinutes: 300 });
    const day = workday(7);
    await admin.organisations.setMember({
      tenant,
      membershipId: member2MembershipId,
      organisationId: null,
      plan: { deskDaysPerMonth: null, roomHoursPerMonth: 2 },
    });
    try {
      const booking = await member2.bookings.create({ tenant, spaceId: space.id, ...slot(day, '09:00', '11:00') });
      // The plan's 2 hours are this booking's own: moving it keeps it within them.
      expect(
        await member2.bookings.update({ tenant, bookingId: booking.id, ...slot(day, '13:00', '15:00') }),
      ).toMatchObject({ startsAt: at(day, '13:00') });
      const before = await snapshot(booking.id);
      const over = await failure(
        member2.bookings.update({ tenant, bookingId: booking.id, ...slot(day, '13:00', '15:30') }),
      );
      expect(over).toMatchObject({
        code: 'BAD_REQUEST',
        messageKey: 'errors.booking.memberPlanRoomHours',
        params: { limit: '2', used: '0' },
      });
      expect(await snapshot(booking.id)).toEqual(before);
    } finally {
      await admin.organisations.setMember({
        tenant,
        membershipId: member2MembershipId,
        organisationId: null,
        plan: { deskDaysPerMonth: null, roomHoursPerMonth: null },
      });
    }
  });

  test("moves the member's own booking, records before/after in the audit log and mails an .ics that updates the same event", async ({
    api,
    superuser,
  }) => {
    const space = await room();
    const day = workday(3);
    const booking = await member.bookings.create({
      tenant,
      spaceId: space.id,
      ...slot(day, '10:00', '11:00'),
      purpose: 'Sprechstunde',
    });
    const changed = await member.bookings.update({
      tenant,
      bookingId: booking.id,
      ...slot(day, '14:00', '15:30'),
      purpose: 'Sprechstunde (verlegt)',
      attendees: 3,
    });
    expect(changed).toMatchObject({
      id: booking.id,
      startsAt: at(day, '14:00'),
      endsAt: at(day, '15:30'),
      purpose: 'Sprechstunde (verlegt)',
      attendees: 3,
      status: 'confirmed',
      mine: true,
    });
    const row = (
      await superuser.query(`SELECT "startsAt", "endsAt", revision, "changedAt" FROM "Booking" WHERE id = $1`, [
        booking.id,
      ])
    ).rows[0];
    expect(row.startsAt.toISOString()).toBe(at(day, '14:00'));
    expect(row.revision).toBe(1);
    expect(row.changedAt).not.toBeNull();
    const audit = (
      await superuser.query(
        `SELECT data, "actorUserId" FROM "AuditLog" WHERE action = 'booking.changed' AND "targetId" = $1`,
        [booking.id],
      )
    ).rows;
    expect(audit).toHaveLength(1);
    expect(audit[0].data.before).toMatchObject({
      startsAt: at(day, '10:00'),
      endsAt: at(day, '11:00'),
      purpose: 'Sprechstunde',
      attendees: 1,
    });
    expect(audit[0].data.after).toMatchObject({
      startsAt: at(day, '14:00'),
      endsAt: at(day, '15:30'),
      purpose: 'Sprechstunde (verlegt)',
      attendees: 3,
    });

    const [confirmation] = await icsOf('booking.confirmed', booking.id);
    const [change] = await icsOf('booking.changed', booking.id);
    expect(change!.subject).toMatch(/^Buchung geändert: /);
    expect(change!.textBody).toContain('Bisher:');
    expect(change!.icsAttachment).toContain(`UID:${booking.id}@hubwerk`);
    expect(change!.icsAttachment).toContain(`DTSTART:${at(day, '14:00').replace(/[-:]/g, '').replace('.000', '')}`);
    expect(sequenceOf(change!.icsAttachment)).toBeGreaterThan(0);
    expect(sequenceOf(change!.icsAttachment)).toBeGreaterThan(sequenceOf(confirmation!.icsAttachment));

    // The .ics download's source and a second change carry a still higher SEQUENCE.
    const got = await member.bookings.get({ tenant, bookingId: booking.id });
    expect(got.sequence).toBe(sequenceOf(change!.icsAttachment));
    await member.bookings.update({ tenant, bookingId: booking.id, ...slot(day, '15:00', '16:00') });
    const [second] = await icsOf('booking.changed', booking.id);
    expect(sequenceOf(second!.icsAttachment)).toBeGreaterThan(sequenceOf(change!.icsAttachment));
    // The member's iCal feed shows the event at the new time with the mail's SEQUENCE.
    const feed = await member.calendarFeeds.create({ tenant, kind: 'member' });
    const [, , tenantId, token] = feed.path.replace(/\.ics$/, '').split('/') as [string, string, string, string];
    const ical = (await renderCalendarFeed(api.deps, tenantId, token))!.replace(/\r\n /g, '');
    const event = ical.slice(ical.indexOf(`UID:${booking.id}@hubwerk`)).split('END:VEVENT')[0]!;
    expect(sequenceOf(event)).toBe(sequenceOf(second!.icsAttachment));
    expect(event).toContain(`DTSTART:${at(day, '15:00').replace(/[-:]/g, '').replace('.000', '')}`);
  });

  test('allows moving onto an overlap with its own old slot, and next to another booking (half-open ranges)', async () => {
    const space = await room();
    const day = workday(4);
    const mine = await member.bookings.create({ tenant, spaceId: space.id, ...slot(day, '10:00', '11:00') });
    await member2.bookings.create({ tenant, spaceId: space.id, ...slot(day, '12:00', '13:00') });
    expect(await member.bookings.update({ tenant, bookingId: mine.id, ...slot(day, '10:30', '11:30') })).toMatchObject({
      startsAt: at(day, '10:30'),
    });
    expect(await member.bookings.update({ tenant, bookingId: mine.id, ...slot(day, '11:00', '12:00') })).toMatchObject({
      endsAt: at(day, '12:00'),
    });
    expect(await member.bookings.update({ tenant, bookingId: mine.id, ...slot(day, '13:00', '14:00') })).toMatchObject({
      startsAt: at(day, '13:00'),
    });
  });

  test('moves a booking to another space and desk; a co-working space needs a desk', async () => {
    const meeting = await room();
    const coworking = await admin.spaces.create({
      tenant,
      hubId,
      kind: 'coworking',
      name: 'Co-Working Änderung',
      capacity: 2,
      deskCount: 2,
      rules: rules({ granularityMinutes: 60, minDurationMinutes: 60, maxDurationMinutes: 600 }),
    });
    const day = workday(5);
    const booking = await member.bookings.create({ tenant, spaceId: meeting.id, ...slot(day, '09:00', '10:00') });
    const noDesk = await failure(
      member.bookings.update({ tenant, bookingId: booking.id, spaceId: coworking.id, ...slot(day, '09:00', '10:00') }),
    );
    expect(noDesk).toMatchObject({
      code: 'BAD_REQUEST',
      messageKey: 'errors.booking.deskRequired',
      fieldErrors: { deskId: ['errors.booking.deskRequired'] },
    });
    const moved = await member.bookings.update({
      tenant,
      bookingId: booking.id,
      spaceId: coworking.id,
      deskId: coworking.desks[0]!.id,
      ...slot(day, '09:00', '17:00'),
    });
    expect(moved).toMatchObject({ spaceId: coworking.id, deskId: coworking.desks[0]!.id, deskName: 'Arbeitsplatz 01' });
    // Another desk of the same space, same time.
    expect(
      await member.bookings.update({
        tenant,
        bookingId: booking.id,
        deskId: coworking.desks[1]!.id,
        ...slot(day, '09:00', '17:00'),
      }),
    ).toMatchObject({ deskId: coworking.desks[1]!.id });
    // Without spaceId and deskId the desk stays.
    expect(
      await member.bookings.update({ tenant, bookingId: booking.id, ...slot(day, '10:00', '17:00') }),
    ).toMatchObject({ deskId: coworking.desks[1]!.id });
  });
});

describe('every rule of creation applies to the new slot; nothing is written on an error', () => {
  test('names the broken rule and leaves the row, the audit log and the outbox unchanged', async () => {
    const space = await room(
      {
        granularityMinutes: 30,
        minDurationMinutes: 60,
        maxDurationMinutes: 120,
        leadTimeMinutes: 5 * 24 * 60,
        horizonDays: 20,
        bufferMinutes: 30,
      },
      hubId,
      4,
    );
    const day = workday(8);
    const booking = await member.bookings.create({ tenant, spaceId: space.id, ...slot(day, '10:00', '11:00') });
    await member2.bookings.create({ tenant, spaceId: space.id, ...slot(day, '14:00', '15:00') });
    const closed = workday(9);
    await admin.spaces.addClosedDay({ tenant, hubId, date: closed, note: 'Betriebsausflug' });
    const before = await snapshot(booking.id);
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [slot(day, '10:15', '11:15'), 'errors.booking.granularity', 'startsAt'],
      [slot(day, '10:00', '10:30'), 'errors.booking.tooShort', 'endsAt'],
      [slot(day, '10:00', '13:00'), 'errors.booking.tooLong', 'endsAt'],
      [slot(day, '11:00', '10:00'), 'errors.booking.endBeforeStart', 'endsAt'],
      [{ ...slot(day, '10:00', '11:00'), attendees: 5 }, 'errors.booking.overCapacity', 'attendees'],
      // Yesterday in the town's time zone: in the past at any hour the suite runs.
      [
        slot(localParts(new Date(Date.now() - 86_400_000), TZ).date, '10:00', '11:00'),
        'errors.booking.inPast',
        'startsAt',
      ],
      // workday(1) is at most three days ahead: within the five days' lead time.
      [slot(workday(1), '08:00', '09:00'), 'errors.booking.leadTime', 'startsAt'],
      [slot(workday(25), '10:00', '11:00'), 'errors.booking.tooFarAhead', 'startsAt'],
      [slot(day, '17:30', '18:30'), 'errors.booking.outsideOpeningHours', 'startsAt'],
      [slot(closed, '10:00', '11:00'), 'errors.booking.closedDay', 'startsAt'],
      // Less than the buffer of 30 minutes before member2's 14:00 (exactly 30 would do).
      [slot(day, '12:30', '14:00'), 'errors.booking.conflict', 'startsAt'],
    ];
    for (const [change, key, field] of cases) {
      const refused = await failure(
        member.bookings.update({ tenant, bookingId: booking.id, ...change } as never),
      ).catch((e: unknown) => {
        throw new Error(`${key}: ${String(e)}`);
      });
      expect({ key: refused.messageKey, field: Object.keys(refused.fieldErrors ?? {}) }).toEqual({
        key,
        field: [field],
      });
    }
    expect(await snapshot(booking.id)).toEqual(before);
  });

  test('names the colliding booking and offers the next free slot of the same length', async () => {
    const space = await room();
    const day = workday(8);
    const mine = await member.bookings.create({ tenant, spaceId: space.id, ...slot(day, '09:00', '10:00') });
    await member2.bookings.create({
      tenant,
      spaceId: space.id,
      ...slot(day, '11:00', '12:00'),
      purpose: 'Workshop KI im Rathaus',
    });
    const before = await snapshot(mine.id);
    const refused = await failure(
      member.bookings.update({ tenant, bookingId: mine.id, ...slot(day, '11:30', '12:30') }),
    );
    expect(refused).toMatchObject({
      code: 'CONFLICT',
      messageKey: 'errors.booking.conflict',
      params: {
        startsAt: at(day, '11:00'),
        endsAt: at(day, '12:00'),
        suggestedStartsAt: at(day, '12:00'),
        suggestedEndsAt: at(day, '13:00'),
      },
    });
    // A member does not learn another member's purpose; staff of the hub do.
    expect(refused.params).not.toHaveProperty('purpose');
    const byStaff = await failure(
      manager.bookings.update({ tenant, bookingId: mine.id, ...slot(day, '11:30', '12:30') }),
    );
    expect(byStaff.params).toMatchObject({ purpose: 'Workshop KI im Rathaus' });
    expect(await snapshot(mine.id)).toEqual(before);
  });

  test('refuses changing a cancelled or a started booking, with its own message', async ({ superuser }) => {
    const space = await room();
    const day = workday(14);
    const booking = await member.bookings.create({ tenant, spaceId: space.id, ...slot(day, '09:00', '10:00') });
    await member.bookings.cancel({ tenant, bookingId: booking.id });
    expect(
      await failure(member.bookings.update({ tenant, bookingId: booking.id, ...slot(day, '10:00', '11:00') })),
    ).toMatchObject({ code: 'CONFLICT', messageKey: 'errors.booking.changeCancelled' });
    const started = await member.bookings.create({ tenant, spaceId: space.id, ...slot(day, '11:00', '12:00') });
    await superuser.query(
      `UPDATE "Booking" SET "startsAt" = now() - interval '30 minutes', "endsAt" = now() + interval '30 minutes' WHERE id = $1`,
      [started.id],
    );
    expect(
      await failure(member.bookings.update({ tenant, bookingId: started.id, ...slot(day, '13:00', '14:00') })),
    ).toMatchObject({ code: 'CONFLICT', messageKey: 'errors.booking.changeStarted' });
    expect(
      await count(`"AuditLog" WHERE action = 'booking.changed' AND "targetId" = ANY($1::text[])`, [
        [booking.id, started.id],
      ]),
    ).toBe(0);
  });

  test('rejects unknown fields (no mass assignment of status, user or revision)', async ({ superuser }) => {
    const space = await room();
    const day = workday(14);
    const booking = await member.bookings.create({ tenant, spaceId: space.id, ...slot(day, '14:00', '15:00') });
    const refused = await failure(
      member.bookings.update({
        tenant,
        bookingId: booking.id,
        ...slot(day, '15:00', '16:00'),
        status: 'confirmed',
        revision: 9,
      } as never),
    );
    expect(refused.code).toBe('BAD_REQUEST');
    expect((await superuser.query(`SELECT revision FROM "Booking" WHERE id = $1`, [booking.id])).rows[0].revision).toBe(
      0,
    );
  });
});

describe('who may change a booking', () => {
  test("lets neither another member nor a hub manager of another hub change it; the hub's manager may, within the hubs they run", async ({
    superuser,
  }) => {
    const inA = await room();
    const inB = await room({}, otherHubId);
    const day = workday(10);
    const mineA = await member.bookings.create({ tenant, spaceId: inA.id, ...slot(day, '09:00', '10:00') });
    const mineB = await member.bookings.create({ tenant, spaceId: inB.id, ...slot(day, '09:00', '10:00') });
    const before = [await snapshot(mineA.id), await snapshot(mineB.id)];
    expect(
      (await failure(member2.bookings.update({ tenant, bookingId: mineA.id, ...slot(day, '11:00', '12:00') }))).code,
    ).toBe('NOT_FOUND');
    // The manager runs hub A only.
    expect(
      (await failure(manager.bookings.update({ tenant, bookingId: mineB.id, ...slot(day, '11:00', '12:00') }))).code,
    ).toBe('NOT_FOUND');
    expect(
      (
        await failure(
          manager.bookings.update({ tenant, bookingId: mineA.id, spaceId: inB.id, ...slot(day, '11:00', '12:00') }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    expect([await snapshot(mineA.id), await snapshot(mineB.id)]).toEqual(before);
    const byManager = await manager.bookings.update({ tenant, bookingId: mineA.id, ...slot(day, '11:00', '12:00') });
    expect(byManager).toMatchObject({ startsAt: at(day, '11:00'), mine: false });
    const actor = (
      await superuser.query(
        `SELECT u.email FROM "AuditLog" a JOIN "User" u ON u.id = a."actorUserId" WHERE a.action = 'booking.changed' AND a."targetId" = $1`,
        [mineA.id],
      )
    ).rows;
    expect(actor).toEqual([{ email: DEMO_USERS.einbeckManager }]);
    // The member is told, naming who changed it.
    const [mail] = await icsOf('booking.changed', mineA.id);
    expect(mail!.textBody).toContain('Hanna Hubmanagerin');
  });

  test("sends a member's change in a space that needs approval back to the hub; staff changes keep the approval", async () => {
    const space = await room({ approvalRequired: true });
    const day = workday(11);
    const booking = await member.bookings.create({ tenant, spaceId: space.id, ...slot(day, '09:00', '10:00') });
    expect(booking.status).toBe('pending');
    await manager.bookings.decide({ tenant, bookingId: booking.id, decision: 'approve' });
    expect(
      await manager.bookings.update({ tenant, bookingId: booking.id, ...slot(day, '10:00', '11:00') }),
    ).toMatchObject({ status: 'confirmed' });
    expect(
      await member.bookings.update({ tenant, bookingId: booking.id, ...slot(day, '11:00', '12:00') }),
    ).toMatchObject({ status: 'pending' });
    const [mail] = await icsOf('booking.changeRequested', booking.id);
    expect(mail!.icsAttachment).toContain('STATUS:TENTATIVE');
    // Pending after two changes still outranks the confirmed mails before it.
    const [changed] = await icsOf('booking.changed', booking.id);
    expect(sequenceOf(mail!.icsAttachment)).toBeGreaterThan(sequenceOf(changed!.icsAttachment));
    await manager.bookings.decide({ tenant, bookingId: booking.id, decision: 'approve' });
    const [approved] = await icsOf('booking.approved', booking.id);
    expect(sequenceOf(approved!.icsAttachment)).toBeGreaterThan(sequenceOf(mail!.icsAttachment));
  });
});

describe('concurrent changes', () => {
  test('lets exactly one of two bookings moved into the same free slot at once get it', async () => {
    const space = await room();
    const day = workday(12);
    const a = await member.bookings.create({ tenant, spaceId: space.id, ...slot(day, '09:00', '10:00') });
    const b = await member2.bookings.create({ tenant, spaceId: space.id, ...slot(day, '10:00', '11:00') });
    for (let round = 0; round < 3; round++) {
      const target = slot(day, `${13 + round}:00`, `${14 + round}:00`);
      const results = await Promise.allSettled([
        member.bookings.update({ tenant, bookingId: a.id, ...target }),
        member2.bookings.update({ tenant, bookingId: b.id, ...target }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
      expect(describeError(lost.reason as TRPCError).messageKey).toBe('errors.booking.conflict');
      expect(
        await count(`"Booking" WHERE "spaceId" = $1 AND status <> 'CANCELLED' AND "startsAt" = $2`, [
          space.id,
          target.startsAt,
        ]),
      ).toBe(1);
    }
    const overlaps = await count(
      `"Booking" x JOIN "Booking" y ON x."spaceId" = y."spaceId" AND x.id < y.id AND x.status <> 'CANCELLED' AND y.status <> 'CANCELLED'
        AND tstzrange(x."startsAt", x."endsAt") && tstzrange(y."startsAt", y."endsAt") WHERE x."spaceId" = $1`,
      [space.id],
    );
    expect(overlaps).toBe(0);
  });

  test('swaps two bookings between two spaces in opposite directions at once without a deadlock', async () => {
    const [s1, s2] = [await room(), await room()];
    const day = workday(13);
    const x = await member.bookings.create({ tenant, spaceId: s1.id, ...slot(day, '09:00', '10:00') });
    const y = await member2.bookings.create({ tenant, spaceId: s2.id, ...slot(day, '09:00', '10:00') });
    const results = await Promise.allSettled([
      member.bookings.update({ tenant, bookingId: x.id, spaceId: s2.id, ...slot(day, '11:00', '12:00') }),
      member2.bookings.update({ tenant, bookingId: y.id, spaceId: s1.id, ...slot(day, '11:00', '12:00') }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
  });
});

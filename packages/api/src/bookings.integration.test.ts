/**
 * Spaces and bookings: who configures what, the booking rules, and
 * the promise that no space or desk is ever double-booked — by the service
 * under concurrency, by random sequences, and by the database constraint.
 */
import { randomUUID } from 'node:crypto';
import { addDays, localParts, nthWorkday, weekdayOf, zonedToUtc } from '@hubwerk/domain';
import { TRPCError } from '@trpc/server';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
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
let partner: Caller;
let zeitzAdmin: Caller;
let hubId: string;
let otherHubId: string;

test.beforeAll(async ({ api }) => {
  [admin, manager, member, member2, partner, zeitzAdmin] = await Promise.all([
    api.as(DEMO_USERS.einbeckAdmin),
    api.as(DEMO_USERS.einbeckManager),
    api.as(DEMO_USERS.einbeckMember),
    api.as(DEMO_USERS.einbeckMember2),
    api.as(DEMO_USERS.partner),
    api.as(DEMO_USERS.zeitzAdmin),
  ]);
  hubId = (await admin.hubs.list({ tenant })).items.find((h) => h.slug === 'digital-hub-einbeck')!.id;
  otherHubId = (await admin.hubs.create({ tenant, name: 'Hub Nord' })).id;
});

const count = async (sql: string, params: unknown[] = []) =>
  Number((await file.superuser.query(`SELECT count(*) AS n FROM ${sql}`, params)).rows[0].n);

/** The n-th workday (Mon–Fri) from today, Berlin time. */
const workday = (n: number) => nthWorkday(localParts(new Date(), TZ).date, n);
/** "10:30" on `date` in Berlin, as an ISO instant. */
const at = (date: string, hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return zonedToUtc(date, h * 60 + m, TZ).toISOString();
};

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

async function newRoom(name: string, overrides: Partial<Record<string, number | boolean>> = {}, capacity = 8) {
  return admin.spaces.create({
    tenant,
    hubId,
    kind: 'meeting-room',
    name,
    capacity,
    amenities: ['Bildschirm'],
    rules: rules(overrides),
  });
}

describe('configuring spaces', () => {
  test('lets the hub manager create a co-working space with 6 desks and its rules; members read it', async () => {
    const space = await manager.spaces.create({
      tenant,
      hubId,
      kind: 'coworking',
      name: 'Co-Working Süd',
      capacity: 6,
      amenities: ['WLAN'],
      accessibilityNotes: 'Höhenverstellbare Tische',
      deskCount: 6,
      rules: rules({ granularityMinutes: 60, minDurationMinutes: 60, maxDurationMinutes: 600 }),
    });
    expect(space.desks.map((d) => d.name)).toEqual([
      'Arbeitsplatz 01',
      'Arbeitsplatz 02',
      'Arbeitsplatz 03',
      'Arbeitsplatz 04',
      'Arbeitsplatz 05',
      'Arbeitsplatz 06',
    ]);
    expect(await count(`"Desk" WHERE "spaceId" = $1`, [space.id])).toBe(6);
    const seen = await member.spaces.list({ tenant, hubId });
    expect(seen.canConfigure).toBe(false);
    expect(seen.items.map((s) => s.name)).toContain('Co-Working Süd');
    expect(await count(`"AuditLog" WHERE action = 'space.created' AND "targetId" = $1`, [space.id])).toBe(1);
  });

  test('refuses a hub manager of hub A configuring hub B, and members configuring anything; nothing is written', async () => {
    const before = await count(`"Space"`);
    expect(
      (
        await failure(
          manager.spaces.create({ tenant, hubId: otherHubId, kind: 'showroom', name: 'Fremd', capacity: 3 }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    expect(
      (
        await failure(
          manager.spaces.setOpeningHours({
            tenant,
            hubId: otherHubId,
            week: [{ weekday: 1, opensAt: '09:00', closesAt: '17:00' }],
          }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    expect((await failure(manager.spaces.addClosedDay({ tenant, hubId: otherHubId, date: workday(3) }))).code).toBe(
      'FORBIDDEN',
    );
    expect(
      (await failure(member.spaces.create({ tenant, hubId, kind: 'showroom', name: 'Mitglied', capacity: 3 }))).code,
    ).toBe('FORBIDDEN');
    expect(
      (await failure(zeitzAdmin.spaces.create({ tenant, hubId, kind: 'showroom', name: 'Zeitz', capacity: 3 }))).code,
    ).toBe('NOT_FOUND');
    expect(await count(`"Space"`)).toBe(before);
    expect(await count(`"OpeningHours" WHERE "hubId" = $1`, [otherHubId])).toBe(0);
    // The town admin and the town's IT partner (acting as town admin) may.
    await partner.spaces.create({ tenant, hubId: otherHubId, kind: 'showroom', name: 'Showroom Nord', capacity: 10 });
    const hours = await admin.spaces.setOpeningHours({
      tenant,
      hubId: otherHubId,
      week: [{ weekday: 1, opensAt: '09:00', closesAt: '17:00' }],
    });
    expect(hours.week).toEqual([{ weekday: 1, opensAt: '09:00', closesAt: '17:00' }]);
  });

  test('rejects inconsistent rules, opening hours and unknown keys with field errors', async () => {
    expect((await failure(newRoom('Kaputt', { minDurationMinutes: 120, maxDurationMinutes: 60 }))).fieldErrors).toEqual(
      {
        'rules.minDurationMinutes': ['validation.rules.minAboveMax'],
        'rules.maxDurationMinutes': ['validation.rules.minAboveMax'],
      },
    );
    expect(
      (
        await failure(
          admin.spaces.setOpeningHours({ tenant, hubId, week: [{ weekday: 1, opensAt: '18:00', closesAt: '08:00' }] }),
        )
      ).fieldErrors,
    ).toEqual({ 'week.0.closesAt': ['validation.openingHours.closesBeforeOpens'] });
    expect(
      (
        await failure(
          admin.spaces.create({
            tenant,
            hubId,
            kind: 'showroom',
            name: 'X',
            capacity: 3,
            tenantId: randomUUID(),
          } as never),
        )
      ).fieldErrors,
    ).toEqual({ tenantId: ['validation.unknownField'] });
    expect(
      (await failure(admin.spaces.create({ tenant, hubId, kind: 'showroom', name: 'X', capacity: 3, deskCount: 2 })))
        .fieldErrors,
    ).toEqual({ deskCount: ['validation.space.desksOnlyCoworking'] });
  });
});

describe('changing rules, desks and closing days', () => {
  test("lets the hub manager change a space's rules and add a desk; members may not; duplicates are field errors", async () => {
    const space = await manager.spaces.create({
      tenant,
      hubId,
      kind: 'coworking',
      name: 'Co-Working Regeln',
      capacity: 4,
      deskCount: 2,
    });
    const updated = await manager.spaces.updateRules({
      tenant,
      spaceId: space.id,
      rules: rules({ granularityMinutes: 60, minDurationMinutes: 60, maxDurationMinutes: 480, bufferMinutes: 15 }),
    });
    expect(updated.rules).toMatchObject({ granularityMinutes: 60, maxDurationMinutes: 480, bufferMinutes: 15 });
    expect((await failure(member.spaces.updateRules({ tenant, spaceId: space.id, rules: rules() }))).code).toBe(
      'FORBIDDEN',
    );
    expect(
      (
        await failure(
          manager.spaces.updateRules({
            tenant,
            spaceId: space.id,
            rules: rules({ granularityMinutes: 60, minDurationMinutes: 90, maxDurationMinutes: 480 }),
          }),
        )
      ).fieldErrors,
    ).toEqual({
      'rules.minDurationMinutes': ['validation.rules.granularity'],
      'rules.granularityMinutes': ['validation.rules.granularity'],
    });
    const desk = await manager.spaces.addDesk({
      tenant,
      spaceId: space.id,
      name: 'Stehpult 1',
      attributes: ['Stehpult'],
    });
    expect(desk).toMatchObject({ name: 'Stehpult 1', attributes: ['Stehpult'] });
    expect(
      (await failure(manager.spaces.addDesk({ tenant, spaceId: space.id, name: 'Stehpult 1' }))).fieldErrors,
    ).toEqual({ name: ['errors.desk.nameTaken'] });
    expect((await failure(member.spaces.addDesk({ tenant, spaceId: space.id, name: 'Mein Platz' }))).code).toBe(
      'FORBIDDEN',
    );
    const room = await newRoom('Raum ohne Plätze');
    expect((await failure(admin.spaces.addDesk({ tenant, spaceId: room.id, name: 'Platz' }))).fieldErrors).toEqual({
      name: ['validation.space.desksOnlyCoworking'],
    });
    expect((await member.spaces.get({ tenant, spaceId: space.id })).desks.map((d) => d.name)).toEqual([
      'Arbeitsplatz 01',
      'Arbeitsplatz 02',
      'Stehpult 1',
    ]);
    expect(
      (await failure(admin.spaces.create({ tenant, hubId, kind: 'showroom', name: 'Co-Working Regeln', capacity: 3 })))
        .fieldErrors,
    ).toEqual({ name: ['errors.space.nameTaken'] });
    expect(
      await count(`"AuditLog" WHERE action IN ('space.rulesChanged', 'desk.created') AND "targetId" IN ($1, $2)`, [
        space.id,
        desk.id,
      ]),
    ).toBe(2);
  });

  test('adds and removes a closing day; everyone in the town reads the opening hours', async () => {
    const date = workday(40);
    await manager.spaces.addClosedDay({ tenant, hubId, date, note: 'Brückentag' });
    await manager.spaces.addClosedDay({ tenant, hubId, date, note: 'Brückentag (geändert)' });
    const read = await member.spaces.openingHours({ tenant, hubId });
    expect(read.timezone).toBe('Europe/Berlin');
    expect(read.week.map((w) => [w.weekday, w.opensAt, w.closesAt])).toEqual(
      [1, 2, 3, 4, 5].map((d) => [d, '08:00', '18:00']),
    );
    expect(read.closedDays.filter((c) => c.date === date)).toEqual([
      { date, note: 'Brückentag (geändert)', holiday: false },
    ]);
    const after = await manager.spaces.removeClosedDay({ tenant, hubId, date });
    expect(after.closedDays.some((c) => c.date === date)).toBe(false);
    expect((await failure(member.spaces.removeClosedDay({ tenant, hubId, date }))).code).toBe('FORBIDDEN');
  });
});

describe('booking a room', () => {
  test('accepts adjacent bookings [10,11) and [11,12); an overlap is a conflict naming the colliding booking', async () => {
    const room = await newRoom('Raum Adjazent');
    const day = workday(2);
    const a = await member.bookings.create({
      tenant,
      spaceId: room.id,
      startsAt: at(day, '10:00'),
      endsAt: at(day, '11:00'),
      purpose: 'Workshop',
      attendees: 5,
    });
    const b = await member2.bookings.create({
      tenant,
      spaceId: room.id,
      startsAt: at(day, '11:00'),
      endsAt: at(day, '12:00'),
    });
    expect([a.status, b.status]).toEqual(['confirmed', 'confirmed']);
    const conflict = await failure(
      member2.bookings.create({ tenant, spaceId: room.id, startsAt: at(day, '10:30'), endsAt: at(day, '11:30') }),
    );
    expect(conflict).toMatchObject({
      code: 'CONFLICT',
      messageKey: 'errors.booking.conflict',
      params: { startsAt: a.startsAt, endsAt: a.endsAt },
    });
    expect(await count(`"Booking" WHERE "spaceId" = $1`, [room.id])).toBe(2);
  });

  test('rejects bad input with a field error naming the rule, writing nothing', async () => {
    const room = await newRoom('Raum Regeln', { horizonDays: 20, leadTimeMinutes: 0 }, 4);
    const day = workday(2);
    const book = (startsAt: string, endsAt: string, attendees = 1) =>
      member.bookings.create({ tenant, spaceId: room.id, startsAt, endsAt, attendees });
    const cases: Array<[() => Promise<unknown>, Record<string, string[]>]> = [
      [() => book(at(day, '11:00'), at(day, '10:00')), { endsAt: ['errors.booking.endBeforeStart'] }],
      [() => book(at(day, '07:00'), at(day, '08:30')), { startsAt: ['errors.booking.outsideOpeningHours'] }],
      [() => book(at(day, '17:00'), at(day, '18:30')), { startsAt: ['errors.booking.outsideOpeningHours'] }],
      [() => book(at(day, '10:00'), at(day, '11:00'), 5), { attendees: ['errors.booking.overCapacity'] }],
      [() => book(at(day, '10:15'), at(day, '11:15')), { startsAt: ['errors.booking.granularity'] }],
      [() => book(at(day, '10:00'), at(day, '15:00')), { endsAt: ['errors.booking.tooLong'] }],
      [() => book(at(workday(30), '10:00'), at(workday(30), '11:00')), { startsAt: ['errors.booking.tooFarAhead'] }],
      [
        () => book(at(addDays(day, 6 - weekdayOf(day)), '10:00'), at(addDays(day, 6 - weekdayOf(day)), '11:00')),
        { startsAt: ['errors.booking.outsideOpeningHours'] },
      ],
      [() => book('2020-01-06T10:00:00+01:00', '2020-01-06T11:00:00+01:00'), { startsAt: ['errors.booking.inPast'] }],
      [() => book('morgen', at(day, '11:00')), { startsAt: ['validation.datetime'] }],
    ];
    for (const [attempt, fieldErrors] of cases) expect((await failure(attempt())).fieldErrors).toEqual(fieldErrors);
    await admin.spaces.addClosedDay({ tenant, hubId, date: workday(4), note: 'Betriebsausflug' });
    expect((await failure(book(at(workday(4), '10:00'), at(workday(4), '11:00')))).fieldErrors).toEqual({
      startsAt: ['errors.booking.closedDay'],
    });
    expect(await count(`"Booking" WHERE "spaceId" = $1`, [room.id])).toBe(0);
  });

  test('keeps the buffer between bookings, and a cancelled booking frees its slot', async () => {
    const room = await newRoom('Raum Puffer', { bufferMinutes: 30 });
    const day = workday(3);
    const first = await member.bookings.create({
      tenant,
      spaceId: room.id,
      startsAt: at(day, '10:00'),
      endsAt: at(day, '11:00'),
    });
    expect(
      (
        await failure(
          member2.bookings.create({ tenant, spaceId: room.id, startsAt: at(day, '11:00'), endsAt: at(day, '12:00') }),
        )
      ).messageKey,
    ).toBe('errors.booking.conflict');
    await member2.bookings.create({ tenant, spaceId: room.id, startsAt: at(day, '11:30'), endsAt: at(day, '12:30') });
    // Members cannot cancel each other's bookings; a foreign booking is "not found".
    expect((await failure(member2.bookings.cancel({ tenant, bookingId: first.id }))).code).toBe('NOT_FOUND');
    expect((await member.bookings.cancel({ tenant, bookingId: first.id })).status).toBe('cancelled');
    await member2.bookings.create({ tenant, spaceId: room.id, startsAt: at(day, '09:30'), endsAt: at(day, '10:30') });
  });

  test('holds bookings of approval-required spaces as pending until the hub manager or town admin decides', async () => {
    const room = await newRoom('Raum Freigabe', { approvalRequired: true });
    const booking = await member.bookings.create({
      tenant,
      spaceId: room.id,
      startsAt: at(workday(2), '14:00'),
      endsAt: at(workday(2), '15:00'),
    });
    expect(booking.status).toBe('pending');
    // A pending request blocks the slot too.
    expect(
      (
        await failure(
          member2.bookings.create({
            tenant,
            spaceId: room.id,
            startsAt: at(workday(2), '14:00'),
            endsAt: at(workday(2), '15:00'),
          }),
        )
      ).code,
    ).toBe('CONFLICT');
    expect((await failure(member.bookings.decide({ tenant, bookingId: booking.id, decision: 'approve' }))).code).toBe(
      'FORBIDDEN',
    );
    expect((await manager.bookings.decide({ tenant, bookingId: booking.id, decision: 'approve' })).status).toBe(
      'confirmed',
    );
    expect(
      (await failure(manager.bookings.decide({ tenant, bookingId: booking.id, decision: 'reject' }))).messageKey,
    ).toBe('errors.booking.notPending');
    const other = await member2.bookings.create({
      tenant,
      spaceId: room.id,
      startsAt: at(workday(2), '16:00'),
      endsAt: at(workday(2), '17:00'),
    });
    expect((await admin.bookings.decide({ tenant, bookingId: other.id, decision: 'reject' })).status).toBe('cancelled');
    expect(
      await count(`"AuditLog" WHERE action IN ('booking.approved', 'booking.rejected') AND "targetId" IN ($1, $2)`, [
        booking.id,
        other.id,
      ]),
    ).toBe(2);
  });

  test("shows members their own bookings only, and others' in the week view without purpose", async () => {
    const room = await newRoom('Raum Woche');
    const day = workday(2);
    const mine = await member.bookings.create({
      tenant,
      spaceId: room.id,
      startsAt: at(day, '09:00'),
      endsAt: at(day, '10:00'),
      purpose: 'Privat',
    });
    await member2.bookings.create({
      tenant,
      spaceId: room.id,
      startsAt: at(day, '13:00'),
      endsAt: at(day, '14:00'),
      purpose: 'Geheim',
    });
    const list = await member.bookings.mine({ tenant });
    expect(list.items.every((b) => b.mine)).toBe(true);
    expect(list.items.map((b) => b.id)).toContain(mine.id);
    const week = await member.bookings.week({ tenant, spaceId: room.id, date: day });
    expect(week.items.map((b) => [b.mine, b.purpose])).toEqual([
      [true, 'Privat'],
      [false, null],
    ]);
    const staffView = await manager.bookings.week({ tenant, spaceId: room.id, date: day });
    expect(staffView.items.map((b) => b.purpose)).toEqual(['Privat', 'Geheim']);
    expect(await member.bookings.get({ tenant, bookingId: mine.id })).toMatchObject({
      id: mine.id,
      hubName: 'Digital Hub Einbeck',
      purpose: 'Privat',
    });
    expect((await failure(member2.bookings.get({ tenant, bookingId: mine.id }))).code).toBe('NOT_FOUND');
    expect((await manager.bookings.get({ tenant, bookingId: mine.id })).purpose).toBe('Privat');
  });
});

describe('booking desks', () => {
  test('books a desk, not the co-working space; a second member on the same desk gets the conflict', async () => {
    const space = (await member.spaces.list({ tenant, hubId })).items.find((s) => s.name === 'Co-Working')!;
    const day = workday(3);
    expect(
      (
        await failure(
          member.bookings.create({ tenant, spaceId: space.id, startsAt: at(day, '08:00'), endsAt: at(day, '18:00') }),
        )
      ).fieldErrors,
    ).toEqual({ deskId: ['errors.booking.deskRequired'] });
    const desk = space.desks[2]!;
    await member.bookings.create({
      tenant,
      spaceId: space.id,
      deskId: desk.id,
      startsAt: at(day, '08:00'),
      endsAt: at(day, '18:00'),
    });
    expect(
      (
        await failure(
          member2.bookings.create({
            tenant,
            spaceId: space.id,
            deskId: desk.id,
            startsAt: at(day, '09:00'),
            endsAt: at(day, '12:00'),
          }),
        )
      ).messageKey,
    ).toBe('errors.booking.conflict');
    await member2.bookings.create({
      tenant,
      spaceId: space.id,
      deskId: space.desks[3]!.id,
      startsAt: at(day, '09:00'),
      endsAt: at(day, '12:00'),
    });
    expect(
      (
        await failure(
          member2.bookings.create({
            tenant,
            spaceId: space.id,
            deskId: desk.id,
            startsAt: at(day, '09:00'),
            endsAt: at(day, '10:00'),
            attendees: 2,
          }),
        )
      ).fieldErrors,
    ).toEqual({ attendees: ['errors.booking.overCapacity'] });
  });
});

describe('availability', () => {
  test('lists the free time of a room: opening hours minus bookings, on the granularity grid', async () => {
    const room = await newRoom('Raum Frei');
    const day = workday(2);
    await member.bookings.create({ tenant, spaceId: room.id, startsAt: at(day, '10:00'), endsAt: at(day, '11:00') });
    await member.bookings.create({ tenant, spaceId: room.id, startsAt: at(day, '11:00'), endsAt: at(day, '12:30') });
    const free = await member.bookings.availability({ tenant, spaceId: room.id, date: day, days: 1 });
    expect(free.resources).toHaveLength(1);
    expect(free.resources[0]!.free).toEqual([
      { startsAt: at(day, '08:00'), endsAt: at(day, '10:00') },
      { startsAt: at(day, '12:30'), endsAt: at(day, '18:00') },
    ]);
  });

  test('respects buffers, closed days and weekends over a week', async () => {
    const room = await newRoom('Raum Frei Puffer', { bufferMinutes: 30 });
    const day = workday(5);
    const monday = addDays(day, 1 - weekdayOf(day));
    await member.bookings.create({ tenant, spaceId: room.id, startsAt: at(day, '10:00'), endsAt: at(day, '11:00') });
    await admin.spaces.addClosedDay({ tenant, hubId, date: addDays(monday, weekdayOf(day) === 5 ? 3 : 4) });
    const week = await member.bookings.availability({ tenant, spaceId: room.id, date: monday, days: 7 });
    const slots = week.resources[0]!.free.filter(
      (s) => s.startsAt.startsWith(at(day, '00:00').slice(0, 10)) || localParts(new Date(s.startsAt), TZ).date === day,
    );
    expect(slots).toEqual([
      { startsAt: at(day, '08:00'), endsAt: at(day, '09:30') },
      { startsAt: at(day, '11:30'), endsAt: at(day, '18:00') },
    ]);
    const days = new Set(week.resources[0]!.free.map((s) => localParts(new Date(s.startsAt), TZ).date));
    expect([...days].some((d) => weekdayOf(d) >= 6)).toBe(false);
    expect(days.has(addDays(monday, weekdayOf(day) === 5 ? 3 : 4))).toBe(false);
  });

  test('lists every desk of a hub, a booked desk without its booked time', async () => {
    const day = workday(12); // beyond the week whose day the test above closes
    const space = (await member.spaces.list({ tenant, hubId })).items.find((s) => s.name === 'Co-Working')!;
    await member.bookings.create({
      tenant,
      spaceId: space.id,
      deskId: space.desks[0]!.id,
      startsAt: at(day, '08:00'),
      endsAt: at(day, '13:00'),
    });
    const free = await member.bookings.availability({ tenant, hubId, date: day });
    const desks = free.resources.filter((r) => r.spaceId === space.id);
    expect(desks).toHaveLength(6);
    expect(desks[0]!.free).toEqual([{ startsAt: at(day, '13:00'), endsAt: at(day, '18:00') }]);
    expect(desks[1]!.free).toEqual([{ startsAt: at(day, '08:00'), endsAt: at(day, '18:00') }]);
  });
});

describe('no double booking, ever', () => {
  test('has the exclusion constraints in the catalog (fails if a migration drops them)', async ({ superuser }) => {
    const { rows } = await superuser.query<{ name: string; def: string }>(`
      SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE conrelid = '"Booking"'::regclass AND contype = 'x' ORDER BY conname`);
    expect(rows.map((r) => r.name)).toEqual(['Booking_desk_no_overlap', 'Booking_space_no_overlap']);
    for (const row of rows) {
      expect(row.def).toMatch(
        /^EXCLUDE USING gist \("tenantId" WITH =, "(spaceId|deskId)" WITH =, tstzrange\("startsAt", "endsAt", '\[\)'::text\) WITH &&\) WHERE \(\(\(?status <> 'CANCELLED'::text\)/,
      );
    }
  });

  test('refuses an overlapping row even when written past the service, as the bypass role', async ({ superuser }) => {
    const room = await newRoom('Raum SQL');
    const { rows } = await superuser.query<{ tenantId: string; userId: string }>(
      `SELECT "tenantId", (SELECT id FROM "User" LIMIT 1) AS "userId" FROM "Space" WHERE id = $1`,
      [room.id],
    );
    const insert = (from: string, to: string, status = 'CONFIRMED') =>
      superuser.query(
        `INSERT INTO "Booking" ("tenantId", id, "spaceId", "userId", "startsAt", "endsAt", status) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [rows[0]!.tenantId, randomUUID(), room.id, rows[0]!.userId, from, to, status],
      );
    await insert('2031-03-03T10:00:00Z', '2031-03-03T11:00:00Z');
    await insert('2031-03-03T11:00:00Z', '2031-03-03T12:00:00Z');
    await expect(insert('2031-03-03T10:59:00Z', '2031-03-03T11:01:00Z')).rejects.toMatchObject({ code: '23P01' });
    await insert('2031-03-03T10:30:00Z', '2031-03-03T11:30:00Z', 'CANCELLED');
  });

  test('lets exactly 1 of 200 concurrent requests for the same slot through; 199 get the conflict', async () => {
    const room = await newRoom('Raum Ansturm', {}, 20);
    const day = workday(2);
    const callers = [member, member2];
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        callers[i % 2]!.bookings.create({
          tenant,
          spaceId: room.id,
          startsAt: at(day, '14:00'),
          endsAt: at(day, '15:00'),
        }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const conflicts = results.filter(
      (r) =>
        r.status === 'rejected' &&
        r.reason instanceof TRPCError &&
        r.reason.code === 'CONFLICT' &&
        describeError(r.reason).messageKey === 'errors.booking.conflict',
    );
    const others = results
      .filter((r) => r.status === 'rejected' && !conflicts.includes(r))
      .map((r) => String((r as PromiseRejectedResult).reason));
    expect(others.slice(0, 3)).toEqual([]);
    expect(ok).toHaveLength(1);
    expect(conflicts).toHaveLength(199);
    expect(await count(`"Booking" WHERE "spaceId" = $1 AND status <> 'CANCELLED'`, [room.id])).toBe(1);
  });

  test('leaves 0 overlapping live bookings after random sequences of creates and cancels', async ({ superuser }) => {
    const room = await newRoom('Raum Zufall', {
      granularityMinutes: 30,
      minDurationMinutes: 30,
      maxDurationMinutes: 180,
    });
    const day = workday(6);
    const op = fc.record({
      who: fc.constantFrom(0, 1),
      slot: fc.integer({ min: 0, max: 18 }),
      length: fc.integer({ min: 1, max: 6 }),
      cancelOne: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const created: Array<{ id: string; who: number }> = [];
        await Promise.all(
          ops.map(async (o, i) => {
            const from = 8 * 60 + o.slot * 30;
            const to = Math.min(from + o.length * 30, 18 * 60);
            const caller = [member, member2][o.who]!;
            try {
              const b = await caller.bookings.create({
                tenant,
                spaceId: room.id,
                startsAt: zonedToUtc(day, from, TZ).toISOString(),
                endsAt: zonedToUtc(day, to, TZ).toISOString(),
              });
              created.push({ id: b.id, who: o.who });
            } catch (error) {
              if (!(error instanceof TRPCError) || error.code !== 'CONFLICT') throw error;
            }
            if (o.cancelOne && created.length > 0 && i % 2 === 0) {
              const victim = created.shift()!;
              await [member, member2][victim.who]!.bookings.cancel({ tenant, bookingId: victim.id });
            }
          }),
        );
        const overlaps = await count(
          `"Booking" a JOIN "Booking" b ON a."spaceId" = b."spaceId" AND a.id < b.id
           WHERE a."spaceId" = $1 AND a.status <> 'CANCELLED' AND b.status <> 'CANCELLED'
             AND tstzrange(a."startsAt", a."endsAt", '[)') && tstzrange(b."startsAt", b."endsAt", '[)')`,
          [room.id],
        );
        // Clean slate for the next run.
        await superuser.query(`UPDATE "Booking" SET status = 'CANCELLED' WHERE "spaceId" = $1`, [room.id]);
        return overlaps === 0;
      }),
      { numRuns: 25 },
    );
  });
});

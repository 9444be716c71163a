/**
 * Recurring bookings, check-in and no-shows (docs/decisions/013):
 * series across the daylight-saving changes of Europe/Berlin and the end of
 * the month, conflicts of every occurrence reported before saving, creation
 * all-or-nothing, cancellation of one occurrence / a range / the rest.
 */
import { randomUUID } from 'node:crypto';
import { addDays, localParts, weekdayOf, zonedToUtc } from '@hubwerk/domain';
import { describe, expect } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { type Caller, failure } from './test-support.ts';
import { fileFixtures, seededApiTest } from './testing/fixtures.ts';

const test = seededApiTest({ poolSize: 6 });
const file = fileFixtures(test);

const TZ = 'Europe/Berlin';
const tenant = 'einbeck';
let admin: Caller;
let member: Caller;
let member2: Caller;
let hubId: string;
let roomId: string;
let tenantId: string;

const rules = {
  granularityMinutes: 30,
  minDurationMinutes: 30,
  maxDurationMinutes: 240,
  leadTimeMinutes: 0,
  horizonDays: 730,
  bufferMinutes: 0,
  approvalRequired: false,
};

test.beforeAll(async ({ api, superuser }) => {
  [admin, member, member2] = await Promise.all([
    api.as(DEMO_USERS.einbeckAdmin),
    api.as(DEMO_USERS.einbeckMember),
    api.as(DEMO_USERS.einbeckMember2),
  ]);
  // A hub open every day 08–18, but Saturdays only 08–10 (for "outside opening hours").
  hubId = (await admin.hubs.create({ tenant, name: `Serienhub ${randomUUID().slice(0, 6)}` })).id;
  await admin.spaces.setOpeningHours({
    tenant,
    hubId,
    week: [1, 2, 3, 4, 5, 7]
      .map((weekday) => ({ weekday, opensAt: '08:00', closesAt: '18:00' }))
      .concat([{ weekday: 6, opensAt: '08:00', closesAt: '10:00' }]),
  });
  roomId = (
    await admin.spaces.create({ tenant, hubId, kind: 'meeting-room', name: 'Werkstattraum', capacity: 12, rules })
  ).id;
  tenantId = (await superuser.query(`SELECT id FROM "Tenant" WHERE slug = $1`, [tenant])).rows[0].id;
});

const at = (date: string, hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return zonedToUtc(date, h * 60 + m, TZ)
    .toISOString()
    .replace('.000Z', '+00:00');
};
const today = () => localParts(new Date(), TZ).date;
/** The last Sunday of `month` (1–12) in the first year in which it lies more than a week ahead. */
function nextLastSunday(month: number): string {
  for (let year = Number(today().slice(0, 4)); ; year++) {
    let date = addDays(
      `${year}-${String(month + 1).padStart(2, '0')}-01`.replace(`${year}-13-01`, `${year + 1}-01-01`),
      -1,
    );
    while (weekdayOf(date) !== 7) date = addDays(date, -1);
    if (date > addDays(today(), 7)) return date;
  }
}
const seriesRows = async (seriesId: string) =>
  (
    await file.superuser.query<{ local: string; utc: string; status: string }>(
      `SELECT to_char("startsAt" AT TIME ZONE 'Europe/Berlin', 'YYYY-MM-DD HH24:MI') AS local, to_char("startsAt" AT TIME ZONE 'UTC', 'HH24:MI') AS utc, status::text
         FROM "Booking" WHERE "seriesId" = $1 ORDER BY "startsAt"`,
      [seriesId],
    )
  ).rows;
const counts = async () =>
  (
    await file.superuser.query(
      `SELECT (SELECT count(*) FROM "Booking")::int AS b, (SELECT count(*) FROM "BookingSeries")::int AS s`,
    )
  ).rows[0] as { b: number; s: number };

describe('series across the daylight-saving changes', () => {
  test('books a weekly 10:00 at 10:00 local on both sides of the spring change (last Sunday of March)', async () => {
    const tuesday = addDays(nextLastSunday(3), -5);
    const series = await member.bookingSeries.create({
      tenant,
      spaceId: roomId,
      startsAt: at(tuesday, '10:00'),
      endsAt: at(tuesday, '11:30'),
      rrule: 'FREQ=WEEKLY;COUNT=3',
      purpose: 'Werkstatt',
    });
    expect(series.occurrences.map((o) => o.date)).toEqual([tuesday, addDays(tuesday, 7), addDays(tuesday, 14)]);
    const rows = await seriesRows(series.id);
    expect(rows.map((r) => r.local.slice(11))).toEqual(['10:00', '10:00', '10:00']);
    // Winter time UTC+1, then summer time UTC+2.
    expect(rows.map((r) => r.utc)).toEqual(['09:00', '08:00', '08:00']);
    expect(rows.every((r) => r.status === 'CONFIRMED')).toBe(true);
  });

  test('books a weekly 10:00 at 10:00 local on both sides of the autumn change (last Sunday of October)', async () => {
    const friday = addDays(nextLastSunday(10), -2);
    const series = await member.bookingSeries.create({
      tenant,
      spaceId: roomId,
      startsAt: at(friday, '10:00'),
      endsAt: at(friday, '11:00'),
      rrule: 'FREQ=WEEKLY;BYDAY=FR;COUNT=2',
    });
    const rows = await seriesRows(series.id);
    expect(rows.map((r) => r.local)).toEqual([`${friday} 10:00`, `${addDays(friday, 7)} 10:00`]);
    expect(rows.map((r) => r.utc)).toEqual(['08:00', '09:00']);
  });
});

describe('end of month', () => {
  test('books monthly on the 31st only in months that have one (BYMONTHDAY=31)', async () => {
    let jan31 = `${Number(today().slice(0, 4)) + 1}-01-31`;
    if (weekdayOf(jan31) === 6) jan31 = `${Number(jan31.slice(0, 4)) + 1}-01-31`; // avoid the short Saturday
    const input = {
      tenant,
      spaceId: roomId,
      startsAt: at(jan31, '12:00'),
      endsAt: at(jan31, '13:00'),
      rrule: 'FREQ=MONTHLY;BYMONTHDAY=31;COUNT=4',
    };
    const preview = await member.bookingSeries.preview(input);
    const year = jan31.slice(0, 4);
    expect(preview.occurrences.map((o) => o.date)).toEqual([
      `${year}-01-31`,
      `${year}-03-31`,
      `${year}-05-31`,
      `${year}-07-31`,
    ]);
    // Saturdays close at 10:00: any 31st on a Saturday is named, the rest are free.
    for (const o of preview.occurrences)
      expect(o.conflict?.reason ?? null).toBe(weekdayOf(o.date) === 6 ? 'outside-opening-hours' : null);
    if (preview.conflicts === 0) {
      const series = await member.bookingSeries.create(input);
      expect((await seriesRows(series.id)).map((r) => r.local)).toEqual(
        preview.occurrences.map((o) => `${o.date} 12:00`),
      );
    }
  });
});

describe('conflicts of any occurrence, before saving; creation is all-or-nothing', () => {
  test('names each blocked date and why (taken, closed, outside opening hours), and books nothing', async () => {
    // A daily series of 8 days from a Monday in a few weeks.
    let monday = addDays(today(), 21);
    while (weekdayOf(monday) !== 1) monday = addDays(monday, 1);
    const taken = await member2.bookings.create({
      tenant,
      spaceId: roomId,
      startsAt: at(addDays(monday, 1), '10:30'),
      endsAt: at(addDays(monday, 1), '11:30'),
    });
    await admin.spaces.addClosedDay({ tenant, hubId, date: addDays(monday, 2), note: 'Betriebsausflug' });
    const input = {
      tenant,
      spaceId: roomId,
      startsAt: at(monday, '10:00'),
      endsAt: at(monday, '11:00'),
      rrule: 'FREQ=DAILY;COUNT=8',
      purpose: 'Sprechstunde',
    };

    const preview = await member.bookingSeries.preview(input);
    expect(preview.occurrences).toHaveLength(8);
    const byDate = Object.fromEntries(preview.occurrences.map((o) => [o.date, o.conflict]));
    expect(byDate[addDays(monday, 1)]).toEqual({
      reason: 'taken',
      messageKey: 'errors.booking.conflict',
      params: { startsAt: taken.startsAt, endsAt: taken.endsAt },
    });
    expect(byDate[addDays(monday, 2)]).toMatchObject({ reason: 'closed', messageKey: 'errors.booking.closedDay' });
    expect(byDate[addDays(monday, 5)]).toMatchObject({
      reason: 'outside-opening-hours',
      messageKey: 'errors.booking.outsideOpeningHours',
    });
    expect(preview.conflicts).toBe(3);
    expect([0, 3, 4, 6, 7].map((i) => byDate[addDays(monday, i)])).toEqual([null, null, null, null, null]);

    const before = await counts();
    const refused = await failure(member.bookingSeries.create(input));
    expect(refused).toMatchObject({
      code: 'CONFLICT',
      messageKey: 'errors.series.conflicts',
      fieldErrors: { rrule: ['errors.series.conflicts'] },
    });
    expect(refused.params).toEqual({ count: '3', dates: [1, 2, 5].map((i) => addDays(monday, i)).join(', ') });
    expect(await counts()).toEqual(before);
  });

  test('refuses a malformed RRULE by name, and writes nothing', async () => {
    const date = addDays(today(), 30);
    const before = await counts();
    const refused = await failure(
      member.bookingSeries.create({
        tenant,
        spaceId: roomId,
        startsAt: at(date, '10:00'),
        endsAt: at(date, '11:00'),
        rrule: 'FREQ=FORTNIGHTLY;COUNT=3',
      }),
    );
    expect(refused).toMatchObject({
      code: 'BAD_REQUEST',
      messageKey: 'errors.series.invalidRule',
      fieldErrors: { rrule: ['errors.series.invalidRule'] },
      params: { rule: 'FREQ=FORTNIGHTLY;COUNT=3' },
    });
    const unbounded = await failure(
      member.bookingSeries.preview({
        tenant,
        spaceId: roomId,
        startsAt: at(date, '10:00'),
        endsAt: at(date, '11:00'),
        rrule: 'FREQ=WEEKLY',
      }),
    );
    expect(unbounded.messageKey).toBe('errors.series.unbounded');
    // What RFC 5545 forbids is refused with a message naming the part, never booked or a 500.
    for (const [rrule, messageKey, params] of [
      ['FREQ=WEEKLY;BYMONTHDAY=1;COUNT=3', 'errors.seriesRule.notWithFreq', { part: 'BYMONTHDAY', freq: 'WEEKLY' }],
      ['FREQ=WEEKLY;COUNT=2;UNTIL=20990101T000000Z', 'errors.seriesRule.countAndUntil', {}],
      ['FREQ=WEEKLY;UNTIL=20270230', 'errors.seriesRule.invalidUntil', { value: '20270230' }],
    ] as const) {
      const refusedRule = await failure(
        member.bookingSeries.create({
          tenant,
          spaceId: roomId,
          startsAt: at(date, '10:00'),
          endsAt: at(date, '11:00'),
          rrule,
        }),
      );
      expect(refusedRule).toMatchObject({
        code: 'BAD_REQUEST',
        messageKey,
        fieldErrors: { rrule: [messageKey] },
        params: { rule: rrule, ...params },
      });
    }
    expect(await counts()).toEqual(before);
  });

  test("reports occurrences beyond the space's horizon as a rule conflict", async () => {
    const short = (
      await admin.spaces.create({
        tenant,
        hubId,
        kind: 'meeting-room',
        name: `Kurz ${randomUUID().slice(0, 4)}`,
        capacity: 4,
        rules: { ...rules, horizonDays: 10 },
      })
    ).id;
    const tomorrow = addDays(today(), 1);
    const preview = await member.bookingSeries.preview({
      tenant,
      spaceId: short,
      startsAt: at(tomorrow, '08:00'),
      endsAt: at(tomorrow, '09:00'),
      rrule: 'FREQ=DAILY;COUNT=14',
    });
    const horizon = Date.now() + 10 * 86_400_000;
    expect(preview.occurrences.map((o) => o.conflict)).toEqual(
      preview.occurrences.map((o) =>
        new Date(o.startsAt).getTime() > horizon
          ? { reason: 'rule', messageKey: 'errors.booking.tooFarAhead', params: { days: '10' } }
          : null,
      ),
    );
    expect(preview.conflicts).toBeGreaterThanOrEqual(3);
  });
});

describe('cancelling occurrences', () => {
  test('cancels one occurrence, a date range, then the rest; the freed slots can be booked again', async ({
    superuser,
  }) => {
    let monday = addDays(today(), 42);
    while (weekdayOf(monday) !== 1) monday = addDays(monday, 1);
    const d = (i: number) => addDays(monday, i);
    const series = await member.bookingSeries.create({
      tenant,
      spaceId: roomId,
      startsAt: at(monday, '14:00'),
      endsAt: at(monday, '15:00'),
      rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=8',
    });
    const dates = series.occurrences.map((o) => o.date);
    expect(dates).toEqual([d(0), d(1), d(2), d(3), d(4), d(7), d(8), d(9)]);
    // Someone else may not cancel it (and may not even see it).
    expect((await failure(member2.bookingSeries.cancel({ tenant, seriesId: series.id, from: d(0) }))).code).toBe(
      'NOT_FOUND',
    );

    const one = await member.bookingSeries.cancel({ tenant, seriesId: series.id, from: d(2), to: d(2) });
    expect(one.cancelled).toBe(1);
    const afterOne = (await member.bookingSeries.get({ tenant, seriesId: series.id })).occurrences.map((o) => o.status);
    expect(afterOne).toEqual([
      'confirmed',
      'confirmed',
      'cancelled',
      'confirmed',
      'confirmed',
      'confirmed',
      'confirmed',
      'confirmed',
    ]);

    const range = await admin.bookingSeries.cancel({ tenant, seriesId: series.id, from: d(4), to: d(8) });
    expect(range.cancelled).toBe(3);
    expect(range.series.occurrences.map((o) => o.status)).toEqual([
      'confirmed',
      'confirmed',
      'cancelled',
      'confirmed',
      'cancelled',
      'cancelled',
      'cancelled',
      'confirmed',
    ]);

    const rest = await member.bookingSeries.cancel({ tenant, seriesId: series.id, from: d(1) });
    expect(rest.cancelled).toBe(3);
    expect(rest.series.occurrences.map((o) => o.status)).toEqual([
      'confirmed',
      'cancelled',
      'cancelled',
      'cancelled',
      'cancelled',
      'cancelled',
      'cancelled',
      'cancelled',
    ]);

    expect(
      (await failure(member.bookingSeries.cancel({ tenant, seriesId: series.id, from: d(3), to: d(1) }))).messageKey,
    ).toBe('errors.series.rangeOrder');
    const audit = await superuser.query(
      `SELECT data FROM "AuditLog" WHERE action = 'bookingSeries.cancelled' AND "targetId" = $1 ORDER BY "createdAt"`,
      [series.id],
    );
    expect(audit.rows.map((r) => r.data.cancelled)).toEqual([1, 3, 3]);

    // A cancelled occurrence frees its slot.
    const again = await member2.bookings.create({
      tenant,
      spaceId: roomId,
      startsAt: at(d(2), '14:00'),
      endsAt: at(d(2), '15:00'),
    });
    expect(again.status).toBe('confirmed');
  });
});

describe('check-in and no-shows', () => {
  /**
   * A booking as it would stand now, `startMinutes` from now, inserted
   * directly (the service refuses starts in the past), each in a room of its
   * own so none collides with another.
   */
  async function booking(userEmail: string, startMinutes: number, status = 'CONFIRMED') {
    const id = randomUUID();
    const spaceId = randomUUID();
    const start = new Date(Math.floor(Date.now() / 60_000) * 60_000 + startMinutes * 60_000);
    await file.superuser.query(
      `INSERT INTO "Space" ("tenantId", id, "hubId", kind, name, capacity, amenities, "updatedAt") VALUES ($1, $2, $3, 'MEETING_ROOM', $4, 4, '{}', now())`,
      [tenantId, spaceId, hubId, `Raum ${spaceId.slice(0, 8)}`],
    );
    await file.superuser.query(
      `INSERT INTO "Booking" ("tenantId", id, "spaceId", "userId", "startsAt", "endsAt", status)
       SELECT $1, $2, $3, u.id, $4::timestamptz, $4::timestamptz + interval '1 hour', $5 FROM "User" u WHERE u.email = $6`,
      [tenantId, id, spaceId, start, status, userEmail],
    );
    return { id, spaceId };
  }

  test('lets the member check in from 30 minutes before the start, once; others see nothing', async ({ superuser }) => {
    const { id } = await booking(DEMO_USERS.einbeckMember, -5);
    const state = await member.checkIn.state({ tenant, bookingId: id });
    expect(state).toMatchObject({ checkedInAt: null, noShowAt: null, mine: true, status: 'confirmed' });
    expect(new Date(state.graceEndsAt).getTime() - new Date(state.startsAt).getTime()).toBe(15 * 60_000);
    expect((await failure(member2.checkIn.arrive({ tenant, bookingId: id }))).code).toBe('NOT_FOUND');
    const arrived = await member.checkIn.arrive({ tenant, bookingId: id });
    expect(arrived.checkedInAt).not.toBeNull();
    expect((await member.checkIn.arrive({ tenant, bookingId: id })).checkedInAt).toBe(arrived.checkedInAt);
    const audit = await superuser.query(
      `SELECT data FROM "AuditLog" WHERE action = 'booking.checkedIn' AND "targetId" = $1`,
      [id],
    );
    expect(audit.rows).toEqual([{ data: { by: 'self', wasNoShow: false } }]);

    const { id: early } = await booking(DEMO_USERS.einbeckMember, 120);
    expect(await failure(member.checkIn.arrive({ tenant, bookingId: early }))).toMatchObject({
      code: 'BAD_REQUEST',
      messageKey: 'errors.checkIn.tooEarly',
    });
    const { id: pending } = await booking(DEMO_USERS.einbeckMember, 0, 'PENDING');
    expect((await failure(member.checkIn.arrive({ tenant, bookingId: pending }))).messageKey).toBe(
      'errors.checkIn.notConfirmed',
    );
  });

  test("records no-shows after the space's grace period (configurable), once; staff check-in clears a late one", async ({
    superuser,
  }) => {
    const { id: late, spaceId: lateRoom } = await booking(DEMO_USERS.einbeckMember, -30);
    const { id: inGrace } = await booking(DEMO_USERS.einbeckMember2, -5);
    const { id: arrivedId } = await booking(DEMO_USERS.einbeckMember2, -40);
    await member2.checkIn.arrive({ tenant, bookingId: arrivedId });
    const { id: cancelled } = await booking(DEMO_USERS.einbeckMember, -50, 'CANCELLED');

    expect((await failure(member.checkIn.recordNoShows({ tenant, hubId }))).code).toBe('FORBIDDEN');
    // A grace period of 45 minutes: nothing is late yet.
    await admin.spaces.updateRules({ tenant, spaceId: lateRoom, rules: { ...rules, checkInGraceMinutes: 45 } });
    expect((await admin.checkIn.recordNoShows({ tenant, hubId })).recorded).toBe(0);
    await admin.spaces.updateRules({ tenant, spaceId: lateRoom, rules: { ...rules, checkInGraceMinutes: 15 } });
    const recorded = await admin.checkIn.recordNoShows({ tenant, hubId });
    expect(recorded.bookingIds).toEqual([late]);
    expect((await admin.checkIn.recordNoShows({ tenant, hubId })).recorded).toBe(0);
    const noShow = await superuser.query(
      `SELECT id FROM "Booking" WHERE "noShowAt" IS NOT NULL AND id = ANY($1::uuid[])`,
      [[late, inGrace, arrivedId, cancelled]],
    );
    expect(noShow.rows.map((r) => r.id)).toEqual([late]);

    // The member turns up late: staff checks them in, the no-show is cleared.
    const arrived = await admin.checkIn.arrive({ tenant, bookingId: late });
    expect(arrived).toMatchObject({ noShowAt: null, mine: false });
    expect(arrived.checkedInAt).not.toBeNull();
    const audit = await superuser.query(
      `SELECT data FROM "AuditLog" WHERE action = 'booking.checkedIn' AND "targetId" = $1`,
      [late],
    );
    expect(audit.rows).toEqual([{ data: { by: 'staff', wasNoShow: true } }]);
  });
});

describe("every booking rule applies to every date of a series, counted with the series' own dates", () => {
  const freshRoom = async (overrides: Partial<typeof rules> & { memberDaysPerWeek?: number }) => {
    const name = `Regelraum ${randomUUID().slice(0, 6)}`;
    const id = (
      await admin.spaces.create({
        tenant,
        hubId,
        kind: 'meeting-room',
        name,
        capacity: 4,
        rules: { ...rules, ...overrides },
      })
    ).id;
    return { id, name };
  };
  const weekdayFrom = (date: string, weekday: number) => {
    let d = date;
    while (weekdayOf(d) !== weekday) d = addDays(d, 1);
    return d;
  };
  const hour = (date: string, from: string, to: string) => ({ startsAt: at(date, from), endsAt: at(date, to) });

  test('days per week: FREQ=DAILY;COUNT=4 on "3 days per week" is refused on its 4th date, as a single 4th booking is', async () => {
    const space = await freshRoom({ memberDaysPerWeek: 3 });
    const monday = weekdayFrom(addDays(today(), 14), 1);
    const input = { tenant, spaceId: space.id, ...hour(monday, '10:00', '11:00'), rrule: 'FREQ=DAILY;COUNT=4' };
    const weekly = {
      reason: 'rule',
      messageKey: 'errors.booking.memberDaysPerWeek',
      params: { space: space.name, limit: '3' },
    };

    const preview = await member2.bookingSeries.preview(input);
    expect(preview.occurrences.map((o) => o.conflict)).toEqual([null, null, null, weekly]);
    const before = await counts();
    const refused = await failure(member2.bookingSeries.create(input));
    expect(refused).toMatchObject({ code: 'CONFLICT', messageKey: 'errors.series.conflicts' });
    expect(refused.params).toEqual({ count: '1', dates: addDays(monday, 3) });
    expect(await counts()).toEqual(before);

    // Three dates keep the rule; a single booking on a fourth day is then refused by the same rule …
    await member2.bookingSeries.create({ ...input, rrule: 'FREQ=DAILY;COUNT=3' });
    const single = await failure(
      member2.bookings.create({ tenant, spaceId: space.id, ...hour(addDays(monday, 4), '10:00', '11:00') }),
    );
    expect(single.messageKey).toBe('errors.booking.memberDaysPerWeek');
    // … and a weekly series from that day is refused in the full week only; the next week counts on its own.
    const nextWeek = await member2.bookingSeries.preview({
      ...input,
      ...hour(addDays(monday, 4), '10:00', '11:00'),
      rrule: 'FREQ=WEEKLY;COUNT=2',
    });
    expect(nextWeek.occurrences.map((o) => o.conflict)).toEqual([weekly, null]);
    // Staff run the hub: the per-member rule does not bind them.
    expect((await admin.bookingSeries.preview({ ...input, ...hour(monday, '12:00', '13:00') })).conflicts).toBe(0);
  });

  test("plan quota: the month's room hours count the series' dates together with the bookings already there", async () => {
    const space = await freshRoom({});
    const [y, m] = today().split('-').map(Number) as [number, number];
    const monthAfterNext =
      m >= 11 ? `${y + 1}-${String(m - 10).padStart(2, '0')}-01` : `${y}-${String(m + 2).padStart(2, '0')}-01`;
    const monday = weekdayFrom(monthAfterNext, 1);
    await admin.organisations.setMember({
      tenant,
      membershipId: await membershipOf(DEMO_USERS.einbeckMember2),
      organisationId: null,
      plan: { deskDaysPerMonth: null, roomHoursPerMonth: 3 },
    });
    try {
      await member2.bookings.create({ tenant, spaceId: space.id, ...hour(monday, '10:00', '11:00') });
      const input = {
        tenant,
        spaceId: space.id,
        ...hour(addDays(monday, 1), '10:00', '11:00'),
        rrule: 'FREQ=DAILY;COUNT=3',
      };
      const preview = await member2.bookingSeries.preview(input);
      expect(preview.occurrences.map((o) => o.conflict)).toEqual([
        null,
        null,
        { reason: 'rule', messageKey: 'errors.booking.memberPlanRoomHours', params: { limit: '3', used: '3' } },
      ]);
      const refused = await failure(member2.bookingSeries.create(input));
      expect(refused.params).toEqual({ count: '1', dates: addDays(monday, 3) });
      // Two dates fit; afterwards a single hour more is refused as well.
      await member2.bookingSeries.create({ ...input, rrule: 'FREQ=DAILY;COUNT=2' });
      const single = await failure(
        member2.bookings.create({ tenant, spaceId: space.id, ...hour(addDays(monday, 3), '10:00', '11:00') }),
      );
      expect(single).toMatchObject({ messageKey: 'errors.booking.memberPlanRoomHours', params: { used: '3' } });
    } finally {
      await admin.organisations.setMember({
        tenant,
        membershipId: await membershipOf(DEMO_USERS.einbeckMember2),
        organisationId: null,
        plan: { deskDaysPerMonth: null, roomHoursPerMonth: null },
      });
    }
  });

  test('opening hours: a date with special hours is open within them, as for a single booking', async () => {
    const space = await freshRoom({});
    let wednesday = weekdayFrom(addDays(today(), 100), 3);
    if (wednesday.endsWith('-31')) wednesday = addDays(wednesday, 7);
    await admin.spaces.setSpecialHours({
      tenant,
      hubId,
      date: wednesday,
      opensAt: '10:00',
      closesAt: '14:00',
      note: 'Kurz',
    });
    const weekBefore = addDays(wednesday, -7);
    const inside = await member.bookingSeries.preview({
      tenant,
      spaceId: space.id,
      ...hour(weekBefore, '11:00', '12:00'),
      rrule: 'FREQ=WEEKLY;COUNT=2',
    });
    expect(inside.occurrences.map((o) => o.conflict)).toEqual([null, null]);
    const outside = await member.bookingSeries.preview({
      tenant,
      spaceId: space.id,
      ...hour(weekBefore, '15:00', '16:00'),
      rrule: 'FREQ=WEEKLY;COUNT=2',
    });
    expect(outside.occurrences.map((o) => o.conflict?.messageKey ?? null)).toEqual([
      null,
      'errors.booking.outsideOpeningHours',
    ]);
    const single = await failure(
      member.bookings.create({ tenant, spaceId: space.id, ...hour(wednesday, '15:00', '16:00') }),
    );
    expect(single.messageKey).toBe('errors.booking.outsideOpeningHours');
  });

  test('lead time and maximum duration: each date is checked as a single booking would be', async () => {
    const space = await freshRoom({ leadTimeMinutes: 3 * 24 * 60, maxDurationMinutes: 60 });
    const tomorrow = addDays(today(), 1);
    const preview = await member.bookingSeries.preview({
      tenant,
      spaceId: space.id,
      ...hour(tomorrow, '08:00', '09:00'),
      rrule: 'FREQ=DAILY;COUNT=5',
    });
    const lead = { reason: 'rule', messageKey: 'errors.booking.leadTime', params: { minutes: '4320' } };
    expect(preview.occurrences.slice(0, 2).map((o) => o.conflict)).toEqual([lead, lead]);
    expect(preview.occurrences[4]!.conflict).toBeNull();
    const single = await failure(
      member.bookings.create({ tenant, spaceId: space.id, ...hour(tomorrow, '08:00', '09:00') }),
    );
    expect(single.messageKey).toBe('errors.booking.leadTime');

    const long = await member.bookingSeries.preview({
      tenant,
      spaceId: space.id,
      ...hour(addDays(today(), 10), '08:00', '09:30'),
      rrule: 'FREQ=WEEKLY;COUNT=2',
    });
    expect(long.occurrences.map((o) => o.conflict?.messageKey)).toEqual([
      'errors.booking.tooLong',
      'errors.booking.tooLong',
    ]);
  });
});

async function membershipOf(email: string) {
  return (
    await file.superuser.query<{ id: string }>(
      `SELECT m.id FROM "TenantMembership" m JOIN "User" u ON u.id = m."userId" JOIN "Tenant" t ON t.id = m."tenantId"
        WHERE u.email = $1 AND t.slug = $2`,
      [email, tenant],
    )
  ).rows[0]!.id;
}

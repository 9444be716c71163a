/**
 * "Diesen und alle folgenden Termine ändern" (docs/decisions/020): a series
 * edited from a date on keeps its earlier dates, replaces the rest by a new
 * linked series — all or nothing, with every blocked date named — and stays
 * on the wall clock across the daylight-saving change.
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
let roomId: string;

const rules = {
  granularityMinutes: 30,
  minDurationMinutes: 30,
  maxDurationMinutes: 240,
  leadTimeMinutes: 0,
  horizonDays: 730,
  bufferMinutes: 0,
  approvalRequired: false,
};

test.beforeAll(async ({ api }) => {
  [admin, member, member2] = await Promise.all([
    api.as(DEMO_USERS.einbeckAdmin),
    api.as(DEMO_USERS.einbeckMember),
    api.as(DEMO_USERS.einbeckMember2),
  ]);
  const hubId = (await admin.hubs.create({ tenant, name: `Serien-Änderungshub ${randomUUID().slice(0, 6)}` })).id;
  await admin.spaces.setOpeningHours({
    tenant,
    hubId,
    week: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opensAt: '08:00', closesAt: '18:00' })),
  });
  roomId = (
    await admin.spaces.create({ tenant, hubId, kind: 'meeting-room', name: 'Änderungsraum', capacity: 12, rules })
  ).id;
});

const at = (date: string, hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return zonedToUtc(date, h * 60 + m, TZ)
    .toISOString()
    .replace('.000Z', '+00:00');
};
const today = () => localParts(new Date(), TZ).date;
/** A weekday `weeks` weeks (plus a few days) ahead; each test takes its own weeks so they never collide. */
let weekOffset = 2;
function freshTuesday(): string {
  let date = addDays(today(), 7 * weekOffset);
  weekOffset += 12;
  while (weekdayOf(date) !== 2) date = addDays(date, 1);
  return date;
}
/** The last Sunday of October in the first year in which it lies more than a week ahead. */
function nextOctoberChange(): string {
  for (let year = Number(today().slice(0, 4)); ; year++) {
    let date = `${year}-10-31`;
    while (weekdayOf(date) !== 7) date = addDays(date, -1);
    if (date > addDays(today(), 7)) return date;
  }
}
const rowsOf = async (seriesId: string) =>
  (
    await file.superuser.query<{
      id: string;
      local: string;
      utc: string;
      status: string;
      userId: string;
      createdById: string | null;
      purpose: string | null;
      attendees: number;
    }>(
      `SELECT id, to_char("startsAt" AT TIME ZONE 'Europe/Berlin', 'YYYY-MM-DD HH24:MI') || '–' || to_char("endsAt" AT TIME ZONE 'Europe/Berlin', 'HH24:MI') AS local,
              to_char("startsAt" AT TIME ZONE 'UTC', 'HH24:MI') AS utc, status::text, "userId", "createdById", purpose, attendees
         FROM "Booking" WHERE "seriesId" = $1 ORDER BY "startsAt"`,
      [seriesId],
    )
  ).rows;
const counts = async () =>
  (
    await file.superuser.query(
      `SELECT (SELECT count(*) FROM "Booking")::int AS b, (SELECT count(*) FROM "BookingSeries")::int AS s, (SELECT count(*) FROM "Booking" WHERE status = 'CANCELLED')::int AS c`,
    )
  ).rows[0] as { b: number; s: number; c: number };
const editsOf = async (seriesId: string) =>
  (
    await file.superuser.query(
      `SELECT "actorUserId", data FROM "AuditLog" WHERE action = 'bookingSeries.edited' AND "targetId" = $1`,
      [seriesId],
    )
  ).rows;

describe('changing a series from a date on', () => {
  test('keeps the earlier dates, cancels the rest and books the new times as a linked series (even where they overlap the old ones)', async ({
    superuser,
  }) => {
    const d = freshTuesday();
    const dates = [0, 7, 14, 21, 28].map((n) => addDays(d, n));
    const old = await member.bookingSeries.create({
      tenant,
      spaceId: roomId,
      startsAt: at(d, '10:00'),
      endsAt: at(d, '11:00'),
      rrule: 'FREQ=WEEKLY;COUNT=5',
      purpose: 'Werkstatt',
    });
    const before = await rowsOf(old.id);

    // From the third date on: 10:30–12:00 instead of 10:00–11:00 — overlapping the dates it replaces is no conflict.
    const input = {
      tenant,
      seriesId: old.id,
      from: dates[2]!,
      startsAt: at(dates[2]!, '10:30'),
      endsAt: at(dates[2]!, '12:00'),
      rrule: 'FREQ=WEEKLY;COUNT=3',
      purpose: 'Werkstatt (neu)',
      attendees: 4,
    };
    const preview = await member.bookingSeries.previewEdit(input);
    expect(preview).toMatchObject({ conflicts: 0, replaced: 3 });
    expect(preview.occurrences.map((o) => o.date)).toEqual(dates.slice(2));
    // The preview wrote nothing.
    expect(await rowsOf(old.id)).toEqual(before);
    expect(
      await superuser
        .query(`SELECT id FROM "BookingSeries" WHERE "previousSeriesId" = $1`, [old.id])
        .then((r) => r.rows),
    ).toEqual([]);

    const edited = await member.bookingSeries.edit(input);
    expect(edited.cancelled).toBe(3);
    expect(edited.series).toMatchObject({
      previousSeriesId: old.id,
      nextSeriesId: null,
      rrule: 'FREQ=WEEKLY;COUNT=3',
      purpose: 'Werkstatt (neu)',
      attendees: 4,
      mine: true,
    });
    expect(edited.series.occurrences.map((o) => [o.date, o.status])).toEqual(
      dates.slice(2).map((date) => [date, 'confirmed']),
    );

    // The first two dates: the same rows, untouched; the rest cancelled.
    const after = await rowsOf(old.id);
    expect(after.slice(0, 2)).toEqual(before.slice(0, 2));
    expect(after.slice(2).map((r) => [r.id, r.status])).toEqual(before.slice(2).map((r) => [r.id, 'CANCELLED']));
    expect(
      (await rowsOf(edited.series.id)).map((r) => [r.local, r.status, r.purpose, r.attendees, r.createdById]),
    ).toEqual(dates.slice(2).map((date) => [`${date} 10:30–12:00`, 'CONFIRMED', 'Werkstatt (neu)', 4, null]));
    expect((await member.bookingSeries.get({ tenant, seriesId: old.id })).nextSeriesId).toBe(edited.series.id);

    const audit = await editsOf(old.id);
    expect(audit).toHaveLength(1);
    expect(audit[0].data).toMatchObject({
      from: dates[2],
      newSeriesId: edited.series.id,
      previousRrule: 'FREQ=WEEKLY;COUNT=5',
      rrule: 'FREQ=WEEKLY;COUNT=3',
      cancelled: 3,
      occurrences: 3,
    });

    // Editing the same dates again: nothing left to replace from there.
    expect(await failure(member.bookingSeries.edit(input))).toMatchObject({
      code: 'BAD_REQUEST',
      messageKey: 'errors.series.nothingToEdit',
      fieldErrors: { from: ['errors.series.nothingToEdit'] },
      params: { date: dates[2] },
    });
  });

  test('changes nothing when one new date is taken, and names that date', async () => {
    const d = freshTuesday();
    const dates = [0, 7, 14, 21].map((n) => addDays(d, n));
    const old = await member.bookingSeries.create({
      tenant,
      spaceId: roomId,
      startsAt: at(d, '09:00'),
      endsAt: at(d, '10:00'),
      rrule: 'FREQ=WEEKLY;COUNT=4',
    });
    // Someone else has the afternoon of the fourth date.
    await member2.bookings.create({
      tenant,
      spaceId: roomId,
      startsAt: at(dates[3]!, '15:00'),
      endsAt: at(dates[3]!, '16:00'),
    });
    const input = {
      tenant,
      seriesId: old.id,
      from: dates[1]!,
      startsAt: at(dates[1]!, '14:30'),
      endsAt: at(dates[1]!, '15:30'),
      rrule: 'FREQ=WEEKLY;COUNT=3',
    };

    const preview = await member.bookingSeries.previewEdit(input);
    expect(preview.conflicts).toBe(1);
    expect(preview.occurrences.filter((o) => o.conflict).map((o) => [o.date, o.conflict!.reason])).toEqual([
      [dates[3], 'taken'],
    ]);

    const before = { counts: await counts(), rows: await rowsOf(old.id) };
    const error = await failure(member.bookingSeries.edit(input));
    expect(error).toMatchObject({
      code: 'CONFLICT',
      messageKey: 'errors.series.conflicts',
      params: { count: '1', dates: dates[3] },
    });
    expect(await counts()).toEqual(before.counts);
    expect(await rowsOf(old.id)).toEqual(before.rows);
    expect(await editsOf(old.id)).toEqual([]);

    // Bad input is refused by name, and nothing is written either.
    expect(await failure(member.bookingSeries.edit({ ...input, rrule: 'FREQ=FORTNIGHTLY;COUNT=2' }))).toMatchObject({
      code: 'BAD_REQUEST',
      messageKey: 'errors.series.invalidRule',
    });
    expect(await failure(member.bookingSeries.edit({ ...input, from: dates[2]! }))).toMatchObject({
      code: 'BAD_REQUEST',
      messageKey: 'errors.series.editStartBeforeFrom',
      fieldErrors: { startsAt: ['errors.series.editStartBeforeFrom'] },
    });
    expect(await failure(member.bookingSeries.edit({ ...input, endsAt: input.startsAt }))).toMatchObject({
      code: 'BAD_REQUEST',
      messageKey: 'errors.booking.endBeforeStart',
    });
    expect(await counts()).toEqual(before.counts);
  });

  test("answers another member's series with not found; hub staff may change it, and it stays the member's", async ({
    superuser,
  }) => {
    const d = freshTuesday();
    const old = await member.bookingSeries.create({
      tenant,
      spaceId: roomId,
      startsAt: at(d, '12:00'),
      endsAt: at(d, '13:00'),
      rrule: 'FREQ=WEEKLY;COUNT=3',
    });
    const input = {
      tenant,
      seriesId: old.id,
      from: addDays(d, 7),
      startsAt: at(addDays(d, 7), '13:00'),
      endsAt: at(addDays(d, 7), '14:00'),
      rrule: 'FREQ=WEEKLY;COUNT=2',
    };
    const before = await counts();
    expect(await failure(member2.bookingSeries.previewEdit(input))).toMatchObject({
      code: 'NOT_FOUND',
      messageKey: 'errors.notFound',
    });
    expect(await failure(member2.bookingSeries.edit(input))).toMatchObject({
      code: 'NOT_FOUND',
      messageKey: 'errors.notFound',
    });
    expect(await failure(member2.bookingSeries.edit({ ...input, seriesId: randomUUID() }))).toMatchObject({
      code: 'NOT_FOUND',
      messageKey: 'errors.notFound',
    });
    expect(await counts()).toEqual(before);

    const edited = await admin.bookingSeries.edit(input);
    expect(edited.series.mine).toBe(false);
    const memberId = (await superuser.query(`SELECT id FROM "User" WHERE email = $1`, [DEMO_USERS.einbeckMember]))
      .rows[0].id;
    const adminId = (await superuser.query(`SELECT id FROM "User" WHERE email = $1`, [DEMO_USERS.einbeckAdmin])).rows[0]
      .id;
    expect((await rowsOf(edited.series.id)).map((r) => [r.userId, r.createdById])).toEqual([
      [memberId, adminId],
      [memberId, adminId],
    ]);
    expect((await editsOf(old.id)).map((e) => e.actorUserId)).toEqual([adminId]);
    expect((await member.bookingSeries.get({ tenant, seriesId: edited.series.id })).mine).toBe(true);
  });

  test('keeps the local time across the October change when the edit starts in the week before it', async () => {
    const change = nextOctoberChange();
    const tuesday = addDays(change, -12); // two Tuesdays before the change
    const old = await member.bookingSeries.create({
      tenant,
      spaceId: roomId,
      startsAt: at(tuesday, '16:00'),
      endsAt: at(tuesday, '17:00'),
      rrule: 'FREQ=WEEKLY;COUNT=4',
    });
    // From the Tuesday before the change on, Thursdays at 09:00.
    const from = addDays(tuesday, 7);
    const thursday = addDays(from, 2);
    const edited = await member.bookingSeries.edit({
      tenant,
      seriesId: old.id,
      from,
      startsAt: at(thursday, '09:00'),
      endsAt: at(thursday, '10:00'),
      rrule: 'FREQ=WEEKLY;BYDAY=TH;COUNT=3',
    });
    const rows = await rowsOf(edited.series.id);
    expect(rows.map((r) => r.local)).toEqual([0, 7, 14].map((n) => `${addDays(thursday, n)} 09:00–10:00`));
    // Summer time before the change (UTC+2), winter time after it (UTC+1).
    expect(rows.map((r) => r.utc)).toEqual(['07:00', '08:00', '08:00']);
    expect((await rowsOf(old.id)).map((r) => r.status)).toEqual(['CONFIRMED', 'CANCELLED', 'CANCELLED', 'CANCELLED']);
  });

  test('lets only one of two concurrent edits of the same dates through', async ({ superuser }) => {
    const d = freshTuesday();
    const old = await member.bookingSeries.create({
      tenant,
      spaceId: roomId,
      startsAt: at(d, '08:00'),
      endsAt: at(d, '09:00'),
      rrule: 'FREQ=WEEKLY;COUNT=3',
    });
    const edit = (hhmm: string, end: string) =>
      member.bookingSeries.edit({
        tenant,
        seriesId: old.id,
        from: d,
        startsAt: at(d, hhmm),
        endsAt: at(d, end),
        rrule: 'FREQ=WEEKLY;COUNT=3',
      });
    const results = await Promise.allSettled([edit('16:00', '17:00'), edit('17:00', '18:00')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const next = await superuser.query(`SELECT id FROM "BookingSeries" WHERE "previousSeriesId" = $1`, [old.id]);
    expect(next.rows).toHaveLength(1);
    expect((await rowsOf(next.rows[0].id)).filter((r) => r.status === 'CONFIRMED')).toHaveLength(3);
    expect((await rowsOf(old.id)).every((r) => r.status === 'CANCELLED')).toBe(true);
  });

  // Last: it removes the room. The link between the series (NO ACTION) must not block the space's cascade.
  test('lets the room be deleted with its chain of series in one statement', async ({ superuser }) => {
    const chained = await superuser.query(
      `SELECT count(*)::int AS n FROM "BookingSeries" WHERE "spaceId" = $1 AND "previousSeriesId" IS NOT NULL`,
      [roomId],
    );
    expect(chained.rows[0].n).toBeGreaterThan(0);
    await superuser.query(`DELETE FROM "Space" WHERE id = $1`, [roomId]);
    expect(
      (await superuser.query(`SELECT count(*)::int AS n FROM "BookingSeries" WHERE "spaceId" = $1`, [roomId])).rows[0]
        .n,
    ).toBe(0);
  });
});

/**
 * No-shows recorded by the job (docs/decisions/020, ADR 032): one town per
 * run on the audited platform client, each booking once, also with concurrent runs;
 * grace periods, check-ins, pending and cancelled bookings respected; a late
 * check-in by staff still clears a recorded no-show.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { describe, expect } from 'vitest';
import { DEMO_USERS } from '../../../../prisma/seed.ts';
import type { Caller } from '../test-support.ts';
import { recordDueNoShows } from './no-shows.ts';
import { createJobWorker } from './worker.ts';
import { fileFixtures, seededApiTest } from '../testing/fixtures.ts';

const test = seededApiTest({ poolSize: 4 });
const file = fileFixtures(test);

let einbeckAdmin: Caller;
const towns: Record<'einbeck' | 'sangerhausen', { tenantId: string; hubId: string }> = {} as never;

test.beforeAll(async ({ api, superuser }) => {
  einbeckAdmin = await api.as(DEMO_USERS.einbeckAdmin);
  for (const slug of ['einbeck', 'sangerhausen'] as const) {
    const row = (
      await superuser.query(
        `SELECT t.id AS "tenantId", h.id AS "hubId" FROM "Tenant" t JOIN "Hub" h ON h."tenantId" = t.id WHERE t.slug = $1 ORDER BY h."createdAt" LIMIT 1`,
        [slug],
      )
    ).rows[0];
    towns[slug] = row;
  }
  // Whatever the seed holds is not part of these tests.
  await everyTown();
});

/** One run per town, as the per-town jobs do; the number recorded in all of them. */
async function everyTown(batchSize?: number): Promise<number> {
  let total = 0;
  for (const { tenantId } of Object.values(towns))
    total += await recordDueNoShows(file.api.deps.platform, tenantId, batchSize);
  return total;
}

/** A room of the town's first hub with the given grace period, and a booking of it starting `startMinutes` from now. */
async function booking(
  town: keyof typeof towns,
  email: string,
  startMinutes: number,
  options: { status?: string; graceMinutes?: number; checkedIn?: boolean } = {},
) {
  const { tenantId, hubId } = towns[town];
  const id = randomUUID();
  const spaceId = randomUUID();
  const start = new Date(Math.floor(Date.now() / 60_000) * 60_000 + startMinutes * 60_000);
  await file.superuser.query(
    `INSERT INTO "Space" ("tenantId", id, "hubId", kind, name, capacity, amenities, "checkInGraceMinutes", "updatedAt") VALUES ($1, $2, $3, 'MEETING_ROOM', $4, 4, '{}', $5, now())`,
    [tenantId, spaceId, hubId, `Raum ${spaceId.slice(0, 8)}`, options.graceMinutes ?? 15],
  );
  await file.superuser.query(
    `INSERT INTO "Booking" ("tenantId", id, "spaceId", "userId", "startsAt", "endsAt", status, "checkedInAt")
     SELECT $1, $2, $3, u.id, $4::timestamptz, $4::timestamptz + interval '2 hours', $5, CASE WHEN $7 THEN now() END FROM "User" u WHERE u.email = $6`,
    [tenantId, id, spaceId, start, options.status ?? 'CONFIRMED', email, options.checkedIn ?? false],
  );
  return id;
}

const marked = async (ids: string[]) =>
  (
    await file.superuser.query<{ id: string; tenantId: string }>(
      `SELECT id, "tenantId" FROM "Booking" WHERE "noShowAt" IS NOT NULL AND id = ANY($1::uuid[]) ORDER BY id`,
      [ids],
    )
  ).rows;
const townEntries = async (ids: string[]) =>
  (
    await file.superuser.query<{
      tenantId: string;
      targetId: string;
      actorUserId: string | null;
      data: { recorded: number; bookingIds: string[]; by: string };
    }>(
      `SELECT "tenantId", "targetId", "actorUserId", data FROM "AuditLog" WHERE action = 'booking.noShowsRecorded' AND data->'bookingIds' ?| $1::text[]`,
      [ids],
    )
  ).rows;

describe('the no-show worker', () => {
  test('marks late bookings of two towns, each in its own town with its own audit entry, and only once', async ({
    api,
    superuser,
  }) => {
    const einbeckLate = await booking('einbeck', DEMO_USERS.einbeckMember, -30);
    const sangerhausenLate = await booking('sangerhausen', DEMO_USERS.sangerhausenAdmin, -20);
    const checkedIn = await booking('einbeck', DEMO_USERS.einbeckMember, -40, { checkedIn: true });
    const inGrace = await booking('einbeck', DEMO_USERS.einbeckMember2, -10, { graceMinutes: 15 });
    const shortGrace = await booking('sangerhausen', DEMO_USERS.sangerhausenAdmin, -10, { graceMinutes: 5 });
    const noGrace = await booking('einbeck', DEMO_USERS.einbeckMember2, -1, { graceMinutes: 0 });
    const future = await booking('einbeck', DEMO_USERS.einbeckMember2, 60, { graceMinutes: 0 });
    const pending = await booking('einbeck', DEMO_USERS.einbeckMember, -60, { status: 'PENDING' });
    const cancelled = await booking('sangerhausen', DEMO_USERS.sangerhausenAdmin, -60, { status: 'CANCELLED' });
    const old = await booking('einbeck', DEMO_USERS.einbeckMember, -31 * 24 * 60);
    const all = [
      einbeckLate,
      sangerhausenLate,
      checkedIn,
      inGrace,
      shortGrace,
      noGrace,
      future,
      pending,
      cancelled,
      old,
    ];
    const platformEntriesBefore = Number(
      (await superuser.query(`SELECT count(*) FROM "AuditLog" WHERE action = 'booking.noShowsScanned'`)).rows[0].count,
    );

    // A town's run touches only its own bookings.
    expect(await recordDueNoShows(api.deps.platform, towns.einbeck.tenantId)).toBe(2);
    expect(await marked([sangerhausenLate, shortGrace])).toEqual([]);
    expect(await everyTown()).toBe(2);
    expect(await everyTown()).toBe(0);

    const { einbeck, sangerhausen } = towns;
    expect(await marked(all)).toEqual(
      [
        { id: einbeckLate, tenantId: einbeck.tenantId },
        { id: noGrace, tenantId: einbeck.tenantId },
        { id: sangerhausenLate, tenantId: sangerhausen.tenantId },
        { id: shortGrace, tenantId: sangerhausen.tenantId },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
    // Each town's log names its own hub and bookings, written by no person.
    const entries = await townEntries(all);
    expect(
      entries
        .map((e) => ({ ...e, data: { ...e.data, bookingIds: [...e.data.bookingIds].sort() } }))
        .sort((a, b) => a.tenantId.localeCompare(b.tenantId)),
    ).toEqual(
      [
        {
          tenantId: einbeck.tenantId,
          targetId: einbeck.hubId,
          actorUserId: null,
          data: { recorded: 2, bookingIds: [einbeckLate, noGrace].sort(), by: 'worker' },
        },
        {
          tenantId: sangerhausen.tenantId,
          targetId: sangerhausen.hubId,
          actorUserId: null,
          data: { recorded: 2, bookingIds: [sangerhausenLate, shortGrace].sort(), by: 'worker' },
        },
      ].sort((a, b) => a.tenantId.localeCompare(b.tenantId)),
    );
    // One entry per town's run for the use of the platform (bypass) client, naming the town; empty runs wrote none.
    const platformEntries = await superuser.query(
      `SELECT "tenantId", data FROM "AuditLog" WHERE action = 'booking.noShowsScanned' ORDER BY "createdAt"`,
    );
    expect(platformEntries.rows).toHaveLength(platformEntriesBefore + 2);
    expect(platformEntries.rows.slice(-2).map((e) => ({ tenantId: e.tenantId, ids: [...e.data.ids].sort() }))).toEqual([
      { tenantId: einbeck.tenantId, ids: [einbeckLate, noGrace].sort() },
      { tenantId: sangerhausen.tenantId, ids: [sangerhausenLate, shortGrace].sort() },
    ]);

    // The town sees the worker's entry through its own (RLS-scoped) audit log.
    const log = await einbeckAdmin.audit.list({ tenant: 'einbeck', action: 'booking.noShowsRecorded' });
    expect(log.items.some((e) => e.targetId === einbeck.hubId && e.actor === null)).toBe(true);
  });

  test('marks each booking once when runs overlap', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++)
      ids.push(
        await booking(
          i % 2 ? 'einbeck' : 'sangerhausen',
          i % 2 ? DEMO_USERS.einbeckMember : DEMO_USERS.sangerhausenAdmin,
          -20 - i,
        ),
      );
    const runs = await Promise.all([everyTown(5), everyTown(5), everyTown(5)]);
    // Small batches: whatever the overlapping runs left, later runs take; nothing is taken twice.
    let total = runs.reduce((a, b) => a + b, 0);
    for (let more = await everyTown(5); more > 0; more = await everyTown(5)) total += more;
    expect(total).toBe(12);
    expect(await marked(ids)).toHaveLength(12);
    const entries = await townEntries(ids);
    const listed = entries.flatMap((e) => e.data.bookingIds).filter((id) => ids.includes(id));
    expect(listed.sort()).toEqual([...ids].sort());
  });

  test('lets staff check in a member who turns up late; the worker then leaves the booking alone', async () => {
    const late = await booking('einbeck', DEMO_USERS.einbeckMember, -25);
    expect(await everyTown()).toBe(1);
    const arrived = await einbeckAdmin.checkIn.arrive({ tenant: 'einbeck', bookingId: late });
    expect(arrived.noShowAt).toBeNull();
    expect(arrived.checkedInAt).not.toBeNull();
    expect(await everyTown()).toBe(0);
    expect(await marked([late])).toEqual([]);
  });

  test("runs in the API's job worker at the configured interval and stops with it", async ({ api }) => {
    const late = await booking('sangerhausen', DEMO_USERS.sangerhausenAdmin, -30);
    const options = {
      platform: api.deps.platform,
      logger: pino({ level: 'silent' }),
      mail: { smtpUrl: null, from: 'test@hubwerk.invalid' },
      adminUrl: () => 'http://admin.test',
    };
    const off = createJobWorker(options);
    await off.drain();
    await off.stop();
    expect(await marked([late])).toEqual([]);
    const worker = createJobWorker({ ...options, noShowScanMs: 60_000 });
    await worker.drain();
    expect(await marked([late])).toHaveLength(1);
    // Within the interval a second poll does not scan again.
    const again = await booking('sangerhausen', DEMO_USERS.sangerhausenAdmin, -30);
    await worker.drain();
    expect(await marked([again])).toEqual([]);
    await worker.stop();
  });
});

/**
 * A flash crowd on one workshop (issue 13, docs/decisions/038): ATTEMPTS
 * registration attempts by as many members from CLIENTS concurrent clients
 * for a CAPACITY-seat event, measured in-process through the real tRPC
 * procedures (every middleware, zod, CASL, the tenant client with RLS) —
 * server time, no HTTP. Checks that nothing is overbooked (counters equal
 * the rows, within capacity, every attempt answered). Then `bookings.create`
 * in the same run, by the same number of clients, as the reference. Prints a
 * table.
 *
 *   npx tsx bench/events.bench.ts                                  (5,000 attempts, 200 clients, 100 seats)
 *   npx tsx bench/events.bench.ts --attempts 200 --clients 20 --reference 50   (a smoke run)
 *   options: --capacity 100 --pool 20 --reference 1000 (bookings.create attempts; 0 skips)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { DEV_ROLES, prepareDatabase, startEmbeddedPostgres } from '@hubwerk/db/provision';
import { DEMO_USERS, seedDemo } from '../prisma/seed.ts';
import { at, newMembers, seatState, workday } from '../packages/api/src/testing/event-fixtures.ts';
import { createTestApi } from '../packages/api/src/test-support.ts';

const { values: args } = parseArgs({
  options: {
    attempts: { type: 'string', default: '5000' },
    clients: { type: 'string', default: '200' },
    capacity: { type: 'string', default: '100' },
    pool: { type: 'string', default: '20' },
    reference: { type: 'string', default: '1000' },
  },
});
const ATTEMPTS = Number(args.attempts);
const CLIENTS = Number(args.clients);
const CAPACITY = Number(args.capacity);
const REFERENCE = Number(args.reference);
const tenant = 'einbeck';
/** Bookable 30-minute slots a day in the demo hub's hours (8–18). */
const SLOTS_PER_DAY = 20;
const RULES = {
  granularityMinutes: 30,
  minDurationMinutes: 30,
  maxDurationMinutes: 480,
  leadTimeMinutes: 0,
  horizonDays: 120,
  bufferMinutes: 0,
  approvalRequired: false,
};

const root = fileURLToPath(new URL('../', import.meta.url));
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hubwerk-bench-events-'));
const port = 57000 + Math.floor(Math.random() * 1000);
const log = (line: string) => process.stderr.write(`${line}\n`);

log(`Starting PostgreSQL (embedded, port ${port}, fsync on) …`);
const server = await startEmbeddedPostgres({ dataDir, port, profile: 'dev' });
try {
  const superuserUrl = server.superuserUrl('postgres');
  const { urls } = await prepareDatabase({
    server,
    superuserUrl,
    database: 'hubwerk_bench_events',
    roles: DEV_ROLES,
    cwd: root,
  });
  await seedDemo({ platformUrl: urls.platformUrl });
  const admin = new pg.Client({ connectionString: server.superuserUrl('hubwerk_bench_events') });
  await admin.connect();
  admin.on('error', () => undefined);
  const api = createTestApi(urls, { poolSize: Number(args.pool) });
  const manager = await api.as(DEMO_USERS.einbeckManager);
  const hubId = (await manager.hubs.list({ tenant })).items.find((h) => h.slug === 'digital-hub-einbeck')!.id;

  log(`Planting ${ATTEMPTS} members with sessions …`);
  const members = await newMembers(api, admin, tenant, ATTEMPTS);

  // The workshop: a room for it, one session, published (which books the room).
  const room = await manager.spaces.create({
    tenant,
    hubId,
    kind: 'event-room',
    name: 'Bench-Saal',
    capacity: Math.max(CAPACITY, 10),
    amenities: [],
    rules: RULES,
  });
  const event = await manager.events.create({
    tenant,
    hubId,
    spaceId: room.id,
    title: 'Flash-Crowd-Workshop',
    kind: 'workshop',
    capacity: CAPACITY,
  });
  const day = workday(5);
  await manager.events.addSession({ tenant, eventId: event.id, startsAt: at(day, '10:00'), endsAt: at(day, '12:00') });
  await manager.events.publish({ tenant, eventId: event.id });

  // Warm-up, not measured: each pooled connection prepares its statements (on a separate event).
  const warm = await manager.events.create({
    tenant,
    hubId,
    spaceId: room.id,
    title: 'Aufwärmen',
    kind: 'talk',
    capacity: 10,
  });
  await manager.events.addSession({ tenant, eventId: warm.id, startsAt: at(day, '14:00'), endsAt: at(day, '15:00') });
  await manager.events.publish({ tenant, eventId: warm.id });
  const warmers = await newMembers(api, admin, tenant, Math.min(CLIENTS, 50));
  await Promise.all(warmers.map((m) => m.caller.events.register({ tenant, eventId: warm.id })));

  log(`Flash crowd: ${ATTEMPTS} attempts from ${CLIENTS} clients for ${CAPACITY} seats …`);
  const crowd = await run(
    members.map((m) => m.caller),
    CLIENTS,
    (caller) => caller.events.register({ tenant, eventId: event.id }),
  );
  const state = await seatState(admin, event.id);
  const outcome = await admin.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM "EventRegistration" WHERE "eventId" = $1 GROUP BY status ORDER BY status`,
    [event.id],
  );
  const overbooked =
    Math.max(0, state.confirmedSeats - state.capacity) + Math.abs(state.confirmedSeats - state.confirmedRows);

  const rows: Array<[string, string]> = [
    [`events.register, ${CLIENTS} concurrent, ${ATTEMPTS} attempts: per second`, `${Math.round(crowd.perSecond)}`],
    ['events.register: p50 / p99 (ms)', `${crowd.p50.toFixed(1)} / ${crowd.p99.toFixed(1)}`],
    [
      'events.register: answers (confirmed / waitlisted / refused)',
      `${state.confirmedRows} / ${state.waitlistedRows} / ${crowd.failures}`,
    ],
    ['events.register: registrations by status', outcome.rows.map((r) => `${r.status} ${r.n}`).join(', ')],
    [`overbooked (confirmed seats beyond ${CAPACITY}, or counter ≠ rows)`, `${overbooked}`],
  ];

  if (REFERENCE > 0) {
    // The reference: bookings.create by as many clients, each a free 30-minute slot of its own (no conflicts).
    const roomsNeeded = Math.ceil(REFERENCE / (SLOTS_PER_DAY * 10));
    const rooms: string[] = [];
    for (let i = 0; i < roomsNeeded; i++)
      rooms.push(
        (
          await manager.spaces.create({
            tenant,
            hubId,
            kind: 'meeting-room',
            name: `Bench-Raum ${i}`,
            capacity: 8,
            amenities: [],
            rules: RULES,
          })
        ).id,
      );
    const slot = (i: number) => {
      const roomIndex = Math.floor(i / (SLOTS_PER_DAY * 10));
      const inRoom = i % (SLOTS_PER_DAY * 10);
      const date = workday(20 + Math.floor(inRoom / SLOTS_PER_DAY));
      const minutes = 8 * 60 + (inRoom % SLOTS_PER_DAY) * 30;
      const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
      return { spaceId: rooms[roomIndex]!, startsAt: at(date, hhmm(minutes)), endsAt: at(date, hhmm(minutes + 30)) };
    };
    const bookers = members.slice(0, REFERENCE).map((m, i) => ({ caller: m.caller, i }));
    log(`Reference: ${REFERENCE} bookings.create from ${CLIENTS} clients …`);
    const reference = await run(bookers, CLIENTS, ({ caller, i }) =>
      caller.bookings.create({ tenant, ...slot(i), purpose: 'Bench' }),
    );
    rows.push(
      [
        `bookings.create, ${CLIENTS} concurrent, ${REFERENCE} attempts: per second`,
        `${Math.round(reference.perSecond)}`,
      ],
      ['bookings.create: p50 / p99 (ms)', `${reference.p50.toFixed(1)} / ${reference.p99.toFixed(1)}`],
      ['bookings.create: failures', `${reference.failures}`],
    );
  }
  await api.close();
  await admin.end();

  console.log(
    `\nEvents benchmark — a ${CAPACITY}-seat workshop, ${ATTEMPTS} attempts, ${CLIENTS} concurrent clients, API pool ${args.pool}; in-process, ${os.cpus().length} cores\n`,
  );
  console.log(`| measure | value |\n|---|---|`);
  for (const [label, value] of rows) console.log(`| ${label} | ${value} |`);
  if (overbooked > 0 || state.confirmedRows > CAPACITY) {
    log('OVERBOOKED — the seat ledger is broken');
    process.exitCode = 1;
  }
} catch (error) {
  log(`Benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Runs one call per item from `clients` concurrent loops (closed loop); latency per call, throughput overall. */
async function run<T>(items: T[], clients: number, call: (item: T) => Promise<unknown>) {
  let next = 0;
  let failures = 0;
  const times: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(clients, items.length) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= items.length) return;
        const t = performance.now();
        try {
          await call(items[i]!);
        } catch {
          failures++;
        }
        times.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return { perSecond: items.length / seconds, p50: percentile(times, 50), p99: percentile(times, 99), failures };
}

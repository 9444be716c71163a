/**
 * Bookings under load: availability of one space for a week, and
 * booking creation at 50 concurrent requests, measured in-process through
 * the real tRPC procedures (every middleware, zod, CASL, the tenant client
 * with RLS) — server time, no HTTP. Then the same with row-level security
 * switched off, to state what isolation costs. Prints a table.
 *
 *   npx tsx bench/bookings.bench.ts                       (small: 100 towns)
 *   npx tsx bench/bookings.bench.ts --towns 1000          (1,000 towns, 3,000 hubs, 30,000 spaces, ~1,000,000 bookings)
 *   options: --seconds 5 --connections 50 --availability 500
 *            --explain   also print EXPLAIN ANALYZE of the availability and conflict queries (app role, RLS on)
 *            --statements  also print the statements of the creation pass with RLS on by PostgreSQL time (pg_stat_statements)
 *            --profile F   write a V8 CPU profile of the creation pass with RLS on to F (open in Chrome DevTools)
 *            --perf F      record the whole machine (Node, PostgreSQL, kernel) during that pass with Linux perf to F (`perf report -i F`)
 *            --socket    the API reaches PostgreSQL through a Unix socket (same host), not loopback TCP
 *            --rate N    the offered rate of the open-loop creation pass (default 500 per second; 0 skips it)
 *            --one-member  all 50 clients are one member (default: 50 members, one per client)
 *            --pool N    connections of the API's pool (default 20)
 *            --async-commit  diagnosis only, NOT durable: PostgreSQL confirms COMMIT before its WAL
 *                        is on disk (synchronous_commit=off) — shows how much of the latency is the
 *                        disk's flush, which a booking system must not skip
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import inspector from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { DEV_ROLES, prepareDatabase, startEmbeddedPostgres } from '@hubwerk/db/provision';
import { addDays, localParts, weekdayOf, zonedToUtc } from '@hubwerk/domain';
import { DEMO_USERS, seedDemo } from '../prisma/seed.ts';
import { createTestApi, type Caller } from '../packages/api/src/test-support.ts';

const { values: args } = parseArgs({
  options: {
    towns: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    availability: { type: 'string', default: '500' },
    explain: { type: 'boolean', default: false },
    statements: { type: 'boolean', default: false },
    profile: { type: 'string' },
    perf: { type: 'string' },
    socket: { type: 'boolean', default: false },
    rate: { type: 'string', default: '500' },
    'one-member': { type: 'boolean', default: false },
    pool: { type: 'string', default: '20' },
    'async-commit': { type: 'boolean', default: false },
  },
});
const TOWNS = Number(args.towns);
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const AVAILABILITY_CALLS = Number(args.availability);
const RATE = Number(args.rate);
const SPACES_PER_HUB = 10;
const BOOKINGS_PER_SPACE = 33;
const TZ = 'Europe/Berlin';
// Linux's USER_HZ: /proc reports CPU time in these ticks.
const CLOCK_TICKS = 100;
// Tables whose row-level security the "RLS off" pass switches off.
const TABLES = [
  'Tenant',
  'TenantMembership',
  'Hub',
  'HubAssignment',
  'Space',
  'Desk',
  'OpeningHours',
  'OpeningException',
  'Booking',
  'AuditEvent',
];

const root = fileURLToPath(new URL('../', import.meta.url));
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hubwerk-bench-bookings-'));
const port = 56000 + Math.floor(Math.random() * 1000);
const log = (line: string) => process.stderr.write(`${line}\n`);

log(`Starting PostgreSQL (embedded, port ${port}, fsync on) …`);
const server = await startEmbeddedPostgres({
  dataDir,
  port,
  profile: 'dev',
  postgresFlags: [
    ...(args.statements
      ? ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track_planning=on']
      : []),
    ...(args.socket ? ['-c', `unix_socket_directories=${dataDir}`] : []),
    ...(args['async-commit'] ? ['-c', 'synchronous_commit=off'] : []),
  ],
});
try {
  const superuserUrl = server.superuserUrl('postgres');
  const { urls } = await prepareDatabase({
    server,
    superuserUrl,
    database: 'hubwerk_bench_bookings',
    roles: DEV_ROLES,
    cwd: root,
  });
  await seedDemo({ platformUrl: urls.platformUrl });
  const admin = new pg.Client({ connectionString: server.superuserUrl('hubwerk_bench_bookings') });
  await admin.connect();
  // The server stops in `finally`; a still-open client must not crash the report.
  admin.on('error', () => undefined);
  const started = Date.now();
  const seeded = await seed(admin);
  log(
    `Seeded ${seeded.towns} towns, ${seeded.hubs} hubs, ${seeded.spaces} spaces, ${seeded.bookings} bookings in ${Math.round((Date.now() - started) / 1000)} s.`,
  );

  if (args.explain) await explain(admin, urls.appUrl, seeded.sample[0]!.spaceId);
  const api = createTestApi(
    args.socket ? { appUrl: viaSocket(urls.appUrl), platformUrl: viaSocket(urls.platformUrl) } : urls,
    { poolSize: Number(args.pool) },
  );
  const callers = new Map<string, Caller>();
  for (const m of seeded.members) callers.set(m.slug, await api.as(m.email));
  const bookers = args['one-member']
    ? Array.from({ length: CONNECTIONS }, () => null).map(() => api.as(DEMO_USERS.einbeckMember))
    : seeded.einbeckMembers.map((email) => api.as(email));
  const member = await Promise.all(bookers);
  const rows: Array<{ label: string; rls: string; value: string }> = [];
  let pass = 0;
  for (const rls of ['on', 'off'] as const) {
    if (rls === 'off') {
      await setRls(admin, false);
      // Each mode starts from the same state: what the RLS-on passes wrote is
      // vacuumed and flushed now, not by autovacuum and a checkpoint during
      // the RLS-off passes (which would count their CPU and stalls against RLS off).
      await admin.query('VACUUM ANALYZE "Booking", "AuditEvent", "OutboxEmail"');
      await admin.query('CHECKPOINT');
    }
    const avail = await measureAvailability(callers, seeded.sample);
    rows.push({
      label: 'availability, 1 space × 7 days: p50 / p99 (ms)',
      rls,
      value: `${avail.p50.toFixed(1)} / ${avail.p99.toFixed(1)}`,
    });
    if (args.statements && rls === 'on')
      await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()');
    // Warm-up, not measured: each pooled connection prepares and plans the statements once (ADR 021).
    await measureCreation(member, seeded.einbeckSpaces, pass++, undefined, 1);
    const profiler = args.profile && rls === 'on' ? await startProfiler() : null;
    const perf = args.perf && rls === 'on' ? await startPerf(args.perf) : null;
    const create = await measureCreation(member, seeded.einbeckSpaces, pass++);
    await perf?.stop();
    if (profiler) writeFileSync(args.profile!, JSON.stringify(await profiler.stop()));
    if (args.statements && rls === 'on') await printStatements(admin, create.count);
    rows.push({
      label: `bookings.create, ${CONNECTIONS} concurrent: per second`,
      rls,
      value: `${Math.round(create.perSecond)}`,
    });
    rows.push({
      label: 'bookings.create: p50 / p99 (ms)',
      rls,
      value: `${create.p50.toFixed(1)} / ${create.p99.toFixed(1)}`,
    });
    rows.push({
      label: 'bookings.create: CPU per booking, Node + PostgreSQL (ms)',
      rls,
      value: `${create.nodeCpuMs.toFixed(2)} + ${create.pgCpuMs.toFixed(2)}`,
    });
    rows.push({
      label: `bookings.create: most this machine can do (${os.cpus().length} cores ÷ CPU per booking), per second`,
      rls,
      value: `${Math.round((os.cpus().length * 1000) / (create.nodeCpuMs + create.pgCpuMs))}`,
    });
    rows.push({ label: 'bookings.create: failures', rls, value: `${create.failures}` });
    if (RATE > 0) {
      const steady = await measureCreation(member, seeded.einbeckSpaces, pass++, RATE);
      rows.push({
        label: `bookings.create, ${RATE} per second offered (open loop, ≤ ${CONNECTIONS} in flight): achieved per second`,
        rls,
        value: `${Math.round(steady.perSecond)}`,
      });
      rows.push({
        label: `bookings.create at ${RATE} per second: p50 / p99 (ms, from the scheduled start)`,
        rls,
        value: `${steady.p50.toFixed(1)} / ${steady.p99.toFixed(1)}`,
      });
      rows.push({ label: `bookings.create at ${RATE} per second: failures`, rls, value: `${steady.failures}` });
    }
  }
  await setRls(admin, true);
  await api.close();
  await admin.end();

  console.log(
    `\nBookings benchmark — ${seeded.towns} towns, ${seeded.spaces} spaces, ${seeded.bookings} bookings; in-process, ${os.cpus().length} cores${args['async-commit'] ? '; ASYNCHRONOUS COMMIT (diagnosis, not durable)' : ''}\n`,
  );
  console.log(`| measure | RLS | value |\n|---|---|---|`);
  for (const r of rows) console.log(`| ${r.label} | ${r.rls} | ${r.value} |`);
} catch (error) {
  log(`Benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

async function seed(db: pg.Client) {
  await db.query(
    `INSERT INTO "Tenant" (id, name, slug, ags, bundesland, status, "updatedAt")
     SELECT gen_random_uuid(), 'Bench ' || i, 'bench-' || i, '03' || lpad(i::text, 6, '0'), '03', 'ACTIVE', now() FROM generate_series(1, $1::int) AS i`,
    [TOWNS],
  );
  await db.query(
    `INSERT INTO "Hub" ("tenantId", id, name, slug, "updatedAt")
     SELECT t.id, gen_random_uuid(), 'Hub ' || h, 'hub-' || h, now() FROM "Tenant" t, generate_series(1, 3) AS h WHERE t.slug LIKE 'bench-%'`,
  );
  await db.query(
    `INSERT INTO "OpeningHours" ("tenantId", id, "hubId", weekday, "opensAt", "closesAt")
     SELECT h."tenantId", gen_random_uuid(), h.id, d, 480, 1080 FROM "Hub" h JOIN "Tenant" t ON t.id = h."tenantId", generate_series(1, 5) AS d WHERE t.slug LIKE 'bench-%'`,
  );
  await db.query(
    `INSERT INTO "Space" ("tenantId", id, "hubId", kind, name, capacity, amenities, "bufferMinutes", "horizonDays", "updatedAt")
     SELECT h."tenantId", gen_random_uuid(), h.id, 'MEETING_ROOM', 'Raum ' || s, 8, '{}', 15, 365, now()
     FROM "Hub" h JOIN "Tenant" t ON t.id = h."tenantId", generate_series(1, $1::int) AS s WHERE t.slug LIKE 'bench-%'`,
    [SPACES_PER_HUB],
  );
  // Twenty members, one per sampled town: a realistic actor (one town), not one user in every town.
  const members = await db.query<{ email: string; slug: string }>(
    `WITH picked AS (SELECT id, slug FROM "Tenant" WHERE slug LIKE 'bench-%' ORDER BY random() LIMIT 20),
     users AS (
       INSERT INTO "User" (id, email, name, "passwordHash", "updatedAt")
       SELECT gen_random_uuid(), 'bench-' || p.slug || '@hubwerk.test', 'Bench', (SELECT "passwordHash" FROM "User" WHERE email = $1), now() FROM picked p
       RETURNING id, email)
     INSERT INTO "TenantMembership" ("tenantId", id, "userId", role)
     SELECT p.id, gen_random_uuid(), u.id, 'MEMBER' FROM picked p JOIN users u ON u.email = 'bench-' || p.slug || '@hubwerk.test'
     RETURNING (SELECT email FROM users WHERE users.id = "userId") AS email, (SELECT slug FROM "Tenant" WHERE id = "tenantId") AS slug`,
    [DEMO_USERS.einbeckMember],
  );
  const owner = await db.query<{ id: string }>(`SELECT id FROM "User" WHERE email = $1`, [DEMO_USERS.einbeckMember]);
  // One booking per space and day, 09:00–10:00 UTC, half in the past and half ahead: no overlaps.
  await db.query(
    `INSERT INTO "Booking" ("tenantId", id, "spaceId", "userId", "startsAt", "endsAt", attendees)
     SELECT s."tenantId", gen_random_uuid(), s.id, $1, date_trunc('day', now()) + (k - $2::int / 2) * interval '1 day' + interval '9 hours',
            date_trunc('day', now()) + (k - $2::int / 2) * interval '1 day' + interval '10 hours', 2
     FROM "Space" s JOIN "Tenant" t ON t.id = s."tenantId", generate_series(0, $2::int - 1) AS k WHERE t.slug LIKE 'bench-%'`,
    [owner.rows[0]!.id, BOOKINGS_PER_SPACE],
  );
  // 50 members of Einbeck (the demo town), one per concurrent client: 50 people
  // booking at once, not one person booking 50 rooms.
  const einbeckMembers = await db.query<{ email: string }>(
    `WITH users AS (
       INSERT INTO "User" (id, email, name, "passwordHash", "updatedAt")
       SELECT gen_random_uuid(), 'bench-einbeck-' || i || '@hubwerk.test', 'Bench ' || i, (SELECT "passwordHash" FROM "User" WHERE email = $1), now()
         FROM generate_series(1, $2::int) AS i
       RETURNING id, email)
     INSERT INTO "TenantMembership" ("tenantId", id, "userId", role)
     SELECT (SELECT id FROM "Tenant" WHERE slug = 'einbeck'), gen_random_uuid(), u.id, 'MEMBER' FROM users u
     RETURNING (SELECT email FROM users WHERE users.id = "userId") AS email`,
    [DEMO_USERS.einbeckMember, CONNECTIONS],
  );
  // 50 rooms in Einbeck to book into, one per concurrent client.
  const einbeck = await db.query<{ id: string }>(
    `INSERT INTO "Space" ("tenantId", id, "hubId", kind, name, capacity, amenities, "granularityMinutes", "minDurationMinutes", "horizonDays", "updatedAt")
     SELECT h."tenantId", gen_random_uuid(), h.id, 'MEETING_ROOM', 'Bench ' || s, 8, '{}', 30, 30, 730, now()
     FROM "Hub" h JOIN "Tenant" t ON t.id = h."tenantId", generate_series(1, $1::int) AS s WHERE t.slug = 'einbeck' RETURNING id`,
    [CONNECTIONS],
  );
  // Settle what bulk loading leaves behind before measuring: autovacuum would
  // otherwise vacuum the million new rows, and a checkpoint flush their pages,
  // during the first measured pass.
  await db.query('VACUUM ANALYZE');
  await db.query('CHECKPOINT');
  const sample = await db.query<{ slug: string; spaceId: string }>(
    `SELECT t.slug, s.id AS "spaceId" FROM "Space" s JOIN "Tenant" t ON t.id = s."tenantId" WHERE t.slug = ANY($1::text[]) ORDER BY random() LIMIT 200`,
    [members.rows.map((m) => m.slug)],
  );
  const count = async (table: string) => Number((await db.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n);
  return {
    towns: TOWNS,
    hubs: await count('Hub'),
    spaces: await count('Space'),
    bookings: await count('Booking'),
    sample: sample.rows,
    members: members.rows,
    einbeckSpaces: einbeck.rows.map((r) => r.id),
    einbeckMembers: einbeckMembers.rows.map((r) => r.email),
  };
}

/**
 * Plans of the hot statements as the app sees them: the app role, RLS on,
 * the town's scope set (same SQL as bookings.service.ts). Both read the
 * space's bookings through the btree on (tenantId, spaceId, startsAt) and
 * filter by range (measured: faster than the exclusion constraint's GiST
 * index at ~33 bookings a space).
 */
async function explain(admin: pg.Client, appUrl: string, spaceId: string) {
  const tenantId = (await admin.query<{ tenantId: string }>(`SELECT "tenantId" FROM "Space" WHERE id = $1`, [spaceId]))
    .rows[0]!.tenantId;
  const app = new pg.Client({ connectionString: appUrl });
  await app.connect();
  const from = new Date(Date.now() + 86_400_000);
  const to = new Date(from.getTime() + 7 * 86_400_000);
  const statements: Array<[string, string, unknown[]]> = [
    [
      'availability: bookings of one space in a week (± buffer)',
      `SELECT b."deskId", b."startsAt", b."endsAt" FROM "Booking" b JOIN "Space" s ON s."tenantId" = b."tenantId" AND s.id = b."spaceId"
        WHERE b."tenantId" = $1::uuid AND b."spaceId" = $2::uuid AND b.status <> 'CANCELLED'
          AND b."startsAt" < $4::timestamptz + make_interval(mins => s."bufferMinutes") AND b."endsAt" > $3::timestamptz - make_interval(mins => s."bufferMinutes")`,
      [tenantId, spaceId, from, to],
    ],
    [
      'bookings.create: a booking closer than the buffer',
      `SELECT b."startsAt", b."endsAt" FROM "Booking" b JOIN "Space" s ON s."tenantId" = b."tenantId" AND s.id = b."spaceId"
        WHERE b."tenantId" = $1::uuid AND b."spaceId" = $2::uuid AND b.status <> 'CANCELLED' AND b."deskId" IS NULL
          AND tstzrange(b."startsAt", b."endsAt", '[)') && tstzrange($3::timestamptz - make_interval(mins => s."bufferMinutes"), $4::timestamptz + make_interval(mins => s."bufferMinutes"), '[)')
        ORDER BY b."startsAt" LIMIT 1`,
      [tenantId, spaceId, from, new Date(from.getTime() + 3_600_000)],
    ],
  ];
  try {
    for (const [label, sql, values] of statements) {
      await app.query('BEGIN');
      await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
      const plan = await app.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, values);
      await app.query('ROLLBACK');
      log(`\n${label}:\n${plan.rows.map((r) => `  ${r['QUERY PLAN']}`).join('\n')}`);
    }
  } finally {
    await app.end();
  }
}

/** Where PostgreSQL's time per booking goes: planning and execution per statement, most first. */
async function printStatements(admin: pg.Client, bookings: number) {
  const top = await admin.query<{ calls: string; plans: string; plan: number; exec: number; query: string }>(
    `SELECT calls, plans, total_plan_time AS plan, total_exec_time AS exec, regexp_replace(query, '\\s+', ' ', 'g') AS query
       FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      ORDER BY total_plan_time + total_exec_time DESC LIMIT 20`,
  );
  log(
    `\nStatements of ${bookings} bookings (RLS on), ms per booking:\n| calls/booking | planned/booking | plan | exec | statement |\n|---|---|---|---|---|`,
  );
  for (const r of top.rows) {
    log(
      `| ${(Number(r.calls) / bookings).toFixed(2)} | ${(Number(r.plans) / bookings).toFixed(2)} | ${(r.plan / bookings).toFixed(3)} | ${(r.exec / bookings).toFixed(3)} | ${r.query.slice(0, 110)} |`,
    );
  }
}

async function setRls(db: pg.Client, on: boolean) {
  for (const table of TABLES) {
    await db.query(
      on ? `ALTER TABLE "${table}" ENABLE ROW LEVEL SECURITY` : `ALTER TABLE "${table}" DISABLE ROW LEVEL SECURITY`,
    );
  }
}

/** The same role and database through the server's Unix socket in its data directory (pg: `host` = the socket's directory). */
function viaSocket(url: string): string {
  const u = new URL(url);
  return `postgresql://${u.username}:${u.password}@/${u.pathname.slice(1)}?host=${encodeURIComponent(dataDir)}&port=${port}`;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function measureAvailability(callers: Map<string, Caller>, sample: Array<{ slug: string; spaceId: string }>) {
  const monday = addDays(localParts(new Date(), TZ).date, 1 - weekdayOf(localParts(new Date(), TZ).date));
  const times: number[] = [];
  for (let i = 0; i < AVAILABILITY_CALLS + 50; i++) {
    const target = sample[i % sample.length]!;
    const caller = callers.get(target.slug)!;
    const t0 = performance.now();
    const result = await caller.bookings.availability({
      tenant: target.slug,
      spaceId: target.spaceId,
      date: monday,
      days: 7,
    });
    if (i >= 50) times.push(performance.now() - t0); // the first 50 warm up
    if (result.resources.length !== 1) throw new Error('availability answered the wrong space');
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function startProfiler() {
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      return profile;
    },
  };
}

/** Linux perf sampling every CPU with call graphs (kernel time included, which V8's profiler cannot see). */
async function startPerf(file: string) {
  const child = spawn('perf', ['record', '-a', '-g', '-F', '499', '-e', 'cpu-clock', '-o', file], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 500)); // perf attaches to every CPU
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      }),
  };
}

/**
 * Each client books the next free half hour of its own room: no conflicts.
 * Without `rate`: closed loop, each client sends its next booking when the
 * last is answered — the most the server can do. With `rate`: open loop,
 * bookings are due at `rate` per second and a client takes the next due one
 * when free; latency counts from when it was due, so a server falling
 * behind shows in the percentiles instead of slowing the load down.
 */
async function measureCreation(callers: Caller[], spaces: string[], pass: number, rate?: number, seconds = SECONDS) {
  const times: number[] = [];
  let failures = 0;
  const slotsPerDay = 20; // 08:00–18:00 in half hours
  // Workdays from tomorrow on, computed before the clock starts (the client's work is not the server's).
  const workdays: string[] = [];
  for (
    let date = addDays(localParts(new Date(), TZ).date, 1);
    workdays.length < (pass + 1) * 40 + 60;
    date = addDays(date, 1)
  ) {
    if (weekdayOf(date) <= 5) workdays.push(date);
  }
  const workday = (n: number) => workdays[n]!;
  const deadline = performance.now() + seconds * 1000;
  const cpuBefore = cpuMs();
  const started = performance.now();
  let due = 0;
  await Promise.all(
    spaces.map(async (spaceId, client) => {
      const caller = callers[client]!;
      // Each pass starts 40 workdays after the last, so passes never collide.
      for (let k = 0; performance.now() < deadline; k++) {
        const date = workday(pass * 40 + Math.floor(k / slotsPerDay));
        const start = 480 + (k % slotsPerDay) * 30;
        let t0 = performance.now();
        if (rate) {
          t0 = started + (due++ * 1000) / rate;
          if (t0 >= deadline) break;
          if (t0 > performance.now()) await new Promise((resolve) => setTimeout(resolve, t0 - performance.now()));
        }
        try {
          await caller.bookings.create({
            tenant: 'einbeck',
            spaceId,
            startsAt: zonedToUtc(date, start, TZ).toISOString(),
            endsAt: zonedToUtc(date, start + 30, TZ).toISOString(),
          });
          times.push(performance.now() - t0);
        } catch {
          failures++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpuAfter = cpuMs();
  times.sort((a, b) => a - b);
  const done = Math.max(1, times.length);
  return {
    perSecond: times.length / elapsed,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    failures,
    count: times.length,
    nodeCpuMs: (cpuAfter.node - cpuBefore.node) / done,
    pgCpuMs: (cpuAfter.pg - cpuBefore.pg) / done,
  };
}

/**
 * CPU time used so far by this process and by the PostgreSQL server (the
 * postmaster and its backends, from /proc), in ms. CPU per booking does not
 * depend on what else the shared machine runs, unlike bookings per second:
 * 2 cores ÷ CPU per booking is what this machine can do at most.
 */
function cpuMs(): { node: number; pg: number } {
  const { user, system } = process.cpuUsage();
  const postmaster = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      // Fields after the command's closing parenthesis: state is 3rd, ppid 4th, utime 14th, stime 15th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      if (Number(pid) === postmaster || Number(fields[1]) === postmaster)
        ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended between listing and reading.
    }
  }
  return { node: (user + system) / 1000, pg: (ticks * 1000) / CLOCK_TICKS };
}

/**
 * What tenant isolation costs on the hot path: "list the hubs of a random
 * town" with 1,000 towns × 3 hubs, answered four ways, loaded alike with
 * autocannon on loopback, all in one run. Prints a table (medians of the
 * rounds) and the ratios against unscoped Prisma, in throughput and in
 * server CPU per request (req/s on a shared machine also measures the
 * neighbours; CPU per request much less so).
 *
 *   npm run bench                       (embedded PostgreSQL in a temp dir)
 *   npm run bench -- --rounds 5 --duration 10 --connections 50
 *   npm run bench -- --baseline ../main/packages/db/src/index.ts
 *                                       (adds another checkout's tenant client, e.g. before a change)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { DEV_ROLES, databaseEnv, prepareDatabase, startEmbeddedPostgres } from '@hubwerk/db/provision';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '8' },
    connections: { type: 'string', default: '50' },
    towns: { type: 'string', default: '1000' },
    baseline: { type: 'string' },
  },
});
const ROUNDS = Number(args.rounds);
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const TOWNS = Number(args.towns);
const VARIANTS = [
  { id: 'pg', label: 'plain pg, no RLS (the data path’s limit)', rls: 'no' },
  { id: 'prisma-unscoped', label: 'Prisma findMany, no RLS (baseline)', rls: 'no' },
  { id: 'prisma-batch-tx', label: 'Prisma $transaction([set_config, findMany])', rls: 'yes' },
  { id: 'hubwerk-wire', label: 'Hubwerk tenant client, wire transport (one Sync)', rls: 'yes' },
  { id: 'hubwerk-public', label: 'Hubwerk tenant client, public transport (pg pipeline)', rls: 'yes' },
  ...(args.baseline
    ? [{ id: 'hubwerk-baseline', label: `Hubwerk tenant client of ${args.baseline}`, rls: 'yes' }]
    : []),
] as const;

const root = fileURLToPath(new URL('../', import.meta.url));
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hubwerk-bench-'));
const port = 55000 + Math.floor(Math.random() * 1000);
const log = (line: string) => process.stderr.write(`${line}\n`);

log(`Starting PostgreSQL (embedded, port ${port}) …`);
const server = await startEmbeddedPostgres({ dataDir, port, profile: 'test' });
const children: ChildProcess[] = [];
try {
  const superuserUrl = server.superuserUrl('postgres');
  const { urls } = await prepareDatabase({
    server,
    superuserUrl,
    database: 'hubwerk_bench',
    roles: DEV_ROLES,
    cwd: root,
  });
  const towns = await seed(urls.platformUrl);
  log(
    `Seeded ${towns.length} towns × 3 hubs. ${ROUNDS} rounds × ${DURATION} s × ${CONNECTIONS} connections per variant.`,
  );

  const results: Record<string, Measures> = {};
  for (let round = 1; round <= ROUNDS; round += 1) {
    // Interleave the variants so drift (caches, thermal) hits all alike.
    for (const variant of VARIANTS) {
      const child = await startVariant(variant.id, databaseEnv(urls));
      children.push(child.process);
      if (round === 1) await assertAnswersCorrectly(variant.id, child.url, towns);
      await load(child.url, towns, 2); // warm-up: JIT, pool, plan cache
      const before = await serverStats(child.url);
      const r = await load(child.url, towns, DURATION);
      const after = await serverStats(child.url);
      await stopChild(child.process);
      const cpuPerRequest = (after.cpuMicros - before.cpuMicros) / Math.max(1, after.answered - before.answered);
      const entry = (results[variant.id] ??= { rps: [], p50: [], p99: [], cpu: [], errors: 0 });
      entry.rps.push(r.requests.average);
      entry.p50.push(r.latency.p50);
      entry.p99.push(r.latency.p99);
      entry.cpu.push(cpuPerRequest);
      entry.errors += r.errors + r.non2xx;
      log(
        `  round ${round}: ${variant.id.padEnd(16)} ${Math.round(r.requests.average)} req/s, p99 ${r.latency.p99} ms, server CPU ${Math.round(cpuPerRequest)} µs/req`,
      );
    }
  }
  printTable(results);
} finally {
  await Promise.all(children.map(stopChild));
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

interface Measures {
  rps: number[];
  p50: number[];
  p99: number[];
  /** CPU µs the variant's server process spent per answered request. */
  cpu: number[];
  errors: number;
}

async function serverStats(url: string): Promise<{ cpuMicros: number; answered: number }> {
  return (await (await fetch(`${url}/stats`)).json()) as { cpuMicros: number; answered: number };
}

async function seed(platformUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: platformUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO "Tenant" (id, name, slug, ags, bundesland, status, "updatedAt")
       SELECT gen_random_uuid(), 'Bench ' || i, 'bench-' || i, '03' || lpad(i::text, 6, '0'), '03', 'ACTIVE', now()
       FROM generate_series(1, $1::int) AS i`,
      [TOWNS],
    );
    await client.query(
      `INSERT INTO "Hub" ("tenantId", id, name, slug, "thematicFocus", city, "updatedAt")
       SELECT t.id, gen_random_uuid(), 'Hub ' || h, 'hub-' || h, 'Vitale Gemeinschaften', 'Einbeck', now()
       FROM "Tenant" t, generate_series(1, 3) AS h`,
    );
    await client.query('ANALYZE');
    return (await client.query<{ id: string }>('SELECT id FROM "Tenant"')).rows.map((r) => r.id);
  } finally {
    await client.end();
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function startVariant(variant: string, env: Record<string, string>): Promise<{ url: string; process: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench/hub-list-server.ts'), variant], {
      env: {
        ...process.env,
        ...env,
        NODE_ENV: 'production',
        ...(args.baseline ? { BENCH_BASELINE_DB: path.resolve(args.baseline) } : {}),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.once('exit', (code) => reject(new Error(`${variant} server exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /PORT (\d+)/.exec(chunk.toString());
      if (match) resolve({ url: `http://127.0.0.1:${match[1]}`, process: child });
    });
  });
}

/** A fast answer is worthless if it is wrong: each variant must return exactly the town's 3 hubs. */
async function assertAnswersCorrectly(variant: string, url: string, towns: string[]) {
  for (const town of towns.slice(0, 20)) {
    const hubs = (await (await fetch(`${url}/hubs?town=${town}`)).json()) as { tenantId: string }[];
    if (hubs.length !== 3 || hubs.some((h) => h.tenantId !== town)) {
      throw new Error(`${variant} answered ${hubs.length} hubs for town ${town}, expected its 3`);
    }
  }
}

function load(url: string, towns: string[], seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      { setupRequest: (req) => ({ ...req, path: `/hubs?town=${towns[Math.floor(Math.random() * towns.length)]}` }) },
    ],
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function printTable(results: Record<string, Measures>) {
  const baseline = median(results['prisma-unscoped']!.rps);
  const baselineCpu = median(results['prisma-unscoped']!.cpu);
  const rows = VARIANTS.map((v) => {
    const r = results[v.id]!;
    const rps = median(r.rps);
    const cpu = median(r.cpu);
    return `| ${v.label} | ${Math.round(rps).toLocaleString('en-US')} | ${median(r.p50)} | ${median(r.p99)} | ${(rps / baseline).toFixed(2)} | ${Math.round(cpu)} | ${(baselineCpu / cpu).toFixed(2)} | ${v.rls} | ${r.errors} |`;
  });
  const cpu = os.cpus();
  process.stdout.write(
    [
      '',
      `List hubs of a random town (≤ 50 rows), ${TOWNS} towns × 3 hubs; pool 10; ${CONNECTIONS} connections; medians of ${ROUNDS} × ${DURATION} s; ${cpu.length} × ${cpu[0]?.model ?? 'CPU'}; Node ${process.version}`,
      '',
      '| approach | req/s | p50 ms | p99 ms | vs unscoped Prisma | server CPU µs/req | CPU vs unscoped Prisma | RLS enforced | errors |',
      '|---|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
}

/**
 * Admin pages under load: the production bundles of the API and the admin
 * app (`npm run build`) as `node` processes with NODE_ENV=production, the
 * embedded PostgreSQL with the demo data, all on this machine; 50 concurrent
 * clients over loopback HTTP (autocannon). Each page is first fetched once
 * and checked (status 200 and a marker of its content), then loaded for a
 * fixed time. A static asset served by the same admin server in the same run
 * is the baseline: what the HTTP path alone costs. CPU per page is read from
 * /proc for the admin server, the API and PostgreSQL — the figure the other
 * load on a shared machine disturbs least. Prints a table.
 *
 *   npx tsx bench/pages.bench.ts                 (8 s per page)
 *   options: --seconds 8 --connections 50 --only space,week
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { DEV_ROLES, prepareDatabase, startEmbeddedPostgres } from '@hubwerk/db/provision';
import { startTestSmtp } from '@hubwerk/api/testing';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../prisma/seed.ts';
import {
  ADMIN_DIST,
  API_DIST,
  adminEnv,
  apiEnv,
  ensureBuilt,
  freePort,
  query,
  type Service,
  startNode,
} from '../infra/testing/production-stack.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    connections: { type: 'string', default: '50' },
    only: { type: 'string' },
  },
});
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
// Linux's USER_HZ: /proc reports CPU time in these ticks.
const CLOCK_TICKS = 100;
const log = (line: string) => process.stderr.write(`${line}\n`);

interface PageCase {
  key: string;
  label: string;
  path: string;
  cookie?: string;
  /** Text the page must contain: a wrong page (an error, the sign-in form) must not be measured as fast. */
  marker: string;
  target: string;
}

interface Measured {
  page: PageCase;
  result: autocannon.Result;
  cpuMs: { admin: number; api: number; pg: number };
}

await ensureBuilt();
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hubwerk-bench-pages-'));
const pgPort = 57000 + Math.floor(Math.random() * 1000);
log(`Starting PostgreSQL (embedded, port ${pgPort}) …`);
const server = await startEmbeddedPostgres({ dataDir, port: pgPort, profile: 'dev' });
const services: Service[] = [];
const smtp = await startTestSmtp();
try {
  const superuserUrl = server.superuserUrl('hubwerk_bench_pages');
  const { urls } = await prepareDatabase({
    server,
    superuserUrl: server.superuserUrl('postgres'),
    database: 'hubwerk_bench_pages',
    roles: DEV_ROLES,
    cwd: process.cwd(),
  });
  await seedDemo({ platformUrl: urls.platformUrl });

  const [apiPort, metricsPort, adminPort] = [await freePort(), await freePort(), await freePort()];
  const proxySecret = randomBytes(32).toString('hex');
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const api = await startNode(
    path.join(API_DIST, 'main.js'),
    apiEnv(urls, {
      port: apiPort,
      metricsPort,
      smtpUrl: smtp.url,
      proxySecret,
      adminUrl,
      extra: { LOG_LEVEL: 'warn' },
    }),
    '/healthz',
    apiPort,
  );
  services.push(api);
  const admin = await startNode(
    path.join(ADMIN_DIST, 'server.js'),
    adminEnv({ port: adminPort, apiUrl: api.url, proxySecret }),
    '/healthz',
    adminPort,
  );
  services.push(admin);

  const [ids] = await query<{ town: string; hubId: string; hubSlug: string; spaceId: string }>(
    superuserUrl,
    `SELECT t.slug AS town, h.id AS "hubId", h.slug AS "hubSlug", s.id AS "spaceId"
       FROM "Tenant" t JOIN "Hub" h ON h."tenantId" = t.id JOIN "Space" s ON s."tenantId" = t.id AND s."hubId" = h.id
      WHERE t.slug = 'einbeck' AND h."isPublic" AND s.kind = 'COWORKING' ORDER BY s.name LIMIT 1`,
  );
  if (!ids) throw new Error('the demo data has no public hub with a co-working space in Einbeck');
  const manager = await signIn(adminUrl, DEMO_USERS.einbeckManager);
  const member = await signIn(adminUrl, DEMO_USERS.einbeckMember);
  const signInHtml = await (await fetch(`${adminUrl}/login`)).text();
  const asset = /href="(\/assets\/[^"]+\.css)"/.exec(signInHtml)?.[1];
  if (!asset) throw new Error('the sign-in page links no stylesheet to use as the static baseline');

  const town = `/towns/${ids.town}`;
  const pages: PageCase[] = [
    { key: 'static', label: 'static asset (baseline)', path: asset, marker: '{', target: '—' },
    { key: 'login', label: 'sign-in page (anonymous)', path: '/login', marker: 'password', target: '—' },
    {
      key: 'public',
      label: 'public hub page (anonymous)',
      path: `/p/${ids.town}/${ids.hubSlug}`,
      marker: '<h1',
      target: '≥ 600/s, p99 ≤ 150 ms',
    },
    {
      key: 'space',
      label: 'space page (hub manager)',
      path: `${town}/spaces/${ids.spaceId}`,
      cookie: manager,
      marker: '<h1',
      target: '≥ 150/s, p99 ≤ 400 ms, ≤ 12 ms CPU',
    },
    {
      key: 'week',
      label: 'hub week (hub manager)',
      path: `${town}/hubs/${ids.hubId}/week`,
      cookie: manager,
      marker: '<h1',
      target: '≥ 150/s, p99 ≤ 400 ms, ≤ 12 ms CPU',
    },
    {
      key: 'bookings',
      label: '"Meine Buchungen" (member)',
      path: `${town}/bookings`,
      cookie: member,
      marker: '<h1',
      target: '≥ 150/s, p99 ≤ 400 ms, ≤ 12 ms CPU',
    },
  ];
  const wanted = args.only?.split(',');
  const measured: Measured[] = [];
  for (const page of pages.filter((p) => !wanted || wanted.includes(p.key))) {
    await check(adminUrl, page);
    // Warm-up: JIT, the API's prepared statements, the pool's connections.
    await load(adminUrl, page, 1);
    const before = cpu(admin, api);
    const result = await load(adminUrl, page, SECONDS);
    const after = cpu(admin, api);
    const done = Math.max(1, result.requests.total);
    measured.push({
      page,
      result,
      cpuMs: {
        admin: (after.admin - before.admin) / done,
        api: (after.api - before.api) / done,
        pg: (after.pg - before.pg) / done,
      },
    });
    log(`  ${page.label}: ${Math.round(result.requests.average)}/s`);
  }
  print(measured);
} finally {
  for (const service of services.reverse()) await service.stop().catch(() => undefined);
  await smtp.close().catch(() => undefined);
  await server.stop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
}

async function signIn(adminUrl: string, email: string): Promise<string> {
  const response = await fetch(`${adminUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: adminUrl },
    body: new URLSearchParams({ email, password: DEMO_PASSWORD }),
  });
  if (response.status !== 302) throw new Error(`sign-in of ${email} answered ${response.status}`);
  return response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

async function check(adminUrl: string, page: PageCase): Promise<void> {
  const response = await fetch(`${adminUrl}${page.path}`, {
    redirect: 'manual',
    headers: page.cookie ? { cookie: page.cookie } : {},
  });
  const body = await response.text();
  if (response.status !== 200 || !body.includes(page.marker))
    throw new Error(`${page.label} (${page.path}) answered ${response.status}: ${body.slice(0, 300)}`);
}

function load(adminUrl: string, page: PageCase, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: `${adminUrl}${page.path}`,
    connections: CONNECTIONS,
    duration: seconds,
    headers: page.cookie ? { cookie: page.cookie } : {},
  });
}

/** CPU time so far of the admin server, the API and PostgreSQL (postmaster and backends), in ms. */
function cpu(admin: Service, api: Service): { admin: number; api: number; pg: number } {
  const postmaster = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const ticks = { admin: 0, api: 0, pg: 0 };
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      // Fields after the command's closing parenthesis: ppid is the 2nd, utime the 12th, stime the 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      const used = Number(fields[11]) + Number(fields[12]);
      if (Number(pid) === admin.process.pid) ticks.admin += used;
      else if (Number(pid) === api.process.pid) ticks.api += used;
      else if (Number(pid) === postmaster || Number(fields[1]) === postmaster) ticks.pg += used;
    } catch {
      // The process ended between listing and reading.
    }
  }
  const ms = (t: number) => (t * 1000) / CLOCK_TICKS;
  return { admin: ms(ticks.admin), api: ms(ticks.api), pg: ms(ticks.pg) };
}

function print(measured: Measured[]): void {
  const baseline = measured.find((m) => m.page.key === 'static')?.result.requests.average;
  const lines = [
    `\nAdmin pages — production bundles, ${CONNECTIONS} connections, ${SECONDS} s each, loopback; ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}; Node ${process.version}; ${new Date().toISOString()}\n`,
    '| page | pages/s | vs static | p50 ms | p99 ms | CPU ms/page (admin + API + PostgreSQL) | non-2xx / errors | target |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const { page, result, cpuMs } of measured) {
    const rate = result.requests.average;
    const total = cpuMs.admin + cpuMs.api + cpuMs.pg;
    lines.push(
      `| ${page.label} | ${Math.round(rate).toLocaleString('en')} | ${baseline ? (rate / baseline).toFixed(2) : '—'} | ${result.latency.p50} | ${result.latency.p99} | ${total.toFixed(1)} (${cpuMs.admin.toFixed(1)} + ${cpuMs.api.toFixed(1)} + ${cpuMs.pg.toFixed(1)}) | ${result.non2xx} / ${result.errors + result.timeouts} | ${page.target} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

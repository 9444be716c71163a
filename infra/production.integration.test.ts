/**
 * The production build, run as an operator runs it: a fresh database
 * migrated by the bundled migration command, the bundled API and admin app as
 * `node` processes with NODE_ENV=production and only their environment, a
 * demo member who signs in and books through the admin app, the metrics the
 * API exposes on its own port, and SIGTERM ending both cleanly.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '@hubwerk/db/testing';
import { startTestSmtp } from '@hubwerk/api/testing';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../prisma/seed.ts';
import {
  ADMIN_DIST,
  API_DIST,
  adminEnv,
  apiEnv,
  ensureBuilt,
  freePort,
  freshDatabase,
  type Service,
  smokeTest,
  startNode,
} from './testing/production-stack.ts';

const run = promisify(execFile);

async function rows<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

/** Tables, forced RLS and policies: what the migrations made, to compare two databases. */
const SCHEMA_SHAPE = `
  SELECT c.relname AS name, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
         (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)::int AS policies,
         (SELECT count(*) FROM pg_constraint k WHERE k.conrelid = c.oid)::int AS constraints
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> '_prisma_migrations'
   ORDER BY c.relname`;

/** The value of the one sample of `name` whose labels include `labels` (Prometheus text format); NaN when none. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const matches = text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`)));
  if (matches.length !== 1) return Number.NaN;
  return Number(matches[0]!.slice(matches[0]!.lastIndexOf(' ') + 1));
}

describe('production build', () => {
  let urls: { appUrl: string; platformUrl: string; migratorUrl: string; superuserUrl: string };
  let templateShape: unknown[];
  let smtp: Awaited<ReturnType<typeof startTestSmtp>>;
  let api: Service;
  let admin: Service;
  let metricsUrl: string;
  const proxySecret = randomBytes(32).toString('hex');

  beforeAll(async () => {
    const [db] = await Promise.all([useTestDatabase(), ensureBuilt()]);
    templateShape = await rows(db.superuserUrl, SCHEMA_SHAPE);
    // A database the migration command has never seen.
    urls = await freshDatabase(db, 'prod');
    smtp = await startTestSmtp();
  }, 600_000);

  afterAll(async () => {
    await Promise.all([api?.stop(), admin?.stop()]);
    await smtp?.close();
  }, 120_000);

  it('refuses to start with a missing or bad variable and names each one, never its value', async () => {
    const failed = await run(process.execPath, [path.join(API_DIST, 'main.js')], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        DATABASE_URL: 'not a url',
        PLATFORM_DATABASE_URL: urls.platformUrl,
        API_PORT: '99999',
      },
    }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('DATABASE_URL: Invalid URL');
    expect(failed?.stderr).toContain('API_PORT:');
    expect(failed?.stderr).not.toContain('not a url');
    expect(failed?.stderr).not.toContain(urls.platformUrl);

    const production = await run(process.execPath, [path.join(API_DIST, 'main.js')], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        DATABASE_URL: urls.appUrl,
        PLATFORM_DATABASE_URL: urls.platformUrl,
      },
    }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(production?.code).toBe(1);
    expect(production?.stderr).toContain('SMTP_URL: required in production');
    expect(production?.stderr).toContain('DATA_ENCRYPTION_KEY: required in production');

    const admin = await run(process.execPath, [path.join(ADMIN_DIST, 'server.js')], {
      cwd: ADMIN_DIST,
      env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: 'x' },
    }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(admin?.code).toBe(1);
    expect(admin?.stderr).toContain('PORT: must be a port number');
  }, 300_000);

  it('migrates a fresh database with the bundled command to the same schema as `prisma migrate deploy`, and again is a no-op', async () => {
    const env = { PATH: process.env.PATH, MIGRATOR_DATABASE_URL: urls.migratorUrl };
    const first = await run(process.execPath, [path.join(API_DIST, 'migrate.js')], { env });
    expect(first.stdout).toMatch(/applied \d+ migration\(s\), 0 were already applied/);
    expect(await rows(urls.superuserUrl, SCHEMA_SHAPE)).toEqual(templateShape);
    const again = await run(process.execPath, [path.join(API_DIST, 'migrate.js')], { env });
    expect(again.stdout).toContain('database is up to date');
    // Prisma's own bookkeeping agrees: every migration finished, none twice.
    const applied = await rows<{ n: number; distinct: number }>(
      urls.superuserUrl,
      `SELECT count(*)::int AS n, count(DISTINCT migration_name)::int AS distinct FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`,
    );
    expect(applied[0]!.n).toBe(applied[0]!.distinct);
    expect(applied[0]!.n).toBeGreaterThan(10);
  }, 300_000);

  it('serves a member who signs in and books a desk through the admin app, with NODE_ENV=production', async () => {
    await seedDemo({ platformUrl: urls.platformUrl });
    const [apiPort, metricsPort, adminPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const adminUrl = `http://127.0.0.1:${adminPort}`;
    api = await startNode(
      path.join(API_DIST, 'main.js'),
      apiEnv(urls, {
        port: apiPort,
        metricsPort,
        smtpUrl: smtp.url,
        proxySecret,
        adminUrl,
        extra: { SHUTDOWN_DELAY_MS: '5000' },
      }),
      '/readyz',
      apiPort,
    );
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    admin = await startNode(
      path.join(ADMIN_DIST, 'server.js'),
      adminEnv({ port: adminPort, apiUrl: api.url, proxySecret }),
      '/readyz',
      adminPort,
    );

    const booking = await smokeTest(admin.url, urls.superuserUrl, DEMO_USERS.einbeckMember, DEMO_PASSWORD);
    expect(booking.status).toBe('CONFIRMED');
    // No tsx, no TypeScript: the processes run the bundles.
    expect(api.process.spawnargs.join(' ')).toMatch(/dist\/main\.js$/);
    expect(api.output()).toContain('"nodeEnv":"production"');
    // The confirmation leaves through SMTP (production has no dev outbox).
    const deadline = Date.now() + 240_000;
    while (!smtp.received.some((mail) => mail.to.includes(DEMO_USERS.einbeckMember)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 250));
    expect(smtp.received.map((mail) => mail.to).flat()).toContain(DEMO_USERS.einbeckMember);
  }, 600_000);

  it('exposes Prometheus metrics on their own port only: requests by procedure, pools, outbox, sign-in failures', async () => {
    const wrong = await fetch(`${admin.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: admin.url },
      body: new URLSearchParams({ email: DEMO_USERS.einbeckMember, password: 'falsch-falsch' }),
    });
    expect(wrong.status).toBe(400);
    const response = await fetch(metricsUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(
      sample(text, 'hubwerk_http_requests_total', { procedure: 'auth.signIn', method: 'POST', status: '200' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'hubwerk_http_requests_total', { procedure: 'bookings.create', method: 'POST', status: '200' }),
    ).toBe(1);
    expect(
      sample(text, 'hubwerk_http_request_duration_seconds_bucket', {
        le: '+Inf',
        procedure: 'bookings.create',
        status_class: '2xx',
      }),
    ).toBe(1);
    expect(sample(text, 'hubwerk_sign_in_failures_total', { reason: 'invalid_credentials' })).toBe(1);
    expect(sample(text, 'hubwerk_db_pool_connections', { pool: 'app', state: 'max' })).toBe(10);
    expect(sample(text, 'hubwerk_db_pool_connections', { pool: 'app', state: 'open' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'hubwerk_db_pool_waiting_requests', { pool: 'platform' })).toBe(0);
    expect(sample(text, 'hubwerk_outbox_pending_emails', {})).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'hubwerk_outbox_oldest_pending_age_seconds', {})).toBeGreaterThanOrEqual(0);
    // The job queue (ADR 032): lag and depth per queue, from the queue's own schema.
    expect(sample(text, 'hubwerk_job_lag_seconds', { queue: 'mail.deliver' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'hubwerk_jobs', { queue: 'exports.run', state: 'active' })).toBe(0);
    expect(text).toContain('process_resident_memory_bytes');
    // Not on the API's public port, which the ingress routes.
    expect((await fetch(`${api.url}/metrics`)).status).toBe(404);
  }, 120_000);

  it('stops on SIGTERM: readiness turns 503 first while requests are still served, then both exit 0', async () => {
    api.process.kill('SIGTERM');
    const seen: number[] = [];
    for (;;) {
      const status = await fetch(`${api.url}/readyz`).then(
        (r) => r.status,
        () => null,
      );
      if (status === null) break;
      seen.push(status);
      if (status === 503) {
        // Still serving during the delay: liveness answers.
        expect((await fetch(`${api.url}/healthz`).catch(() => null))?.status ?? 503).toBe(200);
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen).toContain(503);
    const [apiCode, adminCode] = await Promise.all([api.stop(), admin.stop()]);
    expect({ api: apiCode, admin: adminCode }).toEqual({ api: 0, admin: 0 });
    expect(api.output()).toContain('"msg":"stopped"');
  }, 120_000);
});

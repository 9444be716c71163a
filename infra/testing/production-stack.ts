/**
 * The production build as an operator runs it, for the tests in infra/:
 * the bundles from `npm run build` (apps/api/dist, apps/admin/dist) as plain
 * `node` child processes with NODE_ENV=production, and the smoke test every
 * way of running them must pass (sign in through the admin app, book a desk).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { databaseName, provisionDatabase, rolesFromUrls, withDatabase } from '@hubwerk/db/provision';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const API_DIST = path.join(ROOT, 'apps/api/dist');
export const ADMIN_DIST = path.join(ROOT, 'apps/admin/dist');

/**
 * Builds both services unless their bundles exist. CI builds first (`npm run
 * build` in .ci/run) and the tests use that output; locally, delete the dist/
 * folders (or run `npm run build`) after changing the code.
 */
export async function ensureBuilt(): Promise<void> {
  if (existsSync(path.join(API_DIST, 'main.js')) && existsSync(path.join(ADMIN_DIST, 'server.js'))) return;
  // vitest sets NODE_ENV=test; a production build must not inherit it.
  await promisify(execFile)('npm', ['run', 'build'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
    maxBuffer: 64 * 1024 * 1024,
  });
}

export { freePort } from '@hubwerk/db/testing';

export interface Service {
  url: string;
  process: ChildProcess;
  output(): string;
  /** SIGTERM, then the exit code (null: killed by a signal). */
  stop(): Promise<number | null>;
}

/** Only what a container would have: PATH and the service's own variables (no inherited DATABASE_URL, NODE_OPTIONS …). */
function minimalEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env };
}

export async function waitFor(
  url: string,
  child: ChildProcess | null,
  output: () => string,
  ok: (status: number) => boolean = (s) => s === 200,
): Promise<void> {
  // Generous: only a broken start takes this long, and a loaded machine must not fail the test.
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child && child.exitCode !== null)
      throw new Error(`${url}: the process exited (${child.exitCode}):\n${output()}`);
    try {
      if (ok((await fetch(url)).status)) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not become ready:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export function startNode(
  script: string,
  env: Record<string, string>,
  readyPath: string,
  port: number,
): Promise<Service> {
  return startService(
    process.execPath,
    ['--enable-source-maps', script],
    path.dirname(script),
    env,
    `http://127.0.0.1:${port}`,
    readyPath,
  );
}

export async function startService(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  url: string,
  readyPath: string,
): Promise<Service> {
  let output = '';
  const child = spawn(command, args, { cwd, env: minimalEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const service: Service = {
    url,
    process: child,
    output: () => output,
    async stop() {
      if (!child.killed && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
  try {
    await waitFor(`${url}${readyPath}`, child, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return service;
}

export interface FreshDatabase {
  appUrl: string;
  platformUrl: string;
  migratorUrl: string;
  superuserUrl: string;
}

/** A database beside the worker's, with roles and grants only (as docs/operations.md provisions one): no schema yet. */
export async function freshDatabase(db: FreshDatabase, suffix: string): Promise<FreshDatabase> {
  const name = `${databaseName(db.appUrl)}_${suffix}`;
  await provisionDatabase({ superuserUrl: db.superuserUrl, database: name, roles: rolesFromUrls(db) });
  return {
    appUrl: withDatabase(db.appUrl, name),
    platformUrl: withDatabase(db.platformUrl, name),
    migratorUrl: withDatabase(db.migratorUrl, name),
    superuserUrl: withDatabase(db.superuserUrl, name),
  };
}

export interface DatabaseEnv {
  appUrl: string;
  platformUrl: string;
}

/** The API's environment in production: everything required, nothing inherited. */
export function apiEnv(
  db: DatabaseEnv,
  options: {
    port: number;
    metricsPort: number;
    smtpUrl: string;
    proxySecret: string;
    adminUrl: string;
    extra?: Record<string, string>;
  },
): Record<string, string> {
  return {
    NODE_ENV: 'production',
    API_HOST: '127.0.0.1',
    API_PORT: String(options.port),
    METRICS_PORT: String(options.metricsPort),
    DATABASE_URL: db.appUrl,
    PLATFORM_DATABASE_URL: db.platformUrl,
    SMTP_URL: options.smtpUrl,
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SSO_SECRET_KEY: randomBytes(32).toString('hex'),
    API_PROXY_SECRET: options.proxySecret,
    ADMIN_URL: options.adminUrl,
    LOG_LEVEL: 'info',
    NO_SHOW_SCAN_INTERVAL_MS: '0',
    ...options.extra,
  };
}

export function adminEnv(options: {
  port: number;
  apiUrl: string;
  proxySecret: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(options.port),
    API_URL: options.apiUrl,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    API_PROXY_SECRET: options.proxySecret,
    // Form posts are accepted from this origin only (apps/admin/origin-guard.mjs).
    PUBLIC_ORIGIN: `http://127.0.0.1:${options.port}`,
    ...options.extra,
  };
}

/** The next weekday (Mon–Fri) at least two days ahead, as YYYY-MM-DD in Europe/Berlin. */
export function nextWeekday(): string {
  const day = new Date(Date.now() + 2 * 86_400_000);
  for (;;) {
    const weekday = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', weekday: 'short' }).format(day);
    if (weekday !== 'Sat' && weekday !== 'Sun')
      return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(day);
    day.setTime(day.getTime() + 86_400_000);
  }
}

export async function query<R extends pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/**
 * What every way of running the product must pass: a demo member signs in
 * through the admin app's form, then books a free desk of Einbeck's
 * co-working space through the space page's form (no JavaScript: plain
 * form posts). Returns the booking as stored.
 */
export async function smokeTest(
  adminUrl: string,
  superuserUrl: string,
  email: string,
  password: string,
): Promise<{ id: string; status: string; deskId: string }> {
  const signIn = await fetch(`${adminUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: adminUrl },
    body: new URLSearchParams({ email, password }),
  });
  if (signIn.status !== 302)
    throw new Error(`sign-in answered ${signIn.status}: ${(await signIn.text()).slice(0, 500)}`);
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  if (!cookie.includes('hubwerk'))
    throw new Error(`sign-in set no session cookie: ${signIn.headers.getSetCookie().join(' | ')}`);

  const date = nextWeekday();
  const [space] = await query<{ id: string; deskId: string }>(
    superuserUrl,
    `SELECT s.id, d.id AS "deskId"
       FROM "Space" s JOIN "Tenant" t ON t.id = s."tenantId" JOIN "Desk" d ON d."tenantId" = s."tenantId" AND d."spaceId" = s.id
      WHERE t.slug = 'einbeck' AND s.kind = 'COWORKING'
        AND NOT EXISTS (SELECT 1 FROM "Booking" b WHERE b."tenantId" = d."tenantId" AND b."deskId" = d.id
                         AND b."startsAt"::date BETWEEN $1::date - 1 AND $1::date + 1)
      ORDER BY d.name LIMIT 1`,
    [date],
  );
  if (!space) throw new Error('no free desk in the demo data');
  const purpose = `Smoke test ${randomBytes(4).toString('hex')}`;
  const book = await fetch(`${adminUrl}/towns/einbeck/spaces/${space.id}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: adminUrl, cookie },
    body: new URLSearchParams({
      intent: 'book',
      date,
      start: '09:00',
      end: '10:00',
      deskId: space.deskId,
      attendees: '1',
      purpose,
    }),
  });
  const page = await book.text();
  if (book.status !== 200) throw new Error(`booking answered ${book.status}: ${page.slice(0, 500)}`);
  const [booking] = await query<{ id: string; status: string; deskId: string }>(
    superuserUrl,
    `SELECT id, status::text, "deskId" FROM "Booking" WHERE purpose = $1`,
    [purpose],
  );
  if (!booking) throw new Error(`the booking was not stored; the page said: ${page.slice(0, 500)}`);
  return booking;
}

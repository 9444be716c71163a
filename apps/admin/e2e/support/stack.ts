/**
 * The whole stack for an end-to-end test: a fresh database with the demo
 * seed, the API in-process, the admin app built for production and served by
 * the production server (server.mjs), and Debian's Chromium. Everything is stopped by `stop()`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import pg from 'pg';
import { expect } from 'vitest';
// Test setup, not app code: the e2e test needs a database (the app itself only talks tRPC).
// eslint-disable-next-line @typescript-eslint/no-restricted-imports
import { useTestDatabase } from '@hubwerk/db/testing';
import { createLogger } from '../../../api/src/logger.ts';
import { startApiServer, type RunningApiServer } from '../../../api/src/server.ts';
import { DEMO_PASSWORD, seedDemo } from '../../../../prisma/seed.ts';

const ADMIN_DIR = fileURLToPath(new URL('../..', import.meta.url));
const requireFromAdmin = createRequire(path.join(ADMIN_DIR, 'package.json'));

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function binOf(pkg: string, bin: string): string {
  const manifestPath = requireFromAdmin.resolve(`${pkg}/package.json`);
  const manifest = requireFromAdmin(manifestPath) as { bin: Record<string, string> };
  const relative = manifest.bin[bin];
  if (!relative) throw new Error(`${pkg} has no bin ${bin}`);
  return path.join(path.dirname(manifestPath), relative);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** The production build, made once per run (vitest sets NODE_ENV=test; a build must not inherit it). */
async function buildAdmin(): Promise<void> {
  // CI builds everything before the tests (`npm run build` in .ci/run) and says so: no second build.
  if (process.env.HUBWERK_REUSE_BUILD === '1' && existsSync(path.join(ADMIN_DIR, 'build/server/index.js'))) return;
  await promisify(execFile)(process.execPath, [binOf('@remix-run/dev', 'remix'), 'vite:build'], {
    cwd: ADMIN_DIR,
    env: { ...process.env, NODE_ENV: 'production' },
    maxBuffer: 16 * 1024 * 1024,
  });
}

async function startAdmin(
  apiUrl: string,
  proxySecret: string,
): Promise<{ url: string; process: ChildProcess; output: () => string }> {
  const port = await freePort();
  let output = '';
  // The production server (CSRF guard and client IP in front of Remix).
  const child = spawn(process.execPath, ['server.mjs'], {
    cwd: ADMIN_DIR,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      API_URL: apiUrl,
      SESSION_SECRET: randomBytes(32).toString('hex'),
      API_PROXY_SECRET: proxySecret,
      // The origin the browser reaches it at: the only one whose form posts are accepted.
      PUBLIC_ORIGIN: `http://127.0.0.1:${port}`,
      // As behind one ingress: tests pick a client IP with X-Forwarded-For.
      TRUST_PROXY: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`admin server exited (${child.exitCode}):\n${output}`);
    try {
      const response = await fetch(`${url}/login`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`admin server did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, process: child, output: () => output };
}

/**
 * The admin app under `remix vite:dev` (what `npm run dev` runs), on a free
 * port, with the given configured origin (default: the address it listens on).
 * For tests of what differs from production there (the request URL is built
 * from the Origin header); stop it with `stop()`.
 */
export async function startDevAdmin(
  apiUrl: string,
): Promise<{ url: string; output: () => string; stop: () => Promise<void> }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(
    process.execPath,
    [binOf('@remix-run/dev', 'remix'), 'vite:dev', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    {
      cwd: ADMIN_DIR,
      env: { ...process.env, NODE_ENV: 'development', API_URL: apiUrl, PUBLIC_ORIGIN: url },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = () => stopProcess(child);
  try {
    // The first page compiles the app on demand: wait for it, not for a fixed time.
    for (;;) {
      if (child.exitCode !== null) throw new Error(`dev server exited (${child.exitCode}):\n${output}`);
      const ok = await fetch(`${url}/login`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, output: () => output, stop };
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface Stack {
  adminUrl: string;
  apiUrl: string;
  browser: Browser;
  adminOutput: () => string;
  /** For tests that set up state the UI cannot reach quickly (e.g. an invoice overdue for weeks). */
  superuserUrl: string;
  stop(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const stoppers: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const fn of stoppers.reverse()) await fn().catch(() => undefined);
  };
  let adminUrl = '';
  try {
    const [db] = await Promise.all([useTestDatabase(), buildAdmin()]);
    await seedDemo({ platformUrl: db.platformUrl });
    // The admin proves the client IPs it forwards (sign-in rate limit) with this secret.
    const proxySecret = randomBytes(32).toString('hex');
    const api: RunningApiServer = await startApiServer({
      proxySecret,
      port: 0,
      databaseUrl: db.appUrl,
      platformDatabaseUrl: db.platformUrl,
      logger: createLogger({ level: 'warn' }),
      // The fake Stripe sends users back to the admin app, which starts after the API.
      billing: { stripe: null, adminUrl: () => adminUrl },
      // Single sign-on against providers a spec starts on 127.0.0.1 (sso.spec.ts).
      sso: { secretKey: randomBytes(32), allowLoopbackHttp: true },
    });
    stoppers.push(() => api.close());
    const admin = await startAdmin(api.url, proxySecret);
    adminUrl = admin.url;
    stoppers.push(() => stopProcess(admin.process));
    // launch() gives every run a fresh temporary profile (user-data dir) and deletes it on close;
    // each test then opens its own context (own cookies).
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
    stoppers.push(() => browser.close());
    return {
      adminUrl: admin.url,
      apiUrl: api.url,
      browser,
      adminOutput: admin.output,
      superuserUrl: db.superuserUrl,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The newest invitation link mailed to `email`, read where the dev mailbox
 * ("Gesendete E-Mails", absent from the production build the suite runs)
 * reads it: the stored mails of the outbox. Invitation links travel nowhere
 * else (ADR 023).
 */
export async function mailedInvitationLink(stack: Stack, email: string): Promise<string> {
  const client = new pg.Client({ connectionString: stack.superuserUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ textBody: string }>(
      `SELECT "textBody" FROM "OutboxEmail" WHERE kind = 'invitation' AND "toAddress" = $1 ORDER BY "createdAt" DESC, id DESC LIMIT 1`,
      [email],
    );
    const link = /https?:\/\/\S+\/invite\/[A-Za-z0-9_-]{20,}/.exec(rows[0]?.textBody ?? '')?.[0];
    if (!link) throw new Error(`no invitation link in a mail to ${email}`);
    return link;
  } finally {
    await client.end();
  }
}

/** The API signed in as one user, over HTTP as the admin app calls it. */
export interface ApiClient {
  query<T = unknown>(procedure: string, input: unknown): Promise<T>;
  mutate<T = unknown>(procedure: string, input: unknown): Promise<T>;
}

/**
 * The API as `email` (a demo user): for a spec to set up what it needs
 * itself, so that no test depends on what an earlier one did through the
 * UI (ADR 041). A failed call throws with the API's error.
 */
export async function apiAs(stack: Stack, email: string): Promise<ApiClient> {
  let token: string | null = null;
  const call = async <T>(procedure: string, input: unknown, kind: 'query' | 'mutation'): Promise<T> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const url = `${stack.apiUrl}/trpc/${procedure}`;
    const response =
      kind === 'mutation'
        ? await fetch(url, { method: 'POST', headers, body: JSON.stringify(input) })
        : await fetch(`${url}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers });
    const body = (await response.json()) as { result?: { data: T }; error?: unknown };
    if (!body.result) throw new Error(`${procedure} as ${email}: ${JSON.stringify(body.error)}`);
    return body.result.data;
  };
  token = (await call<{ token: string }>('auth.signIn', { email, password: DEMO_PASSWORD }, 'mutation')).token;
  return {
    query: (procedure, input) => call(procedure, input, 'query'),
    mutate: (procedure, input) => call(procedure, input, 'mutation'),
  };
}

/** The WCAG 2.1 AA rule sets every page is checked against with axe. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** axe finds nothing on the page as it is now; `label` names it in the failure. Some rule must have run (not an empty page). */
export async function expectNoAxeViolations(page: Page, label: string) {
  const result = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  expect(
    result.violations.map((v) => ({ page: label, rule: v.id, targets: v.nodes.map((n) => n.target.join(' ')) })),
  ).toEqual([]);
  expect(result.passes.length).toBeGreaterThan(0);
}

/** A fresh German desktop browser context on the admin app (collected in `contexts` to close later). */
export async function openPage(
  stack: Stack,
  contexts: BrowserContext[],
  options: { javaScriptEnabled?: boolean } = {},
): Promise<Page> {
  const context = await stack.browser.newContext({
    baseURL: stack.adminUrl,
    locale: 'de-DE',
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  contexts.push(context);
  return context.newPage();
}

/** Signs in with the demo password and waits for the landing page (a demo user of Einbeck lands on the town; pass `LEFT_LOGIN` for anyone). */
export async function signIn(
  page: Page,
  email: string,
  landing: string | ((url: URL) => boolean) = '**/towns/einbeck',
) {
  await page.goto('/login');
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Passwort').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.waitForURL(landing);
}

/** A landing for signIn: any page but the sign-in form. */
export const LEFT_LOGIN = (url: URL) => !url.pathname.startsWith('/login');

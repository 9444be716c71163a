/**
 * Request safety of the HTTP API: security headers on every answer, and the
 * sign-in rate limits (rate-limiter-flexible on PostgreSQL, ADR 024): per
 * account and client, per client across accounts, per account across
 * clients; the client IP believed from the admin app only with its secret,
 * and from X-Forwarded-For only through the configured proxies.
 */
import { useTestDatabase } from '@hubwerk/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../../../prisma/seed.ts';
import { SIGN_IN_LIMITS } from '../../../packages/api/src/rate-limits.ts';
import { CLIENT_IP_HEADER, PROXY_SECRET_HEADER } from './client-ip.ts';
import { createLogger } from './logger.ts';
import { startApiServer, type RunningApiServer } from './server.ts';

const SECRET = 'test-proxy-secret-0123456789abcdef0123456789';
let api: RunningApiServer;
/** The same database behind one proxy of our own (TRUSTED_PROXY_COUNT=1), without the admin secret. */
let behindProxy: RunningApiServer;
let superuser: pg.Client;

beforeAll(async () => {
  const db = await useTestDatabase({ fresh: true });
  await seedDemo({ platformUrl: db.platformUrl });
  api = await startApiServer({
    port: 0,
    databaseUrl: db.appUrl,
    platformDatabaseUrl: db.platformUrl,
    logger: createLogger({ level: 'silent' }),
    proxySecret: SECRET,
    hsts: true,
  });
  behindProxy = await startApiServer({
    port: 0,
    databaseUrl: db.appUrl,
    platformDatabaseUrl: db.platformUrl,
    logger: createLogger({ level: 'silent' }),
    trustedProxyCount: 1,
  });
  superuser = new pg.Client({ connectionString: db.superuserUrl });
  await superuser.connect();
});

afterAll(async () => {
  await superuser?.end();
  await api?.close();
  await behindProxy?.close();
});

function signIn(email: string, password: string, headers: Record<string, string> = {}, server = api) {
  return fetch(`${server.url}/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password }),
  });
}
const fromAdmin = (ip: string) => ({ [PROXY_SECRET_HEADER]: SECRET, [CLIENT_IP_HEADER]: ip });

describe('security headers', () => {
  it('are on tRPC answers, errors, health checks and unknown paths', async () => {
    for (const response of [
      await fetch(`${api.url}/trpc/auth.me`),
      await fetch(`${api.url}/healthz`),
      await fetch(`${api.url}/nothing-here`),
      await signIn(DEMO_USERS.platform, DEMO_PASSWORD),
    ]) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    }
  });
});

describe('sign-in rate limit', () => {
  it('answers the 11th wrong guess of one account from one client with 429 and a retry time, for the right password too', async () => {
    const email = DEMO_USERS.zeitzAdmin;
    for (let i = 0; i < 10; i += 1)
      expect((await signIn(email, 'falsch-falsch', fromAdmin('203.0.113.7'))).status).toBe(401);
    const limited = await signIn(email, DEMO_PASSWORD, fromAdmin('203.0.113.7'));
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(SIGN_IN_LIMITS.accountAndIp.blockDuration);
    const body = (await limited.json()) as { error: { data: { messageKey: string; retryAfterSeconds: number } } };
    expect(body.error.data).toMatchObject({ messageKey: 'errors.auth.tooManyAttempts', retryAfterSeconds: retryAfter });

    // The real user at another IP is not locked out, and the same client may still sign in to another account.
    expect((await signIn(email, DEMO_PASSWORD, fromAdmin('198.51.100.20'))).status).toBe(200);
    expect((await signIn(DEMO_USERS.einbeckAdmin, DEMO_PASSWORD, fromAdmin('203.0.113.7'))).status).toBe(200);
    // Nothing in the table names the account or the IP.
    const stored = await superuser.query(`SELECT key FROM "RateLimit"`);
    expect(stored.rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(stored.rows)).not.toMatch(/zeitz|203\.0\.113|198\.51/);
  });

  it(
    'stops spraying: one client guessing over many accounts is refused after 100 wrong guesses, on every account; owners elsewhere are not',
    { timeout: 180_000 },
    async () => {
      const sprayer = fromAdmin('203.0.113.66');
      // The owner signed in from the sprayer's address before (a shared office line): that client is known to the account.
      expect((await signIn(DEMO_USERS.einbeckMember2, DEMO_PASSWORD, sprayer)).status).toBe(200);
      // Nine guesses on each of many accounts: never ten in a row on one, so only the limit per client can stop it.
      const victims = Array.from({ length: 12 }, (_, i) => `opfer-${i}@example.org`);
      let refusedAt = -1;
      for (let attempt = 0; attempt < 110 && refusedAt < 0; attempt += 1) {
        const status = (await signIn(victims[Math.floor(attempt / 9)]!, `rate-${attempt}`, sprayer)).status;
        if (status === 429) refusedAt = attempt;
        else expect(status).toBe(401);
      }
      expect(refusedAt).toBe(SIGN_IN_LIMITS.ip.points);
      // A fresh account from the same client: refused before the password is looked at.
      expect((await signIn(DEMO_USERS.sangerhausenAdmin, DEMO_PASSWORD, sprayer)).status).toBe(429);
      // Owners at their own addresses sign in as always; the known client on the sprayed line too.
      expect((await signIn(DEMO_USERS.sangerhausenAdmin, DEMO_PASSWORD, fromAdmin('198.51.100.30'))).status).toBe(200);
      expect((await signIn(DEMO_USERS.einbeckMember2, DEMO_PASSWORD, sprayer)).status).toBe(200);
    },
  );

  it('limits one account across many clients, but not the clients its owner signed in from', async () => {
    const email = DEMO_USERS.einbeckManager;
    expect((await signIn(email, DEMO_PASSWORD, fromAdmin('198.51.100.40'))).status).toBe(200);
    // A botnet: one guess from each of many addresses.
    for (let i = 0; i < SIGN_IN_LIMITS.account.points; i += 1)
      expect((await signIn(email, `bot-${i}`, fromAdmin(`192.0.2.${100 + i}`))).status).toBe(401);
    expect((await signIn(email, DEMO_PASSWORD, fromAdmin('192.0.2.200'))).status).toBe(429);
    // The owner, from where they signed in before: not locked out.
    expect((await signIn(email, DEMO_PASSWORD, fromAdmin('198.51.100.40'))).status).toBe(200);
  });

  it('treats unknown accounts alike (no existence oracle) and believes a forwarded IP only with the admin secret', async () => {
    const email = 'niemand@example.org';
    // Without the secret the forwarded header is ignored: every attempt counts for the socket address.
    for (let i = 0; i < 10; i += 1)
      expect((await signIn(email, 'x', { [CLIENT_IP_HEADER]: `192.0.2.${i}` })).status).toBe(401);
    expect(
      (await signIn(email, 'x', { [CLIENT_IP_HEADER]: '192.0.2.99', [PROXY_SECRET_HEADER]: 'wrong-secret' })).status,
    ).toBe(429);
    // X-Forwarded-For proves nothing without a trusted proxy in front.
    expect((await signIn(email, 'x', { 'x-forwarded-for': '192.0.2.98' })).status).toBe(429);
    // With the secret, the forwarded address counts: another client, not limited.
    expect((await signIn(email, 'x', fromAdmin('192.0.2.97'))).status).toBe(401);
  });

  it('takes X-Forwarded-For through the configured number of proxies only: the entries a client writes in front change nothing', async () => {
    const email = 'xff@example.org';
    for (let i = 0; i < 10; i += 1)
      expect((await signIn(email, 'x', { 'x-forwarded-for': `10.9.9.${i}, 198.51.100.1` }, behindProxy)).status).toBe(
        401,
      );
    expect((await signIn(email, 'x', { 'x-forwarded-for': '10.9.9.200, 198.51.100.1' }, behindProxy)).status).toBe(429);
    // The entry our proxy appended is another client: not limited.
    expect((await signIn(email, 'x', { 'x-forwarded-for': '198.51.100.2' }, behindProxy)).status).toBe(401);
    // The admin's headers mean nothing to a server without the secret.
    expect(
      (await signIn(email, 'x', { ...fromAdmin('198.51.100.3'), 'x-forwarded-for': '198.51.100.1' }, behindProxy))
        .status,
    ).toBe(429);
  });

  it('a success clears the count of wrong guesses in a row', async () => {
    const email = DEMO_USERS.sangerhausenAdmin;
    for (let i = 0; i < 9; i += 1) expect((await signIn(email, 'falsch', fromAdmin('192.0.2.50'))).status).toBe(401);
    expect((await signIn(email, DEMO_PASSWORD, fromAdmin('192.0.2.50'))).status).toBe(200);
    for (let i = 0; i < 10; i += 1) expect((await signIn(email, 'falsch', fromAdmin('192.0.2.50'))).status).toBe(401);
    expect((await signIn(email, 'falsch', fromAdmin('192.0.2.50'))).status).toBe(429);
  });

  it('holds under concurrent guesses: at most 10 of 30 parallel attempts are checked', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, () => signIn(DEMO_USERS.einbeckMember, 'falsch', fromAdmin('192.0.2.77'))),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
  });
});

/**
 * Request safety of the HTTP API: security headers on every answer, and the
 * sign-in rate limit (sliding window in PostgreSQL, per account and client
 * IP, client IP believed only from the admin app).
 */
import { useTestDatabase } from '@hubwerk/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../../../prisma/seed.ts';
import { claimSignInAttempt, SIGN_IN_WINDOW_MS, signInBucket } from '../../../packages/api/src/routers/auth/sign-in-throttle.ts';
import { CLIENT_IP_HEADER, PROXY_SECRET_HEADER } from './client-ip.ts';
import { createLogger } from './logger.ts';
import { startApiServer, type RunningApiServer } from './server.ts';

const SECRET = 'test-proxy-secret-0123456789abcdef0123456789';
let api: RunningApiServer;
let superuser: pg.Client;

beforeAll(async () => {
  const db = await useTestDatabase({ fresh: true });
  await seedDemo({ platformUrl: db.platformUrl });
  api = await startApiServer({ port: 0, databaseUrl: db.appUrl, platformDatabaseUrl: db.platformUrl, logger: createLogger({ level: 'silent' }), proxySecret: SECRET, hsts: true });
  superuser = new pg.Client({ connectionString: db.superuserUrl });
  await superuser.connect();
});

afterAll(async () => {
  await superuser?.end();
  await api?.close();
});

function signIn(email: string, password: string, headers: Record<string, string> = {}) {
  return fetch(`${api.url}/trpc/auth.signIn`, {
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
  it('answers the 11th attempt within 15 minutes with 429 and a retry time, for the right password too', async () => {
    const email = DEMO_USERS.zeitzAdmin;
    for (let i = 0; i < 10; i += 1) expect((await signIn(email, 'falsch-falsch', fromAdmin('203.0.113.7'))).status).toBe(401);
    const limited = await signIn(email, DEMO_PASSWORD, fromAdmin('203.0.113.7'));
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    const body = (await limited.json()) as { error: { data: { messageKey: string; retryAfterSeconds: number } } };
    expect(body.error.data).toMatchObject({ messageKey: 'errors.auth.tooManyAttempts', retryAfterSeconds: retryAfter });

    // The real user at another IP is not locked out, and the count is not per IP alone.
    expect((await signIn(email, DEMO_PASSWORD, fromAdmin('198.51.100.20'))).status).toBe(200);
    expect((await signIn(DEMO_USERS.einbeckAdmin, DEMO_PASSWORD, fromAdmin('203.0.113.7'))).status).toBe(200);
    // Nothing in the table names the account or the IP.
    const stored = await superuser.query(`SELECT bucket FROM "SignInAttempt"`);
    expect(JSON.stringify(stored.rows)).not.toMatch(/zeitz|203\.0\.113/);
  });

  it('treats unknown accounts alike (no existence oracle) and believes a forwarded IP only with the admin secret', async () => {
    const email = 'niemand@example.org';
    // Without the secret the forwarded header is ignored: every attempt counts for the socket address.
    for (let i = 0; i < 10; i += 1) expect((await signIn(email, 'x', { [CLIENT_IP_HEADER]: `192.0.2.${i}` })).status).toBe(401);
    expect((await signIn(email, 'x', { [CLIENT_IP_HEADER]: '192.0.2.99', [PROXY_SECRET_HEADER]: 'wrong-secret' })).status).toBe(429);
  });

  it('slides: a failure older than 15 minutes no longer counts, and a success clears the count', async () => {
    const bucket = signInBucket('slide@example.org', '192.0.2.1');
    const start = Date.now();
    for (let i = 0; i < 10; i += 1) expect((await claimSignInAttempt(api.deps.db, bucket, new Date(start + i * 60_000))).allowed).toBe(true);
    const blocked = await claimSignInAttempt(api.deps.db, bucket, new Date(start + 10 * 60_000));
    expect(blocked).toEqual({ allowed: false, retryAfterSeconds: 5 * 60 });
    expect((await claimSignInAttempt(api.deps.db, bucket, new Date(start + SIGN_IN_WINDOW_MS + 1))).allowed).toBe(true);

    const email = DEMO_USERS.sangerhausenAdmin;
    for (let i = 0; i < 9; i += 1) await signIn(email, 'falsch', fromAdmin('192.0.2.50'));
    expect((await signIn(email, DEMO_PASSWORD, fromAdmin('192.0.2.50'))).status).toBe(200);
    for (let i = 0; i < 10; i += 1) expect((await signIn(email, 'falsch', fromAdmin('192.0.2.50'))).status).toBe(401);
  });

  it('holds under concurrent guesses: at most 10 of 30 parallel attempts are checked', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, () => signIn(DEMO_USERS.einbeckMember, 'falsch', fromAdmin('192.0.2.77'))));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
  });
});

/**
 * Password reset by email, delivered to a real SMTP server in this test.
 * The request is answered before any account is looked up (ADR 024): the
 * worker does the lookup, so the answer cannot depend on the account.
 */
import { randomUUID } from 'node:crypto';
import type { AppClient } from '@hubwerk/db';
import pg from 'pg';
import pino from 'pino';
import { describe, expect } from 'vitest';
import { DEMO_USERS } from '../../../../../prisma/seed.ts';
import { startTestSmtp, type TestSmtp } from '../../testing/index.ts';
import { createJobWorker, type JobWorker } from '../../jobs/worker.ts';
import { createContext } from '../../context.ts';
import { PUBLIC_LIMITS } from '../../rate-limits.ts';
import { failure } from '../../test-support.ts';
import { requestPasswordReset } from './password-reset.service.ts';
import { fileFixtures, seededApiTest } from '../../testing/fixtures.ts';

const test = seededApiTest();
const file = fileFixtures(test);

let smtp: TestSmtp;
let worker: JobWorker;
let appUrl: string;

test.beforeAll(async ({ api, database }) => {
  appUrl = database.appUrl;

  smtp = await startTestSmtp();
  worker = createJobWorker({
    platform: api.deps.platform,
    logger: pino({ level: 'silent' }),
    mail: { smtpUrl: smtp.url, from: 'noreply@hubwerk.test' },
    adminUrl: () => 'http://admin.test',
  });
});

test.afterAll(async () => {
  await worker?.stop();
  await smtp?.close();
});

test.beforeEach(() => {
  smtp.received.length = 0;
});

const NEW_PASSWORD = 'ganz-neues-passwort-2026';
const linkToken = (text: string) => /http:\/\/admin\.test\/reset-password\/([A-Za-z0-9_-]+)/.exec(text)?.[1];
const outboxCount = async () =>
  Number((await file.superuser.query(`SELECT count(*) AS n FROM "OutboxEmail"`)).rows[0].n);

describe('password reset', () => {
  test('mails a German single-use link; the new password works and every old session ends', async ({ api }) => {
    const user = DEMO_USERS.einbeckMember2;
    const [first, second] = [await api.as(user), await api.as(user)];
    expect(await api.caller().auth.requestPasswordReset({ email: user.toUpperCase() })).toEqual({ ok: true });
    await worker.drain();
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.to).toEqual([user]);
    expect(mail.subject).toBe('Hubwerk: Passwort zurücksetzen');
    expect(mail.text).toContain('Um ein neues Passwort festzulegen, öffnen Sie bitte diesen Link:');
    expect(mail.text).toContain('60 Minuten gültig');
    const token = linkToken(mail.text);
    expect(token).toBeDefined();

    await expect(api.caller().auth.resetPassword({ token: token!, password: 'kurz' })).rejects.toThrow(
      'validation.password.tooShort',
    );
    expect(await api.caller().auth.resetPassword({ token: token!, password: NEW_PASSWORD })).toEqual({ ok: true });
    await expect(first.auth.me()).rejects.toThrow('errors.unauthorized');
    await expect(second.auth.me()).rejects.toThrow('errors.unauthorized');
    await expect(api.as(user)).rejects.toThrow('errors.auth.invalidCredentials');
    const signedIn = await api.as(user, NEW_PASSWORD);
    expect((await signedIn.auth.me()).user.email).toBe(user);
    // Single use.
    await expect(
      api.caller().auth.resetPassword({ token: token!, password: 'noch-ein-passwort-2026' }),
    ).rejects.toThrow('errors.passwordReset.invalid');
  });

  test('answers the same for an unknown address, and sends nothing', async ({ api }) => {
    const before = await outboxCount();
    expect(await api.caller().auth.requestPasswordReset({ email: 'niemand@example.org' })).toEqual({ ok: true });
    expect(await outboxCount()).toBe(before);
    await worker.drain();
    expect(smtp.received).toEqual([]);
  });

  test('rejects an expired link with a clear message and leaves the password', async ({ api, superuser }) => {
    const user = DEMO_USERS.zeitzAdmin;
    await api.caller().auth.requestPasswordReset({ email: user });
    await worker.drain();
    const token = linkToken(smtp.received[0]!.text)!;
    await superuser.query(
      `UPDATE "PasswordResetToken" t SET "expiresAt" = now() - interval '1 second' FROM "User" u WHERE u.id = t."userId" AND u.email = $1`,
      [user],
    );
    await expect(api.caller().auth.resetPassword({ token, password: NEW_PASSWORD })).rejects.toThrow(
      'errors.passwordReset.expired',
    );
    await expect(api.as(user)).resolves.toBeDefined();
  });

  test('a newer link replaces the older one; more than 3 requests an hour send no more mails', async ({ api }) => {
    const user = DEMO_USERS.sangerhausenAdmin;
    for (let i = 0; i < 5; i += 1)
      expect(await api.caller().auth.requestPasswordReset({ email: user })).toEqual({ ok: true });
    await worker.drain();
    expect(smtp.received).toHaveLength(3);
    const tokens = smtp.received.map((m) => linkToken(m.text)!);
    // Mails may arrive in any order; only the newest link works.
    const outcomes: string[] = [];
    for (const token of tokens) {
      outcomes.push(
        await api
          .caller()
          .auth.resetPassword({ token, password: NEW_PASSWORD })
          .then(
            () => 'ok',
            (e: Error) => e.message,
          ),
      );
    }
    expect(outcomes.sort()).toEqual(['errors.passwordReset.invalid', 'errors.passwordReset.invalid', 'ok']);
  });
});

describe('password reset without an account oracle', () => {
  const countOf = async (table: string) =>
    Number((await file.superuser.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n);
  const contextFrom = (clientIp: string, db: AppClient = file.api.deps.db) =>
    createContext(
      { ...file.api.deps, db },
      { requestId: randomUUID(), sessionToken: null, userAgent: 'vitest', clientIp, log: {} },
    );

  test('answers without touching any account: the request only stores the address', async ({ api }) => {
    // A database client that fails on everything but the request queue and the limiter's pool.
    const allowed = new Set<PropertyKey>(['passwordResetRequest', '$pool']);
    const guarded = new Proxy(api.deps.db, {
      get(target, key, receiver) {
        if (typeof key === 'string' && !allowed.has(key)) throw new Error(`the request path read db.${key}`);
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    for (const email of [DEMO_USERS.einbeckAdmin, 'niemand@example.org']) {
      expect(await requestPasswordReset(contextFrom('198.51.100.60', guarded), { email })).toEqual({ ok: true });
    }
  });

  test('leaves the same trace for a known and an unknown address until the worker ran; the app role cannot read it back', async ({
    api,
    superuser,
  }) => {
    await worker.drain();
    smtp.received.length = 0;
    const [tokens, mails] = [await countOf('PasswordResetToken'), await countOf('OutboxEmail')];
    const known = await api.caller().auth.requestPasswordReset({ email: DEMO_USERS.einbeckManager });
    const unknown = await api.caller().auth.requestPasswordReset({ email: 'unbekannt@example.org' });
    expect(known).toEqual(unknown);
    // Nothing about either account yet: no token, no mail; two queued addresses.
    expect([await countOf('PasswordResetToken'), await countOf('OutboxEmail')]).toEqual([tokens, mails]);
    expect((await superuser.query(`SELECT email FROM "PasswordResetRequest" ORDER BY email`)).rows).toEqual([
      { email: DEMO_USERS.einbeckManager },
      { email: 'unbekannt@example.org' },
    ]);
    const app = new pg.Client({ connectionString: appUrl });
    await app.connect();
    try {
      await expect(app.query(`SELECT email FROM "PasswordResetRequest"`)).rejects.toMatchObject({ code: '42501' });
    } finally {
      await app.end();
    }
    // The worker looks up, mails the account that exists, and forgets both requests.
    await worker.drain();
    expect(smtp.received.map((m) => m.to)).toEqual([[DEMO_USERS.einbeckManager]]);
    expect(await countOf('PasswordResetRequest')).toBe(0);
    expect(await countOf('PasswordResetToken')).toBe(tokens + 1);
  });

  test('limits requests per client IP, the same for every address', async ({ superuser }) => {
    const ip = '203.0.113.80';
    for (let i = 0; i < PUBLIC_LIMITS.passwordResetIp.points; i += 1) {
      expect(
        await requestPasswordReset(contextFrom(ip), { email: i % 2 ? DEMO_USERS.einbeckAdmin : `x${i}@example.org` }),
      ).toEqual({ ok: true });
    }
    for (const email of [DEMO_USERS.einbeckAdmin, 'niemand@example.org']) {
      expect(await failure(requestPasswordReset(contextFrom(ip), { email }))).toMatchObject({
        code: 'TOO_MANY_REQUESTS',
        messageKey: 'errors.limits.passwordReset',
      });
    }
    expect(await requestPasswordReset(contextFrom('203.0.113.81'), { email: DEMO_USERS.einbeckAdmin })).toEqual({
      ok: true,
    });
    await superuser.query(`DELETE FROM "PasswordResetRequest"`);
  });

  test('takes about the same time for both (measured and printed, not asserted: the structure above is the proof)', async ({
    superuser,
  }) => {
    const rounds = 40;
    const time = async (email: (i: number) => string, prefix: string) => {
      const samples: number[] = [];
      for (let i = 0; i < rounds; i += 1) {
        const started = performance.now();
        await requestPasswordReset(contextFrom(`${prefix}.${i}`), { email: email(i) });
        samples.push(performance.now() - started);
      }
      samples.sort((a, b) => a - b);
      return { median: samples[Math.floor(rounds / 2)]!, p90: samples[Math.floor(rounds * 0.9)]! };
    };
    // Interleaved warm-up, then each kind from its own addresses.
    await time(() => 'warm@example.org', '192.0.2');
    const known = await time(() => DEMO_USERS.zeitzAdmin, '198.18.0');
    const unknown = await time((i) => `nobody-${i}@example.org`, '198.18.1');
    console.log(
      `requestPasswordReset, ${rounds} calls each: existing account median ${known.median.toFixed(2)} ms (p90 ${known.p90.toFixed(2)}), unknown address median ${unknown.median.toFixed(2)} ms (p90 ${unknown.p90.toFixed(2)})`,
    );
    expect(await countOf('PasswordResetRequest')).toBe(3 * rounds);
    await superuser.query(`DELETE FROM "PasswordResetRequest"`);
  });
});

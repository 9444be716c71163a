/**
 * Password reset by email, delivered to a real SMTP server in this test.
 */
import { useTestDatabase } from '@hubwerk/db/testing';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_USERS, seedDemo } from '../../../../../prisma/seed.ts';
import { startTestSmtp, type TestSmtp } from '../../mail/test-smtp.ts';
import { createMailWorker, type MailWorker } from '../../mail/worker.ts';
import { createTestApi, type TestApi } from '../../test-support.ts';

let api: TestApi;
let superuser: pg.Client;
let smtp: TestSmtp;
let worker: MailWorker;

beforeAll(async () => {
  const db = await useTestDatabase({ fresh: true });
  await seedDemo({ platformUrl: db.platformUrl });
  api = createTestApi(db);
  superuser = new pg.Client({ connectionString: db.superuserUrl });
  await superuser.connect();
  smtp = await startTestSmtp();
  worker = createMailWorker({ platform: api.deps.platform, logger: pino({ level: 'silent' }), smtpUrl: smtp.url, from: 'noreply@hubwerk.test', passwordResets: { adminUrl: () => 'http://admin.test' } });
});

afterAll(async () => {
  await worker?.stop();
  await smtp?.close();
  await superuser?.end();
  await api?.close();
});

beforeEach(() => {
  smtp.received.length = 0;
});

const NEW_PASSWORD = 'ganz-neues-passwort-2026';
const linkToken = (text: string) => /http:\/\/admin\.test\/reset-password\/([A-Za-z0-9_-]+)/.exec(text)?.[1];
const outboxCount = async () => Number((await superuser.query(`SELECT count(*) AS n FROM "OutboxEmail"`)).rows[0].n);

describe('password reset', () => {
  it('mails a German single-use link; the new password works and every old session ends', async () => {
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

    await expect(api.caller().auth.resetPassword({ token: token!, password: 'kurz' })).rejects.toThrow('validation.password.tooShort');
    expect(await api.caller().auth.resetPassword({ token: token!, password: NEW_PASSWORD })).toEqual({ ok: true });
    await expect(first.auth.me()).rejects.toThrow('errors.unauthorized');
    await expect(second.auth.me()).rejects.toThrow('errors.unauthorized');
    await expect(api.as(user)).rejects.toThrow('errors.auth.invalidCredentials');
    const signedIn = await api.as(user, NEW_PASSWORD);
    expect((await signedIn.auth.me()).user.email).toBe(user);
    // Single use.
    await expect(api.caller().auth.resetPassword({ token: token!, password: 'noch-ein-passwort-2026' })).rejects.toThrow('errors.passwordReset.invalid');
  });

  it('answers the same for an unknown address, and sends nothing', async () => {
    const before = await outboxCount();
    expect(await api.caller().auth.requestPasswordReset({ email: 'niemand@example.org' })).toEqual({ ok: true });
    expect(await outboxCount()).toBe(before);
    await worker.drain();
    expect(smtp.received).toEqual([]);
  });

  it('rejects an expired link with a clear message and leaves the password', async () => {
    const user = DEMO_USERS.zeitzAdmin;
    await api.caller().auth.requestPasswordReset({ email: user });
    await worker.drain();
    const token = linkToken(smtp.received[0]!.text)!;
    await superuser.query(`UPDATE "PasswordResetToken" t SET "expiresAt" = now() - interval '1 second' FROM "User" u WHERE u.id = t."userId" AND u.email = $1`, [user]);
    await expect(api.caller().auth.resetPassword({ token, password: NEW_PASSWORD })).rejects.toThrow('errors.passwordReset.expired');
    await expect(api.as(user)).resolves.toBeDefined();
  });

  it('a newer link replaces the older one; more than 3 requests an hour send no more mails', async () => {
    const user = DEMO_USERS.sangerhausenAdmin;
    for (let i = 0; i < 5; i += 1) expect(await api.caller().auth.requestPasswordReset({ email: user })).toEqual({ ok: true });
    await worker.drain();
    expect(smtp.received).toHaveLength(3);
    const tokens = smtp.received.map((m) => linkToken(m.text)!);
    // Mails may arrive in any order; only the newest link works.
    const outcomes: string[] = [];
    for (const token of tokens) {
      outcomes.push(await api.caller().auth.resetPassword({ token, password: NEW_PASSWORD }).then(() => 'ok', (e: Error) => e.message));
    }
    expect(outcomes.sort()).toEqual(['errors.passwordReset.invalid', 'errors.passwordReset.invalid', 'ok']);
  });
});

/**
 * The optional second factor (TOTP, ADR 012) against a real database:
 * enrolment, the two-step sign-in, wrong and reused codes, single-use
 * recovery codes and challenges, the shared sign-in rate limit, disabling.
 */
import { totpCode } from '@hubwerk/auth';
import { describe, expect } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS } from '../../../prisma/seed.ts';
import type { Caller } from './test-support.ts';
import { fileFixtures, seededApiTest } from './testing/fixtures.ts';

const test = seededApiTest();
const file = fileFixtures(test);

const userRow = async (email: string) =>
  (
    await file.superuser.query(
      `SELECT id, "totpSecret", "totpPendingSecret", "totpEnabledAt", "totpLastStep" FROM "User" WHERE email = $1`,
      [email],
    )
  ).rows[0];
const sessionCount = async (email: string) =>
  Number(
    (
      await file.superuser.query(
        `SELECT count(*) AS n FROM "Session" s JOIN "User" u ON u.id = s."userId" WHERE u.email = $1`,
        [email],
      )
    ).rows[0].n,
  );
/** Lets a test use another code within the same 30 seconds (the reuse rule is tested on its own). */
const forgetLastStep = (email: string) =>
  file.superuser.query(`UPDATE "User" SET "totpLastStep" = NULL WHERE email = $1`, [email]);
const clearThrottle = () => file.superuser.query(`DELETE FROM "RateLimit"`);

/** Enrols the user; returns the secret and the recovery codes. */
async function enrol(email: string): Promise<{ caller: Caller; secret: string; recoveryCodes: string[] }> {
  const caller = await file.api.as(email);
  const { secret } = await caller.mfa.startEnrolment({});
  const { recoveryCodes } = await caller.mfa.confirmEnrolment({ code: totpCode(secret, Date.now()) });
  await forgetLastStep(email);
  return { caller, secret, recoveryCodes };
}

async function challengeFor(email: string): Promise<string> {
  const result = await file.api.caller().auth.signIn({ email, password: DEMO_PASSWORD });
  if (result.status !== 'second-factor-required') throw new Error(`expected a challenge, got ${result.status}`);
  return result.challenge;
}

describe('enrolment', () => {
  test('keeps the secret encrypted, confirms with a first code and shows ten recovery codes once', async ({
    api,
    superuser,
  }) => {
    const email = DEMO_USERS.platform;
    const caller = await api.as(email);
    expect(await caller.mfa.status()).toEqual({ enabled: false, enabledAt: null, recoveryCodesLeft: 0, pending: null });

    const { secret, otpauthUri } = await caller.mfa.startEnrolment({});
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(new URL(otpauthUri).searchParams.get('secret')).toBe(secret);
    expect(otpauthUri).toContain(encodeURIComponent(email));
    // Pending, encrypted at rest, shown again to its owner until confirmed.
    const pending = await userRow(email);
    expect(pending.totpPendingSecret).toMatch(/^v1\./);
    expect(pending.totpPendingSecret).not.toContain(secret);
    expect(pending.totpSecret).toBeNull();
    expect((await caller.mfa.status()).pending).toEqual({ secret, otpauthUri });

    await expect(
      caller.mfa.confirmEnrolment({ code: '000000' === totpCode(secret, Date.now()) ? '111111' : '000000' }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      fieldErrors: { code: ['errors.mfa.invalidCode'] },
    });
    expect((await userRow(email)).totpEnabledAt).toBeNull();

    const { recoveryCodes } = await caller.mfa.confirmEnrolment({ code: totpCode(secret, Date.now()) });
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const enabled = await userRow(email);
    expect(enabled.totpEnabledAt).not.toBeNull();
    expect(enabled.totpPendingSecret).toBeNull();
    expect(enabled.totpSecret).toMatch(/^v1\./);
    expect(enabled.totpSecret).not.toContain(secret);
    const stored = await superuser.query(`SELECT "codeHash" FROM "RecoveryCode" WHERE "userId" = $1`, [enabled.id]);
    expect(stored.rows).toHaveLength(10);
    for (const { codeHash } of stored.rows) {
      expect(codeHash).toMatch(/^[0-9a-f]{64}$/);
      expect(recoveryCodes).not.toContain(codeHash);
    }
    const status = await caller.mfa.status();
    expect(status).toMatchObject({ enabled: true, recoveryCodesLeft: 10, pending: null });
    // The active secret never leaves the server again, and there is no second enrolment over it.
    expect(JSON.stringify(status)).not.toContain(secret);
    await expect(caller.mfa.startEnrolment({})).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'errors.mfa.alreadyEnabled',
    });
    const audit = await superuser.query(
      `SELECT action FROM "AuditLog" WHERE "actorUserId" = $1 AND action LIKE 'user.secondFactor%' ORDER BY "createdAt"`,
      [enabled.id],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['user.secondFactorEnrolmentStarted', 'user.secondFactorEnabled']);
  });

  test('refuses to confirm without a started enrolment', async ({ api }) => {
    const caller = await api.as(DEMO_USERS.sangerhausenAdmin);
    await expect(caller.mfa.confirmEnrolment({ code: '123456' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'errors.mfa.noEnrolment',
    });
  });
});

describe('signing in with a second factor', () => {
  let secret: string;
  let recoveryCodes: string[];
  const email = DEMO_USERS.partner;

  test.beforeAll(async () => {
    ({ secret, recoveryCodes } = await enrol(email));
    await clearThrottle();
  });

  test('gives a challenge, not a session, for the password alone', async ({ api }) => {
    const before = await sessionCount(email);
    const challenge = await challengeFor(email);
    expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await sessionCount(email)).toBe(before);
    // The challenge is no session token.
    await expect(api.caller(challenge).auth.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  test('opens a session for the right code; a wrong code, a reused code and a used challenge are refused', async ({
    api,
  }) => {
    const challenge = await challengeFor(email);
    const code = totpCode(secret, Date.now());
    const wrong = code === '000000' ? '111111' : '000000';
    await expect(api.caller().mfa.completeSignIn({ challenge, code: wrong })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'errors.mfa.invalidCode',
    });
    const before = await sessionCount(email);
    const { token } = await api.caller().mfa.completeSignIn({ challenge, code });
    expect(await sessionCount(email)).toBe(before + 1);
    expect((await api.caller(token).auth.me()).user.email).toBe(email);
    // The challenge is spent.
    await expect(
      api.caller().mfa.completeSignIn({ challenge, code: totpCode(secret, Date.now() + 30_000) }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'errors.mfa.challengeExpired' });
    // The code is spent too: a new challenge with the same code fails.
    const again = await challengeFor(email);
    await expect(api.caller().mfa.completeSignIn({ challenge: again, code })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'errors.mfa.invalidCode',
    });
    expect(await sessionCount(email)).toBe(before + 1);
    await forgetLastStep(email);
    await clearThrottle();
  });

  test('accepts each recovery code once', async ({ api }) => {
    const [first, second] = recoveryCodes;
    // Typed loosely: upper case, a space instead of the dash.
    const { token } = await api
      .caller()
      .mfa.completeSignIn({ challenge: await challengeFor(email), code: first!.toUpperCase().replace('-', ' ') });
    expect((await api.caller(token).auth.me()).user.email).toBe(email);
    await expect(
      api.caller().mfa.completeSignIn({ challenge: await challengeFor(email), code: first! }),
    ).rejects.toMatchObject({ message: 'errors.mfa.invalidCode' });
    expect((await api.caller(token).mfa.status()).recoveryCodesLeft).toBe(9);
    // Another user's recovery code is no code for this account.
    await expect(
      api.caller().mfa.completeSignIn({ challenge: await challengeFor(email), code: 'abcde-fghjk' }),
    ).rejects.toMatchObject({ message: 'errors.mfa.invalidCode' });
    expect(second).toBeDefined();
    await clearThrottle();
  });

  test('kills a challenge after five wrong codes, and an expired one', async ({ api, superuser }) => {
    const challenge = await challengeFor(email);
    for (let i = 0; i < 5; i++) {
      await expect(
        api.caller().mfa.completeSignIn({
          challenge,
          code:
            `9${String(i).padStart(5, '0')}` === totpCode(secret, Date.now())
              ? '888888'
              : `9${String(i).padStart(5, '0')}`,
        }),
      ).rejects.toMatchObject({ message: 'errors.mfa.invalidCode' });
    }
    await expect(
      api.caller().mfa.completeSignIn({ challenge, code: totpCode(secret, Date.now()) }),
    ).rejects.toMatchObject({ message: 'errors.mfa.challengeExpired' });
    await clearThrottle();
    const stale = await challengeFor(email);
    await superuser.query(
      `UPDATE "SignInChallenge" SET "expiresAt" = now() - interval '1 second' WHERE "usedAt" IS NULL AND failures = 0`,
    );
    await expect(
      api.caller().mfa.completeSignIn({ challenge: stale, code: totpCode(secret, Date.now()) }),
    ).rejects.toMatchObject({ message: 'errors.mfa.challengeExpired' });
    await clearThrottle();
  });

  test('counts wrong codes toward the sign-in rate limit: after ten failures even the right password and code wait', async ({
    api,
  }) => {
    await clearThrottle();
    // 1 password + 5 codes, 1 password + 4 codes = 11 attempts; none of them cleared the count.
    let challenge = await challengeFor(email);
    for (let i = 0; i < 5; i++)
      await expect(api.caller().mfa.completeSignIn({ challenge, code: 'zzzzz-zzzzz' })).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
    challenge = await challengeFor(email);
    for (let i = 0; i < 3; i++)
      await expect(api.caller().mfa.completeSignIn({ challenge, code: 'zzzzz-zzzzz' })).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
    // The 11th attempt, with the right code.
    await expect(
      api.caller().mfa.completeSignIn({ challenge, code: totpCode(secret, Date.now()) }),
    ).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS', retryAfterSeconds: expect.any(Number) });
    await expect(api.caller().auth.signIn({ email, password: DEMO_PASSWORD })).rejects.toMatchObject({
      code: 'TOO_MANY_REQUESTS',
    });
    await clearThrottle();
  });
});

describe('disabling', () => {
  test('needs the password and a code; afterwards the password alone signs in', async ({ api, superuser }) => {
    const email = DEMO_USERS.zeitzAdmin;
    const { caller, secret } = await enrol(email);
    await expect(
      caller.mfa.disable({ password: 'falsch-falsch', code: totpCode(secret, Date.now()) }),
    ).rejects.toMatchObject({ fieldErrors: { password: ['errors.auth.wrongPassword'] } });
    await expect(
      caller.mfa.disable({
        password: DEMO_PASSWORD,
        code: '000000' === totpCode(secret, Date.now()) ? '111111' : '000000',
      }),
    ).rejects.toMatchObject({ fieldErrors: { code: ['errors.mfa.invalidCode'] } });
    expect((await caller.mfa.status()).enabled).toBe(true);
    expect(await caller.mfa.disable({ password: DEMO_PASSWORD, code: totpCode(secret, Date.now()) })).toEqual({
      ok: true,
    });
    const row = await userRow(email);
    expect(row).toMatchObject({ totpSecret: null, totpEnabledAt: null, totpLastStep: null });
    expect(
      (await superuser.query(`SELECT count(*)::int AS n FROM "RecoveryCode" WHERE "userId" = $1`, [row.id])).rows[0].n,
    ).toBe(0);
    expect((await api.caller().auth.signIn({ email, password: DEMO_PASSWORD })).status).toBe('signed-in');
    await expect(caller.mfa.disable({ password: DEMO_PASSWORD, code: '123456' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'errors.mfa.notEnabled',
    });
    await clearThrottle();
  });
});

import {
  createSession,
  decryptSecret,
  encryptSecret,
  hashRecoveryCode,
  hashToken,
  matchTotp,
  newRecoveryCodes,
  newToken,
  newTotpSecret,
  totpUri,
  verifyPassword,
} from '@hubwerk/auth';
import type { Context } from '../../context.ts';
import { DomainError, TooManyRequestsError, fieldError } from '../../errors.ts';
import { claimSignInAttempt, clearSignInAttempts, type SignInBucket, signInBucket } from '../auth/sign-in-throttle.ts';
import { secretContext, spendSecondFactor } from './second-factor.ts';

/**
 * The optional second factor (TOTP, RFC 6238; ADR 012). Every code check
 * counts toward the sign-in rate limit of ADR 008 (same bucket as the
 * password), so a stolen password buys no more guesses at the code.
 */
export const CHALLENGE_LIFETIME_MS = 5 * 60 * 1000;
/** Wrong codes one challenge survives; then the password must be given again. */
export const CHALLENGE_MAX_FAILURES = 5;

type Authed = Context & { session: { sessionId: string; userId: string; email: string } };

async function throttle(ctx: Context, email: string): Promise<SignInBucket> {
  const bucket = signInBucket(email, ctx.clientIp ?? null);
  const decision = await claimSignInAttempt(ctx.db, bucket);
  if (!decision.allowed) {
    ctx.logger.warn(
      { reqId: ctx.requestId, event: 'auth.secondFactorThrottled', retryAfterSeconds: decision.retryAfterSeconds },
      'sign-in rate limit',
    );
    throw new TooManyRequestsError('errors.auth.tooManyAttempts', decision.retryAfterSeconds);
  }
  return bucket;
}

/** A user's own security event: it belongs to no town, so it is recorded through the audited platform client. */
async function audit(ctx: Authed, action: string, data?: Record<string, string | number | boolean>) {
  await ctx.platform.run(async () => null, {
    action,
    actorUserId: ctx.session.userId,
    targetType: 'User',
    targetId: ctx.session.userId,
    requestId: ctx.requestId,
    ...(data ? { data } : {}),
  });
}

export async function mfaStatus(ctx: Authed) {
  const user = await ctx.db.user.findUniqueOrThrow({
    where: { id: ctx.session.userId },
    select: { totpEnabledAt: true, totpPendingSecret: true },
  });
  const recoveryCodesLeft = user.totpEnabledAt
    ? await ctx.db.recoveryCode.count({ where: { userId: ctx.session.userId, usedAt: null } })
    : 0;
  // The pending secret goes back to its owner only until the first code confirms it; an active one never leaves the server again.
  const pendingSecret =
    !user.totpEnabledAt && user.totpPendingSecret
      ? decryptSecret(ctx.dataEncryptionKey, user.totpPendingSecret, secretContext(ctx.session.userId))
      : null;
  return {
    enabled: user.totpEnabledAt !== null,
    enabledAt: user.totpEnabledAt?.toISOString() ?? null,
    recoveryCodesLeft,
    pending: pendingSecret ? { secret: pendingSecret, otpauthUri: totpUri(pendingSecret, ctx.session.email) } : null,
  };
}

/** A new secret, kept (encrypted) as pending until a first code confirms that the app has it. */
export async function startEnrolment(ctx: Authed) {
  const secret = newTotpSecret();
  const { count } = await ctx.db.user.updateMany({
    where: { id: ctx.session.userId, totpEnabledAt: null },
    data: { totpPendingSecret: encryptSecret(ctx.dataEncryptionKey, secret, secretContext(ctx.session.userId)) },
  });
  if (count === 0) throw new DomainError('CONFLICT', 'errors.mfa.alreadyEnabled');
  await audit(ctx, 'user.secondFactorEnrolmentStarted');
  return { secret, otpauthUri: totpUri(secret, ctx.session.email) };
}

/** The first valid code switches the factor on; the ten recovery codes are returned this once, only their hashes stay. */
export async function confirmEnrolment(ctx: Authed, input: { code: string }) {
  const bucket = await throttle(ctx, ctx.session.email);
  const user = await ctx.db.user.findUniqueOrThrow({
    where: { id: ctx.session.userId },
    select: { totpEnabledAt: true, totpPendingSecret: true },
  });
  if (user.totpEnabledAt) throw new DomainError('CONFLICT', 'errors.mfa.alreadyEnabled');
  if (!user.totpPendingSecret) throw new DomainError('CONFLICT', 'errors.mfa.noEnrolment');
  const secret = decryptSecret(ctx.dataEncryptionKey, user.totpPendingSecret, secretContext(ctx.session.userId));
  const step = matchTotp(secret, input.code.replace(/\s/g, ''), Date.now(), null);
  if (step === null) throw fieldError('code', 'errors.mfa.invalidCode');
  const codes = newRecoveryCodes();
  const enabled = await ctx.db.$transaction(async (tx) => {
    // Only the pending secret the code was checked against (a parallel "start again" would have replaced it).
    const { count } = await tx.user.updateMany({
      where: { id: ctx.session.userId, totpEnabledAt: null, totpPendingSecret: user.totpPendingSecret },
      data: {
        totpSecret: user.totpPendingSecret,
        totpPendingSecret: null,
        totpEnabledAt: new Date(),
        totpLastStep: step,
      },
    });
    if (count === 0) return false;
    await tx.recoveryCode.deleteMany({ where: { userId: ctx.session.userId } });
    await tx.recoveryCode.createMany({
      data: codes.map((code) => ({ userId: ctx.session.userId, codeHash: hashRecoveryCode(ctx.session.userId, code) })),
    });
    return true;
  });
  if (!enabled) throw new DomainError('CONFLICT', 'errors.mfa.noEnrolment');
  await clearSignInAttempts(ctx.db, bucket);
  await audit(ctx, 'user.secondFactorEnabled');
  return { recoveryCodes: codes };
}

/** Switching the factor off needs both the password and a code (TOTP or recovery): a stolen session alone cannot do it. */
export async function disableSecondFactor(ctx: Authed, input: { password: string; code: string }) {
  const bucket = await throttle(ctx, ctx.session.email);
  const user = await ctx.db.user.findUniqueOrThrow({
    where: { id: ctx.session.userId },
    select: { id: true, passwordHash: true, totpEnabledAt: true, totpSecret: true, totpLastStep: true },
  });
  if (!user.totpEnabledAt) throw new DomainError('CONFLICT', 'errors.mfa.notEnabled');
  if (!(await verifyPassword(user.passwordHash, input.password)))
    throw fieldError('password', 'errors.auth.wrongPassword');
  const used = await spendSecondFactor(ctx.db, ctx.dataEncryptionKey, user, input.code);
  if (!used) throw fieldError('code', 'errors.mfa.invalidCode');
  await ctx.db.$transaction(async (tx) => {
    await tx.user.update({
      where: { id: user.id },
      data: { totpSecret: null, totpEnabledAt: null, totpLastStep: null, totpPendingSecret: null },
    });
    await tx.recoveryCode.deleteMany({ where: { userId: user.id } });
  });
  await clearSignInAttempts(ctx.db, bucket);
  await audit(ctx, 'user.secondFactorDisabled', { with: used });
  return { ok: true as const };
}

/**
 * Called by auth.signIn after a correct password for a user with a second
 * factor: no session yet, only a short-lived single-use challenge. The
 * password attempt stays counted (the bucket is cleared only once the code
 * is right), so password + code guesses share one limit.
 */
export async function issueSignInChallenge(ctx: Context, userId: string) {
  const challenge = newToken();
  const expiresAt = new Date(Date.now() + CHALLENGE_LIFETIME_MS);
  await ctx.db.signInChallenge.create({ data: { userId, tokenHash: hashToken(challenge), expiresAt } });
  return { status: 'second-factor-required' as const, challenge, expiresAt: expiresAt.toISOString() };
}

/** The second step of signing in: challenge + code → a session (a fresh token, as at every sign-in). */
export async function completeSignIn(ctx: Context, input: { challenge: string; code: string }) {
  const now = new Date();
  const found = await ctx.db.signInChallenge.findUnique({
    where: { tokenHash: hashToken(input.challenge) },
    select: {
      id: true,
      expiresAt: true,
      usedAt: true,
      failures: true,
      user: { select: { id: true, email: true, totpSecret: true, totpLastStep: true, totpEnabledAt: true } },
    },
  });
  const usable =
    found &&
    !found.usedAt &&
    found.expiresAt > now &&
    found.failures < CHALLENGE_MAX_FAILURES &&
    found.user.totpEnabledAt;
  if (!found || !usable) throw new DomainError('BAD_REQUEST', 'errors.mfa.challengeExpired');
  const bucket = await throttle(ctx, found.user.email);
  const used = await spendSecondFactor(ctx.db, ctx.dataEncryptionKey, found.user, input.code, now.getTime());
  if (!used) {
    await ctx.db.signInChallenge.update({ where: { id: found.id }, data: { failures: { increment: 1 } } });
    throw new DomainError('UNAUTHORIZED', 'errors.mfa.invalidCode');
  }
  // Single use: of two requests racing with one challenge, one gets the session.
  const { count } = await ctx.db.signInChallenge.updateMany({
    where: { id: found.id, usedAt: null },
    data: { usedAt: now },
  });
  if (count !== 1) throw new DomainError('BAD_REQUEST', 'errors.mfa.challengeExpired');
  await clearSignInAttempts(ctx.db, bucket);
  const session = await createSession(ctx.db, found.user.id, ctx.userAgent, ctx.clientIp);
  ctx.log.userId = found.user.id;
  if (used === 'recovery') {
    ctx.logger.info(
      { reqId: ctx.requestId, event: 'auth.recoveryCodeUsed', userId: found.user.id },
      'signed in with a recovery code',
    );
  }
  return { token: session.token, expiresAt: session.expiresAt.toISOString() };
}

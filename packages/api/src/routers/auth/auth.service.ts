import { MIN_PASSWORD_LENGTH, createSession, hashPassword, revokeSession, verifyPassword } from '@hubwerk/auth';
import type { Context } from '../../context.ts';
import { DomainError, TooManyRequestsError, fieldError, notFound } from '../../errors.ts';
import { issueSignInChallenge } from '../mfa/mfa.service.ts';
import { claimSignInAttempt, clearSignInAttempts, signInBucket } from './sign-in-throttle.ts';

export async function signIn(ctx: Context, input: { email: string; password: string }) {
  // Checked before the password, for unknown accounts too: the limit is no existence oracle.
  const bucket = signInBucket(input.email, ctx.clientIp ?? null);
  const throttle = await claimSignInAttempt(ctx.db, bucket);
  if (!throttle.allowed) {
    ctx.logger.warn(
      { reqId: ctx.requestId, event: 'auth.signInThrottled', retryAfterSeconds: throttle.retryAfterSeconds },
      'sign-in rate limit',
    );
    throw new TooManyRequestsError('errors.auth.tooManyAttempts', throttle.retryAfterSeconds);
  }
  const user = await ctx.db.user.findUnique({
    where: { email: input.email },
    select: { id: true, passwordHash: true, totpEnabledAt: true },
  });
  // Same answer, and the same argon2 cost, whether or not the account exists.
  const valid = await verifyPassword(user?.passwordHash, input.password);
  if (!user || !valid) throw new DomainError('UNAUTHORIZED', 'errors.auth.invalidCredentials');
  // A second factor (ADR 012): no session yet, and the attempt stays counted until the code is right.
  if (user.totpEnabledAt) return issueSignInChallenge(ctx, user.id);
  await clearSignInAttempts(ctx.db, bucket);
  const session = await createSession(ctx.db, user.id, ctx.userAgent, ctx.clientIp);
  ctx.log.userId = user.id;
  return { status: 'signed-in' as const, token: session.token, expiresAt: session.expiresAt.toISOString() };
}

export async function signOut(ctx: Context, sessionId: string) {
  await revokeSession(ctx.db, sessionId);
  return { ok: true as const };
}

/**
 * Changes the signed-in user's password and ends all their *other* sessions
 * (a stolen session must not outlive the password it was opened with). The
 * current password is checked under the sign-in rate limit, so this is no
 * way around it.
 */
export async function changePassword(
  ctx: Context & { session: { sessionId: string; userId: string; email: string } },
  input: { currentPassword: string; newPassword: string },
) {
  if (input.newPassword.length < MIN_PASSWORD_LENGTH) throw fieldError('newPassword', 'validation.password.tooShort');
  const bucket = signInBucket(ctx.session.email, ctx.clientIp ?? null);
  const throttle = await claimSignInAttempt(ctx.db, bucket);
  if (!throttle.allowed) throw new TooManyRequestsError('errors.auth.tooManyAttempts', throttle.retryAfterSeconds);
  const user = await ctx.db.user.findUnique({ where: { id: ctx.session.userId }, select: { passwordHash: true } });
  if (!(await verifyPassword(user?.passwordHash, input.currentPassword)))
    throw fieldError('currentPassword', 'errors.auth.wrongPassword');
  await clearSignInAttempts(ctx.db, bucket);
  const passwordHash = await hashPassword(input.newPassword);
  const ended = await ctx.db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: ctx.session.userId }, data: { passwordHash } });
    const { count } = await tx.session.updateMany({
      where: { userId: ctx.session.userId, id: { not: ctx.session.sessionId }, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    return count;
  });
  // A user's own event belongs to no town: recorded through the audited platform client.
  await ctx.platform.run(async () => null, {
    action: 'user.passwordChanged',
    actorUserId: ctx.session.userId,
    targetType: 'User',
    targetId: ctx.session.userId,
    requestId: ctx.requestId,
    data: { otherSessionsEnded: ended },
  });
  return { ok: true as const, otherSessionsEnded: ended };
}

/**
 * The provider ends every session of a user (a lost laptop, a leaver): their
 * next request is signed out. Cross-user work, so it goes through the
 * audited platform client, with the reason in the audit entry.
 */
export async function revokeUserSessions(
  ctx: Context & { session: { userId: string }; actor: { platformRole: string | null } },
  input: { userId: string; reason: string },
) {
  if (ctx.actor.platformRole !== 'platform-admin') throw new DomainError('FORBIDDEN', 'errors.forbidden');
  const ended = await ctx.platform.run(
    async (tx) => {
      const user = await tx.user.findFirst({ where: { id: input.userId }, select: { id: true } });
      if (!user) throw notFound();
      const { count } = await tx.session.updateMany({
        where: { userId: input.userId, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      return count;
    },
    (count) => ({
      action: 'user.sessionsRevoked',
      actorUserId: ctx.session.userId,
      targetType: 'User',
      targetId: input.userId,
      reason: input.reason,
      requestId: ctx.requestId,
      data: { sessionsEnded: count },
    }),
  );
  return { ok: true as const, sessionsEnded: ended };
}

import { createSession, revokeSession, verifyPassword } from '@hubwerk/auth';
import type { Context } from '../../context.ts';
import { DomainError, TooManyRequestsError } from '../../errors.ts';
import { claimSignInAttempt, clearSignInAttempts, signInBucket } from './sign-in-throttle.ts';

export async function signIn(ctx: Context, input: { email: string; password: string }) {
  // Checked before the password, for unknown accounts too: the limit is no existence oracle.
  const bucket = signInBucket(input.email, ctx.clientIp ?? null);
  const throttle = await claimSignInAttempt(ctx.db, bucket);
  if (!throttle.allowed) {
    ctx.logger.warn({ reqId: ctx.requestId, event: 'auth.signInThrottled', retryAfterSeconds: throttle.retryAfterSeconds }, 'sign-in rate limit');
    throw new TooManyRequestsError('errors.auth.tooManyAttempts', throttle.retryAfterSeconds);
  }
  const user = await ctx.db.user.findUnique({ where: { email: input.email }, select: { id: true, passwordHash: true } });
  // Same answer, and the same argon2 cost, whether or not the account exists.
  const valid = await verifyPassword(user?.passwordHash, input.password);
  if (!user || !valid) throw new DomainError('UNAUTHORIZED', 'errors.auth.invalidCredentials');
  await clearSignInAttempts(ctx.db, bucket);
  const session = await createSession(ctx.db, user.id, ctx.userAgent);
  ctx.log.userId = user.id;
  return { token: session.token, expiresAt: session.expiresAt.toISOString() };
}

export async function signOut(ctx: Context, sessionId: string) {
  await revokeSession(ctx.db, sessionId);
  return { ok: true as const };
}

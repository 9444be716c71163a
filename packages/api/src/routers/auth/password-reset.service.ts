import { MIN_PASSWORD_LENGTH, hashPassword, hashToken } from '@hubwerk/auth';
import type { Context } from '../../context.ts';
import { DomainError, TooManyRequestsError, fieldError } from '../../errors.ts';
import { consume, limitersFor, limitKey } from '../../rate-limits.ts';

/**
 * Always the same answer, in the same time, whether the account exists or
 * not (no account oracle, ADR 024): the request only counts against the
 * caller's IP and stores the address. Whether an account has it is looked
 * up afterwards by a job (jobs/password-resets.ts) — the app role
 * may insert a request but not read one, so nothing on this path can
 * depend on the account.
 */
export async function requestPasswordReset(ctx: Context, input: { email: string }) {
  const limit = await consume(limitersFor(ctx.db).passwordResetIp, limitKey('password-reset', ctx.clientIp));
  if (!limit.allowed) throw new TooManyRequestsError('errors.limits.passwordReset', limit.retryAfterSeconds);
  await ctx.db.passwordResetRequest.createMany({ data: [{ email: input.email.toLowerCase() }] });
  return { ok: true as const };
}

/**
 * Sets the new password and ends every session of the account (a reset is
 * what someone does who fears their password is known to others).
 */
export async function resetPassword(ctx: Context, input: { token: string; password: string }) {
  if (input.password.length < MIN_PASSWORD_LENGTH) throw fieldError('password', 'validation.password.tooShort');
  const passwordHash = await hashPassword(input.password);
  const now = new Date();
  await ctx.db.$transaction(async (tx) => {
    const reset = await tx.passwordResetToken.findUnique({ where: { tokenHash: hashToken(input.token) } });
    if (!reset || reset.usedAt) throw new DomainError('BAD_REQUEST', 'errors.passwordReset.invalid');
    if (reset.expiresAt <= now) throw new DomainError('BAD_REQUEST', 'errors.passwordReset.expired');
    // Single use, also for two concurrent submissions: only one update matches.
    const { count } = await tx.passwordResetToken.updateMany({
      where: { id: reset.id, usedAt: null },
      data: { usedAt: now },
    });
    if (count !== 1) throw new DomainError('BAD_REQUEST', 'errors.passwordReset.invalid');
    await tx.user.update({ where: { id: reset.userId }, data: { passwordHash }, select: { id: true } });
    await tx.session.updateMany({ where: { userId: reset.userId, revokedAt: null }, data: { revokedAt: now } });
  });
  return { ok: true as const };
}

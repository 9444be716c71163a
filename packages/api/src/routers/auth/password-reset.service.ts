import { MIN_PASSWORD_LENGTH, hashPassword, hashToken, newToken } from '@hubwerk/auth';
import { mailSettings, type Context } from '../../context.ts';
import { DomainError, fieldError } from '../../errors.ts';
import { enqueueMail } from '../../mail/outbox.ts';
import { absoluteLink, passwordResetMail } from '../../mail/templates.ts';

export const PASSWORD_RESET_LIFETIME_MS = 60 * 60 * 1000;
/**
 * Reset mails per account and hour. Beyond it the request is answered the
 * same way but sends nothing, so the form cannot be used to flood a mailbox.
 */
export const PASSWORD_RESET_MAILS_PER_HOUR = 3;

/**
 * Always the same answer, whether the account exists or not (no account
 * oracle). The token and its mail commit together; a newer link replaces
 * the older ones.
 */
export async function requestPasswordReset(ctx: Context, input: { email: string }) {
  await ctx.db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { email: input.email }, select: { id: true } });
    if (!user) return;
    const recent = await tx.passwordResetToken.count({ where: { userId: user.id, createdAt: { gt: new Date(Date.now() - 60 * 60 * 1000) } } });
    if (recent >= PASSWORD_RESET_MAILS_PER_HOUR) {
      ctx.logger.warn({ userId: user.id, reqId: ctx.requestId }, 'password reset throttled');
      return;
    }
    await tx.passwordResetToken.updateMany({ where: { userId: user.id, usedAt: null }, data: { usedAt: new Date() } });
    const token = newToken();
    await tx.passwordResetToken.create({ data: { userId: user.id, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + PASSWORD_RESET_LIFETIME_MS) }, select: { id: true } });
    const mail = passwordResetMail({ locale: 'de', link: absoluteLink(mailSettings(ctx).adminUrl, `/reset-password/${token}`), minutes: PASSWORD_RESET_LIFETIME_MS / 60_000 });
    await enqueueMail(tx, 'password-reset', input.email, mail);
  });
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
    const { count } = await tx.passwordResetToken.updateMany({ where: { id: reset.id, usedAt: null }, data: { usedAt: now } });
    if (count !== 1) throw new DomainError('BAD_REQUEST', 'errors.passwordReset.invalid');
    await tx.user.update({ where: { id: reset.userId }, data: { passwordHash }, select: { id: true } });
    await tx.session.updateMany({ where: { userId: reset.userId, revokedAt: null }, data: { revokedAt: now } });
  });
  return { ok: true as const };
}

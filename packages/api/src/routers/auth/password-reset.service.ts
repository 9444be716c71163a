import { MIN_PASSWORD_LENGTH, hashPassword, hashToken, newToken } from '@hubwerk/auth';
import type { PlatformClient } from '@hubwerk/db';
import type { Context } from '../../context.ts';
import { DomainError, TooManyRequestsError, fieldError } from '../../errors.ts';
import { enqueueMail } from '../../mail/outbox.ts';
import { absoluteLink, passwordResetMail } from '../../mail/templates.ts';
import { consume, limitersFor, limitKey } from '../../rate-limits.ts';

export const PASSWORD_RESET_LIFETIME_MS = 60 * 60 * 1000;
/**
 * Reset mails per account and hour. Beyond it the request is answered the
 * same way but sends nothing, so the form cannot be used to flood a mailbox.
 */
export const PASSWORD_RESET_MAILS_PER_HOUR = 3;

/**
 * Always the same answer, in the same time, whether the account exists or
 * not (no account oracle, ADR 024): the request only counts against the
 * caller's IP and stores the address. Whether an account has it is looked
 * up afterwards by the worker (processPasswordResetRequests) — the app role
 * may insert a request but not read one, so nothing on this path can
 * depend on the account.
 */
export async function requestPasswordReset(ctx: Context, input: { email: string }) {
  const limit = await consume(limitersFor(ctx.db).passwordResetIp, limitKey('password-reset', ctx.clientIp));
  if (!limit.allowed) throw new TooManyRequestsError('errors.limits.passwordReset', limit.retryAfterSeconds);
  await ctx.db.passwordResetRequest.createMany({ data: [{ email: input.email.toLowerCase() }] });
  return { ok: true as const };
}

/** Requests handled per worker poll; the rest wait for the next one. */
const RESET_BATCH = 50;

/**
 * The background half of a reset request, run by the mail worker: takes
 * pending requests, and for each address that has an account creates a
 * link (a newer one replaces the older ones) and enqueues its mail, in one
 * transaction with the request's deletion. Unknown addresses leave no trace.
 */
export async function processPasswordResetRequests(
  platform: PlatformClient,
  adminUrl: string,
  now = new Date(),
): Promise<{ handled: number; mailed: number }> {
  return platform.run(
    async (tx) => {
      const requests = await tx.$queryRaw<Array<{ email: string }>>`
        DELETE FROM "PasswordResetRequest" WHERE id IN (
          SELECT id FROM "PasswordResetRequest" ORDER BY "createdAt" LIMIT ${RESET_BATCH} FOR UPDATE SKIP LOCKED)
        RETURNING email`;
      let mailed = 0;
      for (const { email } of requests) {
        const user = await tx.user.findUnique({ where: { email }, select: { id: true } });
        if (!user) continue;
        const recent = await tx.passwordResetToken.count({
          where: { userId: user.id, createdAt: { gt: new Date(now.getTime() - 60 * 60 * 1000) } },
        });
        if (recent >= PASSWORD_RESET_MAILS_PER_HOUR) continue;
        await tx.passwordResetToken.updateMany({ where: { userId: user.id, usedAt: null }, data: { usedAt: now } });
        const token = newToken();
        await tx.passwordResetToken.create({
          data: {
            userId: user.id,
            tokenHash: hashToken(token),
            expiresAt: new Date(now.getTime() + PASSWORD_RESET_LIFETIME_MS),
            createdAt: now,
          },
          select: { id: true },
        });
        const mail = passwordResetMail({
          locale: 'de',
          link: absoluteLink(adminUrl, `/reset-password/${token}`),
          minutes: PASSWORD_RESET_LIFETIME_MS / 60_000,
        });
        await enqueueMail(tx, 'password-reset', email, mail);
        mailed += 1;
      }
      return { handled: requests.length, mailed };
    },
    // Counts only: which addresses asked is nobody's business, not even the log's.
    (result) =>
      result.handled > 0
        ? {
            action: 'passwordReset.requestsProcessed',
            actorUserId: null,
            targetType: 'PasswordResetRequest',
            data: result,
          }
        : null,
  );
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

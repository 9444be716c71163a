import { hashToken, newToken } from '@hubwerk/auth';
import type { PlatformClient } from '@hubwerk/db';
import { enqueueMail } from '../mail/outbox.ts';
import { absoluteLink, passwordResetMail } from '../mail/templates.ts';

export const PASSWORD_RESET_LIFETIME_MS = 60 * 60 * 1000;
/**
 * Reset mails per account and hour. Beyond it the request is answered the
 * same way but sends nothing, so the form cannot be used to flood a mailbox.
 */
export const PASSWORD_RESET_MAILS_PER_HOUR = 3;

/** Requests handled per job; the rest wait for the next one. */
const RESET_BATCH = 50;

/**
 * The background half of a reset request, a job (ADR 032): takes
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
      // A concurrent run waits for the rows this one deletes and then no longer finds them: each request is handled once.
      const requests = await tx.$queryRaw<Array<{ email: string }>>`
        DELETE FROM "PasswordResetRequest" WHERE id IN (
          SELECT id FROM "PasswordResetRequest" ORDER BY "createdAt" LIMIT ${RESET_BATCH})
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

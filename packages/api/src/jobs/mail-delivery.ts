/**
 * Mail delivery (docs/decisions/009, ADR 032). The outbox stays a table
 * written in the business transaction (a transactional outbox: a rolled
 * back change sends nothing); delivery is one job per message. Each message
 * is claimed on its own with a lease, sent, and marked sent, so a worker that
 * dies re-sends at most the one message it was sending, once the lease ran
 * out — never a batch.
 */
import type { PlatformClient } from '@hubwerk/db';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';

/** How long a claimed message is left alone: well beyond the SMTP timeouts below, so a live sender is never overtaken. */
export const MAIL_LEASE_SECONDS = 300;
const SMTP_TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

export interface MailDeliveryOptions {
  platform: PlatformClient;
  logger: Logger;
  /** smtp:// or smtps:// URL. A process without one delivers nothing: its mails wait for one that has it. */
  smtpUrl: string;
  from: string;
  maxAttempts?: number;
  leaseSeconds?: number;
}

interface ClaimedMail {
  id: string;
  kind: string;
  toAddress: string;
  subject: string;
  textBody: string;
  icsAttachment: string | null;
  attempts: number;
}

export type MailOutcome = 'sent' | 'retry' | 'failed' | 'not-due';

export function createMailDelivery(options: MailDeliveryOptions) {
  const { platform, logger } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const leaseSeconds = options.leaseSeconds ?? MAIL_LEASE_SECONDS;
  const transport = nodemailer.createTransport({ url: options.smtpUrl, ...SMTP_TIMEOUTS });

  /** Mails due now, oldest first: a plain read, no lock; the claim happens per message. */
  async function dueMailIds(limit = 200): Promise<string[]> {
    const rows = await platform.run(
      (tx) => tx.$queryRaw<Array<{ id: string }>>`
        SELECT id FROM "OutboxEmail" WHERE status = 'PENDING' AND "availableAt" <= now()
         ORDER BY "availableAt" LIMIT ${limit}`,
      () => null,
    );
    return rows.map((r) => r.id);
  }

  /** Takes the lease on one message if it is still pending and due; null if another worker has it or it is done. */
  async function claim(id: string): Promise<ClaimedMail | null> {
    const [row] = await platform.run(
      (tx) => tx.$queryRaw<ClaimedMail[]>`
        UPDATE "OutboxEmail" SET attempts = attempts + 1, "availableAt" = now() + make_interval(secs => ${leaseSeconds})
         WHERE id = ${id}::uuid AND status = 'PENDING' AND "availableAt" <= now()
         RETURNING id, kind, "toAddress", subject, "textBody", "icsAttachment", attempts`,
      (rows) =>
        rows.length > 0 ? { action: 'mail.claimed', actorUserId: null, targetType: 'OutboxEmail', targetId: id } : null,
    );
    return row ?? null;
  }

  async function send(mail: ClaimedMail): Promise<string | null> {
    try {
      await transport.sendMail({
        from: options.from,
        to: mail.toAddress,
        subject: mail.subject,
        text: mail.textBody,
        ...(mail.icsAttachment
          ? {
              attachments: [
                { filename: 'buchung.ics', content: mail.icsAttachment, contentType: 'text/calendar; charset=utf-8' },
              ],
            }
          : {}),
      });
      return null;
    } catch (error) {
      // The SMTP reply, never the message: the body carries single-use links.
      return error instanceof Error ? error.message.slice(0, 500) : 'unknown error';
    }
  }

  /** Claims, sends and records one message. */
  async function deliver(id: string): Promise<MailOutcome> {
    const mail = await claim(id);
    if (!mail) return 'not-due';
    const error = await send(mail);
    const outcome: MailOutcome = error === null ? 'sent' : mail.attempts >= maxAttempts ? 'failed' : 'retry';
    await platform.run(
      (tx) =>
        tx.outboxEmail.update({
          where: { id },
          select: { id: true },
          data:
            outcome === 'sent'
              ? // Sent mails lose their body (single-use links).
                { status: 'SENT', sentAt: new Date(), textBody: '', icsAttachment: null, lastError: null }
              : outcome === 'failed'
                ? { status: 'FAILED', lastError: error }
                : // Exponential backoff: 30 s, 1 min, 2 min, 4 min …
                  { availableAt: new Date(Date.now() + 30_000 * 2 ** (mail.attempts - 1)), lastError: error },
        }),
      { action: 'mail.delivered', actorUserId: null, targetType: 'OutboxEmail', targetId: id, data: { outcome } },
    );
    if (error === null) logger.info({ mailId: id }, 'mail delivered');
    else logger.warn({ mailId: id, attempts: mail.attempts, reason: error }, 'mail delivery failed');
    return outcome;
  }

  return {
    dueMailIds,
    deliver,
    close() {
      transport.close();
    },
  };
}

export type MailDelivery = ReturnType<typeof createMailDelivery>;

import type { PlatformClient } from '@hubwerk/db';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import { processPasswordResetRequests } from '../routers/auth/password-reset.service.ts';
import { recordDueNoShows } from '../routers/check-in/automatic-no-shows.ts';
import { sendDueApprovalDigests } from '../jobs/approval-digest.ts';
import { enqueueDueReminders } from './booking-reminders.ts';

export interface MailWorkerOptions {
  platform: PlatformClient;
  logger: Logger;
  /** smtp:// or smtps:// URL; null stores mails for the dev page instead of sending them. */
  smtpUrl: string | null;
  from: string;
  pollMs?: number;
  batchSize?: number;
  maxAttempts?: number;
  /** Booking reminders (issue 4): enqueued on each poll; the admin app's address for their links. */
  reminders?: { adminUrl: () => string };
  /** Automatic no-shows (docs/decisions/020): scanned every `intervalMs` on the poll; absent or 0 = off. */
  noShows?: { intervalMs: number };
  /**
   * Password reset requests (ADR 024): answered at once by the API, looked
   * up and mailed here, on every poll; the admin app's address for the links.
   */
  passwordResets?: { adminUrl: () => string };
  /** Daily digests of pending booking requests (docs/decisions/037): looked for with the reminders. */
  approvalDigests?: { adminUrl: () => string };
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

type Outcome = { id: string; ok: true } | { id: string; ok: false; error: string; attempts: number };

const REMINDER_SCAN_MS = 60_000;

// A claim is a lease, not a lock held during SMTP: a worker that dies while
// sending leaves the row to be picked up again when the lease runs out
// (at-least-once delivery), and no transaction waits on a mail server.

/**
 * Delivers the outbox (docs/decisions/009). Several API processes may run it
 * side by side: FOR UPDATE SKIP LOCKED hands each row to one of them.
 */
export function createMailWorker(options: MailWorkerOptions) {
  const { platform, logger } = options;
  const batchSize = options.batchSize ?? 20;
  const maxAttempts = options.maxAttempts ?? 5;
  const transport = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : null;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;
  let stopped = false;
  let lastReminderScan = 0;
  let lastNoShowScan = 0;
  let lastDigestScan = 0;

  async function claim(): Promise<ClaimedMail[]> {
    return platform.run(
      // The lease is a fixed interval in the SQL; the batch size is a bound parameter.
      (tx) => tx.$queryRaw<ClaimedMail[]>`
        UPDATE "OutboxEmail" SET attempts = attempts + 1, "availableAt" = now() + interval '5 minutes'
         WHERE id IN (SELECT id FROM "OutboxEmail" WHERE status = 'PENDING' AND "availableAt" <= now()
                      ORDER BY "availableAt" LIMIT ${batchSize} FOR UPDATE SKIP LOCKED)
         RETURNING id, kind, "toAddress", subject, "textBody", "icsAttachment", attempts`,
      (rows) =>
        rows.length > 0
          ? {
              action: 'mail.claimed',
              actorUserId: null,
              targetType: 'OutboxEmail',
              data: { ids: rows.map((r) => r.id) },
            }
          : null,
    );
  }

  async function deliver(mail: ClaimedMail): Promise<Outcome> {
    if (!transport) return { id: mail.id, ok: true };
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
      return { id: mail.id, ok: true };
    } catch (error) {
      // The SMTP reply, never the message: the body carries single-use links.
      const reason = error instanceof Error ? error.message.slice(0, 500) : 'unknown error';
      return { id: mail.id, ok: false, error: reason, attempts: mail.attempts };
    }
  }

  async function record(outcomes: Outcome[]) {
    await platform.run(
      async (tx) => {
        for (const o of outcomes) {
          if (o.ok) {
            // Sent mails lose their body (single-use links); stored ones keep it for the dev page.
            await tx.outboxEmail.update({
              where: { id: o.id },
              data: transport
                ? { status: 'SENT', sentAt: new Date(), textBody: '', icsAttachment: null, lastError: null }
                : { status: 'STORED', sentAt: new Date() },
            });
          } else {
            const failed = o.attempts >= maxAttempts;
            // Exponential backoff: 30 s, 1 min, 2 min, 4 min …
            const retryAt = new Date(Date.now() + 30_000 * 2 ** (o.attempts - 1));
            await tx.outboxEmail.update({
              where: { id: o.id },
              data: failed ? { status: 'FAILED', lastError: o.error } : { availableAt: retryAt, lastError: o.error },
            });
          }
        }
      },
      {
        action: 'mail.delivered',
        actorUserId: null,
        targetType: 'OutboxEmail',
        data: { sent: outcomes.filter((o) => o.ok).length, failed: outcomes.filter((o) => !o.ok).length },
      },
    );
    for (const o of outcomes) {
      if (o.ok) logger.info({ mailId: o.id, mode: transport ? 'smtp' : 'stored' }, 'mail delivered');
      else logger.warn({ mailId: o.id, attempts: o.attempts, reason: o.error }, 'mail delivery failed');
    }
  }

  /** Works through every mail due now; returns how many were handled. */
  async function drainOnce(): Promise<number> {
    // Reminders are due by the hour: looking once a minute is plenty.
    if (options.reminders && Date.now() - lastReminderScan >= REMINDER_SCAN_MS) {
      lastReminderScan = Date.now();
      await enqueueDueReminders(platform, options.reminders.adminUrl());
    }
    // Each town's digest goes out once a day (the job claims it); looking once a minute is plenty.
    if (options.approvalDigests && Date.now() - lastDigestScan >= REMINDER_SCAN_MS) {
      lastDigestScan = Date.now();
      await sendDueApprovalDigests(platform, options.approvalDigests.adminUrl());
    }
    const noShowMs = options.noShows?.intervalMs ?? 0;
    if (noShowMs > 0 && Date.now() - lastNoShowScan >= noShowMs) {
      lastNoShowScan = Date.now();
      // A failing scan must not hold up the mail: log it and try again at the next interval.
      try {
        const recorded = await recordDueNoShows(platform);
        if (recorded > 0) logger.info({ recorded }, 'no-shows recorded');
      } catch (error) {
        logger.error({ err: error }, 'no-show scan failed; retrying at the next interval');
      }
    }
    if (options.passwordResets) {
      const resets = await processPasswordResetRequests(platform, options.passwordResets.adminUrl());
      if (resets.handled > 0)
        logger.info({ event: 'passwordReset.processed', ...resets }, 'password reset requests processed');
    }
    let handled = 0;
    for (;;) {
      const batch = await claim();
      if (batch.length === 0) return handled;
      await record(await Promise.all(batch.map(deliver)));
      handled += batch.length;
    }
  }

  /** Runs a drain unless one is already running (then waits for that one). */
  function tick(): Promise<number> {
    running ??= drainOnce()
      .catch((error: unknown) => {
        logger.error({ err: error }, 'mail worker failed; retrying on the next poll');
        return 0;
      })
      .finally(() => {
        running = null;
      });
    return running;
  }

  return {
    start() {
      if (timer || stopped) return;
      timer = setInterval(() => void tick(), options.pollMs ?? 1_000);
      timer.unref();
    },
    /** Delivers what is due now (tests; and after a mutation, to not wait for the next poll). */
    drain: tick,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      await running;
      transport?.close();
    },
  };
}

export type MailWorker = ReturnType<typeof createMailWorker>;

/**
 * The API process's job worker (ADR 032): it works the queue's jobs and, on
 * its own tickers, sends the periodic ones (the queue's singleton policies
 * make sure that N processes sending the same scan leave one job). Every job
 * that touches tenant data carries its town.
 */
import { type AppClient, type PlatformClient, runInScope } from '@hubwerk/db';
import type { Job } from 'pg-boss';
import type { Logger } from 'pino';
import type { ApiDependencies } from '../context.ts';
import { sendApprovalDigest } from './approval-digest.ts';
import {
  type BulkOnboardingJob,
  markBulkOnboardingFailed,
  type OnboardTown,
  runBulkOnboarding,
} from './bulk-onboarding.ts';
import { lapseOffers } from '../events/seat-ledger.ts';
import { type ExportJob, markExportFailed, runExportJob } from './exports/export-job.ts';
import { createMailDelivery, type MailOutcome } from './mail-delivery.ts';
import { recordDueNoShows } from './no-shows.ts';
import { processPasswordResetRequests } from './password-resets.ts';
import { type JobQueue, QUEUES } from './queue.ts';
import { enqueueDueReminders } from './reminders.ts';

export interface JobWorkerOptions {
  /** Absent: nothing is worked in the background; `drain()` does the work on call (tests). */
  queue?: JobQueue;
  /** The app client: exports run in their town's scope under RLS. */
  db?: AppClient;
  platform: PlatformClient;
  logger: Logger;
  mail: {
    /**
     * smtp:// or smtps:// URL. Without it this process takes no mail jobs: the
     * mails wait (the dev page shows them) for a process that can send them.
     */
    smtpUrl: string | null;
    from: string;
    maxAttempts?: number;
    leaseSeconds?: number;
  };
  /** The admin app's address, for the links in reminders and reset mails. */
  adminUrl: () => string;
  /** How often the outbox and the password reset requests are looked at (default 1 s). */
  pollMs?: number;
  /** How often due reminders are looked for (the API: once a minute, they are due by the hour); absent or 0 = never. */
  reminderScanMs?: number;
  /** How often no-shows are recorded (docs/decisions/020); 0 = never. */
  noShowScanMs?: number;
  /**
   * Bulk onboarding (docs/decisions/034): the API's dependencies and the single
   * onboarding service, handed in by the host since jobs sit below the routers.
   * Absent: this process takes no bulk onboarding jobs.
   */
  bulkOnboarding?: { deps: ApiDependencies; onboardTown: OnboardTown };
}

const REMINDER_BATCH = 200;
const NO_SHOW_BATCH = 500;

export function createJobWorker(options: JobWorkerOptions) {
  const { platform, logger, queue } = options;
  const delivery = options.mail.smtpUrl
    ? createMailDelivery({
        platform,
        logger,
        smtpUrl: options.mail.smtpUrl,
        from: options.mail.from,
        ...(options.mail.maxAttempts ? { maxAttempts: options.mail.maxAttempts } : {}),
        ...(options.mail.leaseSeconds ? { leaseSeconds: options.mail.leaseSeconds } : {}),
      })
    : null;
  const noShowScanMs = options.noShowScanMs ?? 0;
  const reminderScanMs = options.reminderScanMs ?? 0;
  const timers: NodeJS.Timeout[] = [];
  let running: Promise<number> | null = null;
  let lastReminderScan = 0;
  let lastNoShowScan = 0;
  let stopped = false;

  async function towns(): Promise<string[]> {
    const rows = await platform.run(
      (tx) => tx.tenant.findMany({ select: { id: true }, orderBy: { id: 'asc' } }),
      () => null,
    );
    return rows.map((r) => r.id);
  }

  async function remindersOf(tenantId: string): Promise<number> {
    let total = 0;
    for (;;) {
      const queued = await enqueueDueReminders(platform, tenantId, options.adminUrl(), REMINDER_BATCH);
      total += queued;
      if (queued < REMINDER_BATCH) return total;
    }
  }

  /**
   * A town's periodic mail: due reminders, the daily digests of pending requests (each claimed once a day),
   * and event seat offers whose time ran out, passed on to the next waiting (docs/decisions/038) — in the
   * town's RLS scope on the app client, like an organiser's action.
   */
  async function townMailOf(tenantId: string): Promise<void> {
    await remindersOf(tenantId);
    await sendApprovalDigest(platform, { tenantId, adminUrl: options.adminUrl() });
    await lapsedOffersOf(tenantId);
  }

  async function lapsedOffersOf(tenantId: string): Promise<number> {
    const db = options.db;
    if (!db) return 0;
    return runInScope({ tenantId, userId: null }, async () => {
      const [town] = await db.$queryRaw<Array<{ slug: string; timezone: string }>>`
        SELECT slug, timezone FROM "Tenant" WHERE id = ${tenantId}::uuid`;
      if (!town) return 0;
      const lapsed = await lapseOffers(
        db,
        { tenantId, tenantSlug: town.slug, timezone: town.timezone, adminUrl: options.adminUrl() },
        new Date(),
      );
      if (lapsed > 0) logger.info({ lapsed, tenantId }, 'lapsed event seat offers passed on');
      return lapsed;
    });
  }

  async function noShowsOf(tenantId: string): Promise<number> {
    let total = 0;
    for (;;) {
      const recorded = await recordDueNoShows(platform, tenantId, NO_SHOW_BATCH);
      total += recorded;
      if (recorded < NO_SHOW_BATCH) return total;
    }
  }

  async function passwordResets(): Promise<void> {
    for (;;) {
      const resets = await processPasswordResetRequests(platform, options.adminUrl());
      if (resets.handled > 0)
        logger.info({ event: 'passwordReset.processed', ...resets }, 'password reset requests processed');
      if (resets.handled === 0) return;
    }
  }

  async function resetRequestsWaiting(): Promise<boolean> {
    const rows = await platform.run(
      (tx) => tx.$queryRaw<unknown[]>`SELECT 1 FROM "PasswordResetRequest" LIMIT 1`,
      () => null,
    );
    return rows.length > 0;
  }

  /** Sends one delivery job per due mail; a mail that already has a job waiting or running gets no second one. */
  async function sweepOutbox(): Promise<void> {
    if (!delivery || !queue) return;
    for (const outboxId of await delivery.dueMailIds())
      await queue.send(QUEUES.mail.name, { outboxId }, { singletonKey: outboxId });
  }

  async function exportJob(job: Job<ExportJob>): Promise<void> {
    try {
      await runExportJob(options.db!, job.data);
    } catch (error) {
      const retryLimit = queueSetting(queue, 'exports.run', 'retryLimit') ?? QUEUES.exports.retryLimit;
      if (job.retryCount >= retryLimit) return markExportFailed(options.db!, logger, job.data, error);
      logger.warn(
        { err: error, exportId: job.data.exportId, attempt: job.retryCount + 1 },
        'data export attempt failed',
      );
      throw error;
    }
  }

  async function bulkOnboardingJob(job: Job<BulkOnboardingJob>): Promise<void> {
    const { deps, onboardTown } = options.bulkOnboarding!;
    try {
      await runBulkOnboarding(deps, job.data, onboardTown);
    } catch (error) {
      const retryLimit = queueSetting(queue, 'bulk-onboarding.run', 'retryLimit') ?? QUEUES.bulkOnboarding.retryLimit;
      if (job.retryCount >= retryLimit) return markBulkOnboardingFailed({ platform, logger }, job.data, error);
      logger.warn(
        { err: error, bulkId: job.data.bulkId, attempt: job.retryCount + 1 },
        'bulk onboarding attempt failed',
      );
      throw error;
    }
  }

  function every(ms: number, send: () => Promise<unknown>) {
    if (stopped) return;
    const timer = setInterval(() => {
      send().catch((error: unknown) => logger.error({ err: error }, 'sending a periodic job failed'));
    }, ms);
    timer.unref();
    timers.push(timer);
  }

  /** Works through everything due now, in this process (tests, and the dev page's "send now"); returns the mails handled. */
  async function drainOnce(): Promise<number> {
    if (reminderScanMs > 0 && Date.now() - lastReminderScan >= reminderScanMs) {
      lastReminderScan = Date.now();
      for (const tenantId of await towns()) await townMailOf(tenantId);
    }
    if (noShowScanMs > 0 && Date.now() - lastNoShowScan >= noShowScanMs) {
      lastNoShowScan = Date.now();
      // A failing scan must not hold up the mail: log it and try again at the next interval.
      try {
        let recorded = 0;
        for (const tenantId of await towns()) recorded += await noShowsOf(tenantId);
        if (recorded > 0) logger.info({ recorded }, 'no-shows recorded');
      } catch (error) {
        logger.error({ err: error }, 'no-show scan failed; retrying at the next interval');
      }
    }
    await passwordResets();
    if (!delivery) return 0;
    let handled = 0;
    for (;;) {
      const ids = await delivery.dueMailIds();
      const outcomes: MailOutcome[] = [];
      for (const id of ids) outcomes.push(await delivery.deliver(id));
      const done = outcomes.filter((o) => o !== 'not-due').length;
      handled += done;
      if (done === 0) return handled;
    }
  }

  return {
    /** Starts the queue's workers in this process and the tickers that send the periodic jobs. */
    async start(): Promise<void> {
      if (!queue || stopped) return;
      await queue.start();
      if (stopped) return;
      if (delivery) {
        await queue.work<{ outboxId: string }>(
          QUEUES.mail.name,
          async (job) => void (await delivery.deliver(job.data.outboxId)),
          {
            localConcurrency: 4,
          },
        );
        every(options.pollMs ?? 1_000, sweepOutbox);
      } else logger.warn('no SMTP_URL: this process takes no mail jobs (another instance with SMTP sends them)');
      if (reminderScanMs > 0) {
        await queue.work(QUEUES.reminderScan.name, async () => {
          for (const tenantId of await towns())
            await queue.send(QUEUES.reminders.name, { tenantId }, { singletonKey: tenantId });
        });
        await queue.work<{ tenantId: string }>(
          QUEUES.reminders.name,
          async (job) => void (await townMailOf(job.data.tenantId)),
        );
        every(reminderScanMs, () => queue.send(QUEUES.reminderScan.name, {}, { singletonKey: 'all' }));
      }
      if (noShowScanMs > 0) {
        await queue.work(QUEUES.noShowScan.name, async () => {
          for (const tenantId of await towns())
            await queue.send(QUEUES.noShows.name, { tenantId }, { singletonKey: tenantId });
        });
        await queue.work<{ tenantId: string }>(QUEUES.noShows.name, async (job) => {
          const recorded = await noShowsOf(job.data.tenantId);
          if (recorded > 0) logger.info({ recorded, tenantId: job.data.tenantId }, 'no-shows recorded');
        });
        every(noShowScanMs, () => queue.send(QUEUES.noShowScan.name, {}, { singletonKey: 'all' }));
      }
      await queue.work(QUEUES.passwordResets.name, passwordResets);
      // A job only when someone asked: the queue does not fill with empty runs every second.
      every(options.pollMs ?? 1_000, async () => {
        if (await resetRequestsWaiting()) await queue.send(QUEUES.passwordResets.name, {}, { singletonKey: 'all' });
      });
      if (options.db) {
        // One export at a time per process: exports are heavy reads and should not crowd the pool.
        await queue.work<ExportJob>(QUEUES.exports.name, exportJob, { localConcurrency: 1 });
        await queue.work<ExportJob>(QUEUES.exportsDead.name, (job) =>
          markExportFailed(options.db!, logger, job.data, new Error('the export job ran out of attempts')),
        );
      }
      if (options.bulkOnboarding) {
        // One upload at a time per process: each row is a transaction on the platform pool, which requests need too.
        await queue.work<BulkOnboardingJob>(QUEUES.bulkOnboarding.name, bulkOnboardingJob, { localConcurrency: 1 });
        await queue.work<BulkOnboardingJob>(QUEUES.bulkOnboardingDead.name, (job) =>
          markBulkOnboardingFailed({ platform, logger }, job.data, new Error('the upload ran out of attempts')),
        );
      }
    },
    /** Does what is due now in this process; runs one drain at a time (a second call waits for the first). */
    drain(): Promise<number> {
      running ??= drainOnce()
        .catch((error: unknown) => {
          logger.error({ err: error }, 'job drain failed');
          return 0;
        })
        .finally(() => {
          running = null;
        });
      return running;
    },
    /**
     * Stops sending and fetching; the jobs in flight finish within `timeoutMs`
     * or are handed back to the queue (another worker retries them).
     */
    async stop(timeoutMs = 10_000): Promise<void> {
      stopped = true;
      for (const timer of timers.splice(0)) clearInterval(timer);
      await queue?.stop(timeoutMs);
      await running;
      delivery?.close();
    },
  };
}

export type JobWorker = ReturnType<typeof createJobWorker>;

function queueSetting(queue: JobQueue | undefined, name: string, key: 'retryLimit'): number | undefined {
  return queue?.settings(name)?.[key];
}

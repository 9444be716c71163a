/**
 * The job queue (ADR 032): pg-boss on its own schema `pgboss`, created by
 * the migrations (prisma/migrations/*_job_queue), never by the API — the
 * queue connects as the workers' role (hubwerk_platform), which may read and
 * write the queue's tables but not change them. The queue is global
 * bookkeeping: a job names its town in its data, and its handler opens that
 * town's scope (or names the town in every statement on the platform client).
 */
import { PgBoss, type Job, type Queue } from 'pg-boss';
import type { Logger } from 'pino';

export const QUEUE_SCHEMA = 'pgboss';

/** Every queue this product uses, with the behaviour each needs when a worker dies or a job fails. */
export const QUEUES = {
  /** One job per outbox mail (the message's id is its singleton key: never two jobs for one mail at once). */
  mail: { name: 'mail.deliver', policy: 'exclusive', retryLimit: 0, expireInSeconds: 300, deleteAfterSeconds: 86_400 },
  /** A scan per kind of periodic work: at most one waiting and one running, whichever instance sent it. */
  reminderScan: {
    name: 'reminders.scan',
    policy: 'stately',
    retryLimit: 0,
    expireInSeconds: 300,
    deleteAfterSeconds: 3_600,
  },
  /** One job per town: the town's due reminders. */
  reminders: {
    name: 'reminders.town',
    policy: 'stately',
    retryLimit: 2,
    expireInSeconds: 300,
    deleteAfterSeconds: 3_600,
  },
  noShowScan: {
    name: 'no-shows.scan',
    policy: 'stately',
    retryLimit: 0,
    expireInSeconds: 300,
    deleteAfterSeconds: 3_600,
  },
  noShows: { name: 'no-shows.town', policy: 'stately', retryLimit: 2, expireInSeconds: 300, deleteAfterSeconds: 3_600 },
  passwordResets: {
    name: 'password-resets',
    policy: 'stately',
    retryLimit: 2,
    expireInSeconds: 300,
    deleteAfterSeconds: 3_600,
  },
  /** Exports whose retries ran out: their handler marks the export failed (it never stays RUNNING). */
  exportsDead: { name: 'exports.dead', policy: 'standard', retryLimit: 2, expireInSeconds: 300 },
  /**
   * A town's data export. Its worker beats a heartbeat: one that died (killed,
   * OOM, node lost) stops beating, and the queue hands the job to another
   * worker; after the last retry the dead-letter job marks the export failed.
   */
  exports: {
    name: 'exports.run',
    policy: 'standard',
    retryLimit: 3,
    retryDelay: 5,
    expireInSeconds: 3_600,
    heartbeatSeconds: 30,
    deadLetter: 'exports.dead',
  },
  /** Uploads whose retries ran out: their handler marks the upload failed. */
  bulkOnboardingDead: { name: 'bulk-onboarding.dead', policy: 'standard', retryLimit: 2, expireInSeconds: 300 },
  /**
   * One upload of towns (docs/decisions/034), like an export: a worker that
   * died stops beating and the job goes to another, which carries on with the
   * rows still pending (each row is its own transaction, none is done twice).
   */
  bulkOnboarding: {
    name: 'bulk-onboarding.run',
    policy: 'standard',
    retryLimit: 3,
    retryDelay: 5,
    expireInSeconds: 4 * 3_600,
    heartbeatSeconds: 30,
    deadLetter: 'bulk-onboarding.dead',
  },
} as const satisfies Record<string, Queue>;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES]['name'];

export interface JobQueueOptions {
  /** The workers' role (PLATFORM_DATABASE_URL). */
  connectionString: string;
  logger: Logger;
  /** Connections of the queue's own pool (fetching, completing, heartbeats). */
  poolSize?: number;
  /** Overrides per queue (tests shorten the heartbeat so a killed worker's job comes back quickly). */
  queueOverrides?: Partial<Record<QueueName, Partial<Queue>>>;
  /** How often pg-boss supervises (expires dead jobs, moves retries); default 30 s. */
  superviseIntervalSeconds?: number;
  /**
   * How often start() tries before it gives up (default 1). The API tries on
   * for as long as it runs: before the migrations ran (rollout order) the
   * schema is missing, and /readyz says so meanwhile.
   */
  startAttempts?: number;
}

export interface QueueLag {
  queue: string;
  /** Jobs waiting to be fetched (created or retry, due now). */
  waiting: number;
  active: number;
  /** Age of the oldest waiting job, seconds; 0 when none waits. */
  oldestWaitingSeconds: number;
}

export function createJobQueue(options: JobQueueOptions) {
  const boss = new PgBoss({
    connectionString: options.connectionString,
    schema: QUEUE_SCHEMA,
    application_name: 'hubwerk-jobs',
    max: options.poolSize ?? 4,
    // The schema comes from the migrations: the API checks its version and never runs DDL.
    migrate: false,
    createSchema: false,
    // These would create partitions or rebuild indexes at run time (DDL the workers' role may not run).
    persistQueueStats: false,
    persistWarnings: false,
    reindex: false,
    // Periodic work is sent by the worker's own tickers (seconds, not cron minutes).
    schedule: false,
    superviseIntervalSeconds: options.superviseIntervalSeconds ?? 30,
  });
  boss.on('error', (err) => options.logger.error({ err }, 'job queue error'));
  let started: Promise<void> | null = null;
  const settingsOf = (name: string): Queue | undefined => {
    const queue = Object.values(QUEUES).find((q) => q.name === name);
    return queue ? { ...queue, ...options.queueOverrides?.[queue.name] } : undefined;
  };

  return {
    boss,
    /** Connects, checks the schema version and creates the queues (rows in pgboss.queue, no DDL). */
    start(): Promise<void> {
      started ??= (async () => {
        await boss.start({ attempts: options.startAttempts ?? 1 });
        for (const queue of Object.values(QUEUES)) {
          const { name, policy, ...settings } = settingsOf(queue.name)!;
          await boss.createQueue(name, { policy, ...settings });
          // createQueue keeps an existing queue as it is: settings changed in code apply on the next start
          // (all but the policy, which pg-boss fixes at creation).
          await boss.updateQueue(name, settings);
        }
      })();
      return started;
    },
    /** A queue's settings as this process created them (with the overrides). */
    settings: settingsOf,
    async send<T extends object>(name: QueueName, data: T, jobOptions: { singletonKey?: string } = {}) {
      return boss.send(name, data, jobOptions);
    },
    async work<T extends object>(
      name: QueueName,
      handler: (job: Job<T>) => Promise<void>,
      workOptions: { localConcurrency?: number; pollingIntervalSeconds?: number } = {},
    ) {
      return boss.work<T>(name, { batchSize: 1, pollingIntervalSeconds: 1, ...workOptions }, async ([job]) => {
        if (job) await handler(job);
      });
    },
    /** Per queue: how many jobs wait, how many run, and how old the oldest waiting one is (the lag). */
    async lag(): Promise<QueueLag[]> {
      const db = boss.getDb();
      const { rows } = await db.executeSql(
        `SELECT name,
                count(*) FILTER (WHERE state < 'active' AND start_after <= now())::int AS waiting,
                count(*) FILTER (WHERE state = 'active')::int AS active,
                coalesce(extract(epoch FROM now() - min(created_on) FILTER (WHERE state < 'active' AND start_after <= now())), 0)::float8 AS oldest
           FROM ${QUEUE_SCHEMA}.job WHERE state <= 'active' GROUP BY name`,
      );
      const byName = new Map(
        (rows as Array<{ name: string; waiting: number; active: number; oldest: number }>).map((r) => [r.name, r]),
      );
      return Object.values(QUEUES).map(({ name }) => ({
        queue: name,
        waiting: byName.get(name)?.waiting ?? 0,
        active: byName.get(name)?.active ?? 0,
        oldestWaitingSeconds: byName.get(name)?.oldest ?? 0,
      }));
    },
    /**
     * Stops fetching; waits up to `timeoutMs` for the jobs in flight, then
     * hands back what is still running (failed → retried by another worker).
     */
    async stop(timeoutMs = 10_000): Promise<void> {
      if (!started) return;
      // pg-boss's stop() also ends a start() still waiting between its attempts.
      await boss.stop({ graceful: true, timeout: timeoutMs, close: true });
      await started.catch(() => undefined);
    },
  };
}

export type JobQueue = ReturnType<typeof createJobQueue>;

/** What a request may do with the queue: send a job (exports). */
export type JobSender = Pick<JobQueue, 'send'>;

/**
 * The job worker alone in a process of its own, for the fault tests
 * (jobs/worker-faults.integration.test.ts): they SIGKILL it mid-job and start
 * another. Configured by environment; prints "ready" once it fetches jobs.
 */
import { createAppClient, createPlatformClient } from '@hubwerk/db';
import pino from 'pino';
import { createJobQueue } from '../jobs/queue.ts';
import { createJobWorker } from '../jobs/worker.ts';
import { onboardTown } from '../routers/tenants/tenants.service.ts';
import { createTestApi } from '../test-support.ts';

const env = process.env;
const logger = pino({ level: 'warn' }, pino.destination(2));
const platform = createPlatformClient({ url: env.PLATFORM_DATABASE_URL! });
const db = createAppClient({ url: env.DATABASE_URL!, poolSize: 3 });
const queue = createJobQueue({
  connectionString: env.PLATFORM_DATABASE_URL!,
  logger,
  superviseIntervalSeconds: 1,
  queueOverrides: JSON.parse(env.QUEUE_OVERRIDES ?? '{}'),
});
const worker = createJobWorker({
  queue,
  db,
  platform,
  logger,
  mail: {
    smtpUrl: env.SMTP_URL ?? null,
    from: 'Hubwerk <noreply@hubwerk.test>',
    leaseSeconds: Number(env.MAIL_LEASE_SECONDS ?? 300),
  },
  adminUrl: () => 'http://admin.test',
  pollMs: 200,
  // Bulk onboarding needs the API's dependencies (billing, mail settings): the test API's, on the same database.
  ...(env.BULK_ONBOARDING === '1'
    ? {
        bulkOnboarding: {
          deps: createTestApi({ appUrl: env.DATABASE_URL!, platformUrl: env.PLATFORM_DATABASE_URL! }).deps,
          onboardTown,
        },
      }
    : {}),
});
await worker.start();
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void worker
    .stop()
    .then(() => Promise.all([db.close(), platform.close()]))
    .then(() => process.exit(0));
});

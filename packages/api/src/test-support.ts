import { randomBytes, randomUUID } from 'node:crypto';
import { createBilling, createStripeClient, FAKE_PRICE_IDS } from '@hubwerk/billing';
import { acquireFakeStripe, type FakeStripe } from '@hubwerk/billing/fake-stripe';
import { createAppClient, createPlatformClient } from '@hubwerk/db';
import { useTestDatabase } from '@hubwerk/db/testing';
import { TRPCError } from '@trpc/server';
import pg from 'pg';
import pino from 'pino';
import type { ApiDependencies } from './context.ts';
import { createContext } from './context.ts';
import { describeError } from './errors.ts';
import { type BulkOnboardingJob, markBulkOnboardingFailed, runBulkOnboarding } from './jobs/bulk-onboarding.ts';
import { type ExportJob, markExportFailed, runExportJob } from './jobs/exports/export-job.ts';
import { type JobSender, QUEUES } from './jobs/queue.ts';
import { createDunningNotifier } from './mail/dunning.ts';
import { appRouter } from './root.ts';
import { onboardTown } from './routers/tenants/tenants.service.ts';
import { createCallerFactory } from './trpc.ts';
import { seedDemo } from '../../../prisma/seed.ts';

const createCaller = createCallerFactory(appRouter);
export type Caller = ReturnType<typeof createCaller>;

/**
 * The API in-process, for integration tests: real clients on a real test
 * database, calls through every middleware and schema, no HTTP.
 */
export function createTestApi(
  urls: { appUrl: string; platformUrl: string },
  options: {
    poolSize?: number;
    /** How long a call may wait for a pooled connection (default 5 s): flash-crowd tests wait as long as it takes. */
    acquireTimeoutMs?: number;
    graceDays?: number;
    now?: () => Date;
    jobs?: JobSender;
  } = {},
) {
  const platform = createPlatformClient({ url: urls.platformUrl, poolSize: 3 });
  const logger = pino({ level: 'silent' });
  const db = createAppClient({
    url: urls.appUrl,
    poolSize: options.poolSize ?? 5,
    ...(options.acquireTimeoutMs ? { acquireTimeoutMs: options.acquireTimeoutMs } : {}),
  });
  const deps: ApiDependencies = {
    db,
    platform,
    logger,
    billing: createBilling({
      // The real SDK against the fake Stripe (msw, one per test process).
      stripe: createStripeClient({ secretKey: undefined, maxNetworkRetries: 0, timeoutMs: 2_000 }),
      priceIds: FAKE_PRICE_IDS,
      webhookSecret: TEST_WEBHOOK_SECRET,
      graceDays: options.graceDays ?? 14,
      fake: true,
      platform,
      adminUrl: 'http://admin.test',
      ...(options.now ? { now: options.now } : {}),
      onPaymentFailed: createDunningNotifier(() => 'http://admin.test'),
    }),
    mail: { adminUrl: 'http://admin.test', devOutbox: true },
    dataEncryptionKey: TEST_DATA_KEY,
    sso: { secretKey: randomBytes(32), callbackUrl: TEST_SSO_CALLBACK, allowLoopbackHttp: true },
    jobs: options.jobs ?? runJobsInProcess(() => deps),
  };
  fakeStripe();
  const caller = (sessionToken: string | null = null): Caller =>
    createCaller(createContext(deps, { requestId: randomUUID(), sessionToken, userAgent: 'vitest', log: {} }));
  return {
    deps,
    caller,
    /** A caller signed in as the given (seeded) user. */
    async as(email: string, password = 'hubwerk-demo'): Promise<Caller> {
      const result = await caller().auth.signIn({ email, password });
      if (result.status !== 'signed-in')
        throw new Error(`${email} has a second factor: sign in through mfa.completeSignIn`);
      return caller(result.token);
    },
    async close() {
      await Promise.all([deps.db.close(), deps.platform.close()]);
    },
  };
}

export type TestApi = ReturnType<typeof createTestApi>;

/**
 * Without a queue (most tests): a job sent by a procedure runs at once in
 * this process, after the call answered, as the queue's worker would run it.
 * The queue itself is tested in jobs/*.integration.test.ts.
 */
function runJobsInProcess(deps: () => ApiDependencies): JobSender {
  let previous = Promise.resolve();
  const after = (work: () => Promise<void>) => {
    previous = previous.then(work);
    return Promise.resolve(null);
  };
  return {
    send(name, data) {
      const { db, platform, logger } = deps();
      if (name === QUEUES.exports.name) {
        const job = data as unknown as ExportJob;
        return after(() => runExportJob(db, job).catch((error) => markExportFailed(db, logger, job, error)));
      }
      if (name === QUEUES.bulkOnboarding.name) {
        const job = data as unknown as BulkOnboardingJob;
        return after(() =>
          runBulkOnboarding(deps(), job, onboardTown).catch((error) =>
            markBulkOnboardingFailed({ platform, logger }, job, error),
          ),
        );
      }
      throw new Error(`no in-process runner for ${name}`);
    },
  };
}

/**
 * Legacy: a fresh database with the demo data, the API on it and a superuser
 * connection, each to be closed by hand. New tests use the fixtures of
 * ./testing/fixtures.ts (ADR 041); the isolation suite still calls this.
 */
export async function seededTestApi(options: Parameters<typeof createTestApi>[1] = {}) {
  const db = await useTestDatabase({ fresh: true });
  await seedDemo({ platformUrl: db.platformUrl });
  const api = createTestApi(db, options);
  const superuser = new pg.Client({ connectionString: db.superuserUrl });
  await superuser.connect();
  return { db, api, superuser };
}

/** Where the in-test OIDC providers send the browser back (never fetched: the test reads the redirect). */
export const TEST_SSO_CALLBACK = 'http://admin.test/sso/callback';

export const TEST_WEBHOOK_SECRET = 'whsec_hubwerk_test_secret';
/** A fixed key for tests (the API's DATA_ENCRYPTION_KEY). */
export const TEST_DATA_KEY = Buffer.alloc(32, 7);

let fake: FakeStripe | null = null;
/** The fake Stripe of this test process, intercepting the SDK from first use on (until the process ends). */
export function fakeStripe(): FakeStripe {
  fake ??= acquireFakeStripe(() => 'http://api.test/fake-stripe').fake;
  return fake;
}

/** The error a call must fail with: its tRPC code and what the error formatter sends (message key, field errors, params). */
export async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return { code: error.code, ...describeError(error) };
  }
  throw new Error('expected the call to fail');
}

/**
 * The invitation token last mailed to `email`, read from the outbox the way
 * only that mailbox's owner could (no API answer carries it, ADR 023).
 */
export async function mailedInvitationToken(superuser: pg.Client, email: string): Promise<string> {
  const token = (await mailedInvitationTokens(superuser, email))[0];
  if (!token) throw new Error(`no invitation mailed to ${email}`);
  return token;
}

/** Every invitation token mailed to `email`, newest first. */
export async function mailedInvitationTokens(superuser: pg.Client, email: string): Promise<string[]> {
  const { rows } = await superuser.query<{ textBody: string }>(
    `SELECT "textBody" FROM "OutboxEmail" WHERE kind = 'invitation' AND lower("toAddress") = lower($1) ORDER BY "createdAt" DESC, id DESC`,
    [email],
  );
  return rows.flatMap((r) => r.textBody.match(/\/invite\/([A-Za-z0-9_-]{20,100})/)?.[1] ?? []);
}

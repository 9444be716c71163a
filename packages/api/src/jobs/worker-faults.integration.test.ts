/**
 * A worker that dies mid-job (ADR 032): the job worker runs in a child
 * process that the test SIGKILLs — during an export, a bulk onboarding and a
 * mail delivery — and then a new worker takes over. The export and the upload
 * complete (no town onboarded twice); every
 * mail reaches the real SMTP server exactly once (the one in flight was not
 * accepted when its sender died, and is sent again; the others are not).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type TestDatabase, useTestDatabase } from '@hubwerk/db/testing';
import { unzipSync } from 'fflate';
import pg from 'pg';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, seedDemo } from '../../../../prisma/seed.ts';
import { enqueueMail } from '../mail/outbox.ts';
import { startTestSmtp, type TestSmtp } from '../testing/index.ts';
import { createTestApi, type TestApi } from '../test-support.ts';
import { createJobQueue, type JobQueue, type QueueName } from './queue.ts';

const WORKER = fileURLToPath(new URL('../testing/job-worker-process.ts', import.meta.url));
// A dead worker's export job comes back after the shortest heartbeat pg-boss allows (10 s); a mail
// job after 5 s. The same settings in the sender and the workers: a job takes its queue's at sending.
const OVERRIDES: Partial<Record<QueueName, object>> = {
  'exports.run': { heartbeatSeconds: 10, retryDelay: 1 },
  'bulk-onboarding.run': { heartbeatSeconds: 10, retryDelay: 1 },
  'mail.deliver': { expireInSeconds: 5 },
};
/** Generous: only a broken recovery takes this long; a loaded machine must not fail the test. */
const DEADLINE_MS = 120_000;

let db: TestDatabase;
let api: TestApi;
let sender: JobQueue;
let superuser: pg.Client;
const children: ChildProcess[] = [];
/** What the workers wrote to stderr: shown when a test times out. */
let workerOutput = '';

beforeAll(async () => {
  db = await useTestDatabase({ fresh: true });
  await seedDemo({ platformUrl: db.platformUrl });
  sender = createJobQueue({
    connectionString: db.platformUrl,
    logger: pino({ level: 'silent' }),
    queueOverrides: OVERRIDES,
  });
  await sender.start();
  api = createTestApi(db, { jobs: sender });
  superuser = new pg.Client({ connectionString: db.superuserUrl });
  await superuser.connect();
});

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

afterAll(async () => {
  await sender?.stop();
  await superuser?.end();
  await api?.close();
});

/** A job worker in a child process; resolves once it fetches jobs. */
async function startWorker(env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    env: {
      ...process.env,
      DATABASE_URL: db.appUrl,
      PLATFORM_DATABASE_URL: db.platformUrl,
      QUEUE_OVERRIDES: JSON.stringify(OVERRIDES),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    workerOutput += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${output}`)));
  });
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** Polls until `check` returns a value; fails after a generous deadline. */
async function eventually<T>(what: string, check: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the workers said:\n${workerOutput}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const query = async <T>(sql: string, params: unknown[] = []) => (await superuser.query(sql, params)).rows as T[];

describe('a worker killed mid-job', () => {
  it('an export whose worker died is taken over by a new worker and completes', async () => {
    const admin = await api.as(DEMO_USERS.einbeckAdmin);
    const first = await startWorker();
    // Bookings locked: the export stops at counting them, with its row RUNNING, until the lock goes.
    const locker = new pg.Client({ connectionString: db.superuserUrl });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE "Booking" IN ACCESS EXCLUSIVE MODE');
      const { id } = await admin.exports.start({ tenant: 'einbeck' });
      await eventually('the export to run and wait for the lock', async () => {
        const [row] = await query<{ status: string }>(`SELECT status FROM "TenantExport" WHERE id = $1`, [id]);
        const [waiting] = await query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = '"Booking"'::regclass`,
        );
        return row?.status === 'RUNNING' && waiting!.n > 0;
      });
      await kill(first);
      await locker.query('ROLLBACK');

      await startWorker();
      const done = await eventually('the export to finish', async () => {
        const [row] = await query<{ status: string; sizeBytes: number | null }>(
          `SELECT status, "sizeBytes" FROM "TenantExport" WHERE id = $1`,
          [id],
        );
        return row && row.status !== 'RUNNING' && row.status !== 'QUEUED' ? row : null;
      });
      expect(done.status).toBe('READY');
      const [archive] = await query<{ archive: Buffer }>(`SELECT archive FROM "TenantExport" WHERE id = $1`, [id]);
      expect(Object.keys(unzipSync(new Uint8Array(archive!.archive)))).toContain('manifest.json');
      // The queue handed the job on: the dead worker's attempt counts as failed, the next one completed it.
      const [job] = await query<{ state: string; retry_count: number }>(
        `SELECT state, retry_count FROM pgboss.job WHERE name = 'exports.run' AND data->>'exportId' = $1`,
        [id],
      );
      expect(job).toMatchObject({ state: 'completed' });
      expect(job!.retry_count).toBeGreaterThanOrEqual(1);
    } finally {
      await locker.end();
    }
  }, 400_000);

  it('mails of a worker killed mid-delivery reach the SMTP server exactly once each', async () => {
    let smtp: TestSmtp | null = null;
    let holding: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (holding = resolve));
    try {
      // The server keeps the first "Nr. 5" unanswered (the worker is inside sendMail) until its client goes away.
      let heldOnce = false;
      smtp = await startTestSmtp({
        holdBeforeAccepting: (subject) => {
          if (subject !== 'Nr. 5' || heldOnce) return null;
          heldOnce = true;
          holding();
          return new Promise<void>(() => undefined);
        },
      });
      const subjects = Array.from({ length: 10 }, (_, i) => `Nr. ${i}`);
      await api.deps.platform.run(
        async (tx) => {
          for (const subject of subjects) await enqueueMail(tx, 'test', 'fault@example.org', { subject, text: 'x' });
        },
        { action: 'test', actorUserId: null },
      );
      const first = await startWorker({ SMTP_URL: smtp.url, MAIL_LEASE_SECONDS: '3' });
      await held;
      await eventually('the other nine mails to be sent', async () => {
        const [row] = await query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "OutboxEmail" WHERE "toAddress" = 'fault@example.org' AND status = 'SENT'`,
        );
        return row!.n === 9;
      });
      await kill(first);
      expect(smtp.received.map((m) => m.subject)).not.toContain('Nr. 5');

      await startWorker({ SMTP_URL: smtp.url, MAIL_LEASE_SECONDS: '3' });
      const server = smtp;
      await eventually('"Nr. 5" to be sent by the new worker', async () =>
        server.received.some((m) => m.subject === 'Nr. 5'),
      );
      await eventually('the outbox to record it', async () => {
        const [row] = await query<{ status: string }>(
          `SELECT status FROM "OutboxEmail" WHERE "toAddress" = 'fault@example.org' AND subject = 'Nr. 5'`,
        );
        return row!.status === 'SENT';
      });
      expect(smtp.received.map((m) => m.subject).sort()).toEqual([...subjects].sort());
      const [retried] = await query<{ attempts: number }>(
        `SELECT attempts FROM "OutboxEmail" WHERE "toAddress" = 'fault@example.org' AND subject = 'Nr. 5'`,
      );
      expect(retried!.attempts).toBe(2);
    } finally {
      await smtp?.close();
    }
  }, 400_000);

  // Last in the file: the new towns' invitation mails would reach the SMTP server of the mail test.
  it('a bulk onboarding whose worker died is carried on by a new worker: every row once, no town twice', async () => {
    const platformAdmin = await api.as(DEMO_USERS.platform);
    const register = readFileSync(new URL('../test-fixtures/register.csv', import.meta.url), 'utf8');
    await platformAdmin.register.import({ csv: register, effectiveDate: '2019-12-31', source: 'Testauszug' });
    const file = [
      'ags,hub_name,admin_email,partner',
      '15084550,Digital Hub Weißenfels,chefin@weissenfels.example.org,',
      '15084355,Digital Hub Naumburg,admin@naumburg.example.org,',
      '15084777,Digital Hub Erfunden,a@erfunden.example.org,',
    ].join('\n');
    const first = await startWorker({ BULK_ONBOARDING: '1' });
    // Towns locked: the job stops at its first row, RUNNING, until the lock goes.
    const locker = new pg.Client({ connectionString: db.superuserUrl });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE "Tenant" IN ACCESS EXCLUSIVE MODE');
      const { id } = await platformAdmin.bulkOnboarding.start({ csv: file, fileName: 'orte.csv' });
      await eventually('the upload to run and wait for the lock', async () => {
        const [row] = await query<{ status: string }>(`SELECT status FROM "BulkOnboarding" WHERE id = $1`, [id]);
        const [waiting] = await query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = '"Tenant"'::regclass`,
        );
        return row?.status === 'RUNNING' && waiting!.n > 0;
      });
      await kill(first);
      await locker.query('ROLLBACK');

      await startWorker({ BULK_ONBOARDING: '1' });
      const done = await eventually('the upload to finish', async () => {
        const [row] = await query<{ status: string; processed: number }>(
          `SELECT status, processed FROM "BulkOnboarding" WHERE id = $1`,
          [id],
        );
        return row && row.status !== 'RUNNING' && row.status !== 'QUEUED' ? row : null;
      });
      expect(done).toEqual({ status: 'DONE', processed: 3 });
      const rows = await query<{ ags: string; outcome: string }>(
        `SELECT ags, outcome FROM "BulkOnboardingRow" WHERE "bulkId" = $1 ORDER BY line`,
        [id],
      );
      expect(rows.map((r) => r.outcome)).toEqual(['CREATED', 'CREATED', 'REFUSED']);
      const [towns] = await query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "Tenant" WHERE ags IN ('15084550', '15084355')`,
      );
      expect(towns!.n).toBe(2);
      // The queue handed the job on (the dead worker's attempt counts as failed) and records it completed after the last row.
      const job = await eventually('the job to be completed', async () => {
        const [row] = await query<{ state: string; retry_count: number }>(
          `SELECT state, retry_count FROM pgboss.job WHERE name = 'bulk-onboarding.run' AND data->>'bulkId' = $1`,
          [id],
        );
        return row?.state === 'completed' ? row : null;
      });
      expect(job.retry_count).toBeGreaterThanOrEqual(1);
    } finally {
      await locker.end();
    }
  }, 400_000);
});

/**
 * The fault suite (docs/operations.md "Surviving faults", ADR 033): the
 * production bundle of the API, two replicas on loopback, a PostgreSQL of
 * its own (so it can be stopped), and 50 clients booking and reading in a
 * loop. Counts only, no wall-clock assertions.
 *
 * The clients balance between the replicas as Kubernetes' endpoints do: a
 * poller takes a replica out when its /readyz is not 200, and a connection
 * that is refused (nothing was sent) goes to the other replica, as a load
 * balancer's connect retry does. Everything else that is not a 2xx answer
 * counts as a failed request. A create that failed is retried with its
 * idempotency key until it is answered: it must then get the booking its
 * first attempt made, if that one committed.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { localParts, nthWorkday, zonedToUtc } from '@hubwerk/domain';
import {
  buildDatabaseUrls,
  DEV_ROLES,
  type EmbeddedServer,
  provisionDatabase,
  startEmbeddedPostgres,
} from '@hubwerk/db/provision';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSmtp } from '@hubwerk/api/testing';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../prisma/seed.ts';
import {
  API_DIST,
  apiEnv,
  ensureBuilt,
  freePort,
  query,
  type Service,
  startNode,
  waitFor,
} from './testing/production-stack.ts';

const CLIENTS = 50;
const ROOMS = 10;
const SLOTS_PER_DAY = 24; // 09:00–15:00 in quarter hours
const TZ = 'Europe/Berlin';
const tenant = 'einbeck';

interface Replica {
  service: Service;
  url: string;
  ready: boolean;
}

interface Tally {
  requests: number;
  failed: number;
  /** Answers that were not 2xx, by status ("network" for a connection lost after sending). */
  byStatus: Map<string, number>;
  /** Non-2xx answers without Retry-After. */
  withoutRetryAfter: number;
  /** Creates that needed more than one attempt (the key made the retries safe). */
  retriedCreates: number;
  /** Booking ids confirmed to clients, one per create. */
  confirmed: string[];
  creates: number;
}

const newTally = (): Tally => ({
  requests: 0,
  failed: 0,
  byStatus: new Map(),
  withoutRetryAfter: 0,
  retriedCreates: 0,
  confirmed: [],
  creates: 0,
});

let dataDir: string;
let dbPort: number;
let postgres: EmbeddedServer;
let urls: { appUrl: string; platformUrl: string; migratorUrl: string };
let superuserUrl: string;
let smtp: Awaited<ReturnType<typeof startTestSmtp>>;
let replicas: Replica[] = [];
let token: string;
let roomIds: string[];
let slot = 0;
/** Every booking id confirmed to a client in this file. */
const allConfirmed = new Set<string>();
const proxySecret = randomBytes(32).toString('hex');
const days = Array.from({ length: 20 }, (_, i) => nthWorkday(localParts(new Date(), TZ).date, 3 + i));

async function startReplica(): Promise<Replica> {
  const port = await freePort();
  const service = await startNode(
    path.join(API_DIST, 'main.js'),
    apiEnv(urls, {
      port,
      metricsPort: 0,
      smtpUrl: smtp.url,
      proxySecret,
      adminUrl: 'http://127.0.0.1:9',
      // A short drain (the poller below notices /readyz within ~100 ms); the manifests' time for the rest.
      // Connections for every client, and patience: this suite is about faults, not about a saturated pool.
      extra: {
        SHUTDOWN_DELAY_MS: '1500',
        SHUTDOWN_TIMEOUT_MS: '25000',
        DB_POOL_SIZE: '25',
        DB_POOL_ACQUIRE_TIMEOUT_MS: '30000',
      },
    }),
    '/readyz',
    port,
  );
  return { service, url: service.url, ready: true };
}

async function startPostgres() {
  postgres = await startEmbeddedPostgres({ dataDir, port: dbPort, profile: 'test' });
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'hubwerk-faults-'));
  [dbPort, smtp] = await Promise.all([freePort(), startTestSmtp(), ensureBuilt()]).then(([p, s]) => [p, s] as const);
  await startPostgres();
  await provisionDatabase({ superuserUrl: postgres.superuserUrl(), database: 'hubwerk', roles: DEV_ROLES });
  urls = buildDatabaseUrls({ host: '127.0.0.1', port: dbPort }, 'hubwerk', DEV_ROLES);
  superuserUrl = postgres.superuserUrl('hubwerk');
  await promisify(execFile)(process.execPath, [path.join(API_DIST, 'migrate.js')], {
    env: { PATH: process.env.PATH, MIGRATOR_DATABASE_URL: urls.migratorUrl },
  });
  await seedDemo({ platformUrl: urls.platformUrl });
  replicas = await Promise.all([startReplica(), startReplica()]);

  const signIn = (await call('POST', 'auth.signIn', { email: DEMO_USERS.einbeckAdmin, password: DEMO_PASSWORD }))
    .body as { result: { data: { token: string } } };
  token = signIn.result.data.token;
  const hubs = (await call('GET', 'hubs.list', { tenant })).body as { result: { data: { items: { id: string }[] } } };
  const hubId = hubs.result.data.items[0]!.id;
  roomIds = [];
  for (let i = 0; i < ROOMS; i += 1) {
    const room = await call('POST', 'spaces.create', {
      tenant,
      hubId,
      kind: 'meeting-room',
      name: `Lastraum ${i + 1}`,
      capacity: 4,
      amenities: [],
      rules: {
        granularityMinutes: 15,
        minDurationMinutes: 15,
        maxDurationMinutes: 60,
        leadTimeMinutes: 0,
        horizonDays: 730,
        bufferMinutes: 0,
        approvalRequired: false,
      },
    });
    roomIds.push((room.body as { result: { data: { id: string } } }).result.data.id);
  }
}, 300_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.service.stop()));
  await smtp?.close();
  await postgres?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

/** One tRPC call on the first replica (setup only), again while the loaded machine answers 503. */
async function call(method: 'GET' | 'POST', procedure: string, input: unknown) {
  for (let attempt = 0; ; attempt += 1) {
    const answer = await send(replicas[0]!, method, procedure, input);
    if (answer.status === 200) return answer;
    if (answer.status !== 503 || attempt >= 20)
      throw new Error(`${procedure} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function send(replica: Replica, method: 'GET' | 'POST', procedure: string, input: unknown) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const url =
    method === 'GET'
      ? `${replica.url}/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`
      : `${replica.url}/trpc/${procedure}`;
  const response = await fetch(url, { method, headers, ...(method === 'POST' ? { body: JSON.stringify(input) } : {}) });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
}

/** The end of a process' log, without the per-request lines: what a failed assertion shows. */
const tail = (output: string) =>
  output
    .split('\n')
    .filter((line) => !line.includes('"msg":"request"') && !line.includes('"msg":"mail delivered"'))
    .slice(-40)
    .join('\n');

const refused = (error: unknown) => (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';

/** A request through the "load balancer": a ready replica; a refused connection tries another. */
async function balanced(method: 'GET' | 'POST', procedure: string, input: unknown) {
  for (let attempt = 0; ; attempt += 1) {
    const ready = replicas.filter((r) => r.ready);
    const replica = ready[Math.floor(Math.random() * ready.length)] ?? replicas[attempt % replicas.length]!;
    try {
      return await send(replica, method, procedure, input);
    } catch (error) {
      if (!refused(error) || attempt > 50) throw error;
      replica.ready = false;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** Endpoints as Kubernetes keeps them: a replica whose /readyz is not 200 gets no new requests. */
function pollReadiness(): () => void {
  let stopped = false;
  void (async () => {
    while (!stopped) {
      await Promise.all(
        replicas.map(async (r) => {
          try {
            r.ready = (await fetch(`${r.url}/readyz`)).status === 200;
          } catch {
            r.ready = false;
          }
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return () => {
    stopped = true;
  };
}

function record(tally: Tally, status: number | 'network', retryAfter: string | null) {
  tally.requests += 1;
  if (status !== 'network' && status >= 200 && status < 300) return true;
  tally.failed += 1;
  tally.byStatus.set(String(status), (tally.byStatus.get(String(status)) ?? 0) + 1);
  if (!retryAfter) tally.withoutRetryAfter += 1;
  return false;
}

function nextSlot() {
  const index = slot++;
  const within = Math.floor(index / ROOMS);
  const day = days[Math.floor(within / SLOTS_PER_DAY)]!;
  const minute = 9 * 60 + (within % SLOTS_PER_DAY) * 15;
  return {
    spaceId: roomIds[index % ROOMS]!,
    startsAt: zonedToUtc(day, minute, TZ).toISOString(),
    endsAt: zonedToUtc(day, minute + 15, TZ).toISOString(),
  };
}

/** A booking, retried with its key until answered; the id the client was finally given. */
async function book(tally: Tally): Promise<void> {
  tally.creates += 1;
  const input = { tenant, ...nextSlot(), purpose: `Last ${randomUUID()}`, idempotencyKey: randomUUID() };
  for (let attempt = 0; ; attempt += 1) {
    let answer: Awaited<ReturnType<typeof send>> | null = null;
    try {
      answer = await balanced('POST', 'bookings.create', input);
    } catch {
      record(tally, 'network', null);
    }
    if (answer && record(tally, answer.status, answer.retryAfter)) {
      const booking = (answer.body as { result: { data: { id: string } } }).result.data;
      if (attempt > 0) tally.retriedCreates += 1;
      tally.confirmed.push(booking.id);
      allConfirmed.add(booking.id);
      return;
    }
    if (attempt > 200) throw new Error(`booking never answered: ${JSON.stringify(answer?.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function read(tally: Tally): Promise<void> {
  const spaceId = roomIds[Math.floor(Math.random() * ROOMS)]!;
  try {
    const answer = await balanced('GET', 'bookings.week', { tenant, spaceId, date: days[0]! });
    record(tally, answer.status, answer.retryAfter);
  } catch {
    record(tally, 'network', null);
  }
}

/** 50 clients, each alternating a booking and a read, until `done()` says so; `tick` sees each finished pair. */
async function load(tally: Tally, done: () => boolean, tick: () => void = () => undefined) {
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (!done()) {
        await book(tally);
        await read(tally);
        tick();
      }
    }),
  );
}

/**
 * Every create was answered with a booking of its own (none shared, so no
 * doubles), every confirmed booking is stored, and no stored booking lacks a
 * client that was told about it (none committed behind a failure).
 */
async function expectConfirmedWrites(tally: Tally) {
  const stored = await query<{ id: string }>(superuserUrl, `SELECT id FROM "Booking" WHERE purpose LIKE 'Last %'`);
  const storedIds = new Set(stored.map((b) => b.id));
  expect(new Set(tally.confirmed).size).toBe(tally.creates);
  expect(tally.confirmed.filter((id) => !storedIds.has(id))).toEqual([]);
  expect([...storedIds].filter((id) => !allConfirmed.has(id))).toEqual([]);
}

// Opt-in until it is green on a loaded machine: SIGTERM once gave 14 resets in 749 requests (load average 30).
describe.skipIf(process.env.HUBWERK_FAULT_SUITE !== '1')('faults under load (production bundle, 50 clients)', () => {
  it('SIGTERM to a replica: readiness first, in-flight requests finish, < 0.1 % failed, no booking without its client', async () => {
    const tally = newTally();
    const stopPolling = pollReadiness();
    const victim = replicas[0]!;
    const shutdown = { pairs: 0, exit: Promise.resolve<number | null>(-1), pairsAfterExit: -1 };
    await load(
      tally,
      () => shutdown.pairsAfterExit >= 0 && shutdown.pairs - shutdown.pairsAfterExit >= 3 * CLIENTS,
      () => {
        shutdown.pairs += 1;
        if (shutdown.pairs === 2 * CLIENTS) {
          shutdown.exit = victim.service.stop();
          void shutdown.exit.then(() => (shutdown.pairsAfterExit = shutdown.pairs));
        }
      },
    );
    stopPolling();
    const code = await shutdown.exit;
    const output = victim.service.output();
    expect(code, tail(output)).toBe(0);
    expect(output).toContain('"msg":"shutting down"');
    expect(output).toContain('"msg":"stopped"');
    console.log(
      `[faults] SIGTERM: ${tally.requests} requests, ${tally.failed} failed ${JSON.stringify([...tally.byStatus])}, ` +
        `${tally.retriedCreates} creates retried`,
    );
    expect(tally.failed / tally.requests).toBeLessThan(0.001);
    await expectConfirmedWrites(tally);

    // The cluster heals: a new replica takes the victim's place for the next test.
    replicas = [await startReplica(), replicas[1]!];
  }, 600_000);

  it('PostgreSQL stopped and started again under load: only 503 with Retry-After, recovery without restart, every confirmed write stored', async () => {
    const tally = newTally();
    let pairs = 0;
    let phase: 'up' | 'down' | 'back' = 'up';
    let failedWhileDown = 0;
    let pairsBack = 0;
    const outage = (async () => {
      while (pairs < CLIENTS) await new Promise((resolve) => setTimeout(resolve, 50));
      await postgres.stop();
      phase = 'down';
      while (tally.failed < 2 * CLIENTS) await new Promise((resolve) => setTimeout(resolve, 50));
      failedWhileDown = tally.failed;
      await startPostgres();
      phase = 'back';
    })();
    // No readiness polling: it would take both replicas out while the database is down; the clients keep sending.
    for (const r of replicas) r.ready = true;
    await load(
      tally,
      () => phase === 'back' && pairsBack >= 2 * CLIENTS,
      () => {
        pairs += 1;
        if (phase === 'back') pairsBack += 1;
      },
    );
    await outage;
    console.log(
      `[faults] database outage: ${tally.requests} requests, ${tally.failed} refused ${JSON.stringify([...tally.byStatus])} ` +
        `(${failedWhileDown} while down), ${tally.retriedCreates} creates retried`,
    );
    expect([...tally.byStatus.keys()]).toEqual(['503']);
    expect(tally.withoutRetryAfter).toBe(0);
    expect(tally.failed).toBeGreaterThanOrEqual(2 * CLIENTS);
    await expectConfirmedWrites(tally);
    for (const replica of replicas) {
      // Still the same processes, ready again, and the outage logged once each way, without a stack per request.
      expect(replica.service.process.exitCode, tail(replica.service.output())).toBeNull();
      // The probe's next round finds the database again (its own connection, reopened).
      await waitFor(`${replica.url}/readyz`, replica.service.process, replica.service.output);
      const lines = replica.service.output();
      expect(lines.match(/"event":"db\.unavailable"/g)?.length).toBe(1);
      expect(lines.match(/"event":"db\.available"/g)?.length).toBe(1);
      expect(lines).not.toContain('procedure failed');
    }
  }, 600_000);
});

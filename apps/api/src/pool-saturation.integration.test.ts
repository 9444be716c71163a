/**
 * A saturated database pool through the real HTTP API: a request that waits
 * longer than the acquire timeout for a connection is answered 503 with
 * Retry-After and a translatable message key — not a 500, and nothing
 * written — and the API serves normally once a connection is free again.
 */
import { randomUUID } from 'node:crypto';
import { hashToken, newToken } from '@hubwerk/auth';
import { useTestDatabase } from '@hubwerk/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';
import { startApiServer, type RunningApiServer } from './server.ts';

const ACQUIRE_TIMEOUT_MS = 1_500;
const town = { id: randomUUID(), slug: 'engpass', token: newToken() };
let api: RunningApiServer;
let superuser: pg.Client;
let locker: pg.Client;

beforeAll(async () => {
  const db = await useTestDatabase({ fresh: true });
  superuser = new pg.Client({ connectionString: db.superuserUrl });
  locker = new pg.Client({ connectionString: db.superuserUrl });
  await Promise.all([superuser.connect(), locker.connect()]);
  const userId = randomUUID();
  await superuser.query(
    `INSERT INTO "Tenant" (id, name, slug, ags, bundesland, status, "updatedAt") VALUES ($1, 'Engpass', $2, '15000777', '15', 'ACTIVE', now())`,
    [town.id, town.slug],
  );
  await superuser.query(
    `INSERT INTO "Hub" ("tenantId", id, name, slug, "updatedAt") VALUES ($1, $2, 'Saal', 'saal', now())`,
    [town.id, randomUUID()],
  );
  await superuser.query(
    `INSERT INTO "User" (id, email, name, "updatedAt") VALUES ($1, 'admin@engpass.example.org', 'Admin', now())`,
    [userId],
  );
  await superuser.query(
    `INSERT INTO "TenantMembership" ("tenantId", id, "userId", role) VALUES ($1, $2, $3, 'TOWN_ADMIN')`,
    [town.id, randomUUID(), userId],
  );
  await superuser.query(
    `INSERT INTO "Session" (id, "tokenHash", "userId", "expiresAt") VALUES ($1, $2, $3, now() + interval '1 day')`,
    [randomUUID(), hashToken(town.token), userId],
  );
  // ONE connection, so one slow request saturates the pool.
  api = await startApiServer({
    port: 0,
    databaseUrl: db.appUrl,
    platformDatabaseUrl: db.platformUrl,
    poolSize: 1,
    poolAcquireTimeoutMs: ACQUIRE_TIMEOUT_MS,
    logger: createLogger({ level: 'silent' }),
  });
}, 120_000);

afterAll(async () => {
  await locker?.query('ROLLBACK').catch(() => undefined);
  await api?.close();
  await Promise.all([superuser?.end(), locker?.end()]);
});

const headers = () => ({ authorization: `Bearer ${town.token}`, 'content-type': 'application/json' });
const listHubs = () =>
  fetch(`${api.url}/trpc/hubs.list?input=${encodeURIComponent(JSON.stringify({ tenant: town.slug }))}`, {
    headers: headers(),
  });
const createHub = () =>
  fetch(`${api.url}/trpc/hubs.create`, {
    method: 'POST',
    headers: headers(),
    body: JSON.stringify({ tenant: town.slug, name: 'Zu spät' }),
  });

async function waitUntilBlockedOnLock() {
  for (let i = 0; i < 200; i += 1) {
    const { rows } = await superuser.query(
      `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND usename = 'hubwerk_app' AND wait_event_type = 'Lock'`,
    );
    if (rows.length > 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the holding request never reached the lock');
}

describe('a saturated pool', () => {
  it('answers a request that cannot get a connection in time with 503 and Retry-After, then recovers', async () => {
    expect((await listHubs()).status).toBe(200); // the one connection is open and warm
    // Hold the only connection: a hubs.list that waits for a lock on "Hub".
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE "Hub" IN ACCESS EXCLUSIVE MODE');
    const holder = listHubs();
    await waitUntilBlockedOnLock();

    const started = Date.now();
    const [read, write] = await Promise.all([listHubs(), createHub()]);
    const waited = Date.now() - started;
    for (const response of [read, write]) {
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      const body = (await response.json()) as { error: { message: string; data: Record<string, unknown> } };
      expect(body.error.message).toBe('errors.busy');
      expect(body.error.data).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        httpStatus: 503,
        messageKey: 'errors.busy',
        retryAfterSeconds: 1,
      });
      // Only keys leave the API: no stack, no driver message.
      expect(JSON.stringify(body)).not.toMatch(/stack|timeout exceeded|pg-pool|at \//i);
    }
    expect(waited).toBeGreaterThanOrEqual(ACQUIRE_TIMEOUT_MS - 100);
    // Readiness does not queue behind the requests: it answers from the probe's state, which asks on its own connection.
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });

    await locker.query('ROLLBACK');
    expect((await holder).status).toBe(200);
    // Nothing was written by the refused mutation, and the API serves again.
    expect((await superuser.query(`SELECT 1 FROM "Hub" WHERE name = 'Zu spät'`)).rows).toEqual([]);
    const after = await listHubs();
    expect(after.status).toBe(200);
    expect(after.headers.get('retry-after')).toBeNull();
  }, 60_000);
});

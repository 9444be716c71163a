/**
 * A saturated pool: a caller that waits longer than the acquire timeout for
 * a connection gets a typed PoolAcquireTimeoutError — through Prisma, for
 * plain queries and interactive transactions alike — instead of waiting
 * without end or failing with an untyped error.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppClient, type AppClient } from './app-client.ts';
import { isPoolAcquireTimeout, PoolAcquireTimeoutError } from './pool-errors.ts';
import { runInScope } from './scope.ts';
import { useTestDatabase } from './testing/index.ts';

let app: AppClient;
let superuser: pg.Client;
const tenantId = randomUUID();

beforeAll(async () => {
  const db = await useTestDatabase({ fresh: true });
  superuser = new pg.Client({ connectionString: db.superuserUrl });
  await superuser.connect();
  await superuser.query(
    `INSERT INTO "Tenant" (id, name, slug, ags, bundesland, "updatedAt") VALUES ($1, 'Warte', 'warte', '03000999', '03', now())`,
    [tenantId],
  );
  app = createAppClient({ url: db.appUrl, poolSize: 1, acquireTimeoutMs: 2_000 });
});

afterAll(async () => {
  await app?.close();
  await superuser?.end();
});

const scoped = <T>(fn: () => T) => runInScope({ tenantId, userId: null }, fn);

describe('a saturated pool', () => {
  it('fails a waiting query and a waiting transaction with PoolAcquireTimeoutError, then serves again', async () => {
    // Opened first: the timeout also bounds opening a connection, which a loaded machine may take long for.
    await scoped(() => app.hub.findMany({ where: { tenantId } }));
    // The only connection, held by a slow statement.
    const holder = scoped(() => app.$queryRaw`SELECT 1 AS done FROM pg_sleep(6)`);
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    const [query, transaction] = await Promise.allSettled([
      scoped(() => app.hub.findMany({ where: { tenantId } })),
      scoped(() => app.$transaction(async (tx) => tx.hub.findMany())),
    ]);
    const waited = Date.now() - started;
    for (const outcome of [query, transaction]) {
      expect(outcome.status).toBe('rejected');
      const reason = (outcome as PromiseRejectedResult).reason as unknown;
      // Prisma passes the pool's error through as it is.
      expect(reason).toBeInstanceOf(PoolAcquireTimeoutError);
      expect(isPoolAcquireTimeout(reason)).toBe(true);
    }
    expect(waited).toBeLessThan(5_500); // not after the holder finished
    await holder;
    expect(await scoped(() => app.hub.findMany({ where: { tenantId } }))).toEqual([]);
  });

  it('recognises the typed error through wrappers only', () => {
    expect(isPoolAcquireTimeout(new PoolAcquireTimeoutError(5))).toBe(true);
    expect(isPoolAcquireTimeout(new Error('wrapped', { cause: new PoolAcquireTimeoutError(5) }))).toBe(true);
    expect(isPoolAcquireTimeout(new Error('timeout exceeded when trying to connect'))).toBe(false);
    expect(isPoolAcquireTimeout(null)).toBe(false);
  });
});

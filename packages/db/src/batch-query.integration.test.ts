/**
 * Several statements with one Sync (BatchQuery, the wire transport of ADR 031): answered in order,
 * each through its own promise; a failure skips the rest of the batch; the
 * connection's prepared-statement bookkeeping stays exact, so the next batch
 * on the same connection neither re-parses a statement PostgreSQL has nor
 * binds one it lost. Pools of ONE connection: the next batch surely runs on
 * the same connection.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BatchQuery } from './pg-internals.ts';
import { runInScope } from './scope.ts';
import { batchQuery, pipelinedTransaction, ScopedPool } from './scoped-pool.ts';
import { insertTowns, type TestTown, useTestDatabase } from './testing/index.ts';

let appUrl: string;
let superuser: pg.Client;
const pools: ScopedPool[] = [];
const towns: TestTown[] = [];

beforeAll(async () => {
  const db = await useTestDatabase({ fresh: true });
  appUrl = db.appUrl;
  superuser = new pg.Client({ connectionString: db.superuserUrl });
  await superuser.connect();
  towns.push(...(await insertTowns(superuser, { towns: 2, hubs: 3, prefix: 'Stapel', agsFrom: 800 })));
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
  await superuser?.end();
});

function onePool(): ScopedPool {
  const pool = new ScopedPool({ connectionString: appUrl, max: 1 });
  pools.push(pool);
  return pool;
}

/** ScopedPool.query does not restate pg's overloads. */
const asPg = (pool: ScopedPool) => pool as unknown as pg.Pool;
const scoped = <T>(tenantId: string, fn: () => T) => runInScope({ tenantId, userId: null }, fn);
const HUBS_OF = 'SELECT h.id, h.name, h."createdAt" FROM "Hub" h WHERE h."tenantId" = ANY($1::uuid[]) ORDER BY h.name';
const ECHO = 'SELECT $1::int + 1 AS n, $2::jsonb AS doc';
const preparedOn = async (pool: ScopedPool, text: string) =>
  (
    await asPg(pool).query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1',
      [text],
    )
  ).rows[0]!.n;

/** How many BatchQuery objects the pool's connections were given. */
function countBatches() {
  const spy = vi.spyOn(pg.Client.prototype, 'query');
  return () => spy.mock.calls.filter(([q]) => (q as unknown) instanceof BatchQuery).length;
}

describe('a batch', () => {
  it('answers each statement with its own result, in order, in the scope of the caller, and leaves no setting behind', async () => {
    const pool = onePool();
    const [own, foreign] = [towns[0]!, towns[1]!];
    const batches = countBatches();
    const [hubs, echo, none] = await scoped(own.id, () =>
      batchQuery(pool, [
        { text: HUBS_OF, values: [[own.id, foreign.id]] },
        { text: ECHO, values: [41, JSON.stringify({ a: [1, 2] })] },
        { text: `SELECT h.id FROM "Hub" h WHERE h."tenantId" = $1::uuid`, values: [foreign.id] },
      ]),
    );
    expect(batches()).toBe(1);
    // Row-level security: the own town's hubs only, though both were asked for.
    expect(hubs!.rows.map((r) => r.id).sort()).toEqual([...own.hubIds].sort());
    expect(hubs!.rows[0].createdAt).toBeInstanceOf(Date);
    expect(hubs!.fields.map((f) => f.name)).toEqual(['id', 'name', 'createdAt']);
    expect(echo!.rows).toEqual([{ n: 42, doc: { a: [1, 2] } }]);
    expect(none!.rows).toEqual([]);
    expect(none!.command).toBe('SELECT');
    const after = await asPg(pool).query<{ tenant: string | null }>(
      `SELECT NULLIF(current_setting('app.tenant_id', true), '') AS tenant`,
    );
    expect(after.rows).toEqual([{ tenant: null }]);
  });

  it('describes a named statement once per connection: later runs get no RowDescription and the same rows, types parsed', async () => {
    const pool = onePool();
    const own = towns[0]!;
    const describe = vi.spyOn(
      (pg as unknown as { Connection: { prototype: { describe(): void } } }).Connection.prototype,
      'describe',
    );
    const run = () =>
      scoped(own.id, () =>
        batchQuery(pool, [
          { text: HUBS_OF, values: [[own.id]] },
          { text: ECHO, values: [1, '[]'] },
        ]),
      );
    const [first, firstEcho] = await run();
    // Both of the caller's statements, new on this connection (BEGIN, SET LOCAL and COMMIT return no rows: never described).
    expect(describe).toHaveBeenCalledTimes(2);
    const [second, secondEcho] = await run();
    expect(describe).toHaveBeenCalledTimes(2);
    expect(second!.rows).toEqual(first!.rows);
    expect(second!.rows[0].createdAt).toBeInstanceOf(Date);
    expect(second!.fields.map((f) => f.name)).toEqual(['id', 'name', 'createdAt']);
    expect(secondEcho!.rows).toEqual(firstEcho!.rows);
    expect(secondEcho!.rows).toEqual([{ n: 2, doc: [] }]);
  });

  it('fails as a whole when one statement fails: later statements are skipped, nothing stays written, the connection goes on', async () => {
    const pool = onePool();
    const own = towns[0]!;
    const pid = (await asPg(pool).query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const INSERT = `INSERT INTO "Hub" ("tenantId", id, name, slug, "updatedAt") VALUES ($1::uuid, gen_random_uuid(), 'Halb', 'halb-im-stapel', now())`;
    // Never parsed on this connection: it comes after the failure, so its Parse is skipped too.
    const NEVER_REACHED = 'SELECT $1::text AS never';
    await expect(
      scoped(own.id, () =>
        batchQuery(pool, [
          { text: INSERT, values: [own.id] },
          { text: 'SELECT 1 / $1::int AS boom', values: [0] },
          { text: NEVER_REACHED, values: ['x'] },
        ]),
      ),
    ).rejects.toThrow(/division by zero/);
    expect((await superuser.query(`SELECT 1 FROM "Hub" WHERE slug = 'halb-im-stapel'`)).rows).toEqual([]);
    // Same connection; the skipped statement is parsed when it first really runs, the others are reused.
    expect((await asPg(pool).query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid).toBe(pid);
    const [again] = await scoped(own.id, () => batchQuery(pool, [{ text: NEVER_REACHED, values: ['y'] }]));
    expect(again!.rows).toEqual([{ never: 'y' }]);
    expect(await preparedOn(pool, NEVER_REACHED)).toBe(1);
    expect(await preparedOn(pool, INSERT)).toBe(1);
  });

  it('keeps the bookkeeping exact when a Parse itself fails and when a value is refused at Bind', async () => {
    const pool = onePool();
    const own = towns[1]!;
    await expect(scoped(own.id, () => batchQuery(pool, [{ text: 'SELEC broken $1', values: [1] }]))).rejects.toThrow(
      /syntax error/,
    );
    // Parsed fine, refused at Bind ('kein-uuid' is no uuid): the statement stays prepared.
    await expect(scoped(own.id, () => batchQuery(pool, [{ text: HUBS_OF, values: [['kein-uuid']] }]))).rejects.toThrow(
      /uuid/,
    );
    const [hubs] = await scoped(own.id, () => batchQuery(pool, [{ text: HUBS_OF, values: [[own.id]] }]));
    expect(hubs!.rows).toHaveLength(3);
    expect(await preparedOn(pool, HUBS_OF)).toBe(1);
  });

  it('refuses a value pg cannot send before writing anything', async () => {
    const pool = onePool();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(
      scoped(towns[0]!.id, () =>
        batchQuery(pool, [
          { text: ECHO, values: [1, 'null'] },
          { text: ECHO, values: [2, circular] },
        ]),
      ),
    ).rejects.toThrow(/circular/i);
    const [ok] = await scoped(towns[0]!.id, () => batchQuery(pool, [{ text: ECHO, values: [2, 'null'] }]));
    expect(ok!.rows).toEqual([{ n: 3, doc: null }]);
  });
});

describe('a pipelined transaction', () => {
  it('writes each flight as one batch: BEGIN, the scope and the first statements; then COMMIT', async () => {
    const pool = onePool();
    const own = towns[0]!;
    const batches = countBatches();
    const names = await scoped(own.id, () =>
      pipelinedTransaction(pool, async (query) => {
        const a = query<{ name: string }>(`SELECT h.name FROM "Hub" h WHERE h.id = $1::uuid`, [own.hubIds[0]]);
        const b = query<{ name: string }>(`SELECT h.name FROM "Hub" h WHERE h.id = $1::uuid`, [own.hubIds[1]]);
        return [(await a).rows[0]!.name, (await b).rows[0]!.name];
      }),
    );
    expect(names).toEqual(['Hub 0', 'Hub 1']);
    expect(batches()).toBe(2);
  });

  it('reports the statement that failed in a flight nobody awaited, and rolls back what came before it', async () => {
    const pool = onePool();
    const own = towns[1]!;
    await expect(
      scoped(own.id, () =>
        pipelinedTransaction(pool, async (query) => {
          await query(
            `INSERT INTO "Hub" ("tenantId", id, name, slug, "updatedAt") VALUES ($1::uuid, gen_random_uuid(), 'Vorher', 'vorher-im-flug', now())`,
            [own.id],
          );
          void query('SELECT 1 / $1::int AS boom', [0]);
          return 'committed?';
        }),
      ),
    ).rejects.toThrow(/division by zero/);
    expect((await superuser.query(`SELECT 1 FROM "Hub" WHERE slug = 'vorher-im-flug'`)).rows).toEqual([]);
    const state = await superuser.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND usename = 'hubwerk_app' AND state LIKE 'idle in transaction%'`,
    );
    expect(state.rows).toEqual([{ n: 0 }]);
  });
});

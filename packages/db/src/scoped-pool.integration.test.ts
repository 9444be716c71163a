/**
 * The tenant scope's transport (ADR 031): every statement made in a scope
 * runs as `BEGIN; SET LOCAL …; <statement>; COMMIT`, written as one flight —
 * over both framings (`wire`: one Sync; `public`: pg's public API). Pools of
 * ONE connection, so "the next query" surely runs on the same connection as
 * the one before it.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAppClient } from './app-client.ts';
import { BatchQuery } from './pg-internals.ts';
import { runInScope } from './scope.ts';
import { InvalidScopeValueError } from './scope-settings.ts';
import { preparedQuery, ScopedPool, type ScopeTransport } from './scoped-pool.ts';
import { insertTowns, type TestTown, useTestDatabase } from './testing/index.ts';

let appUrl: string;
let superuser: pg.Client;
const pools: pg.Pool[] = [];
const HUBS = 5;
const towns: TestTown[] = [];
const USER_ID = '0193a1b2-0000-7000-8000-000000000001';

beforeAll(async () => {
  const db = await useTestDatabase({ fresh: true });
  appUrl = db.appUrl;
  superuser = new pg.Client({ connectionString: db.superuserUrl });
  await superuser.connect();
  towns.push(...(await insertTowns(superuser, { towns: 3, hubs: HUBS, prefix: 'Flug', agsFrom: 900 })));
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
  await superuser?.end();
});

const scoped = <T>(tenantId: string, fn: () => T) => runInScope({ tenantId, userId: null }, fn);
const setting = async (pool: pg.Pool) =>
  (
    await pool.query<{ tenant: string | null; user: string | null }>(
      `SELECT NULLIF(current_setting('app.tenant_id', true), '') AS tenant, NULLIF(current_setting('app.user_id', true), '') AS "user"`,
    )
  ).rows[0];
const backendPid = async (pool: pg.Pool) =>
  (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
const HUBS_OF = 'SELECT id, name FROM "Hub" WHERE "tenantId" = ANY($1::uuid[]) ORDER BY name';

/** What the pool's connections are asked to run (ScopedClient passes each call on to pg.Client's query). */
function recordStatements() {
  const spy = vi.spyOn(pg.Client.prototype, 'query');
  return {
    texts: () =>
      spy.mock.calls
        .filter(([config]) => !((config as unknown) instanceof BatchQuery))
        .map(([config]) => (typeof config === 'string' ? config : String((config as { text?: string }).text))),
    batches: () => spy.mock.calls.filter(([config]) => (config as unknown) instanceof BatchQuery).length,
  };
}

describe.each(['wire', 'public'] as const)('the %s transport', (transport: ScopeTransport) => {
  /** Typed as pg.Pool: ScopedPool.query does not restate pg's overloads. */
  function onePool(): pg.Pool {
    const pool: pg.Pool = new ScopedPool({ connectionString: appUrl, max: 1, transport });
    pools.push(pool);
    return pool;
  }

  describe('a scoped statement with parameters', () => {
    it('travels in one flight: BEGIN, SET LOCAL of the scope, the statement, COMMIT', async () => {
      const pool = onePool();
      const town = towns[0]!;
      const sent = recordStatements();
      const seen = await runInScope({ tenantId: town.id, userId: USER_ID }, () =>
        pool.query(
          `SELECT current_setting('app.tenant_id', true) AS tenant, current_setting('app.user_id', true) AS "user",
                  current_setting('citus.propagate_set_commands', true) AS citus, $1::text AS echo`,
          ['x'],
        ),
      );
      expect(seen.rows).toEqual([{ tenant: town.id, user: USER_ID, citus: 'local', echo: 'x' }]);
      if (transport === 'wire') {
        // One pg query with one Sync carries all of it.
        expect(sent.batches()).toBe(1);
        expect(sent.texts()).toEqual([]);
      } else {
        expect(sent.batches()).toBe(0);
        expect(sent.texts()).toEqual([
          `BEGIN; SET LOCAL app.tenant_id = '${town.id}'; SET LOCAL app.user_id = '${USER_ID}'`,
          expect.stringMatching(/^SELECT current_setting/),
          'COMMIT',
        ]);
      }
    });

    it('refuses a scope value that is not a uuid, before anything is sent', async () => {
      const pool = onePool();
      const sent = recordStatements();
      for (const scope of [
        { tenantId: "x'; RESET ROLE; --", userId: null },
        { tenantId: towns[0]!.id, userId: 'u-1' },
        { tenantId: null, userId: null, supportSessionId: '' },
      ]) {
        await expect(runInScope(scope, () => pool.query('SELECT $1::int AS n', [1]))).rejects.toBeInstanceOf(
          InvalidScopeValueError,
        );
      }
      expect(sent.batches()).toBe(0);
      expect(sent.texts()).toEqual([]);
    });

    it('returns a multi-row result intact, and a zero-row result with its fields', async () => {
      const pool = onePool();
      const [own, foreign] = [towns[0]!, towns[1]!];
      const many = await scoped(own.id, () =>
        pool.query<{ id: string; name: string }>(HUBS_OF, [[own.id, foreign.id]]),
      );
      expect(many.command).toBe('SELECT');
      expect(many.rowCount).toBe(HUBS);
      expect(many.fields.map((f) => f.name)).toEqual(['id', 'name']);
      expect(many.rows.map((r) => r.name)).toEqual(Array.from({ length: HUBS }, (_, h) => `Hub ${h}`));
      // Only its own town's hubs, though both towns were asked for (RLS).
      expect(new Set(many.rows.map((r) => r.id))).toEqual(new Set(own.hubIds));

      const none = await scoped(own.id, () => pool.query(HUBS_OF, [[foreign.id]]));
      expect(none.command).toBe('SELECT');
      expect(none.rowCount).toBe(0);
      expect(none.rows).toEqual([]);
      expect(none.fields.map((f) => f.name)).toEqual(['id', 'name']);
    });

    it("answers in rowMode 'array' with custom type parsers, as Prisma's adapter asks", async () => {
      const pool = onePool();
      const town = towns[2]!;
      const result = await scoped(town.id, () =>
        pool.query({
          text: 'SELECT id, name, "createdAt" FROM "Hub" WHERE "tenantId" = $1 ORDER BY name LIMIT $2',
          values: [town.id, 2],
          rowMode: 'array',
          types: {
            getTypeParser: (oid: number) => (oid === 1184 ? (v: string) => `ts:${v}` : (v: string) => v),
          } as never,
        }),
      );
      expect(result.rows).toHaveLength(2);
      const [first] = result.rows as unknown as [unknown[]];
      expect(Array.isArray(first)).toBe(true);
      expect(first[1]).toBe('Hub 0');
      expect(String(first[2])).toMatch(/^ts:/);
      expect(result.fields.map((f) => f.name)).toEqual(['id', 'name', 'createdAt']);
    });

    it('reports a failing statement to the caller, undoes the settings with it, and keeps the connection', async () => {
      const pool = onePool();
      const [town, foreign] = [towns[0]!, towns[1]!];
      const pid = await backendPid(pool);
      // Server-side failure during execution.
      await expect(scoped(town.id, () => pool.query('SELECT 1 / ($1::int - $1::int)', [7]))).rejects.toMatchObject({
        code: '22012',
      });
      // Refused by RLS: a row for another town.
      await expect(
        scoped(town.id, () =>
          pool.query(
            `INSERT INTO "Hub" ("tenantId", id, name, slug, "updatedAt") VALUES ($1, gen_random_uuid(), 'Fremd', 'fremd-flug', now())`,
            [foreign.id],
          ),
        ),
      ).rejects.toMatchObject({ code: '42501' });
      // Failure at parse time.
      await expect(
        scoped(town.id, () => pool.query('SELECT nope FROM "Hub" WHERE "tenantId" = $1', [town.id])),
      ).rejects.toMatchObject({ code: '42703' });
      // The same connection (a statement error is no reason to destroy it), with no setting and no transaction left.
      expect(await backendPid(pool)).toBe(pid);
      expect(await setting(pool)).toEqual({ tenant: null, user: null });
      expect((await superuser.query(`SELECT state FROM pg_stat_activity WHERE pid = $1`, [pid])).rows).toEqual([
        { state: 'idle' },
      ]);
      expect((await superuser.query(`SELECT 1 FROM "Hub" WHERE slug = 'fremd-flug'`)).rows).toEqual([]);
      // And it still answers scoped queries correctly.
      const after = await scoped(town.id, () => pool.query<{ id: string }>(HUBS_OF, [[town.id, foreign.id]]));
      expect(new Set(after.rows.map((r) => r.id))).toEqual(new Set(town.hubIds));
    });

    it('leaves no setting for the next query on the same connection', async () => {
      const pool = onePool();
      const [a, b] = [towns[0]!, towns[1]!];
      const pid = await backendPid(pool);
      const tenantOf = (tenantId: string) =>
        scoped(
          tenantId,
          async () =>
            (
              await pool.query<{ tenant: string }>(
                `SELECT current_setting('app.tenant_id', true) AS tenant, $1::int AS n`,
                [1],
              )
            ).rows[0]!.tenant,
        );
      expect(await tenantOf(a.id)).toBe(a.id);
      // Unscoped, parameterless and parameterised: nothing left.
      expect(await setting(pool)).toEqual({ tenant: null, user: null });
      expect(
        (
          await pool.query<{ tenant: string | null }>(
            `SELECT NULLIF(current_setting('app.tenant_id', true), '') AS tenant, $1::int AS n`,
            [1],
          )
        ).rows[0]!.tenant,
      ).toBeNull();
      expect((await pool.query(HUBS_OF, [[a.id, b.id]])).rows).toEqual([]);
      expect(await tenantOf(b.id)).toBe(b.id);
      expect(await backendPid(pool)).toBe(pid);
    });

    it('keeps concurrent statements of different towns apart on one connection, even around a failure', async () => {
      const pool = onePool();
      const runs = [0, 1, 2, 0, 1, 2].map((i, n) => {
        const town = towns[i]!;
        const text = n === 3 ? 'SELECT 1 / ($1::int - $1::int)' : HUBS_OF;
        const values = n === 3 ? [1] : [towns.map((t) => t.id)];
        return scoped(town.id, () => pool.query<{ id: string }>(text, values)).then(
          (r) => ({ town: i, ids: new Set(r.rows.map((row) => row.id)) }),
          (e: { code?: string }) => ({ town: i, error: e.code }),
        );
      });
      const answers = await Promise.all(runs);
      expect(answers[3]).toEqual({ town: 0, error: '22012' });
      for (const [n, answer] of answers.entries()) {
        if (n !== 3) expect(answer).toEqual({ town: answer.town, ids: new Set(towns[answer.town]!.hubIds) });
      }
      expect(await setting(pool)).toEqual({ tenant: null, user: null });
    });

    it('mixes interactive transactions and single statements on the same connection', async () => {
      for (const order of [
        ['one-flight', 'transaction'],
        ['transaction', 'one-flight'],
      ] as const) {
        const db = createAppClient({ url: appUrl, poolSize: 1, transport });
        try {
          for (const step of order) {
            const town = towns[step === 'transaction' ? 1 : 2]!;
            const hubs = await scoped(town.id, () =>
              step === 'transaction'
                ? db.$transaction(async (tx) =>
                    tx.hub.findMany({ where: { tenantId: { in: towns.map((t) => t.id) } } }),
                  )
                : db.hub.findMany({ where: { tenantId: { in: towns.map((t) => t.id) } } }),
            );
            expect(new Set(hubs.map((h) => h.id))).toEqual(new Set(town.hubIds));
          }
        } finally {
          await db.close();
        }
      }
    });

    it('destroys a connection whose backend is terminated under a statement, and goes on with a fresh one', async () => {
      const pool = onePool();
      const town = towns[0]!;
      const pid = await backendPid(pool);
      const slow = scoped(town.id, () => pool.query('SELECT pg_sleep(30), $1::text', ['x']));
      const settled = slow.then(
        () => 'answered',
        (e: Error) => e,
      );
      for (let i = 0; i < 100; i += 1) {
        const { rows } = await superuser.query(
          `SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND query LIKE 'SELECT pg_sleep%'`,
          [pid],
        );
        if (rows.length > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await superuser.query('SELECT pg_terminate_backend($1)', [pid]);
      expect(await settled).toBeInstanceOf(Error);
      const after = await scoped(town.id, () => pool.query<{ id: string }>(HUBS_OF, [[town.id]]));
      expect(after.rows).toHaveLength(HUBS);
      expect(await backendPid(pool)).not.toBe(pid);
    });

    it('survives the server ending an idle pooled connection (restart, failover): no crash, the next query gets a fresh one', async () => {
      const pool = onePool();
      const town = towns[0]!;
      const pid = await backendPid(pool);
      await superuser.query('SELECT pg_terminate_backend($1)', [pid]);
      // pg drops the idle connection and reports its end as 'error' on the pool: without the pool's own
      // listener that is an uncaught exception (the run fails on it).
      for (let i = 0; i < 100 && pool.totalCount > 0; i += 1) await new Promise((r) => setTimeout(r, 50));
      expect(pool.totalCount).toBe(0);
      const after = await scoped(town.id, () => pool.query<{ id: string }>(HUBS_OF, [[town.id]]));
      expect(after.rows).toHaveLength(HUBS);
      expect(await backendPid(pool)).not.toBe(pid);
    });
  });

  describe('a scoped statement without parameters', () => {
    it("goes through pg's public API in either transport (a parameterless text may hold several statements)", async () => {
      const pool = onePool();
      const town = towns[1]!;
      const sent = recordStatements();
      const result = await scoped(town.id, () => pool.query(`SELECT count(*)::int AS n FROM "Hub"`));
      expect(result.rows).toEqual([{ n: HUBS }]);
      expect(sent.batches()).toBe(0);
      expect(sent.texts()).toEqual([
        `BEGIN; SET LOCAL app.tenant_id = '${town.id}'`,
        'SELECT count(*)::int AS n FROM "Hub"',
        'COMMIT',
      ]);
      vi.restoreAllMocks();
      expect(await setting(pool)).toEqual({ tenant: null, user: null });
    });
  });

  describe('a named (prepared) statement', () => {
    const HUB_NAMES = 'SELECT h.id, h.name FROM "Hub" h WHERE h."tenantId" = ANY($1::uuid[]) ORDER BY h.name';

    it("is parsed once per connection, and runs each time in its caller's town", async () => {
      const pool = onePool();
      const [a, b] = [towns[0]!, towns[1]!];
      const first = await scoped(a.id, () =>
        preparedQuery<{ id: string }>(pool as unknown as ScopedPool, HUB_NAMES, [[a.id, b.id]]),
      );
      expect(new Set(first.rows.map((r) => r.id))).toEqual(new Set(a.hubIds));
      // Another town's scope applies to the same prepared statement.
      const second = await scoped(b.id, () =>
        preparedQuery<{ id: string }>(pool as unknown as ScopedPool, HUB_NAMES, [[a.id, b.id]]),
      );
      expect(new Set(second.rows.map((r) => r.id))).toEqual(new Set(b.hubIds));
      // PostgreSQL holds exactly one prepared copy of it on this connection.
      const prepared = await scoped(a.id, () =>
        pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1`, [
          HUB_NAMES,
        ]),
      );
      expect(prepared.rows).toEqual([{ n: 1 }]);
      vi.restoreAllMocks();
      expect(await setting(pool)).toEqual({ tenant: null, user: null });
    });

    it('fails cleanly when refused (RLS) and the connection goes on, prepared statement and all', async () => {
      const pool = onePool();
      const [own, foreign] = [towns[2]!, towns[0]!];
      const INSERT =
        'INSERT INTO "Hub" ("tenantId", id, name, slug, "updatedAt") VALUES ($1::uuid, gen_random_uuid(), $2, $2, now()) RETURNING id';
      for (let i = 0; i < 2; i += 1) {
        await expect(
          scoped(own.id, () => preparedQuery(pool as unknown as ScopedPool, INSERT, [foreign.id, `fremd-prep-${i}`])),
        ).rejects.toThrow(/row-level security/);
      }
      const ok = await scoped(own.id, () =>
        preparedQuery<{ id: string }>(pool as unknown as ScopedPool, HUB_NAMES, [[own.id]]),
      );
      expect(ok.rows).toHaveLength(HUBS);
      const { rows } = await superuser.query(`SELECT 1 FROM "Hub" WHERE slug LIKE 'fremd-prep-%'`);
      expect(rows).toEqual([]);
      expect(await setting(pool)).toEqual({ tenant: null, user: null });
    });
  });
});

import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client.ts';
import type pg from 'pg';
import { inPrismaTransaction } from './pg-internals.ts';
import {
  batchQuery,
  type PipelinedQuery,
  pipelinedTransaction,
  preparedQuery,
  ScopedPool,
  type ScopeTransport,
} from './scoped-pool.ts';
import { uniqueWhereToFilter } from './unique-lookups.ts';

export interface AppClientOptions {
  /** Connection string of the app role (hubwerk_app: no BYPASSRLS, owns nothing). */
  url: string;
  poolSize?: number;
  /**
   * How long a query or transaction may wait for a free connection before it
   * fails with PoolAcquireTimeoutError (the API's 503). Default 5 s.
   */
  acquireTimeoutMs?: number;
  /**
   * How a scoped statement's flight is framed (ADR 031): 'wire' (default) with
   * one Sync, through pg internals kept in pg-internals.ts; 'public' through
   * pg's public API only. Both send the same `BEGIN; SET LOCAL …; …; COMMIT`.
   */
  transport?: ScopeTransport;
}

const DEFAULT_ACQUIRE_TIMEOUT_MS = 5_000;

/**
 * The client every request uses. Its queries run under the DbScope of the
 * caller (`runInScope`), enforced by PostgreSQL's row-level security.
 */
export function createAppClient(options: AppClientOptions) {
  const acquireTimeoutMillis = options.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS;
  const pool = new ScopedPool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    acquireTimeoutMillis,
    ...(options.transport ? { transport: options.transport } : {}),
  });
  const base = new PrismaClient({
    adapter: new PrismaPg(pool),
    // Prisma's own wait for a transaction's connection (default 2 s, then an
    // untyped P2028) outlasts the pool's, so a saturated pool reports the
    // typed PoolAcquireTimeoutError for transactions too.
    transactionOptions: { maxWait: acquireTimeoutMillis + 1_000 },
  });
  const client = base.$extends({
    name: 'tenant-safe-unique-lookups',
    query: {
      $allModels: {
        // Inside an interactive transaction the lookup must stay on the
        // transaction's connection (and Prisma batches only within one
        // transaction, so there is nothing to avoid).
        findUnique(params) {
          const { model, args, query } = params;
          if (inPrismaTransaction(params)) return query(args);
          return delegate(base, model).findFirst({ ...args, where: uniqueWhereToFilter(args.where) });
        },
        findUniqueOrThrow(params) {
          const { model, args, query } = params;
          if (inPrismaTransaction(params)) return query(args);
          return delegate(base, model).findFirstOrThrow({ ...args, where: uniqueWhereToFilter(args.where) });
        },
      },
    },
  });
  return Object.assign(client, {
    /**
     * Raw SQL in one transaction of the caller's scope, pipelined: for hot
     * paths only (bookings.create), where Prisma's interactive transaction
     * costs a round trip per statement. RLS applies as to every query.
     */
    $pipelinedTransaction<T>(fn: (query: PipelinedQuery) => Promise<T>): Promise<T> {
      return pipelinedTransaction(pool, fn);
    },
    /**
     * One raw statement in the caller's scope, prepared once per connection
     * (parsed and planned once): for reads every request makes. Its columns
     * must be named (no `*`). Rows as pg returns them (json parsed, timestamps as Date).
     */
    $prepared<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
      return preparedQuery<R>(pool, text, values).then((r) => r.rows);
    },
    /**
     * Raw statements in the caller's scope as one implicit transaction in one
     * round trip (prepared, columns named): for reads every request makes
     * together. Rows per statement, in order.
     */
    $batch(statements: ReadonlyArray<{ text: string; values?: unknown[] }>): Promise<pg.QueryResult[]> {
      return batchQuery(pool, statements);
    },
    /**
     * The app role's pool itself, for libraries that speak pg (the rate
     * limiter's store, ADR 024). Only for global tables without RLS: a
     * statement sent here outside a scope runs without a town.
     */
    $pool: pool as pg.Pool,
    /** Connections of the pool (open, idle) and requests waiting for one: for the metrics endpoint. */
    poolStats(): PoolStats {
      return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: options.poolSize ?? 10 };
    },
    /** Ends the pool; call once on shutdown. */
    async close() {
      await base.$disconnect();
      await pool.end().catch(() => undefined);
    },
  });
}

export type AppClient = ReturnType<typeof createAppClient>;

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

type FindFirstDelegate = {
  findFirst(args: unknown): Promise<unknown>;
  findFirstOrThrow(args: unknown): Promise<unknown>;
};

function delegate(client: object, model: string): FindFirstDelegate {
  const key = model.charAt(0).toLowerCase() + model.slice(1);
  return (client as Record<string, FindFirstDelegate>)[key] as FindFirstDelegate;
}

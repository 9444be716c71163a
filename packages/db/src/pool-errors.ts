/**
 * No connection within the acquire timeout — none of the pool's became free,
 * or a new one could not be opened in time: the database is saturated, and
 * the same request will most likely succeed a moment later. The API answers
 * it with 503 and Retry-After instead of a 500.
 */
export class PoolAcquireTimeoutError extends Error {
  override readonly name = 'PoolAcquireTimeoutError';

  constructor(
    readonly waitedMs: number,
    options?: { cause?: unknown },
  ) {
    super(`No database connection within ${waitedMs} ms`, options);
  }
}

// pg-pool's own messages when connectionTimeoutMillis passes: waiting for a
// pooled connection, or opening a new one.
const PG_POOL_TIMEOUTS = new Set([
  'timeout exceeded when trying to connect',
  'Connection terminated due to connection timeout',
]);

/** pg-pool's untyped checkout timeouts as the typed error; anything else unchanged. */
export function typedPoolError(error: unknown, waitedMs: number): unknown {
  return error instanceof Error && PG_POOL_TIMEOUTS.has(error.message)
    ? new PoolAcquireTimeoutError(waitedMs, { cause: error })
    : error;
}

/** Whether `error`, or an error it wraps (`cause`, as Prisma and tRPC wrap), is a pool acquire timeout. */
export function isPoolAcquireTimeout(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth += 1) {
    if (e instanceof PoolAcquireTimeoutError) return true;
  }
  return false;
}

import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who a database call is made for. The tenant client turns it into the
 * transaction-local settings `app.tenant_id` and `app.user_id` that the
 * row-level-security policies read. A missing value means "nobody": the
 * policies then show and accept no tenant rows.
 */
export interface DbScope {
  readonly tenantId: string | null;
  readonly userId: string | null;
  /**
   * The support session (ADR 011) the request acts in, if any: the database
   * stamps it on every audit entry written in this scope.
   */
  readonly supportSessionId?: string | null;
}

const storage = new AsyncLocalStorage<DbScope>();

/**
 * Runs `fn` with `scope` as the database scope of every query it makes.
 *
 * Prisma queries start when awaited, not when built: a query that `fn`
 * returns unawaited would start in the caller's context, outside the scope.
 * So a returned thenable is started (`.then`) here, inside the scope.
 */
export function runInScope<T>(scope: DbScope, fn: () => T): T {
  return storage.run(scope, () => {
    const result = fn();
    if (!isThenable(result)) return result;
    return new Promise((resolve, reject) => result.then(resolve, reject)) as T;
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

export function currentScope(): DbScope | undefined {
  return storage.getStore();
}

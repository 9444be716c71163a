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
}

const storage = new AsyncLocalStorage<DbScope>();

/**
 * Runs `fn` with `scope` as the database scope of every query it awaits.
 * Prisma queries start when awaited, so the await must happen inside `fn`.
 */
export function runInScope<T>(scope: DbScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentScope(): DbScope | undefined {
  return storage.getStore();
}

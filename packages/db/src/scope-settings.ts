import type { DbScope } from './scope.ts';

/**
 * The scope as the statements that put it in force: `SET LOCAL` of each
 * setting the row-level-security policies read, inside the transaction.
 *
 * Why `SET LOCAL` and not `set_config(…, true)` with a bind parameter: on
 * Citus only `SET LOCAL` travels to the worker nodes (with
 * `citus.propagate_set_commands = 'local'`, set on every connection, see
 * scoped-pool.ts), and the policies run there. `SET` takes no bind
 * parameters, so the value is a literal — and therefore only ever a value
 * of a shape that cannot carry SQL: a canonical uuid, checked here. Anything
 * else is refused before a byte is sent.
 *
 * A setting that is null is not sent: a transaction-local setting starts out
 * unset in every transaction (or '' on a connection that once had it), and
 * the policies read both as "nobody" (NULLIF(current_setting(…), '')).
 */
export const SCOPE_SETTINGS = {
  tenantId: 'app.tenant_id',
  userId: 'app.user_id',
  supportSessionId: 'app.support_session_id',
} as const satisfies Record<keyof DbScope, string>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A scope value that is not a uuid: a bug in the caller, never a user's mistake to translate. */
export class InvalidScopeValueError extends Error {
  override readonly name = 'InvalidScopeValueError';

  constructor(readonly field: keyof DbScope) {
    // The value itself is not echoed: it may be anything a caller passed by mistake.
    super(`DbScope.${field} must be a uuid or null; refusing to send it to the database`);
  }
}

/** The `SET LOCAL` statements for `scope`, one per set value, in a fixed order. */
export function scopeSettingStatements(scope: DbScope): string[] {
  const statements: string[] = [];
  for (const field of Object.keys(SCOPE_SETTINGS) as Array<keyof DbScope>) {
    const value: unknown = scope[field];
    if (value === null || value === undefined) continue;
    if (typeof value !== 'string' || !UUID.test(value)) throw new InvalidScopeValueError(field);
    statements.push(`SET LOCAL ${SCOPE_SETTINGS[field]} = '${value.toLowerCase()}'`);
  }
  return statements;
}

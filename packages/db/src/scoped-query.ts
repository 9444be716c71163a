import pg from 'pg';
import type { DbScope } from './scope.ts';

/**
 * A pg query that carries the caller's tenant scope in front of itself, in
 * the same implicit transaction (ADR 005).
 *
 * On the wire (extended protocol, one Sync):
 *
 *   Parse hubwerk_set_scope (once per connection) · Bind · Execute
 *   Parse · Bind · Describe · Execute  (the caller's statement, as pg sends it)
 *   Sync
 *
 * PostgreSQL runs everything up to a Sync as one implicit transaction, so
 * `set_config(…, true)` is in force for the caller's statement and is undone
 * when the Sync commits or rolls it back — the same guarantee as
 * `BEGIN; set_config; query; COMMIT`, with one result to read instead of four
 * and no BEGIN/COMMIT messages.
 *
 * The scope statement is not described, so the server answers it with one
 * DataRow and one CommandComplete and nothing else; this class drops those
 * two and hands everything after them to pg's own Query unchanged (rowMode,
 * type parsers, errors). Only for statements pg would send with the extended
 * protocol anyway (they have parameters): a parameterless text may hold
 * several statements, which the extended protocol refuses.
 */

export const SET_SCOPE_SQL =
  "SELECT set_config('app.tenant_id', $1, true), set_config('app.user_id', $2, true), set_config('app.support_session_id', $3, true)";

/** The scope as SET_SCOPE_SQL's parameters ('' = not set: policies read it through NULLIF). */
export const scopeValues = (scope: DbScope): [string, string, string] => [
  scope.tenantId ?? '',
  scope.userId ?? '',
  scope.supportSessionId ?? '',
];
/** Named: PostgreSQL parses and plans it once per connection, not per query. */
export const SET_SCOPE_STATEMENT = 'hubwerk_set_scope';

/** The parts of pg's (untyped) Connection that a Query writes to. */
interface WireConnection {
  parsedStatements: Record<string, string | undefined>;
  submittedNamedStatements: Record<string, string | undefined>;
  parse(message: { name: string; text: string; types: number[] }): void;
  bind(message: { statement: string; values: unknown[] }): void;
  execute(message: { portal: string }): void;
}

/** The hooks pg's Client calls on the active Query (lib/query.js), not in @types/pg. */
interface QueryInternals {
  name?: string;
  text?: string;
  values?: unknown[];
  queryMode?: string;
  rows?: number;
  callback?: (error: Error | null, result?: pg.QueryResult) => void;
  requiresPreparation(): boolean;
  prepare(connection: WireConnection): void;
  handleDataRow(message: unknown): void;
  handleCommandComplete(message: unknown, connection: WireConnection): void;
  handleError(error: Error, connection: WireConnection): void;
}

const PgQuery = pg.Query as unknown as new (config: pg.QueryConfig) => QueryInternals & pg.Query;

/** Whether `config` is a statement ScopedQuery can carry (see the class comment). */
export function canCarryScope(config: unknown): config is pg.QueryConfig {
  if (typeof config !== 'object' || config === null) return false;
  const c = config as QueryInternals & { submit?: unknown };
  if (typeof c.submit === 'function' || typeof c.text !== 'string') return false;
  // A named statement's parse bookkeeping is pg's; keep it on the plain path.
  if (c.name || c.rows) return false;
  return (Array.isArray(c.values) && c.values.length > 0) || c.queryMode === 'extended';
}

export class ScopedQuery extends PgQuery {
  readonly #scopeValues: [string, string, string];
  /** True until the scope statement's CommandComplete has been read. */
  #scopePending = true;
  /**
   * The server refused the scope statement itself (it never should). The
   * connection's statement bookkeeping is then uncertain: its owner must
   * destroy it rather than reuse it.
   */
  scopeFailed = false;

  constructor(config: pg.QueryConfig, scope: DbScope) {
    super(config);
    // '' rather than NULL: the policies read NULLIF(current_setting(…), '').
    this.#scopeValues = scopeValues(scope);
  }

  /** Runs it on `client` and resolves with pg's result, as `client.query(config)` would. */
  run(client: pg.ClientBase): Promise<pg.QueryResult> {
    return new Promise((resolve, reject) => {
      this.callback = (error, result) => (error ? reject(error) : resolve(result!));
      client.query(this);
    });
  }

  override requiresPreparation(): boolean {
    return true;
  }

  override prepare(connection: WireConnection): void {
    // pg corks the socket around prepare(): these and the caller's messages leave as one write.
    const parsed =
      connection.parsedStatements[SET_SCOPE_STATEMENT] ?? connection.submittedNamedStatements[SET_SCOPE_STATEMENT];
    if (parsed === undefined) {
      connection.parse({ name: SET_SCOPE_STATEMENT, text: SET_SCOPE_SQL, types: [] });
      connection.submittedNamedStatements[SET_SCOPE_STATEMENT] = SET_SCOPE_SQL;
    }
    connection.bind({ statement: SET_SCOPE_STATEMENT, values: this.#scopeValues });
    connection.execute({ portal: '' });
    // No Sync in between: pg's prepare ends with the Sync that closes the implicit transaction.
    super.prepare(connection);
  }

  override handleDataRow(message: unknown): void {
    if (this.#scopePending) return; // set_config's own row
    super.handleDataRow(message);
  }

  override handleCommandComplete(message: unknown, connection: WireConnection): void {
    if (this.#scopePending) {
      this.#scopePending = false;
      // The scope statement ran, so it is parsed on this connection.
      connection.parsedStatements[SET_SCOPE_STATEMENT] = SET_SCOPE_SQL;
      delete connection.submittedNamedStatements[SET_SCOPE_STATEMENT];
      return;
    }
    super.handleCommandComplete(message, connection);
  }

  override handleError(error: Error, connection: WireConnection): void {
    if (this.#scopePending && error instanceof pg.DatabaseError) {
      // Did Parse fail, or Bind/Execute after it? Unknowable here; forget the
      // statement and let the owner destroy the connection.
      this.scopeFailed = true;
      delete connection.submittedNamedStatements[SET_SCOPE_STATEMENT];
      delete connection.parsedStatements[SET_SCOPE_STATEMENT];
    }
    super.handleError(error, connection);
  }
}

import { createHash } from 'node:crypto';
import pg from 'pg';
import { typedPoolError } from './pool-errors.ts';
import { currentScope, type DbScope } from './scope.ts';
import { scopeSettingStatements } from './scope-settings.ts';
import { type BatchStatement, sendWithOneSync, withBatchParseRouting } from './pg-internals.ts';

/**
 * A pg pool that runs every statement made inside a DbScope in a transaction
 * of that scope (ADR 031):
 *
 *   BEGIN; SET LOCAL app.tenant_id = '<uuid>'; SET LOCAL app.user_id = '<uuid>'; <statement>; COMMIT
 *
 * all written at once (one network flight) and answered at once. The same
 * statements on PostgreSQL and on Citus: `SET LOCAL` is what Citus carries
 * to its worker nodes (every connection has `citus.propagate_set_commands =
 * local`, an inert setting where Citus is not installed), and the settings
 * end with the transaction, so a pooled connection never carries them to
 * the next caller.
 *
 * Two transports send those statements; they differ only in framing:
 * - `wire` (default): one Sync for the whole flight (pg-internals.ts, private
 *   pg internals, checked by a contract test) — one answer to read.
 * - `public`: pg's public API in its pipeline mode — the same flight, one
 *   Sync per query.
 *
 * The scope is read when the caller enters `query()`/`connect()` — the
 * caller's async context — and pinned to the checked-out connection, never
 * read again from wherever pg-pool later resumes.
 */

export type ScopeTransport = 'wire' | 'public';

/** A statement of a flight (pg's QueryConfig, as far as the transports carry it). */
type Statement = BatchStatement;

interface Transport {
  /** The statements that open a transaction of `scope`. */
  begin(scope: DbScope | null): Statement[];
  /** Sends `statements` at once on `client`; a promise per statement, in order. */
  send(client: pg.ClientBase, statements: readonly Statement[]): Promise<pg.QueryResult>[];
  /** Whether a failed statement leaves the transaction open (aborted), so its owner must send ROLLBACK. */
  leavesFailedTransactionOpen: boolean;
}

const TRANSPORTS: Record<ScopeTransport, Transport> = {
  wire: {
    // The extended protocol carries one statement per Parse.
    begin: (scope) => [BEGIN, ...(scope ? scopeSettingStatements(scope) : []).map((text) => ({ text, noRows: true }))],
    send: sendWithOneSync,
    leavesFailedTransactionOpen: true,
  },
  public: {
    // Parameterless text goes as one simple-protocol message, which may hold several statements.
    begin: (scope) => [{ text: ['BEGIN', ...(scope ? scopeSettingStatements(scope) : [])].join('; ') }],
    send: (client, statements) => statements.map((s) => client.query(s as pg.QueryConfig)),
    // A failed statement turns the COMMIT behind it into ROLLBACK.
    leavesFailedTransactionOpen: false,
  },
};

const BEGIN: Statement = { text: 'BEGIN', noRows: true };
const COMMIT: Statement = { text: 'COMMIT', noRows: true };

type ScopedPoolClient = pg.PoolClient & { hubwerkScope?: DbScope | null };

class ScopedClient extends pg.Client {
  hubwerkScope: DbScope | null = null;

  // pg's overloads are too wide to restate; we only intercept BEGIN (Prisma's interactive transactions).
  override query(...args: unknown[]): never {
    const [config] = args;
    const text = typeof config === 'string' ? config : (config as { text?: string } | undefined)?.text;
    const begin = (super.query as (...a: unknown[]) => unknown).apply(this, args);
    if (this.hubwerkScope && text !== undefined && /^\s*BEGIN\s*$/i.test(text)) {
      // Pipelined right behind BEGIN: the transaction is scoped before any
      // statement the caller sends next can run. Public API: one
      // simple-protocol message in either transport.
      const set = super.query(scopeSettingStatements(this.hubwerkScope).join('; ')) as unknown as Promise<unknown>;
      set.catch(() => {
        /* a failed SET LOCAL aborts the transaction; the caller's next statement reports it */
      });
    }
    return begin as never;
  }
}

const WireScopedClient = withBatchParseRouting(ScopedClient);

export interface ScopedPoolOptions {
  connectionString: string;
  max?: number;
  applicationName?: string;
  /**
   * How long a caller may wait for a free connection before it gets a
   * PoolAcquireTimeoutError (also the limit for opening a new connection).
   * Without it, a saturated pool makes callers wait without end.
   */
  acquireTimeoutMillis?: number;
  /** How the scope's flight is framed (ADR 031); both send the same statements. Default 'wire'. */
  transport?: ScopeTransport;
}

export class ScopedPool extends pg.Pool {
  constructor(options: ScopedPoolOptions) {
    const acquireTimeoutMillis = options.acquireTimeoutMillis ?? 0;
    const transport = options.transport ?? 'wire';
    super({
      connectionString: options.connectionString,
      max: options.max ?? 10,
      application_name: options.applicationName ?? 'hubwerk-app',
      Client: transport === 'wire' ? WireScopedClient : ScopedClient,
      connectionTimeoutMillis: acquireTimeoutMillis,
      // pg ≥ 8.22: queries are written without waiting for earlier answers.
      pipeline: true,
      options: [
        // Named statements (pipelined transactions, see statementName) are
        // planned once per connection; without this PostgreSQL re-plans them
        // with their values again and again when the generic plan's estimate
        // looks dearer (measured: 2.5 ms of planning per booking). Prisma's
        // statements are unnamed and always planned with their values anyway.
        '-c plan_cache_mode=force_generic_plan',
        // On Citus, SET LOCAL travels to the worker nodes that run the
        // policies. Where Citus is not installed this is an unused
        // placeholder setting: nothing to detect, nothing sent per transaction.
        '-c citus.propagate_set_commands=local',
      ].join(' '),
    } as pg.PoolConfig);
    this.#acquireTimeoutMillis = acquireTimeoutMillis;
    // The server ending an idle pooled connection (restart, failover, idle timeout) is reported as 'error' on
    // the pool, which discards that connection; without a listener the process would crash. Statements that
    // fail reject on their own, and the API reports an outage once (database-outage.ts).
    this.on('error', () => undefined);
    this.transport = TRANSPORTS[transport];
    this.transportName = transport;
  }

  readonly #acquireTimeoutMillis: number;
  /** @internal the framing of this pool's flights */
  readonly transport: Transport;
  readonly transportName: ScopeTransport;

  override connect(): Promise<pg.PoolClient>;
  override connect(
    callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): void;
  override connect(
    callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): Promise<pg.PoolClient> | void {
    const scope = currentScope() ?? null;
    const pin = (client: pg.PoolClient | undefined) => {
      if (client) (client as ScopedPoolClient).hubwerkScope = scope;
    };
    if (callback) {
      super.connect((err, client, done) => {
        pin(client);
        callback(err ? (typedPoolError(err, this.#acquireTimeoutMillis) as Error) : err, client, done);
      });
      return;
    }
    return super.connect().then(
      (client) => {
        pin(client);
        return client;
      },
      (error: unknown) => {
        throw typedPoolError(error, this.#acquireTimeoutMillis);
      },
    );
  }

  // Prisma's adapter calls pool.query(config) for every statement outside an
  // interactive transaction.
  override query(...args: unknown[]): never {
    const scope = currentScope();
    if (!scope) return (super.query as (...a: unknown[]) => never).apply(this, args);
    if (typeof args[args.length - 1] === 'function') {
      throw new Error('ScopedPool.query supports promises only');
    }
    const [config, values] = args;
    if (typeof (config as { submit?: unknown } | null)?.submit === 'function') {
      throw new Error('ScopedPool.query does not carry a scope for a submittable (pg.Query, cursor)');
    }
    // pool.query(text, values) and pool.query({ text, values }) alike.
    const statement = (
      typeof config === 'string' ? { text: config, values } : values === undefined ? config : { ...config!, values }
    ) as Statement & { queryMode?: string };
    const transport = oneSyncCarries(statement) ? this.transport : TRANSPORTS.public;
    let begin: Statement[];
    try {
      // Built here, in the caller's context: the scope is fixed now.
      begin = transport.begin(scope);
    } catch (error) {
      return Promise.reject(error as Error) as never;
    }
    return this.#inTransaction(transport, begin, [statement]).then(([result]) => result) as never;
  }

  /**
   * `statements` in one transaction of the pinned scope, as one flight;
   * their results in order. If one fails, none took effect and this rejects with its error.
   */
  async inScopedTransaction(statements: readonly Statement[]): Promise<pg.QueryResult[]> {
    return this.#inTransaction(this.transport, this.transport.begin(currentScope() ?? null), statements);
  }

  async #inTransaction(
    transport: Transport,
    begin: Statement[],
    statements: readonly Statement[],
  ): Promise<pg.QueryResult[]> {
    const client = await this.connect();
    // A connection that dies while checked out (server restart, network)
    // emits 'error' on the client; without a listener that would crash the
    // process. The failing statements reject on their own.
    const onError = () => undefined;
    client.on('error', onError);
    const sent = transport.send(client, [...begin, ...statements, COMMIT]);
    const settled = await Promise.allSettled(sent);
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    let broken: Error | undefined;
    if (failure) {
      // The server's refusal of a statement aborted the transaction (the
      // settings with it); a broken connection (network, FATAL) is destroyed instead of reused.
      const refused = failure.reason instanceof pg.DatabaseError && failure.reason.severity === 'ERROR';
      broken = refused ? undefined : (failure.reason as Error);
      if (refused && transport.leavesFailedTransactionOpen) {
        await client.query('ROLLBACK').catch((error: unknown) => {
          broken = error as Error;
        });
      }
    } else if ((settled.at(-1) as PromiseFulfilledResult<pg.QueryResult>).value.command !== 'COMMIT') {
      broken = new Error('The scoped transaction did not commit');
    }
    client.removeListener('error', onError);
    client.release(broken);
    if (failure) throw failure.reason;
    if (broken) throw broken;
    const results = settled.slice(begin.length, begin.length + statements.length);
    return results.map((r) => (r as PromiseFulfilledResult<pg.QueryResult>).value);
  }
}

/**
 * Whether the one-Sync framing can carry `statement`: the extended protocol
 * takes one statement per Parse, and a parameterless text (which pg would
 * send with the simple protocol) may hold several.
 */
function oneSyncCarries(statement: Statement & { queryMode?: string; rows?: unknown }): boolean {
  if (typeof statement.text !== 'string' || statement.rows) return false;
  return (Array.isArray(statement.values) && statement.values.length > 0) || statement.queryMode === 'extended';
}

/**
 * `alias."col", …` for a prepared statement's select list (statementName
 * refuses `*`): pass Prisma's `<Model>ScalarFieldEnum` for all of a table's
 * columns as this build knows them, or a list.
 */
export function columnsOf(alias: string, columns: Readonly<Record<string, string>> | readonly string[]): string {
  return (Array.isArray(columns) ? columns : Object.values(columns)).map((c) => `${alias}."${c}"`).join(', ');
}

/**
 * One statement in the caller's scope as a named prepared statement: for the
 * hot reads every request makes (session, actor, town), whose planning cost
 * PostgreSQL more than running them. Same rules as statementName: name the columns.
 */
export async function preparedQuery<R extends pg.QueryResultRow>(
  pool: ScopedPool,
  text: string,
  values: unknown[],
): Promise<pg.QueryResult<R>> {
  const [result] = await pool.inScopedTransaction([{ name: statementName(text), text, values }]);
  return result as pg.QueryResult<R>;
}

/**
 * Statements in the caller's scope as one transaction, written at once and
 * answered at once: for reads a request needs together — the session, the
 * user's abilities and the town. Each is prepared once per connection
 * (statementName: columns named). If one fails, none took effect and the
 * batch rejects with its error.
 */
export function batchQuery(
  pool: ScopedPool,
  statements: ReadonlyArray<{ text: string; values?: unknown[] }>,
): Promise<pg.QueryResult[]> {
  return pool.inScopedTransaction(
    statements.map((s) => ({ name: statementName(s.text), text: s.text, values: s.values ?? [] })),
  );
}

const statementNames = new Map<string, string>();
/**
 * Statements with parameters run as named prepared statements: PostgreSQL
 * parses and plans each once per connection instead of on every call
 * (measured: planning was two thirds of PostgreSQL's time per booking).
 * A prepared statement whose result columns change under it (a migration
 * adding a column to a `*`) fails with "cached plan must not change result
 * type" on that connection until it closes — so these statements name their
 * columns, and one that selects `*` is refused here, before it runs.
 */
export function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    if (SELECTS_STAR.test(text))
      throw new Error(`A pipelined statement must name its columns, not select *: ${text.slice(0, 120)}`);
    name = `hw_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}
// `SELECT *`, `x.*`, `RETURNING *` — but not `count(*)`.
const SELECTS_STAR = /(?:\bSELECT|\bRETURNING|,)\s*\*|[\w"]\.\*/i;

/** A statement of a pipelined transaction: sent at once, answered in order. */
export type PipelinedQuery = <R extends pg.QueryResultRow = pg.QueryResultRow>(
  text: string,
  values?: unknown[],
) => Promise<pg.QueryResult<R>>;

/**
 * One transaction on one connection of `pool`, in the caller's DbScope, for
 * hot paths that Prisma's interactive transaction makes slow (ADR 006:
 * ~12 round trips and several ms of client work per booking).
 *
 * `fn` gets `query`; statements it issues without awaiting the earlier ones
 * form a flight: written at once behind `BEGIN` + `SET LOCAL`, so the server
 * answers the whole flight together, running the statements one after the
 * other, each with a fresh snapshot (READ COMMITTED). `fn` may then look at
 * the answers and throw: the transaction is rolled back; otherwise it is committed.
 */
export async function pipelinedTransaction<T>(pool: ScopedPool, fn: (query: PipelinedQuery) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // See #inTransaction: a connection dying while checked out must not crash the process.
  const onError = () => undefined;
  client.on('error', onError);
  const scope = (client as ScopedPoolClient).hubwerkScope ?? null;
  const inFlight: Array<Promise<unknown>> = [];
  let flight: Array<{
    statement: Statement;
    resolve: (r: pg.QueryResult) => void;
    reject: (e: unknown) => void;
  }> | null = null;
  const send = (statement: Statement): Promise<pg.QueryResult> => {
    const p = new Promise<pg.QueryResult>((resolve, reject) => {
      let batch = flight;
      if (!batch) {
        // Everything issued until the current tick ends travels in this flight.
        const opened: NonNullable<typeof flight> = (batch = flight = []);
        process.nextTick(() => {
          flight = null;
          const answers = pool.transport.send(
            client,
            opened.map((o) => o.statement),
          );
          answers.forEach((answer, i) => answer.then(opened[i]!.resolve, opened[i]!.reject));
        });
      }
      batch.push({ statement, resolve, reject });
    });
    inFlight.push(p);
    // The caller reads the answers it needs; an unread failure is reported at COMMIT.
    p.catch(() => undefined);
    return p;
  };
  const query: PipelinedQuery = (text, values) =>
    send(values === undefined ? { text } : { name: statementName(text), text, values }) as Promise<
      pg.QueryResult<never>
    >;
  let broken: Error | undefined;
  try {
    for (const statement of pool.transport.begin(scope)) void send(statement);
    const result = await fn(query);
    // PostgreSQL answers COMMIT of a failed transaction with ROLLBACK, not an
    // error, or skips it when a statement of its own flight failed: either
    // way a statement nobody awaited failed. Report the first that did.
    const commit = await query('COMMIT').catch(() => null);
    if (commit?.command !== 'COMMIT') {
      const outcomes = await Promise.allSettled(inFlight);
      const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      throw failed?.reason ?? new Error('transaction rolled back');
    }
    return result;
  } catch (error) {
    // Sent after whatever is still in flight; a failed statement has already
    // aborted the transaction, ROLLBACK then just ends it.
    await query('ROLLBACK').catch((e: unknown) => {
      broken = e instanceof Error ? e : new Error(String(e));
    });
    throw error;
  } finally {
    await Promise.allSettled(inFlight);
    client.removeListener('error', onError);
    client.release(broken);
  }
}

import { createHash } from 'node:crypto';
import pg from 'pg';
import { typedPoolError } from './pool-errors.ts';
import { currentScope, type DbScope } from './scope.ts';
import { type BatchEntry, BatchQuery, type BatchStatement } from './batch-query.ts';
import { canCarryScope, SET_SCOPE_SQL, SET_SCOPE_STATEMENT, ScopedQuery, scopeValues } from './scoped-query.ts';

/**
 * A pg pool that applies the caller's DbScope to every query, in the same
 * network flight as the query itself.
 *
 * Why not `$transaction([set_config, query])`? That costs four round trips
 * per query (BEGIN, set_config, query, COMMIT, each waiting for the last) and
 * ~70% of Prisma's throughput (docs/decisions/003). Here the connections run
 * in pg's pipeline mode, and a scoped statement with parameters (every query
 * Prisma generates with a filter) travels as ONE implicit transaction:
 * `set_config(…, true)` and the statement before a single Sync (ScopedQuery,
 * ADR 005). Anything else (parameterless text, which may hold several
 * statements; named statements) gets `BEGIN; set_config; <query>; COMMIT`,
 * written at once and answered at once. Either way the settings are
 * transaction-local, so a pooled connection never carries them to the next
 * caller.
 *
 * The scope is read when the caller enters `query()`/`connect()` — the
 * caller's async context — and pinned to the checked-out connection, never
 * read again from wherever pg-pool later resumes.
 */

type ScopedPoolClient = pg.PoolClient & { hubwerkScope?: DbScope | null };

class ScopedClient extends pg.Client {
  hubwerkScope: DbScope | null = null;

  // pg's overloads are too wide to restate; we only intercept BEGIN.
  override query(...args: unknown[]): never {
    const [config] = args;
    const text = typeof config === 'string' ? config : (config as { text?: string } | undefined)?.text;
    const begin = (super.query as (...a: unknown[]) => unknown).apply(this, args);
    if (this.hubwerkScope && text !== undefined && /^\s*BEGIN\b/i.test(text)) {
      // Pipelined right behind BEGIN: the transaction is scoped before any
      // statement the caller sends next can run.
      const scope = this.hubwerkScope;
      // Named: PostgreSQL parses and plans it once per connection, not per query.
      const set = super.query({
        name: SET_SCOPE_STATEMENT,
        text: SET_SCOPE_SQL,
        values: scopeValues(scope),
      }) as unknown as Promise<unknown>;
      set.catch(() => {
        /* a failed set_config aborts the transaction; the caller's next statement reports it */
      });
    }
    return begin as never;
  }

  // pg records a statement as parsed under the active query's name; a batch
  // carries several, so it keeps that bookkeeping itself (batch-query.ts).
  _handleParseComplete(): void {
    const active = (this as unknown as { _getActiveQuery(): unknown })._getActiveQuery();
    if (active instanceof BatchQuery) active.handleParseComplete(this.connection);
    else
      (pg.Client.prototype as unknown as { _handleParseComplete(this: pg.Client): void })._handleParseComplete.call(
        this,
      );
  }
}

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
}

export class ScopedPool extends pg.Pool {
  constructor(options: ScopedPoolOptions) {
    const acquireTimeoutMillis = options.acquireTimeoutMillis ?? 0;
    super({
      connectionString: options.connectionString,
      max: options.max ?? 10,
      application_name: options.applicationName ?? 'hubwerk-app',
      Client: ScopedClient,
      connectionTimeoutMillis: acquireTimeoutMillis,
      // pg ≥ 8.22: queries are written without waiting for earlier answers.
      pipeline: true,
      // Named statements (pipelined transactions, see statementName) are
      // planned once per connection; without this PostgreSQL re-plans them
      // with their values again and again when the generic plan's estimate
      // looks dearer (measured: 2.5 ms of planning per booking). Prisma's
      // statements are unnamed and always planned with their values anyway.
      options: '-c plan_cache_mode=force_generic_plan',
    } as pg.PoolConfig);
    this.#acquireTimeoutMillis = acquireTimeoutMillis;
  }

  readonly #acquireTimeoutMillis: number;

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
    // pool.query(text, values) and pool.query({ text, values }) alike; a
    // submittable (pg.Query, cursors) is never copied, it keeps the old path.
    const submittable = typeof (config as { submit?: unknown } | null)?.submit === 'function';
    const statement =
      typeof config === 'string'
        ? { text: config, values }
        : values === undefined || submittable
          ? config
          : { ...(config as object), values };
    if (!submittable && canCarryScope(statement)) {
      // Built here, in the caller's context: the scope is fixed now.
      return this.#queryWithScope(new ScopedQuery(statement, scope)) as never;
    }
    if (!submittable && isNamedWithValues(statement)) return this.#namedQuery(statement, scope) as never;
    return this.#queryInTransaction(config, values) as never;
  }

  /**
   * A named statement (see `prepared`): its first run on a connection takes
   * the BEGIN path, where pg's own bookkeeping records the Parse; from then
   * on the connection has it and it travels with the scope as one implicit
   * transaction (ScopedQuery), bound by name — neither parsed nor planned again.
   */
  async #namedQuery(statement: pg.QueryConfig & { name: string }, scope: DbScope): Promise<pg.QueryResult> {
    const query = new ScopedQuery(statement, scope);
    const client = await this.connect();
    const parsed = (client as unknown as { connection?: { parsedStatements?: Record<string, string> } }).connection
      ?.parsedStatements?.[statement.name];
    if (parsed === statement.text) return this.#queryWithScope(query, client);
    return this.#queryInTransaction(statement, undefined, client);
  }

  async #queryWithScope(query: ScopedQuery, acquired?: pg.PoolClient): Promise<pg.QueryResult> {
    const client = acquired ?? (await this.connect());
    // See #queryInTransaction: a connection dying while checked out must not crash the process.
    const onError = () => undefined;
    client.on('error', onError);
    try {
      const result = await query.run(client);
      client.removeListener('error', onError);
      client.release();
      return result;
    } catch (error) {
      client.removeListener('error', onError);
      // The server's refusal of the statement ended the implicit transaction
      // (set_config with it): the connection is clean. Anything else — a
      // broken socket, a terminated backend (FATAL), a refused scope
      // statement — and it is destroyed.
      const clean = error instanceof pg.DatabaseError && error.severity === 'ERROR' && !query.scopeFailed;
      client.release(clean ? undefined : (error as Error));
      throw error;
    }
  }

  async #queryInTransaction(config: unknown, values: unknown, acquired?: pg.PoolClient): Promise<pg.QueryResult> {
    const client = acquired ?? (await this.connect());
    // A connection that dies while checked out (server restart, network)
    // emits 'error' on the client; without a listener that would crash the
    // process. The failing statements reject on their own.
    const onError = () => undefined;
    client.on('error', onError);
    const run = (q: unknown, v?: unknown) =>
      (client.query as (q: unknown, v?: unknown) => Promise<pg.QueryResult>)(q, v);
    // All three go out in one flight (pipeline mode); BEGIN brings set_config.
    holdWritesForThisTick(client);
    const begin = run('BEGIN');
    const result = run(config, values);
    const commit = run('COMMIT');
    const settled = await Promise.allSettled([begin, result, commit]);
    client.removeListener('error', onError);
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) {
      // A failed statement turned COMMIT into ROLLBACK; the connection is clean.
      // A broken connection (network) is destroyed instead of reused.
      const broken = !(failure.reason instanceof Error && 'code' in failure.reason);
      client.release(broken ? (failure.reason as Error) : undefined);
      throw failure.reason;
    }
    client.release();
    return (settled[1] as PromiseFulfilledResult<pg.QueryResult>).value;
  }
}

/**
 * `alias."col", …` for a prepared statement's select list (statementName
 * refuses `*`): pass Prisma's `<Model>ScalarFieldEnum` for all of a table's
 * columns as this build knows them, or a list.
 */
export function columnsOf(alias: string, columns: Readonly<Record<string, string>> | readonly string[]): string {
  return (Array.isArray(columns) ? columns : Object.values(columns)).map((c) => `${alias}."${c}"`).join(', ');
}

const isNamedWithValues = (c: unknown): c is pg.QueryConfig & { name: string } =>
  typeof c === 'object' &&
  c !== null &&
  typeof (c as pg.QueryConfig).name === 'string' &&
  typeof (c as pg.QueryConfig).text === 'string' &&
  Array.isArray((c as pg.QueryConfig).values);

/**
 * One statement in the caller's scope as a named prepared statement: for the
 * hot reads every request makes (session, actor, town), whose planning cost
 * PostgreSQL more than running them. Same rules as statementName: name the columns.
 */
export function preparedQuery<R extends pg.QueryResultRow>(
  pool: ScopedPool,
  text: string,
  values: unknown[],
): Promise<pg.QueryResult<R>> {
  return (pool.query as (c: pg.QueryConfig) => Promise<pg.QueryResult<R>>)({ name: statementName(text), text, values });
}

/**
 * Statements in the caller's scope as one implicit transaction, written at
 * once and answered at once (one Sync, BatchQuery): for reads a request
 * needs together — the session, the user's abilities and the town (ADR 022).
 * Each is prepared once per connection (statementName: columns named). If
 * one fails, none took effect and the batch rejects with its error.
 */
export async function batchQuery(
  pool: ScopedPool,
  statements: ReadonlyArray<{ text: string; values?: unknown[] }>,
): Promise<pg.QueryResult[]> {
  const scope = currentScope();
  const client = await pool.connect();
  const onError = () => undefined;
  client.on('error', onError);
  const entries: BatchEntry[] = [];
  const answer = (statement: BatchStatement) =>
    new Promise<pg.QueryResult>((resolve, reject) => {
      entries.push({ ...statement, resolve, reject });
    });
  const scoped = scope ? answer({ name: SET_SCOPE_STATEMENT, text: SET_SCOPE_SQL, values: scopeValues(scope) }) : null;
  const results = statements.map((s) => answer({ name: statementName(s.text), text: s.text, values: s.values ?? [] }));
  new BatchQuery(entries).submitTo(client);
  const settled = await Promise.allSettled([...(scoped ? [scoped] : []), ...results]);
  client.removeListener('error', onError);
  const failure = settled.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) {
    // The server refused a statement: the implicit transaction ended at the
    // Sync and the connection is clean. Anything else (a broken socket) destroys it.
    const clean = failure.reason instanceof pg.DatabaseError && failure.reason.severity === 'ERROR';
    client.release(clean ? undefined : (failure.reason as Error));
    throw failure.reason;
  }
  client.release();
  return Promise.all(results);
}

const holding = new WeakSet<pg.PoolClient>();
/**
 * pg writes each statement to the socket on its own (one syscall each);
 * statements issued in the same tick — a flight — are held and written
 * together (measured: socket writes were a fifth of a booking's Node time).
 */
function holdWritesForThisTick(client: pg.PoolClient) {
  const stream = (client as unknown as { connection?: { stream?: { cork?: () => void; uncork?: () => void } } })
    .connection?.stream;
  if (holding.has(client) || !stream?.cork || !stream.uncork) return;
  holding.add(client);
  stream.cork();
  process.nextTick(() => {
    holding.delete(client);
    stream.uncork!();
  });
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
 * form a flight: written at once behind `BEGIN` + `set_config`, with one
 * Sync, so the server answers the whole flight in one write (BatchQuery,
 * ADR 022), running the statements one after the other, each with a fresh
 * snapshot (READ COMMITTED). `fn` may then look at the answers and throw:
 * the transaction is rolled back; otherwise it is committed.
 */
export async function pipelinedTransaction<T>(pool: ScopedPool, fn: (query: PipelinedQuery) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // See #queryInTransaction: a connection dying while checked out must not crash the process.
  const onError = () => undefined;
  client.on('error', onError);
  const scope = (client as ScopedPoolClient).hubwerkScope;
  const inFlight: Array<Promise<unknown>> = [];
  let flight: BatchEntry[] | null = null;
  const send = (statement: BatchStatement): Promise<pg.QueryResult> => {
    const p = new Promise<pg.QueryResult>((resolve, reject) => {
      let batch = flight;
      if (!batch) {
        // Everything issued until the current tick ends travels in this flight.
        const opened: BatchEntry[] = (batch = flight = []);
        process.nextTick(() => {
          flight = null;
          new BatchQuery(opened).submitTo(client);
        });
      }
      batch.push({ ...statement, resolve, reject });
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
    void send({ text: 'BEGIN' });
    if (scope) void send({ name: SET_SCOPE_STATEMENT, text: SET_SCOPE_SQL, values: scopeValues(scope) });
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

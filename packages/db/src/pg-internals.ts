import pg from 'pg';

/**
 * Every use of a private internal of `pg` (8.23) or Prisma (7.10) in
 * Hubwerk, in this one module. `pg-internals.contract.integration.test.ts`
 * checks each against the installed versions and names the one that
 * disappeared or changed shape; `createAppClient({ transport: 'public' })`
 * runs the app without any of the pg internals (ADR 031).
 *
 * pg internals used:
 * - `pg.Query` as a base class and its hooks `submit`, `handleRowDescription`,
 *   `handleDataRow`, `handleCommandComplete`, `handleEmptyQuery`,
 *   `handleError`, `handleReadyForQuery`, and `_result._types`;
 * - the Connection's `parse`, `bind`, `describe`, `execute`, `sync`,
 *   `stream.cork/uncork`, `parsedStatements`, `submittedNamedStatements`;
 * - `Client.prototype._handleParseComplete` and `_getActiveQuery`;
 * - `pg.Result` (`addFields`, `parseRow`, `addRow`, `addCommandComplete`,
 *   `_parsers`, `_prebuiltEmptyResultObject`) and `pg.utils.prepareValue`.
 * Prisma internals used: the `__internalParams.transaction` a query extension receives.
 *
 * What they buy: a flight of statements with ONE Sync (BatchQuery below).
 * PostgreSQL flushes its answers at every Sync; pg sends one per query, so
 * `BEGIN; SET LOCAL …; query; COMMIT` comes back as several socket writes,
 * each waking the API (measured: docs/performance.md, "Tenant-scope transport").
 */

export interface BatchStatement {
  text: string;
  /** Prepared once per connection under this name (see statementName); absent: the unnamed statement. */
  name?: string;
  values?: unknown[];
  /** As in pg's QueryConfig (Prisma's adapter asks for arrays and its own type parsers). */
  rowMode?: 'array';
  types?: pg.CustomTypesConfig;
  /** A statement that returns no rows (BEGIN, SET LOCAL, COMMIT): not described. */
  noRows?: boolean;
}

/** A statement of a batch with the promise it settles. */
export type BatchEntry = BatchStatement & {
  resolve: (result: pg.QueryResult) => void;
  reject: (error: unknown) => void;
};

/** The parts of pg's (untyped) Connection a batch writes to. */
interface WireConnection {
  parsedStatements: Record<string, string | undefined>;
  submittedNamedStatements: Record<string, string | undefined>;
  parse(message: { name: string; text: string; types: number[] }): void;
  bind(message: { statement: string; values: unknown[] }): void;
  describe(message: { type: 'P'; name: string }): void;
  execute(message: { portal: string }): void;
  sync(): void;
}

interface FieldsMessage {
  fields: unknown[];
}

/** pg's result accumulator and value serialiser (exported on pg's default export, not typed). */
type ResultLike = pg.QueryResult & {
  addFields(fields: unknown[]): void;
  parseRow(fields: unknown[]): unknown;
  addRow(row: unknown): void;
  addCommandComplete(message: unknown): void;
  _parsers?: unknown[];
  _prebuiltEmptyResultObject?: unknown;
};

/**
 * What a named statement's rows look like, per connection, once described:
 * its text is fixed, so is its result's shape (PostgreSQL refuses to run a
 * prepared statement whose result type changed). Later runs skip Describe —
 * PostgreSQL sends no RowDescription and pg builds no parsers for it.
 */
type Shape = Pick<ResultLike, 'fields' | '_parsers' | '_prebuiltEmptyResultObject'>;
const shapes = new WeakMap<object, Map<string, Shape>>();
function shapesOf(connection: object): Map<string, Shape> {
  let known = shapes.get(connection);
  if (!known) shapes.set(connection, (known = new Map()));
  return known;
}
const { Result, utils } = pg as unknown as {
  Result: new (rowMode?: string, types?: unknown) => ResultLike;
  utils: { prepareValue(value: unknown): unknown };
};
const PgQuery = pg.Query as unknown as new (config: pg.QueryConfig) => object;

type Pending = BatchEntry & { result: ResultLike; rowError?: unknown; learnShape?: boolean };

/**
 * Several statements written as one pg query with a single Sync at the end
 * (extended protocol), each answered through its own promise:
 *
 *   [Parse] · Bind · [Describe] · Execute   for each statement
 *   Sync
 *
 * What a single Sync changes: an error skips every later statement up to the
 * Sync (PostgreSQL discards them), so those reject with the same error —
 * they did not run. The flights here begin with BEGIN, so the transaction is
 * then aborted and its owner ends it with ROLLBACK.
 *
 * pg's own Query is the base so pg's Client drives it like any other query
 * (pipeline queue, ReadyForQuery, connection errors); it routes the server's
 * messages here, and this class hands each to the statement it belongs to.
 * The named-statement bookkeeping (which statements this connection has
 * parsed) is pg's, kept exactly: a statement counts as parsed once its
 * ParseComplete arrives (withBatchParseRouting).
 */
export class BatchQuery extends PgQuery {
  readonly #statements: Pending[];
  #shapes: Map<string, Shape> | undefined;
  /** Index of the statement whose answers arrive now. */
  #current = 0;
  /** Named statements whose Parse this batch sent, awaiting their ParseComplete, in order. */
  readonly #parsing: string[] = [];

  constructor(statements: BatchEntry[]) {
    super({ text: '' });
    this.#statements = statements.map((s) => ({ ...s, result: new Result(s.rowMode, s.types) }));
  }

  /** Runs the batch on `client` (a client in pipeline mode or not); each statement settles through its own promise. */
  submitTo(client: pg.ClientBase): void {
    (client.query as (q: unknown) => void)(this);
  }

  submit(connection: unknown): Error | null {
    const wire = connection as WireConnection;
    // Values are serialised before anything is written: a value pg cannot
    // send fails the whole batch here rather than half of it on the wire.
    let values: unknown[][];
    try {
      values = this.#statements.map((s) => (s.values ?? []).map((v) => utils.prepareValue(v)));
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
    // The client's type parsers, which pg hands to the query's own result before submitting it.
    const types = (this as unknown as { _result?: { _types?: unknown } })._result?._types;
    if (types)
      for (const s of this.#statements) if (!s.types) (s.result as unknown as { _types: unknown })._types = types;
    const known = (this.#shapes = shapesOf(wire));
    const stream = (wire as unknown as { stream?: { cork?: () => void; uncork?: () => void } }).stream;
    stream?.cork?.();
    try {
      this.#statements.forEach((s, i) => {
        const name = s.name ?? '';
        const shape = s.name && wire.parsedStatements[name] !== undefined ? known.get(name) : undefined;
        if (!s.name || (wire.parsedStatements[name] ?? wire.submittedNamedStatements[name]) === undefined) {
          wire.parse({ name, text: s.text, types: [] });
          if (s.name) {
            wire.submittedNamedStatements[name] = s.text;
            this.#parsing.push(name);
          } else {
            this.#parsing.push('');
          }
        }
        wire.bind({ statement: name, values: values[i]! });
        if (s.noRows) {
          // Nothing to describe: the server answers with CommandComplete alone.
        } else if (shape) {
          s.result.fields = shape.fields;
          s.result._parsers = shape._parsers;
          s.result._prebuiltEmptyResultObject = shape._prebuiltEmptyResultObject;
        } else {
          wire.describe({ type: 'P', name: '' });
          s.learnShape = Boolean(s.name);
        }
        wire.execute({ portal: '' });
      });
      wire.sync();
    } finally {
      stream?.uncork?.();
    }
    return null;
  }

  /** Called for ParseComplete (withBatchParseRouting routes it here): the oldest Parse in flight succeeded. */
  handleParseComplete(connection: unknown): void {
    const name = this.#parsing.shift();
    if (!name) return;
    const wire = connection as WireConnection;
    wire.parsedStatements[name] = wire.submittedNamedStatements[name];
    delete wire.submittedNamedStatements[name];
  }

  handleRowDescription(message: FieldsMessage): void {
    this.#statements[this.#current]?.result.addFields(message.fields);
  }

  /** The statement's rows as described now (none, if it returns none): its shape from here on. */
  #learnShape(s: Pending): void {
    if (!s.learnShape || !s.name) return;
    const { fields, _parsers, _prebuiltEmptyResultObject } = s.result;
    this.#shapes?.set(s.name, { fields, _parsers, _prebuiltEmptyResultObject });
  }

  handleDataRow(message: FieldsMessage): void {
    const s = this.#statements[this.#current];
    if (!s || s.rowError) return;
    try {
      s.result.addRow(s.result.parseRow(message.fields));
    } catch (error) {
      // A value pg could not parse: this statement fails once complete.
      s.rowError = error;
    }
  }

  handleCommandComplete(message: unknown): void {
    const s = this.#statements[this.#current++];
    if (!s) return;
    this.#learnShape(s);
    s.result.addCommandComplete(message);
    if (s.rowError) s.reject(s.rowError);
    else s.resolve(s.result);
  }

  handleEmptyQuery(): void {
    this.#statements[this.#current++]?.resolve(new Result());
  }

  /**
   * The server refused the current statement and skipped the rest up to the
   * Sync: they all fail with its error. Parses still awaiting their
   * ParseComplete never happened (a failed Parse, or one that was skipped).
   */
  handleError(error: Error, connection: unknown): void {
    const wire = connection as WireConnection;
    for (const name of this.#parsing.splice(0)) if (name) delete wire.submittedNamedStatements[name];
    // Its shape may be what failed ("cached plan must not change result type"): describe it again next time.
    const failed = this.#statements[this.#current]?.name;
    if (failed) this.#shapes?.delete(failed);
    for (const s of this.#statements.slice(this.#current)) s.reject(error);
    this.#current = this.#statements.length;
  }

  handleReadyForQuery(): void {
    // Every statement answered at its CommandComplete; none should be left.
    for (const s of this.#statements.slice(this.#current))
      s.reject(new Error('The server ended the batch without answering this statement'));
    this.#current = this.#statements.length;
  }
}

/**
 * `Client` with ParseComplete routed to an active BatchQuery: pg records a
 * statement as parsed under the active query's name, and a batch carries
 * several, so it keeps that bookkeeping itself.
 */
export function withBatchParseRouting(Base: typeof pg.Client): typeof pg.Client {
  const original = (pg.Client.prototype as unknown as { _handleParseComplete(this: pg.Client): void })
    ._handleParseComplete;
  class WireClient extends Base {}
  Object.defineProperty(WireClient.prototype, '_handleParseComplete', {
    value(this: pg.Client & { _getActiveQuery(): unknown; connection: unknown }) {
      const active = this._getActiveQuery();
      if (active instanceof BatchQuery) active.handleParseComplete(this.connection);
      else original.call(this);
    },
  });
  return WireClient;
}

/** Sends `statements` on `client` as one BatchQuery (one Sync); a promise per statement, in order. */
export function sendWithOneSync(
  client: pg.ClientBase,
  statements: readonly BatchStatement[],
): Promise<pg.QueryResult>[] {
  const entries: BatchEntry[] = [];
  const answers = statements.map(
    (statement) => new Promise<pg.QueryResult>((resolve, reject) => entries.push({ ...statement, resolve, reject })),
  );
  new BatchQuery(entries).submitTo(client);
  return answers;
}

/**
 * Whether a Prisma query extension runs inside an interactive transaction:
 * Prisma passes the request's internal parameters to query extensions, and
 * `transaction` is set inside one. There is no public equivalent.
 */
export function inPrismaTransaction(params: object): boolean {
  return Boolean((params as { __internalParams?: { transaction?: unknown } }).__internalParams?.transaction);
}

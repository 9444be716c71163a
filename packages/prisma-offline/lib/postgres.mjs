// @ts-check
/**
 * PostgreSQL plumbing shared by the RPC and the one-shot `cli` mode: a
 * pg.Client the wasm engine can read, pools shaped like the native engine's
 * connection, and connection-URL helpers.
 */
import pg from 'pg';

/** PostgreSQL type oids (pg_type.oid). */
const OID = { char: 18, text: 25 };

/**
 * Marks, on a result's `rows` array, which columns were `"char"` (see
 * relabelCatalogChar). The adapter hands that same array on as
 * `SqlResultSet.rows`, so the mark survives to where we need it.
 */
export const CATALOG_CHAR_COLUMNS = Symbol('hubwerk.catalogCharColumns');

/**
 * Pitfall 1: @prisma/adapter-pg 7.10 has no column type for the catalog type
 * `"char"` (oid 18: pg_constraint.contype, pg_class.relkind, …) and throws
 * "Column type 'char' could not be deserialized" on the engine's
 * introspection queries. (6.x could not read `name`, oid 19, either; 7.10
 * maps it to text.) We relabel such columns as `text` so that the adapter
 * accepts them, and note their positions, so that the adapter's result can
 * be given the `Character` column type the engine reads them as (see
 * adapter-factory.mjs; as plain text the engine panics with "… as char failed").
 *
 * @param {unknown} result a pg QueryResult, or an array of them for a multi-statement simple query
 */
function relabelCatalogChar(result) {
  for (const one of Array.isArray(result) ? result : [result]) {
    const { fields, rows } = /** @type {{ fields?: Array<{ dataTypeID: number }>, rows?: unknown }} */ (one ?? {});
    /** @type {number[]} */
    const charColumns = [];
    (fields ?? []).forEach((field, index) => {
      if (field.dataTypeID !== OID.char) return;
      field.dataTypeID = OID.text;
      charColumns.push(index);
    });
    if (charColumns.length > 0 && Array.isArray(rows)) {
      Object.defineProperty(rows, CATALOG_CHAR_COLUMNS, { value: charColumns });
    }
  }
  return result;
}

/**
 * A pg.Client whose query results carry no `"char"` columns (see
 * relabelCatalogChar). It covers both call styles that reach a client: the
 * promise style and the callback style that pg.Pool#query uses.
 */
export class CatalogTextClient extends pg.Client {
  /**
   * @override
   * @param {any} config
   * @param {any} [values]
   * @param {any} [callback]
   * @returns {any}
   */
  query(config, values, callback) {
    // Submittables (cursors, streams) manage their own rows; pass them through.
    if (config !== null && typeof config === 'object' && typeof config.submit === 'function') {
      return super.query(config, values, callback);
    }
    let done = typeof values === 'function' ? values : callback;
    if (typeof values === 'function') values = undefined;
    if (done === undefined && config !== null && typeof config === 'object' && typeof config.callback === 'function') {
      done = config.callback;
      config = { ...config, callback: undefined };
    }
    const relabelled = super.query(config, values).then(relabelCatalogChar);
    if (typeof done !== 'function') return relabelled;
    relabelled.then(
      (result) => done(null, result),
      (error) => done(error),
    );
    return undefined;
  }
}

/**
 * The `schema` query parameter of a Prisma connection URL (default `public`).
 * @param {string} url
 */
export function schemaOf(url) {
  return parseUrl(url).searchParams.get('schema') || 'public';
}

/**
 * @param {string} url
 * @returns {URL}
 */
function parseUrl(url) {
  try {
    return new URL(url);
  } catch {
    throw new Error('The database URL is not a valid URL (expected postgresql://user:password@host:port/database).');
  }
}

/**
 * The same server and credentials, another database. pg lets a
 * `connectionString` win over a separate `database` option, so switching
 * databases has to happen in the URL itself (this is pitfall 2's root cause).
 * @param {string} url
 * @param {string} database
 */
export function withDatabase(url, database) {
  const parsed = parseUrl(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/**
 * @param {string} url
 * @returns {string} the database name in the URL (PostgreSQL's default: the user name)
 */
export function databaseOf(url) {
  const parsed = parseUrl(url);
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  return name || decodeURIComponent(parsed.username) || 'postgres';
}

/**
 * `host:port` for messages, never the credentials.
 * @param {string} url
 */
export function serverOf(url) {
  const parsed = parseUrl(url);
  return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`;
}

/** A double-quoted SQL identifier. */
export const quoteIdent = pg.escapeIdentifier;

/**
 * Pitfall 7: one connection, like the native engine. The engine takes
 * session-level state for granted — the migration advisory lock, the
 * search_path — and with a bigger pool the next query could run on another
 * session.
 *
 * @param {string} url
 * @returns {pg.Pool}
 */
export function createEnginePool(url) {
  const schema = schemaOf(url);
  return new pg.Pool({
    connectionString: url,
    max: 1,
    Client: CatalogTextClient,
    // The native engine resolves unqualified names in the URL's `schema`.
    options: `-c search_path=${quoteIdent(schema).replaceAll(' ', '\\ ')}`,
    application_name: 'hubwerk-schema-engine',
  });
}

/**
 * Run `work` on a short-lived plain client (for CREATE/DROP DATABASE, which
 * cannot share the engine's session: it may be inside a transaction).
 * @template T
 * @param {string} url
 * @param {(client: pg.Client) => Promise<T>} work
 * @returns {Promise<T>}
 */
export async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url, application_name: 'hubwerk-schema-engine' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Is this a PostgreSQL server error (as opposed to a socket or TLS error)?
 * @param {unknown} error
 * @returns {error is pg.DatabaseError}
 */
export function isServerError(error) {
  return error instanceof pg.DatabaseError;
}

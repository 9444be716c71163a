// @ts-check
/**
 * The driver adapter factory handed to the wasm schema engine: PostgreSQL
 * through @prisma/adapter-pg, with the fixes the engine needs to behave like
 * the native binary (pitfalls 1, 2, 3, 6 and 7; the numbered list in
 * ../README.md).
 */
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import { ColumnTypeEnum, DriverAdapterError } from '@prisma/driver-adapter-utils';
import { log } from './log.mjs';
import {
  CATALOG_CHAR_COLUMNS,
  createEnginePool,
  databaseOf,
  isServerError,
  quoteIdent,
  schemaOf,
  withClient,
  withDatabase,
} from './postgres.mjs';

/** @typedef {import('@prisma/driver-adapter-utils').SqlDriverAdapter} SqlDriverAdapter */
/** @typedef {import('@prisma/driver-adapter-utils').SqlMigrationAwareDriverAdapterFactory} SqlMigrationAwareDriverAdapterFactory */
/** @typedef {import('./args.mjs').Datasource} Datasource */

/**
 * @typedef {SqlMigrationAwareDriverAdapterFactory & { close(): Promise<void> }} EngineAdapterFactory
 */

/** Prefix of the temporary shadow databases, to recognise leftovers. */
export const SHADOW_DATABASE_PREFIX = 'prisma_shadow_';

/**
 * A server error as the engine expects it from a driver adapter, so that a
 * failing migration reports PostgreSQL's own code and message. Anything else
 * (socket errors, bugs) is passed on as it is.
 * @param {unknown} error
 */
function toAdapterError(error) {
  if (!isServerError(error)) return error;
  return new DriverAdapterError({
    kind: 'postgres',
    code: error.code ?? 'N/A',
    severity: error.severity ?? 'ERROR',
    message: error.message,
    detail: error.detail,
    column: error.column,
    hint: error.hint,
    originalCode: error.code,
    originalMessage: error.message,
  });
}

/**
 * Second half of pitfall 1 (postgres.mjs): columns that were `"char"` get the
 * `Character` column type the engine expects for them.
 * @template {import('@prisma/driver-adapter-utils').SqlQueryable} Q
 * @param {Q} queryable an adapter or a transaction
 * @returns {Q}
 */
function withCharacterColumns(queryable) {
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => {
    const resultSet = await queryRaw(query);
    const charColumns = /** @type {{ [CATALOG_CHAR_COLUMNS]?: number[] }} */ (resultSet.rows)[CATALOG_CHAR_COLUMNS];
    for (const index of charColumns ?? []) resultSet.columnTypes[index] = ColumnTypeEnum.Character;
    return resultSet;
  };
  return queryable;
}

/**
 * @param {string} url
 * @param {(() => Promise<void>)} [afterDispose]
 * @returns {Promise<SqlDriverAdapter>}
 */
async function openAdapter(url, afterDispose) {
  const pool = createEnginePool(url);
  const adapter = withCharacterColumns(
    await new PrismaPg(pool, { schema: schemaOf(url), disposeExternalPool: true }).connect(),
  );
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => withCharacterColumns(await startTransaction(isolationLevel));

  // Pitfall 3: adapter-pg's executeScript splits the script on ";" and runs
  // the pieces one by one. That cuts `$$ … ; … $$` function bodies apart and
  // is not atomic. The native engine sends a migration script as one
  // simple-protocol query (PostgreSQL then runs it as one implicit
  // transaction, unless the script itself says BEGIN/COMMIT); a query
  // without parameters is exactly that in pg.
  adapter.executeScript = async (script) => {
    try {
      await pool.query(script);
    } catch (error) {
      throw toAdapterError(error);
    }
  };

  if (afterDispose) {
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      try {
        await dispose();
      } finally {
        await afterDispose();
      }
    };
  }
  return adapter;
}

/**
 * @param {string | undefined} url
 * @returns {string}
 */
function requireUrl(url) {
  if (url === undefined) {
    throw new Error('No database URL: the datasource in prisma.config.ts has no `url` for this command.');
  }
  return url;
}

/**
 * Pitfall 6: the wasm engine does not reset a shadow database it is given
 * (the native engine does), so leftovers of an earlier run would make the
 * replayed migrations fail. Start from an empty schema.
 * @param {string} url
 */
async function resetSchema(url) {
  const schema = quoteIdent(schemaOf(url));
  await withClient(url, (client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema};`));
  log('INFO', `Reset schema ${schema} of the shadow database ${databaseOf(url)}.`);
}

/**
 * @param {Datasource} datasource
 * @returns {EngineAdapterFactory}
 */
export function createAdapterFactory(datasource) {
  /** Temporary shadow databases not dropped yet (name → still to drop). */
  const temporaryDatabases = new Set();

  /**
   * @param {string} mainUrl
   * @param {string} name
   */
  const dropTemporaryDatabase = async (mainUrl, name) => {
    if (!temporaryDatabases.has(name)) return;
    temporaryDatabases.delete(name);
    await withClient(mainUrl, async (client) => {
      // WITH (FORCE) (PostgreSQL 13+) so that a connection still closing cannot make the DROP fail.
      const { rows } = await client.query('SHOW server_version_num');
      const force = Number(rows[0]?.server_version_num) >= 130000 ? ' WITH (FORCE)' : '';
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}${force}`);
    });
    log('INFO', `Dropped the temporary shadow database ${name}.`);
  };

  /** @type {EngineAdapterFactory} */
  const factory = {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',

    connect() {
      return openAdapter(requireUrl(datasource.url));
    },

    async connectToShadowDb() {
      if (datasource.shadowDatabaseUrl !== undefined) {
        await resetSchema(datasource.shadowDatabaseUrl);
        return openAdapter(datasource.shadowDatabaseUrl);
      }
      // Pitfall 2: adapter-pg's own connectToShadowDb connects with
      // `{ connectionString, database }`, and pg lets the connection string
      // win, so its "shadow database" is silently the main database. We
      // create a temporary database ourselves (the role needs CREATEDB, as
      // with the native engine) and connect with a URL that names it.
      const mainUrl = requireUrl(datasource.url);
      const name = `${SHADOW_DATABASE_PREFIX}${randomUUID().replaceAll('-', '')}`;
      try {
        await withClient(mainUrl, (client) => client.query(`CREATE DATABASE ${quoteIdent(name)}`));
      } catch (error) {
        if (isServerError(error) && error.code === '42501') {
          // The engine shows a driver-adapter error's message; any other error only as "External error id#…".
          error.message =
            `Prisma Migrate could not create the shadow database (${error.message}). ` +
            'Give the database user CREATEDB, or set a shadow database URL (SHADOW_DATABASE_URL).';
        }
        throw toAdapterError(error);
      }
      temporaryDatabases.add(name);
      log('INFO', `Created the temporary shadow database ${name}.`);
      return openAdapter(withDatabase(mainUrl, name), () => dropTemporaryDatabase(mainUrl, name));
    },

    /** Drop temporary shadow databases the engine did not dispose of. */
    async close() {
      if (datasource.url === undefined) return;
      for (const name of [...temporaryDatabases]) {
        await dropTemporaryDatabase(datasource.url, name).catch((error) =>
          log(
            'WARN',
            `Could not drop the temporary shadow database ${name}: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
      }
    },
  };
  return factory;
}

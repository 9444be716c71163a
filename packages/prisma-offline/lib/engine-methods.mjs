// @ts-check
/**
 * The RPC methods of the CLI, mapped onto the wasm SchemaEngine. Method names
 * and parameters are the same on both sides; the few differences are handled
 * here.
 */
import { createDatabase } from './databases.mjs';
import { MethodNotFoundError } from './json-rpc.mjs';
import { log } from './log.mjs';

/** @typedef {import('@prisma/schema-engine-wasm').SchemaEngine} SchemaEngine */
/** @typedef {import('./json-rpc.mjs').Peer} Peer */

/** Methods that pass straight through to the wasm engine. */
const PASS_THROUGH = new Set([
  'applyMigrations',
  'createMigration',
  'dbExecute',
  'debugPanic',
  'devDiagnostic',
  'diagnoseMigrationHistory',
  'ensureConnectionValidity',
  'introspect',
  'introspectSql',
  'markMigrationApplied',
  'markMigrationRolledBack',
  'reset',
  'schemaPush',
  'version',
]);

/**
 * Pitfall 5: right after `migrate dev` applied pending migrations, the wasm
 * engine's evaluateDataLoss fails with "PostgreSQL shadow DB must be provided
 * through an external factory". A devDiagnostic on the same migrations sets
 * the engine's shadow-database state up again; then the retry works.
 * @param {unknown} error
 */
function lostShadowFactory(error) {
  return error instanceof Error && error.message.includes('shadow DB must be provided through an external factory');
}

/**
 * @param {object} context
 * @param {() => Promise<SchemaEngine>} context.getEngine the engine, created on first use
 * @param {import('./args.mjs').Datasource} context.datasource
 * @returns {(method: string, params: any, peer: Peer) => Promise<unknown>}
 */
export function createMethodHandler({ getEngine, datasource }) {
  /** @type {Record<string, (engine: SchemaEngine, params: any, peer: Peer) => Promise<unknown>>} */
  const special = {
    // The native engine hands `migrate diff`'s output to the CLI as a
    // `print` request (the CLI writes it to stdout or to --output) and answers
    // the diff itself with the exit code only.
    async diff(engine, params, peer) {
      const { exitCode, stdout } = await engine.diff(params);
      if (typeof stdout === 'string') await peer.request('print', { content: stdout });
      return { exitCode };
    },

    async evaluateDataLoss(engine, params) {
      try {
        return await engine.evaluateDataLoss(params);
      } catch (error) {
        if (!lostShadowFactory(error)) throw error;
        log('INFO', 'evaluateDataLoss lost its shadow database factory; re-running devDiagnostic and retrying.');
        await engine.devDiagnostic({ migrationsList: params.migrationsList, filters: params.filters });
        return engine.evaluateDataLoss(params);
      }
    },

    // Older name of `version`, still sent by the CLI (e.g. FORCE_PANIC_SCHEMA_ENGINE).
    getDatabaseVersion(engine, params) {
      return engine.version(params);
    },
  };

  /**
   * Not in the wasm engine (it cannot create the database it connects to),
   * and needs no engine.
   * @param {any} params
   */
  const createDatabaseFor = async (params) => {
    const source = params?.datasource;
    const url = source?.tag === 'ConnectionString' && typeof source.url === 'string' ? source.url : datasource.url;
    if (url === undefined) throw new Error('createDatabase needs a connection string');
    return { databaseName: await createDatabase(url) };
  };

  return async (method, params, peer) => {
    if (method === 'createDatabase') return createDatabaseFor(params);
    const handler = special[method];
    if (!handler && !PASS_THROUGH.has(method)) throw new MethodNotFoundError(`Method not found: ${method}`);
    const engine = await getEngine();
    if (handler) return handler(engine, params, peer);
    const fn = /** @type {(params: unknown) => Promise<unknown>} */ (/** @type {any} */ (engine)[method]);
    return fn.call(engine, params);
  };
}

/**
 * @hubwerk/db/testing — per-worker PostgreSQL databases for integration and
 * e2e tests. The server and the migrated template come from the globalSetup
 * in ./global-setup.ts (wired in the root vitest.config.ts).
 */
export { useTestDatabase, resetDatabase, type TestDatabase, type ResetOptions } from './database.ts';
export type { TestDatabaseContext } from './context.ts';
export { watchedTables } from './watched-tables.ts';
export { insertTowns, type TestTown } from './towns.ts';
export { freePort } from './free-port.ts';
// The vitest fixtures are an entry point of their own (`@hubwerk/db/testing/fixtures`): they run vitest's
// `test.extend` when imported, which fails outside a vitest run (the job worker child of the fault tests, tools).

/**
 * The one way for a test file to get a database (ADR 041): vitest fixtures,
 * set up on first use and torn down by vitest, never by hand.
 *
 * ```ts
 * import { databaseTest as test } from '@hubwerk/db/testing/fixtures';
 * test('…', async ({ database, superuser }) => { … });
 * ```
 *
 * Both are file-scoped: a file gets one fresh copy of the migrated template
 * and one superuser connection, shared by its tests and its `test.beforeAll`.
 */
import pg from 'pg';
import { test } from 'vitest';
import { type TestDatabase, useTestDatabase } from './database.ts';

/**
 * A `test` with `database` and `superuser`; `prepare` runs once on the fresh
 * database before any test sees it (e.g. the demo seed, in @hubwerk/api's fixtures).
 */
export function createDatabaseTest(prepare?: (database: TestDatabase) => Promise<unknown>) {
  return (
    test
      // A fresh copy per file: nothing an earlier file of this worker wrote is left.
      .extend('database', { scope: 'file' }, async (): Promise<TestDatabase> => {
        const database = await useTestDatabase({ fresh: true });
        await prepare?.(database);
        return database;
      })
      // RLS does not apply to it: for setting up and checking rows, never for the code under test.
      .extend('superuser', { scope: 'file' }, async ({ database }, { onCleanup }) => {
        const client = new pg.Client({ connectionString: database.superuserUrl });
        await client.connect();
        onCleanup(() => client.end());
        return client;
      })
  );
}

/** An empty database (schema, policies, grants; no rows) and a superuser connection to it. */
export const databaseTest = createDatabaseTest();

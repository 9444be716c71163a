import type { DatabaseRoles, ServerAddress } from '../provision/urls.ts';

/** What the harness's globalSetup hands to test workers (vitest `provide`/`inject`). */
export interface TestDatabaseContext {
  readonly mode: 'embedded' | 'external';
  readonly server: ServerAddress;
  /** Superuser URL for the server's `postgres` database. */
  readonly superuserUrl: string;
  readonly roles: DatabaseRoles;
  /** Migrated database that each worker clones (CREATE DATABASE … TEMPLATE). */
  readonly template: string;
  /** Worker databases are `<prefix>_<VITEST_POOL_ID>`. */
  readonly databasePrefix: string;
}

export const CONTEXT_KEY = 'hubwerkTestDatabase';

declare module 'vitest' {
  export interface ProvidedContext {
    hubwerkTestDatabase: TestDatabaseContext;
  }
}

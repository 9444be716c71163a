/**
 * Worker side of the test harness: one database per vitest worker, cloned
 * from the migrated template that global-setup.ts built.
 */
import pg from 'pg';
import { inject } from 'vitest';
import { grantDatabaseAccess } from '../provision/roles.ts';
import { buildDatabaseUrls, databaseEnv, withDatabase, type DatabaseUrls } from '../provision/urls.ts';
import { CONTEXT_KEY, type TestDatabaseContext } from './context.ts';

export interface TestDatabase extends DatabaseUrls {
  /** e.g. `hubwerk_test_1` */
  readonly databaseName: string;
  /** Superuser on this worker's database (RLS does not apply: setup and assertions only). */
  readonly superuserUrl: string;
  /** DATABASE_URL, MIGRATOR_DATABASE_URL, PLATFORM_DATABASE_URL for child processes (API, admin). */
  readonly env: Readonly<Record<string, string>>;
}

const ident = (name: string) => pg.escapeIdentifier(name);

function harnessContext(): TestDatabaseContext {
  const context = inject(CONTEXT_KEY) as TestDatabaseContext | undefined;
  if (context === undefined) {
    throw new Error(
      'No test database: useTestDatabase() works in the `integration` and `e2e` vitest projects ' +
        '(files named *.integration.test.ts or apps/admin/e2e/**/*.spec.ts), whose globalSetup starts PostgreSQL.',
    );
  }
  return context;
}

function workerDatabaseName(context: TestDatabaseContext): string {
  // VITEST_POOL_ID is 1..maxWorkers and unique among the workers running at
  // the same time, so concurrent workers never share a database.
  const poolId = process.env.VITEST_POOL_ID ?? '1';
  return `${context.databasePrefix}_${poolId.replace(/\W/g, '')}`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function cloneTemplate(context: TestDatabaseContext, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: context.superuserUrl });
  await client.connect();
  try {
    // Left over from an earlier test file of the same worker: start afresh.
    await client.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
    for (let attempt = 1; ; attempt += 1) {
      try {
        await client.query(
          `CREATE DATABASE ${ident(name)} TEMPLATE ${ident(context.template)} OWNER ${ident(context.roles.migrator.name)}`,
        );
        break;
      } catch (error) {
        // 55006: the template is briefly in use (e.g. being cloned by a
        // concurrent CREATE DATABASE on an older server).
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await sleep(100 * attempt);
      }
    }
    await grantDatabaseAccess(client, name, context.roles);
  } finally {
    await client.end();
  }
}

let current: Promise<TestDatabase> | undefined;

/**
 * This worker's database: `hubwerk_test_<VITEST_POOL_ID>`, a fresh copy of
 * the migrated template (schema, RLS policies, grants; no rows). Created on
 * the first call in a test file and shared by later calls in the same file;
 * `{ fresh: true }` replaces it with a new copy (close your pools first).
 *
 * ```ts
 * const db = await useTestDatabase();
 * const prisma = createTenantClient({ url: db.appUrl });
 * ```
 */
export function useTestDatabase(options: { fresh?: boolean } = {}): Promise<TestDatabase> {
  if (current === undefined || options.fresh === true) {
    const attempt = (async (): Promise<TestDatabase> => {
      const context = harnessContext();
      const name = workerDatabaseName(context);
      await cloneTemplate(context, name);
      const urls = buildDatabaseUrls(context.server, name, context.roles);
      return {
        ...urls,
        databaseName: name,
        superuserUrl: withDatabase(context.superuserUrl, name),
        env: databaseEnv(urls),
      };
    })();
    current = attempt;
    attempt.catch(() => {
      if (current === attempt) current = undefined;
    });
  }
  return current;
}

export interface ResetOptions {
  /** Tables (in schema public) to leave as they are. `_prisma_migrations` is always kept. */
  readonly keep?: readonly string[];
}

/**
 * Empty every table of the database (TRUNCATE … RESTART IDENTITY CASCADE as
 * superuser, with triggers off so append-only guards do not object). Open
 * transactions on the database make it wait, so finish them first.
 */
export async function resetDatabase(
  database: Pick<TestDatabase, 'superuserUrl'>,
  options: ResetOptions = {},
): Promise<void> {
  const keep = ['_prisma_migrations', ...(options.keep ?? [])];
  const client = new pg.Client({ connectionString: database.superuserUrl });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      `SELECT format('%I.%I', schemaname, tablename) AS name
         FROM pg_tables
        WHERE schemaname = 'public' AND NOT (tablename = ANY($1::text[]))
        ORDER BY tablename`,
      [keep],
    );
    if (tables.rows.length === 0) return;
    await client.query('BEGIN');
    try {
      await client.query('SET LOCAL session_replication_role = replica');
      await client.query(`TRUNCATE ${tables.rows.map((row) => row.name).join(', ')} RESTART IDENTITY CASCADE`);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  } finally {
    await client.end();
  }
}

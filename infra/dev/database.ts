/**
 * The development database: the embedded PostgreSQL of the contract
 * (127.0.0.1:54329, data in <repo>/.data/postgres) or the server named by
 * DATABASE_URL, provisioned and migrated.
 */
import path from 'node:path';
import pg from 'pg';
import {
  buildDatabaseUrls,
  buildUrl,
  databaseEnv,
  databaseName,
  DEV_ROLES,
  DEV_SERVER,
  migrateDeploy,
  provisionDatabase,
  serverAddress,
  startEmbeddedPostgres,
  type DatabaseUrls,
} from '@hubwerk/db/provision';
import type { DevEnv } from './env.ts';

export interface DevDatabase {
  readonly mode: 'embedded' | 'external';
  readonly urls: DatabaseUrls;
  /** Embedded only: superuser URL of the dev database (for psql). */
  readonly superuserUrl?: string;
  /** Embedded only: false when a server started elsewhere (npm run db:up) was reused. */
  readonly owned: boolean;
  readonly timings: Readonly<Record<string, number>>;
  stop(): Promise<void>;
}

const elapsed = (since: number) => Math.round(performance.now() - since);

export async function startDevDatabase(env: DevEnv, root: string, log: (line: string) => void): Promise<DevDatabase> {
  const timings: Record<string, number> = {};
  const offline = env.PRISMA_OFFLINE;

  if (env.DATABASE_URL !== undefined && env.MIGRATOR_DATABASE_URL !== undefined) {
    const appUrl = env.DATABASE_URL;
    const urls: DatabaseUrls = {
      appUrl,
      migratorUrl: env.MIGRATOR_DATABASE_URL,
      platformUrl:
        env.PLATFORM_DATABASE_URL ?? buildUrl(serverAddress(appUrl), DEV_ROLES.platform, databaseName(appUrl)),
    };
    log('migrating the database in DATABASE_URL (prisma migrate deploy) …');
    const since = performance.now();
    await migrateDeploy({ cwd: root, migratorUrl: urls.migratorUrl, env: databaseEnv(urls), offline });
    timings.migrateMs = elapsed(since);
    return { mode: 'external', urls, owned: false, timings, stop: async () => {} };
  }

  let since = performance.now();
  const server = await startEmbeddedPostgres({
    dataDir: path.join(root, '.data', 'postgres'),
    host: DEV_SERVER.host,
    port: DEV_SERVER.port,
    superuser: DEV_SERVER.superuser,
    profile: 'dev',
  });
  timings.startMs = elapsed(since);
  log(
    server.owned
      ? `embedded PostgreSQL ${server.initialised ? 'initialised and ' : ''}started on ${server.host}:${server.port} (${timings.startMs} ms)`
      : `reusing the embedded PostgreSQL already running on ${server.host}:${server.port}`,
  );
  try {
    since = performance.now();
    await provisionDatabase({ superuserUrl: server.superuserUrl(), database: DEV_SERVER.database, roles: DEV_ROLES });
    timings.provisionMs = elapsed(since);
    const urls = buildDatabaseUrls(server, DEV_SERVER.database, DEV_ROLES);
    log('migrating (prisma migrate deploy) …');
    since = performance.now();
    await migrateDeploy({ cwd: root, migratorUrl: urls.migratorUrl, env: databaseEnv(urls), offline });
    timings.migrateMs = elapsed(since);
    return {
      mode: 'embedded',
      urls,
      superuserUrl: server.superuserUrl(DEV_SERVER.database),
      owned: server.owned,
      timings,
      stop: () => server.stop(),
    };
  } catch (error) {
    await server.stop().catch(() => {});
    throw error;
  }
}

export type DatabaseContents = 'no-tables' | 'empty' | 'has-data';

/** Whether any table but _prisma_migrations has a row (as the BYPASSRLS platform role sees it). */
export async function databaseContents(platformUrl: string): Promise<DatabaseContents> {
  const client = new pg.Client({ connectionString: platformUrl });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
        WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'
          AND has_table_privilege(format('%I.%I', schemaname, tablename), 'SELECT')`,
    );
    if (tables.rows.length === 0) return 'no-tables';
    for (const { name } of tables.rows) {
      const rows = await client.query(`SELECT 1 FROM ${name} LIMIT 1`);
      if ((rows.rowCount ?? 0) > 0) return 'has-data';
    }
    return 'empty';
  } finally {
    await client.end();
  }
}

/** `psql` command line for a URL (psql accepts connection URIs). */
export function psqlCommand(url: string): string {
  return `psql '${url}'`;
}

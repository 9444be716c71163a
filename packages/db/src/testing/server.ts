/**
 * The database server behind a test run (node side, used by global-setup.ts):
 * an embedded PostgreSQL in a temporary directory, or an external server, with
 * the roles provisioned and a migrated template database to clone per worker.
 */
import { rmSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../provision/embedded.ts';
import { migrateDeploy } from '../provision/migrate.ts';
import { dropDatabase, provisionDatabase } from '../provision/roles.ts';
import {
  buildDatabaseUrls,
  credentialsOf,
  databaseEnv,
  DEV_ROLES,
  serverAddress,
  withDatabase,
  type DatabaseRoles,
  type ServerAddress,
} from '../provision/urls.ts';
import type { TestEnv } from './env.ts';

export const TEMPLATE_DATABASE = 'hubwerk_template';
export const DATABASE_PREFIX = 'hubwerk_test';

export interface TestServer {
  readonly mode: 'embedded' | 'external';
  readonly server: ServerAddress;
  readonly superuserUrl: string;
  readonly roles: DatabaseRoles;
  readonly template: string;
  readonly timings: Readonly<Record<string, number>>;
  close(): Promise<void>;
}

export interface StartTestServerOptions {
  readonly env: TestEnv;
  /** Repository root (prisma.config.ts, prisma/migrations). */
  readonly cwd: string;
}

async function startTemporaryServer(dataDir: string): Promise<EmbeddedServer> {
  // A port picked by the OS can be taken by someone else before PostgreSQL
  // binds it; try a few.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      return await startEmbeddedPostgres({ dataDir, port: await freePort(), profile: 'test' });
    } catch (error) {
      lastError = error;
      await fs.rm(path.join(dataDir, 'postmaster.pid'), { force: true });
    }
  }
  throw lastError;
}

const elapsed = (since: number) => Math.round(performance.now() - since);

/** Migrate `template` from scratch and lock it so that nobody connects to it (a connection blocks cloning). */
async function buildTemplate(
  superuserUrl: string,
  server: ServerAddress,
  roles: DatabaseRoles,
  cwd: string,
  timings: Record<string, number>,
): Promise<void> {
  await dropDatabase(superuserUrl, TEMPLATE_DATABASE);
  let since = performance.now();
  await provisionDatabase({ superuserUrl, database: TEMPLATE_DATABASE, roles });
  timings.provisionMs = elapsed(since);

  since = performance.now();
  const urls = buildDatabaseUrls(server, TEMPLATE_DATABASE, roles);
  await migrateDeploy({ cwd, migratorUrl: urls.migratorUrl, env: databaseEnv(urls) });
  timings.migrateMs = elapsed(since);

  const client = new pg.Client({ connectionString: withDatabase(superuserUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(
      `ALTER DATABASE ${pg.escapeIdentifier(TEMPLATE_DATABASE)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`,
    );
  } finally {
    await client.end();
  }
}

async function dropWorkerDatabases(superuserUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(superuserUrl, 'postgres') });
  await client.connect();
  let names: string[];
  try {
    const rows = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
      `${DATABASE_PREFIX}\\_%`,
    ]);
    names = rows.rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
  for (const name of names) await dropDatabase(superuserUrl, name);
}

async function startEmbedded(cwd: string): Promise<TestServer> {
  const timings: Record<string, number> = {};
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hubwerk-test-pg-'));
  let embedded: EmbeddedServer | undefined;
  // If vitest exits without teardown (Ctrl-C, SIGTERM, a crash), drop the
  // files: 'exit' allows synchronous work only.
  const removeOnExit = () => rmSync(dataDir, { recursive: true, force: true });
  process.once('exit', removeOnExit);
  const close = async () => {
    process.removeListener('exit', removeOnExit);
    try {
      await embedded?.stop();
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  };
  try {
    const since = performance.now();
    embedded = await startTemporaryServer(dataDir);
    // Now behind the exit hook of startEmbeddedPostgres, which signals the
    // server: first stop it, then remove its files.
    process.removeListener('exit', removeOnExit);
    process.once('exit', removeOnExit);
    timings.startMs = elapsed(since);
    const superuserUrl = embedded.superuserUrl('postgres');
    const server = { host: embedded.host, port: embedded.port };
    await buildTemplate(superuserUrl, server, DEV_ROLES, cwd, timings);
    return {
      mode: 'embedded',
      server,
      superuserUrl,
      roles: DEV_ROLES,
      template: TEMPLATE_DATABASE,
      timings,
      close,
    };
  } catch (error) {
    await close().catch(() => {});
    throw error;
  }
}

async function useExternal(env: TestEnv, cwd: string): Promise<TestServer> {
  const { DATABASE_URL: appUrl, MIGRATOR_DATABASE_URL: migratorUrl, TEST_SUPERUSER_URL: superuser } = env;
  if (appUrl === undefined || migratorUrl === undefined || superuser === undefined) {
    throw new Error('external test database needs DATABASE_URL, MIGRATOR_DATABASE_URL and TEST_SUPERUSER_URL');
  }
  const server = serverAddress(superuser);
  for (const url of [appUrl, migratorUrl, env.PLATFORM_DATABASE_URL]) {
    if (url === undefined) continue;
    const other = serverAddress(url);
    if (other.host !== server.host || other.port !== server.port) {
      throw new Error(
        'DATABASE_URL, MIGRATOR_DATABASE_URL, PLATFORM_DATABASE_URL and TEST_SUPERUSER_URL must name the same server',
      );
    }
  }
  const roles: DatabaseRoles = {
    app: credentialsOf(appUrl),
    migrator: credentialsOf(migratorUrl),
    platform: env.PLATFORM_DATABASE_URL === undefined ? DEV_ROLES.platform : credentialsOf(env.PLATFORM_DATABASE_URL),
  };
  const superuserUrl = withDatabase(superuser, 'postgres');
  const timings: Record<string, number> = {};
  await buildTemplate(superuserUrl, server, roles, cwd, timings);
  return {
    mode: 'external',
    server,
    superuserUrl,
    roles,
    template: TEMPLATE_DATABASE,
    timings,
    close: async () => {
      // Leave the shared server as we found it.
      await dropWorkerDatabases(superuserUrl);
      await dropDatabase(superuserUrl, TEMPLATE_DATABASE);
    },
  };
}

export function startTestServer(options: StartTestServerOptions): Promise<TestServer> {
  return options.env.DATABASE_URL === undefined ? startEmbedded(options.cwd) : useExternal(options.env, options.cwd);
}

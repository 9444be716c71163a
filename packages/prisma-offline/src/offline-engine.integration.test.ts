/**
 * The real, unmodified Prisma CLI with PRISMA_OFFLINE=1 against a real
 * PostgreSQL: the migration workflow a developer and a deployment go
 * through, end to end, on the stand-in engine.
 *
 * The CLI does not always fail loudly (when its engine dies mid-command it
 * can exit 0 having done nothing), so every step checks the database or the
 * files, not just the exit code.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHADOW_DATABASE_PREFIX } from '../lib/adapter-factory.mjs';
import { startThrowawayPostgres, type ThrowawayPostgres } from './testing/embedded-postgres.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PRISMA_CLI = path.join(REPO_ROOT, 'node_modules', '.bin', 'prisma');
const CLI_TIMEOUT_MS = 120_000;
const STEP_TIMEOUT_MS = 180_000;

const SCHEMA = `
datasource db {
  provider = "postgresql"
}

model Tenant {
  id   String @id @default(uuid(7)) @db.Uuid
  name String
  /// Amtlicher Gemeindeschlüssel; CHAR columns and CHECKs exercise the catalog "char" type.
  ags  String @unique @db.Char(8)
  hubs Hub[]
}

model Hub {
  tenantId String @db.Uuid
  id       String @default(uuid(7)) @db.Uuid
  name     String
  tenant   Tenant @relation(fields: [tenantId], references: [id], onDelete: Restrict)

  @@id([tenantId, id])
}
`;

// Hand-written, as Hubwerk's tenancy migrations are: a plpgsql function whose
// `$$` body contains semicolons, and forced row-level security.
const RLS_SQL = `
-- Row-level security (hand-written)
CREATE FUNCTION current_tenant_id() RETURNS uuid LANGUAGE plpgsql STABLE AS $$
DECLARE
  setting text;
BEGIN
  setting := NULLIF(current_setting('app.tenant_id', true), '');
  RETURN setting::uuid;
END;
$$;

ALTER TABLE "Hub" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Hub" FORCE ROW LEVEL SECURITY;
CREATE POLICY hub_tenant_isolation ON "Hub" USING ("tenantId" = current_tenant_id());
ALTER TABLE "Tenant" ADD CONSTRAINT tenant_ags_digits CHECK ("ags" ~ '^[0-9]{8}$');
`;

interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let server: ThrowawayPostgres;
let project: string;

/**
 * The project's prisma.config.ts itself (its PRISMA_OFFLINE switch and
 * datasource), pointed at this test's schema and migrations.
 */
function configFile(): string {
  const rootConfig = JSON.stringify(path.join(REPO_ROOT, 'prisma.config.ts'));
  return [
    `import base from ${rootConfig};`,
    'export default { ...base, schema: "prisma/schema.prisma", migrations: { path: "prisma/migrations" } };',
    '',
  ].join('\n');
}

function prisma(args: readonly string[], databaseUrl: string): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PRISMA_OFFLINE: '1',
    MIGRATOR_DATABASE_URL: databaseUrl,
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  };
  // Let prisma.config.ts make the choice, and only from this test's settings.
  for (const name of ['PRISMA_SCHEMA_ENGINE_BINARY', 'DATABASE_URL', 'SHADOW_DATABASE_URL']) delete env[name];
  return new Promise((resolve) => {
    execFile(
      PRISMA_CLI,
      [...args],
      { cwd: project, env, timeout: CLI_TIMEOUT_MS, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Fail with the CLI's output, which says what went wrong. */
function expectSuccess(result: CliResult): void {
  expect(result.code, `prisma failed:\n${result.stdout}\n${result.stderr}`).toBe(0);
}

async function query<T extends pg.QueryResultRow>(databaseUrl: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function migrationDirectories(): Promise<string[]> {
  const entries = await fs.readdir(path.join(project, 'prisma', 'migrations'), { withFileTypes: true });
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished: boolean;
  rolled_back: boolean;
  applied_steps_count: number;
}

async function appliedMigrations(databaseUrl: string): Promise<MigrationRow[]> {
  return query<MigrationRow>(
    databaseUrl,
    `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished,
            rolled_back_at IS NOT NULL AS rolled_back, applied_steps_count
       FROM _prisma_migrations ORDER BY started_at`,
  );
}

/** The tenancy objects of RLS_SQL, as the database sees them. */
async function rlsState(databaseUrl: string) {
  const [state] = await query<{
    rls: boolean;
    forced: boolean;
    policies: string;
    fn: string | null;
    check_ok: boolean;
  }>(
    databaseUrl,
    `SELECT c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
            (SELECT string_agg(policyname, ',') FROM pg_policies WHERE tablename = 'Hub') AS policies,
            to_regprocedure('current_tenant_id()')::text AS fn,
            EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'tenant_ags_digits' AND contype = 'c') AS check_ok
       FROM pg_class c WHERE c.relname = 'Hub'`,
  );
  return state;
}

describe('Prisma CLI on the stand-in schema engine (PRISMA_OFFLINE=1)', () => {
  let devUrl: string;
  let deployUrl: string;
  let migrationName: string;
  let migrationSql: string;

  beforeAll(async () => {
    server = await startThrowawayPostgres();
    devUrl = server.url('offline_dev');
    deployUrl = server.url('offline_deploy');
    project = await fs.mkdtemp(path.join(os.tmpdir(), 'hubwerk-prisma-offline-'));
    await fs.mkdir(path.join(project, 'prisma'));
    await fs.writeFile(path.join(project, 'prisma', 'schema.prisma'), SCHEMA);
    await fs.writeFile(path.join(project, 'prisma.config.ts'), configFile());
  }, STEP_TIMEOUT_MS);

  afterAll(async () => {
    await server?.stop();
    if (project) await fs.rm(project, { recursive: true, force: true });
  }, STEP_TIMEOUT_MS);

  it(
    'runs the stand-in, not a downloaded engine',
    async () => {
      const result = await prisma(['--version'], devUrl);
      expectSuccess(result);
      expect(result.stdout).toMatch(/Schema Engine\s*:.*wasm stand-in.*resolved by PRISMA_SCHEMA_ENGINE_BINARY/);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'migrate dev --create-only writes the migration (and creates the database) without applying it',
    async () => {
      expectSuccess(await prisma(['migrate', 'dev', '--create-only', '--name', 'init'], devUrl));

      const directories = await migrationDirectories();
      expect(directories).toHaveLength(1);
      migrationName = directories[0]!;
      expect(migrationName).toMatch(/^\d{14}_init$/);
      const sql = await fs.readFile(path.join(project, 'prisma', 'migrations', migrationName, 'migration.sql'), 'utf8');
      expect(sql).toContain('CREATE TABLE "Tenant"');
      expect(sql).toContain('CHAR(8)');
      const lock = await fs.readFile(path.join(project, 'prisma', 'migrations', 'migration_lock.toml'), 'utf8');
      expect(lock).toMatch(/provider = "postgresql"/);

      const tables = await query<{ name: string | null }>(devUrl, `SELECT to_regclass('"Tenant"')::text AS name`);
      expect(tables[0]?.name).toBeNull();
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'migrate dev applies the hand-edited migration, $$ body and RLS included',
    async () => {
      const file = path.join(project, 'prisma', 'migrations', migrationName, 'migration.sql');
      await fs.appendFile(file, RLS_SQL);
      migrationSql = await fs.readFile(file, 'utf8');

      expectSuccess(await prisma(['migrate', 'dev'], devUrl));

      expect(await rlsState(devUrl)).toEqual({
        rls: true,
        forced: true,
        policies: 'hub_tenant_isolation',
        fn: 'current_tenant_id()',
        check_ok: true,
      });
      const rows = await appliedMigrations(devUrl);
      expect(rows.map((row) => row.migration_name)).toEqual([migrationName]);
      // No new migration for the unchanged schema (the RLS objects are not drift).
      expect(await migrationDirectories()).toEqual([migrationName]);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'migrate status reports the database up to date',
    async () => {
      const result = await prisma(['migrate', 'status'], devUrl);
      expectSuccess(result);
      expect(result.stdout).toMatch(/Database schema is up to date/);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'migrate diff prints the SQL for the schema, and sees no difference to the migrations',
    async () => {
      const script = await prisma(
        ['migrate', 'diff', '--from-empty', '--to-schema', 'prisma/schema.prisma', '--script'],
        devUrl,
      );
      expectSuccess(script);
      expect(script.stdout).toContain('CREATE TABLE "Tenant"');
      expect(script.stdout).toContain('CREATE TABLE "Hub"');
      expect(script.stdout).toContain('FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id")');

      // Replays the migrations on a temporary shadow database: exit code 2 would mean a difference.
      const check = await prisma(
        [
          'migrate',
          'diff',
          '--from-migrations',
          'prisma/migrations',
          '--to-schema',
          'prisma/schema.prisma',
          '--exit-code',
        ],
        devUrl,
      );
      expectSuccess(check);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'migrate deploy applies the same migration to a fresh database',
    async () => {
      expectSuccess(await prisma(['migrate', 'deploy'], deployUrl));
      expect(await rlsState(deployUrl)).toEqual(await rlsState(devUrl));
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'records each migration as the native engine does (checksum = sha256 of migration.sql)',
    async () => {
      const checksum = createHash('sha256').update(migrationSql).digest('hex');
      for (const databaseUrl of [devUrl, deployUrl]) {
        expect(await appliedMigrations(databaseUrl)).toEqual([
          { migration_name: migrationName, checksum, finished: true, rolled_back: false, applied_steps_count: 1 },
        ]);
      }
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'leaves no temporary shadow database behind',
    async () => {
      const databases = await query<{ datname: string }>(server.url(), 'SELECT datname FROM pg_database');
      expect(databases.map((row) => row.datname).filter((name) => name.startsWith(SHADOW_DATABASE_PREFIX))).toEqual([]);
    },
    STEP_TIMEOUT_MS,
  );
});

import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { resetDatabase, useTestDatabase, type TestDatabase } from './index.ts';

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const migrationsDir = fileURLToPath(new URL('../../../../prisma/migrations', import.meta.url));

async function migrationNames(): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

describe('test harness', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await useTestDatabase();
  });

  it('gives this worker its own database, named after VITEST_POOL_ID', async () => {
    expect(db.databaseName).toBe(`hubwerk_test_${process.env.VITEST_POOL_ID}`);
    const [row] = await query<{ db: string }>(db.appUrl, 'SELECT current_database() AS db');
    expect(row?.db).toBe(db.databaseName);
    expect(db.env).toEqual({
      DATABASE_URL: db.appUrl,
      MIGRATOR_DATABASE_URL: db.migratorUrl,
      PLATFORM_DATABASE_URL: db.platformUrl,
    });
  });

  it('clones a template on which every migration of prisma/migrations has been applied', async () => {
    const expected = await migrationNames();
    const applied = await query<{ migration_name: string }>(
      db.superuserUrl,
      `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
    ).catch((error: { code?: string }) => {
      if (error.code === '42P01' && expected.length === 0) return []; // no migrations yet: no table
      throw error;
    });
    expect(applied.map((row) => row.migration_name)).toEqual(expected);
  });

  it('keeps the template locked: nobody can connect to it', async () => {
    const [row] = await query<{ datistemplate: boolean; datallowconn: boolean }>(
      db.superuserUrl,
      `SELECT datistemplate, datallowconn FROM pg_database WHERE datname = 'hubwerk_template'`,
    );
    expect(row).toEqual({ datistemplate: true, datallowconn: false });
  });

  it('resetDatabase empties every table but _prisma_migrations', async () => {
    await query(db.superuserUrl, 'CREATE TABLE reset_probe (id serial PRIMARY KEY, note text)');
    await query(db.superuserUrl, `INSERT INTO reset_probe (note) VALUES ('a'), ('b')`);
    const before = await query<{ n: number }>(
      db.superuserUrl,
      'SELECT count(*)::int AS n FROM _prisma_migrations',
    ).catch(() => []);

    await resetDatabase(db);

    expect(await query(db.superuserUrl, 'SELECT * FROM reset_probe')).toEqual([]);
    expect(
      await query<{ n: number }>(db.superuserUrl, 'SELECT count(*)::int AS n FROM _prisma_migrations').catch(() => []),
    ).toEqual(before);
    // RESTART IDENTITY: sequences start over.
    const [row] = await query<{ id: number }>(
      db.superuserUrl,
      `INSERT INTO reset_probe (note) VALUES ('c') RETURNING id`,
    );
    expect(row?.id).toBe(1);
    await query(db.superuserUrl, 'DROP TABLE reset_probe');
  });

  it('useTestDatabase({ fresh: true }) replaces the database with a new copy', async () => {
    await query(db.migratorUrl, 'CREATE TABLE fresh_probe (id int)');
    const again = await useTestDatabase({ fresh: true });
    expect(again.databaseName).toBe(db.databaseName);
    const rows = await query(again.superuserUrl, `SELECT 1 FROM pg_tables WHERE tablename = 'fresh_probe'`);
    expect(rows).toEqual([]);
    db = again;
  });
});

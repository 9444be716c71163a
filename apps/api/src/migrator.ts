import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { z } from 'zod';
import { shippedMigrations } from './readiness.ts';

/**
 * Applies prisma/migrations/<name>/migration.sql in name order, keeping
 * Prisma's own bookkeeping table (`_prisma_migrations`, same columns and
 * checksums) so that `prisma migrate status/deploy` and the API's readiness
 * agree with it. It exists so that a production image needs neither the
 * Prisma CLI nor its schema engine (docs/decisions/028).
 *
 * Each migration runs with its bookkeeping row in one transaction: it is
 * applied completely or not at all. Concurrent runs (two rollouts) wait for
 * one another on Prisma's advisory lock.
 */
export interface MigrationRun {
  applied: string[];
  alreadyApplied: number;
}

// The key `prisma migrate deploy` locks, so the two never run at once.
const PRISMA_ADVISORY_LOCK = 72707369;

const BOOKKEEPING = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export class MigrationFailure extends Error {
  constructor(
    message: string,
    readonly migration: string | null,
  ) {
    super(message);
    this.name = 'MigrationFailure';
  }
}

export async function applyMigrations(options: {
  url: string;
  migrationsDir: string;
  log?: (line: string) => void;
}): Promise<MigrationRun> {
  const log = options.log ?? (() => undefined);
  const client = new pg.Client({ connectionString: options.url, application_name: 'hubwerk-migrate' });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    await client.query(BOOKKEEPING);
    const rows = await client.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
    }>('SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"');
    const failed = rows.rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
    if (failed) {
      throw new MigrationFailure(
        `migration ${failed.migration_name} failed earlier and was not resolved (see docs/operations.md, "A failed migration")`,
        failed.migration_name,
      );
    }
    const done = new Map(
      rows.rows.filter((row) => row.finished_at !== null).map((row) => [row.migration_name, row.checksum]),
    );
    const applied: string[] = [];
    for (const name of shippedMigrations(options.migrationsDir)) {
      const sql = readFileSync(path.join(options.migrationsDir, name, 'migration.sql'), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      const previous = done.get(name);
      if (previous !== undefined) {
        if (previous !== checksum)
          log(`warning: ${name} was changed after it was applied (checksum differs); not applied again`);
        continue;
      }
      log(`applying ${name}`);
      try {
        await client.query('BEGIN');
        await client.query(sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES ($1, $2, $3, now(), now(), 1)`,
          [randomUUID(), checksum, name],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new MigrationFailure(`migration ${name} failed and was rolled back: ${(error as Error).message}`, name);
      }
      applied.push(name);
    }
    return { applied, alreadyApplied: done.size };
  } finally {
    await client.end();
  }
}

/** The migration command's environment: the migrator role only. */
const migrateSchema = z.object({
  MIGRATOR_DATABASE_URL: z.url(),
  MIGRATIONS_DIR: z.string().min(1).optional(),
});

export function parseMigrateEnv(source: NodeJS.ProcessEnv): z.infer<typeof migrateSchema> {
  const result = migrateSchema.safeParse(source);
  if (!result.success)
    throw new Error(
      `Invalid migration environment:\n${result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  return result.data;
}

export const MIGRATE_ENV_KEYS = Object.keys(migrateSchema.shape);

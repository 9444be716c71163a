/**
 * The migration command of a release: `node dist/migrate.js` (the image's
 * `migrate` command, the Kubernetes migration Job). Reads only
 * MIGRATOR_DATABASE_URL (the role that owns the schema) and, optionally,
 * MIGRATIONS_DIR; exits 0 when the database is up to date, 1 otherwise.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { applyMigrations, parseMigrateEnv } from './migrator.ts';

function defaultMigrationsDir(): string {
  // The bundle carries its migrations beside it; from source, the repository's.
  const bundled = fileURLToPath(new URL('./migrations', import.meta.url));
  return existsSync(bundled) ? bundled : fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));
}

try {
  const env = parseMigrateEnv(process.env);
  const log = (line: string) => console.log(JSON.stringify({ level: 'info', service: 'hubwerk-migrate', msg: line }));
  const run = await applyMigrations({
    url: env.MIGRATOR_DATABASE_URL,
    migrationsDir: env.MIGRATIONS_DIR ?? defaultMigrationsDir(),
    log,
  });
  log(
    run.applied.length > 0
      ? `applied ${run.applied.length} migration(s), ${run.alreadyApplied} were already applied`
      : `database is up to date (${run.alreadyApplied} migrations)`,
  );
} catch (error) {
  console.error(JSON.stringify({ level: 'error', service: 'hubwerk-migrate', msg: (error as Error).message }));
  process.exitCode = 1;
}

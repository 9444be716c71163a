import { readdirSync } from 'node:fs';
import type { AppClient } from '@hubwerk/db';

/** Names of the migrations this build ships (prisma/migrations/<name>/migration.sql). */
export function shippedMigrations(migrationsDir: string): string[] {
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

export type Readiness =
  { ready: true } | { ready: false; reason: 'database-unreachable' | 'migrations-pending'; pending?: string[] };

/** Ready when the database answers and every shipped migration has been applied. */
export async function checkReadiness(db: AppClient, shipped: string[]): Promise<Readiness> {
  let applied: { migration_name: string }[];
  try {
    applied = await db.$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
  } catch {
    return { ready: false, reason: 'database-unreachable' };
  }
  const done = new Set(applied.map((m) => m.migration_name));
  const pending = shipped.filter((name) => !done.has(name));
  return pending.length > 0 ? { ready: false, reason: 'migrations-pending', pending } : { ready: true };
}

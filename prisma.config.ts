/**
 * Prisma CLI configuration (Prisma 7). The CLI loads this file before it
 * looks for its schema engine, so the engine switch below takes effect for
 * every command:
 *
 *   PRISMA_OFFLINE=1  use the air-gapped stand-in engine (packages/prisma-offline)
 *   PRISMA_OFFLINE=0  use Prisma's native engine (downloaded by the CLI)
 *   unset             native if installed or downloadable, else the stand-in
 *
 * See docs/decisions/002-prisma-air-gapped-mode.md.
 */
import { selectSchemaEngine } from '@hubwerk/prisma-offline';
import { defineConfig } from 'prisma/config';

selectSchemaEngine();

/** An empty variable counts as unset (as in a `.env` with `DATABASE_URL=`). */
const fromEnv = (name: string): string | undefined => process.env[name] || undefined;

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: {
    path: 'prisma/migrations',
    seed: 'tsx prisma/seed.ts',
  },
  // No `env()` helper here: it throws when the variable is missing, and
  // `prisma generate` (npm install's postinstall) must work without a database.
  datasource: {
    // The migrator role owns the schema; DATABASE_URL is the fallback for a single-role setup.
    url: fromEnv('MIGRATOR_DATABASE_URL') ?? fromEnv('DATABASE_URL'),
    shadowDatabaseUrl: fromEnv('SHADOW_DATABASE_URL'),
  },
});

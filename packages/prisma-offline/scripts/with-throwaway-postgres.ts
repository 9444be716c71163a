/**
 * Run one command against a throwaway PostgreSQL (embedded, 127.0.0.1, a
 * free port, deleted afterwards), with MIGRATOR_DATABASE_URL pointing at an
 * empty database on it. For creating a migration without a dev database:
 *
 *   PRISMA_OFFLINE=1 npx tsx packages/prisma-offline/scripts/with-throwaway-postgres.ts \
 *     npx prisma migrate dev --create-only --name <name>
 *
 * Exits with the command's exit code.
 */
import { spawn } from 'node:child_process';
import pg from 'pg';
import { startThrowawayPostgres } from '../src/testing/embedded-postgres.ts';

const [command, ...args] = process.argv.slice(2);
if (command === undefined) {
  process.stderr.write('usage: with-throwaway-postgres.ts <command> [args…]\n');
  process.exit(2);
}

const server = await startThrowawayPostgres();
let exitCode = 1;
try {
  const admin = new pg.Client({ connectionString: server.url() });
  await admin.connect();
  await admin.query('CREATE DATABASE hubwerk_scratch');
  // The migrations grant to these roles (provisioning creates them for real);
  // without them the shadow database cannot replay the migrations.
  for (const role of ['hubwerk_app', 'hubwerk_platform']) {
    await admin.query(
      `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}') THEN CREATE ROLE ${role} NOLOGIN; END IF; END $$`,
    );
  }
  await admin.end();
  const env: NodeJS.ProcessEnv = { ...process.env, MIGRATOR_DATABASE_URL: server.url('hubwerk_scratch') };
  // Nothing may reach a database other than the throwaway one.
  delete env.DATABASE_URL;
  delete env.SHADOW_DATABASE_URL;
  process.stderr.write(`throwaway PostgreSQL on ${server.host}:${server.port}\n`);
  exitCode = await new Promise<number>((resolve) => {
    const child = spawn(command, args, { env, stdio: 'inherit' });
    // Ctrl-C reaches the child too; we wait for it to end, then stop the
    // server (the `finally` below) instead of dying with the server still up.
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => child.kill(signal));
    }
    child.once('error', (error) => {
      process.stderr.write(`${error.message}\n`);
      resolve(127);
    });
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
} finally {
  await server.stop();
}
process.exit(exitCode);

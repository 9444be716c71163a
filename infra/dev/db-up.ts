/**
 * `npm run db:up`: start the embedded PostgreSQL of the contract, provision
 * the roles and apply migrations, then keep it running until Ctrl-C — for
 * running the API, tests against it, psql or Prisma Studio by hand.
 * `npm run dev` in another terminal reuses this server.
 */
import { fileURLToPath } from 'node:url';
import { databaseEnv } from '@hubwerk/db/provision';
import { psqlCommand, startDevDatabase } from './database.ts';
import { parseDevEnv } from './env.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const log = (line: string) => process.stdout.write(`\u001b[2mdb   \u001b[0m │ ${line}\n`);

// Always the embedded server: DATABASE_URL & co. in the shell are ignored here.
const env = parseDevEnv({ PRISMA_OFFLINE: process.env.PRISMA_OFFLINE });

try {
  const database = await startDevDatabase(env, root, log);
  const exports = Object.entries(databaseEnv(database.urls)).map(([key, value]) => `  export ${key}='${value}'`);
  process.stdout.write(
    [
      '',
      `  Embedded PostgreSQL ready (data in .data/postgres; start ${database.timings.startMs ?? 0} ms, migrate ${database.timings.migrateMs ?? 0} ms)`,
      `  psql    ${database.superuserUrl === undefined ? '' : psqlCommand(database.superuserUrl)}`,
      '  env     (for the API or tests by hand)',
      ...exports,
      database.owned
        ? '  Ctrl-C stops the server.'
        : '  It was already running (another npm run db:up); leaving it as it is.',
      '',
    ].join('\n'),
  );
  if (!database.owned) process.exit(0);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await database.stop();
    log('embedded PostgreSQL stopped');
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop());
  // Keep the process (and so the server's lifetime) until a signal arrives.
  setInterval(() => {}, 1 << 30);
} catch (error) {
  log(`\u001b[31mfailed:\u001b[0m ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

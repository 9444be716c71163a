/**
 * `npm run dev`: database (embedded PostgreSQL unless DATABASE_URL is set),
 * migrations, demo data when the database is empty, then the API and the
 * admin app. Ctrl-C (or SIGTERM) stops all of it. See docs/operations.md.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { databaseEnv, DEV_SERVER, redactUrl } from '@hubwerk/db/provision';
import { databaseContents, psqlCommand, startDevDatabase, type DevDatabase } from './database.ts';
import { parseDevEnv } from './env.ts';
import { portIsFree, startProcess, waitForHttp, type DevProcess } from './processes.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const API = { host: '127.0.0.1', port: 4000 };
const ADMIN = { host: '127.0.0.1', port: 3000 };
const apiUrl = `http://${API.host}:${API.port}`;
const adminUrl = `http://${ADMIN.host}:${ADMIN.port}`;

const write = (line: string) => process.stdout.write(`${line}\n`);
const log = (line: string) => write(`\u001b[2mdev  \u001b[0m │ ${line}`);

const env = parseDevEnv(process.env);

let database: DevDatabase | undefined;
const children: DevProcess[] = [];
let shuttingDown = false;

async function shutdown(code: number): Promise<never> {
  if (shuttingDown) process.exit(code);
  shuttingDown = true;
  log('stopping …');
  await Promise.allSettled(children.map((child) => child.stop()));
  if (database?.owned) {
    await database.stop().catch((error: unknown) => log(`could not stop PostgreSQL: ${String(error)}`));
    log('embedded PostgreSQL stopped');
  }
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (shuttingDown) {
      log('second signal: exiting now');
      process.exit(130);
    }
    void shutdown(0);
  });
}

async function main(): Promise<void> {
  for (const [name, address] of [
    ['API', API],
    ['admin', ADMIN],
  ] as const) {
    if (!(await portIsFree(address.host, address.port))) {
      throw new Error(
        `${address.host}:${address.port} (${name}) is already in use — is another \`npm run dev\` running?`,
      );
    }
  }

  database = await startDevDatabase(env, root, log);
  const { urls } = database;

  const contents = await databaseContents(urls.platformUrl);
  if (contents === 'no-tables') {
    log('the database has no tables (no migrations in prisma/migrations?): not seeding');
  } else if (contents === 'empty') {
    log('database is empty: seeding demo data (prisma/seed.ts) …');
    const seed = await import('../../prisma/seed.ts');
    if (typeof seed.seedDemo !== 'function') {
      throw new Error('prisma/seed.ts does not export seedDemo({ platformUrl }); cannot seed the demo data');
    }
    await seed.seedDemo({ platformUrl: urls.platformUrl });
  }
  if (shuttingDown) return;

  // Both apps get the same proxy secret, so the API believes the client IP the admin forwards.
  const proxySecret = env.API_PROXY_SECRET ?? randomBytes(32).toString('hex');
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    ...databaseEnv(urls),
    API_PROXY_SECRET: proxySecret,
  };
  children.push(
    startProcess({
      name: 'api',
      color: 36,
      command: 'npm',
      args: ['run', 'dev', '-w', '@hubwerk/api-server'],
      cwd: root,
      env: { ...childEnv, API_HOST: API.host, API_PORT: String(API.port) },
      write,
    }),
    startProcess({
      name: 'admin',
      color: 35,
      command: 'npm',
      args: ['run', 'dev', '-w', '@hubwerk/admin'],
      cwd: root,
      env: { ...childEnv, API_URL: apiUrl },
      write,
    }),
  );
  for (const child of children) {
    void child.exited.then((code) => {
      if (shuttingDown) return;
      log(`${child.name} exited (${code}); stopping everything`);
      void shutdown(1);
    });
  }

  const [apiUp, adminUp] = await Promise.all([waitForHttp(`${apiUrl}/healthz`, 90_000), waitForHttp(adminUrl, 90_000)]);
  if (shuttingDown) return;
  await printBanner(database, apiUp, adminUp);
}

async function printBanner(db: DevDatabase, apiUp: boolean, adminUp: boolean): Promise<void> {
  const { DEMO_USERS, DEMO_PASSWORD } = await import('../../prisma/seed.ts');
  const state = (up: boolean) => (up ? '' : '   (not answering yet — see its log above)');
  const lines = [
    '',
    '  \u001b[1mHubwerk is running\u001b[0m',
    `  Admin     ${adminUrl}${state(adminUp)}`,
    `  API       ${apiUrl}  (health: ${apiUrl}/healthz)${state(apiUp)}`,
    db.mode === 'embedded'
      ? `  Database  embedded PostgreSQL ${DEV_SERVER.host}:${DEV_SERVER.port}/${DEV_SERVER.database}, data in .data/postgres${db.owned ? '' : ' (started by npm run db:up; left running)'}`
      : `  Database  external: ${redactUrl(db.urls.appUrl)}`,
    ...(db.superuserUrl === undefined ? [] : [`  psql      ${psqlCommand(db.superuserUrl)}`]),
    `  Logins    password "${DEMO_PASSWORD}" for every demo account:`,
    ...Object.entries(DEMO_USERS).map(([role, email]) => `              ${email.padEnd(34)} ${role}`),
    '  Ctrl-C stops everything.',
    '',
  ];
  write(lines.join('\n'));
}

main().catch((error: unknown) => {
  log(`\u001b[31mfailed:\u001b[0m ${error instanceof Error ? error.message : String(error)}`);
  void shutdown(1);
});

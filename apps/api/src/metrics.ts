import type { QueueLag } from '@hubwerk/api';
import type { PlatformClient, PoolStats } from '@hubwerk/db';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The API's Prometheus metrics, served on their own port (METRICS_PORT) so
 * that the ingress never exposes them. One registry per server instance:
 * tests start several servers in one process.
 */
export interface ApiMetrics {
  registry: Registry;
  /** One finished HTTP request: `procedure` is the tRPC path or a fixed route name, never user input. */
  observeRequest(procedure: string, method: string, status: number, seconds: number): void;
  signInFailed(reason: string): void;
}

export interface MetricsSources {
  pools: Record<'app' | 'platform', () => PoolStats>;
  platform: PlatformClient;
  /** How long the outbox and queue figures are reused: a scrape every few seconds must not become load. */
  outboxCacheMs?: number;
  /** Per queue of the job queue (ADR 032): waiting and running jobs, age of the oldest waiting one. */
  jobLag?: () => Promise<QueueLag[]>;
}

export function createApiMetrics(sources: MetricsSources): ApiMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'hubwerk-api' });
  // Process figures (memory, event-loop lag, GC, handles) beside the service's own.
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'hubwerk_http_requests_total',
    help: 'HTTP requests by tRPC procedure (or route) and status',
    labelNames: ['procedure', 'method', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'hubwerk_http_request_duration_seconds',
    help: 'HTTP request latency by tRPC procedure (or route) and status class',
    labelNames: ['procedure', 'status_class'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const signInFailures = new Counter({
    name: 'hubwerk_sign_in_failures_total',
    help: 'Failed sign-ins by reason (tRPC error code)',
    labelNames: ['reason'],
    registers: [registry],
  });
  new Gauge({
    name: 'hubwerk_db_pool_connections',
    help: 'Database pool connections by pool and state (open, idle, max)',
    labelNames: ['pool', 'state'],
    registers: [registry],
    collect() {
      for (const [pool, stats] of Object.entries(sources.pools)) {
        const s = stats();
        this.set({ pool, state: 'open' }, s.total);
        this.set({ pool, state: 'idle' }, s.idle);
        this.set({ pool, state: 'in_use' }, s.total - s.idle);
        this.set({ pool, state: 'max' }, s.max);
      }
    },
  });
  new Gauge({
    name: 'hubwerk_db_pool_waiting_requests',
    help: 'Queries waiting for a free database connection, by pool',
    labelNames: ['pool'],
    registers: [registry],
    collect() {
      for (const [pool, stats] of Object.entries(sources.pools)) this.set({ pool }, stats().waiting);
    },
  });

  const cacheMs = sources.outboxCacheMs ?? 5_000;
  type OutboxFigures = { pending: number; oldestSeconds: number } | null;
  let outbox: { at: number; value: Promise<OutboxFigures> } | null = null;
  const outboxFigures = (): Promise<OutboxFigures> => {
    if (outbox && Date.now() - outbox.at <= cacheMs) return outbox.value;
    // One aggregate over the undelivered mails (index on status, availableAt); no tenant data, so nothing to audit.
    const value = sources.platform
      .run(
        (tx) => tx.$queryRaw<{ pending: bigint; oldest: number | null }[]>`
          SELECT count(*) AS pending, extract(epoch FROM now() - min("createdAt"))::float8 AS oldest
            FROM "OutboxEmail" WHERE status = 'PENDING'`,
        () => null,
      )
      .then((rows): OutboxFigures => ({ pending: Number(rows[0]?.pending ?? 0), oldestSeconds: rows[0]?.oldest ?? 0 }))
      .catch((): OutboxFigures => null);
    outbox = { at: Date.now(), value };
    return value;
  };
  new Gauge({
    name: 'hubwerk_outbox_pending_emails',
    help: 'Mails waiting in the outbox (not yet delivered)',
    registers: [registry],
    async collect() {
      const figures = await outboxFigures();
      if (figures) this.set(figures.pending);
    },
  });
  new Gauge({
    name: 'hubwerk_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest undelivered mail in the outbox (0 when empty)',
    registers: [registry],
    async collect() {
      const figures = await outboxFigures();
      if (figures) this.set(figures.oldestSeconds);
    },
  });

  let lag: { at: number; value: Promise<QueueLag[] | null> } | null = null;
  const lagFigures = (): Promise<QueueLag[] | null> => {
    if (!sources.jobLag) return Promise.resolve(null);
    if (lag && Date.now() - lag.at <= cacheMs) return lag.value;
    const value = sources.jobLag().catch(() => null);
    lag = { at: Date.now(), value };
    return value;
  };
  new Gauge({
    name: 'hubwerk_job_lag_seconds',
    help: 'Age of the oldest job waiting to be fetched, per queue (0 when none waits)',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      for (const q of (await lagFigures()) ?? []) this.set({ queue: q.queue }, q.oldestWaitingSeconds);
    },
  });
  new Gauge({
    name: 'hubwerk_jobs',
    help: 'Jobs per queue and state: waiting (due, not fetched) or active (a worker has it)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      for (const q of (await lagFigures()) ?? []) {
        this.set({ queue: q.queue, state: 'waiting' }, q.waiting);
        this.set({ queue: q.queue, state: 'active' }, q.active);
      }
    },
  });

  return {
    registry,
    observeRequest(procedure, method, status, seconds) {
      requests.inc({ procedure, method, status: String(status) });
      duration.observe({ procedure, status_class: `${Math.floor(status / 100)}xx` }, seconds);
    },
    signInFailed(reason) {
      signInFailures.inc({ reason });
    },
  };
}

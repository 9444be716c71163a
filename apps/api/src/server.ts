import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  type ApiDependencies,
  appRouter,
  bearerToken,
  createContext,
  createDunningNotifier,
  createJobQueue,
  createJobWorker,
  DATABASE_RETRY_AFTER_SECONDS,
  DatabaseUnavailableError,
  isDatabaseUnavailable,
  type JobQueueOptions,
  onboardTown,
  procedureContracts,
  renderCalendarFeed,
  type RequestLogFields,
} from '@hubwerk/api';
import { createBilling, createStripeClient, FAKE_PRICE_IDS, type PriceIds } from '@hubwerk/billing';
import { acquireFakeStripe, type FakeStripe } from '@hubwerk/billing/fake-stripe';
import { createAppClient, createPlatformClient } from '@hubwerk/db';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { Logger } from 'pino';
import { clientIpOf, securityHeaders } from './client-ip.ts';
import { createLogger } from './logger.ts';
import { createFakeStripePages } from './fake-stripe-pages.ts';
import { type ApiMetrics, createApiMetrics } from './metrics.ts';
import { createDatabaseHealth, createReadinessProbe, shippedMigrations } from './readiness.ts';
import { withRequestSpan } from './tracing.ts';

export interface ApiServerOptions {
  port?: number;
  host?: string;
  databaseUrl: string;
  platformDatabaseUrl: string;
  poolSize?: number;
  /** How long a request may wait for a database connection before it is answered 503 (default 5 s). */
  poolAcquireTimeoutMs?: number;
  logger?: Logger;
  migrationsDir?: string;
  /** Shared with the admin app: proves its forwarded client IP (see client-ip.ts). */
  proxySecret?: string;
  /** Proxies of our own in front of the API whose X-Forwarded-For entries count (default 0: none). */
  trustedProxyCount?: number;
  /** Strict-Transport-Security; on in production (TLS ends in front of the API). */
  hsts?: boolean;
  billing?: BillingOptions;
  mail?: MailOptions;
  /** AES-256-GCM key for secrets at rest (env DATA_ENCRYPTION_KEY); tests and dev get a fixed one. */
  dataEncryptionKey?: Buffer;
  /** Single sign-on (ADR 010); null or absent: switched off. */
  sso?: { secretKey: Buffer; allowLoopbackHttp: boolean } | null;
  /** Prometheus metrics on a port of their own (never behind the ingress); absent: not served. */
  metrics?: { port: number; host?: string };
  jobs?: JobOptions;
  /** How long a shutdown waits for the jobs in flight before handing them back to the queue (default 10 s). */
  jobStopTimeoutMs?: number;
  /** How often the readiness probe asks the database (default 2 s). */
  readinessIntervalMs?: number;
}

// Development and tests only: env.ts refuses to start production without a real key.
const DEV_DATA_ENCRYPTION_KEY = Buffer.from('hubwerk-dev-data-key-not-for-prod', 'utf8').subarray(0, 32);

export interface MailOptions {
  /** null: mails are stored, not sent (dev); see docs/decisions/009. */
  smtpUrl: string | null;
  from: string;
  /** Lets platform admins read stored mails ("Gesendete E-Mails"); never in production. */
  devOutbox: boolean;
  pollMs?: number;
  /** How often the worker records no-shows (docs/decisions/020); 0 = never. Default one minute. */
  noShowScanMs?: number;
}

/** The job queue (ADR 032); tests shorten its timings. */
export type JobOptions = Pick<JobQueueOptions, 'queueOverrides' | 'superviseIntervalSeconds'>;

export interface BillingOptions {
  /** null: the fake Stripe (msw) answers; the admin app labels it. */
  stripe: { secretKey: string; webhookSecret: string; priceIds: PriceIds } | null;
  graceDays?: number;
  /** A function when the admin app's address is known only after the API started (e2e). */
  adminUrl?: string | (() => string);
  now?: () => Date;
}

export interface RunningApiServer {
  url: string;
  server: http.Server;
  deps: ApiDependencies;
  /** Does the work due now in this process (tests), instead of waiting for the queue's next fetch. */
  drainMail(): Promise<number>;
  /** The fake Stripe when no key is configured (dev, CI, tests), with the secret its webhooks are signed with. */
  fakeStripe: { fake: FakeStripe; webhookSecret: string } | null;
  /** The metrics endpoint (`…/metrics`), when options.metrics asked for one. */
  metricsUrl: string | null;
  metrics: ApiMetrics;
  /** First step of a shutdown: /readyz answers 503 (the load balancer stops sending), everything else still works. */
  drain(): void;
  /** Stops accepting, closes idle keep-alive connections, lets in-flight requests finish, then closes the pools. */
  close(): Promise<void>;
}

const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));
const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
const ICAL_PATH = /^\/ical\/([0-9a-fA-F-]{36})\/([A-Za-z0-9_-]{1,100})\.ics$/;
const DENIALS = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND']);
const MAX_BODY_BYTES = 1024 * 1024;

export async function startApiServer(options: ApiServerOptions): Promise<RunningApiServer> {
  const logger = options.logger ?? createLogger({ level: 'info' });
  const platform = createPlatformClient({ url: options.platformDatabaseUrl });
  const billingOptions = options.billing ?? { stripe: null };
  const real = billingOptions.stripe;
  const adminUrl = billingOptions.adminUrl ?? 'http://127.0.0.1:3000';
  let baseUrl = '';
  // Intercepts the SDK's requests to api.stripe.com in this process only.
  const fakeLease = real ? null : acquireFakeStripe(() => `${baseUrl}/fake-stripe`);
  const fake = fakeLease?.fake ?? null;
  const webhookSecret = real ? real.webhookSecret : `whsec_fake_${randomUUID().replaceAll('-', '')}`;
  const priceIds = real ? real.priceIds : FAKE_PRICE_IDS;
  // The queue connects as the workers' role (the platform client's): the schema is the migrations' (ADR 032).
  const queue = createJobQueue({
    connectionString: options.platformDatabaseUrl,
    logger,
    startAttempts: Number.MAX_SAFE_INTEGER,
    ...options.jobs,
  });
  const deps: ApiDependencies = {
    db: createAppClient({
      url: options.databaseUrl,
      poolSize: options.poolSize ?? 10,
      ...(options.poolAcquireTimeoutMs ? { acquireTimeoutMs: options.poolAcquireTimeoutMs } : {}),
    }),
    platform,
    logger,
    billing: createBilling({
      stripe: createStripeClient({ secretKey: real?.secretKey }),
      priceIds,
      webhookSecret,
      graceDays: billingOptions.graceDays ?? 14,
      fake: !real,
      platform,
      adminUrl,
      ...(billingOptions.now ? { now: billingOptions.now } : {}),
      onPaymentFailed: createDunningNotifier(() => (typeof adminUrl === 'function' ? adminUrl() : adminUrl)),
    }),
    dataEncryptionKey: options.dataEncryptionKey ?? DEV_DATA_ENCRYPTION_KEY,
    jobs: queue,
  };
  const headers = securityHeaders({ hsts: options.hsts ?? false });
  const mailOptions = options.mail ?? { smtpUrl: null, from: 'Hubwerk <noreply@hubwerk.invalid>', devOutbox: false };
  deps.mail = {
    // A getter: the admin app's address may be known only after start (e2e).
    get adminUrl() {
      return typeof adminUrl === 'function' ? adminUrl() : adminUrl;
    },
    devOutbox: mailOptions.devOutbox,
  };
  if (options.sso) {
    const sso = options.sso;
    deps.sso = {
      secretKey: sso.secretKey,
      allowLoopbackHttp: sso.allowLoopbackHttp,
      // A getter, like the mail links: the admin app's address may be known only after start (e2e).
      get callbackUrl() {
        return `${(typeof adminUrl === 'function' ? adminUrl() : adminUrl).replace(/\/$/, '')}/sso/callback`;
      },
    };
  } else logger.warn('SSO_SECRET_KEY is not set: single sign-on is switched off');
  const jobWorker = createJobWorker({
    queue,
    db: deps.db,
    platform,
    logger,
    mail: { smtpUrl: mailOptions.smtpUrl, from: mailOptions.from },
    adminUrl: () => deps.mail!.adminUrl,
    reminderScanMs: 60_000,
    noShowScanMs: mailOptions.noShowScanMs ?? 60_000,
    ...(mailOptions.pollMs ? { pollMs: mailOptions.pollMs } : {}),
    bulkOnboarding: { deps, onboardTown },
  });
  if (!mailOptions.smtpUrl) logger.warn('SMTP_URL is not set: this process sends no mail (they wait in the outbox)');
  if (fake) logger.warn('STRIPE_SECRET_KEY is not set: billing runs against the fake Stripe (no real payments)');
  const fakePages = fake
    ? createFakeStripePages({ fake, billing: deps.billing, priceIds, webhookSecret, adminUrl })
    : null;
  const migrations = shippedMigrations(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const metrics = createApiMetrics({
    pools: { app: () => deps.db.poolStats(), platform: () => platform.poolStats() },
    platform,
    jobLag: () => queue.lag(),
  });
  const procedures = new Set(Object.keys(appRouter._def.procedures));
  let draining = false;
  let closingStarted = false;
  // Responses not yet ended: a shutdown tells their clients to open the next request elsewhere.
  const inFlight = new Set<http.ServerResponse>();
  // One log line when the database becomes unreachable and one when it answers again, not a stack per request.
  const health = createDatabaseHealth(logger);
  const readiness = createReadinessProbe({
    databaseUrl: options.databaseUrl,
    shipped: migrations,
    health,
    ...(options.readinessIntervalMs ? { intervalMs: options.readinessIntervalMs } : {}),
  });

  const trpcHandler = (maxBodySize: number) =>
    createHTTPHandler({
      router: appRouter,
      basePath: '/trpc/',
      maxBodySize,
      createContext: ({ req, res }) => {
        const request = req as RequestWithMeta;
        res.setHeader('x-request-id', request.requestId);
        return createContext(deps, {
          requestId: request.requestId,
          sessionToken: bearerToken(req.headers.authorization),
          userAgent: req.headers['user-agent'] ?? null,
          clientIp: clientIpOf(req, { proxySecret: options.proxySecret, trustedProxyCount: options.trustedProxyCount }),
          log: request.logFields,
        });
      },
      responseMeta: ({ errors }) => {
        // The database is down or restarting, noticed outside a procedure (e.g. while reading the session).
        if (errors.some((e) => e.code === 'INTERNAL_SERVER_ERROR' && isDatabaseUnavailable(e.cause)))
          return { status: 503, headers: { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) } };
        // A rate-limited call (429) or one turned away by a saturated database
        // pool (503) says when to come back, in the standard header too.
        const retry = errors.find((e) => typeof (e as { retryAfterSeconds?: unknown }).retryAfterSeconds === 'number');
        return retry
          ? {
              headers: { 'retry-after': String((retry as unknown as { retryAfterSeconds: number }).retryAfterSeconds) },
            }
          : {};
      },
      onError: ({ error, path, ctx }) => {
        if (path === 'auth.signIn') metrics.signInFailed(SIGN_IN_FAILURES[error.code] ?? 'other');
        if (
          error instanceof DatabaseUnavailableError ||
          (error.code === 'INTERNAL_SERVER_ERROR' && isDatabaseUnavailable(error.cause))
        ) {
          const reason = error instanceof DatabaseUnavailableError ? error.reason : (error.cause as Error)?.message;
          health.failed(path ?? 'trpc', reason);
          return;
        }
        if (error.code === 'INTERNAL_SERVER_ERROR')
          logger.error({ err: error.cause ?? error, procedure: path }, 'procedure failed');
        // Capacity, not a bug: one line to alert on when it becomes frequent.
        if (error.code === 'SERVICE_UNAVAILABLE')
          logger.warn(
            { event: 'db.pool.saturated', reqId: ctx?.requestId, procedure: path },
            'no database connection free in time',
          );
        // Denials by the permission wall, as structured events for monitoring:
        // who, where, what — never the input (it may hold passwords or tokens).
        if (DENIALS.has(error.code)) {
          logger.warn(
            {
              event: 'authz.denied',
              reqId: ctx?.requestId,
              code: error.code,
              messageKey: error.message,
              procedure: path,
              userId: ctx?.log.userId,
              tenantId: ctx?.log.tenantId,
            },
            'authorization denied',
          );
        }
      },
    });
  const trpc = trpcHandler(MAX_BODY_BYTES);
  // Uploads (a photo, the municipality register, a file of towns) read a larger body: only the procedures
  // whose contract names one (`maxBodyBytes`, packages/api/src/contracts.ts), one handler per limit.
  const uploads = new Map<string, ReturnType<typeof trpcHandler>>();
  const byLimit = new Map<number, ReturnType<typeof trpcHandler>>();
  for (const { path, contract } of procedureContracts(appRouter)) {
    const limit = contract.maxBodyBytes;
    if (!limit) continue;
    if (!byLimit.has(limit)) byLimit.set(limit, trpcHandler(limit));
    uploads.set(`/trpc/${path}`, byLimit.get(limit)!);
  }

  const server = http.createServer((req, res) => {
    const route = routeLabel(req, procedures);
    withRequestSpan(req, res, route, () => handle(req, res, route));
  });

  function handle(req: http.IncomingMessage, res: http.ServerResponse, route: string) {
    const started = process.hrtime.bigint();
    const startedAt = Date.now();
    const request = req as RequestWithMeta;
    const incoming = req.headers['x-request-id'];
    request.requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    request.logFields = {};
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // The path only: query strings can carry tRPC inputs (tokens); a feed's token is its secret.
      const path = (req.url ?? '').split('?')[0]?.replace(/^(\/ical\/[^/]*\/).*$/s, '$1[token]');
      logger.info(
        {
          reqId: request.requestId,
          method: req.method,
          path,
          status: res.statusCode,
          ms: Math.round(ms * 10) / 10,
          ...request.logFields,
        },
        'request',
      );
      metrics.observeRequest(route, req.method ?? 'GET', res.statusCode, ms / 1000);
      if (health.down && res.statusCode < 400 && route !== 'healthz' && route !== 'readyz')
        health.succeeded(route, startedAt);
    });
    inFlight.add(res);
    res.on('close', () => {
      inFlight.delete(res);
      // Its connection may be idle now: a shutdown in progress closes it instead of waiting for the keep-alive timeout.
      if (closingStarted) setImmediate(() => server.closeIdleConnections());
    });
    // Shutting down: the client opens its next request on another connection (another replica).
    if (draining) res.setHeader('connection', 'close');
    dispatch(req, res);
  }

  function dispatch(req: http.IncomingMessage, res: http.ServerResponse) {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return json(res, 200, { status: 'ok' });
    if (req.method === 'GET' && path === '/readyz') {
      if (draining) return json(res, 503, { status: 'not-ready', ready: false, reason: 'shutting-down' });
      // From the probe's cached state: never waits for the database or for the request pool.
      const r = readiness.current();
      return json(res, r.ready ? 200 : 503, r.ready ? { status: 'ready' } : { status: 'not-ready', ...r });
    }
    const upload = path ? uploads.get(path) : undefined;
    if (upload) return void upload(req, res);
    if (path?.startsWith('/trpc/')) return void trpc(req, res);
    if (req.method === 'POST' && path === '/webhooks/stripe') return void stripeWebhook(req, res);
    const ical = req.method === 'GET' || req.method === 'HEAD' ? ICAL_PATH.exec(path ?? '') : null;
    if (ical) return void calendarFeed(req, res, ical[1]!, ical[2]!);
    if (fakePages && path?.startsWith('/fake-stripe/') && (req.method === 'GET' || req.method === 'POST')) {
      // The fake checkout is an HTML page with inline styles and forms that post back here
      // and redirect to the admin app: the API's strict default policy would block both.
      res.setHeader(
        'content-security-policy',
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
      );
      return void fakePages(req, res, path).catch((err: unknown) => {
        logger.error({ err }, 'fake Stripe page failed');
        if (!res.headersSent) json(res, 500, { error: 'internal' });
      });
    }
    json(res, 404, { error: 'not-found' });
  }

  // A private iCal feed (docs/decisions/013): unknown, revoked and foreign tokens are all 404.
  async function calendarFeed(req: http.IncomingMessage, res: http.ServerResponse, tenantId: string, token: string) {
    try {
      const body = await renderCalendarFeed(deps, tenantId, token);
      if (body === null) return json(res, 404, { error: 'not-found' });
      res.writeHead(200, {
        'content-type': 'text/calendar; charset=utf-8',
        'cache-control': 'private, no-store',
        'content-disposition': 'inline; filename="hubwerk.ics"',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      if (!databaseUnavailable(res, err)) {
        logger.error({ err }, 'calendar feed failed');
        if (!res.headersSent) json(res, 500, { error: 'internal' });
      }
    }
  }

  // Stripe signs the exact bytes it sent: read the raw body, never re-serialised JSON.
  async function stripeWebhook(req: http.IncomingMessage, res: http.ServerResponse) {
    try {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > 1024 * 1024) return json(res, 413, { error: 'too-large' });
        chunks.push(chunk as Buffer);
      }
      const signature = req.headers['stripe-signature'];
      const result = await deps.billing.handleWebhook(
        Buffer.concat(chunks),
        typeof signature === 'string' ? signature : undefined,
      );
      json(res, result.status, result.body);
    } catch (err) {
      // 5xx: Stripe retries the delivery later; nothing was committed.
      if (!databaseUnavailable(res, err)) {
        logger.error({ err }, 'stripe webhook failed');
        if (!res.headersSent) json(res, 500, { error: 'internal' });
      }
    }
  }

  /** The routes outside tRPC: an unreachable database is 503 + Retry-After and one log line per outage, too. */
  function databaseUnavailable(res: http.ServerResponse, err: unknown): boolean {
    if (!isDatabaseUnavailable(err)) return false;
    health.failed('route', (err as Error).message);
    if (!res.headersSent) {
      res.setHeader('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
      json(res, 503, { error: 'unavailable' });
    }
    return true;
  }

  // /readyz answers from the first probe on; the probe's own connection, not the pool's.
  await readiness.probe();
  readiness.start();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4000, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://${address.address}:${address.port}`;
  const metricsServer = options.metrics ? await startMetricsServer(metrics, options.metrics) : null;
  // In the background: requests are served while the queue waits for its schema (a rollout before the migration job).
  const jobsStarted = jobWorker.start().catch((err: unknown) => logger.error({ err }, 'job queue did not start'));

  function drain() {
    draining = true;
    // Requests already running answer with connection: close as well, when their headers are still unsent.
    for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
  }

  let closing: Promise<void> | null = null;
  return {
    url: `http://${address.address}:${address.port}`,
    server,
    deps,
    drainMail: () => jobWorker.drain(),
    fakeStripe: fake ? { fake, webhookSecret } : null,
    metricsUrl: metricsServer ? `${metricsServer.url}/metrics` : null,
    metrics,
    drain,
    close() {
      drain();
      closingStarted = true;
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Idle keep-alive connections now; busy ones close after their response (connection: close).
          server.closeIdleConnections();
        });
        logger.info({ event: 'shutdown.requests-finished' }, 'no request in flight; stopping the workers');
        await metricsServer?.close();
        await readiness.stop();
        // Stops fetching; the jobs in flight finish or go back to the queue for another worker.
        await jobWorker.stop(options.jobStopTimeoutMs ?? 10_000);
        await jobsStarted;
        logger.info({ event: 'shutdown.workers-stopped' }, 'workers stopped; closing the pools');
        await Promise.all([deps.db.close(), deps.platform.close()]);
        fakeLease?.release();
      })();
      return closing;
    },
  };
}

type RequestWithMeta = http.IncomingMessage & { requestId: string; logFields: RequestLogFields };

const SIGN_IN_FAILURES: Record<string, string> = {
  UNAUTHORIZED: 'invalid_credentials',
  TOO_MANY_REQUESTS: 'throttled',
  BAD_REQUEST: 'invalid_input',
};

/** A bounded label for metrics and spans: the tRPC procedure(s), or the route's name; never raw user input. */
function routeLabel(req: http.IncomingMessage, procedures: Set<string>): string {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (path.startsWith('/trpc/')) {
    const names = path.slice('/trpc/'.length).split(',');
    return names.every((name) => procedures.has(name)) ? names.join(',') : 'trpc.unknown';
  }
  if (path === '/healthz' || path === '/readyz' || path === '/webhooks/stripe') return path.slice(1);
  if (path.startsWith('/ical/')) return 'ical';
  if (path.startsWith('/fake-stripe/')) return 'fake-stripe';
  return 'not-found';
}

async function startMetricsServer(metrics: ApiMetrics, options: { port: number; host?: string }) {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics')
      return json(res, 404, { error: 'not-found' });
    metrics.registry
      .metrics()
      .then((body) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
        res.end(body);
      })
      .catch(() => json(res, 500, { error: 'internal' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function json(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

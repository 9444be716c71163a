import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type ApiDependencies, appRouter, bearerToken, createContext, type RequestLogFields } from '@hubwerk/api';
import { createAppClient, createPlatformClient } from '@hubwerk/db';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { Logger } from 'pino';
import { clientIpOf, securityHeaders } from './client-ip.ts';
import { createLogger } from './logger.ts';
import { checkReadiness, shippedMigrations } from './readiness.ts';

export interface ApiServerOptions {
  port?: number;
  host?: string;
  databaseUrl: string;
  platformDatabaseUrl: string;
  poolSize?: number;
  logger?: Logger;
  migrationsDir?: string;
  /** Shared with the admin app: proves its forwarded client IP (see client-ip.ts). */
  proxySecret?: string;
  /** Strict-Transport-Security; on in production (TLS ends in front of the API). */
  hsts?: boolean;
}

export interface RunningApiServer {
  url: string;
  server: http.Server;
  deps: ApiDependencies;
  /** Stops accepting, lets in-flight requests finish, then closes the pools. */
  close(): Promise<void>;
}

const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));
const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
const DENIALS = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND']);

export async function startApiServer(options: ApiServerOptions): Promise<RunningApiServer> {
  const logger = options.logger ?? createLogger({ level: 'info' });
  const deps: ApiDependencies = {
    db: createAppClient({ url: options.databaseUrl, poolSize: options.poolSize ?? 10 }),
    platform: createPlatformClient({ url: options.platformDatabaseUrl }),
    logger,
  };
  const headers = securityHeaders({ hsts: options.hsts ?? false });
  const migrations = shippedMigrations(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);

  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: 1024 * 1024,
    createContext: ({ req, res }) => {
      const request = req as RequestWithMeta;
      res.setHeader('x-request-id', request.requestId);
      return createContext(deps, {
        requestId: request.requestId,
        sessionToken: bearerToken(req.headers.authorization),
        userAgent: req.headers['user-agent'] ?? null,
        clientIp: clientIpOf(req, options.proxySecret),
        log: request.logFields,
      });
    },
    responseMeta: ({ errors }) => {
      // A rate-limited call says when to come back, in the standard header too.
      const limited = errors.find((e) => e.code === 'TOO_MANY_REQUESTS' && typeof (e as { retryAfterSeconds?: unknown }).retryAfterSeconds === 'number');
      return limited ? { headers: { 'retry-after': String((limited as unknown as { retryAfterSeconds: number }).retryAfterSeconds) } } : {};
    },
    onError: ({ error, path, ctx }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') logger.error({ err: error.cause ?? error, procedure: path }, 'procedure failed');
      // Denials by the permission wall, as structured events for monitoring:
      // who, where, what — never the input (it may hold passwords or tokens).
      if (DENIALS.has(error.code)) {
        logger.warn(
          { event: 'authz.denied', reqId: ctx?.requestId, code: error.code, messageKey: error.message, procedure: path, userId: ctx?.log.userId, tenantId: ctx?.log.tenantId },
          'authorization denied',
        );
      }
    },
  });

  const server = http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    const request = req as RequestWithMeta;
    const incoming = req.headers['x-request-id'];
    request.requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    request.logFields = {};
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // The path only: query strings can carry tRPC inputs (tokens).
      const path = (req.url ?? '').split('?')[0];
      logger.info({ reqId: request.requestId, method: req.method, path, status: res.statusCode, ms: Math.round(ms * 10) / 10, ...request.logFields }, 'request');
    });
    route(req, res);
  });

  function route(req: http.IncomingMessage, res: http.ServerResponse) {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return json(res, 200, { status: 'ok' });
    if (req.method === 'GET' && path === '/readyz') {
      void checkReadiness(deps.db, migrations).then((r) => json(res, r.ready ? 200 : 503, r.ready ? { status: 'ready' } : { status: 'not-ready', ...r }));
      return;
    }
    if (path?.startsWith('/trpc/')) return void trpc(req, res);
    json(res, 404, { error: 'not-found' });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4000, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${address.address}:${address.port}`,
    server,
    deps,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await Promise.all([deps.db.close(), deps.platform.close()]);
      })();
      return closing;
    },
  };
}

type RequestWithMeta = http.IncomingMessage & { requestId: string; logFields: RequestLogFields };

function json(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

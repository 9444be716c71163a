/**
 * The admin app's production server (`npm start`): what remix-serve does,
 * plus two guards that must run *before* Remix sees a request.
 *
 * 1. CSRF: a state-changing request (POST, PUT, PATCH, DELETE) must carry an
 *    Origin — or, lacking one, a Referer — equal to the configured public
 *    origin (PUBLIC_ORIGIN, required here); otherwise 403 and no action runs
 *    (origin-guard.mjs, shared with the dev server and every action).
 * 2. Client IP: the address that counts for the API's sign-in rate limit is
 *    Express's `req.ip` — the socket address, or with TRUST_PROXY=<hops> the
 *    entry the trusted ingress appended to X-Forwarded-For. It reaches the app
 *    as x-hubwerk-client-ip; whatever a client sent under that name is dropped.
 *
 * Also the probes for an orchestrator (GET /healthz: the process serves;
 * GET /readyz: 503 once a shutdown began) and a graceful shutdown on SIGTERM:
 * readiness 503 for SHUTDOWN_DELAY_MS, then no new connections, idle
 * keep-alive connections closed, in-flight requests finished, exit 0.
 *
 * `npm run build` bundles this file with the Remix server build into
 * dist/server.js (infra/build/bundle.ts); `npm start` runs that.
 */
import { createRequestHandler } from '@remix-run/express';
import { installGlobals } from '@remix-run/node';
import compression from 'compression';
import express from 'express';
import { configuredOrigins, originGuard } from './origin-guard.mjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The server's own settings; the app's (API_URL, SESSION_SECRET, …) are checked by app/env.server.ts. */
function serverSettings() {
  const problems = [];
  const port = Number(process.env.PORT ?? '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push('  PORT: must be a port number (0–65535)');
  const trustProxy = Number(process.env.TRUST_PROXY ?? '0');
  if (!Number.isInteger(trustProxy) || trustProxy < 0 || trustProxy > 10)
    problems.push('  TRUST_PROXY: must be the number of proxies in front (0–10)');
  const shutdownDelayMs = Number(process.env.SHUTDOWN_DELAY_MS ?? '0');
  if (!Number.isInteger(shutdownDelayMs) || shutdownDelayMs < 0 || shutdownDelayMs > 60_000)
    problems.push('  SHUTDOWN_DELAY_MS: must be 0–60000');
  // Never fall back to the request's own headers (docs/decisions/025).
  let allowedOrigins = [];
  try {
    allowedOrigins = configuredOrigins(process.env);
  } catch (error) {
    problems.push(`  PUBLIC_ORIGIN: ${error.message}`);
  }
  if (problems.length > 0) {
    console.error(`Invalid environment for @hubwerk/admin:\n${problems.join('\n')}`);
    process.exit(1);
  }
  return { port, host: process.env.HOST ?? '127.0.0.1', trustProxy, shutdownDelayMs, allowedOrigins };
}
const { port, host, trustProxy, shutdownDelayMs, allowedOrigins } = serverSettings();

let build;
try {
  // A literal path: the bundler follows it into dist/server.js; from source Node resolves it beside this file.
  build = await import('./build/server/index.js');
} catch (error) {
  // app/env.server.ts refuses a bad environment while the build loads: its message names each variable.
  console.error(error instanceof Error && error.message.startsWith('Invalid environment') ? error.message : error);
  process.exit(1);
}
installGlobals({ nativeFetch: build.future.v3_singleFetch });

let draining = false;
let closing = false;
// Responses not yet ended: a shutdown tells their clients to open the next request elsewhere.
const inFlight = new Set();
const app = express();
app.disable('x-powered-by');
if (trustProxy > 0) app.set('trust proxy', trustProxy);
app.get('/healthz', (_req, res) => void res.set('cache-control', 'no-store').json({ status: 'ok' }));
app.get(
  '/readyz',
  (_req, res) =>
    void res
      .status(draining ? 503 : 200)
      .set('cache-control', 'no-store')
      .json({ status: draining ? 'shutting-down' : 'ready' }),
);
app.use(
  originGuard(allowedOrigins, ({ method, path }) =>
    console.warn(JSON.stringify({ level: 'warn', event: 'csrf.refused', method, path })),
  ),
);
app.use((req, res, next) => {
  inFlight.add(res);
  res.on('close', () => {
    inFlight.delete(res);
    // Its connection may be idle now: closed at once instead of after the keep-alive timeout.
    if (closing) setImmediate(() => server.closeIdleConnections());
  });
  if (draining) res.set('connection', 'close');
  req.headers['x-hubwerk-client-ip'] = req.ip ?? '';
  next();
});
app.use(compression());
app.use(
  build.publicPath,
  express.static(path.resolve(here, build.assetsBuildDirectory), { immutable: true, maxAge: '1y' }),
);
app.use(express.static(path.join(here, 'public'), { maxAge: '1h' }));
app.all('*', createRequestHandler({ build, mode: process.env.NODE_ENV }));

const server = app.listen(port, host, () =>
  console.log(
    JSON.stringify({
      level: 'info',
      service: 'hubwerk-admin',
      msg: 'listening',
      url: `http://${host}:${server.address().port}`,
    }),
  ),
);
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    console.log(JSON.stringify({ level: 'info', service: 'hubwerk-admin', msg: 'shutting down', signal }));
    draining = true;
    for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
    setTimeout(() => {
      closing = true;
      server.close(() => process.exit(0));
      server.closeIdleConnections();
    }, shutdownDelayMs);
    setTimeout(() => process.exit(1), shutdownDelayMs + 10_000).unref();
  });
}

/**
 * The admin app's production server (`npm start`): what remix-serve does,
 * plus two guards that must run *before* Remix sees a request.
 *
 * 1. CSRF: a state-changing request (POST, PUT, PATCH, DELETE) must carry an
 *    Origin — or, lacking one, a Referer — equal to the app's own origin;
 *    otherwise 403 and no action runs. Remix's built-in host check would
 *    answer such a request with a bare 500; actions repeat the check
 *    (app/lib/csrf.server.ts) for `remix vite:dev`, which has no server of ours.
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
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The server's own settings; the app's (API_URL, SESSION_SECRET, …) are checked by app/env.server.ts. */
function serverSettings() {
  const problems = [];
  const port = Number(process.env.PORT ?? '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push('  PORT: must be a port number (0–65535)');
  const trustProxy = Number(process.env.TRUST_PROXY ?? '0');
  if (!Number.isInteger(trustProxy) || trustProxy < 0 || trustProxy > 10) problems.push('  TRUST_PROXY: must be the number of proxies in front (0–10)');
  const shutdownDelayMs = Number(process.env.SHUTDOWN_DELAY_MS ?? '0');
  if (!Number.isInteger(shutdownDelayMs) || shutdownDelayMs < 0 || shutdownDelayMs > 60_000) problems.push('  SHUTDOWN_DELAY_MS: must be 0–60000');
  let publicOrigin = null;
  if (process.env.PUBLIC_ORIGIN) {
    try {
      publicOrigin = new URL(process.env.PUBLIC_ORIGIN).origin;
    } catch {
      problems.push('  PUBLIC_ORIGIN: must be a URL');
    }
  }
  if (problems.length > 0) {
    console.error(`Invalid environment for @hubwerk/admin:\n${problems.join('\n')}`);
    process.exit(1);
  }
  return { port, host: process.env.HOST ?? '127.0.0.1', trustProxy, shutdownDelayMs, publicOrigin };
}
const { port, host, trustProxy, shutdownDelayMs, publicOrigin } = serverSettings();

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

/** @param {import('node:http').IncomingMessage & { protocol: string; get(name: string): string | undefined }} req */
function sameOrigin(req) {
  const own = publicOrigin ?? `${req.protocol}://${req.get('host')}`;
  const site = req.get('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.get('origin');
  if (origin !== undefined) return origin === own;
  const referer = req.get('referer');
  if (referer === undefined) return false;
  try {
    return new URL(referer).origin === own;
  } catch {
    return false;
  }
}

let draining = false;
const app = express();
app.disable('x-powered-by');
if (trustProxy > 0) app.set('trust proxy', trustProxy);
app.get('/healthz', (_req, res) => void res.set('cache-control', 'no-store').json({ status: 'ok' }));
app.get('/readyz', (_req, res) => void res.status(draining ? 503 : 200).set('cache-control', 'no-store').json({ status: draining ? 'shutting-down' : 'ready' }));
app.use((req, res, next) => {
  if (draining) res.set('connection', 'close');
  if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method) && !sameOrigin(req)) {
    console.warn(JSON.stringify({ level: 'warn', event: 'csrf.refused', method: req.method, path: req.path }));
    res.status(403).set({ 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).send('Forbidden: cross-origin request');
    return;
  }
  req.headers['x-hubwerk-client-ip'] = req.ip ?? '';
  next();
});
app.use(compression());
app.use(build.publicPath, express.static(path.resolve(here, build.assetsBuildDirectory), { immutable: true, maxAge: '1y' }));
app.use(express.static(path.join(here, 'public'), { maxAge: '1h' }));
app.all('*', createRequestHandler({ build, mode: process.env.NODE_ENV }));

const server = app.listen(port, host, () => console.log(JSON.stringify({ level: 'info', service: 'hubwerk-admin', msg: 'listening', url: `http://${host}:${server.address().port}` })));
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    console.log(JSON.stringify({ level: 'info', service: 'hubwerk-admin', msg: 'shutting down', signal }));
    draining = true;
    setTimeout(() => {
      server.close(() => process.exit(0));
      server.closeIdleConnections();
    }, shutdownDelayMs);
    setTimeout(() => process.exit(1), shutdownDelayMs + 10_000).unref();
  });
}

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
 */
import { createRequestHandler } from '@remix-run/express';
import { installGlobals } from '@remix-run/node';
import compression from 'compression';
import express from 'express';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const build = await import(pathToFileURL(path.join(here, 'build/server/index.js')).href);
installGlobals({ nativeFetch: build.future.v3_singleFetch });

const publicOrigin = process.env.PUBLIC_ORIGIN ? new URL(process.env.PUBLIC_ORIGIN).origin : null;
const trustProxy = Number(process.env.TRUST_PROXY ?? '0');

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

const app = express();
app.disable('x-powered-by');
if (trustProxy > 0) app.set('trust proxy', trustProxy);
app.use((req, res, next) => {
  if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method) && !sameOrigin(req)) {
    console.warn(JSON.stringify({ level: 'warn', event: 'csrf.refused', method: req.method, path: req.path }));
    res.status(403).set({ 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).send('Forbidden: cross-origin request');
    return;
  }
  req.headers['x-hubwerk-client-ip'] = req.ip ?? '';
  next();
});
app.use(compression());
app.use(build.publicPath, express.static(build.assetsBuildDirectory, { immutable: true, maxAge: '1y' }));
app.use(express.static(path.join(here, 'public'), { maxAge: '1h' }));
app.all('*', createRequestHandler({ build, mode: process.env.NODE_ENV }));

const port = Number(process.env.PORT ?? '3000');
const server = app.listen(port, process.env.HOST ?? '127.0.0.1', () => console.log(`[hubwerk-admin] http://${process.env.HOST ?? '127.0.0.1'}:${port}`));
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => server.close());

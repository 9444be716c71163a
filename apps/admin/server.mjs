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
 */
import { createRequestHandler } from '@remix-run/express';
import { installGlobals } from '@remix-run/node';
import compression from 'compression';
import express from 'express';
import { configuredOrigins, originGuard } from './origin-guard.mjs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const build = await import(pathToFileURL(path.join(here, 'build/server/index.js')).href);
installGlobals({ nativeFetch: build.future.v3_singleFetch });

// Fails at start-up without PUBLIC_ORIGIN in production: never fall back to the request's own headers.
const allowedOrigins = configuredOrigins(process.env);
const trustProxy = Number(process.env.TRUST_PROXY ?? '0');

const app = express();
app.disable('x-powered-by');
if (trustProxy > 0) app.set('trust proxy', trustProxy);
app.use(originGuard(allowedOrigins, ({ method, path }) => console.warn(JSON.stringify({ level: 'warn', event: 'csrf.refused', method, path }))));
app.use((req, _res, next) => {
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

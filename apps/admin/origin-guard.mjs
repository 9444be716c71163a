/**
 * The one cross-site request check of the admin app (docs/decisions/025),
 * shared by the production server (server.mjs), the development server (a
 * Vite plugin in vite.config.ts) and every action (app/lib/csrf.server.ts).
 *
 * A state-changing request (POST, PUT, PATCH, DELETE) must carry an Origin —
 * or, lacking one, a Referer — equal to one of the CONFIGURED origins of the
 * app, and no Sec-Fetch-Site other than same-origin or none. The request's
 * own URL, Host or Origin never decide what "our origin" is: under Vite's
 * dev server the request URL is built from the Origin header, so comparing
 * with it compares an attacker's origin with itself.
 */

/** What `npm run dev` serves (apps/admin/package.json): both names of the loopback address. */
export const DEV_ORIGINS = ['http://127.0.0.1:3000', 'http://localhost:3000'];

/**
 * The origins users reach the admin at: PUBLIC_ORIGIN (one or more, comma-separated),
 * else — outside production only — the dev server's. Production without it is a start-up error.
 * @param {Record<string, string | undefined>} env
 * @returns {string[]}
 */
export function configuredOrigins(env) {
  const raw = (env.PUBLIC_ORIGIN ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (raw.length === 0) {
    if (env.NODE_ENV === 'production')
      throw new Error(
        'PUBLIC_ORIGIN is required in production (the origin users reach the admin at, e.g. https://admin.hubwerk.example)',
      );
    return [...DEV_ORIGINS];
  }
  return raw.map((value) => {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new Error(`PUBLIC_ORIGIN must be an http(s) origin: ${value}`);
    return url.origin;
  });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * @param {string} method
 * @param {(name: string) => string | null | undefined} header  a request header by lower-case name
 * @param {readonly string[]} allowed  configured origins
 * @returns {boolean}
 */
export function isAllowedRequest(method, header, allowed) {
  if (SAFE_METHODS.has(method.toUpperCase())) return true;
  const site = header('sec-fetch-site');
  if (site != null && site !== 'same-origin' && site !== 'none') return false;
  const origin = header('origin');
  if (origin != null) return allowed.includes(origin);
  const referer = header('referer');
  if (referer == null) return false;
  try {
    return allowed.includes(new URL(referer).origin);
  } catch {
    return false;
  }
}

/**
 * Connect/Express middleware: 403 before anything else sees a cross-site request.
 * @param {readonly string[]} allowed
 * @param {(event: { method: string; path: string }) => void} [onRefused]
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next: () => void) => void}
 */
export function originGuard(allowed, onRefused) {
  return (req, res, next) => {
    const method = req.method ?? 'GET';
    const header = (/** @type {string} */ name) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    if (isAllowedRequest(method, header, allowed)) return next();
    onRefused?.({ method, path: (req.url ?? '/').split('?')[0] ?? '/' });
    res.statusCode = 403;
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    res.end('Forbidden: cross-origin request');
  };
}

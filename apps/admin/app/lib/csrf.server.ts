import { env } from '../env.server.ts';
import { isAllowedRequest } from '../../origin-guard.mjs';

/**
 * CSRF protection for every Remix action: a state-changing request must come
 * from a page of this app. Browsers send `Origin` (and `Sec-Fetch-Site`) on
 * every POST and a page cannot forge them, so a strict comparison with the
 * app's CONFIGURED origin (env PUBLIC_ORIGIN, origin-guard.mjs) stops
 * cross-site form posts and fetches — also from sibling subdomains, which
 * SameSite=Lax cookies would let through. A request that proves no origin at
 * all is refused too. Never compared with the request's own URL: under Vite's
 * dev server that URL is built from the Origin header.
 *
 * The servers run the same check before Remix (server.mjs, vite.config.ts);
 * actions repeat it so that no other way of serving the app skips it.
 * Loaders never change state (sign-out and language are POST-only), so only
 * actions call this; `csrf.test.ts` fails when an action does not.
 */
export function isSameOriginRequest(request: Request, allowed: readonly string[] = env.PUBLIC_ORIGINS): boolean {
  return isAllowedRequest(request.method, (name) => request.headers.get(name), allowed);
}

/** First statement of every action: a foreign origin gets 403 before anything happens. */
export function requireSameOrigin(request: Request): void {
  if (!isSameOriginRequest(request)) {
    throw new Response('Forbidden: cross-origin request', {
      status: 403,
      statusText: 'Forbidden',
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
  }
}

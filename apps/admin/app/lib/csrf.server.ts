import { env } from '../env.server.ts';

/**
 * CSRF protection for every Remix action: a state-changing request must come
 * from a page of this app. Browsers send `Origin` (and `Sec-Fetch-Site`) on
 * every POST and a page cannot forge them, so a strict comparison with our
 * own origin stops cross-site form posts and fetches — also from sibling
 * subdomains, which SameSite=Lax cookies would let through. A request that
 * proves no origin at all is refused too.
 *
 * Loaders never change state (sign-out and language are POST-only), so only
 * actions call this; `csrf.test.ts` fails when an action does not.
 */
export function isSameOriginRequest(request: Request, ownOrigin: string = env.PUBLIC_ORIGIN ?? new URL(request.url).origin): boolean {
  const method = request.method.toUpperCase();
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return true;
  const fetchSite = request.headers.get('sec-fetch-site');
  if (fetchSite !== null && fetchSite !== 'same-origin' && fetchSite !== 'none') return false;
  const origin = request.headers.get('origin');
  if (origin !== null) return origin === ownOrigin;
  const referer = request.headers.get('referer');
  if (referer === null) return false;
  try {
    return new URL(referer).origin === ownOrigin;
  } catch {
    return false;
  }
}

/** First statement of every action: a foreign origin gets 403 before anything happens. */
export function requireSameOrigin(request: Request): void {
  if (!isSameOriginRequest(request)) {
    throw new Response('Forbidden: cross-origin request', { status: 403, statusText: 'Forbidden', headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
}

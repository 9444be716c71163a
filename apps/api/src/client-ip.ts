import { timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { isIP } from 'node:net';

/**
 * Whose IP counts for rate limits.
 *
 * Trust decision (docs/decisions/008-request-safety.md): browsers never talk
 * to the API directly; the admin app does, so the API's socket sees the
 * admin's address for every user. The admin therefore forwards the user's IP
 * in CLIENT_IP_HEADER — and the API believes that header only when the same
 * request carries PROXY_SECRET_HEADER equal to the secret both apps share
 * (API_PROXY_SECRET). Anyone else who can reach the API (and so could forge
 * the header) does not know the secret; their own socket address is used.
 */
export const CLIENT_IP_HEADER = 'x-hubwerk-client-ip';
export const PROXY_SECRET_HEADER = 'x-hubwerk-proxy-secret';

export function clientIpOf(req: http.IncomingMessage, proxySecret: string | undefined): string | null {
  const socketIp = req.socket.remoteAddress ?? null;
  if (!proxySecret) return socketIp;
  const presented = req.headers[PROXY_SECRET_HEADER];
  if (typeof presented !== 'string' || !sameSecret(presented, proxySecret)) return socketIp;
  const forwarded = req.headers[CLIENT_IP_HEADER];
  return typeof forwarded === 'string' && isIP(forwarded) !== 0 ? forwarded : socketIp;
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Headers on every API response. The API serves JSON only: nothing may
 * render it as a page, frame it, cache it or pass a referrer on.
 */
export function securityHeaders(options: { hsts: boolean }): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'cross-origin-resource-policy': 'same-site',
    ...(options.hsts ? { 'strict-transport-security': 'max-age=63072000; includeSubDomains' } : {}),
  };
}

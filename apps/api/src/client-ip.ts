import { timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { isIP } from 'node:net';

/**
 * Whose IP counts for rate limits (ADR 024; first in ADR 008).
 *
 * 1. The peer: the socket address, or — behind TRUSTED_PROXY_COUNT proxies
 *    of our own (an ingress, a load balancer) — the X-Forwarded-For entry
 *    that many hops from the right. Entries further left were written by
 *    the client and prove nothing; with a count of 0 the header is ignored.
 * 2. Browsers never talk to the API directly; the admin app does, so the
 *    peer is the admin for every user. The admin therefore forwards the
 *    user's IP in CLIENT_IP_HEADER — believed only when the same request
 *    carries PROXY_SECRET_HEADER equal to the secret both apps share
 *    (API_PROXY_SECRET, compared in constant time). Anyone else who can
 *    reach the API (and so could forge the header) does not know it.
 */
export const CLIENT_IP_HEADER = 'x-hubwerk-client-ip';
export const PROXY_SECRET_HEADER = 'x-hubwerk-proxy-secret';

export interface ClientIpOptions {
  /** Shared with the admin app; without it the forwarded client header is never believed. */
  proxySecret?: string | undefined;
  /** Proxies of our own in front of the API (0: none, X-Forwarded-For is ignored). */
  trustedProxyCount?: number | undefined;
}

export function clientIpOf(req: http.IncomingMessage, options: ClientIpOptions): string | null {
  const peer = peerIp(req, options.trustedProxyCount ?? 0);
  if (!options.proxySecret) return peer;
  const presented = req.headers[PROXY_SECRET_HEADER];
  if (typeof presented !== 'string' || !sameSecret(presented, options.proxySecret)) return peer;
  const forwarded = req.headers[CLIENT_IP_HEADER];
  return typeof forwarded === 'string' && isIP(forwarded.trim()) !== 0 ? normalise(forwarded.trim()) : peer;
}

/** The address that reached our outermost trusted proxy. */
export function peerIp(req: http.IncomingMessage, trustedProxyCount: number): string | null {
  const socketIp = req.socket.remoteAddress ? normalise(req.socket.remoteAddress) : null;
  if (trustedProxyCount <= 0) return socketIp;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  // Walk from the right: each trusted proxy vouches for the entry it appended.
  let ip = socketIp;
  for (let i = 0; i < trustedProxyCount; i += 1) {
    const next = hops[hops.length - 1 - i];
    // A missing or garbled entry: the last proxy we trust is the best we know.
    if (next === undefined || isIP(next) === 0) return ip;
    ip = normalise(next);
  }
  return ip;
}

/** One key per client: an IPv4 address seen through an IPv6 socket is the same client. */
function normalise(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return (mapped?.[1] ?? ip).toLowerCase();
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

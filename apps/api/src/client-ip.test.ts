import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import { CLIENT_IP_HEADER, clientIpOf, peerIp, PROXY_SECRET_HEADER } from './client-ip.ts';

const SECRET = 's'.repeat(40);
const request = (remoteAddress: string, headers: http.IncomingHttpHeaders = {}) =>
  ({ socket: { remoteAddress }, headers }) as unknown as http.IncomingMessage;

describe('peerIp', () => {
  it('ignores X-Forwarded-For without trusted proxies', () => {
    expect(peerIp(request('203.0.113.1', { 'x-forwarded-for': '198.51.100.9' }), 0)).toBe('203.0.113.1');
  });

  it('takes the entry as many hops from the right as there are trusted proxies, whatever the client wrote in front', () => {
    const req = request('10.0.0.2', { 'x-forwarded-for': 'spoofed, 192.0.2.5 , 198.51.100.9, 10.0.0.1' });
    expect(peerIp(req, 1)).toBe('10.0.0.1');
    expect(peerIp(req, 2)).toBe('198.51.100.9');
    expect(peerIp(req, 3)).toBe('192.0.2.5');
    // A garbled entry: the last trusted hop is what we know.
    expect(peerIp(req, 4)).toBe('192.0.2.5');
    // More proxies configured than entries: the leftmost we have.
    expect(peerIp(request('10.0.0.2', { 'x-forwarded-for': '198.51.100.9' }), 3)).toBe('198.51.100.9');
    expect(peerIp(request('10.0.0.2'), 1)).toBe('10.0.0.2');
  });

  it('counts an IPv4 client seen through an IPv6 socket as that IPv4 address', () => {
    expect(peerIp(request('::ffff:203.0.113.1'), 0)).toBe('203.0.113.1');
  });
});

describe('clientIpOf', () => {
  const fromAdmin = (secret: string, ip: string) => ({ [PROXY_SECRET_HEADER]: secret, [CLIENT_IP_HEADER]: ip });

  it("believes the admin app's forwarded IP only with the right secret", () => {
    expect(clientIpOf(request('10.0.0.5', fromAdmin(SECRET, '198.51.100.7')), { proxySecret: SECRET })).toBe(
      '198.51.100.7',
    );
    expect(clientIpOf(request('10.0.0.5', fromAdmin('x'.repeat(40), '198.51.100.7')), { proxySecret: SECRET })).toBe(
      '10.0.0.5',
    );
    expect(clientIpOf(request('10.0.0.5', fromAdmin(SECRET.slice(1), '198.51.100.7')), { proxySecret: SECRET })).toBe(
      '10.0.0.5',
    );
    expect(clientIpOf(request('10.0.0.5', { [CLIENT_IP_HEADER]: '198.51.100.7' }), { proxySecret: SECRET })).toBe(
      '10.0.0.5',
    );
    // No secret configured: never believed.
    expect(clientIpOf(request('10.0.0.5', fromAdmin(SECRET, '198.51.100.7')), {})).toBe('10.0.0.5');
    // Not an address: the peer counts.
    expect(clientIpOf(request('10.0.0.5', fromAdmin(SECRET, 'nonsense')), { proxySecret: SECRET })).toBe('10.0.0.5');
  });

  it('falls back to the peer behind trusted proxies', () => {
    expect(
      clientIpOf(request('10.0.0.2', { 'x-forwarded-for': '198.51.100.9' }), {
        proxySecret: SECRET,
        trustedProxyCount: 1,
      }),
    ).toBe('198.51.100.9');
  });
});

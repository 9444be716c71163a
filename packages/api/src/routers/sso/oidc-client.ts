import { createHash } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import * as oidc from 'openid-client';

/**
 * The relying-party side of OpenID Connect, on `openid-client` (no
 * hand-written JOSE). Every check the login relies on happens here:
 * discovery (the issuer in the metadata must equal the configured one),
 * PKCE S256, state, nonce, and the ID token's issuer, audience, expiry and
 * signature against the issuer's JWKS (`enableNonRepudiationChecks` makes
 * openid-client verify the signature of an ID token from the token endpoint
 * too, not only trust TLS).
 */
export interface ProviderRef {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

export interface ClientOptions {
  /** Dev and tests: http:// issuers on loopback (a local Keycloak, the in-test provider); also lifts the public-address rule. */
  allowLoopbackHttp: boolean;
  /** Per request to the provider (discovery, keys, token); default DISCOVERY_TIMEOUT_MS. */
  fetchTimeoutMs?: number | undefined;
  /** Largest answer read from the provider; default MAX_PROVIDER_RESPONSE_BYTES. */
  maxResponseBytes?: number | undefined;
}

/**
 * What the API spends on a provider's answer (ADR 024): sso.start is
 * unauthenticated, so an issuer that never answers or answers without end
 * must cost a bounded time and memory, and then fail.
 */
export const DISCOVERY_TIMEOUT_MS = 5_000;
export const MAX_PROVIDER_RESPONSE_BYTES = 256 * 1024;
/** Discovered configurations are reused for this long, per issuer and client. */
export const DISCOVERY_CACHE_TTL_MS = 10 * 60 * 1000;
export const DISCOVERY_CACHE_MAX = 100;

export class ProviderResponseError extends Error {
  override readonly name = 'ProviderResponseError';
}

export function isLoopbackHttp(issuer: URL): boolean {
  return issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
}

// Addresses an issuer may not point at in production: the API's own
// machine and private networks are no identity provider of a town.
const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const)
  INTERNAL.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const)
  INTERNAL.addSubnet(net, prefix, 'ipv6');

export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return INTERNAL.check(mapped, 'ipv4');
  const family = isIP(address);
  return family === 0 ? false : INTERNAL.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** A host name that is, or plainly stands for, an internal address (no DNS: for checks at save time). */
export function isInternalHost(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare.endsWith('.localhost') || isInternalAddress(bare);
}

/**
 * fetch for openid-client with a deadline over the whole exchange (headers
 * and body) and a cap on the body; in production also no request to an
 * address inside our networks, whatever the issuer's DNS says.
 */
export function limitedFetch(options: ClientOptions): oidc.CustomFetch {
  const timeoutMs = options.fetchTimeoutMs ?? DISCOVERY_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? MAX_PROVIDER_RESPONSE_BYTES;
  return async (url, init) => {
    if (!options.allowLoopbackHttp) {
      const { hostname } = new URL(url);
      const addresses = isIP(hostname.replace(/^\[|\]$/g, ''))
        ? [hostname.replace(/^\[|\]$/g, '')]
        : (await lookup(hostname, { all: true })).map((a) => a.address);
      if (addresses.some(isInternalAddress))
        throw new ProviderResponseError('provider resolves to an internal address');
    }
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    const response = await fetch(url, { ...(init as RequestInit), signal });
    const declared = Number(response.headers.get('content-length') ?? '0');
    // Cancelling is not awaited: on a teed body (an interceptor's clone) it settles only when every branch is cancelled.
    if (declared > maxBytes) {
      void response.body?.cancel().catch(() => undefined);
      throw new ProviderResponseError(`provider response larger than ${maxBytes} bytes`);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (response.body) {
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > maxBytes) {
          void reader.cancel().catch(() => undefined);
          throw new ProviderResponseError(`provider response larger than ${maxBytes} bytes`);
        }
        chunks.push(value);
      }
    }
    const bodyless = [101, 204, 205, 304].includes(response.status);
    return new Response(bodyless ? null : Buffer.concat(chunks), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

interface CachedConfig {
  config: oidc.Configuration;
  expiresAt: number;
}

// Per issuer and client (the secret is part of the key: a changed secret is
// a new configuration); insertion order doubles as the eviction order.
const discovered = new Map<string, CachedConfig>();

function cacheKey(provider: ProviderRef, options: ClientOptions): string {
  return createHash('sha256')
    .update([provider.issuer, provider.clientId, provider.clientSecret, String(options.allowLoopbackHttp)].join('\n'))
    .digest('hex');
}

/** Forgets every discovered configuration (tests that change a provider under the same issuer). */
export function clearDiscoveryCache(): void {
  discovered.clear();
}

export async function discover(
  provider: ProviderRef,
  options: ClientOptions,
  now = Date.now(),
): Promise<oidc.Configuration> {
  const key = cacheKey(provider, options);
  const hit = discovered.get(key);
  if (hit && hit.expiresAt > now) return hit.config;
  discovered.delete(key);
  const issuer = new URL(provider.issuer);
  const insecure = options.allowLoopbackHttp && isLoopbackHttp(issuer);
  const config = await oidc.discovery(issuer, provider.clientId, provider.clientSecret, undefined, {
    [oidc.customFetch]: limitedFetch(options),
    timeout: Math.ceil((options.fetchTimeoutMs ?? DISCOVERY_TIMEOUT_MS) / 1000),
    execute: insecure
      ? [oidc.allowInsecureRequests, oidc.enableNonRepudiationChecks]
      : [oidc.enableNonRepudiationChecks],
  });
  while (discovered.size >= DISCOVERY_CACHE_MAX) {
    const oldest = discovered.keys().next().value;
    if (oldest === undefined) break;
    discovered.delete(oldest);
  }
  discovered.set(key, { config, expiresAt: now + DISCOVERY_CACHE_TTL_MS });
  return config;
}

export interface AuthorizationRequest {
  url: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** The authorization URL for a sign-in whose state, nonce and verifier are already stored. */
export async function authorizationRequest(
  config: oidc.Configuration,
  redirectUri: string,
  loginHint: string | null,
  { state, nonce, codeVerifier }: { state: string; nonce: string; codeVerifier: string },
): Promise<AuthorizationRequest> {
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(loginHint ? { login_hint: loginHint } : {}),
  });
  return { url: url.href, state, nonce, codeVerifier };
}

export interface VerifiedIdentity {
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

/**
 * Exchanges the code and validates the ID token. Throws (openid-client's
 * errors) on a state, nonce, issuer, audience, signature or expiry problem.
 */
export async function finishAuthorization(
  config: oidc.Configuration,
  callback: URL,
  checks: { state: string; nonce: string; codeVerifier: string },
): Promise<VerifiedIdentity> {
  const tokens = await oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: checks.codeVerifier,
    expectedState: checks.state,
    expectedNonce: checks.nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  if (!claims) throw new Error('no ID token');
  return {
    subject: claims.sub,
    email: typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : null,
    emailVerified: claims.email_verified === true,
    name: typeof claims.name === 'string' ? claims.name.trim().slice(0, 120) : null,
  };
}

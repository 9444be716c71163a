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
  /** Dev and tests: http:// issuers on loopback (a local Keycloak, the in-test provider). */
  allowLoopbackHttp: boolean;
}

const DISCOVERY_TIMEOUT_SECONDS = 10;

export function isLoopbackHttp(issuer: URL): boolean {
  return issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
}

export async function discover(provider: ProviderRef, options: ClientOptions): Promise<oidc.Configuration> {
  const issuer = new URL(provider.issuer);
  const insecure = options.allowLoopbackHttp && isLoopbackHttp(issuer);
  return oidc.discovery(issuer, provider.clientId, provider.clientSecret, undefined, {
    timeout: DISCOVERY_TIMEOUT_SECONDS,
    execute: insecure ? [oidc.allowInsecureRequests, oidc.enableNonRepudiationChecks] : [oidc.enableNonRepudiationChecks],
  });
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

import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';

export interface TestAccount {
  email: string;
  emailVerified?: boolean;
  name?: string;
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /**
   * While on, the provider's /jwks answers with keys that look like its own
   * (same kid, same algorithm) but are not the ones it signs with: every ID
   * token's signature must then fail to verify.
   */
  forgeJwks(on: boolean): void;
  close(): Promise<void>;
}

/**
 * A real OpenID Connect provider (`oidc-provider`, the certified
 * implementation) on 127.0.0.1 and a random port, for tests. Its login page
 * is the package's dev interaction: the account id typed in is the account.
 * Consent is granted up front for the test client, so the login is the only
 * interaction.
 */
export async function startTestOidcProvider(options: {
  redirectUri: string;
  accounts: Record<string, TestAccount>;
  clientId?: string;
  clientSecret?: string;
}): Promise<TestOidcProvider> {
  const clientId = options.clientId ?? 'hubwerk';
  const clientSecret = options.clientSecret ?? 'test-client-secret-0123456789abcdef';
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // The claims go into the ID token itself (Hubwerk reads no userinfo).
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, id) {
      const account = options.accounts[id];
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          return {
            sub: id,
            email: account.email,
            email_verified: account.emailVerified ?? true,
            ...(account.name ? { name: account.name } : {}),
          };
        },
      };
    },
    async loadExistingGrant(ctx) {
      const session = ctx.oidc.session;
      const client = ctx.oidc.client;
      if (!session?.accountId || !client) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, configuration);
  // Quiet: the package logs its dev-only warnings otherwise.
  provider.on('server_error', () => undefined);
  const handle = provider.callback();
  let forged: string | null = null;
  server.on('request', (req, res) => {
    if (forged && req.url === '/jwks') {
      res.writeHead(200, { 'content-type': 'application/jwk-set+json' });
      res.end(forged);
      return;
    }
    void handle(req, res);
  });
  const real = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: Array<Record<string, unknown>> };
  const impostor = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
  const forgedJwks = JSON.stringify({
    keys: real.keys.filter((k) => k.kty === 'RSA').map((k) => ({ ...k, n: impostor.n, e: impostor.e })),
  });
  return {
    issuer,
    clientId,
    clientSecret,
    forgeJwks: (on) => {
      forged = on ? forgedJwks : null;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A tiny cookie jar: the provider keeps its interaction and session in cookies. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  store(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/**
 * What a browser does between Hubwerk and the provider: follows redirects
 * (with fetch, cookie by cookie), fills in the provider's login form with
 * the account, and stops at the first redirect to `redirectUri` — whose
 * query (code, state, iss) it returns.
 */
export async function signInAtProvider(
  authorizationUrl: string,
  redirectUri: string,
  accountId: string,
): Promise<string> {
  const jar = new CookieJar();
  let url = authorizationUrl;
  let init: RequestInit = { method: 'GET' };
  for (let hop = 0; hop < 20; hop += 1) {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string> | undefined), cookie: jar.header() },
    });
    jar.store(response);
    const location = response.headers.get('location');
    if (location) {
      const next = new URL(location, url);
      if (next.href.startsWith(redirectUri)) return next.search.slice(1);
      url = next.href;
      init = { method: 'GET' };
      continue;
    }
    const html = await response.text();
    const form = /<form[^>]*action="([^"]+)"/.exec(html);
    const prompt = /name="prompt" value="([^"]+)"/.exec(html);
    if (response.status !== 200 || !form || !prompt)
      throw new Error(`unexpected answer from the provider at ${url}: ${response.status} ${html.slice(0, 300)}`);
    const body = new URLSearchParams({
      prompt: prompt[1]!,
      ...(prompt[1] === 'login' ? { login: accountId, password: 'egal' } : {}),
    });
    url = new URL(form[1]!, url).href;
    init = { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  }
  throw new Error('too many redirects at the provider');
}

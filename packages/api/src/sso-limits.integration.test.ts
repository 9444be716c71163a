/**
 * Single sign-on within limits (ADR 024): only on plans that include it,
 * https issuers at public addresses in production, discovery bounded in
 * time and size and cached, and sso.start counted per client IP. The
 * "providers" here are plain HTTP servers on 127.0.0.1 that this file
 * starts and stops.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { createContext } from './context.ts';
import { PUBLIC_LIMITS } from './rate-limits.ts';
import { appRouter } from './root.ts';
import { clearDiscoveryCache, MAX_PROVIDER_RESPONSE_BYTES } from './routers/sso/oidc-client.ts';
import { type Caller, failure } from './test-support.ts';
import { createCallerFactory } from './trpc.ts';
import { fileFixtures, seededApiTest } from './testing/fixtures.ts';

const test = seededApiTest();
const file = fileFixtures(test);

const root = createCallerFactory(appRouter);

let einbeckAdmin: Caller;
let einbeckId: string;
const servers: http.Server[] = [];

test.beforeAll(async ({ api, superuser }) => {
  einbeckAdmin = await api.as(DEMO_USERS.einbeckAdmin);
  einbeckId = (await superuser.query(`SELECT id FROM "Tenant" WHERE slug = 'einbeck'`)).rows[0].id;
  await superuser.query(`UPDATE "TenantBilling" SET plan = 'PLUS' WHERE "tenantId" = $1`, [einbeckId]);
});

test.afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test.afterEach(({ api }) => {
  api.deps.sso!.allowLoopbackHttp = true;
  delete api.deps.sso!.fetchTimeoutMs;
  clearDiscoveryCache();
});

/** An HTTP server on 127.0.0.1 answering with `handler`; counts the requests it saw. */
async function provider(handler: (req: http.IncomingMessage, res: http.ServerResponse, issuer: string) => void) {
  const seen: string[] = [];
  let issuer = '';
  const server = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    handler(req, res, issuer);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { issuer, seen };
}

/** A well-formed discovery document for `issuer`. */
const metadata = (issuer: string) => ({
  issuer,
  authorization_endpoint: `${issuer}/auth`,
  token_endpoint: `${issuer}/token`,
  jwks_uri: `${issuer}/jwks`,
  response_types_supported: ['code'],
  subject_types_supported: ['public'],
  id_token_signing_alg_values_supported: ['RS256'],
});

const setPlan = (plan: 'BASIS' | 'STANDARD' | 'PLUS') =>
  file.superuser.query(`UPDATE "TenantBilling" SET plan = $2 WHERE "tenantId" = $1`, [einbeckId, plan]);
const configRows = async () =>
  Number(
    (await file.superuser.query(`SELECT count(*) AS n FROM "TenantSsoConfig" WHERE "tenantId" = $1`, [einbeckId]))
      .rows[0].n,
  );
const settings = (issuer: string, domain: string, enabled = true) => ({
  tenant: 'einbeck',
  issuer,
  clientId: 'hubwerk',
  clientSecret: 'geheim',
  allowedDomains: [domain],
  enabled,
});
/** An anonymous caller from the given client IP. */
const from = (clientIp: string) =>
  root(
    createContext(file.api.deps, {
      requestId: randomUUID(),
      sessionToken: null,
      userAgent: 'vitest',
      clientIp,
      log: {},
    }),
  );

describe('SSO and the plan', () => {
  test('refuses saving and enabling on a plan without SSO, and starting a sign-in after a downgrade', async ({
    superuser,
  }) => {
    const idp = await provider((_req, res, issuer) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(metadata(issuer))),
    );
    await setPlan('STANDARD');
    expect(await failure(einbeckAdmin.sso.saveTownConfig(settings(idp.issuer, 'plan.example', false)))).toMatchObject({
      code: 'PRECONDITION_FAILED',
      messageKey: 'errors.ssoChecks.notInPlan',
    });
    expect(await failure(einbeckAdmin.sso.saveTownConfig(settings(idp.issuer, 'plan.example', true)))).toMatchObject({
      code: 'PRECONDITION_FAILED',
      messageKey: 'errors.ssoChecks.notInPlan',
    });
    expect(await configRows()).toBe(0);

    await setPlan('PLUS');
    expect((await einbeckAdmin.sso.saveTownConfig(settings(idp.issuer, 'plan.example'))).config?.enabled).toBe(true);
    expect((await from('198.51.100.1').sso.start({ email: 'jemand@plan.example' })).authorizationUrl).toMatch(
      `${idp.issuer}/auth?`,
    );

    // Downgraded: the stored settings stay, but nobody signs in with them and they cannot be switched on again.
    await setPlan('STANDARD');
    expect(await failure(from('198.51.100.1').sso.start({ email: 'jemand@plan.example' }))).toMatchObject({
      code: 'PRECONDITION_FAILED',
      messageKey: 'errors.ssoChecks.notInPlanSignIn',
      fieldErrors: { email: ['errors.ssoChecks.notInPlanSignIn'] },
    });
    expect(await failure(einbeckAdmin.sso.saveTownConfig(settings(idp.issuer, 'plan.example', true)))).toMatchObject({
      messageKey: 'errors.ssoChecks.notInPlan',
    });
    expect(
      (await superuser.query(`SELECT enabled FROM "TenantSsoConfig" WHERE "tenantId" = $1`, [einbeckId])).rows,
    ).toEqual([{ enabled: true }]);
    await setPlan('PLUS');
  });
});

describe('issuer addresses in production', () => {
  test('refuses http, loopback and internal addresses when the host does not relax the rule', async ({ api }) => {
    await setPlan('PLUS');
    api.deps.sso!.allowLoopbackHttp = false;
    const refusal = async (issuer: string) =>
      failure(einbeckAdmin.sso.saveTownConfig(settings(issuer, 'prod.example')));
    expect(await refusal('http://127.0.0.1:8080/realms/x')).toMatchObject({
      code: 'BAD_REQUEST',
      fieldErrors: { issuer: ['errors.sso.issuerHttps'] },
    });
    expect(await refusal('http://login.example/realms/x')).toMatchObject({
      fieldErrors: { issuer: ['errors.sso.issuerHttps'] },
    });
    for (const internal of [
      'https://127.0.0.1/realms/x',
      'https://localhost/realms/x',
      'https://10.1.2.3/x',
      'https://192.168.0.10',
      'https://169.254.169.254/latest',
      'https://[::1]/x',
      'https://[fd00::1]/x',
    ]) {
      expect(await refusal(internal), internal).toMatchObject({
        code: 'BAD_REQUEST',
        fieldErrors: { issuer: ['errors.ssoChecks.issuerNotPublic'] },
      });
    }
  });
});

describe('discovery', () => {
  test('gives up on a provider that never answers, with a translated error', async ({ api }) => {
    await setPlan('PLUS');
    const silent = await provider(() => undefined);
    await einbeckAdmin.sso.saveTownConfig(settings(silent.issuer, 'silent.example'));
    // Short, so the test does not wait: it asserts the failure, not how fast it came.
    api.deps.sso!.fetchTimeoutMs = 1_000;
    expect(await failure(from('198.51.100.2').sso.start({ email: 'jemand@silent.example' }))).toMatchObject({
      code: 'PRECONDITION_FAILED',
      messageKey: 'errors.sso.providerUnreachable',
    });
  });

  test('refuses an answer over the size limit, declared or streamed', async () => {
    const padding = 'x'.repeat(MAX_PROVIDER_RESPONSE_BYTES + 1);
    const declared = await provider((_req, res, issuer) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...metadata(issuer), padding })),
    );
    const streamed = await provider((_req, res, issuer) => {
      // No content-length: chunks until well past the limit.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(JSON.stringify(metadata(issuer)).slice(0, -1) + ',"padding":"');
      for (let i = 0; i < 64; i += 1) res.write('y'.repeat(16 * 1024));
      res.end('"}');
    });
    for (const [idp, domain] of [
      [declared, 'big.example'],
      [streamed, 'stream.example'],
    ] as const) {
      await einbeckAdmin.sso.saveTownConfig(settings(idp.issuer, domain));
      expect(await failure(from('198.51.100.3').sso.start({ email: `jemand@${domain}` })), domain).toMatchObject({
        code: 'PRECONDITION_FAILED',
        messageKey: 'errors.sso.providerUnreachable',
      });
      expect(idp.seen.length).toBeGreaterThan(0);
    }
  });

  test('is cached per issuer and client: two sign-ins, one discovery', async () => {
    const idp = await provider((_req, res, issuer) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(metadata(issuer))),
    );
    await einbeckAdmin.sso.saveTownConfig(settings(idp.issuer, 'cache.example'));
    await from('198.51.100.4').sso.start({ email: 'a@cache.example' });
    await from('198.51.100.4').sso.start({ email: 'b@cache.example' });
    expect(idp.seen).toEqual(['/.well-known/openid-configuration']);
    // A changed secret is another client: discovered anew.
    await einbeckAdmin.sso.saveTownConfig({
      ...settings(idp.issuer, 'cache.example'),
      clientSecret: 'neues-geheimnis',
    });
    await from('198.51.100.4').sso.start({ email: 'c@cache.example' });
    expect(idp.seen).toHaveLength(2);
  });
});

describe('sso.start rate limit', () => {
  test('refuses a client after its allowance, with a retry time; other clients go on', async () => {
    const idp = await provider((_req, res, issuer) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(metadata(issuer))),
    );
    await einbeckAdmin.sso.saveTownConfig(settings(idp.issuer, 'limit.example'));
    const client = from('203.0.113.50');
    for (let i = 0; i < PUBLIC_LIMITS.ssoStartIp.points; i += 1)
      await client.sso.start({ email: `p${i}@limit.example` });
    const refused = await failure(client.sso.start({ email: 'noch@limit.example' }));
    expect(refused).toMatchObject({ code: 'TOO_MANY_REQUESTS', messageKey: 'errors.limits.ssoStart' });
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(PUBLIC_LIMITS.ssoStartIp.duration);
    // Counted before anything is looked up: an unknown domain is refused the same way.
    expect(await failure(client.sso.start({ email: 'x@unbekannt.example' }))).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
    });
    expect((await from('203.0.113.51').sso.start({ email: 'andere@limit.example' })).authorizationUrl).toContain(
      idp.issuer,
    );
  });
});

/**
 * Single sign-on, end to end against real OpenID Connect providers
 * (`oidc-provider`) started here on 127.0.0.1: the API builds the
 * authorization URL, the test plays the browser (fetch, redirects, the
 * provider's login form), and hands the callback query back to the API.
 */
import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { describe, expect } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { describeError } from './errors.ts';
import { clearDiscoveryCache } from './routers/sso/oidc-client.ts';
import { signInAtProvider, startTestOidcProvider, type TestOidcProvider } from './testing/index.ts';
import { type Caller, TEST_SSO_CALLBACK } from './test-support.ts';
import { fileFixtures, seededApiTest } from './testing/fixtures.ts';

const test = seededApiTest();
const file = fileFixtures(test);

const ACCOUNTS = {
  anna: { email: 'anna.schmidt@einbeck.example', name: 'Anna Schmidt' },
  bernd: { email: 'bernd@einbeck.example' },
  member: { email: DEMO_USERS.einbeckMember },
  sangerhausen: { email: DEMO_USERS.sangerhausenAdmin },
  mallory: { email: 'mallory@evil.example' },
  unverified: { email: 'ungeprueft@einbeck.example', emailVerified: false },
  petra: { email: 'petra@partner.example', name: 'Petra Partner' },
  partnerAdmin: { email: DEMO_USERS.partner },
  nonce: { email: 'nonce@einbeck.example' },
  foreign: { email: 'fremd@einbeck.example' },
};

let idp: TestOidcProvider;
/** A second, unrelated provider with the same client id and secret: its tokens must never count for Einbeck. */
let otherIdp: TestOidcProvider;
let einbeckAdmin: Caller;
let einbeckId: string;
let itPartnerId: string;

test.beforeAll(async ({ api, superuser }) => {
  idp = await startTestOidcProvider({ redirectUri: TEST_SSO_CALLBACK, accounts: ACCOUNTS });
  otherIdp = await startTestOidcProvider({ redirectUri: TEST_SSO_CALLBACK, accounts: ACCOUNTS });
  einbeckAdmin = await api.as(DEMO_USERS.einbeckAdmin);
  einbeckId = (await superuser.query(`SELECT id FROM "Tenant" WHERE slug = 'einbeck'`)).rows[0].id;
  itPartnerId = (await superuser.query(`SELECT id FROM "Partner" WHERE kind = 'IT_PARTNER'`)).rows[0].id;
  // Single sign-on comes with the Plus plan only (sso-limits.integration.test.ts checks the refusals).
  await superuser.query(`UPDATE "TenantBilling" SET plan = 'PLUS' WHERE "tenantId" = $1`, [einbeckId]);
  await einbeckAdmin.sso.saveTownConfig({
    tenant: 'einbeck',
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    // A careless (or malicious) admin also lists other towns' domains: they still get nobody from there.
    allowedDomains: ['einbeck.example', 'einbeck.hubwerk.test', 'sangerhausen.hubwerk.test'],
    enabled: true,
  });
}, 60_000);

test.afterAll(async () => {
  await idp?.close();
  await otherIdp?.close();
});

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'succeeded';
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return `${error.code} ${describeError(error).messageKey}`;
  }
}

const count = async (sql: string, params: unknown[] = []) =>
  Number((await file.superuser.query(sql, params)).rows[0].n);
const sessions = () => count(`SELECT count(*) AS n FROM "Session" WHERE "revokedAt" IS NULL`);

/** The whole browser round trip: start at Hubwerk, sign in at the provider as `account`, return the callback query. */
async function roundTrip(email: string, account: string, tamper: (url: URL) => URL = (u) => u): Promise<string> {
  const { authorizationUrl } = await file.api.caller().sso.start({ email });
  return signInAtProvider(tamper(new URL(authorizationUrl)).href, TEST_SSO_CALLBACK, account);
}

describe('SSO configuration', () => {
  test('never returns the client secret and stores it encrypted', async ({ superuser }) => {
    const view = await einbeckAdmin.sso.townConfig({ tenant: 'einbeck' });
    expect(view.config).toMatchObject({
      issuer: idp.issuer,
      clientId: idp.clientId,
      hasClientSecret: true,
      enabled: true,
      defaultRole: 'member',
    });
    expect(JSON.stringify(view)).not.toContain(idp.clientSecret);
    const row = (
      await superuser.query(`SELECT "clientSecretEncrypted" AS s FROM "TenantSsoConfig" WHERE "tenantId" = $1`, [
        einbeckId,
      ])
    ).rows[0];
    expect(row.s).toMatch(/^v1\./);
    expect(row.s).not.toContain(idp.clientSecret);
    expect(
      await count(`SELECT count(*) AS n FROM "AuditLog" WHERE "tenantId" = $1 AND action = 'sso.configCreated'`, [
        einbeckId,
      ]),
    ).toBe(1);
  });

  test('keeps the stored secret when the form leaves it empty', async ({ superuser }) => {
    const before = (
      await superuser.query(`SELECT "clientSecretEncrypted" AS s FROM "TenantSsoConfig" WHERE "tenantId" = $1`, [
        einbeckId,
      ])
    ).rows[0].s;
    const view = await einbeckAdmin.sso.saveTownConfig({
      tenant: 'einbeck',
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: '',
      allowedDomains: ['einbeck.example', 'einbeck.hubwerk.test', 'sangerhausen.hubwerk.test'],
      enabled: true,
    });
    expect(view.config?.enabled).toBe(true);
    expect(
      (
        await superuser.query(`SELECT "clientSecretEncrypted" AS s FROM "TenantSsoConfig" WHERE "tenantId" = $1`, [
          einbeckId,
        ])
      ).rows[0].s,
    ).toBe(before);
  });

  test('refuses an admin default role, a bad domain and a plain-http issuer outside loopback, naming the field', async () => {
    const base = {
      tenant: 'einbeck',
      issuer: idp.issuer,
      clientId: 'x',
      clientSecret: 'y',
      allowedDomains: ['einbeck.example'],
      enabled: true,
    };
    expect(await failure(einbeckAdmin.sso.saveTownConfig({ ...base, defaultRole: 'town-admin' as 'member' }))).toBe(
      'BAD_REQUEST errors.invalidInput',
    );
    expect(await failure(einbeckAdmin.sso.saveTownConfig({ ...base, allowedDomains: ['@einbeck'] }))).toBe(
      'BAD_REQUEST errors.invalidInput',
    );
    expect(
      await failure(einbeckAdmin.sso.saveTownConfig({ ...base, issuer: 'http://idp.einbeck.example/realms/x' })),
    ).toBe('BAD_REQUEST errors.sso.issuerHttps');
  });

  test("is the town admin's: members are refused, other towns see nothing", async ({ api }) => {
    const member = await api.as(DEMO_USERS.einbeckMember);
    expect(await failure(member.sso.townConfig({ tenant: 'einbeck' }))).toBe('FORBIDDEN errors.forbidden');
    const zeitz = await api.as(DEMO_USERS.zeitzAdmin);
    expect(await failure(zeitz.sso.townConfig({ tenant: 'einbeck' }))).toBe('NOT_FOUND errors.notFound');
    expect(
      await failure(
        zeitz.sso.saveTownConfig({
          tenant: 'einbeck',
          issuer: idp.issuer,
          clientId: 'x',
          clientSecret: 'y',
          allowedDomains: ['zeitz.example'],
          enabled: true,
        }),
      ),
    ).toBe('NOT_FOUND errors.notFound');
  });
});

describe('SSO sign-in against a real provider', () => {
  test('provisions a new user into exactly the town whose provider it is, as a member, with a normal session', async ({
    api,
    superuser,
  }) => {
    const before = await sessions();
    const query = await roundTrip(ACCOUNTS.anna.email, 'anna');
    expect(query).toMatch(/(^|&)code=/);
    const { token } = await api.caller().sso.finish({ query });
    expect(await sessions()).toBe(before + 1);
    const me = await api.caller(token).auth.me();
    expect(me.user).toMatchObject({ email: ACCOUNTS.anna.email, name: 'Anna Schmidt', platformRole: null });
    expect(me.tenants).toEqual([{ slug: 'einbeck', name: 'Einbeck', role: 'member' }]);
    expect(me.partners).toEqual([]);
    const user = (
      await superuser.query(`SELECT id, "passwordHash" FROM "User" WHERE email = $1`, [ACCOUNTS.anna.email])
    ).rows[0];
    expect(user.passwordHash).toBeNull();
    expect(await count(`SELECT count(*) AS n FROM "TenantMembership" WHERE "userId" = $1`, [user.id])).toBe(1);
    const audit = (
      await superuser.query(`SELECT action, "tenantId" FROM "AuditLog" WHERE "targetId" = $1 ORDER BY "createdAt"`, [
        user.id,
      ])
    ).rows;
    expect(audit).toEqual([
      { action: 'sso.userProvisioned', tenantId: einbeckId },
      { action: 'sso.signedIn', tenantId: einbeckId },
    ]);
  });

  test('links on the second sign-in instead of creating another account, with a new session id', async ({
    api,
    superuser,
  }) => {
    const first = await api.caller().sso.finish({ query: await roundTrip(ACCOUNTS.bernd.email, 'bernd') });
    const second = await api.caller().sso.finish({ query: await roundTrip(ACCOUNTS.bernd.email, 'bernd') });
    expect(second.token).not.toBe(first.token);
    expect(await count(`SELECT count(*) AS n FROM "User" WHERE email = $1`, [ACCOUNTS.bernd.email])).toBe(1);
    const userId = (await superuser.query(`SELECT id FROM "User" WHERE email = $1`, [ACCOUNTS.bernd.email])).rows[0].id;
    expect(await count(`SELECT count(*) AS n FROM "TenantMembership" WHERE "userId" = $1`, [userId])).toBe(1);
    expect(
      await count(`SELECT count(*) AS n FROM "AuditLog" WHERE "targetId" = $1 AND action = 'sso.userProvisioned'`, [
        userId,
      ]),
    ).toBe(1);
    expect(
      await count(`SELECT count(*) AS n FROM "AuditLog" WHERE "targetId" = $1 AND action = 'sso.signedIn'`, [userId]),
    ).toBe(2);
  });

  test('links an existing member of the town by verified email, keeping their role', async ({ api }) => {
    const { token } = await api.caller().sso.finish({ query: await roundTrip(DEMO_USERS.einbeckMember, 'member') });
    const me = await api.caller(token).auth.me();
    expect(me.user.email).toBe(DEMO_USERS.einbeckMember);
    expect(me.tenants).toEqual([{ slug: 'einbeck', name: 'Einbeck', role: 'member' }]);
  });

  test("never signs in a user of another town through this town's provider", async ({ api }) => {
    const before = await sessions();
    const query = await roundTrip(DEMO_USERS.sangerhausenAdmin, 'sangerhausen');
    expect(await failure(api.caller().sso.finish({ query }))).toBe('BAD_REQUEST errors.sso.accountElsewhere');
    expect(await sessions()).toBe(before);
    expect(
      await count(
        `SELECT count(*) AS n FROM "TenantMembership" m JOIN "User" u ON u.id = m."userId" WHERE u.email = $1 AND m."tenantId" = $2`,
        [DEMO_USERS.sangerhausenAdmin, einbeckId],
      ),
    ).toBe(0);
    expect(
      await count(
        `SELECT count(*) AS n FROM "AuditLog" WHERE "tenantId" = $1 AND action = 'sso.signInRejected' AND data->>'reason' = 'errors.sso.accountElsewhere'`,
        [einbeckId],
      ),
    ).toBe(1);
  });

  test('rejects a forged state, and a replayed callback, without a session', async ({ api }) => {
    const before = await sessions();
    const query = new URLSearchParams(await roundTrip(ACCOUNTS.anna.email, 'anna'));
    const forged = new URLSearchParams(query);
    forged.set('state', randomUUID());
    expect(await failure(api.caller().sso.finish({ query: forged.toString() }))).toBe(
      'BAD_REQUEST errors.sso.invalidState',
    );
    expect(
      await failure(api.caller().sso.finish({ query: new URLSearchParams({ code: query.get('code')! }).toString() })),
    ).toBe('BAD_REQUEST errors.sso.invalidState');
    expect(await sessions()).toBe(before);
    // The genuine callback still works once, and only once.
    await api.caller().sso.finish({ query: query.toString() });
    expect(await failure(api.caller().sso.finish({ query: query.toString() }))).toBe(
      'BAD_REQUEST errors.sso.invalidState',
    );
    expect(await sessions()).toBe(before + 1);
  });

  test('rejects an ID token with the wrong nonce', async ({ api }) => {
    const before = await sessions();
    const query = await roundTrip(ACCOUNTS.nonce.email, 'nonce', (url) => {
      url.searchParams.set('nonce', 'ein-anderer-nonce-als-der-gespeicherte');
      return url;
    });
    expect(await failure(api.caller().sso.finish({ query }))).toBe('BAD_REQUEST errors.sso.idTokenInvalid');
    expect(await sessions()).toBe(before);
    expect(await count(`SELECT count(*) AS n FROM "User" WHERE email = $1`, [ACCOUNTS.nonce.email])).toBe(0);
  });

  test("rejects an ID token whose signature does not verify against the issuer's JWKS", async ({ api }) => {
    const before = await sessions();
    const query = await roundTrip(ACCOUNTS.nonce.email, 'nonce');
    idp.forgeJwks(true);
    // The keys fetched earlier are cached with the discovered configuration (as they should be): a provider whose keys changed is met afresh.
    clearDiscoveryCache();
    try {
      expect(await failure(api.caller().sso.finish({ query }))).toBe('BAD_REQUEST errors.sso.idTokenInvalid');
    } finally {
      idp.forgeJwks(false);
      clearDiscoveryCache();
    }
    expect(await sessions()).toBe(before);
    expect(await count(`SELECT count(*) AS n FROM "User" WHERE email = $1`, [ACCOUNTS.nonce.email])).toBe(0);
  });

  test('rejects a response from a foreign issuer (another provider with the same client id)', async ({ api }) => {
    const before = await sessions();
    const toOther = (url: URL) => new URL(url.pathname + url.search, otherIdp.issuer);
    // With the provider's iss parameter (RFC 9207) …
    const withIss = await roundTrip(ACCOUNTS.foreign.email, 'foreign', toOther);
    expect(new URLSearchParams(withIss).get('iss')).toBe(otherIdp.issuer);
    expect(await failure(api.caller().sso.finish({ query: withIss }))).toBe('BAD_REQUEST errors.sso.wrongIssuer');
    // … and without it: the foreign code is worth nothing at Einbeck's provider.
    const withoutIss = new URLSearchParams(await roundTrip(ACCOUNTS.foreign.email, 'foreign', toOther));
    withoutIss.delete('iss');
    expect(await failure(api.caller().sso.finish({ query: withoutIss.toString() }))).toBe(
      'BAD_REQUEST errors.sso.wrongIssuer',
    );
    expect(await sessions()).toBe(before);
    expect(await count(`SELECT count(*) AS n FROM "User" WHERE email = $1`, [ACCOUNTS.foreign.email])).toBe(0);
  });

  test('rejects an email outside the allowed domains, and an unverified one', async ({ api }) => {
    const before = await sessions();
    // Routed to Einbeck's provider by Anna's address, but the provider vouches for Mallory.
    expect(await failure(api.caller().sso.finish({ query: await roundTrip(ACCOUNTS.anna.email, 'mallory') }))).toBe(
      'BAD_REQUEST errors.sso.domainNotAllowed',
    );
    expect(
      await failure(api.caller().sso.finish({ query: await roundTrip(ACCOUNTS.unverified.email, 'unverified') })),
    ).toBe('BAD_REQUEST errors.sso.emailNotVerified');
    expect(await failure(api.caller().sso.start({ email: 'jemand@evil.example' }))).toBe(
      'NOT_FOUND errors.sso.noProvider',
    );
    expect(await sessions()).toBe(before);
    expect(
      await count(`SELECT count(*) AS n FROM "User" WHERE email IN ($1, $2)`, [
        ACCOUNTS.mallory.email,
        ACCOUNTS.unverified.email,
      ]),
    ).toBe(0);
  });

  test('rejects sign-ins through a disabled provider, also one disabled mid-flight', async ({ api }) => {
    const before = await sessions();
    const config = {
      tenant: 'einbeck',
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: '',
      allowedDomains: ['einbeck.example', 'einbeck.hubwerk.test'],
    };
    const query = await roundTrip(ACCOUNTS.anna.email, 'anna');
    await einbeckAdmin.sso.saveTownConfig({ ...config, enabled: false });
    try {
      expect(await failure(api.caller().sso.finish({ query }))).toBe('BAD_REQUEST errors.sso.disabled');
      expect(await failure(api.caller().sso.start({ email: ACCOUNTS.anna.email }))).toBe(
        'NOT_FOUND errors.sso.noProvider',
      );
      expect(await sessions()).toBe(before);
    } finally {
      await einbeckAdmin.sso.saveTownConfig({ ...config, enabled: true });
    }
  });
});

describe('partner SSO', () => {
  test("is managed by the partner's admin and provisions partner staff into that partner only", async ({ api }) => {
    const partnerAdmin = await api.as(DEMO_USERS.partner);
    expect(await failure(einbeckAdmin.sso.partnerConfig({ partnerId: itPartnerId }))).toBe('NOT_FOUND errors.notFound');
    await partnerAdmin.sso.savePartnerConfig({
      partnerId: itPartnerId,
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      allowedDomains: ['partner.example', 'hubwerk.test'],
      enabled: true,
    });
    const view = await partnerAdmin.sso.partnerConfig({ partnerId: itPartnerId });
    expect(view.config).toMatchObject({
      issuer: idp.issuer,
      enabled: true,
      allowedDomains: ['partner.example', 'hubwerk.test'],
    });
    expect(JSON.stringify(view)).not.toContain(idp.clientSecret);

    const { token } = await api.caller().sso.finish({ query: await roundTrip(ACCOUNTS.petra.email, 'petra') });
    const me = await api.caller(token).auth.me();
    expect(me.tenants).toEqual([]);
    expect(me.partners).toEqual([expect.objectContaining({ id: itPartnerId, role: 'partner-staff' })]);
    expect(
      await count(
        `SELECT count(*) AS n FROM "AuditLog" WHERE action = 'sso.userProvisioned' AND data->>'partnerId' = $1`,
        [itPartnerId],
      ),
    ).toBe(1);

    // The partner's admin keeps signing in with password (and second factor): no session through the provider.
    const before = await sessions();
    expect(await failure(api.caller().sso.finish({ query: await roundTrip(DEMO_USERS.partner, 'partnerAdmin') }))).toBe(
      'BAD_REQUEST errors.sso.adminUsesPassword',
    );
    expect(await sessions()).toBe(before);
  });
});

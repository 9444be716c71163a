import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { describe, expect } from 'vitest';
import { DEMO_IT_PARTNER, DEMO_USERS } from '../../../prisma/seed.ts';
import { describeError } from './errors.ts';
import { type Caller, mailedInvitationToken, mailedInvitationTokens } from './test-support.ts';
import { fileFixtures, seededApiTest } from './testing/fixtures.ts';

const test = seededApiTest({ poolSize: 10 });
const file = fileFixtures(test);

let platformAdmin: Caller;
let partnerId: string;

test.beforeAll(async ({ api, superuser }) => {
  platformAdmin = await api.as(DEMO_USERS.platform);
  partnerId = (await superuser.query(`SELECT id FROM "Partner" WHERE name = $1`, [DEMO_IT_PARTNER])).rows[0].id;
});

const count = async (sql: string, params: unknown[] = []) =>
  Number((await file.superuser.query(`SELECT count(*) AS n FROM ${sql}`, params)).rows[0].n);

const zeitz2 = () => ({
  name: 'Zeitz 2',
  ags: '15084591',
  bundesland: '15' as const,
  partnerId,
  hubName: 'Digital Hub Zeitz 2',
  adminEmail: 'admin@zeitz2.example.org',
  idempotencyKey: randomUUID(),
});

async function fieldErrorsOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return describeError(error).fieldErrors ?? { messageKey: describeError(error).messageKey };
  }
  throw new Error('expected the call to fail');
}

describe('onboarding a town', () => {
  test('creates the town, its hub, its admin and the audit trail in one go — once, under 10 concurrent identical requests', async ({
    api,
    superuser,
  }) => {
    const input = zeitz2();
    const results = await Promise.all(Array.from({ length: 10 }, () => platformAdmin.tenants.onboard(input)));
    expect(new Set(results.map((r) => r.tenant.id)).size).toBe(1);
    expect(results[0]!.tenant.slug).toBe('zeitz-2');
    expect(await count(`"Tenant" WHERE ags = '15084591'`)).toBe(1);
    expect(await count(`"Hub" h JOIN "Tenant" t ON t.id = h."tenantId" WHERE t.ags = '15084591'`)).toBe(1);
    expect(
      await count(
        `"TenantMembership" m JOIN "User" u ON u.id = m."userId" WHERE u.email = 'admin@zeitz2.example.org' AND m.role = 'TOWN_ADMIN'`,
      ),
    ).toBe(1);
    expect(
      await count(`"AuditLog" WHERE action = 'tenant.onboarded' AND "tenantId" = $1`, [results[0]!.tenant.id]),
    ).toBe(10);
    expect(await count(`"AuditLog" WHERE action = 'hub.created' AND "tenantId" = $1`, [results[0]!.tenant.id])).toBe(1);
    // Only the newest link works: replays re-issue the token.
    // Each was mailed to the admin (never in an answer): ten mails, one working link.
    expect(results.every((r) => !('invitationUrl' in r))).toBe(true);
    const mailed = await mailedInvitationTokens(superuser, 'admin@zeitz2.example.org');
    expect(mailed).toHaveLength(10);
    const previews = await Promise.all(
      mailed.map((token) =>
        api
          .caller()
          .invitations.preview({ token })
          .catch(() => null),
      ),
    );
    expect(previews.filter(Boolean)).toHaveLength(1);
  });

  test('rejects an invalid AGS, a taken AGS or name and an unknown partner with field errors, writing nothing', async () => {
    const before = await count(`"Tenant"`);
    expect(await fieldErrorsOf(platformAdmin.tenants.onboard({ ...zeitz2(), ags: '1508459' }))).toEqual({
      ags: ['validation.ags.format'],
    });
    expect(await fieldErrorsOf(platformAdmin.tenants.onboard({ ...zeitz2(), ags: '17084591' }))).toEqual({
      ags: ['validation.ags.bundesland'],
    });
    expect(
      await fieldErrorsOf(platformAdmin.tenants.onboard({ ...zeitz2(), ags: '03155013', bundesland: '15' })),
    ).toEqual({ ags: ['validation.ags.mismatch'] });
    expect(
      await fieldErrorsOf(
        platformAdmin.tenants.onboard({ ...zeitz2(), name: 'Einbeck', ags: '03155013', bundesland: '03' }),
      ),
    ).toEqual({
      ags: ['errors.tenant.agsTaken'],
      name: ['errors.tenant.slugTaken'],
    });
    expect(
      await fieldErrorsOf(
        platformAdmin.tenants.onboard({ ...zeitz2(), name: 'Naumburg', ags: '15084999', partnerId: randomUUID() }),
      ),
    ).toEqual({ partnerId: ['errors.partner.unknown'] });
    expect(await fieldErrorsOf(platformAdmin.tenants.onboard({ ...zeitz2(), adminEmail: 'kein-email' }))).toEqual({
      adminEmail: ['validation.email'],
    });
    expect(
      await fieldErrorsOf(platformAdmin.tenants.onboard({ ...zeitz2(), tenantId: randomUUID() } as never)),
    ).toEqual({ tenantId: ['validation.unknownField'] });
    expect(await count(`"Tenant"`)).toBe(before);
  });

  test('shows the new town to its partner but not to another town', async ({ api }) => {
    const partner = await api.as(DEMO_USERS.partner);
    expect((await partner.tenants.list({})).items.map((t) => t.slug)).toContain('zeitz-2');
    expect((await partner.tenants.get({ tenant: 'zeitz-2' })).hubs.map((h) => h.name)).toEqual(['Digital Hub Zeitz 2']);
    const einbeck = await api.as(DEMO_USERS.einbeckAdmin);
    expect((await einbeck.tenants.list({})).items.map((t) => t.slug)).toEqual(['einbeck']);
    await expect(einbeck.tenants.get({ tenant: 'zeitz-2' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  test('lets the invited admin set a password, activates the town and signs them in', async ({ api, superuser }) => {
    const { tenant } = await platformAdmin.tenants.onboard({
      ...zeitz2(),
      name: 'Hohenmölsen',
      ags: '15084275',
      partnerId: null,
      adminEmail: 'admin@hohenmoelsen.example.org',
    });
    const token = await mailedInvitationToken(superuser, 'admin@hohenmoelsen.example.org');
    expect(await api.caller().invitations.preview({ token })).toMatchObject({
      status: 'open',
      target: { kind: 'tenant', name: 'Hohenmölsen' },
      role: 'town-admin',
    });
    expect(
      await fieldErrorsOf(api.caller().invitations.accept({ token, name: 'Anna Admin', password: 'kurz' })),
    ).toEqual({ password: ['validation.password.tooShort'] });
    const session = await api
      .caller()
      .invitations.accept({ token, name: 'Anna Admin', password: 'ein-langes-passwort' });
    if (session.status !== 'signed-in') throw new Error('a pending account is signed in');
    const me = await api.caller(session.token).auth.me();
    expect(me.tenants).toEqual([{ slug: tenant.slug, name: 'Hohenmölsen', role: 'town-admin' }]);
    expect((await platformAdmin.tenants.list({})).items.find((t) => t.slug === tenant.slug)?.status).toBe('active');
    await expect(
      api.caller().invitations.accept({ token, name: 'Zweiter', password: 'noch-ein-passwort' }),
    ).rejects.toMatchObject({ message: 'errors.invitation.accepted' });
  });
});

describe('partners', () => {
  test('registers a partner once per key and assigns and unassigns towns, effective on the next request', async ({
    api,
    superuser,
  }) => {
    const input = {
      kind: 'it-partner' as const,
      name: 'Kommunal-IT Burgenland',
      region: 'Burgenlandkreis',
      adminEmail: 'chef@kit-burgenland.example.org',
      idempotencyKey: randomUUID(),
    };
    const [first, second] = await Promise.all([
      platformAdmin.partners.register(input),
      platformAdmin.partners.register(input),
    ]);
    expect(first.partner.id).toBe(second.partner.id);
    expect(await count(`"Partner" WHERE name = 'Kommunal-IT Burgenland'`)).toBe(1);

    // The replay re-issued the link: exactly one of the two still works.
    const tokens = await mailedInvitationTokens(superuser, input.adminEmail);
    expect(tokens).toHaveLength(2);
    const open = (
      await Promise.all(
        tokens.map((token) =>
          api
            .caller()
            .invitations.preview({ token })
            .then(
              () => token,
              () => null,
            ),
        ),
      )
    ).filter((t) => t !== null);
    expect(open).toHaveLength(1);
    const accepted = await api
      .caller()
      .invitations.accept({ token: open[0]!, name: 'Karl Chef', password: 'partner-passwort-1' });
    if (accepted.status !== 'signed-in') throw new Error('a pending account is signed in');
    const newPartner = api.caller(accepted.token);
    const zeitz = (await platformAdmin.tenants.list({})).items.find((t) => t.slug === 'zeitz')!;
    await expect(newPartner.tenants.get({ tenant: 'zeitz' })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    await platformAdmin.tenants.assignPartner({ tenantId: zeitz.id, partnerId: first.partner.id });
    expect((await newPartner.tenants.get({ tenant: 'zeitz' })).can.createHub).toBe(true);
    await newPartner.hubs.create({ tenant: 'zeitz', name: 'Außenstelle Zeitz', city: 'Zeitz' });

    await platformAdmin.tenants.assignPartner({ tenantId: zeitz.id, partnerId: null });
    await expect(newPartner.tenants.get({ tenant: 'zeitz' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(newPartner.hubs.create({ tenant: 'zeitz', name: 'Noch ein Hub' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  test('refuses a regional provider as managing partner', async ({ superuser }) => {
    const provider = (await superuser.query(`SELECT id FROM "Partner" WHERE kind = 'REGIONAL_PROVIDER' LIMIT 1`))
      .rows[0].id;
    const zeitz = (await platformAdmin.tenants.list({})).items.find((t) => t.slug === 'zeitz')!;
    expect(
      await fieldErrorsOf(platformAdmin.tenants.assignPartner({ tenantId: zeitz.id, partnerId: provider })),
    ).toEqual({ partnerId: ['errors.partner.unknown'] });
  });
});

describe('town admins and hubs', () => {
  test('lets a town admin create and rename hubs of their town, with audit entries', async ({ api, superuser }) => {
    const admin = await api.as(DEMO_USERS.einbeckAdmin);
    const hub = await admin.hubs.create({
      tenant: 'einbeck',
      name: 'Showroom am Markt',
      thematicFocus: 'Smart City',
      postalCode: '37574',
      city: 'Einbeck',
    });
    expect(hub).toMatchObject({ slug: 'showroom-am-markt', city: 'Einbeck' });
    expect(await fieldErrorsOf(admin.hubs.create({ tenant: 'einbeck', name: 'Showroom am Markt' }))).toEqual({
      name: ['errors.hub.nameTaken'],
    });
    expect(
      await fieldErrorsOf(admin.hubs.create({ tenant: 'einbeck', name: 'PLZ falsch', postalCode: '123' })),
    ).toEqual({ postalCode: ['validation.postalCode'] });
    const renamed = await admin.hubs.rename({ tenant: 'einbeck', hubId: hub.id, name: 'Showroom Marktplatz' });
    expect(renamed.name).toBe('Showroom Marktplatz');
    const audit = await superuser.query(
      `SELECT action, data FROM "AuditLog" WHERE "targetId" = $1 ORDER BY "createdAt"`,
      [hub.id],
    );
    expect(audit.rows).toEqual([
      { action: 'hub.created', data: { name: 'Showroom am Markt' } },
      {
        action: 'hub.renamed',
        data: { before: { name: 'Showroom am Markt' }, after: { name: 'Showroom Marktplatz' } },
      },
    ]);
  });

  test('keeps members and hub managers within their rights', async ({ api }) => {
    const member = await api.as(DEMO_USERS.einbeckMember);
    await expect(member.hubs.create({ tenant: 'einbeck', name: 'Mitglieder-Hub' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const manager = await api.as(DEMO_USERS.einbeckManager);
    const own = (await manager.tenants.get({ tenant: 'einbeck' })).hubs.find((h) => h.slug === 'digital-hub-einbeck')!;
    const other = (await manager.tenants.get({ tenant: 'einbeck' })).hubs.find(
      (h) => h.slug !== 'digital-hub-einbeck',
    )!;
    await expect(
      manager.hubs.rename({ tenant: 'einbeck', hubId: own.id, name: 'Digital Hub Einbeck (Altstadt)' }),
    ).resolves.toMatchObject({ name: 'Digital Hub Einbeck (Altstadt)' });
    await expect(
      manager.hubs.rename({ tenant: 'einbeck', hubId: other.id, name: 'Nicht meiner' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  test('answers a wrong password and an unknown account identically', async ({ api }) => {
    const refusal = { code: 'UNAUTHORIZED', message: 'errors.auth.invalidCredentials' };
    await Promise.all([
      expect(api.caller().auth.signIn({ email: DEMO_USERS.einbeckAdmin, password: 'falsch' })).rejects.toMatchObject(
        refusal,
      ),
      expect(api.caller().auth.signIn({ email: 'niemand@example.org', password: 'falsch' })).rejects.toMatchObject(
        refusal,
      ),
    ]);
  });

  test('ends a session on sign-out', async ({ api }) => {
    const signedIn = await api.caller().auth.signIn({ email: DEMO_USERS.zeitzAdmin, password: 'hubwerk-demo' });
    const token = signedIn.status === 'signed-in' ? signedIn.token : '';
    await api.caller(token).auth.signOut({});
    await expect(api.caller(token).auth.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

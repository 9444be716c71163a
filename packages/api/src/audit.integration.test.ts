/**
 * The audit log as towns, partners and the provider read it: only the
 * town's own events, to the roles that may, filtered and paged without gaps.
 */
import { describe, expect } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { type Caller, failure } from './test-support.ts';
import { seededApiTest } from './testing/fixtures.ts';

const test = seededApiTest();

let einbeckAdmin: Caller;
let einbeckHubId: string;

test.beforeAll(async ({ api }) => {
  einbeckAdmin = await api.as(DEMO_USERS.einbeckAdmin);
  einbeckHubId = (await einbeckAdmin.hubs.list({ tenant: 'einbeck' })).items[0]!.id;
  for (let i = 1; i <= 5; i += 1)
    await einbeckAdmin.hubs.rename({ tenant: 'einbeck', hubId: einbeckHubId, name: `Digital Hub Einbeck ${i}` });
  const zeitz = await api.as(DEMO_USERS.zeitzAdmin);
  await zeitz.hubs.create({ tenant: 'zeitz', name: 'Geheimer Zeitzer Hub' });
});

describe('audit.list', () => {
  test("shows a town admin their town's events with actor, newest first, and none of another town", async ({
    superuser,
  }) => {
    const { items } = await einbeckAdmin.audit.list({ tenant: 'einbeck' });
    const renames = items.filter((e) => e.action === 'hub.renamed');
    expect(renames).toHaveLength(5);
    expect(renames[0]).toMatchObject({
      targetType: 'Hub',
      targetId: einbeckHubId,
      actor: { email: DEMO_USERS.einbeckAdmin },
      data: { before: { name: 'Digital Hub Einbeck 4' }, after: { name: 'Digital Hub Einbeck 5' } },
    });
    const times = items.map((e) => e.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(JSON.stringify(items)).not.toContain('Geheimer Zeitzer Hub');
    const foreign = await superuser.query(
      `SELECT id FROM "AuditLog" WHERE "tenantId" <> (SELECT id FROM "Tenant" WHERE slug = 'einbeck') OR "tenantId" IS NULL`,
    );
    const ids = new Set(items.map((e) => e.id));
    expect(foreign.rows.filter((r) => ids.has(r.id))).toEqual([]);
  });

  test('pages by keyset without gaps or repeats', async () => {
    const all = (await einbeckAdmin.audit.list({ tenant: 'einbeck', limit: 100 })).items.map((e) => e.id);
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await einbeckAdmin.audit.list({ tenant: 'einbeck', limit: 2, ...(cursor ? { cursor } : {}) });
      paged.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(all);
    expect(all.length).toBe(5);
  });

  test('filters by action, actor and time range', async () => {
    const renamed = await einbeckAdmin.audit.list({ tenant: 'einbeck', action: 'hub.renamed' });
    expect(renamed.items.map((e) => e.action)).toEqual(Array(5).fill('hub.renamed'));
    const byAdmin = await einbeckAdmin.audit.list({ tenant: 'einbeck', actorEmail: DEMO_USERS.einbeckAdmin });
    expect(byAdmin.items.length).toBe(5);
    expect((await einbeckAdmin.audit.list({ tenant: 'einbeck', actorEmail: 'niemand@example.org' })).items).toEqual([]);
    const [newest, , third] = renamed.items;
    const ranged = await einbeckAdmin.audit.list({
      tenant: 'einbeck',
      action: 'hub.renamed',
      from: third!.createdAt,
      to: newest!.createdAt,
    });
    expect(ranged.items.map((e) => e.id)).toEqual(renamed.items.slice(1, 3).map((e) => e.id));
    expect(
      (await einbeckAdmin.audit.list({ tenant: 'einbeck', from: '2000-01-01T00:00:00Z', to: '2000-01-02T00:00:00Z' }))
        .items,
    ).toEqual([]);
  });

  test('answers bad filters with field errors, never a 500', async () => {
    expect(await failure(einbeckAdmin.audit.list({ tenant: 'einbeck', action: "x'; DROP TABLE" }))).toMatchObject({
      code: 'BAD_REQUEST',
      fieldErrors: { action: ['validation.invalid'] },
    });
    expect(await failure(einbeckAdmin.audit.list({ tenant: 'einbeck', from: 'gestern' }))).toMatchObject({
      code: 'BAD_REQUEST',
      fieldErrors: { from: ['validation.datetime'] },
    });
    expect(
      await failure(
        einbeckAdmin.audit.list({ tenant: 'einbeck', from: '2026-02-30T00:00:00Z', to: '0000-01-01T00:00:00Z' }),
      ),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      fieldErrors: { from: ['validation.input.impossibleDate'], to: ['validation.input.impossibleDate'] },
    });
    expect(
      await failure(
        einbeckAdmin.audit.list({ tenant: 'einbeck', from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }),
      ),
    ).toMatchObject({
      fieldErrors: { from: ['validation.audit.rangeReversed'], to: ['validation.audit.rangeReversed'] },
    });
    expect(await failure(einbeckAdmin.audit.list({ tenant: 'einbeck', tenantId: 'x' } as never))).toMatchObject({
      fieldErrors: { tenantId: ['validation.unknownField'] },
    });
  });

  test("is readable by the town's partner and the provider's staff, not by hub managers or members", async ({
    api,
  }) => {
    for (const email of [DEMO_USERS.partner, DEMO_USERS.platform, DEMO_USERS.support]) {
      const caller = await api.as(email);
      expect((await caller.audit.list({ tenant: 'einbeck', action: 'hub.renamed' })).items, email).toHaveLength(5);
      expect((await caller.tenants.get({ tenant: 'einbeck' })).can.readAudit, email).toBe(true);
    }
    for (const email of [DEMO_USERS.einbeckManager, DEMO_USERS.einbeckMember]) {
      const caller = await api.as(email);
      expect(await failure(caller.audit.list({ tenant: 'einbeck' })), email).toMatchObject({
        code: 'FORBIDDEN',
        messageKey: 'errors.forbidden',
      });
      expect((await caller.tenants.get({ tenant: 'einbeck' })).can.readAudit, email).toBe(false);
    }
    // Zeitz has no partner: to the partner it does not exist.
    expect(await failure((await api.as(DEMO_USERS.partner)).audit.list({ tenant: 'zeitz' }))).toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('auth.changePassword', () => {
  test('changes the password, ends every other session of the user (next request), keeps this one, and is audited', async ({
    api,
    superuser,
  }) => {
    const email = DEMO_USERS.sangerhausenAdmin;
    const [current, other, third] = [await api.as(email), await api.as(email), await api.as(email)];
    const stranger = await api.as(DEMO_USERS.zeitzAdmin);
    expect(
      await failure(current.auth.changePassword({ currentPassword: 'falsch', newPassword: 'ein-neues-passwort' })),
    ).toMatchObject({ fieldErrors: { currentPassword: ['errors.auth.wrongPassword'] } });
    expect(
      await failure(current.auth.changePassword({ currentPassword: 'hubwerk-demo', newPassword: 'kurz' })),
    ).toMatchObject({ fieldErrors: { newPassword: ['validation.password.tooShort'] } });
    await other.auth.me();

    expect(
      await current.auth.changePassword({ currentPassword: 'hubwerk-demo', newPassword: 'ein-neues-passwort' }),
    ).toEqual({ ok: true, otherSessionsEnded: 2 });
    expect((await current.auth.me()).user.email).toBe(email);
    for (const ended of [other, third]) expect(await failure(ended.auth.me())).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await stranger.auth.me()).user.email).toBe(DEMO_USERS.zeitzAdmin);
    await expect(api.as(email)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect((await api.as(email, 'ein-neues-passwort')).auth.me()).resolves.toBeTruthy();
    const audit = await superuser.query(
      `SELECT "actorUserId", data FROM "AuditLog" WHERE action = 'user.passwordChanged'`,
    );
    expect(audit.rows).toEqual([{ actorUserId: expect.any(String), data: { otherSessionsEnded: 2 } }]);
    expect(JSON.stringify(audit.rows)).not.toContain('ein-neues-passwort');
  });
});

describe('auth.revokeUserSessions', () => {
  test('lets the provider end every session of a user, with the reason in the audit log; nobody else may', async ({
    api,
    superuser,
  }) => {
    const victim = await api.as(DEMO_USERS.zeitzAdmin);
    const userId = (await victim.auth.me()).user.id;
    for (const email of [DEMO_USERS.support, DEMO_USERS.einbeckAdmin, DEMO_USERS.partner]) {
      expect(
        await failure((await api.as(email)).auth.revokeUserSessions({ userId, reason: 'Versuch' })),
        email,
      ).toMatchObject({ code: 'FORBIDDEN' });
    }
    await victim.auth.me();
    const platform = await api.as(DEMO_USERS.platform);
    expect(
      await failure(
        platform.auth.revokeUserSessions({ userId: '01a2134a-633c-73da-8faf-0f594a94ec65', reason: 'Gibt es nicht' }),
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(platform.auth.revokeUserSessions({ userId, reason: '' }))).toMatchObject({
      fieldErrors: { reason: ['validation.required'] },
    });
    const result = await platform.auth.revokeUserSessions({ userId, reason: 'Laptop verloren' });
    expect(result.sessionsEnded).toBeGreaterThanOrEqual(1);
    expect(await failure(victim.auth.me())).toMatchObject({ code: 'UNAUTHORIZED' });
    const audit = await superuser.query(
      `SELECT reason, "targetId" FROM "AuditLog" WHERE action = 'user.sessionsRevoked'`,
    );
    expect(audit.rows).toEqual([{ reason: 'Laptop verloren', targetId: userId }]);
    // A fresh sign-in works again: revocation is no lock-out.
    await expect((await api.as(DEMO_USERS.zeitzAdmin)).auth.me()).resolves.toBeTruthy();
  });
});

/**
 * Support sessions (ADR 011): platform and partner staff act on behalf of a
 * town only explicitly, for a reason and a limited time; every audit entry
 * written meanwhile names the session; partners and the provider read the
 * audit log across their towns.
 */
import { describe, expect } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { type Caller, failure } from './test-support.ts';
import { fileFixtures, seededApiTest } from './testing/fixtures.ts';

const test = seededApiTest();
const file = fileFixtures(test);

let support: Caller;
let partner: Caller;

test.beforeAll(async ({ api }) => {
  support = await api.as(DEMO_USERS.support);
  partner = await api.as(DEMO_USERS.partner);
});

const count = async (sql: string, values: unknown[] = []) =>
  (await file.superuser.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, values)).rows[0]!.n;

describe('support.start', () => {
  test('is rejected without a reason, with a too short reason and with a duration out of range — nothing written', async () => {
    const before = await count(`"SupportSession"`);
    expect(await failure(support.support.start({ tenant: 'einbeck' } as never))).toMatchObject({
      code: 'BAD_REQUEST',
      fieldErrors: { reason: ['validation.required'] },
    });
    expect(await failure(support.support.start({ tenant: 'einbeck', reason: '   kurz   ' }))).toMatchObject({
      code: 'BAD_REQUEST',
      fieldErrors: { reason: ['validation.support.reasonTooShort'] },
    });
    expect(
      await failure(
        support.support.start({ tenant: 'einbeck', reason: 'Ein ausreichend langer Grund', durationMinutes: 5 }),
      ),
    ).toMatchObject({ fieldErrors: { durationMinutes: ['validation.support.duration'] } });
    expect(
      await failure(
        support.support.start({ tenant: 'einbeck', reason: 'Ein ausreichend langer Grund', durationMinutes: 241 }),
      ),
    ).toMatchObject({ fieldErrors: { durationMinutes: ['validation.support.duration'] } });
    expect(await count(`"SupportSession"`)).toBe(before);
  });

  test('is not found for a partner in a town not assigned to it, and forbidden to town roles', async ({ api }) => {
    expect(await failure(partner.support.start({ tenant: 'zeitz', reason: 'Hilfe beim Einrichten' }))).toMatchObject({
      code: 'NOT_FOUND',
      messageKey: 'errors.notFound',
    });
    const admin = await api.as(DEMO_USERS.einbeckAdmin);
    expect(await failure(admin.support.start({ tenant: 'einbeck', reason: 'Hilfe beim Einrichten' }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await count(`"SupportSession"`)).toBe(0);
  });
});

describe('a support session', () => {
  test("gives platform support the town admin's abilities until it ends; every audit entry names it; the town sees start and end", async ({
    api,
    superuser,
  }) => {
    // Before: support reads but changes nothing.
    expect(await failure(support.hubs.create({ tenant: 'einbeck', name: 'Vor der Sitzung' }))).toMatchObject({
      code: 'FORBIDDEN',
    });

    const started = await support.support.start({
      tenant: 'einbeck',
      reason: 'Ticket 4711: Raumbuchung einrichten',
      durationMinutes: 30,
    });
    expect(started.tenant).toEqual({ slug: 'einbeck', name: 'Einbeck' });
    expect(new Date(started.expiresAt).getTime() - new Date(started.startedAt).getTime()).toBeGreaterThanOrEqual(
      30 * 60_000 - 1_000,
    );
    expect(await failure(support.support.start({ tenant: 'einbeck', reason: 'Ticket 4712: noch eine' }))).toMatchObject(
      { code: 'CONFLICT', messageKey: 'errors.support.alreadyActive' },
    );
    expect((await support.support.active({})).items.map((s) => s.id)).toEqual([started.id]);

    const hub = await support.hubs.create({ tenant: 'einbeck', name: 'In der Sitzung angelegt' });
    const { rows } = await superuser.query(
      `SELECT "supportSessionId", "actorUserId" FROM "AuditLog" WHERE action = 'hub.created' AND "targetId" = $1`,
      [hub.id],
    );
    expect(rows).toEqual([{ supportSessionId: started.id, actorUserId: expect.any(String) }]);

    // Entries of the town's own people, meanwhile, name no session.
    const admin = await api.as(DEMO_USERS.einbeckAdmin);
    await admin.hubs.create({ tenant: 'einbeck', name: 'Von der Stadt selbst' });

    await support.support.end({ tenant: 'einbeck' });
    expect(await failure(support.hubs.create({ tenant: 'einbeck', name: 'Nach der Sitzung' }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await support.support.active({})).items).toEqual([]);
    expect(await failure(support.support.end({ tenant: 'einbeck' }))).toMatchObject({
      code: 'NOT_FOUND',
      messageKey: 'errors.support.noneActive',
    });

    const { items } = await admin.audit.list({ tenant: 'einbeck' });
    const byAction = (action: string) => items.filter((e) => e.action === action);
    expect(byAction('support.started')).toHaveLength(1);
    expect(byAction('support.started')[0]).toMatchObject({
      reason: 'Ticket 4711: Raumbuchung einrichten',
      actor: { email: DEMO_USERS.support },
      supportSession: { id: started.id, via: 'provider' },
    });
    expect(byAction('support.ended')[0]).toMatchObject({
      actor: { email: DEMO_USERS.support },
      supportSession: { id: started.id, endedAt: expect.any(String) },
    });
    const created = byAction('hub.created');
    expect(created.find((e) => e.targetId === hub.id)?.supportSession).toMatchObject({
      id: started.id,
      reason: 'Ticket 4711: Raumbuchung einrichten',
    });
    expect(created.find((e) => e.actor?.email === DEMO_USERS.einbeckAdmin)?.supportSession).toBeNull();
  });

  test('gives no elevated rights on the next request once expired', async ({ superuser }) => {
    const started = await support.support.start({
      tenant: 'sangerhausen',
      reason: 'Ticket 4800: Öffnungszeiten',
      durationMinutes: 15,
    });
    await support.hubs.create({ tenant: 'sangerhausen', name: 'Noch gültig' });
    await superuser.query(`UPDATE "SupportSession" SET "expiresAt" = now() - interval '1 second' WHERE id = $1`, [
      started.id,
    ]);
    expect(await failure(support.hubs.create({ tenant: 'sangerhausen', name: 'Abgelaufen' }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await support.support.active({})).items).toEqual([]);
    expect(await count(`"Hub" WHERE name = 'Abgelaufen'`)).toBe(0);
    // A new session may start after the old one expired.
    await support.support.start({ tenant: 'sangerhausen', reason: 'Ticket 4801: weiter geht es' });
    await support.support.end({ tenant: 'sangerhausen' });
  });

  test('of a partner stops granting anything once the town is unassigned', async ({ api, superuser }) => {
    await partner.support.start({ tenant: 'einbeck', reason: 'Partner richtet Räume ein' });
    const platform = await api.as(DEMO_USERS.platform);
    const einbeckId = (await superuser.query(`SELECT id, "managingPartnerId" FROM "Tenant" WHERE slug = 'einbeck'`))
      .rows[0];
    await platform.tenants.assignPartner({ tenantId: einbeckId.id, partnerId: null });
    try {
      expect(await failure(partner.hubs.create({ tenant: 'einbeck', name: 'Nach dem Entzug' }))).toMatchObject({
        code: 'NOT_FOUND',
      });
      expect((await partner.support.active({})).items).toEqual([]);
    } finally {
      await platform.tenants.assignPartner({ tenantId: einbeckId.id, partnerId: einbeckId.managingPartnerId });
    }
    await partner.support.end({ tenant: 'einbeck' });
  });
});

describe('audit.listAcrossTowns', () => {
  test('shows a partner its towns only, with the town of each entry; the provider every town; each read is on record', async ({
    api,
  }) => {
    await (await api.as(DEMO_USERS.zeitzAdmin)).hubs.create({ tenant: 'zeitz', name: 'Zeitzer Werkstatt' });
    await (
      await api.as(DEMO_USERS.sangerhausenAdmin)
    ).hubs.create({ tenant: 'sangerhausen', name: 'Sangerhäuser Werkstatt' });

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await partner.audit.listAcrossTowns({ limit: 5, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((e) => e.town?.slug ?? 'platform'));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen)).toEqual(new Set(['einbeck', 'sangerhausen']));
    expect(await failure(partner.audit.listAcrossTowns({ tenant: 'zeitz' }))).toMatchObject({
      code: 'NOT_FOUND',
      messageKey: 'errors.notFound',
    });

    const fromSupport = await partner.audit.listAcrossTowns({ tenant: 'einbeck', action: 'support.started' });
    expect(fromSupport.items.every((e) => e.town?.slug === 'einbeck' && e.supportSession !== null)).toBe(true);
    expect(fromSupport.items.length).toBeGreaterThanOrEqual(2);

    const provider = await support.audit.listAcrossTowns({ action: 'hub.created', limit: 100 });
    expect(new Set(provider.items.map((e) => e.town?.slug))).toEqual(new Set(['einbeck', 'sangerhausen', 'zeitz']));
    expect(
      await count(`"AuditLog" WHERE action = 'audit.readAcrossTowns' AND "tenantId" IS NULL`),
    ).toBeGreaterThanOrEqual(4);

    const admin = await api.as(DEMO_USERS.einbeckAdmin);
    expect(await failure(admin.audit.listAcrossTowns({}))).toMatchObject({ code: 'FORBIDDEN' });
  });
});

/**
 * A person's own data rights (docs/decisions/027): the export holds their
 * rows from every town and nobody else's; deleting the account needs the
 * password (and the second factor), anonymises what the towns keep, leaves
 * the audit entries in place with the address and name replaced, ends every
 * session — and is refused while the person is a last admin.
 */
import { randomUUID } from 'node:crypto';
import { hashPassword, totpCode } from '@hubwerk/auth';
import { strFromU8, unzipSync } from 'fflate';
import type pg from 'pg';
import { describe, expect } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS } from '../../../prisma/seed.ts';
import { DELETED_USER_ID } from './routers/account/account-deletion.ts';
import { failure } from './test-support.ts';
import { fileFixtures, seededApiTest } from './testing/fixtures.ts';

const test = seededApiTest();
const file = fileFixtures(test);

const PASSWORD = 'ein-langes-passwort';
const towns = new Map<string, { id: string; spaceId: string }>();

const one = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) =>
  (await file.superuser.query<T>(sql, params)).rows[0]!;
const count = async (sql: string, params: unknown[] = []) => Number((await one<{ n: string }>(sql, params)).n);

/** A person with a password, a membership in each given town and one booking there. */
async function person(name: string, slugs: string[], purpose = 'Workshop') {
  const email = `${name.toLowerCase().replaceAll(' ', '.')}.${randomUUID().slice(0, 6)}@example.org`;
  const { id } = await one<{ id: string }>(
    `INSERT INTO "User" (id, email, name, "passwordHash", "updatedAt") VALUES (gen_random_uuid(), $1, $2, $3, now()) RETURNING id`,
    [email, name, await hashPassword(PASSWORD)],
  );
  const bookings: string[] = [];
  for (const [i, slug] of slugs.entries()) {
    const town = towns.get(slug)!;
    await file.superuser.query(
      `INSERT INTO "TenantMembership" ("tenantId", id, "userId", role) VALUES ($1, gen_random_uuid(), $2, 'MEMBER')`,
      [town.id, id],
    );
    const start = new Date(
      Date.UTC(2031, 0, 5 + i, 9 + Math.floor(Math.random() * 8)) + Math.floor(Math.random() * 1000) * 86_400_000,
    );
    const booking = await one<{ id: string }>(
      `INSERT INTO "Booking" ("tenantId", id, "spaceId", "userId", "startsAt", "endsAt", purpose) VALUES ($1, gen_random_uuid(), $2, $3, $4, $5, $6) RETURNING id`,
      [town.id, town.spaceId, id, start, new Date(start.getTime() + 3_600_000), purpose],
    );
    bookings.push(booking.id);
  }
  return { id, email, name, bookings };
}

test.beforeAll(async () => {
  for (const slug of ['einbeck', 'sangerhausen', 'zeitz']) {
    const row = await one<{ id: string; spaceId: string }>(
      `SELECT t.id, s.id AS "spaceId" FROM "Tenant" t JOIN "Space" s ON s."tenantId" = t.id WHERE t.slug = $1 AND s.kind <> 'COWORKING' ORDER BY s.id LIMIT 1`,
      [slug],
    );
    towns.set(slug, row);
  }
});

describe('account.exportData', () => {
  test("holds the person's rows from two towns, and nothing of anyone else", async ({ api, superuser }) => {
    const erika = await person('Erika Export', ['einbeck', 'sangerhausen'], '=HYPERLINK("http://boese.example")');
    const other = await person('Otto Anders', ['einbeck', 'sangerhausen']);
    const zeitz = towns.get('zeitz')!;
    await superuser.query(
      `INSERT INTO "Invitation" (id, "tenantId", email, "tenantRole", "tokenHash", "expiresAt") VALUES (gen_random_uuid(), $1, $2, 'MEMBER', $3, now() + interval '7 days')`,
      [zeitz.id, erika.email, randomUUID()],
    );
    await superuser.query(
      `INSERT INTO "AuditEvent" (id, "tenantId", "actorUserId", action, "targetType", "targetId", data) VALUES (gen_random_uuid(), $1, $2, 'member.profileChanged', 'User', $3, $4)`,
      [towns.get('einbeck')!.id, other.id, erika.id, JSON.stringify({ changedBy: other.name, contact: other.email })],
    );

    const caller = await api.as(erika.email, PASSWORD);
    const result = await caller.account.exportData({});
    const files = unzipSync(Buffer.from(result.archiveBase64, 'base64'));
    const text = (name: string) => strFromU8(files[name]!);
    expect(result.sizeBytes).toBe(Buffer.from(result.archiveBase64, 'base64').length);

    expect(JSON.parse(text('konto.json'))).toMatchObject({
      id: erika.id,
      email: erika.email,
      name: 'Erika Export',
      secondFactor: false,
    });
    const bookings = JSON.parse(text('buchungen.json')) as Array<{ id: string; town: string }>;
    expect(bookings.map((b) => b.id).sort()).toEqual([...erika.bookings].sort());
    expect(bookings.map((b) => b.town).sort()).toEqual(['einbeck', 'sangerhausen']);
    expect((JSON.parse(text('mitgliedschaften.json')) as Array<{ town: string }>).map((m) => m.town).sort()).toEqual([
      'einbeck',
      'sangerhausen',
    ]);
    expect(JSON.parse(text('einladungen.json'))).toEqual([
      expect.objectContaining({ tenantId: zeitz.id, email: erika.email, role: 'member' }),
    ]);
    const audit = JSON.parse(text('protokoll.json')) as Array<{ action: string; byYou: boolean }>;
    expect(audit).toContainEqual(expect.objectContaining({ action: 'member.profileChanged', byYou: false }));
    expect(JSON.parse(text('manifest.json'))).toMatchObject({ format: 'hubwerk-personal-export', userId: erika.id });
    // The CSV a spreadsheet opens: the formula is defused.
    expect(text('buchungen.csv')).toContain(`"'=HYPERLINK(""http://boese.example"")"`);

    // Nobody else's rows: not Otto's bookings, account or id (the audit entry he wrote names only that it was not Erika).
    const everything = Object.values(files)
      .map((f) => strFromU8(f))
      .join('\n');
    for (const foreign of [other.id, other.email, ...other.bookings, DEMO_USERS.einbeckAdmin, DEMO_USERS.einbeckMember])
      expect(everything).not.toContain(foreign);
    expect(everything).not.toContain('hash');

    // The bypass client read three towns: each says so in its own log, and the provider's log once.
    const entries = await superuser.query<{ tenantId: string | null }>(
      `SELECT "tenantId" FROM "AuditLog" WHERE action = 'account.dataExported' AND "actorUserId" = $1`,
      [erika.id],
    );
    expect(entries.rows.map((r) => r.tenantId).sort()).toEqual([
      ...[towns.get('einbeck')!.id, towns.get('sangerhausen')!.id, zeitz.id].sort(),
      null,
    ]);
  });

  test('needs a signed-in caller', async ({ api }) => {
    expect(await failure(api.caller().account.exportData({}))).toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

describe('account.delete', () => {
  test('requires the current password and the typed address; a wrong one changes nothing', async ({ api }) => {
    const p = await person('Rita Reauth', ['einbeck']);
    const caller = await api.as(p.email, PASSWORD);
    expect(
      await failure(caller.account.delete({ password: 'falsches-passwort', confirmEmail: p.email })),
    ).toMatchObject({ code: 'BAD_REQUEST', fieldErrors: { password: ['errors.auth.wrongPassword'] } });
    expect(
      await failure(caller.account.delete({ password: PASSWORD, confirmEmail: 'jemand@example.org' })),
    ).toMatchObject({ code: 'BAD_REQUEST', fieldErrors: { confirmEmail: ['errors.account.confirmMismatch'] } });
    expect(await failure(caller.account.delete({ password: PASSWORD, confirmEmail: 'keine-adresse' }))).toMatchObject({
      code: 'BAD_REQUEST',
      fieldErrors: { confirmEmail: ['validation.email'] },
    });
    expect(await count(`SELECT count(*) AS n FROM "User" WHERE id = $1`, [p.id])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM "Booking" WHERE "userId" = $1`, [p.id])).toBe(1);
    expect((await caller.auth.me()).user.id).toBe(p.id);
  });

  test('requires a second-factor code when the factor is on', async ({ api }) => {
    const p = await person('Tom Totp', ['einbeck']);
    const caller = await api.as(p.email, PASSWORD);
    const { secret } = await caller.mfa.startEnrolment({});
    // Enrolled with the previous step's code, so the current one is still unspent for the deletion.
    await caller.mfa.confirmEnrolment({ code: totpCode(secret, Date.now() - 30_000) });
    expect(await failure(caller.account.delete({ password: PASSWORD, confirmEmail: p.email }))).toMatchObject({
      fieldErrors: { code: ['validation.required'] },
    });
    const wrong = totpCode(secret, Date.now()) === '000000' ? '111111' : '000000';
    expect(
      await failure(caller.account.delete({ password: PASSWORD, code: wrong, confirmEmail: p.email })),
    ).toMatchObject({ fieldErrors: { code: ['errors.mfa.invalidCode'] } });
    expect(await count(`SELECT count(*) AS n FROM "User" WHERE id = $1`, [p.id])).toBe(1);
    expect(
      await caller.account.delete({ password: PASSWORD, code: totpCode(secret, Date.now()), confirmEmail: p.email }),
    ).toMatchObject({ ok: true, bookingsAnonymised: 1 });
    expect(await count(`SELECT count(*) AS n FROM "User" WHERE id = $1`, [p.id])).toBe(0);
  });

  test('anonymises bookings in two towns, keeps the audit entries without name and address, ends every session, leaves others alone', async ({
    api,
    superuser,
  }) => {
    const anna = await person('Anna Abschied', ['einbeck', 'sangerhausen'], 'Sprechstunde Fördermittel');
    const bert = await person('Bert Bleibt', ['einbeck', 'sangerhausen']);
    const [einbeck, sangerhausen, zeitz] = [towns.get('einbeck')!, towns.get('sangerhausen')!, towns.get('zeitz')!];
    const invitation = await one<{ id: string }>(
      `INSERT INTO "Invitation" (id, "tenantId", email, "tenantRole", "tokenHash", "expiresAt") VALUES (gen_random_uuid(), $1, $2, 'MEMBER', $3, now() + interval '7 days') RETURNING id`,
      [zeitz.id, anna.email, randomUUID()],
    );
    // Entries that name her: invited (address in data), acted (her name in data), and an unrelated one with the same words as her name must keep them.
    await superuser.query(
      `INSERT INTO "AuditEvent" (id, "tenantId", "actorUserId", action, "targetType", "targetId", data) VALUES (gen_random_uuid(), $1, $2, 'invitation.created', 'Invitation', $3, $4)`,
      [einbeck.id, bert.id, randomUUID(), JSON.stringify({ email: anna.email.toUpperCase(), role: 'member' })],
    );
    await superuser.query(
      `INSERT INTO "AuditEvent" (id, "tenantId", "actorUserId", action, "targetType", "targetId", data, reason) VALUES (gen_random_uuid(), $1, $2, 'member.profileChanged', 'User', $5, $3, $4)`,
      [
        sangerhausen.id,
        anna.id,
        JSON.stringify({ after: { name: anna.name, note: `schreibt an ${anna.email}` } }),
        `Bitte an ${anna.email}`,
        anna.id,
      ],
    );
    await superuser.query(
      `INSERT INTO "AuditEvent" (id, "tenantId", "actorUserId", action, "targetType", "targetId", data) VALUES (gen_random_uuid(), $1, $2, 'hub.renamed', 'Hub', $3, $4)`,
      [einbeck.id, bert.id, randomUUID(), JSON.stringify({ after: { name: anna.name } })],
    );
    const auditBefore = await count(`SELECT count(*) AS n FROM "AuditLog"`);
    const annaCaller = await api.as(anna.email, PASSWORD);
    const annaSecondSession = await api.as(anna.email, PASSWORD);
    const bertCaller = await api.as(bert.email, PASSWORD);

    expect(await annaCaller.account.delete({ password: PASSWORD, confirmEmail: anna.email })).toEqual({
      ok: true,
      bookingsAnonymised: 2,
      towns: 3,
    });

    // Bookings stay in both towns, owned by the placeholder, purpose kept.
    const kept = await superuser.query<{ tenantId: string; userId: string; purpose: string }>(
      `SELECT "tenantId", "userId", purpose FROM "Booking" WHERE id = ANY($1::uuid[]) ORDER BY "tenantId"`,
      [anna.bookings],
    );
    expect(kept.rows).toHaveLength(2);
    expect(new Set(kept.rows.map((b) => b.userId))).toEqual(new Set([DELETED_USER_ID]));
    expect(new Set(kept.rows.map((b) => b.tenantId))).toEqual(new Set([einbeck.id, sangerhausen.id]));
    expect(await one(`SELECT email, name, "passwordHash" FROM "User" WHERE id = $1`, [DELETED_USER_ID])).toEqual({
      email: 'geloeschtes-konto@hubwerk.invalid',
      name: 'Gelöschtes Konto',
      passwordHash: null,
    });

    // The audit trail: nothing removed, her address nowhere, her name gone where the entry is about her, kept where it is a hub's name.
    expect(await count(`SELECT count(*) AS n FROM "AuditLog"`)).toBe(auditBefore + 4); // account.deleted in three towns + the provider's entry
    expect(
      await count(
        `SELECT count(*) AS n FROM "AuditLog" WHERE lower(coalesce(data::text, '') || coalesce(reason, '') || coalesce("targetId", '')) LIKE $1`,
        [`%${anna.email}%`],
      ),
    ).toBe(0);
    const about = await one<{ data: { after: { name: string; note: string } }; reason: string }>(
      `SELECT data, reason FROM "AuditLog" WHERE action = 'member.profileChanged' AND "actorUserId" = $1`,
      [anna.id],
    );
    expect(about).toEqual({
      data: { after: { name: 'Gelöschtes Konto', note: 'schreibt an geloeschtes-konto@hubwerk.invalid' } },
      reason: 'Bitte an geloeschtes-konto@hubwerk.invalid',
    });
    expect(
      (
        await one<{ data: unknown }>(
          `SELECT data FROM "AuditLog" WHERE action = 'invitation.created' AND "actorUserId" = $1`,
          [bert.id],
        )
      ).data,
    ).toEqual({ email: 'geloeschtes-konto@hubwerk.invalid', role: 'member' });
    expect(
      (
        await one<{ data: unknown }>(
          `SELECT data FROM "AuditLog" WHERE action = 'hub.renamed' AND "actorUserId" = $1`,
          [bert.id],
        )
      ).data,
    ).toEqual({ after: { name: anna.name } });
    const deletedIn = await superuser.query<{ tenantId: string | null }>(
      `SELECT "tenantId" FROM "AuditLog" WHERE action = 'account.deleted' AND "targetId" = $1`,
      [anna.id],
    );
    expect(deletedIn.rows.map((r) => r.tenantId).sort()).toEqual([
      ...[einbeck.id, sangerhausen.id, zeitz.id].sort(),
      null,
    ]);

    // The pending invitation is revoked and keeps no address; account, memberships and sessions are gone.
    expect(
      await one(`SELECT email, "revokedAt" IS NOT NULL AS revoked FROM "Invitation" WHERE id = $1`, [invitation.id]),
    ).toEqual({ email: 'geloeschtes-konto@hubwerk.invalid', revoked: true });
    expect(await count(`SELECT count(*) AS n FROM "User" WHERE id = $1 OR email = $2`, [anna.id, anna.email])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM "TenantMembership" WHERE "userId" = $1`, [anna.id])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM "Session" WHERE "userId" = $1`, [anna.id])).toBe(0);
    expect(await failure(annaSecondSession.auth.me())).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await failure(api.caller().auth.signIn({ email: anna.email, password: PASSWORD }))).toMatchObject({
      code: 'UNAUTHORIZED',
      messageKey: 'errors.auth.invalidCredentials',
    });

    // Bert is untouched: his bookings, his session, his sign-in.
    expect(await count(`SELECT count(*) AS n FROM "Booking" WHERE "userId" = $1`, [bert.id])).toBe(2);
    expect((await bertCaller.auth.me()).tenants.map((t) => t.slug).sort()).toEqual(['einbeck', 'sangerhausen']);
    expect((await api.as(bert.email, PASSWORD)) !== null).toBe(true);

    // The town admin sees the booking, by "Gelöschtes Konto".
    const admin = await api.as(DEMO_USERS.einbeckAdmin);
    const einbeckBooking =
      kept.rows.length === 2
        ? (
            await one<{ id: string }>(`SELECT id FROM "Booking" WHERE id = ANY($1::uuid[]) AND "tenantId" = $2`, [
              anna.bookings,
              einbeck.id,
            ])
          ).id
        : '';
    expect(await admin.bookings.get({ tenant: 'einbeck', bookingId: einbeckBooking })).toMatchObject({
      forName: 'Gelöschtes Konto',
      purpose: 'Sprechstunde Fördermittel',
      mine: false,
    });
    // …and, in the town's audit log, the deletion by an actor shown as the placeholder, without name or address.
    const log = await admin.audit.list({ tenant: 'einbeck', action: 'account.deleted' });
    expect(log.items.filter((e) => e.targetId === anna.id)).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ name: 'Gelöschtes Konto', email: 'geloeschtes-konto@hubwerk.invalid' }),
        data: { bookingsAnonymised: 1 },
      }),
    ]);
  });

  test("refuses the last town admin, the last partner admin and the provider's staff, with the reason", async ({
    api,
    superuser,
  }) => {
    const einbeckAdmin = await api.as(DEMO_USERS.einbeckAdmin);
    expect(await einbeckAdmin.account.deletionCheck({})).toMatchObject({
      platformRole: false,
      towns: [{ slug: 'einbeck', name: 'Einbeck' }],
      partners: [],
    });
    expect(
      await failure(einbeckAdmin.account.delete({ password: DEMO_PASSWORD, confirmEmail: DEMO_USERS.einbeckAdmin })),
    ).toMatchObject({ code: 'CONFLICT', messageKey: 'errors.account.lastAdmin', params: { names: 'Einbeck' } });
    const partner = await api.as(DEMO_USERS.partner);
    expect(
      await failure(partner.account.delete({ password: DEMO_PASSWORD, confirmEmail: DEMO_USERS.partner })),
    ).toMatchObject({ code: 'CONFLICT', messageKey: 'errors.account.lastAdmin' });
    const platform = await api.as(DEMO_USERS.platform);
    expect(await platform.account.deletionCheck({})).toMatchObject({ platformRole: true });
    expect(
      await failure(platform.account.delete({ password: DEMO_PASSWORD, confirmEmail: DEMO_USERS.platform })),
    ).toMatchObject({ code: 'CONFLICT', messageKey: 'errors.account.providerStaff' });
    expect(
      await count(`SELECT count(*) AS n FROM "User" WHERE email = ANY($1)`, [
        [DEMO_USERS.einbeckAdmin, DEMO_USERS.partner, DEMO_USERS.platform],
      ]),
    ).toBe(3);
    expect((await einbeckAdmin.auth.me()).tenants).toEqual([
      expect.objectContaining({ slug: 'einbeck', role: 'town-admin' }),
    ]);

    // With a second town admin, the first may go.
    const successor = await person('Sina Nachfolge', []);
    await superuser.query(
      `INSERT INTO "TenantMembership" ("tenantId", id, "userId", role) VALUES ($1, gen_random_uuid(), $2, 'TOWN_ADMIN')`,
      [towns.get('zeitz')!.id, successor.id],
    );
    const zeitzAdmin = await api.as(DEMO_USERS.zeitzAdmin);
    expect((await zeitzAdmin.account.deletionCheck({})).towns).toEqual([]);
    expect(
      await zeitzAdmin.account.delete({ password: DEMO_PASSWORD, confirmEmail: DEMO_USERS.zeitzAdmin }),
    ).toMatchObject({ ok: true });
    // Now the successor is the last one.
    const successorCaller = await api.as(successor.email, PASSWORD);
    expect(
      await failure(successorCaller.account.delete({ password: PASSWORD, confirmEmail: successor.email })),
    ).toMatchObject({ code: 'CONFLICT', params: { names: 'Zeitz' } });
  });

  test('lets only one of two town admins go when both delete themselves at once', async ({ api, superuser }) => {
    const [first, second] = [await person('Erste Verwaltung', []), await person('Zweite Verwaltung', [])];
    const sangerhausen = towns.get('sangerhausen')!;
    await superuser.query(
      `UPDATE "TenantMembership" SET role = 'MEMBER' WHERE "tenantId" = $1 AND role = 'TOWN_ADMIN'`,
      [sangerhausen.id],
    );
    for (const p of [first, second])
      await superuser.query(
        `INSERT INTO "TenantMembership" ("tenantId", id, "userId", role) VALUES ($1, gen_random_uuid(), $2, 'TOWN_ADMIN')`,
        [sangerhausen.id, p.id],
      );
    const [a, b] = await Promise.all([api.as(first.email, PASSWORD), api.as(second.email, PASSWORD)]);
    const outcomes = await Promise.allSettled([
      a.account.delete({ password: PASSWORD, confirmEmail: first.email }),
      b.account.delete({ password: PASSWORD, confirmEmail: second.email }),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === 'rejected');
    expect(refused?.status === 'rejected' ? refused.reason : null).toMatchObject({
      code: 'CONFLICT',
      message: 'errors.account.lastAdmin',
    });
    expect(
      await count(`SELECT count(*) AS n FROM "TenantMembership" WHERE "tenantId" = $1 AND role = 'TOWN_ADMIN'`, [
        sangerhausen.id,
      ]),
    ).toBe(1);
  });
});

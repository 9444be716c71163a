/**
 * Accounts only their owners control (ADR 023): one regression test per
 * finding of the outside review — takeover of pending accounts, the second
 * factor bypassed through an invitation, role escalation through hub
 * assignments, memberships without consent (and their oracle), and the
 * invitation preview telling the inviter whether an account exists.
 */
import { randomUUID } from 'node:crypto';
import { totpCode } from '@hubwerk/auth';
import { describe, expect } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS } from '../../../prisma/seed.ts';
import { type Caller, failure, mailedInvitationToken, mailedInvitationTokens } from './test-support.ts';
import { fileFixtures, seededApiTest } from './testing/fixtures.ts';

const test = seededApiTest();
const file = fileFixtures(test);

let platform: Caller;
let einbeckHubId: string;

test.beforeAll(async ({ api, superuser }) => {
  platform = await api.as(DEMO_USERS.platform);
  einbeckHubId = (
    await superuser.query(
      `SELECT h.id FROM "Hub" h JOIN "Tenant" t ON t.id = h."tenantId" WHERE t.slug = 'einbeck' ORDER BY h."createdAt" LIMIT 1`,
    )
  ).rows[0].id;
  // The seeded manager manages that hub.
  await superuser.query(
    `INSERT INTO "HubAssignment" ("tenantId", id, "hubId", "membershipId", "userId", role)
     SELECT m."tenantId", gen_random_uuid(), $1, m.id, m."userId", 'HUB_MANAGER' FROM "TenantMembership" m JOIN "User" u ON u.id = m."userId" WHERE u.email = $2
     ON CONFLICT DO NOTHING`,
    [einbeckHubId, DEMO_USERS.einbeckManager],
  );
});

let agsSuffix = 100;
const onboardInput = (name: string, adminEmail: string) => ({
  name,
  ags: `15084${String(agsSuffix++).padStart(3, '0')}`,
  bundesland: '15' as const,
  partnerId: null,
  hubName: `Digital Hub ${name}`,
  adminEmail,
  idempotencyKey: randomUUID(),
});

const membershipsOf = async (email: string) =>
  (
    await file.superuser.query<{ slug: string; role: string }>(
      `SELECT t.slug, m.role FROM "TenantMembership" m JOIN "User" u ON u.id = m."userId" JOIN "Tenant" t ON t.id = m."tenantId" WHERE u.email = $1 ORDER BY t.slug`,
      [email],
    )
  ).rows;

describe('finding 1: a pending account cannot be taken over by a second invitation', () => {
  test('activating a pending account from the mailed link ends every session opened for it before', async ({
    api,
    superuser,
  }) => {
    const firstAdmin = `vorab.${randomUUID().slice(0, 8)}@vorabstadt.example.org`;
    await platform.tenants.onboard(onboardInput('Vorabstadt', firstAdmin));
    // As a town's identity provider could: a session for the address, before its owner set a password.
    const { rows } = await superuser.query<{ id: string }>(
      `INSERT INTO "Session" (id, "tokenHash", "userId", "expiresAt") SELECT gen_random_uuid(), md5(random()::text), id, now() + interval '1 day' FROM "User" WHERE email = $1 RETURNING id`,
      [firstAdmin],
    );
    const [token] = await mailedInvitationTokens(superuser, firstAdmin);
    const accepted = await api
      .caller()
      .invitations.accept({ token: token!, name: 'Erste Admin', password: 'ein-sehr-langes-passwort' });
    expect(accepted.status).toBe('signed-in');
    const { rows: after } = await superuser.query(`SELECT "revokedAt" FROM "Session" WHERE id = $1`, [rows[0]!.id]);
    expect(after[0].revokedAt).not.toBeNull();
  });

  test("another town's admin and a hub manager invite the new town's first admin: they get no link, the rightful link still works", async ({
    api,
    superuser,
  }) => {
    const firstAdmin = `erste.${randomUUID().slice(0, 8)}@neustadt.example.org`;
    const onboarded = await platform.tenants.onboard(onboardInput('Neustadt', firstAdmin));
    expect(Object.keys(onboarded)).toEqual(['tenant']);

    const zeitzAdmin = await api.as(DEMO_USERS.zeitzAdmin);
    const fromZeitz = await zeitzAdmin.staff.invite({ tenant: 'zeitz', email: firstAdmin, role: 'member' });
    const manager = await api.as(DEMO_USERS.einbeckManager);
    const fromManager = await manager.staff.invite({
      tenant: 'einbeck',
      email: firstAdmin,
      role: 'hub-staff',
      hubId: einbeckHubId,
    });
    // The inviters hold an id, nothing that sets a password.
    expect(Object.keys(fromZeitz)).toEqual(['invitationId']);
    expect(Object.keys(fromManager)).toEqual(['invitationId']);
    expect(JSON.stringify([onboarded, fromZeitz, fromManager])).not.toMatch(/invite\//);
    // Every token went to the invited address only.
    const { rows: mails } = await superuser.query(
      `SELECT DISTINCT "toAddress" FROM "OutboxEmail" WHERE kind = 'invitation' AND "createdAt" > now() - interval '1 minute' AND "textBody" LIKE '%/invite/%'`,
    );
    expect(mails.map((m) => m.toAddress)).toContain(firstAdmin);
    expect(mails.map((m) => m.toAddress)).not.toContain(DEMO_USERS.zeitzAdmin);

    // The other invitations did not replace the first admin's: all three mailed links are open.
    const tokens = await mailedInvitationTokens(superuser, firstAdmin);
    expect(tokens).toHaveLength(3);
    const onboardingToken = tokens[2]!;
    expect(await api.caller().invitations.preview({ token: onboardingToken })).toMatchObject({
      status: 'open',
      role: 'town-admin',
      existingAccount: false,
    });

    // The mailbox owner activates the account and is the town's admin; nobody else got anything.
    const accepted = await api
      .caller()
      .invitations.accept({ token: onboardingToken, name: 'Erste Admin', password: 'ein-langes-passwort' });
    expect(accepted.status).toBe('signed-in');
    expect(await membershipsOf(firstAdmin)).toEqual([{ slug: onboarded.tenant.slug, role: 'TOWN_ADMIN' }]);
    // Now the account has credentials: the remaining links no longer work without its session.
    expect(
      await failure(
        api.caller().invitations.accept({ token: tokens[0]!, name: 'Angreifer', password: 'angreifer-passwort' }),
      ),
    ).toMatchObject({
      code: 'FORBIDDEN',
      messageKey: 'errors.invitation.signInFirst',
    });
    await expect(api.as(firstAdmin, 'angreifer-passwort')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  test('registering a partner: an inviter elsewhere gets nothing usable for its pending first admin', async ({
    api,
    superuser,
  }) => {
    const partnerAdmin = `chef.${randomUUID().slice(0, 8)}@partner-neu.example.org`;
    const registered = await platform.partners.register({
      kind: 'it-partner',
      name: `Neu-IT ${randomUUID().slice(0, 6)}`,
      region: 'Harz',
      adminEmail: partnerAdmin,
      idempotencyKey: randomUUID(),
    });
    expect(Object.keys(registered)).toEqual(['partner']);
    const einbeckAdmin = await api.as(DEMO_USERS.einbeckAdmin);
    expect(
      Object.keys(await einbeckAdmin.staff.invite({ tenant: 'einbeck', email: partnerAdmin, role: 'member' })),
    ).toEqual(['invitationId']);
    const partnerToken = (await mailedInvitationTokens(superuser, partnerAdmin)).at(-1)!;
    expect(await api.caller().invitations.preview({ token: partnerToken })).toMatchObject({
      status: 'open',
      role: 'partner-admin',
    });
  });

  test('onboarding an account that can already sign in adds no membership until its owner accepts while signed in', async ({
    api,
    superuser,
  }) => {
    const onboarded = await platform.tenants.onboard(onboardInput('Altstadt', DEMO_USERS.sangerhausenAdmin));
    expect((await membershipsOf(DEMO_USERS.sangerhausenAdmin)).map((m) => m.slug)).toEqual(['sangerhausen']);
    const token = await mailedInvitationToken(superuser, DEMO_USERS.sangerhausenAdmin);
    expect(await failure(api.caller().invitations.accept({ token }))).toMatchObject({
      code: 'FORBIDDEN',
      messageKey: 'errors.invitation.signInFirst',
      params: { email: DEMO_USERS.sangerhausenAdmin },
    });
    const owner = await api.as(DEMO_USERS.sangerhausenAdmin);
    expect(await owner.invitations.accept({ token })).toEqual({ status: 'joined' });
    expect((await membershipsOf(DEMO_USERS.sangerhausenAdmin)).map((m) => m.slug)).toEqual(
      [onboarded.tenant.slug, 'sangerhausen'].sort(),
    );
  });
});

describe('finding 2: an invitation never bypasses the second factor', () => {
  test('an account with TOTP: neither the token, nor a new password, nor its own password yields a session or a membership', async ({
    api,
    superuser,
  }) => {
    const email = DEMO_USERS.einbeckMember2;
    const owner = await api.as(email);
    const { secret } = await owner.mfa.startEnrolment({});
    await owner.mfa.confirmEnrolment({ code: totpCode(secret, Date.now()) });
    await superuser.query(`UPDATE "User" SET "totpLastStep" = NULL WHERE email = $1`, [email]);

    const zeitzAdmin = await api.as(DEMO_USERS.zeitzAdmin);
    await zeitzAdmin.staff.invite({ tenant: 'zeitz', email, role: 'member' });
    const token = await mailedInvitationToken(superuser, email);
    const sessionsBefore = (
      await superuser.query(
        `SELECT count(*)::int AS n FROM "Session" s JOIN "User" u ON u.id = s."userId" WHERE u.email = $1`,
        [email],
      )
    ).rows[0].n;
    for (const attempt of [
      { token, name: 'Übernahme', password: 'ein-neues-passwort-123' },
      { token, password: DEMO_PASSWORD },
      { token },
    ]) {
      expect(await failure(api.caller().invitations.accept(attempt))).toMatchObject({
        code: 'FORBIDDEN',
        messageKey: 'errors.invitation.signInFirst',
      });
    }
    // Signed in as someone else: still not.
    expect(await failure(zeitzAdmin.invitations.accept({ token }))).toMatchObject({
      code: 'FORBIDDEN',
      messageKey: 'errors.invitation.signInFirst',
    });
    expect(
      (
        await superuser.query(
          `SELECT count(*)::int AS n FROM "Session" s JOIN "User" u ON u.id = s."userId" WHERE u.email = $1`,
          [email],
        )
      ).rows[0].n,
    ).toBe(sessionsBefore);
    expect((await membershipsOf(email)).map((m) => m.slug)).toEqual(['einbeck']);

    // The owner, signed in with password and code, consents.
    const signIn = await api.caller().auth.signIn({ email, password: DEMO_PASSWORD });
    if (signIn.status !== 'second-factor-required') throw new Error('expected the second factor');
    const full = await api
      .caller()
      .mfa.completeSignIn({ challenge: signIn.challenge, code: totpCode(secret, Date.now()) });
    expect(await api.caller(full.token).invitations.accept({ token })).toEqual({ status: 'joined' });
    expect((await membershipsOf(email)).map((m) => m.slug)).toEqual(['einbeck', 'zeitz']);
    // The password was never touched.
    expect((await api.caller().auth.signIn({ email, password: DEMO_PASSWORD })).status).toBe('second-factor-required');
  });
});

describe('finding 3: no role escalation through hub assignments', () => {
  test('a hub manager assigns hub staff in their hub, never hub manager; a town admin may', async ({
    api,
    superuser,
  }) => {
    const manager = await api.as(DEMO_USERS.einbeckManager);
    expect(
      await failure(
        manager.hubStaff.assign({
          tenant: 'einbeck',
          hubId: einbeckHubId,
          email: DEMO_USERS.einbeckMember,
          role: 'hub-manager',
        }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });
    const { rows } = await superuser.query(
      `SELECT a.role FROM "HubAssignment" a JOIN "TenantMembership" m ON m.id = a."membershipId" JOIN "User" u ON u.id = m."userId" WHERE u.email = $1`,
      [DEMO_USERS.einbeckMember],
    );
    expect(rows.filter((r) => r.role === 'HUB_MANAGER')).toEqual([]);
    await expect(
      manager.hubStaff.assign({
        tenant: 'einbeck',
        hubId: einbeckHubId,
        email: DEMO_USERS.einbeckMember,
        role: 'hub-staff',
      }),
    ).resolves.toMatchObject({ role: 'hub-staff' });
    const admin = await api.as(DEMO_USERS.einbeckAdmin);
    await expect(
      admin.hubStaff.assign({
        tenant: 'einbeck',
        hubId: einbeckHubId,
        email: DEMO_USERS.einbeckMember,
        role: 'hub-manager',
      }),
    ).resolves.toMatchObject({ role: 'hub-manager' });
    // A town admin grants no further town admin (the partner or the provider does).
    expect(
      await failure(admin.staff.invite({ tenant: 'einbeck', email: 'zweite.admin@example.org', role: 'town-admin' })),
    ).toMatchObject({ code: 'FORBIDDEN' });
    await admin.hubStaff.assign({
      tenant: 'einbeck',
      hubId: einbeckHubId,
      email: DEMO_USERS.einbeckMember,
      role: 'hub-staff',
    });
  });
});

describe('finding 4: memberships need consent, and the answer is no oracle', () => {
  test('hubStaff.assign of a person outside the town adds nothing and answers like an unknown address', async ({
    api,
  }) => {
    const admin = await api.as(DEMO_USERS.einbeckAdmin);
    const before = await membershipsOf(DEMO_USERS.support);
    const known = await failure(
      admin.hubStaff.assign({ tenant: 'einbeck', hubId: einbeckHubId, email: DEMO_USERS.support, role: 'hub-staff' }),
    );
    const unknown = await failure(
      admin.hubStaff.assign({
        tenant: 'einbeck',
        hubId: einbeckHubId,
        email: `niemand.${randomUUID().slice(0, 8)}@example.org`,
        role: 'hub-staff',
      }),
    );
    expect(known).toEqual(unknown);
    expect(known).toMatchObject({ code: 'BAD_REQUEST', fieldErrors: { email: ['errors.hubStaff.unknownUser'] } });
    expect(await membershipsOf(DEMO_USERS.support)).toEqual(before);
    expect(
      await failure(
        admin.hubStaff.assign({
          tenant: 'einbeck',
          hubId: einbeckHubId,
          email: DEMO_USERS.zeitzAdmin,
          role: 'hub-manager',
        }),
      ),
    ).toEqual(unknown);
  });

  test("hubStaff.remove ends the assignment only; staff.removeMember ends the membership, the member's access at once, and keeps their bookings", async ({
    api,
    superuser,
  }) => {
    const admin = await api.as(DEMO_USERS.einbeckAdmin);
    const entry = await admin.hubStaff.assign({
      tenant: 'einbeck',
      hubId: einbeckHubId,
      email: DEMO_USERS.einbeckMember,
      role: 'hub-staff',
    });
    await admin.hubStaff.remove({ tenant: 'einbeck', hubId: einbeckHubId, assignmentId: entry.assignmentId });
    expect((await membershipsOf(DEMO_USERS.einbeckMember)).map((m) => m.slug)).toEqual(['einbeck']);

    const member = await api.as(DEMO_USERS.einbeckMember);
    await expect(member.tenants.get({ tenant: 'einbeck' })).resolves.toBeTruthy();
    const bookingsBefore = (
      await superuser.query(
        `SELECT count(*)::int AS n FROM "Booking" b JOIN "User" u ON u.id = b."userId" WHERE u.email = $1`,
        [DEMO_USERS.einbeckMember],
      )
    ).rows[0].n;
    expect(bookingsBefore).toBeGreaterThan(0);
    const { items } = await admin.staff.members({ tenant: 'einbeck', limit: 100 });
    const target = items.find((i) => i.email === DEMO_USERS.einbeckMember)!;
    expect(target).toMatchObject({ role: 'member', manageable: true });
    // Nobody removes themselves or someone at their own rank.
    const self = items.find((i) => i.email === DEMO_USERS.einbeckAdmin)!;
    expect(self.manageable).toBe(false);
    expect(
      await failure(admin.staff.removeMember({ tenant: 'einbeck', membershipId: self.membershipId })),
    ).toMatchObject({ code: 'FORBIDDEN' });

    await admin.staff.changeRole({ tenant: 'einbeck', membershipId: target.membershipId, role: 'hub-staff' });
    expect(await membershipsOf(DEMO_USERS.einbeckMember)).toEqual([{ slug: 'einbeck', role: 'HUB_STAFF' }]);
    expect(
      await failure(
        admin.staff.changeRole({ tenant: 'einbeck', membershipId: target.membershipId, role: 'town-admin' }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });

    await admin.staff.removeMember({ tenant: 'einbeck', membershipId: target.membershipId });
    expect(await membershipsOf(DEMO_USERS.einbeckMember)).toEqual([]);
    // The same session, the very next request: the town is gone for them.
    await expect(member.tenants.get({ tenant: 'einbeck' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(
      (
        await superuser.query(
          `SELECT count(*)::int AS n FROM "Booking" b JOIN "User" u ON u.id = b."userId" WHERE u.email = $1`,
          [DEMO_USERS.einbeckMember],
        )
      ).rows[0].n,
    ).toBe(bookingsBefore);
    const audit = await superuser.query(`SELECT action FROM "AuditLog" WHERE "targetId" = $1 ORDER BY "createdAt"`, [
      target.membershipId,
    ]);
    expect(audit.rows.map((r) => r.action)).toEqual(['membership.roleChanged', 'membership.removed']);
  });
});

describe('finding 5: invitations do not tell the inviter whether an account exists', () => {
  test('inviting a known and an unknown address: the same answer, the same list entry, no token to preview with', async ({
    api,
    superuser,
  }) => {
    const admin = await api.as(DEMO_USERS.zeitzAdmin);
    const unknownEmail = `neu.${randomUUID().slice(0, 8)}@example.org`;
    const known = await admin.staff.invite({ tenant: 'zeitz', email: DEMO_USERS.platform, role: 'member' });
    const unknown = await admin.staff.invite({ tenant: 'zeitz', email: unknownEmail, role: 'member' });
    expect(Object.keys(known)).toEqual(Object.keys(unknown));
    expect(Object.keys(known)).toEqual(['invitationId']);
    const { items } = await admin.staff.invitations({ tenant: 'zeitz' });
    const shape = (i: (typeof items)[number]) => ({ ...i, id: '', email: '', createdAt: '', expiresAt: '' });
    expect(shape(items.find((i) => i.id === known.invitationId)!)).toEqual(
      shape(items.find((i) => i.id === unknown.invitationId)!),
    );
    // Only the mailbox owner learns it, from the mailed link.
    expect(
      await api.caller().invitations.preview({ token: await mailedInvitationToken(superuser, DEMO_USERS.platform) }),
    ).toMatchObject({ existingAccount: true });
    expect(
      await api.caller().invitations.preview({ token: await mailedInvitationToken(superuser, unknownEmail) }),
    ).toMatchObject({ existingAccount: false });
  });
});

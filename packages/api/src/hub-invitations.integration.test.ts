/**
 * Invitations by more roles: hub managers invite hub staff into
 * their own hubs — through the outbox, accepted into the hub — and nobody
 * else; revoking makes the link fail with a clear message.
 */
import { describe, expect } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { type Caller, failure, mailedInvitationToken } from './test-support.ts';
import { seededApiTest } from './testing/fixtures.ts';

const test = seededApiTest();

let manager: Caller;
let admin: Caller;
let ownHubId: string;
let otherHubId: string;
let zeitzHubId: string;

test.beforeAll(async ({ api, superuser }) => {
  manager = await api.as(DEMO_USERS.einbeckManager);
  admin = await api.as(DEMO_USERS.einbeckAdmin);
  ownHubId = (await admin.tenants.get({ tenant: 'einbeck' })).hubs[0]!.id;
  otherHubId = (await admin.hubs.create({ tenant: 'einbeck', name: 'Zweiter Hub' })).id;
  zeitzHubId = (
    await superuser.query(
      `SELECT h.id FROM "Hub" h JOIN "Tenant" t ON t.id = h."tenantId" WHERE t.slug = 'zeitz' LIMIT 1`,
    )
  ).rows[0].id;
});

describe('hub managers invite hub staff', () => {
  test('into their own hub: the mail is in the outbox, accepting makes the invitee hub staff of that hub', async ({
    api,
    superuser,
  }) => {
    const answer = await manager.staff.invite({
      tenant: 'einbeck',
      email: 'neu.personal@example.org',
      role: 'hub-staff',
      hubId: ownHubId,
    });
    expect(Object.keys(answer)).toEqual(['invitationId']);
    const mail = await superuser.query(
      `SELECT "textBody" FROM "OutboxEmail" WHERE "toAddress" = 'neu.personal@example.org'`,
    );
    expect(mail.rows).toHaveLength(1);
    const token = await mailedInvitationToken(superuser, 'neu.personal@example.org');
    expect(mail.rows[0].textBody).toContain(`/invite/${token}`);

    await api.caller().invitations.accept({ token, name: 'Neues Personal', password: 'ein-langes-passwort' });
    const { rows } = await superuser.query(
      `SELECT m.role, a."hubId" FROM "TenantMembership" m JOIN "User" u ON u.id = m."userId" LEFT JOIN "HubAssignment" a ON a."tenantId" = m."tenantId" AND a."membershipId" = m.id WHERE u.email = 'neu.personal@example.org'`,
    );
    expect(rows).toEqual([{ role: 'HUB_STAFF', hubId: ownHubId }]);
  });

  test("and nobody else: other roles, other hubs, no hub, another town's hub — nothing written", async ({
    api,
    superuser,
  }) => {
    const before = (await superuser.query(`SELECT count(*)::int AS n FROM "Invitation"`)).rows[0].n;
    expect(
      await failure(
        manager.staff.invite({ tenant: 'einbeck', email: 'x@example.org', role: 'member', hubId: ownHubId }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(
      await failure(
        manager.staff.invite({ tenant: 'einbeck', email: 'x@example.org', role: 'hub-manager', hubId: ownHubId }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(
      await failure(manager.staff.invite({ tenant: 'einbeck', email: 'x@example.org', role: 'town-admin' })),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(
      await failure(manager.staff.invite({ tenant: 'einbeck', email: 'x@example.org', role: 'hub-staff' })),
    ).toMatchObject({ code: 'BAD_REQUEST', fieldErrors: { hubId: ['validation.required'] } });
    expect(
      await failure(
        manager.staff.invite({ tenant: 'einbeck', email: 'x@example.org', role: 'hub-staff', hubId: otherHubId }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(
      await failure(
        manager.staff.invite({ tenant: 'einbeck', email: 'x@example.org', role: 'hub-staff', hubId: zeitzHubId }),
      ),
    ).toMatchObject({ code: 'NOT_FOUND', messageKey: 'errors.notFound' });
    expect(
      await failure(admin.staff.invite({ tenant: 'einbeck', email: 'x@example.org', role: 'member', hubId: ownHubId })),
    ).toMatchObject({ fieldErrors: { hubId: ['validation.staff.hubOnlyForHubRoles'] } });
    const member = await api.as(DEMO_USERS.einbeckMember);
    expect(
      await failure(
        member.staff.invite({ tenant: 'einbeck', email: 'x@example.org', role: 'hub-staff', hubId: ownHubId }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect((await superuser.query(`SELECT count(*)::int AS n FROM "Invitation"`)).rows[0].n).toBe(before);
  });

  test('see and revoke only the invitations into their hubs; a revoked link fails with a clear message', async ({
    api,
    superuser,
  }) => {
    const town = await admin.staff.invite({ tenant: 'einbeck', email: 'stadtweit@example.org', role: 'member' });
    const other = await admin.staff.invite({
      tenant: 'einbeck',
      email: 'anderer.hub@example.org',
      role: 'hub-staff',
      hubId: otherHubId,
    });
    const own = await manager.staff.invite({
      tenant: 'einbeck',
      email: 'eigener.hub@example.org',
      role: 'hub-staff',
      hubId: ownHubId,
    });

    const listed = await manager.staff.invitations({ tenant: 'einbeck' });
    expect(listed.townWide).toBe(false);
    expect(listed.hubIds).toEqual([ownHubId]);
    expect(listed.items.map((i) => i.email)).toContain('eigener.hub@example.org');
    expect(listed.items.every((i) => i.hubId === ownHubId)).toBe(true);

    expect(
      await failure(manager.staff.revokeInvitation({ tenant: 'einbeck', invitationId: town.invitationId })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await failure(manager.staff.revokeInvitation({ tenant: 'einbeck', invitationId: other.invitationId })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    await manager.staff.revokeInvitation({ tenant: 'einbeck', invitationId: own.invitationId });

    const ownToken = await mailedInvitationToken(superuser, 'eigener.hub@example.org');
    expect(await api.caller().invitations.preview({ token: ownToken })).toMatchObject({ status: 'revoked' });
    expect(
      await failure(
        api.caller().invitations.accept({ token: ownToken, name: 'Zu spät', password: 'ein-langes-passwort' }),
      ),
    ).toMatchObject({ code: 'BAD_REQUEST', messageKey: 'errors.invitation.revoked' });
    // The others are untouched.
    expect(
      await api
        .caller()
        .invitations.preview({ token: await mailedInvitationToken(superuser, 'stadtweit@example.org') }),
    ).toMatchObject({ status: 'open' });
    const audit = await superuser.query(
      `SELECT count(*)::int AS n FROM "AuditLog" WHERE action = 'invitation.revoked' AND "targetId" = $1`,
      [own.invitationId],
    );
    expect(audit.rows[0].n).toBe(1);
  });
});

/**
 * Partner admins invite partner staff: by email through the
 * outbox, through the audited platform client; accepting makes the invitee
 * staff of the partner (and so of its towns); revoking makes the link fail
 * with a clear message; another partner's invitations are not found.
 */
import { describe, expect } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { type Caller, failure, mailedInvitationToken } from './test-support.ts';
import { seededApiTest } from './testing/fixtures.ts';

const test = seededApiTest();

let partnerAdmin: Caller;
let itPartnerId: string;
let otherPartnerId: string;

test.beforeAll(async ({ api, superuser }) => {
  partnerAdmin = await api.as(DEMO_USERS.partner);
  const partners = await superuser.query<{ id: string; kind: string }>(`SELECT id, kind FROM "Partner"`);
  itPartnerId = partners.rows.find((p) => p.kind === 'IT_PARTNER')!.id;
  otherPartnerId = partners.rows.find((p) => p.kind === 'REGIONAL_PROVIDER')!.id;
});

describe('partner staff invitations', () => {
  test("are mailed through the outbox; accepting makes the invitee partner staff who then sees the partner's towns but may not invite", async ({
    api,
    superuser,
  }) => {
    const { invitationId } = await partnerAdmin.partners.inviteStaff({
      partnerId: itPartnerId,
      email: 'neu@partner.example.org',
    });
    const mail = await superuser.query(
      `SELECT subject, "textBody" FROM "OutboxEmail" WHERE "toAddress" = 'neu@partner.example.org'`,
    );
    expect(mail.rows).toHaveLength(1);
    const mailed = await mailedInvitationToken(superuser, 'neu@partner.example.org');
    expect(mail.rows[0].textBody).toContain('Mitarbeiter:in des Partners');
    expect((await partnerAdmin.partners.invitations({ partnerId: itPartnerId })).items).toContainEqual(
      expect.objectContaining({ id: invitationId, status: 'open' }),
    );
    expect(
      (
        await superuser.query(
          `SELECT count(*)::int AS n FROM "AuditLog" WHERE action = 'partner.staffInvited' AND "targetId" = $1`,
          [invitationId],
        )
      ).rows[0].n,
    ).toBe(1);

    const accepted = await api
      .caller()
      .invitations.accept({ token: mailed, name: 'Neue Partnerin', password: 'ein-langes-passwort' });
    if (accepted.status !== 'signed-in') throw new Error('a new account is signed in');
    const staff = api.caller(accepted.token);
    expect((await staff.auth.me()).partners).toEqual([
      expect.objectContaining({ id: itPartnerId, role: 'partner-staff' }),
    ]);
    expect((await staff.tenants.list({})).items.map((t) => t.slug).sort()).toEqual(['einbeck', 'sangerhausen']);
    expect(
      await failure(staff.partners.inviteStaff({ partnerId: itPartnerId, email: 'noch@partner.example.org' })),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(
      await failure(partnerAdmin.partners.inviteStaff({ partnerId: itPartnerId, email: 'neu@partner.example.org' })),
    ).toMatchObject({ code: 'CONFLICT', fieldErrors: { email: ['errors.partnerStaff.alreadyMember'] } });
  });

  test("revoked: the link fails with a clear message; another partner's are not found, nothing written", async ({
    api,
    superuser,
  }) => {
    const { invitationId } = await partnerAdmin.partners.inviteStaff({
      partnerId: itPartnerId,
      email: 'zurueck@partner.example.org',
    });
    await partnerAdmin.partners.revokeInvitation({ partnerId: itPartnerId, invitationId });
    const mailed = await mailedInvitationToken(superuser, 'zurueck@partner.example.org');
    expect(await api.caller().invitations.preview({ token: mailed })).toMatchObject({ status: 'revoked' });
    expect(
      await failure(
        api.caller().invitations.accept({ token: mailed, name: 'Zu spät', password: 'ein-langes-passwort' }),
      ),
    ).toMatchObject({ code: 'BAD_REQUEST', messageKey: 'errors.invitation.revoked' });

    const before = (await superuser.query(`SELECT count(*)::int AS n FROM "Invitation"`)).rows[0].n;
    expect(
      await failure(partnerAdmin.partners.inviteStaff({ partnerId: otherPartnerId, email: 'fremd@example.org' })),
    ).toMatchObject({ code: 'NOT_FOUND', messageKey: 'errors.notFound' });
    expect(await failure(partnerAdmin.partners.invitations({ partnerId: otherPartnerId }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    const townAdmin = await api.as(DEMO_USERS.einbeckAdmin);
    expect(
      await failure(townAdmin.partners.inviteStaff({ partnerId: itPartnerId, email: 'fremd@example.org' })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect((await superuser.query(`SELECT count(*)::int AS n FROM "Invitation"`)).rows[0].n).toBe(before);
  });
});

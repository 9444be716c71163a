import type { Actor } from '@hubwerk/auth';
import { mailSettings, type Context } from '../../context.ts';
import { DomainError, notFound } from '../../errors.ts';
import { mayGrant } from '@hubwerk/auth';
import { findOrCreateInvitee, issueInvitation } from '../../invitations.ts';
import type { InvitationStatus } from '../invitations/invitations.service.ts';

type Ctx = Context & { session: { userId: string }; actor: Actor };

const INVITATION_LIST_LIMIT = 200;

/**
 * Partner admins invite their partner's staff; the provider's
 * admins may too. A partner one does not belong to is not found, exactly
 * like one that does not exist; partner staff may look but not invite.
 */
function assertPartnerAdmin(ctx: Ctx, partnerId: string) {
  if (ctx.actor.platformRole === 'platform-admin') return;
  const membership = ctx.actor.partnerRoles.find((p) => p.partnerId === partnerId);
  if (!membership) throw notFound();
  // The role ceiling (abilities.ts): partner admins add partner staff.
  if (!mayGrant(ctx.actor, { kind: 'partner', partnerId, role: 'partner-staff' }))
    throw new DomainError('FORBIDDEN', 'errors.forbidden');
}

function statusOf(i: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }): InvitationStatus {
  if (i.revokedAt) return 'revoked';
  if (i.acceptedAt) return 'accepted';
  if (i.expiresAt <= new Date()) return 'expired';
  return 'open';
}

// A partner's invitations belong to no town (tenantId NULL): row-level
// security leaves them to the platform client, whose every use is audited.

export async function listPartnerInvitations(ctx: Ctx, input: { partnerId: string }) {
  assertPartnerAdmin(ctx, input.partnerId);
  const rows = await ctx.platform.run(
    (tx) =>
      tx.invitation.findMany({
        where: { partnerId: input.partnerId, tenantId: null },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: INVITATION_LIST_LIMIT,
      }),
    {
      action: 'partner.invitationsListed',
      actorUserId: ctx.session.userId,
      tenantId: null,
      targetType: 'Partner',
      targetId: input.partnerId,
      requestId: ctx.requestId,
    },
  );
  return {
    items: rows.map((i) => ({
      id: i.id,
      email: i.email,
      role: 'partner-staff' as const,
      status: statusOf(i),
      expiresAt: i.expiresAt.toISOString(),
      createdAt: i.createdAt.toISOString(),
    })),
  };
}

/** Invites someone as staff of the partner: invitation, mail (outbox) and audit entry in one transaction. */
export async function invitePartnerStaff(ctx: Ctx, input: { partnerId: string; email: string }) {
  assertPartnerAdmin(ctx, input.partnerId);
  return ctx.platform.run(
    async (tx) => {
      const partner = await tx.partner.findUnique({ where: { id: input.partnerId }, select: { id: true, name: true } });
      if (!partner) throw notFound();
      const already = await tx.partnerMembership.findFirst({
        where: { partnerId: partner.id, user: { email: input.email } },
        select: { id: true },
      });
      if (already)
        throw new DomainError('CONFLICT', 'errors.partnerStaff.alreadyMember', {
          email: ['errors.partnerStaff.alreadyMember'],
        });
      // One open invitation per person and partner: a new one replaces the old link.
      await tx.invitation.updateMany({
        where: { partnerId: partner.id, tenantId: null, email: input.email, acceptedAt: null, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      await findOrCreateInvitee(tx, input.email);
      // The link goes only to the invited address (ADR 023); the answer is the same for known and unknown addresses.
      return issueInvitation(
        tx,
        { partnerId: partner.id, email: input.email, partnerRole: 'PARTNER_STAFF', createdById: ctx.session.userId },
        { adminUrl: mailSettings(ctx).adminUrl, email: input.email, targetName: partner.name, role: 'PARTNER_STAFF' },
      );
    },
    (r) => ({
      action: 'partner.staffInvited',
      actorUserId: ctx.session.userId,
      tenantId: null,
      targetType: 'Invitation',
      targetId: r.invitationId,
      requestId: ctx.requestId,
      data: { partnerId: input.partnerId, email: input.email },
    }),
  );
}

/** Revoking makes the link fail with "Diese Einladung wurde zurückgezogen." */
export async function revokePartnerInvitation(ctx: Ctx, input: { partnerId: string; invitationId: string }) {
  assertPartnerAdmin(ctx, input.partnerId);
  return ctx.platform.run(
    async (tx) => {
      const { count } = await tx.invitation.updateMany({
        where: {
          id: input.invitationId,
          partnerId: input.partnerId,
          tenantId: null,
          acceptedAt: null,
          revokedAt: null,
        },
        data: { revokedAt: new Date() },
      });
      // Not open (or another partner's): the same answer as an unknown id; the transaction (and its audit entry) rolls back.
      if (count !== 1) throw notFound();
      return { ok: true as const };
    },
    {
      action: 'partner.invitationRevoked',
      actorUserId: ctx.session.userId,
      tenantId: null,
      targetType: 'Invitation',
      targetId: input.invitationId,
      requestId: ctx.requestId,
      data: { partnerId: input.partnerId },
    },
  );
}

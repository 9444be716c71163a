import { type AppAbility, subject } from '@hubwerk/auth';
import type { Tenant } from '@hubwerk/db';
import { mailSettings, type Context } from '../../context.ts';
import { DomainError, notFound } from '../../errors.ts';
import { enqueueInvitationMail, newInvitationSecret } from '../../invitations.ts';
import { fromApiEnum, toApiEnum } from '../../schemas.ts';
import type { InvitationStatus } from '../invitations/invitations.service.ts';

type Ctx = Context & { session: { userId: string }; tenant: Tenant; ability: AppAbility };
type TenantRoleName = 'town-admin' | 'hub-manager' | 'hub-staff' | 'member';

const INVITATION_LIST_LIMIT = 200;

/** Inviting adds a member to the town: may the user create a membership there? */
export function mayInvite(ability: AppAbility, tenantId: string): boolean {
  const probe = { tenantId, id: '', userId: '', role: 'MEMBER' as const, createdAt: new Date() };
  return ability.can('create', subject('TenantMembership', probe));
}

function assertMayInvite(ctx: Ctx) {
  if (!mayInvite(ctx.ability, ctx.tenant.id)) throw new DomainError('FORBIDDEN', 'errors.forbidden');
}

function statusOf(i: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }): InvitationStatus {
  if (i.revokedAt) return 'revoked';
  if (i.acceptedAt) return 'accepted';
  if (i.expiresAt <= new Date()) return 'expired';
  return 'open';
}

export async function listInvitations(ctx: Ctx) {
  assertMayInvite(ctx);
  const rows = await ctx.db.invitation.findMany({
    where: { tenantId: ctx.tenant.id },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: INVITATION_LIST_LIMIT,
  });
  return {
    items: rows.map((i) => ({
      id: i.id,
      email: i.email,
      role: toApiEnum(i.tenantRole ?? 'MEMBER'),
      status: statusOf(i),
      expiresAt: i.expiresAt.toISOString(),
      createdAt: i.createdAt.toISOString(),
    })),
  };
}

/**
 * Invites someone into the town with a role. The invitation, its mail (in
 * the outbox) and the audit entry commit together, in the town's scope.
 */
export async function inviteStaff(ctx: Ctx, input: { email: string; role: TenantRoleName }) {
  assertMayInvite(ctx);
  return ctx.db.$transaction(async (tx) => {
    const already = await tx.tenantMembership.findFirst({ where: { tenantId: ctx.tenant.id, user: { email: input.email } }, select: { id: true } });
    if (already) throw new DomainError('CONFLICT', 'errors.staff.alreadyMember', { email: ['errors.staff.alreadyMember'] });
    // One open invitation per person and town: a new one replaces the old link.
    await tx.invitation.updateMany({
      where: { tenantId: ctx.tenant.id, email: input.email, acceptedAt: null, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    // Accepting sets the name and password of this account (new or existing).
    await tx.user.upsert({ where: { email: input.email }, create: { email: input.email, name: input.email.split('@')[0] ?? input.email }, update: {} });
    const secret = newInvitationSecret();
    const invitation = await tx.invitation.create({
      data: { tenantId: ctx.tenant.id, email: input.email, tenantRole: fromApiEnum(input.role), createdById: ctx.session.userId, tokenHash: secret.tokenHash, expiresAt: secret.expiresAt },
      select: { id: true },
    });
    const invitationUrl = secret.path;
    await enqueueInvitationMail(tx, { adminUrl: mailSettings(ctx).adminUrl, email: input.email, targetName: ctx.tenant.name, role: fromApiEnum(input.role), invitationPath: invitationUrl });
    await tx.auditEvent.create({
      data: { tenantId: ctx.tenant.id, actorUserId: ctx.session.userId, action: 'invitation.created', targetType: 'Invitation', targetId: invitation.id, requestId: ctx.requestId, data: { email: input.email, role: input.role } },
    });
    return { invitationId: invitation.id, invitationUrl };
  });
}

/** Revoking makes the link fail with "Diese Einladung wurde zurückgezogen." */
export async function revokeInvitation(ctx: Ctx, input: { invitationId: string }) {
  assertMayInvite(ctx);
  return ctx.db.$transaction(async (tx) => {
    const { count } = await tx.invitation.updateMany({
      where: { id: input.invitationId, tenantId: ctx.tenant.id, acceptedAt: null, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    // Not open (or not this town's): the same answer as an unknown id.
    if (count !== 1) throw notFound();
    await tx.auditEvent.create({
      data: { tenantId: ctx.tenant.id, actorUserId: ctx.session.userId, action: 'invitation.revoked', targetType: 'Invitation', targetId: input.invitationId, requestId: ctx.requestId },
    });
    return { ok: true as const };
  });
}

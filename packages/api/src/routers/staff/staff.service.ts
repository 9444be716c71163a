import { oneOf } from '@hubwerk/domain';
import { type Actor, type AppAbility, mayGrant, subject } from '@hubwerk/auth';
import type { Tenant } from '@hubwerk/db';
import { mailSettings, type Context } from '../../context.ts';
import { DomainError, fieldError, notFound } from '../../errors.ts';
import { issueInvitation, reissueInvitation } from '../../invitations.ts';
import { fromApiEnum, toApiEnum } from '../../schemas.ts';
import type { InvitationStatus } from '../invitations/invitations.service.ts';

type Ctx = Context & { session: { userId: string }; tenant: Tenant; ability: AppAbility; actor: Actor };
type TenantRoleName = 'town-admin' | 'hub-manager' | 'hub-staff' | 'member';

const INVITATION_LIST_LIMIT = 200;

/** Inviting adds a member to the town: may the user create a membership there? */
export function mayInvite(ability: AppAbility, tenantId: string): boolean {
  const probe = {
    tenantId,
    id: '',
    userId: '',
    role: 'MEMBER' as const,
    createdAt: new Date(),
    approvalDigest: false,
    approvalDigestSentOn: null,
  };
  return ability.can('create', subject('TenantMembership', probe));
}

/** May the user invite someone into this hub (town admins: every hub; hub managers: their own)? */
export function mayInviteToHub(ability: AppAbility, tenantId: string, hubId: string): boolean {
  return ability.can(
    'create',
    subject('HubAssignment', {
      tenantId,
      hubId,
      id: '',
      membershipId: '',
      userId: '',
      createdAt: new Date(),
      role: null,
      contactRole: null,
    }),
  );
}

/**
 * Whose invitations the user handles: the whole town's (town admins, and
 * partners and the provider acting as one), or only those into the hubs a
 * hub manager runs. Anyone else may not invite at all.
 */
async function invitationScope(ctx: Ctx): Promise<{ town: true } | { town: false; hubIds: string[] }> {
  if (mayInvite(ctx.ability, ctx.tenant.id)) return { town: true };
  const hubs = await ctx.db.hub.findMany({ where: { tenantId: ctx.tenant.id }, select: { id: true }, take: 500 });
  const hubIds = hubs.map((h) => h.id).filter((hubId) => mayInviteToHub(ctx.ability, ctx.tenant.id, hubId));
  if (hubIds.length === 0) throw new DomainError('FORBIDDEN', 'errors.forbidden');
  return { town: false, hubIds };
}

/** Roles that belong to a hub: only they can be invited into one. */
const HUB_ROLES: readonly TenantRoleName[] = ['hub-manager', 'hub-staff'];

function statusOf(i: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }): InvitationStatus {
  if (i.revokedAt) return 'revoked';
  if (i.acceptedAt) return 'accepted';
  if (i.expiresAt <= new Date()) return 'expired';
  return 'open';
}

export async function listInvitations(ctx: Ctx) {
  const scope = await invitationScope(ctx);
  const rows = await ctx.db.invitation.findMany({
    where: { tenantId: ctx.tenant.id, ...(scope.town ? {} : { hubId: { in: scope.hubIds } }) },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: INVITATION_LIST_LIMIT,
  });
  return {
    // What the invite form may offer: every role, or hub staff into these hubs.
    townWide: scope.town,
    hubIds: scope.town ? [] : scope.hubIds,
    items: rows.map((i) => ({
      id: i.id,
      email: i.email,
      role: toApiEnum(oneOf('TenantRole', i.tenantRole ?? 'MEMBER')),
      hubId: i.hubId,
      status: statusOf(i),
      expiresAt: i.expiresAt.toISOString(),
      createdAt: i.createdAt.toISOString(),
    })),
  };
}

/**
 * Invites someone into the town with a role. The invitation, its mail (in
 * the outbox) and the audit entry commit together, in the town's scope.
 * The answer is the same whether or not the address has an account, and it
 * carries no link: the token goes only to the invited address (ADR 023).
 */
export async function inviteStaff(
  ctx: Ctx,
  input: { email: string; role: TenantRoleName; hubId?: string | undefined },
) {
  const scope = await invitationScope(ctx);
  // Role ceilings live in one place (abilities.ts): hub managers add hub staff to their hubs, town admins up to hub manager.
  const grants = (hubId: string | null) =>
    mayGrant(ctx.actor, { kind: 'tenant', tenant: ctx.tenant, role: input.role, hubId });
  if (!HUB_ROLES.includes(input.role) && !grants(null)) throw new DomainError('FORBIDDEN', 'errors.forbidden');
  if (!scope.town && !input.hubId) throw fieldError('hubId', 'validation.required');
  if (input.hubId) {
    if (!HUB_ROLES.includes(input.role)) throw fieldError('hubId', 'validation.staff.hubOnlyForHubRoles');
    // Row-level security: a hub of another town is not found, like one that does not exist.
    const hub = await ctx.db.hub.findFirst({
      where: { tenantId: ctx.tenant.id, id: input.hubId },
      select: { id: true },
    });
    if (!hub) throw notFound();
    if (!mayInviteToHub(ctx.ability, ctx.tenant.id, hub.id)) throw new DomainError('FORBIDDEN', 'errors.forbidden');
  }
  if (!grants(input.hubId ?? null)) throw new DomainError('FORBIDDEN', 'errors.forbidden');
  return ctx.db.$transaction(async (tx) => {
    const already = await tx.tenantMembership.findFirst({
      where: { tenantId: ctx.tenant.id, user: { email: input.email } },
      select: { id: true },
    });
    if (already)
      throw new DomainError('CONFLICT', 'errors.staff.alreadyMember', { email: ['errors.staff.alreadyMember'] });
    // One open invitation per person and town: a new one replaces this town's earlier one (never another town's or partner's).
    await tx.invitation.updateMany({
      where: { tenantId: ctx.tenant.id, email: input.email, acceptedAt: null, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    // A new address gets a pending account (no password): only the mailed token activates it.
    await tx.user.upsert({
      where: { email: input.email },
      create: { email: input.email, name: input.email.split('@')[0] ?? input.email },
      update: {},
      select: { id: true },
    });
    const { invitationId } = await issueInvitation(
      tx,
      {
        tenantId: ctx.tenant.id,
        email: input.email,
        tenantRole: fromApiEnum(input.role),
        hubId: input.hubId ?? null,
        createdById: ctx.session.userId,
      },
      {
        adminUrl: mailSettings(ctx).adminUrl,
        email: input.email,
        targetName: ctx.tenant.name,
        role: fromApiEnum(input.role),
      },
    );
    await tx.auditEvent.create({
      data: {
        tenantId: ctx.tenant.id,
        actorUserId: ctx.session.userId,
        action: 'invitation.created',
        targetType: 'Invitation',
        targetId: invitationId,
        requestId: ctx.requestId,
        data: { email: input.email, role: input.role, hubId: input.hubId ?? null },
      },
    });
    return { invitationId };
  });
}

/** Sends an open invitation again (a fresh link to the same address; the earlier one stops working). */
export async function resendInvitation(ctx: Ctx, input: { invitationId: string }) {
  const scope = await invitationScope(ctx);
  return ctx.db.$transaction(async (tx) => {
    const invitation = await tx.invitation.findFirst({
      where: {
        id: input.invitationId,
        tenantId: ctx.tenant.id,
        acceptedAt: null,
        revokedAt: null,
        ...(scope.town ? {} : { hubId: { in: scope.hubIds } }),
      },
    });
    if (!invitation) throw notFound();
    const role = invitation.tenantRole ?? 'MEMBER';
    const reissued = await reissueInvitation(
      tx,
      { id: invitation.id, tenantId: ctx.tenant.id },
      { adminUrl: mailSettings(ctx).adminUrl, email: invitation.email, targetName: ctx.tenant.name, role },
    );
    if (!reissued) throw notFound();
    await tx.auditEvent.create({
      data: {
        tenantId: ctx.tenant.id,
        actorUserId: ctx.session.userId,
        action: 'invitation.resent',
        targetType: 'Invitation',
        targetId: invitation.id,
        requestId: ctx.requestId,
      },
    });
    return { ok: true as const };
  });
}

/** Revoking makes the link fail with "Diese Einladung wurde zurückgezogen." */
export async function revokeInvitation(ctx: Ctx, input: { invitationId: string }) {
  const scope = await invitationScope(ctx);
  return ctx.db.$transaction(async (tx) => {
    const { count } = await tx.invitation.updateMany({
      where: {
        id: input.invitationId,
        tenantId: ctx.tenant.id,
        acceptedAt: null,
        revokedAt: null,
        ...(scope.town ? {} : { hubId: { in: scope.hubIds } }),
      },
      data: { revokedAt: new Date() },
    });
    // Not open (or not this town's): the same answer as an unknown id.
    if (count !== 1) throw notFound();
    await tx.auditEvent.create({
      data: {
        tenantId: ctx.tenant.id,
        actorUserId: ctx.session.userId,
        action: 'invitation.revoked',
        targetType: 'Invitation',
        targetId: input.invitationId,
        requestId: ctx.requestId,
      },
    });
    return { ok: true as const };
  });
}

import { oneOf } from '@hubwerk/domain';
import { type Actor, type AppAbility, mayGrant, subject } from '@hubwerk/auth';
import type { Tenant, TenantMembership } from '@hubwerk/db';
import type { Context } from '../../context.ts';
import { DomainError, notFound } from '../../errors.ts';
import { fromApiEnum, toApiEnum } from '../../schemas.ts';

type Ctx = Context & { session: { userId: string }; tenant: Tenant; ability: AppAbility; actor: Actor };
type TenantRoleName = 'town-admin' | 'hub-manager' | 'hub-staff' | 'member';

/** Who manages the town's people: whoever may read its memberships (town admins, partners acting as one, the provider). */
function assertMayManage(ctx: Ctx) {
  const probe = { tenantId: ctx.tenant.id } as TenantMembership;
  if (
    ctx.ability.cannot('read', subject('TenantMembership', probe)) ||
    ctx.ability.cannot('create', subject('TenantMembership', probe))
  ) {
    throw new DomainError('FORBIDDEN', 'errors.forbidden');
  }
}

/** The town's members, by name; a page at a time. */
export async function listMembers(ctx: Ctx, input: { cursor?: string | undefined; limit: number }) {
  assertMayManage(ctx);
  const rows = await ctx.db.tenantMembership.findMany({
    where: { tenantId: ctx.tenant.id },
    include: { user: { select: { id: true, name: true, email: true } } },
    orderBy: [{ id: 'asc' }],
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { tenantId_id: { tenantId: ctx.tenant.id, id: input.cursor } }, skip: 1 } : {}),
  });
  const items = rows.slice(0, input.limit);
  return {
    items: items.map((m) => {
      const role = toApiEnum(oneOf('TenantRole', m.role));
      return {
        membershipId: m.id,
        userId: m.user.id,
        name: m.user.name,
        email: m.user.email,
        role,
        // What the caller may do with this member (the same rule the mutations check).
        manageable:
          m.userId !== ctx.session.userId && mayGrant(ctx.actor, { kind: 'tenant', tenant: ctx.tenant, role }),
      };
    }),
    nextCursor: rows.length > input.limit ? (items[items.length - 1]?.id ?? null) : null,
  };
}

/**
 * A member the caller may change or remove: one whose current role the
 * caller could grant (so a town admin never demotes or removes another town
 * admin), and never the caller themselves.
 */
async function manageableMember(ctx: Ctx, tx: Pick<Ctx['db'], 'tenantMembership'>, membershipId: string) {
  assertMayManage(ctx);
  const membership = await tx.tenantMembership.findFirst({ where: { tenantId: ctx.tenant.id, id: membershipId } });
  if (!membership) throw notFound();
  if (membership.userId === ctx.session.userId) throw new DomainError('FORBIDDEN', 'errors.staff.notYourself');
  const current = toApiEnum(oneOf('TenantRole', membership.role));
  if (!mayGrant(ctx.actor, { kind: 'tenant', tenant: ctx.tenant, role: current }))
    throw new DomainError('FORBIDDEN', 'errors.forbidden');
  return membership;
}

/**
 * Changes a member's town-wide role, within the caller's ceiling. Hub roles
 * held per hub (assignments) stay as they are; the member's next request
 * already runs with the new role (abilities are read per request).
 */
export async function changeMemberRole(ctx: Ctx, input: { membershipId: string; role: TenantRoleName }) {
  if (!mayGrant(ctx.actor, { kind: 'tenant', tenant: ctx.tenant, role: input.role }))
    throw new DomainError('FORBIDDEN', 'errors.forbidden');
  return ctx.db.$transaction(async (tx) => {
    const membership = await manageableMember(ctx, tx, input.membershipId);
    const role = fromApiEnum(input.role);
    await tx.tenantMembership.update({
      where: { tenantId_id: { tenantId: ctx.tenant.id, id: membership.id } },
      data: { role },
    });
    await tx.auditEvent.create({
      data: {
        tenantId: ctx.tenant.id,
        actorUserId: ctx.session.userId,
        action: 'membership.roleChanged',
        targetType: 'TenantMembership',
        targetId: membership.id,
        requestId: ctx.requestId,
        data: { userId: membership.userId, before: toApiEnum(oneOf('TenantRole', membership.role)), after: input.role },
      },
    });
    return { ok: true as const };
  });
}

/**
 * Removes a person from the town: the membership and with it their hub
 * assignments and member profile. Their bookings stay (they belong to the
 * town's records and name the user, not the membership). Their access ends
 * with their next request: every request reads the memberships afresh
 * (authenticate.ts), so an open session of theirs no longer reaches the town.
 * Their open invitations into the town are revoked too.
 */
export async function removeMember(ctx: Ctx, input: { membershipId: string }) {
  return ctx.db.$transaction(async (tx) => {
    const membership = await manageableMember(ctx, tx, input.membershipId);
    const user = await tx.user.findUnique({ where: { id: membership.userId }, select: { email: true } });
    await tx.tenantMembership.delete({ where: { tenantId_id: { tenantId: ctx.tenant.id, id: membership.id } } });
    if (user)
      await tx.invitation.updateMany({
        where: { tenantId: ctx.tenant.id, email: user.email, acceptedAt: null, revokedAt: null },
        data: { revokedAt: new Date() },
      });
    await tx.auditEvent.create({
      data: {
        tenantId: ctx.tenant.id,
        actorUserId: ctx.session.userId,
        action: 'membership.removed',
        targetType: 'TenantMembership',
        targetId: membership.id,
        requestId: ctx.requestId,
        data: { userId: membership.userId, role: toApiEnum(oneOf('TenantRole', membership.role)) },
      },
    });
    return { ok: true as const };
  });
}

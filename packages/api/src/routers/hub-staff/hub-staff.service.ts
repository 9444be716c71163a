import { oneOf } from '@hubwerk/domain';
import { type Actor, mayGrant, subject } from '@hubwerk/auth';
import type { HubAssignment, TenantMembership, User } from '@hubwerk/db';
import { DomainError, notFound } from '../../errors.ts';
import { fromApiEnum, toApiEnum } from '../../schemas.ts';
import type { Ctx, Db } from '../spaces/spaces.service.ts';
import type { HUB_ROLES } from './hub-staff.schemas.ts';

/**
 * Staff per hub: people who are users — town employees, provider
 * and partner staff — assigned to a hub as its manager or staff, with an
 * optional public contact role. The role lives on the assignment (ADR 014),
 * so managing hub A and staffing hub B are two assignments, and a hub
 * manager's rights end at the hubs they are assigned to.
 */

type Row = HubAssignment & { membership: TenantMembership & { user: Pick<User, 'id' | 'name' | 'email'> } };

const probe = (ctx: Ctx, hubId: string) => ({ tenantId: ctx.tenant.id, hubId }) as HubAssignment;
const mayManage = (ctx: Ctx, hubId: string, action: 'create' | 'delete' = 'create') =>
  ctx.ability.can(action, subject('HubAssignment', probe(ctx, hubId)));

async function readableHub(ctx: Ctx, db: Pick<Db, 'hub'>, hubId: string) {
  const hub = await db.hub.findFirst({ where: { tenantId: ctx.tenant.id, id: hubId } });
  if (!hub || ctx.ability.cannot('read', subject('Hub', hub))) throw notFound();
  return hub;
}

function toEntry(ctx: Ctx, row: Row, showEmail: boolean) {
  return {
    assignmentId: row.id,
    userId: row.membership.user.id,
    name: row.membership.user.name,
    email: showEmail ? row.membership.user.email : null,
    role: toApiEnum(oneOf('TenantRole', row.role ?? row.membership.role)),
    contactRole: row.contactRole,
  };
}

const include = { membership: { include: { user: { select: { id: true, name: true, email: true } } } } } as const;

export async function listHubStaff(ctx: Ctx, input: { hubId: string; cursor?: string | undefined; limit: number }) {
  const hub = await readableHub(ctx, ctx.db, input.hubId);
  const canManage = mayManage(ctx, hub.id);
  const rows = await ctx.db.hubAssignment.findMany({
    where: { tenantId: ctx.tenant.id, hubId: hub.id },
    include,
    orderBy: [{ id: 'asc' }],
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { tenantId_id: { tenantId: ctx.tenant.id, id: input.cursor } }, skip: 1 } : {}),
  });
  const items = rows.slice(0, input.limit);
  return {
    hub: { id: hub.id, slug: hub.slug, name: hub.name },
    canManage,
    items: items.map((r) => toEntry(ctx, r, canManage)),
    nextCursor: rows.length > input.limit ? (items[items.length - 1]?.id ?? null) : null,
  };
}

/**
 * Assigns a member of the town to the hub, or changes their role or contact
 * role there. Only people who already belong to the town can be assigned:
 * joining a town takes the person's consent (an invitation they accept,
 * ADR 023). "No account" and "not in this town" give one answer, so the form
 * is no oracle for addresses elsewhere on the platform. The role is capped
 * by the caller's own (mayGrant): a hub manager assigns hub staff only.
 */
export async function assignHubStaff(
  ctx: Ctx & { actor: Actor },
  input: { hubId: string; email: string; role: (typeof HUB_ROLES)[number]; contactRole: string | null },
) {
  return ctx.db.$transaction(async (tx) => {
    const hub = await readableHub(ctx, tx, input.hubId);
    if (!mayManage(ctx, hub.id)) throw new DomainError('FORBIDDEN', 'errors.forbidden');
    if (!mayGrant(ctx.actor, { kind: 'tenant', tenant: ctx.tenant, role: input.role, hubId: hub.id }))
      throw new DomainError('FORBIDDEN', 'errors.forbidden');
    // Row-level security shows only this town's memberships: a person of another town is "not a member", like an unknown address.
    const membership = await tx.tenantMembership.findFirst({
      where: { tenantId: ctx.tenant.id, user: { email: input.email } },
      include: { user: { select: { id: true } } },
    });
    if (!membership)
      throw new DomainError('BAD_REQUEST', 'errors.hubStaff.unknownUser', { email: ['errors.hubStaff.unknownUser'] });
    const user = membership.user;
    const role = fromApiEnum(input.role);
    const existing = await tx.hubAssignment.findFirst({
      where: { tenantId: ctx.tenant.id, hubId: hub.id, membershipId: membership.id },
    });
    const row = existing
      ? await tx.hubAssignment.update({
          where: { tenantId_id: { tenantId: ctx.tenant.id, id: existing.id } },
          data: { role, contactRole: input.contactRole },
          include,
        })
      : await tx.hubAssignment.create({
          data: {
            tenantId: ctx.tenant.id,
            hubId: hub.id,
            membershipId: membership.id,
            userId: user.id,
            role,
            contactRole: input.contactRole,
          },
          include,
        });
    await tx.auditEvent.create({
      data: {
        tenantId: ctx.tenant.id,
        actorUserId: ctx.session.userId,
        action: existing ? 'hub.staffChanged' : 'hub.staffAssigned',
        targetType: 'Hub',
        targetId: hub.id,
        requestId: ctx.requestId,
        data: {
          userId: user.id,
          role: input.role,
          contactRole: input.contactRole,
          ...(existing ? { before: { role: existing.role, contactRole: existing.contactRole } } : {}),
        },
      },
    });
    return toEntry(ctx, row, true);
  });
}

/**
 * Ends a person's assignment to the hub. Their membership of the town stays
 * (removing someone from the town is staff.removeMember, for town admins).
 */
export async function removeHubStaff(ctx: Ctx & { actor: Actor }, input: { hubId: string; assignmentId: string }) {
  return ctx.db.$transaction(async (tx) => {
    const hub = await readableHub(ctx, tx, input.hubId);
    const row = await tx.hubAssignment.findFirst({
      where: { tenantId: ctx.tenant.id, hubId: hub.id, id: input.assignmentId },
      include: { membership: { select: { role: true } } },
    });
    if (!row) throw notFound();
    if (!mayManage(ctx, hub.id, 'delete')) throw new DomainError('FORBIDDEN', 'errors.forbidden');
    // Taking a role away is capped like granting it: a hub manager does not remove a fellow manager.
    if (
      !mayGrant(ctx.actor, {
        kind: 'tenant',
        tenant: ctx.tenant,
        role: (row.role ?? row.membership.role) === 'HUB_MANAGER' ? 'hub-manager' : 'hub-staff',
        hubId: hub.id,
      })
    )
      throw new DomainError('FORBIDDEN', 'errors.forbidden');
    await tx.hubAssignment.delete({ where: { tenantId_id: { tenantId: ctx.tenant.id, id: row.id } } });
    await tx.auditEvent.create({
      data: {
        tenantId: ctx.tenant.id,
        actorUserId: ctx.session.userId,
        action: 'hub.staffRemoved',
        targetType: 'Hub',
        targetId: hub.id,
        requestId: ctx.requestId,
        data: { assignmentId: row.id, membershipId: row.membershipId },
      },
    });
    return { ok: true as const };
  });
}

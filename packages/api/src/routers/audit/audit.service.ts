import { type AppAbility, accessibleWhere, subject } from '@hubwerk/auth';
import type { AuditEvent, Prisma, Tenant } from '@hubwerk/db';
import type { Context } from '../../context.ts';
import { DomainError, fieldError } from '../../errors.ts';

type Ctx = Context & { tenant: Tenant; ability: AppAbility };

export interface AuditListInput {
  action?: string | undefined;
  actorEmail?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

/**
 * The town's audit log. Row-level security already limits it to the town in
 * scope; the permission wall decides who of the town may read it (town
 * admins, the town's partner, the provider's staff).
 */
export async function listAuditEvents(ctx: Ctx, input: AuditListInput) {
  if (!canReadAudit(ctx.ability, ctx.tenant.id)) throw new DomainError('FORBIDDEN', 'errors.forbidden');
  const from = input.from ? new Date(input.from) : undefined;
  const to = input.to ? new Date(input.to) : undefined;
  if (from && to && from > to) throw fieldError('to', 'validation.audit.rangeReversed');

  let actorUserId: string | undefined;
  if (input.actorEmail) {
    const actor = await ctx.db.user.findUnique({ where: { email: input.actorEmail }, select: { id: true } });
    // Nobody by that address: an empty page, the same as someone who did nothing here.
    if (!actor) return { items: [], nextCursor: null };
    actorUserId = actor.id;
  }

  const where: Prisma.AuditEventWhereInput = {
    AND: [
      accessibleWhere(ctx.ability, 'read', 'AuditEvent'),
      { tenantId: ctx.tenant.id },
      input.action ? { action: input.action } : {},
      actorUserId ? { actorUserId } : {},
      from || to ? { createdAt: { ...(from ? { gte: from } : {}), ...(to ? { lt: to } : {}) } } : {},
    ],
  };
  const rows = await ctx.db.auditEvent.findMany({
    where,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
  });
  const items = rows.slice(0, input.limit);
  const actorIds = [...new Set(items.map((r) => r.actorUserId).filter((v): v is string => v !== null))];
  const actors = actorIds.length > 0 ? await ctx.db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true, email: true } }) : [];
  const byId = new Map(actors.map((a) => [a.id, a]));
  return {
    items: items.map((r) => ({
      id: r.id,
      createdAt: r.createdAt.toISOString(),
      action: r.action,
      actor: r.actorUserId ? (byId.get(r.actorUserId) ?? null) : null,
      targetType: r.targetType,
      targetId: r.targetId,
      reason: r.reason,
      data: r.data ?? null,
      requestId: r.requestId,
    })),
    nextCursor: rows.length > input.limit ? (items[items.length - 1]?.id ?? null) : null,
  };
}

/** Whether `ability` may read the audit log of this town (asked with a town-bound probe, not the bare type). */
export function canReadAudit(ability: AppAbility, tenantId: string): boolean {
  const probe: AuditEvent = { id: '', tenantId, actorUserId: null, action: '', targetType: null, targetId: null, reason: null, data: null, requestId: null, createdAt: new Date(0) };
  return ability.can('read', subject('AuditEvent', probe));
}

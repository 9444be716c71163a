import { type AppAbility, subject } from '@hubwerk/auth';
import type { Hub, Tenant } from '@hubwerk/db';
import { slugify } from '@hubwerk/domain';
import type { Context } from '../../context.ts';
import { DomainError, fieldError, notFound } from '../../errors.ts';
import { isUniqueViolation } from '../../idempotency.ts';
import { newHubProbe } from '../tenants/tenants.service.ts';

type Ctx = Context & { session: { userId: string }; tenant: Tenant; ability: AppAbility };

export const toHubOutput = (h: Hub) => ({
  id: h.id,
  slug: h.slug,
  name: h.name,
  thematicFocus: h.thematicFocus,
  city: h.city,
  archived: h.archivedAt !== null,
});

export async function listHubs(ctx: Ctx, input: { cursor?: string | undefined; limit: number }) {
  const rows = await ctx.db.hub.findMany({
    where: { tenantId: ctx.tenant.id },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { tenantId_id: { tenantId: ctx.tenant.id, id: input.cursor } }, skip: 1 } : {}),
  });
  const items = rows.slice(0, input.limit);
  return {
    items: items.map(toHubOutput),
    nextCursor: rows.length > input.limit ? (items[items.length - 1]?.id ?? null) : null,
  };
}

/** Each names the plan and the way up (see the catalogues). */
export const HUB_LIMIT_KEYS = {
  basis: 'errors.billing.hubLimit.basis',
  standard: 'errors.billing.hubLimit.standard',
  plus: 'errors.billing.hubLimit.plus',
} as const;

export interface CreateHubInput {
  name: string;
  thematicFocus: string | null;
  street: string | null;
  postalCode: string | null;
  city: string | null;
}

export async function createHub(ctx: Ctx, input: CreateHubInput) {
  if (ctx.ability.cannot('create', subject('Hub', newHubProbe(ctx.tenant.id))))
    throw new DomainError('FORBIDDEN', 'errors.forbidden');
  const slug = slugify(input.name);
  if (!slug) throw fieldError('name', 'validation.invalid');
  try {
    return await ctx.db.$transaction(async (tx) => {
      // The plan's hub limit, checked under a lock on the town's billing row.
      const limit = await ctx.billing.hubLimitExceeded(tx, ctx.tenant.id);
      if (limit) throw fieldError('name', HUB_LIMIT_KEYS[limit.plan]);
      const hub = await tx.hub.create({ data: { tenantId: ctx.tenant.id, slug, ...input } });
      await tx.auditEvent.create({
        data: {
          tenantId: ctx.tenant.id,
          actorUserId: ctx.session.userId,
          action: 'hub.created',
          targetType: 'Hub',
          targetId: hub.id,
          requestId: ctx.requestId,
          data: { name: hub.name },
        },
      });
      return toHubOutput(hub);
    });
  } catch (error) {
    if (isUniqueViolation(error, 'slug')) throw fieldError('name', 'errors.hub.nameTaken');
    throw error;
  }
}

export async function renameHub(ctx: Ctx, input: { hubId: string; name: string }) {
  return ctx.db.$transaction(async (tx) => {
    const hub = await tx.hub.findUnique({ where: { tenantId_id: { tenantId: ctx.tenant.id, id: input.hubId } } });
    if (!hub) throw notFound();
    if (ctx.ability.cannot('update', subject('Hub', hub), 'name')) throw notFound();
    const renamed = await tx.hub.update({
      where: { tenantId_id: { tenantId: ctx.tenant.id, id: hub.id } },
      data: { name: input.name },
    });
    await tx.auditEvent.create({
      data: {
        tenantId: ctx.tenant.id,
        actorUserId: ctx.session.userId,
        action: 'hub.renamed',
        targetType: 'Hub',
        targetId: hub.id,
        requestId: ctx.requestId,
        data: { before: { name: hub.name }, after: { name: renamed.name } },
      },
    });
    return toHubOutput(renamed);
  });
}

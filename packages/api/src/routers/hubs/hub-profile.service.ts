import { HUB_PROFILE_FIELDS, subject } from '@hubwerk/auth';
import type { Hub, Prisma } from '@hubwerk/db';
import { DomainError, notFound } from '../../errors.ts';
import { isUniqueViolation } from '../../idempotency.ts';
import type { Ctx } from '../spaces/spaces.service.ts';
import { ACCESSIBILITY_FLAGS, type HubProfileFields } from './hub-profile.schemas.ts';

type Flag = (typeof ACCESSIBILITY_FLAGS)[number];
const isFlag = (v: string): v is Flag => (ACCESSIBILITY_FLAGS as readonly string[]).includes(v);

function toProfile(ctx: Ctx, hub: Hub) {
  return {
    id: hub.id,
    slug: hub.slug,
    name: hub.name,
    thematicFocus: hub.thematicFocus,
    description: hub.description,
    street: hub.street,
    postalCode: hub.postalCode,
    city: hub.city,
    contactEmail: hub.contactEmail,
    contactPhone: hub.contactPhone,
    accessibility: hub.accessibility.filter(isFlag),
    accessibilityNotes: hub.accessibilityNotes,
    isPublic: hub.isPublic,
    bundesland: ctx.tenant.bundesland,
    editableFields: HUB_PROFILE_FIELDS.filter((f) => ctx.ability.can('update', subject('Hub', hub), f)),
    archived: hub.archivedAt !== null,
    canArchive: ctx.ability.can('update', subject('Hub', hub), 'archivedAt'),
  };
}

export async function getHubProfile(ctx: Ctx, input: { hubId: string }) {
  const hub = await ctx.db.hub.findFirst({ where: { tenantId: ctx.tenant.id, id: input.hubId } });
  if (!hub || ctx.ability.cannot('read', subject('Hub', hub))) throw notFound();
  return toProfile(ctx, hub);
}

/**
 * Saves the profile. Every field that changes must be allowed by the field
 * rules (town admins and the hub's managers; hub staff and members none):
 * one forbidden field rejects the whole change, nothing is written.
 */
export async function updateHubProfile(ctx: Ctx, input: { hubId: string } & HubProfileFields) {
  const { hubId, ...fields } = input;
  try {
    return await ctx.db.$transaction(async (tx) => {
      const hub = await tx.hub.findFirst({ where: { tenantId: ctx.tenant.id, id: hubId } });
      if (!hub || ctx.ability.cannot('read', subject('Hub', hub))) throw notFound();
      const changed = (Object.keys(fields) as Array<keyof HubProfileFields>).filter(
        (k) => JSON.stringify(hub[k]) !== JSON.stringify(fields[k]),
      );
      if (!HUB_PROFILE_FIELDS.some((f) => ctx.ability.can('update', subject('Hub', hub), f))) throw notFound();
      const denied = changed.filter((f) => ctx.ability.cannot('update', subject('Hub', hub), f));
      if (denied.length > 0)
        throw new DomainError(
          'FORBIDDEN',
          'errors.forbidden',
          Object.fromEntries(denied.map((f) => [f, ['errors.forbidden']])),
        );
      if (changed.length === 0) return toProfile(ctx, hub);
      const data = Object.fromEntries(changed.map((k) => [k, fields[k]])) as Prisma.HubUpdateInput;
      const updated = await tx.hub.update({ where: { tenantId_id: { tenantId: ctx.tenant.id, id: hub.id } }, data });
      await tx.auditEvent.create({
        data: {
          tenantId: ctx.tenant.id,
          actorUserId: ctx.session.userId,
          action: 'hub.profileChanged',
          targetType: 'Hub',
          targetId: hub.id,
          requestId: ctx.requestId,
          data: {
            before: Object.fromEntries(changed.map((k) => [k, hub[k]])),
            after: Object.fromEntries(changed.map((k) => [k, fields[k]])),
          } as Prisma.InputJsonValue,
        },
      });
      return toProfile(ctx, updated);
    });
  } catch (error) {
    if (isUniqueViolation(error, 'slug'))
      throw new DomainError('BAD_REQUEST', 'errors.hub.nameTaken', { name: ['errors.hub.nameTaken'] });
    throw error;
  }
}

import { subject } from '@hubwerk/auth';
import { DomainError, notFound } from '../../errors.ts';
import { type Ctx, forbidden } from '../spaces/spaces.service.ts';
import { HUB_LIMIT_KEYS, toHubOutput } from './hubs.service.ts';

/**
 * Archiving and deleting a whole hub (docs/decisions/035): the town's
 * decision (town admins, partners acting as one), not its managers'. Both
 * lock the hub's spaces first — booking locks its space too — so no booking
 * slips in between the count and the change.
 */

async function lockedHub(ctx: Ctx, tx: Ctx['db'], hubId: string, action: 'update' | 'delete') {
  const hub = await tx.hub.findFirst({ where: { tenantId: ctx.tenant.id, id: hubId } });
  if (!hub || ctx.ability.cannot('read', subject('Hub', hub))) throw notFound();
  const allowed =
    action === 'delete'
      ? ctx.ability.can('delete', subject('Hub', hub))
      : ctx.ability.can('update', subject('Hub', hub), 'archivedAt');
  if (!allowed) throw forbidden();
  await tx.$queryRaw`SELECT 1 FROM "Space" WHERE "tenantId" = ${ctx.tenant.id}::uuid AND "hubId" = ${hub.id}::uuid ORDER BY id FOR UPDATE`;
  return hub;
}

const refuse = (key: string, count: number) =>
  new DomainError('BAD_REQUEST', key, { hubId: [key] }, { count: String(count) });

async function auditHub(ctx: Ctx, tx: Ctx['db'], action: string, hubId: string, name: string) {
  await tx.auditEvent.create({
    data: {
      tenantId: ctx.tenant.id,
      actorUserId: ctx.session.userId,
      action,
      targetType: 'Hub',
      targetId: hubId,
      requestId: ctx.requestId,
      data: { name },
    },
  });
}

/** Refused while bookings in the hub lie ahead, naming how many: they are cancelled one by one, with their own mails. */
export async function setHubArchived(ctx: Ctx, input: { hubId: string; archived: boolean }) {
  return ctx.db.$transaction(async (tx) => {
    const hub = await lockedHub(ctx, tx as Ctx['db'], input.hubId, 'update');
    if (Boolean(hub.archivedAt) === input.archived) return toHubOutput(hub);
    if (input.archived) {
      const ahead = await tx.booking.count({
        where: {
          tenantId: ctx.tenant.id,
          space: { hubId: hub.id },
          status: { not: 'CANCELLED' },
          endsAt: { gt: new Date() },
        },
      });
      if (ahead > 0) throw refuse('errors.hub.upcomingBookings', ahead);
    } else {
      // Archived hubs do not count against the plan; one coming back does, like a new one.
      const limit = await ctx.billing.hubLimitExceeded(tx, ctx.tenant.id);
      if (limit)
        throw new DomainError('BAD_REQUEST', HUB_LIMIT_KEYS[limit.plan], { archived: [HUB_LIMIT_KEYS[limit.plan]] });
    }
    const updated = await tx.hub.update({
      where: { tenantId_id: { tenantId: ctx.tenant.id, id: hub.id } },
      data: { archivedAt: input.archived ? new Date() : null },
    });
    await auditHub(ctx, tx as Ctx['db'], input.archived ? 'hub.archived' : 'hub.unarchived', hub.id, hub.name);
    return toHubOutput(updated);
  });
}

/** Only a hub none of whose spaces ever had a booking, a series or a public request; otherwise archive it. */
export async function deleteHub(ctx: Ctx, input: { hubId: string }) {
  return ctx.db.$transaction(async (tx) => {
    const hub = await lockedHub(ctx, tx as Ctx['db'], input.hubId, 'delete');
    const [row] = await tx.$queryRaw<Array<{ n: number }>>`
      SELECT ((SELECT count(*) FROM "Booking" b JOIN "Space" s ON s."tenantId" = b."tenantId" AND s.id = b."spaceId"
                WHERE s."tenantId" = ${ctx.tenant.id}::uuid AND s."hubId" = ${hub.id}::uuid)
            + (SELECT count(*) FROM "BookingSeries" b JOIN "Space" s ON s."tenantId" = b."tenantId" AND s.id = b."spaceId"
                WHERE s."tenantId" = ${ctx.tenant.id}::uuid AND s."hubId" = ${hub.id}::uuid)
            + (SELECT count(*) FROM "PublicBookingRequest" b JOIN "Space" s ON s."tenantId" = b."tenantId" AND s.id = b."spaceId"
                WHERE s."tenantId" = ${ctx.tenant.id}::uuid AND s."hubId" = ${hub.id}::uuid))::int AS n`;
    if ((row?.n ?? 0) > 0) throw refuse('errors.hub.hasBookings', row!.n);
    await tx.hub.delete({ where: { tenantId_id: { tenantId: ctx.tenant.id, id: hub.id } } });
    await auditHub(ctx, tx as Ctx['db'], 'hub.deleted', hub.id, hub.name);
    return { ok: true as const };
  });
}

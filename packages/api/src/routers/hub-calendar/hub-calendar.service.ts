import { subject } from '@hubwerk/auth';
import { addDays, mondayOf, oneOf, zonedToUtc } from '@hubwerk/domain';
import { notFound } from '../../errors.ts';
import { toApiEnum } from '../../schemas.ts';
import { availability, bookingInclude, toBookingOutput } from '../bookings/bookings.service.ts';
import type { Ctx } from '../spaces/spaces.service.ts';

/** A hub shows at most this many spaces in its week (a hub has a handful). */
const MAX_SPACES = 30;

/**
 * The hub's week in one answer: every space (a co-working space desk by
 * desk) with its free time from availability — the same computation the
 * per-space week and booking use — and the week's non-cancelled bookings,
 * with purposes only where the caller may read them.
 */
export async function hubWeek(ctx: Ctx, input: { hubId: string; date: string }) {
  const hub = await ctx.db.hub.findFirst({ where: { tenantId: ctx.tenant.id, id: input.hubId } });
  if (!hub || ctx.ability.cannot('read', subject('Hub', hub))) throw notFound();
  const monday = mondayOf(input.date);
  const from = zonedToUtc(monday, 0, ctx.tenant.timezone);
  const to = zonedToUtc(addDays(monday, 7), 0, ctx.tenant.timezone);
  const spaces = await ctx.db.space.findMany({
    where: { tenantId: ctx.tenant.id, hubId: hub.id, archivedAt: null },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    take: MAX_SPACES,
  });
  const [free, rows] = await Promise.all([
    Promise.all(spaces.map((s) => availability(ctx, { spaceId: s.id, date: monday, days: 7 }))),
    ctx.db.booking.findMany({
      where: {
        tenantId: ctx.tenant.id,
        spaceId: { in: spaces.map((s) => s.id) },
        status: { not: 'CANCELLED' },
        startsAt: { lt: to },
        endsAt: { gt: from },
      },
      include: bookingInclude,
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
      take: 5000,
    }),
  ]);
  const kindOf = new Map(spaces.map((s) => [s.id, toApiEnum(oneOf('SpaceKind', s.kind))]));
  return {
    hub: { id: hub.id, slug: hub.slug, name: hub.name },
    timezone: ctx.tenant.timezone,
    weekStart: monday,
    days: Array.from({ length: 7 }, (_, i) => addDays(monday, i)),
    resources: free.flatMap((a) =>
      a.resources.map((r) => ({
        spaceId: r.spaceId,
        spaceName: r.spaceName,
        kind: kindOf.get(r.spaceId)!,
        deskId: r.deskId,
        deskName: r.deskName,
        maxDurationMinutes: r.maxDurationMinutes,
        free: r.free,
      })),
    ),
    items: rows.map((b) => toBookingOutput(ctx, b)),
  };
}

import { subject } from '@hubwerk/auth';
import type { Space } from '@hubwerk/db';
import { addDays, localParts, mondayOf, weekdayOf } from '@hubwerk/domain';
import { notFound } from '../../errors.ts';
import { DomainError } from '../../errors.ts';
import { openIntervals, openingOf } from '../bookings/bookings.service.ts';
import type { Ctx } from '../spaces/spaces.service.ts';

const MINUTE = 60_000;
export const MAX_WEEKS = 26;

type OccupancyCtx = Ctx & { actor: { platformRole: string | null } };

/**
 * Utilisation of each space of a hub by weekday over the `weeks` whole
 * weeks (Mon–Sun, town time) before the current one, so every weekday is
 * counted equally often. Bookable time is the opening hours (minus closed
 * days) times the bookable units — the desks of a co-working space, else
 * the room itself; booked time is the part of non-cancelled bookings
 * (pending ones hold their slot too) that lies inside those hours.
 */
export async function hubOccupancy(ctx: OccupancyCtx, input: { hubId: string; weeks: number }) {
  const hub = await ctx.db.hub.findFirst({ where: { tenantId: ctx.tenant.id, id: input.hubId } });
  if (!hub || ctx.ability.cannot('read', subject('Hub', hub))) throw notFound();
  // Those who run the hub (its managers, the town admins, the town's
  // partner) and the provider's staff; members and hub staff do not see
  // how busy colleagues' spaces are.
  const runsHub = ctx.ability.can('update', subject('Space', { tenantId: ctx.tenant.id, hubId: hub.id } as Space));
  if (!runsHub && !ctx.actor.platformRole) throw new DomainError('FORBIDDEN', 'errors.forbidden');

  const tz = ctx.tenant.timezone;
  const to = mondayOf(localParts(new Date(), tz).date);
  const from = addDays(to, -7 * input.weeks);
  const lastDate = addDays(to, -1);
  const spaces = await ctx.db.space.findMany({
    where: { tenantId: ctx.tenant.id, hubId: hub.id },
    include: { desks: { select: { id: true } } },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    take: 100,
  });
  const opening = await openingOf(ctx, ctx.db, hub.id, from, lastDate);
  const dates = Array.from({ length: 7 * input.weeks }, (_, i) => addDays(from, i));
  const intervals = dates.map((date) => ({ weekday: weekdayOf(date), open: openIntervals(opening, date, tz) }));
  const windowStart = Math.min(...intervals.flatMap((d) => d.open.map(([a]) => a)), Number.POSITIVE_INFINITY);
  const windowEnd = Math.max(...intervals.flatMap((d) => d.open.map(([, b]) => b)), Number.NEGATIVE_INFINITY);
  const bookings =
    spaces.length === 0 || !Number.isFinite(windowStart)
      ? []
      : await ctx.db.booking.findMany({
          where: {
            tenantId: ctx.tenant.id,
            spaceId: { in: spaces.map((s) => s.id) },
            status: { not: 'CANCELLED' },
            startsAt: { lt: new Date(windowEnd) },
            endsAt: { gt: new Date(windowStart) },
          },
          select: { spaceId: true, deskId: true, startsAt: true, endsAt: true },
          // 100 spaces × 26 weeks of short bookings stays far below this.
          take: 100_000,
        });

  const items = spaces.map((space) => {
    const coworking = space.kind === 'COWORKING';
    const units = coworking ? space.desks.length : 1;
    const own = bookings.filter((b) => b.spaceId === space.id && (coworking ? b.deskId !== null : b.deskId === null));
    const bookable = [0, 0, 0, 0, 0, 0, 0];
    const booked = [0, 0, 0, 0, 0, 0, 0];
    for (const day of intervals) {
      for (const [open, close] of day.open) {
        bookable[day.weekday - 1]! += ((close - open) / MINUTE) * units;
        for (const b of own) {
          const overlap = Math.min(close, b.endsAt.getTime()) - Math.max(open, b.startsAt.getTime());
          if (overlap > 0) booked[day.weekday - 1]! += overlap / MINUTE;
        }
      }
    }
    return {
      spaceId: space.id,
      spaceName: space.name,
      units,
      weekdays: bookable.map((minutes, i) => ({
        weekday: i + 1,
        bookableMinutes: minutes,
        bookedMinutes: Math.min(minutes, booked[i]!),
      })),
    };
  });
  return { hubId: hub.id, hubName: hub.name, timezone: tz, weeks: input.weeks, from, to: lastDate, spaces: items };
}

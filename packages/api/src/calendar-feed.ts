import { defineAbilityInTenant, hashToken, subject } from '@hubwerk/auth';
import { runInScope } from '@hubwerk/db';
import { bookingSequence, calendarIcs, type IcsEvent, oneOf } from '@hubwerk/domain';
import { loadActor } from './actor.ts';
import type { ApiDependencies } from './context.ts';
import { mayFollow } from './routers/calendar-feeds/calendar-feeds.service.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const DAY = 86_400_000;
/** What a feed shows: the last 30 days and the next 365, at most this many events. */
const PAST_DAYS = 30;
const FUTURE_DAYS = 365;
const MAX_EVENTS = 2000;

/**
 * The iCalendar text of a private feed (docs/decisions/013), or null for a
 * token that is unknown, revoked, or belongs to another town — the caller
 * answers 404 to all alike. The lookup runs under the town's RLS scope (the
 * id in the URL), never through the bypass client; the owner's rights are
 * checked again on every fetch, so a feed stops working when its owner
 * loses access to the hub.
 */
export async function renderCalendarFeed(
  deps: Pick<ApiDependencies, 'db'>,
  tenantId: string,
  token: string,
  now = new Date(),
): Promise<string | null> {
  if (!UUID.test(tenantId) || !TOKEN.test(token)) return null;
  const db = deps.db;
  const feed = await runInScope({ tenantId, userId: null }, () =>
    db.calendarFeed.findFirst({
      where: { tenantId, tokenHash: hashToken(token), revokedAt: null },
      include: { space: { select: { hubId: true, name: true } }, hub: { select: { name: true } } },
    }),
  );
  if (!feed) return null;
  return runInScope({ tenantId, userId: feed.userId }, async () => {
    const [tenant, user] = await Promise.all([
      db.tenant.findFirst({ where: { id: tenantId } }),
      db.user.findFirst({ where: { id: feed.userId }, select: { platformRole: true } }),
    ]);
    if (!tenant || !user) return null;
    const ability = defineAbilityInTenant(
      await loadActor(db, { userId: feed.userId, platformRole: oneOf('PlatformRole', user.platformRole) }),
      tenant,
    );
    const kind = feed.kind === 'SPACE' ? 'space' : feed.kind === 'HUB' ? 'hub' : 'member';
    if (
      ability.cannot('read', subject('Tenant', tenant)) ||
      !mayFollow(ability, tenantId, feed.userId, kind, feed.space?.hubId ?? feed.hubId)
    )
      return null;
    const bookings = await db.booking.findMany({
      where: {
        tenantId,
        startsAt: { gte: new Date(now.getTime() - PAST_DAYS * DAY), lt: new Date(now.getTime() + FUTURE_DAYS * DAY) },
        ...(feed.kind === 'SPACE'
          ? { spaceId: feed.spaceId! }
          : feed.kind === 'HUB'
            ? { space: { hubId: feed.hubId! } }
            : { userId: feed.userId }),
      },
      include: { space: { select: { name: true, hub: { select: { name: true } } } }, desk: { select: { name: true } } },
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
      take: MAX_EVENTS,
    });
    const events: IcsEvent[] = bookings.map((b) => {
      const where = b.desk ? `${b.space.name}, ${b.desk.name}` : b.space.name;
      return {
        uid: `${b.id}@hubwerk`,
        startsAt: b.startsAt,
        endsAt: b.endsAt,
        // Staff feeds show what the room is booked for; one's own feed names the room.
        summary: feed.kind === 'MEMBER' ? where : b.purpose ? `${where}: ${b.purpose}` : where,
        location: b.space.hub.name,
        description: b.purpose,
        status: b.status === 'CANCELLED' ? 'cancelled' : b.status === 'PENDING' ? 'pending' : 'confirmed',
        stamp: now,
        // The same SEQUENCE as the booking's mails and .ics download (docs/decisions/017).
        sequence: bookingSequence(oneOf('BookingStatus', b.status), b.revision),
        lastModified: b.cancelledAt ?? b.changedAt ?? b.createdAt,
      };
    });
    const name =
      feed.kind === 'MEMBER' ? `Hubwerk – ${tenant.name}` : `Hubwerk – ${feed.space?.name ?? feed.hub?.name ?? ''}`;
    return calendarIcs(events, name);
  });
}

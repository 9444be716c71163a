import { oneOf } from '@hubwerk/domain';
import { hashToken, newToken, subject } from '@hubwerk/auth';
import type { Booking, CalendarFeed, Hub, Space } from '@hubwerk/db';
import { DomainError, notFound } from '../../errors.ts';
import { fromApiEnum, toApiEnum } from '../../schemas.ts';
import type { Ctx } from '../spaces/spaces.service.ts';

type Kind = 'space' | 'hub' | 'member';
type FeedRow = CalendarFeed & { hub: Pick<Hub, 'name'> | null; space: Pick<Space, 'name'> | null };

/** The path the API serves a feed at; the town's id lets the lookup run under its RLS scope. */
export const feedPath = (tenantId: string, token: string) => `/ical/${tenantId}/${token}.ics`;

function toFeedOutput(f: FeedRow) {
  return {
    id: f.id,
    kind: toApiEnum(oneOf('CalendarFeedKind', f.kind)),
    hubId: f.hubId,
    spaceId: f.spaceId,
    targetName: f.space?.name ?? f.hub?.name ?? null,
    createdAt: f.createdAt.toISOString(),
    revokedAt: f.revokedAt?.toISOString() ?? null,
  };
}

const include = { hub: { select: { name: true } }, space: { select: { name: true } } } as const;

/**
 * May this person subscribe to the bookings of `hubId`? Whoever may change
 * other people's bookings there (hub staff and managers, town admins, the
 * town's partner, the provider's admins). Own bookings: whoever may book.
 * Checked when the feed is made and again on every fetch (calendar-feed.ts).
 */
export function mayFollow(
  ability: Ctx['ability'],
  tenantId: string,
  userId: string,
  kind: Kind,
  hubId: string | null,
): boolean {
  if (kind === 'member')
    return ability.can('create', subject('Booking', { tenantId, userId, space: { hubId: '' } } as unknown as Booking));
  const probe = { tenantId, userId: '00000000-0000-0000-0000-000000000000', space: { hubId } } as unknown as Booking;
  return ability.can('update', subject('Booking', probe));
}

export async function listFeeds(ctx: Ctx, input: { cursor?: string | undefined; limit: number }) {
  const rows = await ctx.db.calendarFeed.findMany({
    where: { tenantId: ctx.tenant.id, userId: ctx.session.userId, revokedAt: null },
    include,
    orderBy: [{ id: 'asc' }],
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { tenantId_id: { tenantId: ctx.tenant.id, id: input.cursor } }, skip: 1 } : {}),
  });
  const items = rows.slice(0, input.limit);
  return {
    items: items.map(toFeedOutput),
    nextCursor: rows.length > input.limit ? (items[items.length - 1]?.id ?? null) : null,
  };
}

export async function createFeed(
  ctx: Ctx,
  input: { kind: Kind; hubId?: string | undefined; spaceId?: string | undefined },
) {
  const tenantId = ctx.tenant.id;
  const userId = ctx.session.userId;
  const targetError = (field: string) =>
    new DomainError('BAD_REQUEST', 'errors.feed.target', { [field]: ['errors.feed.target'] });
  return ctx.db.$transaction(async (tx) => {
    let hubId: string | null = null;
    let spaceId: string | null = null;
    if (input.kind === 'space') {
      if (!input.spaceId || input.hubId) throw targetError('spaceId');
      const space = await tx.space.findFirst({ where: { tenantId, id: input.spaceId } });
      if (!space || ctx.ability.cannot('read', subject('Space', space))) throw notFound();
      spaceId = space.id;
      if (!mayFollow(ctx.ability, tenantId, userId, 'space', space.hubId))
        throw new DomainError('FORBIDDEN', 'errors.forbidden');
    } else if (input.kind === 'hub') {
      if (!input.hubId || input.spaceId) throw targetError('hubId');
      const hub = await tx.hub.findFirst({ where: { tenantId, id: input.hubId } });
      if (!hub || ctx.ability.cannot('read', subject('Hub', hub))) throw notFound();
      hubId = hub.id;
      if (!mayFollow(ctx.ability, tenantId, userId, 'hub', hub.id))
        throw new DomainError('FORBIDDEN', 'errors.forbidden');
    } else {
      if (input.hubId || input.spaceId) throw targetError('kind');
      if (!mayFollow(ctx.ability, tenantId, userId, 'member', null))
        throw new DomainError('FORBIDDEN', 'errors.forbidden');
    }
    const kind = fromApiEnum(input.kind);
    // One live URL per person and calendar: making a new one revokes the old.
    const now = new Date();
    await tx.calendarFeed.updateMany({
      where: { tenantId, userId, kind, hubId, spaceId, revokedAt: null },
      data: { revokedAt: now },
    });
    const token = newToken();
    const feed = await tx.calendarFeed.create({
      data: { tenantId, kind, hubId, spaceId, userId, tokenHash: hashToken(token) },
      include,
    });
    await tx.auditEvent.create({
      data: {
        tenantId,
        actorUserId: userId,
        action: 'calendarFeed.created',
        targetType: 'CalendarFeed',
        targetId: feed.id,
        requestId: ctx.requestId,
        data: { kind: input.kind, hubId, spaceId },
      },
    });
    return { feed: toFeedOutput(feed), token, path: feedPath(tenantId, token) };
  });
}

/** Revokes one of the caller's feeds; its URL answers 404 from then on. Revoking twice is a no-op. */
export async function revokeFeed(ctx: Ctx, input: { feedId: string }) {
  const tenantId = ctx.tenant.id;
  return ctx.db.$transaction(async (tx) => {
    const feed = await tx.calendarFeed.findFirst({ where: { tenantId, id: input.feedId }, include });
    // Someone else's feed is "not found": its existence is nobody else's business.
    if (!feed || feed.userId !== ctx.session.userId) throw notFound();
    if (feed.revokedAt) return toFeedOutput(feed);
    const revoked = await tx.calendarFeed.update({
      where: { tenantId_id: { tenantId, id: feed.id } },
      data: { revokedAt: new Date() },
      include,
    });
    await tx.auditEvent.create({
      data: {
        tenantId,
        actorUserId: ctx.session.userId,
        action: 'calendarFeed.revoked',
        targetType: 'CalendarFeed',
        targetId: feed.id,
        requestId: ctx.requestId,
      },
    });
    return toFeedOutput(revoked);
  });
}

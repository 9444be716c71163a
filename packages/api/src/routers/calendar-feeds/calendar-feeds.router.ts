import { z } from 'zod';
import { id, pageInput, slug } from '../../schemas.ts';
import { router, tenantProcedure } from '../../trpc.ts';
import { createFeed, listFeeds, revokeFeed } from './calendar-feeds.service.ts';
import { allow, bookers, foreignIds, signedIn, townReaders } from '../../contracts.ts';

export const FEED_KINDS = ['space', 'hub', 'member'] as const;

export const feedOutput = z
  .object({
    id,
    kind: z.enum(FEED_KINDS),
    hubId: id.nullable(),
    spaceId: id.nullable(),
    /** The hub's or space's name; null for one's own bookings. */
    targetName: z.string().nullable(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .strict();

/** Private iCal feed URLs (docs/decisions/013). */
export const calendarFeedsRouter = router({
  /** The caller's active feeds (their URLs are shown once, when made). */
  list: tenantProcedure
    .meta({
      // Feeds: one's own list; the cell makes a feed of one's own bookings (whoever may book); each role revokes its own feed.
      access: allow(townReaders),
      isolation: foreignIds(),
    })
    .input(pageInput.extend({ tenant: slug }).strict())
    .output(z.object({ items: z.array(feedOutput), nextCursor: id.nullable() }).strict())
    .query(({ ctx, input }) => listFeeds(ctx, input)),

  /** Makes a feed URL, replacing (revoking) the caller's previous one for the same calendar. */
  create: tenantProcedure
    .meta({
      access: allow(bookers),
      isolation: foreignIds(),
    })
    .input(
      z
        .object({
          tenant: slug,
          kind: z.enum(FEED_KINDS, { error: 'validation.invalid' }),
          hubId: id.optional(),
          spaceId: id.optional(),
        })
        .strict(),
    )
    .output(z.object({ feed: feedOutput, token: z.string(), path: z.string() }).strict())
    .mutation(({ ctx, input }) => createFeed(ctx, input)),

  revoke: tenantProcedure
    .meta({
      access: allow(signedIn),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, feedId: id }).strict())
    .output(feedOutput)
    .mutation(({ ctx, input }) => revokeFeed(ctx, input)),
});

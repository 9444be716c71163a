import { z } from 'zod';
import { id, slug } from '../../schemas.ts';
import { router, tenantProcedure } from '../../trpc.ts';
import { bookingOutput, freeSlot } from '../bookings/bookings.schemas.ts';
import { isoDate } from '../spaces/spaces.schemas.ts';
import { spaceKind } from '../spaces/spaces.schemas.ts';
import { hubWeek } from './hub-calendar.service.ts';
import { allow, foreignIds, townReaders } from '../../contracts.ts';

export const hubCalendarRouter = router({
  /** The week (Mon–Sun) of a whole hub: every space and desk with its bookings and free time. */
  week: tenantProcedure
    .meta({
      access: allow(townReaders),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, hubId: id, date: isoDate }).strict())
    .output(
      z
        .object({
          hub: z.object({ id, slug: z.string(), name: z.string() }).strict(),
          timezone: z.string(),
          weekStart: z.string(),
          days: z.array(z.string()),
          resources: z.array(
            z
              .object({
                spaceId: id,
                spaceName: z.string(),
                kind: spaceKind,
                deskId: id.nullable(),
                deskName: z.string().nullable(),
                maxDurationMinutes: z.number().int(),
                free: z.array(freeSlot),
              })
              .strict(),
          ),
          items: z.array(bookingOutput),
        })
        .strict(),
    )
    .query(({ ctx, input }) => hubWeek(ctx, input)),
});

import { z } from 'zod';
import { id, slug } from '../../schemas.ts';
import { router, tenantProcedure } from '../../trpc.ts';
import { hubOccupancy, MAX_WEEKS } from './occupancy.service.ts';
import { allow, foreignIds } from '../../contracts.ts';

const minutes = z.number().int().nonnegative();

export const occupancyOutput = z
  .object({
    hubId: id,
    hubName: z.string(),
    timezone: z.string(),
    weeks: z.number().int(),
    /** First and last local date counted (Monday … Sunday). */
    from: z.string(),
    to: z.string(),
    spaces: z.array(
      z
        .object({
          spaceId: id,
          spaceName: z.string(),
          /** Desks of a co-working space, else 1. */
          units: z.number().int(),
          weekdays: z.array(
            z
              .object({ weekday: z.number().int().min(1).max(7), bookableMinutes: minutes, bookedMinutes: minutes })
              .strict(),
          ),
        })
        .strict(),
    ),
  })
  .strict();

export const occupancyRouter = router({
  hub: tenantProcedure
    .meta({
      access: allow(['platform-admin', 'platform-support', 'partner-admin', 'town-admin', 'hub-manager']),
      isolation: foreignIds(),
    })
    .input(
      z
        .object({
          tenant: slug,
          hubId: id,
          weeks: z
            .number({ error: 'validation.invalid' })
            .int('validation.invalid')
            .min(1, 'validation.invalid')
            .max(MAX_WEEKS, 'validation.invalid')
            .default(8),
        })
        .strict(),
    )
    .output(occupancyOutput)
    .query(({ ctx, input }) => hubOccupancy(ctx, input)),
});

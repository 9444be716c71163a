import { z } from 'zod';
import { id, slug } from '../../schemas.ts';
import { router, tenantProcedure } from '../../trpc.ts';
import { arrive, checkInState, recordNoShows } from './check-in.service.ts';
import { allow, bookers, foreignIds, hubConfigurers, townReaders } from '../../contracts.ts';

export const checkInOutput = z
  .object({
    bookingId: id,
    spaceName: z.string(),
    deskName: z.string().nullable(),
    hubId: id,
    startsAt: z.string(),
    endsAt: z.string(),
    status: z.enum(['pending', 'confirmed', 'cancelled']),
    mine: z.boolean(),
    checkedInAt: z.string().nullable(),
    noShowAt: z.string().nullable(),
    /** Check-in is possible from here … */
    opensAt: z.string(),
    /** … until the booking ends. */
    closesAt: z.string(),
    /** Not checked in by then: a no-show. */
    graceEndsAt: z.string(),
  })
  .strict();

const bookingRef = z.object({ tenant: slug, bookingId: id }).strict();

/** Check-in at the hub and no-shows (docs/decisions/013). */
export const checkInRouter = router({
  state: tenantProcedure
    .meta({
      // Check-in: the cell's booking is the member's own; staff of its hub check anyone in; support only reads.
      access: allow(townReaders),
      isolation: foreignIds(),
    })
    .input(bookingRef)
    .output(checkInOutput)
    .query(({ ctx, input }) => checkInState(ctx, input)),

  /** The member (from the booking's QR link) or hub staff: arrived. */
  arrive: tenantProcedure
    .meta({
      access: allow(bookers),
      isolation: foreignIds(),
    })
    .input(bookingRef)
    .output(checkInOutput)
    .mutation(({ ctx, input }) => arrive(ctx, input)),

  /** Hub staff: record every booking of the hub whose grace period passed without a check-in. */
  recordNoShows: tenantProcedure
    .meta({
      // Hub staff record the no-shows of their hub like its managers.
      access: allow(hubConfigurers, ['hub-staff']),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, hubId: id }).strict())
    .output(z.object({ recorded: z.number().int(), bookingIds: z.array(id) }).strict())
    .mutation(({ ctx, input }) => recordNoShows(ctx, input)),
});

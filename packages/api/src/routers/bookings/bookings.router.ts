import { z } from 'zod';
import { id, pageInput, slug } from '../../schemas.ts';
import { requestFingerprint, tenantIdempotently } from '../../idempotency.ts';
import { router, tenantProcedure } from '../../trpc.ts';
import {
  availabilityInput,
  availabilityOutput,
  bookingOutput,
  changeBookingInput,
  createBookingInput,
  weekInput,
} from './bookings.schemas.ts';
import { changeBookingExplained } from './change-booking.ts';
import { createBookingExplained } from './booking-conflict.ts';
import {
  availability,
  bookingAsCreated,
  cancelBooking,
  decideBooking,
  getBooking,
  myBookings,
  spaceWeek,
} from './bookings.service.ts';
import { allow, bookers, foreignIds, hubConfigurers, townReaders } from '../../contracts.ts';

export const bookingsRouter = router({
  create: tenantProcedure
    .meta({
      access: allow(bookers),
      isolation: foreignIds(),
    })
    .input(createBookingInput)
    .output(bookingOutput)
    .mutation(({ ctx, input }) => {
      const { tenant: _tenant, idempotencyKey, ...booking } = input;
      return tenantIdempotently(
        ctx,
        idempotencyKey
          ? {
              key: idempotencyKey,
              operation: 'bookings.create',
              fingerprint: requestFingerprint('bookings.create', ctx.session.userId, booking),
            }
          : null,
        (idempotency) => createBookingExplained(ctx, booking, idempotency),
        (bookingId) => bookingAsCreated(ctx, bookingId),
      );
    }),

  /** Change time, space or desk, purpose, attendees (docs/decisions/017): the owner, or staff of its hub. */
  update: tenantProcedure
    .meta({
      // Changing (docs/decisions/017): like cancelling — the cell's booking is the member's own; staff of its hub change it too; support only reads.
      access: allow(bookers),
      isolation: foreignIds(),
    })
    .input(changeBookingInput)
    .output(bookingOutput)
    .mutation(({ ctx, input }) => {
      const { tenant: _tenant, ...change } = input;
      return changeBookingExplained(ctx, change);
    }),

  cancel: tenantProcedure
    .meta({
      // The cell's booking is the member's own: the member may cancel it, support may only read it.
      access: allow(bookers),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, bookingId: id }).strict())
    .output(bookingOutput)
    .mutation(({ ctx, input }) => cancelBooking(ctx, input)),

  decide: tenantProcedure
    .meta({
      access: allow(hubConfigurers),
      isolation: foreignIds(),
    })
    .input(
      z
        .object({
          tenant: slug,
          bookingId: id,
          decision: z.enum(['approve', 'reject'], { error: 'validation.invalid' }),
        })
        .strict(),
    )
    .output(bookingOutput)
    .mutation(({ ctx, input }) => decideBooking(ctx, input)),

  get: tenantProcedure
    .meta({
      access: allow(townReaders),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, bookingId: id }).strict())
    .output(bookingOutput.extend({ hubName: z.string(), sequence: z.number().int() }).strict())
    .query(({ ctx, input }) => getBooking(ctx, input)),

  mine: tenantProcedure
    .meta({
      access: allow(townReaders),
      isolation: foreignIds(),
    })
    .input(pageInput.extend({ tenant: slug, includeCancelled: z.boolean().default(false) }).strict())
    .output(z.object({ items: z.array(bookingOutput), nextCursor: id.nullable() }).strict())
    .query(({ ctx, input }) => myBookings(ctx, input)),

  week: tenantProcedure
    .meta({
      access: allow(townReaders),
      isolation: foreignIds(),
    })
    .input(weekInput)
    .output(
      z.object({ weekStart: z.string(), from: z.string(), to: z.string(), items: z.array(bookingOutput) }).strict(),
    )
    .query(({ ctx, input }) => spaceWeek(ctx, input)),

  availability: tenantProcedure
    .meta({
      access: allow(townReaders),
      isolation: foreignIds(),
    })
    .input(availabilityInput)
    .output(availabilityOutput)
    .query(({ ctx, input }) => availability(ctx, input)),
});

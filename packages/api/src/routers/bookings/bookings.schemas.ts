import { z } from 'zod';
import { id, idempotencyKey, instant, optionalText, slug } from '../../schemas.ts';
import { isoDate } from '../spaces/spaces.schemas.ts';

export const BOOKING_STATUSES = ['pending', 'confirmed', 'cancelled'] as const;

export { instant };

export const createBookingInput = z
  .object({
    tenant: slug,
    spaceId: id,
    deskId: id.optional(),
    startsAt: instant,
    endsAt: instant,
    purpose: optionalText(300),
    attendees: z
      .number({ error: 'validation.invalid' })
      .int('validation.invalid')
      .min(1, 'validation.attendees')
      .max(10_000, 'validation.attendees')
      .default(1),
    /** Staff: book for this person of the town. */
    forUserId: id.optional(),
    /** Staff: book for (and on the plan of) this organisation. */
    organisationId: id.optional(),
    /** Made once per attempt (e.g. per rendered form): a retry with it gets the booking the first request made (docs/decisions/033). */
    idempotencyKey: idempotencyKey.optional(),
  })
  .strict();

/** `bookings.update` (docs/decisions/017): the new time always; space, desk, purpose and attendees when they change. */
export const changeBookingInput = z
  .object({
    tenant: slug,
    bookingId: id,
    startsAt: instant,
    endsAt: instant,
    /** Another space (absent: the same one). */
    spaceId: id.optional(),
    /** The desk: with a new space, its desk (absent: none); without, another desk of the same space (absent: the same desk). */
    deskId: id.optional(),
    /** Absent: unchanged; empty: none. */
    purpose: z.string({ error: 'validation.invalid' }).trim().max(300, 'validation.tooLong').nullable().optional(),
    attendees: z
      .number({ error: 'validation.invalid' })
      .int('validation.invalid')
      .min(1, 'validation.attendees')
      .max(10_000, 'validation.attendees')
      .optional(),
  })
  .strict();

export const bookingOutput = z
  .object({
    id,
    spaceId: id,
    spaceName: z.string(),
    hubId: id,
    deskId: id.nullable(),
    deskName: z.string().nullable(),
    startsAt: z.string(),
    endsAt: z.string(),
    status: z.enum(BOOKING_STATUSES),
    /** Only for those who may read the booking (its owner, hub staff). */
    purpose: z.string().nullable(),
    attendees: z.number().int(),
    mine: z.boolean(),
    /** The recurring series it belongs to (docs/decisions/013), if any. */
    seriesId: id.nullable(),
    /** For whom, who made it (when staff booked for someone else), for which organisation: only for those who may read the booking. */
    forName: z.string().nullable(),
    createdByName: z.string().nullable(),
    organisationName: z.string().nullable(),
  })
  .strict();

export const weekInput = z.object({ tenant: slug, spaceId: id, date: isoDate }).strict();

export const freeSlot = z.object({ startsAt: z.string(), endsAt: z.string() }).strict();

export const availabilityInput = z
  .object({
    tenant: slug,
    /** A space (its desks if it is a co-working space) … */
    spaceId: id.optional(),
    /** … or every desk of a hub. */
    hubId: id.optional(),
    date: isoDate,
    days: z.number().int().min(1, 'validation.invalid').max(7, 'validation.invalid').default(1),
  })
  .strict();

export const availabilityOutput = z
  .object({
    timezone: z.string(),
    from: z.string(),
    days: z.number().int(),
    resources: z.array(
      z
        .object({
          spaceId: id,
          spaceName: z.string(),
          deskId: id.nullable(),
          deskName: z.string().nullable(),
          granularityMinutes: z.number().int(),
          minDurationMinutes: z.number().int(),
          maxDurationMinutes: z.number().int(),
          free: z.array(freeSlot),
        })
        .strict(),
    ),
  })
  .strict();

import { z } from 'zod';
import { id, idempotencyKey, optionalText, slug } from '../../schemas.ts';
import { BOOKING_STATUSES, instant } from '../bookings/bookings.schemas.ts';
import { isoDate } from '../spaces/spaces.schemas.ts';

/** Why an occurrence cannot be booked: taken (another booking or the buffer), the hub is closed that day, outside opening hours, or another rule of the space. */
export const CONFLICT_REASONS = ['taken', 'closed', 'outside-opening-hours', 'rule'] as const;

export const seriesInput = z
  .object({
    tenant: slug,
    spaceId: id,
    deskId: id.optional(),
    /** Start and end of the first occurrence; later ones repeat its local time. */
    startsAt: instant,
    endsAt: instant,
    rrule: z
      .string({ error: 'validation.required' })
      .trim()
      .min(1, 'validation.required')
      .max(300, 'validation.tooLong'),
    purpose: optionalText(300),
    attendees: z
      .number({ error: 'validation.invalid' })
      .int('validation.invalid')
      .min(1, 'validation.attendees')
      .max(10_000, 'validation.attendees')
      .default(1),
  })
  .strict();

/** `bookingSeries.create`: the series, and the client's idempotency key (docs/decisions/033). */
export const createSeriesInput = seriesInput.extend({ idempotencyKey: idempotencyKey.optional() }).strict();

export const occurrenceCheck = z
  .object({
    date: z.string(),
    startsAt: z.string(),
    endsAt: z.string(),
    conflict: z
      .object({ reason: z.enum(CONFLICT_REASONS), messageKey: z.string(), params: z.record(z.string(), z.string()) })
      .strict()
      .nullable(),
  })
  .strict();

export const previewOutput = z
  .object({ timezone: z.string(), occurrences: z.array(occurrenceCheck), conflicts: z.number().int() })
  .strict();

export const seriesOutput = z
  .object({
    id,
    spaceId: id,
    spaceName: z.string(),
    hubId: id,
    deskId: id.nullable(),
    deskName: z.string().nullable(),
    rrule: z.string(),
    purpose: z.string().nullable(),
    attendees: z.number().int(),
    mine: z.boolean(),
    /** The series this one replaced from its first date on, and the newest one that replaced part of this (docs/decisions/020). */
    previousSeriesId: id.nullable(),
    nextSeriesId: id.nullable(),
    /** Every occurrence (at most MAX_OCCURRENCES, so no pagination), by start. */
    occurrences: z.array(
      z
        .object({
          bookingId: id,
          date: z.string(),
          startsAt: z.string(),
          endsAt: z.string(),
          status: z.enum(BOOKING_STATUSES),
        })
        .strict(),
    ),
  })
  .strict();

export const cancelSeriesInput = z
  .object({
    tenant: slug,
    seriesId: id,
    /** First local date to cancel (default: today); occurrences that already ended are never cancelled. */
    from: isoDate.optional(),
    /** Last local date to cancel (default: the end of the series). from = to cancels one occurrence. */
    to: isoDate.optional(),
  })
  .strict();

/** "Diesen und alle folgenden Termine ändern" (docs/decisions/020). */
export const editSeriesInput = z
  .object({
    tenant: slug,
    seriesId: id,
    /** First local date whose occurrences are replaced; earlier ones stay as they are. */
    from: isoDate,
    /** Start and end of the first new occurrence (on or after `from`); later ones repeat its local time. */
    startsAt: instant,
    endsAt: instant,
    rrule: seriesInput.shape.rrule,
    purpose: seriesInput.shape.purpose,
    attendees: seriesInput.shape.attendees,
  })
  .strict();

export const editPreviewOutput = previewOutput
  .extend({
    /** How many of the series' occurrences from `from` on would be cancelled. */
    replaced: z.number().int(),
  })
  .strict();

export const editSeriesOutput = z.object({ cancelled: z.number().int(), series: seriesOutput }).strict();

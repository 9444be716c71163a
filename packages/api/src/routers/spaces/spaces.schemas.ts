import { z } from 'zod';
import { id, isoDate, name, optionalText, slug, text } from '../../schemas.ts';

/** Input and output shapes of spaces, desks, rules and opening hours. */

export const SPACE_KINDS = ['event-room', 'showroom', 'coworking', 'meeting-room'] as const;
export const spaceKind = z.enum(SPACE_KINDS, { error: 'validation.invalid' });

const minutes = (min: number, max: number) =>
  z
    .number({ error: 'validation.invalid' })
    .int('validation.invalid')
    .min(min, 'validation.rules.range')
    .max(max, 'validation.rules.range');

/** Booking rules of a space; cross-field checks in `checkRules`. */
export const bookingRules = z
  .object({
    granularityMinutes: minutes(5, 1440),
    minDurationMinutes: minutes(5, 1440),
    maxDurationMinutes: minutes(5, 1440),
    leadTimeMinutes: minutes(0, 60 * 24 * 30),
    horizonDays: minutes(1, 730),
    bufferMinutes: minutes(0, 240),
    approvalRequired: z.boolean(),
    /** Minutes after the start until a booking not checked in is a no-show (docs/decisions/013); unchanged if left out. */
    checkInGraceMinutes: minutes(0, 240).optional(),
    /** Per-member limit: at most this many days a week with a booking of the space (null: none; absent: unchanged). */
    memberDaysPerWeek: z
      .number({ error: 'validation.invalid' })
      .int('validation.invalid')
      .min(1, 'validation.rules.range')
      .max(7, 'validation.rules.range')
      .nullable()
      .optional(),
    /** The public may request the space from the hub's public page (absent: unchanged). */
    publicBookable: z.boolean().optional(),
  })
  .strict();
export type BookingRules = z.infer<typeof bookingRules>;

export const DEFAULT_RULES: BookingRules = {
  granularityMinutes: 30,
  minDurationMinutes: 30,
  maxDurationMinutes: 600,
  leadTimeMinutes: 0,
  horizonDays: 90,
  bufferMinutes: 0,
  approvalRequired: false,
};

const shortList = z.array(text(60, { min: 1 })).max(20, 'validation.tooLong');

export const deskOutput = z.object({ id, name: z.string(), attributes: z.array(z.string()) }).strict();

export const spaceOutput = z
  .object({
    id,
    hubId: id,
    kind: spaceKind,
    name: z.string(),
    capacity: z.number().int(),
    amenities: z.array(z.string()),
    accessibilityNotes: z.string().nullable(),
    rules: bookingRules,
    archived: z.boolean(),
    desks: z.array(deskOutput),
    archivedDesks: z.array(deskOutput),
  })
  .strict();

const capacity = z
  .number({ error: 'validation.invalid' })
  .int('validation.invalid')
  .min(1, 'validation.capacity')
  .max(10_000, 'validation.capacity');
const deskCount = z
  .number({ error: 'validation.invalid' })
  .int('validation.invalid')
  .min(0)
  .max(200, 'validation.rules.range');

export const createSpaceInput = z
  .object({
    tenant: slug,
    hubId: id,
    kind: spaceKind,
    name,
    capacity,
    amenities: shortList.default([]),
    accessibilityNotes: optionalText(1000, { multiline: true }),
    /** Co-working only: desks "Arbeitsplatz 1" … "Arbeitsplatz N" are created with the space. */
    deskCount: deskCount.default(0),
    rules: bookingRules.optional(),
  })
  .strict();

/** Everything set at creation except the rules (updateRules) and single desks (updateDesk and friends). */
export const updateSpaceInput = z
  .object({
    tenant: slug,
    spaceId: id,
    kind: spaceKind,
    name,
    capacity,
    amenities: shortList.default([]),
    accessibilityNotes: optionalText(1000, { multiline: true }),
    /** Co-working: desks in use; more adds "Arbeitsplatz NN" desks, fewer is refused (archive or delete singly). */
    deskCount: deskCount.default(0),
  })
  .strict();

export const setSpaceArchivedInput = z.object({ tenant: slug, spaceId: id, archived: z.boolean() }).strict();
export const deleteSpaceInput = z.object({ tenant: slug, spaceId: id }).strict();
export const updateDeskInput = z.object({ tenant: slug, deskId: id, name, attributes: shortList.default([]) }).strict();
export const setDeskArchivedInput = z.object({ tenant: slug, deskId: id, archived: z.boolean() }).strict();
export const deleteDeskInput = z.object({ tenant: slug, deskId: id }).strict();

export const addDeskInput = z.object({ tenant: slug, spaceId: id, name, attributes: shortList.default([]) }).strict();

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'validation.time');
export { isoDate };

export const openingInterval = z
  .object({
    weekday: z.number().int().min(1, 'validation.invalid').max(7, 'validation.invalid'),
    opensAt: hhmm,
    closesAt: hhmm,
  })
  .strict();

export const openingHoursOutput = z
  .object({
    hubId: id,
    timezone: z.string(),
    week: z.array(openingInterval),
    closedDays: z.array(z.object({ date: z.string(), note: z.string().nullable(), holiday: z.boolean() }).strict()),
    /** Dates with special (e.g. shortened) hours instead of the weekly ones. */
    specialDays: z.array(
      z.object({ date: z.string(), note: z.string().nullable(), opensAt: z.string(), closesAt: z.string() }).strict(),
    ),
  })
  .strict();

export const setOpeningHoursInput = z
  .object({ tenant: slug, hubId: id, week: z.array(openingInterval).max(21, 'validation.tooLong') })
  .strict();

export const closedDayInput = z.object({ tenant: slug, hubId: id, date: isoDate, note: optionalText(200) }).strict();
export const importHolidaysInput = z
  .object({
    tenant: slug,
    hubId: id,
    year: z
      .number({ error: 'validation.invalid' })
      .int('validation.invalid')
      .min(2000, 'validation.year')
      .max(2100, 'validation.year'),
  })
  .strict();
export const specialHoursInput = z
  .object({ tenant: slug, hubId: id, date: isoDate, opensAt: hhmm, closesAt: hhmm, note: optionalText(200) })
  .strict();
export const removeClosedDayInput = z.object({ tenant: slug, hubId: id, date: isoDate }).strict();

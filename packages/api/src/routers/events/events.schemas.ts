import { z } from 'zod';
import { id, instant, multilineText, slug, text } from '../../schemas.ts';
import { isoDate } from '../spaces/spaces.schemas.ts';

/** The catalogue's and the events' vocabulary (CHECK constraints in the migration say the same). */
export const EVENT_KINDS = ['workshop', 'talk', 'consultation', 'hackathon', 'exhibition', 'training'] as const;
export const EVENT_AUDIENCES = ['citizens', 'administration', 'businesses', 'startups', 'schools'] as const;
export const EVENT_STATUSES = ['draft', 'published', 'cancelled', 'finished'] as const;
export const ATTENDANCE_MODES = ['onsite', 'online', 'hybrid'] as const;
export const WAITLIST_MODES = ['auto', 'offer'] as const;
export const REGISTRATION_STATUSES = ['confirmed', 'waitlisted', 'offered', 'lapsed', 'cancelled', 'removed'] as const;

export const eventKind = z.enum(EVENT_KINDS, { error: 'validation.event.kind' });
export const audience = z
  .array(z.enum(EVENT_AUDIENCES, { error: 'validation.event.audience' }), { error: 'validation.invalid' })
  .max(EVENT_AUDIENCES.length, 'validation.invalid')
  .transform((a) => [...new Set(a)]);
const int = (min: number, max: number, key = 'validation.invalid') =>
  z.number({ error: 'validation.invalid' }).int('validation.invalid').min(min, key).max(max, key);
export const capacity = int(1, 10_000, 'validation.event.capacity');
const meetingUrl = text(500)
  .refine((v) => v === '' || /^https:\/\/[^\s]+$/i.test(v), { message: 'validation.event.meetingUrl' })
  .transform((v) => (v === '' ? null : v));

/** What an event says about itself; create takes them all, update any of them. */
const eventFields = {
  title: text(200, { min: 1 }),
  description: multilineText(5000),
  kind: eventKind,
  audience,
  language: z.enum(['de', 'en'], { error: 'validation.invalid' }),
  stepFree: z.boolean({ error: 'validation.invalid' }),
  hearingLoop: z.boolean({ error: 'validation.invalid' }),
  signLanguageOnRequest: z.boolean({ error: 'validation.invalid' }),
  accessibilityNotes: multilineText(1000),
  attendanceMode: z.enum(ATTENDANCE_MODES, { error: 'validation.invalid' }),
  meetingUrl: meetingUrl.nullable(),
  maxSeatsPerRegistration: int(1, 50, 'validation.event.maxSeats'),
  registrationOpensAt: instant.nullable(),
  registrationClosesAt: instant.nullable(),
  waitlistMode: z.enum(WAITLIST_MODES, { error: 'validation.invalid' }),
  offerHours: int(1, 168, 'validation.event.offerHours'),
  retentionDays: int(1, 3650, 'validation.event.retentionDays'),
};

export const createEventInput = z
  .object({
    tenant: slug,
    hubId: id,
    spaceId: id,
    title: eventFields.title,
    kind: eventFields.kind,
    capacity,
    description: eventFields.description.default(''),
    audience: eventFields.audience.default([]),
    language: eventFields.language.default('de'),
    stepFree: eventFields.stepFree.default(false),
    hearingLoop: eventFields.hearingLoop.default(false),
    signLanguageOnRequest: eventFields.signLanguageOnRequest.default(false),
    accessibilityNotes: eventFields.accessibilityNotes.default(''),
    attendanceMode: eventFields.attendanceMode.default('onsite'),
    meetingUrl: eventFields.meetingUrl.default(null),
    maxSeatsPerRegistration: eventFields.maxSeatsPerRegistration.default(1),
    registrationOpensAt: eventFields.registrationOpensAt.default(null),
    registrationClosesAt: eventFields.registrationClosesAt.default(null),
    waitlistMode: eventFields.waitlistMode.default('auto'),
    offerHours: eventFields.offerHours.default(24),
    retentionDays: eventFields.retentionDays.default(30),
  })
  .strict();
export type CreateEventInput = Omit<z.output<typeof createEventInput>, 'tenant'>;

export const updateEventInput = z.object(eventFields).partial().extend({ tenant: slug, eventId: id }).strict();
export type UpdateEventInput = Omit<z.output<typeof updateEventInput>, 'tenant' | 'eventId'>;

export const eventRef = z.object({ tenant: slug, eventId: id }).strict();

export const addSessionInput = z.object({ tenant: slug, eventId: id, startsAt: instant, endsAt: instant }).strict();

export const listEventsInput = z
  .object({ tenant: slug, hubId: id, from: isoDate, to: isoDate, includeDrafts: z.boolean().default(true) })
  .strict();

export const registerInput = z
  .object({
    tenant: slug,
    eventId: id,
    seats: int(1, 50, 'validation.event.seats').default(1),
    /** Answers to the event's questions, by question key (the questions themselves come later). */
    answers: z.record(text(50, { min: 1 }), text(1000)).default({}),
  })
  .strict();

export const registrationRef = z.object({ tenant: slug, eventId: id, registrationId: id }).strict();

export const setCapacityInput = z.object({ tenant: slug, eventId: id, capacity }).strict();

export const checkInInput = z
  .object({ tenant: slug, eventId: id, registrationId: id.optional(), checkInToken: text(100, { min: 1 }).optional() })
  .strict();

export const sessionOutput = z
  .object({ id, startsAt: z.string(), endsAt: z.string(), bookingId: id.nullable() })
  .strict();

export const eventOutput = z
  .object({
    id,
    hubId: id,
    spaceId: id,
    formatId: id.nullable(),
    title: z.string(),
    description: z.string(),
    kind: z.enum(EVENT_KINDS),
    audience: z.array(z.enum(EVENT_AUDIENCES)),
    language: z.string(),
    stepFree: z.boolean(),
    hearingLoop: z.boolean(),
    signLanguageOnRequest: z.boolean(),
    accessibilityNotes: z.string(),
    attendanceMode: z.enum(ATTENDANCE_MODES),
    /** Only for organisers and confirmed participants. */
    meetingUrl: z.string().nullable(),
    capacity: z.number().int(),
    confirmedSeats: z.number().int(),
    offeredSeats: z.number().int(),
    waitlisted: z.number().int(),
    maxSeatsPerRegistration: z.number().int(),
    registrationOpensAt: z.string().nullable(),
    registrationClosesAt: z.string().nullable(),
    requiresApproval: z.boolean(),
    waitlistMode: z.enum(WAITLIST_MODES),
    offerHours: z.number().int(),
    retentionDays: z.number().int(),
    status: z.enum(EVENT_STATUSES),
    sessions: z.array(sessionOutput),
    /** May the caller organise it (edit, publish, see registrations)? */
    organiser: z.boolean(),
    /** The caller's own live registration, if any. */
    myRegistration: z
      .object({
        id,
        status: z.enum(REGISTRATION_STATUSES),
        seats: z.number().int(),
        waitlistPosition: z.number().int().nullable(),
        offerExpiresAt: z.string().nullable(),
      })
      .strict()
      .nullable(),
  })
  .strict();

export const registrationOutput = z
  .object({
    id,
    eventId: id,
    userId: id.nullable(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    seats: z.number().int(),
    status: z.enum(REGISTRATION_STATUSES),
    /** 1-based place among those waiting now; null unless waitlisted. */
    waitlistPosition: z.number().int().nullable(),
    offerExpiresAt: z.string().nullable(),
    checkedInAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .strict();

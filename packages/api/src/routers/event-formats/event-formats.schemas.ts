import { z } from 'zod';
import { id, multilineText, slug, text } from '../../schemas.ts';
import { audience, capacity, EVENT_AUDIENCES, EVENT_KINDS, eventKind } from '../events/events.schemas.ts';

const formatFields = {
  title: text(200, { min: 1 }),
  description: multilineText(5000),
  kind: eventKind,
  audience,
  durationMinutes: z
    .number({ error: 'validation.invalid' })
    .int('validation.invalid')
    .min(1, 'validation.event.duration')
    .max(10_080, 'validation.event.duration'),
  idealCapacity: capacity,
  roomNeeds: multilineText(2000),
  equipment: multilineText(2000),
  accessibilityNotes: multilineText(2000),
  materials: multilineText(2000),
};

export const createFormatInput = z
  .object({
    /** The partner offering it; absent: the provider's own. */
    partnerId: id.nullable().default(null),
    title: formatFields.title,
    kind: formatFields.kind,
    durationMinutes: formatFields.durationMinutes,
    idealCapacity: formatFields.idealCapacity,
    description: formatFields.description.default(''),
    audience: formatFields.audience.default([]),
    roomNeeds: formatFields.roomNeeds.default(''),
    equipment: formatFields.equipment.default(''),
    accessibilityNotes: formatFields.accessibilityNotes.default(''),
    materials: formatFields.materials.default(''),
  })
  .strict();

export const updateFormatInput = z
  .object(formatFields)
  .partial()
  .extend({ formatId: id, archived: z.boolean({ error: 'validation.invalid' }).optional() })
  .strict();

export const listFormatsInput = z.object({ partnerId: id.optional(), kind: eventKind.optional() }).strict().default({});

export const adoptFormatInput = z
  .object({ tenant: slug, formatId: id, hubId: id, spaceId: id, capacity: capacity.optional() })
  .strict();

export const formatOutput = z
  .object({
    id,
    partnerId: id.nullable(),
    partnerName: z.string().nullable(),
    title: z.string(),
    description: z.string(),
    kind: z.enum(EVENT_KINDS),
    audience: z.array(z.enum(EVENT_AUDIENCES)),
    durationMinutes: z.number().int(),
    idealCapacity: z.number().int(),
    roomNeeds: z.string(),
    equipment: z.string(),
    accessibilityNotes: z.string(),
    materials: z.string(),
    archived: z.boolean(),
    /** May the caller change it? */
    editable: z.boolean(),
  })
  .strict();

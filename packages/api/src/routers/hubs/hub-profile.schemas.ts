import { z } from 'zod';
import { email, id, name, optionalText, slug } from '../../schemas.ts';

/**
 * Accessibility of a hub as structured flags (filterable, translatable) plus
 * free text for what the flags cannot say.
 */
export const ACCESSIBILITY_FLAGS = [
  'step-free',
  'lift',
  'accessible-toilet',
  'hearing-loop',
  'accessible-parking',
  'tactile-guidance',
  'quiet-room',
] as const;
export const accessibilityFlag = z.enum(ACCESSIBILITY_FLAGS, { error: 'validation.invalid' });

const phone = z
  .string()
  .trim()
  .max(40, 'validation.tooLong')
  .regex(/^$|^\+?[0-9 ()/-]{5,40}$/, 'validation.phone')
  .optional()
  .transform((v) => (v ? v : null));

export const hubProfileFields = z
  .object({
    name,
    thematicFocus: optionalText(200),
    description: optionalText(2000, { multiline: true }),
    street: optionalText(200),
    postalCode: z
      .string()
      .trim()
      .regex(/^$|^\d{5}$/, 'validation.postalCode')
      .optional()
      .transform((v) => (v ? v : null)),
    city: optionalText(120),
    contactEmail: z
      .union([z.literal(''), email])
      .optional()
      .transform((v) => (v ? v : null)),
    contactPhone: phone,
    accessibility: z.array(accessibilityFlag).max(ACCESSIBILITY_FLAGS.length, 'validation.tooLong').default([]),
    accessibilityNotes: optionalText(1000, { multiline: true }),
    isPublic: z.boolean({ error: 'validation.invalid' }),
  })
  .strict();
export type HubProfileFields = z.infer<typeof hubProfileFields>;

export const updateHubProfileInput = hubProfileFields.extend({ tenant: slug, hubId: id }).strict();

export const hubProfileOutput = z
  .object({
    id,
    slug: z.string(),
    name: z.string(),
    thematicFocus: z.string().nullable(),
    description: z.string().nullable(),
    street: z.string().nullable(),
    postalCode: z.string().nullable(),
    city: z.string().nullable(),
    contactEmail: z.string().nullable(),
    contactPhone: z.string().nullable(),
    accessibility: z.array(accessibilityFlag),
    accessibilityNotes: z.string().nullable(),
    isPublic: z.boolean(),
    /** The town's Bundesland ("03"), for the holiday import. */
    bundesland: z.string(),
    /** Fields the caller may change (CASL field rules); empty = read-only. */
    editableFields: z.array(z.string()),
    /** Hidden from booking and the public page (docs/decisions/035). */
    archived: z.boolean(),
    /** May archive or delete the whole hub: the town's admins, not its managers. */
    canArchive: z.boolean(),
  })
  .strict();

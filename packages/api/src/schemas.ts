import {
  BUNDESLAND_CODES,
  PARTNER_KINDS,
  PARTNER_ROLES,
  PLATFORM_ROLES,
  TENANT_ROLES,
  TENANT_STATUSES,
} from '@hubwerk/domain';
import { z } from 'zod';

/** Building blocks of the procedures' input and output schemas. */

export const id = z.uuid({ error: 'validation.invalid' });

/*
 * Input hygiene, in one place (docs/decisions/025): every text the API takes
 * goes through `text`/`multilineText` (or a schema built on them), every date
 * through `isoDate`/`instant`, and `hostileInput` guards the raw input of
 * every procedure (trpc.ts) before any schema runs.
 */

/** Lone UTF-16 surrogates: not text in any encoding; PostgreSQL and mail encoders choke on them. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** C0 and C1 control characters, DEL, and the bidi overrides that can disguise text (tab, LF and CR are decided per field). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const LINE_BREAK = /[\t\n\r\u2028\u2029\u0085]/;
/** Keys that reach an object's prototype when code copies input into an object. */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A missing field is "required", anything else that is no string "invalid". */
const notAString = (issue: { input?: unknown }) =>
  issue.input === undefined ? 'validation.required' : 'validation.invalid';
const wellFormed = (v: string) => !LONE_SURROGATE.test(v);
const noControl = (v: string) => !CONTROL.test(v);
const oneLine = (v: string) => !LINE_BREAK.test(v);

/** One line of plain text (names, titles, slugs, tokens): no control characters, no line breaks. */
export const text = (max: number, options: { min?: number } = {}) =>
  z
    .string({ error: notAString })
    .refine(wellFormed, { message: 'validation.input.encoding', abort: true })
    .refine(noControl, { message: 'validation.input.control', abort: true })
    .refine(oneLine, { message: 'validation.input.lineBreak', abort: true })
    .trim()
    .min(options.min ?? 0, 'validation.required')
    .max(max, 'validation.tooLong');

/** Text that may span lines (descriptions, notes, purposes): tab and line breaks (as \n) allowed, no other control characters. */
export const multilineText = (max: number, options: { min?: number } = {}) =>
  z
    .string({ error: notAString })
    .refine(wellFormed, { message: 'validation.input.encoding', abort: true })
    .refine(noControl, { message: 'validation.input.control', abort: true })
    .transform((v) => v.replace(/\r\n?|\u2028|\u2029|\u0085/g, '\n').trim())
    .pipe(
      z
        .string()
        .min(options.min ?? 0, 'validation.required')
        .max(max, 'validation.tooLong'),
    );

/** A secret the user typed (password): any printable text, compared byte for byte, never trimmed. */
export const secret = (max: number, options: { min?: number } = {}) =>
  z
    .string({ error: notAString })
    .refine(wellFormed, { message: 'validation.input.encoding', abort: true })
    .refine(noControl, { message: 'validation.input.control', abort: true })
    .refine(oneLine, { message: 'validation.input.lineBreak', abort: true })
    .min(options.min ?? 0, 'validation.required')
    .max(max, 'validation.tooLong');

export const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'validation.tooLong')
  .pipe(z.email({ error: 'validation.email' }));
export const name = text(120, { min: 1 });
export const optionalText = (max: number, options: { multiline?: boolean } = {}) =>
  (options.multiline ? multilineText(max) : text(max)).optional().transform((v) => (v ? v : null));

/** A town (or hub) named by slug in an input or URL: its shape only; whether it exists is the procedure's answer. */
export const slug = z
  .string({ error: notAString })
  .min(1, 'validation.required')
  .max(80, 'validation.tooLong')
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'validation.invalid');

/**
 * The name of someone who is not signed in (a public booking request): it
 * goes into a mail to an address nobody has confirmed yet, so it is one line
 * of plain text — no line breaks, no links, nothing that looks like an
 * address or a web domain a mail client would turn into a link.
 */
const LINK_LIKE =
  /:\/\/|www\.|[@<>]|(?:^|[^\p{L}\p{N}])[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.(?:[a-z]{2,24}|xn--[a-z0-9-]+)(?![\p{L}\p{N}])/iu;
export const requesterName = text(120, { min: 1 }).refine((v) => !LINK_LIKE.test(v), {
  message: 'validation.input.requesterName',
});

/** Dates the product deals with: the years a town books, plans and audits in. */
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2199;

function calendarDateOk(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A calendar day ("2027-02-28"): it must exist (no 30 February, no day 0) and lie in the supported years. */
export const isoDate = z
  .string({ error: 'validation.date' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'validation.date', abort: true })
  .refine((v) => calendarDateOk(Number(v.slice(0, 4)), Number(v.slice(5, 7)), Number(v.slice(8, 10))), {
    message: 'validation.input.impossibleDate',
    abort: true,
  })
  .refine((v) => Number(v.slice(0, 4)) >= MIN_YEAR && Number(v.slice(0, 4)) <= MAX_YEAR, {
    message: 'validation.input.yearRange',
  });

/** An instant with an explicit offset ("2026-12-01T10:00:00+01:00"), as text: never zone-less, never impossible, in the supported years. */
export const instantString = z
  .string({ error: 'validation.datetime' })
  .regex(/^\d{4}-\d{2}-\d{2}T/, { error: 'validation.datetime', abort: true })
  .refine((v) => calendarDateOk(Number(v.slice(0, 4)), Number(v.slice(5, 7)), Number(v.slice(8, 10))), {
    message: 'validation.input.impossibleDate',
    abort: true,
  })
  .pipe(z.iso.datetime({ offset: true, error: 'validation.datetime' }))
  .refine(
    (v) => {
      // Not an instant at all: the pipe above has said so already.
      const year = new Date(v).getUTCFullYear();
      return Number.isNaN(year) || (year >= MIN_YEAR && year <= MAX_YEAR);
    },
    { message: 'validation.input.yearRange' },
  );

/** The same, as a Date. */
export const instant = instantString.transform((v) => new Date(v));

const MAX_INPUT_DEPTH = 20;

/**
 * What no input of any procedure may hold, wherever it sits (even where a
 * schema would ignore it): a prototype key, a string with a NUL byte, a lone
 * surrogate or another control character that is no line break, or nesting
 * deeper than any procedure takes. Returns field errors by path, or null.
 */
export function hostileInput(raw: unknown): Record<string, string[]> | null {
  const errors = new Map<string, string[]>();
  const add = (path: string, key: string) => errors.set(path || '_form', [...(errors.get(path || '_form') ?? []), key]);
  const walk = (value: unknown, path: string, depth: number): void => {
    if (typeof value === 'string') {
      if (!wellFormed(value)) add(path, 'validation.input.encoding');
      else if (!noControl(value)) add(path, 'validation.input.control');
      return;
    }
    if (value === null || typeof value !== 'object') return;
    if (depth > MAX_INPUT_DEPTH) {
      add(path, 'validation.invalid');
      return;
    }
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    for (const [key, inner] of entries) {
      const at = path ? `${path}.${key}` : key;
      if (PROTOTYPE_KEYS.has(key)) add(at, 'validation.unknownField');
      else walk(inner, at, depth + 1);
    }
  };
  walk(raw, '', 0);
  return errors.size > 0 ? Object.fromEntries(errors) : null;
}
export const idempotencyKey = z.uuid({ error: 'validation.invalid' });
export const bundesland = z.enum(BUNDESLAND_CODES, { error: 'validation.bundesland' });

export const pageInput = z
  .object({
    cursor: id.optional(),
    limit: z.number().int().min(1).max(100).default(50),
  })
  .strict();

export const tenantStatus = z.enum(TENANT_STATUSES);
export const tenantRole = z.enum(TENANT_ROLES);
export const partnerRole = z.enum(PARTNER_ROLES);
export const platformRole = z.enum(PLATFORM_ROLES);
export const partnerKind = z.enum(PARTNER_KINDS);

export const partnerRef = z.object({ id, name: z.string() });

export const hubOutput = z.object({
  id,
  slug: z.string(),
  name: z.string(),
  thematicFocus: z.string().nullable(),
  city: z.string().nullable(),
  /** Hidden from booking and the public page, kept for history (docs/decisions/035). */
  archived: z.boolean(),
});

export const ok = z.object({ ok: z.literal(true) });

/** Prisma's enum values (TOWN_ADMIN) ⇄ the API's names (town-admin). */
type Kebab<S extends string> = S extends `${infer A}_${infer B}` ? `${Lowercase<A>}-${Kebab<B>}` : Lowercase<S>;
type Screaming<S extends string> = S extends `${infer A}-${infer B}` ? `${Uppercase<A>}_${Screaming<B>}` : Uppercase<S>;
export const toApiEnum = <T extends string>(value: T) => value.toLowerCase().replaceAll('_', '-') as Kebab<T>;
export const fromApiEnum = <T extends string>(value: T) => value.toUpperCase().replaceAll('-', '_') as Screaming<T>;

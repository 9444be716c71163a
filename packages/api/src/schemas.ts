import { BUNDESLAND_CODES, PARTNER_KINDS, PARTNER_ROLES, PLATFORM_ROLES, TENANT_ROLES, TENANT_STATUSES } from '@hubwerk/domain';
import { z } from 'zod';

/** Building blocks of the procedures' input and output schemas. */

export const id = z.uuid({ error: 'validation.invalid' });
export const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'validation.tooLong')
  .pipe(z.email({ error: 'validation.email' }));
export const name = z.string().trim().min(1, 'validation.required').max(120, 'validation.tooLong');
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, 'validation.tooLong')
    .optional()
    .transform((v) => (v ? v : null));
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
});


export const ok = z.object({ ok: z.literal(true) });

/** Prisma's enum values (TOWN_ADMIN) ⇄ the API's names (town-admin). */
type Kebab<S extends string> = S extends `${infer A}_${infer B}` ? `${Lowercase<A>}-${Kebab<B>}` : Lowercase<S>;
type Screaming<S extends string> = S extends `${infer A}-${infer B}` ? `${Uppercase<A>}_${Screaming<B>}` : Uppercase<S>;
export const toApiEnum = <T extends string>(value: T) => value.toLowerCase().replaceAll('_', '-') as Kebab<T>;
export const fromApiEnum = <T extends string>(value: T) => value.toUpperCase().replaceAll('-', '_') as Screaming<T>;

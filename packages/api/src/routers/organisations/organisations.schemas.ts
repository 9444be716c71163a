import { z } from 'zod';
import { id, name, slug, tenantRole } from '../../schemas.ts';

/** Input and output shapes of organisations, members and plans. */

export const ORGANISATION_KINDS = ['company', 'startup', 'association', 'administration'] as const;
export const organisationKind = z.enum(ORGANISATION_KINDS, { error: 'validation.invalid' });

/** A monthly allowance: null = no limit. */
const allowance = (max: number) =>
  z
    .number({ error: 'validation.invalid' })
    .int('validation.invalid')
    .min(0, 'validation.plan.range')
    .max(max, 'validation.plan.range')
    .nullable();

export const plan = z
  .object({
    deskDaysPerMonth: allowance(31 * 50),
    roomHoursPerMonth: allowance(24 * 31 * 10),
  })
  .strict();
export type Plan = z.infer<typeof plan>;

export const organisationOutput = z
  .object({
    id,
    name: z.string(),
    kind: organisationKind,
    plan,
    memberCount: z.number().int(),
  })
  .strict();

export const createOrganisationInput = z
  .object({ tenant: slug, name, kind: organisationKind, plan: plan.optional() })
  .strict();

export const updateOrganisationInput = z
  .object({
    tenant: slug,
    organisationId: id,
    name: name.optional(),
    kind: organisationKind.optional(),
    plan: plan.optional(),
  })
  .strict();

export const memberOutput = z
  .object({
    membershipId: id,
    userId: id,
    name: z.string(),
    email: z.string(),
    role: tenantRole,
    organisationId: id.nullable(),
    organisationName: z.string().nullable(),
    plan,
  })
  .strict();

export const setMemberInput = z
  .object({ tenant: slug, membershipId: id, organisationId: id.nullable(), plan })
  .strict();

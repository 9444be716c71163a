import { z } from 'zod';
import { id, slug, text } from '../../schemas.ts';
import { router, tenantProcedure } from '../../trpc.ts';
import {
  createOrganisationInput,
  memberOutput,
  organisationOutput,
  setMemberInput,
  updateOrganisationInput,
} from './organisations.schemas.ts';
import {
  createOrganisation,
  getOrganisation,
  listMembers,
  listOrganisations,
  searchMembers,
  setMember,
  updateOrganisation,
} from './organisations.service.ts';
import { allow, foreignIds, hubWriters, organisationReaders } from '../../contracts.ts';

const page = { cursor: id.optional(), limit: z.number().int().min(1).max(100).default(50) };

export const organisationsRouter = router({
  list: tenantProcedure
    .meta({
      // Hub staff book for members and organisations too, so they read them.
      access: allow(organisationReaders, ['hub-staff']),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, ...page }).strict())
    .output(
      z.object({ items: z.array(organisationOutput), nextCursor: id.nullable(), canManage: z.boolean() }).strict(),
    )
    .query(({ ctx, input }) => listOrganisations(ctx, input)),

  get: tenantProcedure
    .meta({
      access: allow(organisationReaders, ['hub-staff']),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, organisationId: id }).strict())
    .output(organisationOutput.extend({ members: z.array(memberOutput), canManage: z.boolean() }).strict())
    .query(({ ctx, input }) => getOrganisation(ctx, input)),

  create: tenantProcedure
    .meta({
      access: allow(hubWriters),
      isolation: foreignIds(),
    })
    .input(createOrganisationInput)
    .output(organisationOutput)
    .mutation(({ ctx, input }) => createOrganisation(ctx, input)),

  update: tenantProcedure
    .meta({
      access: allow(hubWriters),
      isolation: foreignIds(),
    })
    .input(updateOrganisationInput)
    .output(organisationOutput)
    .mutation(({ ctx, input }) => updateOrganisation(ctx, input)),

  /** The town's people with their organisation and own plan, for assigning them. */
  members: tenantProcedure
    .meta({
      access: allow(organisationReaders, ['hub-staff']),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, ...page }).strict())
    .output(z.object({ items: z.array(memberOutput), nextCursor: id.nullable() }).strict())
    .query(({ ctx, input }) => listMembers(ctx, input)),

  /** Staff choosing for whom they book: the town's people by name (≤ 20 a page); emails only for those who may read memberships. */
  searchMembers: tenantProcedure
    .meta({
      // Choosing for whom staff book: the same readers as the town's members.
      access: allow(organisationReaders, ['hub-staff']),
      isolation: foreignIds(),
    })
    .input(
      z
        .object({
          tenant: slug,
          query: text(100).default(''),
          cursor: id.optional(),
          limit: z
            .number({ error: 'validation.invalid' })
            .int('validation.invalid')
            .min(1, 'validation.invalid')
            .max(20, 'validation.invalid')
            .default(20),
        })
        .strict(),
    )
    .output(
      z
        .object({
          items: z.array(z.object({ userId: id, name: z.string(), email: z.string().nullable() }).strict()),
          nextCursor: id.nullable(),
        })
        .strict(),
    )
    .query(({ ctx, input }) => searchMembers(ctx, input)),

  setMember: tenantProcedure
    .meta({
      access: allow(hubWriters),
      isolation: foreignIds(),
    })
    .input(setMemberInput)
    .output(memberOutput)
    .mutation(({ ctx, input }) => setMember(ctx, input)),
});

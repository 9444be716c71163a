import { z } from 'zod';
import { router, tenantProcedure } from '../../trpc.ts';
import { hubOutput, id, name, ok, optionalText, pageInput, slug } from '../../schemas.ts';
import { deleteHub, setHubArchived } from './hub-lifecycle.service.ts';
import { createHub, listHubs, renameHub } from './hubs.service.ts';
import { hubProfileOutput, updateHubProfileInput } from './hub-profile.schemas.ts';
import { getHubProfile, updateHubProfile } from './hub-profile.service.ts';
import { allow, foreignIds, hubWriters, townReaders } from '../../contracts.ts';

export const hubsRouter = router({
  list: tenantProcedure
    .meta({
      access: allow(townReaders),
      isolation: foreignIds(),
    })
    .input(pageInput.extend({ tenant: slug }).strict())
    .output(z.object({ items: z.array(hubOutput), nextCursor: id.nullable() }))
    .query(({ ctx, input }) => listHubs(ctx, input)),

  create: tenantProcedure
    .meta({
      access: allow(hubWriters),
      isolation: foreignIds(),
    })
    .input(
      z
        .object({
          tenant: slug,
          name,
          thematicFocus: optionalText(200),
          street: optionalText(200),
          postalCode: z
            .string()
            .trim()
            .regex(/^\d{5}$/, 'validation.postalCode')
            .optional()
            .transform((v) => v ?? null),
          city: optionalText(120),
        })
        .strict(),
    )
    .output(hubOutput)
    .mutation(({ ctx, input }) => {
      const { tenant: _tenant, ...hub } = input;
      return createHub(ctx, hub);
    }),

  rename: tenantProcedure
    .meta({
      access: allow([...hubWriters, 'hub-manager']),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, hubId: id, name }).strict())
    .output(hubOutput)
    .mutation(({ ctx, input }) => renameHub(ctx, input)),

  /** Town admins only: hides the hub from booking and its public page; refused while bookings lie ahead. */
  setArchived: tenantProcedure
    .meta({
      // Archiving or deleting a whole hub is the town's decision, not its managers' (docs/decisions/035).
      access: allow(hubWriters),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, hubId: id, archived: z.boolean() }).strict())
    .output(hubOutput)
    .mutation(({ ctx, input }) => setHubArchived(ctx, input)),

  /** Town admins only: a hub whose spaces never had a booking; otherwise archive it. */
  delete: tenantProcedure
    .meta({
      access: allow(hubWriters),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, hubId: id }).strict())
    .output(ok)
    .mutation(({ ctx, input }) => deleteHub(ctx, input)),

  profile: tenantProcedure
    .meta({
      access: allow(townReaders),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, hubId: id }).strict())
    .output(hubProfileOutput)
    .query(({ ctx, input }) => getHubProfile(ctx, input)),

  updateProfile: tenantProcedure
    .meta({
      // Field rules: town admins (and partners acting as one) and the hub's own managers; hub staff and members none.
      access: allow([...hubWriters, 'hub-manager']),
      isolation: foreignIds(),
    })
    .input(updateHubProfileInput)
    .output(hubProfileOutput)
    .mutation(({ ctx, input }) => {
      const { tenant: _tenant, ...profile } = input;
      return updateHubProfile(ctx, profile);
    }),
});

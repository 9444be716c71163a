import { z } from 'zod';
import { DomainError } from '../../errors.ts';
import { isoDate, text } from '../../schemas.ts';
import { platformProcedure, router } from '../../trpc.ts';
import { currentRegister, importRegister, searchRegister } from '../../register/register.ts';
import { allow, noIds, provider, UPLOAD_MAX_BODY_BYTES, type ProcedureContract } from '../../contracts.ts';

/** The largest register file taken (the whole country is about 1 MB). */
export const REGISTER_MAX_CHARS = 8 * 1024 * 1024;

/** The platform tier for those who onboard towns; takes the procedure's contract like a tier's `.meta`. */
const requireOnboarder = (contract: ProcedureContract) =>
  platformProcedure.meta(contract).use(({ ctx, next }) => {
    if (ctx.ability.cannot('onboard', 'Tenant')) throw new DomainError('FORBIDDEN', 'errors.forbidden');
    return next();
  });

const registerInfo = z.object({
  effectiveDate: z.string(),
  source: z.string(),
  rowCount: z.number().int(),
  importedAt: z.iso.datetime(),
});
const municipality = z.object({
  ags: z.string(),
  name: z.string(),
  land: z.string(),
  kreis: z.string().nullable(),
  postalCode: z.string().nullable(),
  population: z.number().int().nullable(),
});

/** The official municipality register (docs/decisions/034): the provider imports it, onboarding searches it. */
export const registerRouter = router({
  status: requireOnboarder({
    // The municipality register and bulk onboarding (ADR 034): the provider's admins, who onboard towns.
    access: allow(provider),
    isolation: noIds('global reference data (ADR 034); addresses no town'),
  })
    .input(z.object({}).strict().prefault({}))
    .output(z.object({ current: registerInfo.nullable() }))
    .query(async ({ ctx }) => ({ current: await currentRegister(ctx.db) })),

  search: requireOnboarder({
    access: allow(provider),
    isolation: noIds('global reference data, searched by text; addresses no town'),
  })
    .input(z.object({ query: text(100, { min: 2 }) }).strict())
    .output(z.object({ items: z.array(municipality), register: registerInfo.nullable() }))
    .query(async ({ ctx, input }) => {
      const [items, register] = await Promise.all([searchRegister(ctx.db, input.query), currentRegister(ctx.db)]);
      return { items, register };
    }),

  import: requireOnboarder({
    access: allow(provider),
    isolation: noIds('replaces the global register from a file; addresses no town'),
    maxBodyBytes: UPLOAD_MAX_BODY_BYTES,
  })
    .input(
      z
        .object({
          csv: z
            .string({ error: 'validation.required' })
            .min(1, 'validation.required')
            .max(REGISTER_MAX_CHARS, 'errors.csv.tooLarge'),
          effectiveDate: isoDate,
          source: text(200, { min: 1 }),
        })
        .strict(),
    )
    .output(registerInfo)
    .mutation(({ ctx, input }) =>
      importRegister(ctx.platform, { ...input, actorUserId: ctx.session.userId, requestId: ctx.requestId }),
    ),
});

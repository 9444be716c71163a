import { PLAN_IDS } from '@hubwerk/billing';
import { z } from 'zod';
import { DomainError } from '../../errors.ts';
import { authedProcedure, platformProcedure, router, tenantProcedure } from '../../trpc.ts';
import {
  bundesland,
  email,
  hubOutput,
  id,
  idempotencyKey,
  name,
  ok,
  pageInput,
  partnerRef,
  slug,
  tenantStatus,
} from '../../schemas.ts';
import { assignPartner, getTenant, listTenants, onboardTown } from './tenants.service.ts';
import { allow, foreignIds, noIds, provider, signedIn, townReaders, type ProcedureContract } from '../../contracts.ts';

const tenantFacts = z.object({
  id,
  slug: z.string(),
  name: z.string(),
  ags: z.string(),
  bundesland: z.string(),
  status: tenantStatus,
});
const tenantListItem = tenantFacts.extend({ partner: partnerRef.nullable(), hubCount: z.number().int() });

/** The platform tier for those who onboard towns; takes the procedure's contract like a tier's `.meta`. */
const requireOnboarder = (contract: ProcedureContract) =>
  platformProcedure.meta(contract).use(({ ctx, next }) => {
    if (ctx.ability.cannot('onboard', 'Tenant')) throw new DomainError('FORBIDDEN', 'errors.forbidden');
    return next();
  });

export const tenantsRouter = router({
  list: authedProcedure
    .meta({
      access: allow(signedIn),
      isolation: noIds('takes only a cursor; foreign towns in its output: isolation.integration.test.ts'),
    })
    .input(pageInput.prefault({}))
    .output(z.object({ items: z.array(tenantListItem), nextCursor: id.nullable() }))
    .query(({ ctx, input }) => listTenants(ctx, input)),

  get: tenantProcedure
    .meta({
      access: allow(townReaders),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug }).strict())
    .output(
      tenantFacts.extend({
        timezone: z.string(),
        partner: partnerRef.nullable(),
        hubs: z.array(hubOutput),
        can: z.object({
          createHub: z.boolean(),
          renameHub: z.boolean(),
          assignPartner: z.boolean(),
          readAudit: z.boolean(),
          inviteStaff: z.boolean(),
          startSupport: z.boolean(),
        }),
      }),
    )
    .query(({ ctx }) => getTenant(ctx)),

  onboard: requireOnboarder({
    access: allow(provider),
    isolation: foreignIds(),
  })
    .input(
      z
        .object({
          name,
          ags: z
            .string()
            .trim()
            .regex(/^\d{8}$/, 'validation.ags.format'),
          bundesland,
          partnerId: id.nullish().transform((v) => v ?? null),
          hubName: name,
          adminEmail: email,
          idempotencyKey,
          plan: z.enum(PLAN_IDS, { error: 'validation.invalid' }).optional(),
          confirmNotInRegister: z.boolean({ error: 'validation.invalid' }).optional(),
        })
        .strict(),
    )
    .output(z.object({ tenant: z.object({ id, slug: z.string(), name: z.string() }) }))
    .mutation(async ({ ctx, input }) => {
      const { tenant } = await onboardTown(ctx, input);
      return { tenant };
    }),

  assignPartner: requireOnboarder({
    access: allow(provider),
    isolation: foreignIds(),
  })
    .input(z.object({ tenantId: id, partnerId: id.nullable() }).strict())
    .output(ok)
    .mutation(({ ctx, input }) => assignPartner(ctx, input)),
});

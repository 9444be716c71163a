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

const tenantFacts = z.object({
  id,
  slug: z.string(),
  name: z.string(),
  ags: z.string(),
  bundesland: z.string(),
  status: tenantStatus,
});
const tenantListItem = tenantFacts.extend({ partner: partnerRef.nullable(), hubCount: z.number().int() });

const requireOnboarder = platformProcedure.use(({ ctx, next }) => {
  if (ctx.ability.cannot('onboard', 'Tenant')) throw new DomainError('FORBIDDEN', 'errors.forbidden');
  return next();
});

export const tenantsRouter = router({
  list: authedProcedure
    .input(pageInput.prefault({}))
    .output(z.object({ items: z.array(tenantListItem), nextCursor: id.nullable() }))
    .query(({ ctx, input }) => listTenants(ctx, input)),

  get: tenantProcedure
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

  onboard: requireOnboarder
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

  assignPartner: requireOnboarder
    .input(z.object({ tenantId: id, partnerId: id.nullable() }).strict())
    .output(ok)
    .mutation(({ ctx, input }) => assignPartner(ctx, input)),
});

import { z } from 'zod';
import { DomainError } from '../../errors.ts';
import { authedProcedure, platformProcedure, router } from '../../trpc.ts';
import { email, id, idempotencyKey, name, partnerKind, tenantStatus } from '../../schemas.ts';
import { getPartner, listPartners, registerPartner } from './partners.service.ts';

const partnerBase = { id, slug: z.string(), name: z.string(), kind: partnerKind, region: z.string() };

export const partnersRouter = router({
  list: authedProcedure
    .input(z.object({}).strict().prefault({}))
    .output(z.object({ items: z.array(z.object({ ...partnerBase, tenantCount: z.number().int() })) }))
    .query(({ ctx }) => listPartners(ctx)),

  get: authedProcedure
    .input(z.object({ partnerId: id }).strict())
    .output(z.object({ ...partnerBase, tenants: z.array(z.object({ id, slug: z.string(), name: z.string(), status: tenantStatus })) }))
    .query(({ ctx, input }) => getPartner(ctx, input.partnerId)),

  register: platformProcedure
    .use(({ ctx, next }) => {
      if (ctx.ability.cannot('register', 'Partner')) throw new DomainError('FORBIDDEN', 'errors.forbidden');
      return next();
    })
    .input(z.object({ kind: partnerKind, name, region: name, adminEmail: email, idempotencyKey }).strict())
    .output(z.object({ partner: z.object({ id, slug: z.string(), name: z.string() }), invitationUrl: z.string() }))
    .mutation(({ ctx, input }) => registerPartner(ctx, input)),
});

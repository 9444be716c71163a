import { z } from 'zod';
import { DomainError } from '../../errors.ts';
import { authedProcedure, platformProcedure, router } from '../../trpc.ts';
import { email, id, idempotencyKey, name, ok, partnerKind, tenantStatus } from '../../schemas.ts';
import { getPartner, listPartners, registerPartner } from './partners.service.ts';
import { invitePartnerStaff, listPartnerInvitations, revokePartnerInvitation } from './partner-staff.service.ts';
import { allow, foreignIds, noIds, provider, signedIn } from '../../contracts.ts';

const partnerBase = { id, slug: z.string(), name: z.string(), kind: partnerKind, region: z.string() };

export const partnersRouter = router({
  list: authedProcedure
    .meta({
      access: allow(signedIn),
      isolation: noIds('takes no ids; foreign partners in its output: isolation.integration.test.ts'),
    })
    .input(z.object({}).strict().prefault({}))
    .output(z.object({ items: z.array(z.object({ ...partnerBase, tenantCount: z.number().int() })) }))
    .query(({ ctx }) => listPartners(ctx)),

  get: authedProcedure
    .meta({
      access: allow(['platform-admin', 'platform-support', 'partner-admin']),
      isolation: foreignIds(),
    })
    .input(z.object({ partnerId: id }).strict())
    .output(
      z.object({
        ...partnerBase,
        tenants: z.array(z.object({ id, slug: z.string(), name: z.string(), status: tenantStatus })),
      }),
    )
    .query(({ ctx, input }) => getPartner(ctx, input.partnerId)),

  register: platformProcedure
    .meta({
      access: allow(provider),
      isolation: foreignIds(),
    })
    .use(({ ctx, next }) => {
      if (ctx.ability.cannot('register', 'Partner')) throw new DomainError('FORBIDDEN', 'errors.forbidden');
      return next();
    })
    .input(z.object({ kind: partnerKind, name, region: name, adminEmail: email, idempotencyKey }).strict())
    .output(z.object({ partner: z.object({ id, slug: z.string(), name: z.string() }) }))
    .mutation(({ ctx, input }) => registerPartner(ctx, input)),

  /** The partner's staff invitations (partner admins, the provider's admins). */
  invitations: authedProcedure
    .meta({
      // A partner's staff invitations: its admins (and the provider's admins); partner staff and everyone else are refused.
      access: allow(['platform-admin', 'partner-admin'], ['partner-staff']),
      isolation: foreignIds(),
    })
    .input(z.object({ partnerId: id }).strict())
    .output(
      z.object({
        items: z.array(
          z.object({
            id,
            email: z.string(),
            role: z.literal('partner-staff'),
            status: z.enum(['open', 'expired', 'accepted', 'revoked']),
            expiresAt: z.iso.datetime(),
            createdAt: z.iso.datetime(),
          }),
        ),
      }),
    )
    .query(({ ctx, input }) => listPartnerInvitations(ctx, input)),

  /** Partner admins invite partner staff, by email (outbox). */
  inviteStaff: authedProcedure
    .meta({
      access: allow(['platform-admin', 'partner-admin'], ['partner-staff']),
      isolation: foreignIds(),
    })
    .input(z.object({ partnerId: id, email }).strict())
    .output(z.object({ invitationId: id }))
    .mutation(({ ctx, input }) => invitePartnerStaff(ctx, input)),

  revokeInvitation: authedProcedure
    .meta({
      access: allow(['platform-admin', 'partner-admin'], ['partner-staff']),
      isolation: foreignIds(),
    })
    .input(z.object({ partnerId: id, invitationId: id }).strict())
    .output(ok)
    .mutation(({ ctx, input }) => revokePartnerInvitation(ctx, input)),
});

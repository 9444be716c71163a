import { z } from 'zod';
import { tenantProcedure, router } from '../../trpc.ts';
import { email, id, ok, slug, tenantRole } from '../../schemas.ts';
import { inviteStaff, listInvitations, revokeInvitation } from './staff.service.ts';

const invitableRole = z.enum(['town-admin', 'hub-manager', 'hub-staff', 'member'], { error: 'validation.invalid' });

export const staffRouter = router({
  invitations: tenantProcedure
    .input(z.object({ tenant: slug }).strict())
    .output(
      z.object({
        townWide: z.boolean(),
        hubIds: z.array(id),
        items: z.array(
          z.object({ id, email: z.string(), role: tenantRole, hubId: id.nullable(), status: z.enum(['open', 'expired', 'accepted', 'revoked']), expiresAt: z.iso.datetime(), createdAt: z.iso.datetime() }),
        ),
      }),
    )
    .query(({ ctx }) => listInvitations(ctx)),

  invite: tenantProcedure
    .input(z.object({ tenant: slug, email, role: invitableRole, hubId: id.optional() }).strict())
    // The link stays visible to the inviter too (the mail may be filtered).
    .output(z.object({ invitationId: id, invitationUrl: z.string() }))
    .mutation(({ ctx, input }) => inviteStaff(ctx, input)),

  revokeInvitation: tenantProcedure
    .input(z.object({ tenant: slug, invitationId: id }).strict())
    .output(ok)
    .mutation(({ ctx, input }) => revokeInvitation(ctx, input)),
});

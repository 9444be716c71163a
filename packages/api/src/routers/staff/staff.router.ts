import { z } from 'zod';
import { tenantProcedure, router } from '../../trpc.ts';
import { email, id, ok, pageInput, slug, tenantRole } from '../../schemas.ts';
import { changeMemberRole, listMembers, removeMember } from './staff-members.service.ts';
import { inviteStaff, listInvitations, resendInvitation, revokeInvitation } from './staff.service.ts';

const invitableRole = z.enum(['town-admin', 'hub-manager', 'hub-staff', 'member'], { error: 'validation.invalid' });

export const staffRouter = router({
  invitations: tenantProcedure
    .input(z.object({ tenant: slug }).strict())
    .output(
      z.object({
        townWide: z.boolean(),
        hubIds: z.array(id),
        items: z.array(
          z.object({
            id,
            email: z.string(),
            role: tenantRole,
            hubId: id.nullable(),
            status: z.enum(['open', 'expired', 'accepted', 'revoked']),
            expiresAt: z.iso.datetime(),
            createdAt: z.iso.datetime(),
          }),
        ),
      }),
    )
    .query(({ ctx }) => listInvitations(ctx)),

  invite: tenantProcedure
    .input(z.object({ tenant: slug, email, role: invitableRole, hubId: id.optional() }).strict())
    // No link: it goes only to the invited address, and the answer is the same whether or not the address has an account.
    .output(z.object({ invitationId: id }))
    .mutation(({ ctx, input }) => inviteStaff(ctx, input)),

  resendInvitation: tenantProcedure
    .input(z.object({ tenant: slug, invitationId: id }).strict())
    .output(ok)
    .mutation(({ ctx, input }) => resendInvitation(ctx, input)),

  members: tenantProcedure
    .input(pageInput.extend({ tenant: slug }).strict())
    .output(
      z.object({
        items: z.array(
          z.object({
            membershipId: id,
            userId: id,
            name: z.string(),
            email: z.string(),
            role: tenantRole,
            manageable: z.boolean(),
          }),
        ),
        nextCursor: id.nullable(),
      }),
    )
    .query(({ ctx, input }) => listMembers(ctx, input)),

  changeRole: tenantProcedure
    .input(z.object({ tenant: slug, membershipId: id, role: invitableRole }).strict())
    .output(ok)
    .mutation(({ ctx, input }) => changeMemberRole(ctx, input)),

  removeMember: tenantProcedure
    .input(z.object({ tenant: slug, membershipId: id }).strict())
    .output(ok)
    .mutation(({ ctx, input }) => removeMember(ctx, input)),

  revokeInvitation: tenantProcedure
    .input(z.object({ tenant: slug, invitationId: id }).strict())
    .output(ok)
    .mutation(({ ctx, input }) => revokeInvitation(ctx, input)),
});

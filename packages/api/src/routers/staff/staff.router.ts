import { z } from 'zod';
import { tenantProcedure, router } from '../../trpc.ts';
import { email, id, ok, pageInput, slug, tenantRole } from '../../schemas.ts';
import { changeMemberRole, listMembers, removeMember } from './staff-members.service.ts';
import { inviteStaff, listInvitations, resendInvitation, revokeInvitation } from './staff.service.ts';
import { allow, foreignIds, hubWriters } from '../../contracts.ts';

const invitableRole = z.enum(['town-admin', 'hub-manager', 'hub-staff', 'member'], { error: 'validation.invalid' });

export const staffRouter = router({
  invitations: tenantProcedure
    .meta({
      // Inviting staff = creating a membership in the town (abilities.ts): town admins, partners acting as one, the provider's admins.
      // Hub managers see (and revoke) the invitations into their own hubs; the cell's open invitation is town-wide, so revoking it stays denied to them.
      access: allow([...hubWriters, 'hub-manager']),
      isolation: foreignIds(),
    })
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
    .meta({
      access: allow(hubWriters),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, email, role: invitableRole, hubId: id.optional() }).strict())
    // No link: it goes only to the invited address, and the answer is the same whether or not the address has an account.
    .output(z.object({ invitationId: id }))
    .mutation(({ ctx, input }) => inviteStaff(ctx, input)),

  resendInvitation: tenantProcedure
    .meta({
      // Resending mails a fresh link to the invited address only; like revoking.
      access: allow(hubWriters),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, invitationId: id }).strict())
    .output(ok)
    .mutation(({ ctx, input }) => resendInvitation(ctx, input)),

  members: tenantProcedure
    .meta({
      // The town's people, their roles and removal: whoever may add people to the town. The cell's membership
      // is a planted member (each role its own), which the allowed roles may change and remove.
      access: allow(hubWriters),
      isolation: foreignIds(),
    })
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
    .meta({
      access: allow(hubWriters),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, membershipId: id, role: invitableRole }).strict())
    .output(ok)
    .mutation(({ ctx, input }) => changeMemberRole(ctx, input)),

  removeMember: tenantProcedure
    .meta({
      access: allow(hubWriters),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, membershipId: id }).strict())
    .output(ok)
    .mutation(({ ctx, input }) => removeMember(ctx, input)),

  revokeInvitation: tenantProcedure
    .meta({
      access: allow(hubWriters),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, invitationId: id }).strict())
    .output(ok)
    .mutation(({ ctx, input }) => revokeInvitation(ctx, input)),
});

import { z } from 'zod';
import { publicProcedure, router } from '../../trpc.ts';
import { name, partnerRole, secret, tenantRole } from '../../schemas.ts';
import { acceptInvitation, previewInvitation } from './invitations.service.ts';

const token = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'errors.invitation.invalid');

export const invitationsRouter = router({
  preview: publicProcedure
    .input(z.object({ token }).strict())
    .output(
      z.object({
        email: z.string(),
        target: z.object({ kind: z.enum(['tenant', 'partner']), name: z.string() }),
        role: z.union([tenantRole, partnerRole]),
        status: z.enum(['open', 'expired', 'accepted', 'revoked']),
        /** The invitee already has a password: accepting asks for it instead of setting one. */
        existingAccount: z.boolean(),
      }),
    )
    .query(({ ctx, input }) => previewInvitation(ctx, input.token)),

  accept: publicProcedure
    // The name is asked only of new accounts (see acceptInvitation).
    .input(z.object({ token, name: name.optional(), password: secret(200) }).strict())
    .output(z.object({ token: z.string(), expiresAt: z.iso.datetime() }))
    .mutation(({ ctx, input }) => acceptInvitation(ctx, input)),
});

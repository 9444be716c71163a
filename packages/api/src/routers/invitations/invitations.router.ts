import { z } from 'zod';
import { optionallySignedInProcedure, publicProcedure, router } from '../../trpc.ts';
import { name, partnerRole, secret, tenantRole } from '../../schemas.ts';
import { acceptInvitation, previewInvitation } from './invitations.service.ts';
import { allow, everyone, noIds } from '../../contracts.ts';

const token = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'errors.invitation.invalid');

export const invitationsRouter = router({
  preview: publicProcedure
    .meta({
      access: allow(everyone),
      isolation: noIds('public; the token is the credential, towns are not addressed by id'),
    })
    .input(z.object({ token }).strict())
    .output(
      z.object({
        email: z.string(),
        target: z.object({ kind: z.enum(['tenant', 'partner']), name: z.string() }),
        role: z.union([tenantRole, partnerRole]),
        status: z.enum(['open', 'expired', 'accepted', 'revoked']),
        /**
         * The invited account can already be signed into: it accepts only while
         * signed in as itself. Told only to whoever holds the mailed token.
         */
        existingAccount: z.boolean(),
      }),
    )
    .query(({ ctx, input }) => previewInvitation(ctx, input.token)),

  accept: optionallySignedInProcedure
    .meta({
      access: allow(everyone),
      isolation: noIds('public; the token is the credential, towns are not addressed by id'),
    })
    // Name and password are asked only of pending accounts (see acceptInvitation).
    .input(z.object({ token, name: name.optional(), password: secret(200).optional() }).strict())
    .output(
      z.discriminatedUnion('status', [
        // A pending account was activated: signed in with the password just set.
        z.object({ status: z.literal('signed-in'), token: z.string(), expiresAt: z.iso.datetime() }),
        // The signed-in account joined: its session stays the one it has.
        z.object({ status: z.literal('joined') }),
      ]),
    )
    .mutation(({ ctx, input }) => acceptInvitation(ctx, input)),
});

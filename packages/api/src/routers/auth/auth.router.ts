import { oneOf } from '@hubwerk/domain';
import { z } from 'zod';
import { authedProcedure, platformProcedure, publicProcedure, router } from '../../trpc.ts';
import {
  email,
  id,
  ok,
  partnerKind,
  partnerRole,
  platformRole,
  secret,
  tenantRole,
  text,
  toApiEnum,
} from '../../schemas.ts';
import { changePassword, revokeUserSessions, signIn, signOut } from './auth.service.ts';
import { requestPasswordReset, resetPassword } from './password-reset.service.ts';
import { allow, everyone, foreignIds, noIds, provider, signedIn } from '../../contracts.ts';

const meOutput = z.object({
  user: z.object({ id, email: z.string(), name: z.string(), platformRole: platformRole.nullable() }),
  tenants: z.array(z.object({ slug: z.string(), name: z.string(), role: tenantRole })),
  partners: z.array(z.object({ id, slug: z.string(), name: z.string(), kind: partnerKind, role: partnerRole })),
});

export const authRouter = router({
  signIn: publicProcedure
    .meta({
      access: allow(everyone),
      isolation: noIds('takes credentials, no object ids (rate limit: request-safety test)'),
    })
    .input(z.object({ email, password: secret(200, { min: 1 }) }).strict())
    // With a second factor: a challenge for mfa.completeSignIn instead of a session (ADR 012).
    .output(
      z.discriminatedUnion('status', [
        z.object({ status: z.literal('signed-in'), token: z.string(), expiresAt: z.iso.datetime() }),
        z.object({ status: z.literal('second-factor-required'), challenge: z.string(), expiresAt: z.iso.datetime() }),
      ]),
    )
    .mutation(({ ctx, input }) => signIn(ctx, input)),

  signOut: authedProcedure
    .meta({
      access: allow(signedIn),
      isolation: noIds("ends the caller's own session"),
    })
    .input(z.object({}).strict().prefault({}))
    .output(ok)
    .mutation(({ ctx }) => signOut(ctx, ctx.session.sessionId)),

  changePassword: authedProcedure
    .meta({
      access: allow(signedIn),
      isolation: noIds("changes the caller's own password only"),
    })
    .input(
      z
        .object({
          currentPassword: secret(200, { min: 1 }),
          newPassword: secret(200),
        })
        .strict(),
    )
    .output(z.object({ ok: z.literal(true), otherSessionsEnded: z.number().int() }))
    .mutation(({ ctx, input }) => changePassword(ctx, input)),

  revokeUserSessions: platformProcedure
    .meta({
      access: allow(provider),
      isolation: foreignIds(),
    })
    .input(z.object({ userId: id, reason: text(500, { min: 3 }) }).strict())
    .output(z.object({ ok: z.literal(true), sessionsEnded: z.number().int() }))
    .mutation(({ ctx, input }) => revokeUserSessions(ctx, input)),

  /** Public; the same answer whether or not the account exists. */
  requestPasswordReset: publicProcedure
    .meta({
      // Public: the same answer for every address (and for signed-in callers); a bad token is a business error, not a wall.
      access: allow(everyone),
      isolation: noIds('public; takes an email address, answers the same for every one'),
    })
    .input(z.object({ email }).strict())
    .output(ok)
    .mutation(({ ctx, input }) => requestPasswordReset(ctx, input)),

  resetPassword: publicProcedure
    .meta({
      access: allow(everyone),
      isolation: noIds('public; the token is the credential, towns are not addressed by id'),
    })
    .input(
      z
        .object({
          token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'errors.passwordReset.invalid'),
          password: secret(200),
        })
        .strict(),
    )
    .output(ok)
    .mutation(({ ctx, input }) => resetPassword(ctx, input)),

  me: authedProcedure
    .meta({
      access: allow(signedIn),
      isolation: noIds('describes the caller only'),
    })
    .output(meOutput)
    .query(async ({ ctx }) => {
      const [memberships, partnerMemberships] = await Promise.all([
        ctx.db.tenantMembership.findMany({
          where: { userId: ctx.session.userId },
          select: { role: true, tenant: { select: { slug: true, name: true } } },
          orderBy: { tenant: { name: 'asc' } },
        }),
        ctx.db.partnerMembership.findMany({
          where: { userId: ctx.session.userId },
          select: { role: true, partner: { select: { id: true, slug: true, name: true, kind: true } } },
          orderBy: { partner: { name: 'asc' } },
        }),
      ]);
      return {
        user: {
          id: ctx.session.userId,
          email: ctx.session.email,
          name: ctx.session.name,
          platformRole: ctx.actor.platformRole,
        },
        tenants: memberships.map((m) => ({
          slug: m.tenant.slug,
          name: m.tenant.name,
          role: toApiEnum(oneOf('TenantRole', m.role)),
        })),
        partners: partnerMemberships.map((m) => ({
          ...m.partner,
          kind: toApiEnum(oneOf('PartnerKind', m.partner.kind)),
          role: toApiEnum(oneOf('PartnerRole', m.role)),
        })),
      };
    }),
});

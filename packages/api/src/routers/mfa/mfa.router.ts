import { z } from 'zod';
import { authedProcedure, publicProcedure, router } from '../../trpc.ts';
import { ok, secret } from '../../schemas.ts';
import { completeSignIn, confirmEnrolment, disableSecondFactor, mfaStatus, startEnrolment } from './mfa.service.ts';
import { allow, everyone, noIds, signedIn } from '../../contracts.ts';

/** A TOTP code (6 digits) or a recovery code (10 characters, dash and spaces optional). */
const code = z.string().trim().min(1, 'validation.required').max(20, 'errors.mfa.invalidCode');
const enrolment = z.object({ secret: z.string(), otpauthUri: z.string() });

export const mfaRouter = router({
  status: authedProcedure
    .meta({
      // The second factor (ADR 012): anyone signed in may enrol their own account; a bad code is a business error, not a wall.
      access: allow(signedIn),
      isolation: noIds("describes the caller's own second factor"),
    })
    .output(
      z.object({
        enabled: z.boolean(),
        enabledAt: z.iso.datetime().nullable(),
        recoveryCodesLeft: z.number().int(),
        pending: enrolment.nullable(),
      }),
    )
    .query(({ ctx }) => mfaStatus(ctx)),

  startEnrolment: authedProcedure
    .meta({
      access: allow(signedIn),
      isolation: noIds("enrols the caller's own account"),
    })
    .input(z.object({}).strict().prefault({}))
    .output(enrolment)
    .mutation(({ ctx }) => startEnrolment(ctx)),

  confirmEnrolment: authedProcedure
    .meta({
      access: allow(signedIn),
      isolation: noIds("takes a code for the caller's own pending enrolment"),
    })
    .input(z.object({ code }).strict())
    .output(z.object({ recoveryCodes: z.array(z.string()).length(10) }))
    .mutation(({ ctx, input }) => confirmEnrolment(ctx, input)),

  disable: authedProcedure
    .meta({
      access: allow(signedIn),
      isolation: noIds("takes the caller's password and a code"),
    })
    .input(z.object({ password: secret(200, { min: 1 }), code }).strict())
    .output(ok)
    .mutation(({ ctx, input }) => disableSecondFactor(ctx, input)),

  /** Public: the challenge from auth.signIn is the credential of this step. */
  completeSignIn: publicProcedure
    .meta({
      // Public: the challenge from auth.signIn is the credential; a made-up one is refused as invalid input.
      access: allow(everyone),
      isolation: noIds('public; the challenge is the credential'),
    })
    .input(
      z
        .object({ challenge: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'errors.mfa.challengeExpired'), code })
        .strict(),
    )
    .output(z.object({ token: z.string(), expiresAt: z.iso.datetime() }))
    .mutation(({ ctx, input }) => completeSignIn(ctx, input)),
});

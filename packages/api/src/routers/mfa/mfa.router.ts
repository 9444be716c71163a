import { z } from 'zod';
import { authedProcedure, publicProcedure, router } from '../../trpc.ts';
import { ok, secret } from '../../schemas.ts';
import { completeSignIn, confirmEnrolment, disableSecondFactor, mfaStatus, startEnrolment } from './mfa.service.ts';

/** A TOTP code (6 digits) or a recovery code (10 characters, dash and spaces optional). */
const code = z.string().trim().min(1, 'validation.required').max(20, 'errors.mfa.invalidCode');
const enrolment = z.object({ secret: z.string(), otpauthUri: z.string() });

export const mfaRouter = router({
  status: authedProcedure
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
    .input(z.object({}).strict().prefault({}))
    .output(enrolment)
    .mutation(({ ctx }) => startEnrolment(ctx)),

  confirmEnrolment: authedProcedure
    .input(z.object({ code }).strict())
    .output(z.object({ recoveryCodes: z.array(z.string()).length(10) }))
    .mutation(({ ctx, input }) => confirmEnrolment(ctx, input)),

  disable: authedProcedure
    .input(z.object({ password: secret(200, { min: 1 }), code }).strict())
    .output(ok)
    .mutation(({ ctx, input }) => disableSecondFactor(ctx, input)),

  /** Public: the challenge from auth.signIn is the credential of this step. */
  completeSignIn: publicProcedure
    .input(
      z
        .object({ challenge: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'errors.mfa.challengeExpired'), code })
        .strict(),
    )
    .output(z.object({ token: z.string(), expiresAt: z.iso.datetime() }))
    .mutation(({ ctx, input }) => completeSignIn(ctx, input)),
});

import { z } from 'zod';
import { email, secret, text } from '../../schemas.ts';
import { authedProcedure, router } from '../../trpc.ts';
import { deleteMyAccount, deletionCheck, exportMyData } from './account.service.ts';
import { allow, noIds, signedIn } from '../../contracts.ts';

const named = z.array(z.object({ slug: z.string(), name: z.string() }));

/** The signed-in person's own data rights (docs/decisions/027): everything about them, and deleting the account. */
export const accountRouter = router({
  exportData: authedProcedure
    .meta({
      // One's own data (docs/decisions/027): every signed-in person exports it and may delete the account
      // (a last admin or the provider's staff are refused by a business rule, CONFLICT, past the walls).
      access: allow(signedIn),
      isolation: noIds("exports the caller's own data; takes no ids"),
    })
    .input(z.object({}).strict().prefault({}))
    .output(z.object({ fileName: z.string(), sizeBytes: z.number().int(), archiveBase64: z.string() }))
    .query(({ ctx }) => exportMyData(ctx)),

  deletionCheck: authedProcedure
    .meta({
      access: allow(signedIn),
      isolation: noIds("describes what stops the caller's own deletion"),
    })
    .input(z.object({}).strict().prefault({}))
    .output(
      z.object({
        platformRole: z.boolean(),
        towns: named,
        partners: named,
        secondFactor: z.boolean(),
        hasPassword: z.boolean(),
      }),
    )
    .query(({ ctx }) => deletionCheck(ctx)),

  delete: authedProcedure
    .meta({
      access: allow(signedIn),
      isolation: noIds("deletes the caller's own account; takes the caller's password, no ids"),
    })
    .input(
      z
        .object({
          password: secret(200, { min: 1 }),
          code: text(40).optional(),
          confirmEmail: email,
        })
        .strict(),
    )
    .output(z.object({ ok: z.literal(true), bookingsAnonymised: z.number().int(), towns: z.number().int() }))
    .mutation(({ ctx, input }) => deleteMyAccount(ctx, input)),
});

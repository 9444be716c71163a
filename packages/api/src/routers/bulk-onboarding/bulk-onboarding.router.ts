import { z } from 'zod';
import { DomainError } from '../../errors.ts';
import { id, text } from '../../schemas.ts';
import { platformProcedure, router } from '../../trpc.ts';
import { getBulkOnboarding, startBulkOnboarding } from './bulk-onboarding.service.ts';
import { allow, noIds, provider, UPLOAD_MAX_BODY_BYTES, type ProcedureContract } from '../../contracts.ts';

/** The largest file of towns taken (the whole country is well below 1 MB). */
export const BULK_MAX_CHARS = 4 * 1024 * 1024;

/** The platform tier for those who onboard towns; takes the procedure's contract like a tier's `.meta`. */
const requireOnboarder = (contract: ProcedureContract) =>
  platformProcedure.meta(contract).use(({ ctx, next }) => {
    if (ctx.ability.cannot('onboard', 'Tenant')) throw new DomainError('FORBIDDEN', 'errors.forbidden');
    return next();
  });

const bulkRow = z.object({
  line: z.number().int(),
  ags: z.string(),
  hubName: z.string(),
  adminEmail: z.string(),
  outcome: z.enum(['pending', 'created', 'exists', 'refused']),
  reasonKey: z.string().nullable(),
  reasonField: z.string().nullable(),
  reasonParams: z.record(z.string(), z.string()).nullable(),
  tenantId: id.nullable(),
});

/** Bulk onboarding (docs/decisions/034): a file of towns, a job with progress, a report per row. */
export const bulkOnboardingRouter = router({
  start: requireOnboarder({
    access: allow(provider),
    isolation: noIds(
      "a file of towns by AGS, onboarded through tenants.onboard's service; platform admins only (its access)",
    ),
    maxBodyBytes: UPLOAD_MAX_BODY_BYTES,
  })
    .input(
      z
        .object({
          csv: z
            .string({ error: 'validation.required' })
            .min(1, 'validation.required')
            .max(BULK_MAX_CHARS, 'errors.csv.tooLarge'),
          fileName: text(200).default(''),
        })
        .strict(),
    )
    .output(z.object({ id }))
    .mutation(({ ctx, input }) => startBulkOnboarding(ctx, input)),

  get: requireOnboarder({
    access: allow(provider),
    isolation: noIds("the provider's own job by its id; platform admins only (its access)"),
  })
    .input(z.object({ id }).strict())
    .output(
      z.object({
        id,
        fileName: z.string(),
        status: z.enum(['queued', 'running', 'done', 'failed', 'interrupted']),
        total: z.number().int(),
        processed: z.number().int(),
        createdAt: z.iso.datetime(),
        finishedAt: z.iso.datetime().nullable(),
        rows: z.array(bulkRow),
      }),
    )
    .query(({ ctx, input }) => getBulkOnboarding(ctx, input)),
});

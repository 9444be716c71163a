import { z } from 'zod';
import { authedProcedure, router, tenantProcedure } from '../../trpc.ts';
import { id, multilineText, ok, slug } from '../../schemas.ts';
import {
  endSupportSession,
  listActiveSupportSessions,
  startSupportSession,
  SUPPORT_MINUTES,
  SUPPORT_REASON_LENGTH,
} from './support.service.ts';
import { allow, foreignIds, noIds, signedIn, supporters } from '../../contracts.ts';

const supportSessionOutput = z.object({
  id,
  tenant: z.object({ slug: z.string(), name: z.string() }),
  reason: z.string(),
  startedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});

/** Support sessions: acting on behalf of a town, explicitly and for a limited time (ADR 011). */
export const supportRouter = router({
  start: tenantProcedure
    .meta({
      // Support sessions (ADR 011): the provider's staff, and partners for their towns. The matrix test
      // runs them last: a running session gives platform support the town admin's abilities.
      access: allow(supporters),
      isolation: foreignIds({
        anyTownForProvider: "the provider's staff support every town (ADR 011); support.integration.test.ts covers it",
      }),
      whileReadOnly: true,
    })
    .input(
      z
        .object({
          tenant: slug,
          reason: multilineText(SUPPORT_REASON_LENGTH.max).pipe(
            z.string().min(SUPPORT_REASON_LENGTH.min, 'validation.support.reasonTooShort'),
          ),
          durationMinutes: z
            .number({ error: 'validation.support.duration' })
            .int('validation.support.duration')
            .min(SUPPORT_MINUTES.min, 'validation.support.duration')
            .max(SUPPORT_MINUTES.max, 'validation.support.duration')
            .default(SUPPORT_MINUTES.default),
        })
        .strict(),
    )
    .output(supportSessionOutput)
    .mutation(({ ctx, input }) => startSupportSession(ctx, input)),

  end: tenantProcedure
    .meta({
      access: allow(supporters),
      isolation: foreignIds(),
      whileReadOnly: true,
    })
    .input(z.object({ tenant: slug }).strict())
    .output(ok)
    .mutation(({ ctx }) => endSupportSession(ctx)),

  active: authedProcedure
    .meta({
      // One's own running support sessions (an empty list for those who cannot have any).
      access: allow(signedIn),
      isolation: noIds("the caller's own running support sessions; takes no ids"),
    })
    .input(z.object({ cursor: id.optional(), limit: z.number().int().min(1).max(50).default(20) }).strict())
    .output(z.object({ items: z.array(supportSessionOutput), nextCursor: id.nullable() }))
    .query(({ ctx, input }) => listActiveSupportSessions(ctx, input)),
});

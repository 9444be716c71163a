import { router, tenantProcedure } from '../../trpc.ts';
import {
  decideManyInput,
  decideManyOutput,
  pendingInput,
  pendingOutput,
  setDigestInput,
  setDigestOutput,
} from './approvals.schemas.ts';
import { decideRequests, pendingRequests, setDigest } from './approvals.service.ts';
import { allow, foreignIds, hubConfigurers, townReaders } from '../../contracts.ts';

/** The approval inbox (docs/decisions/037). */
export const approvalsRouter = router({
  /** Requests waiting for a decision: one hub's, or the town's (the hubs the caller decides for); empty for everyone else. */
  pending: tenantProcedure
    .meta({
      // The approval inbox (docs/decisions/037): everyone in the town may ask (the list is empty unless they decide
      // somewhere); deciding like bookings.decide; the mail preference is one's own membership's (the provider's
      // staff and partners have none in the town).
      access: allow(townReaders),
      isolation: foreignIds(),
    })
    .input(pendingInput)
    .output(pendingOutput)
    .query(({ ctx, input }) => pendingRequests(ctx, input)),

  /** Approve or reject several requests at once; the answer counts them and names each that failed, and why. */
  decide: tenantProcedure
    .meta({
      access: allow(hubConfigurers),
      isolation: foreignIds(),
    })
    .input(decideManyInput)
    .output(decideManyOutput)
    .mutation(({ ctx, input }) => decideRequests(ctx, input)),

  /** One's own approval mails in this town: one per request, or a daily digest. */
  setDigest: tenantProcedure
    .meta({
      access: allow(['town-admin', 'hub-manager']),
      isolation: foreignIds(),
    })
    .input(setDigestInput)
    .output(setDigestOutput)
    .mutation(({ ctx, input }) => setDigest(ctx, input)),
});

import { z } from 'zod';
import { authedProcedure, platformProcedure, router } from '../../trpc.ts';
import { email, id, ok, pageInput } from '../../schemas.ts';
import { endOtherSessions, endSession, lookupUser, mySessions } from './sessions.service.ts';
import { allow, foreignIds, noIds, provider, signedIn } from '../../contracts.ts';

const sessionOutput = z.object({
  id,
  createdAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  userAgent: z.string().nullable(),
  clientIp: z.string().nullable(),
  current: z.boolean(),
});

export const sessionsRouter = router({
  mine: authedProcedure
    .meta({
      // One's own sessions; the provider's admins look up an account before ending all its sessions.
      access: allow(signedIn),
      isolation: noIds("lists the caller's own sessions; the cursor only orders them"),
    })
    .input(pageInput.prefault({}))
    .output(z.object({ items: z.array(sessionOutput), nextCursor: id.nullable() }))
    .query(({ ctx, input }) => mySessions(ctx, input)),

  end: authedProcedure
    .meta({
      access: allow(signedIn),
      isolation: foreignIds(),
    })
    .input(z.object({ sessionId: id }).strict())
    .output(ok)
    .mutation(({ ctx, input }) => endSession(ctx, input)),

  endOthers: authedProcedure
    .meta({
      access: allow(signedIn),
      isolation: noIds("ends the caller's own other sessions"),
    })
    .input(z.object({}).strict().prefault({}))
    .output(z.object({ ok: z.literal(true), sessionsEnded: z.number().int() }))
    .mutation(({ ctx }) => endOtherSessions(ctx)),

  lookupUser: platformProcedure
    .meta({
      access: allow(provider),
      isolation: noIds('takes an email address; platform admins only (its access)'),
    })
    .input(z.object({ email }).strict())
    .output(
      z.object({
        id,
        email: z.string(),
        name: z.string(),
        secondFactor: z.boolean(),
        activeSessions: z.number().int(),
      }),
    )
    .query(({ ctx, input }) => lookupUser(ctx, input)),
});

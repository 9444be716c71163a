import { z } from 'zod';
import { authedProcedure, router, tenantProcedure } from '../../trpc.ts';
import { email, id, instantString, slug } from '../../schemas.ts';
import { listAuditAcrossTowns, listAuditEvents } from './audit.service.ts';
import { allow, auditReaders, foreignIds, supporters } from '../../contracts.ts';

const instant = instantString;

const supportSessionRef = z
  .object({
    id,
    reason: z.string(),
    via: z.enum(['provider', 'partner']),
    startedAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    endedAt: z.iso.datetime().nullable(),
  })
  .nullable();

export const auditEventOutput = z.object({
  id,
  createdAt: z.iso.datetime(),
  action: z.string(),
  actor: z.object({ id, name: z.string(), email: z.string() }).nullable(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  reason: z.string().nullable(),
  // Before/after of changed fields and similar; shapes differ per action.
  data: z.unknown(),
  requestId: z.string().nullable(),
  /** Written in a support session (ADR 011): the actor acted on the town's behalf, for this reason. */
  supportSession: supportSessionRef,
});

const filters = {
  action: z
    .string()
    .trim()
    .regex(/^[A-Za-z][A-Za-z0-9.]{0,79}$/, 'validation.invalid')
    .optional(),
  changesOnly: z.boolean().optional(),
  actorEmail: email.optional(),
  from: instant.optional(),
  to: instant.optional(),
  cursor: id.optional(),
  limit: z.number().int().min(1).max(100).default(50),
};

export const auditRouter = router({
  /** A town's audit log, newest first, filtered; keyset-paginated by event id. */
  list: tenantProcedure
    .meta({
      access: allow(auditReaders),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, ...filters }).strict())
    .output(z.object({ items: z.array(auditEventOutput), nextCursor: id.nullable() }))
    .query(({ ctx, input }) => listAuditEvents(ctx, input)),

  /**
   * The audit log of every town in the caller's view — a partner's towns, or
   * all towns for the provider — with the town of each entry; optionally one
   * town (`tenant`). Same filters and pages as `list`.
   */
  listAcrossTowns: authedProcedure
    .meta({
      // The audit log across towns: the provider's staff (all towns) and partners (their towns); town roles are refused.
      access: allow(supporters),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug.optional(), ...filters }).strict())
    .output(
      z.object({
        items: z.array(auditEventOutput.extend({ town: z.object({ slug: z.string(), name: z.string() }).nullable() })),
        nextCursor: id.nullable(),
      }),
    )
    .query(({ ctx, input }) => listAuditAcrossTowns(ctx, input)),
});

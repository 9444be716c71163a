import { z } from 'zod';
import { router, tenantProcedure } from '../../trpc.ts';
import { email, id } from '../../schemas.ts';
import { listAuditEvents } from './audit.service.ts';

const instant = z.iso.datetime({ offset: true, error: 'validation.invalid' });

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
});

export const auditRouter = router({
  /** A town's audit log, newest first, filtered; keyset-paginated by event id. */
  list: tenantProcedure
    .input(
      z
        .object({
          tenant: z.string(),
          action: z.string().trim().regex(/^[A-Za-z][A-Za-z0-9.]{0,79}$/, 'validation.invalid').optional(),
          actorEmail: email.optional(),
          from: instant.optional(),
          to: instant.optional(),
          cursor: id.optional(),
          limit: z.number().int().min(1).max(100).default(50),
        })
        .strict(),
    )
    .output(z.object({ items: z.array(auditEventOutput), nextCursor: id.nullable() }))
    .query(({ ctx, input }) => listAuditEvents(ctx, input)),
});

import { z } from 'zod';
import { id, optionalText, slug } from '../../schemas.ts';
import { BOOKING_STATUSES } from '../bookings/bookings.schemas.ts';

/** How many requests one decision may carry: a page of the inbox. */
export const MAX_DECISIONS = 100;

export const pendingInput = z
  .object({
    tenant: slug,
    /** One hub's inbox; absent: every hub of the town the caller decides for. */
    hubId: id.optional(),
    cursor: id.optional(),
    limit: z.number({ error: 'validation.invalid' }).int('validation.invalid').min(1).max(100).default(50),
  })
  .strict();

const conflictOutput = z
  .object({
    bookingId: id,
    forName: z.string().nullable(),
    startsAt: z.string(),
    endsAt: z.string(),
    status: z.enum(BOOKING_STATUSES),
  })
  .strict();

export const pendingRequestOutput = z
  .object({
    id,
    hubId: id,
    hubName: z.string(),
    spaceId: id,
    spaceName: z.string(),
    deskName: z.string().nullable(),
    startsAt: z.string(),
    endsAt: z.string(),
    /** The member it is for, or the public requester's name. */
    forName: z.string(),
    /** A request from the hub's public page (no account). */
    isPublic: z.boolean(),
    email: z.string().nullable(),
    organisationName: z.string().nullable(),
    purpose: z.string().nullable(),
    attendees: z.number().int(),
    requestedAt: z.string(),
    /** Other requests and bookings of the same room or desk within the space's buffer, named. */
    conflicts: z.array(conflictOutput),
  })
  .strict();

export const pendingOutput = z
  .object({
    /** Whether the caller decides requests here at all (false: the list is empty). */
    mayApprove: z.boolean(),
    /** Pending requests in scope, all pages. */
    total: z.number().int(),
    items: z.array(pendingRequestOutput),
    nextCursor: id.nullable(),
    /** The caller's own mail setting in this town (null: no membership here, e.g. the provider's staff). */
    digest: z.boolean().nullable(),
  })
  .strict();

export const decideManyInput = z
  .object({
    tenant: slug,
    bookingIds: z
      .array(id, { error: 'validation.invalid' })
      .min(1, 'validation.approvals.noneChosen')
      .max(MAX_DECISIONS, 'validation.approvals.tooMany'),
    decision: z.enum(['approve', 'reject'], { error: 'validation.invalid' }),
    /** Sent to the requester; required to reject. */
    reason: optionalText(500, { multiline: true }),
  })
  .strict();

export const decideManyOutput = z
  .object({
    approved: z.number().int(),
    rejected: z.number().int(),
    failed: z.array(
      z
        .object({
          bookingId: id,
          spaceName: z.string(),
          forName: z.string(),
          startsAt: z.string(),
          endsAt: z.string(),
          messageKey: z.string(),
          params: z.record(z.string(), z.string()),
        })
        .strict(),
    ),
  })
  .strict();

export const setDigestInput = z.object({ tenant: slug, digest: z.boolean({ error: 'validation.invalid' }) }).strict();
export const setDigestOutput = z.object({ digest: z.boolean() }).strict();

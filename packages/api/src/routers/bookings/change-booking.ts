import { subject } from '@hubwerk/auth';
import { localParts, uuid7 } from '@hubwerk/domain';
import { columnsOf, Prisma, type Booking, type OpeningHours, type PipelinedQuery, type Space } from '@hubwerk/db';
import { mailSettings } from '../../context.ts';
import { DomainError, notFound } from '../../errors.ts';
import { type BookingMailFacts, queueBookingMail } from '../../mail/booking-mails.ts';
import { approvalRequestParams, ENQUEUE_APPROVAL_REQUEST_SQL } from '../../mail/approval-mails.ts';
import { exceptionsOf, type ExceptionRow } from '../spaces/opening-exceptions.ts';
import type { Ctx } from '../spaces/spaces.service.ts';
import {
  checkOpeningHours,
  checkRules,
  conflictError,
  isExclusionViolation,
  SPACE_CONTEXT_COLUMNS,
  toBookingOutput,
} from './bookings.service.ts';
import { explainConflict } from './booking-conflict.ts';
import { checkLimits, queueLimitQueries } from './limits.ts';

/**
 * Changing a booking (docs/decisions/017): its time, space or desk,
 * purpose and attendee count. The new slot is checked exactly as a new
 * booking is; the booking's own current slot never counts against it (it may
 * move onto an overlapping time, and its plan usage is not counted twice).
 */
export interface ChangeBookingInput {
  bookingId: string;
  startsAt: Date;
  endsAt: Date;
  /** Absent: the same space (and desk, unless `deskId` is given). */
  spaceId?: string | undefined;
  /** With a new space: its desk (absent = none). Without: another desk of the same space. */
  deskId?: string | undefined;
  /** Absent: unchanged; null or empty: none. */
  purpose?: string | null | undefined;
  /** Absent: unchanged. */
  attendees?: number | undefined;
}

const ruleError = (field: string, key: string, params?: Record<string, string>) =>
  new DomainError('BAD_REQUEST', key, { [field]: [key] }, params);

type CurrentRow = Booking & {
  /** The room of an event's session (docs/decisions/038): changed with the event, not on its own. */
  eventOwned: boolean;
  spaceHubId: string;
  spaceName: string;
  deskName: string | null;
  hubName: string;
  recipientName: string | null;
  recipientEmail: string | null;
  actorName: string | null;
};
type TargetSpace = Space & {
  archived: boolean;
  deskSpaceId: string | null;
  deskName: string | null;
  week: OpeningHours[];
  exception: ExceptionRow | null;
  hubName: string;
};
type ChangedRow = Booking & { userName: string | null; createdByName: string | null; organisationName: string | null };

// Named, not `*`: these statements are prepared (ADR 021).
const BOOKING_COLUMNS = columnsOf('b', Prisma.BookingScalarFieldEnum);
const SPACE_COLUMNS = columnsOf('s', Prisma.SpaceScalarFieldEnum);

/** Where a booking is, for the audit entry and the mail. */
const placeOf = (
  b: Pick<Booking, 'spaceId' | 'deskId' | 'startsAt' | 'endsAt' | 'purpose' | 'attendees' | 'status'>,
) => ({
  spaceId: b.spaceId,
  deskId: b.deskId,
  startsAt: b.startsAt.toISOString(),
  endsAt: b.endsAt.toISOString(),
  purpose: b.purpose,
  attendees: b.attendees,
  status: b.status,
});

/**
 * One transaction (ADR 006's pipelined connection, statements awaited one
 * after the other): lock the booking row, then the space rows — the old and
 * the target space, in id order, so two changes moving bookings between the
 * same two spaces in opposite directions cannot deadlock — and check, under
 * those locks, everything createBooking checks. The UPDATE, its audit entry
 * and the "changed" mail commit together or not at all; the exclusion
 * constraint stays the last word.
 */
export async function changeBooking(ctx: Ctx, input: ChangeBookingInput) {
  if (input.endsAt.getTime() <= input.startsAt.getTime()) throw ruleError('endsAt', 'errors.booking.endBeforeStart');
  const tenantId = ctx.tenant.id;
  let targetSpaceId = input.spaceId;
  let targetDeskId: string | null = input.deskId ?? null;
  try {
    return await ctx.db.$pipelinedTransaction(async (query) => {
      const current = (
        await query<CurrentRow>(
          `SELECT ${BOOKING_COLUMNS}, s."hubId" AS "spaceHubId", s.name AS "spaceName", d.name AS "deskName", h.name AS "hubName",
                  coalesce(u.name, b."requesterName") AS "recipientName", coalesce(u.email, b."requesterEmail") AS "recipientEmail",
                  (SELECT a.name FROM "User" a WHERE a.id = $3::uuid) AS "actorName",
                  EXISTS (SELECT 1 FROM "EventSession" es WHERE es."tenantId" = b."tenantId" AND es."bookingId" = b.id) AS "eventOwned"
             FROM "Booking" b
             JOIN "Space" s ON s."tenantId" = b."tenantId" AND s.id = b."spaceId"
             JOIN "Hub" h ON h."tenantId" = s."tenantId" AND h.id = s."hubId"
             LEFT JOIN "Desk" d ON d."tenantId" = b."tenantId" AND d.id = b."deskId"
             LEFT JOIN "User" u ON u.id = b."userId"
            WHERE b."tenantId" = $1::uuid AND b.id = $2::uuid FOR UPDATE OF b`,
          [tenantId, input.bookingId, ctx.session.userId],
        )
      ).rows[0];
      const asSubject = (b: Booking, hubId: string) => subject('Booking', { ...b, space: { hubId } });
      if (!current || ctx.ability.cannot('read', asSubject(current, current.spaceHubId))) throw notFound();
      if (ctx.ability.cannot('update', asSubject(current, current.spaceHubId)))
        throw new DomainError('FORBIDDEN', 'errors.forbidden');
      if (current.status === 'CANCELLED')
        throw new DomainError('CONFLICT', 'errors.booking.changeCancelled', {
          _form: ['errors.booking.changeCancelled'],
        });
      if (current.startsAt.getTime() <= Date.now())
        throw new DomainError('CONFLICT', 'errors.booking.changeStarted', { _form: ['errors.booking.changeStarted'] });
      if (current.eventOwned)
        throw new DomainError('CONFLICT', 'errors.booking.ownedByEvent', { _form: ['errors.booking.ownedByEvent'] });

      targetSpaceId ??= current.spaceId;
      if (input.spaceId === undefined && input.deskId === undefined) targetDeskId = current.deskId;
      const date = localParts(input.startsAt, ctx.tenant.timezone).date;
      // The space rows, old and new, in a fixed order (ADR 006: bookings of a space queue here).
      await query(
        `SELECT s.id FROM "Space" s WHERE s."tenantId" = $1::uuid AND s.id = ANY($2::uuid[]) ORDER BY s.id FOR UPDATE`,
        [tenantId, [...new Set([current.spaceId, targetSpaceId])]],
      );
      const space = (
        await query<TargetSpace>(
          `SELECT ${SPACE_COLUMNS}, ${SPACE_CONTEXT_COLUMNS}
             FROM "Space" s WHERE s."tenantId" = $1::uuid AND s.id = $2::uuid`,
          [tenantId, targetSpaceId, targetDeskId, date],
        )
      ).rows[0];
      if (!space || space.archived || ctx.ability.cannot('read', subject('Space', space))) throw notFound();
      let desk: { id: string; name: string } | null = null;
      if (targetDeskId) {
        if (space.deskSpaceId !== space.id) throw notFound();
        desk = { id: targetDeskId, name: space.deskName ?? '' };
      } else if (space.kind === 'COWORKING') {
        throw ruleError('deskId', 'errors.booking.deskRequired');
      }
      // Moving it must leave it a booking the caller may still change (a hub manager cannot move it into another hub).
      if (ctx.ability.cannot('update', asSubject({ ...current, spaceId: space.id }, space.hubId)))
        throw new DomainError('FORBIDDEN', 'errors.forbidden');

      const purpose = input.purpose === undefined ? current.purpose : input.purpose?.trim() || null;
      const attendees = input.attendees ?? current.attendees;
      const unchanged =
        space.id === current.spaceId &&
        (desk?.id ?? null) === current.deskId &&
        input.startsAt.getTime() === current.startsAt.getTime() &&
        input.endsAt.getTime() === current.endsAt.getTime() &&
        purpose === current.purpose &&
        attendees === current.attendees;
      if (unchanged)
        return outputOf(ctx, await reread(query, tenantId, current.id), space.hubId, space.name, desk?.name ?? null);

      const wanted = {
        spaceId: space.id,
        deskId: desk?.id,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        purpose,
        attendees,
      };
      checkRules(ctx, space, desk, wanted);
      checkOpeningHours(
        ctx,
        { week: space.week, ...exceptionsOf(space.exception ? [space.exception] : []) },
        date,
        wanted,
      );

      // Live bookings of the resource closer than the buffer — other than this one.
      const colliding = (
        await query<Pick<Booking, 'startsAt' | 'endsAt'>>(
          `SELECT b."startsAt", b."endsAt" FROM "Booking" b
             JOIN "Space" s ON s."tenantId" = b."tenantId" AND s.id = b."spaceId"
            WHERE b."tenantId" = $1::uuid AND b."spaceId" = $2::uuid AND b.status <> 'CANCELLED' AND b.id <> $6::uuid
              AND ${desk ? `b."deskId" = $3::uuid` : `b."deskId" IS NULL AND $3::uuid IS NULL`}
              AND tstzrange(b."startsAt", b."endsAt", '[)')
                  && tstzrange($4::timestamptz - make_interval(mins => s."bufferMinutes"), $5::timestamptz + make_interval(mins => s."bufferMinutes"), '[)')
            ORDER BY b."startsAt" LIMIT 1`,
          [tenantId, space.id, desk?.id ?? null, input.startsAt, input.endsAt, current.id],
        )
      ).rows[0];
      if (colliding) throw conflictError(colliding);

      // Plans and per-member limits of the person it is for (a public requester has none).
      if (current.userId) {
        const facts = await queueLimitQueries(query, {
          tenantId,
          spaceId: space.id,
          userId: current.userId,
          organisationId: current.organisationId,
          isDesk: desk !== null,
          startsAt: input.startsAt,
          endsAt: input.endsAt,
          date,
          timezone: ctx.tenant.timezone,
          excludeBookingId: current.id,
        });
        if (!facts) throw notFound();
        checkLimits(facts, { isDesk: desk !== null, startsAt: input.startsAt, endsAt: input.endsAt }, space);
      }

      // Approval: a member's change of a booking in a space that needs it waits for the hub again;
      // staff of the target hub (who could approve it) keep its status; a space without approval confirms.
      const staff = ctx.ability.can('update', subject('Space', { tenantId, hubId: space.hubId } as Space));
      const status = !space.approvalRequired ? 'CONFIRMED' : staff ? current.status : 'PENDING';

      await query(
        `UPDATE "Booking" SET "spaceId" = $3::uuid, "deskId" = $4::uuid, "startsAt" = $5::timestamptz, "endsAt" = $6::timestamptz,
                purpose = $7, attendees = $8::int, status = $9, revision = revision + 1, "changedAt" = now(),
                -- A new time needs its own reminder; within the reminder's lead time the change mail is it.
                "reminderQueuedAt" = CASE WHEN "startsAt" = $5::timestamptz THEN "reminderQueuedAt"
                                          WHEN $5::timestamptz <= now() + interval '24 hours' THEN now() END
          WHERE "tenantId" = $1::uuid AND id = $2::uuid`,
        [tenantId, current.id, space.id, desk?.id ?? null, input.startsAt, input.endsAt, purpose, attendees, status],
      );
      const after = await reread(query, tenantId, current.id);
      await query(
        `INSERT INTO "AuditEvent" (id, "tenantId", "actorUserId", action, "targetType", "targetId", "requestId", data)
         VALUES ($1::uuid, $2::uuid, $3::uuid, 'booking.changed', 'Booking', $4, $5, $6::jsonb)`,
        [
          uuid7(),
          tenantId,
          ctx.session.userId,
          current.id,
          ctx.requestId,
          JSON.stringify({ before: placeOf(current), after: placeOf(after) }),
        ],
      );

      if (current.recipientEmail) {
        const where = (hubName: string, spaceName: string, deskName: string | null) =>
          [hubName, spaceName, deskName].filter(Boolean).join(' · ');
        const facts: BookingMailFacts = {
          bookingId: current.id,
          tenantSlug: ctx.tenant.slug,
          timezone: ctx.tenant.timezone,
          hubName: space.hubName,
          spaceName: space.name,
          deskName: desk?.name ?? null,
          startsAt: after.startsAt,
          endsAt: after.endsAt,
          purpose: after.purpose,
          bookedBy: after.createdByName,
          // Staff changing someone's booking: the mail says who.
          changedBy: current.userId === ctx.session.userId ? null : current.actorName,
          organisationName: after.organisationName,
          recipientName: current.recipientName ?? current.recipientEmail,
          recipientEmail: current.recipientEmail,
          adminUrl: mailSettings(ctx).adminUrl,
          revision: after.revision,
          previous: {
            startsAt: current.startsAt,
            endsAt: current.endsAt,
            where: where(current.hubName, current.spaceName, current.deskName),
          },
        };
        // Before COMMIT: the mail commits with the change or not at all (ADR 009).
        await queueBookingMail(query, status === 'PENDING' ? 'changeRequested' : 'changed', facts);
      }
      // A change that needs approval is a new request for the staff who decide.
      if (status === 'PENDING' && current.status !== 'PENDING')
        await query(
          ENQUEUE_APPROVAL_REQUEST_SQL,
          approvalRequestParams(ctx.tenant.id, current.userId, {
            tenantSlug: ctx.tenant.slug,
            timezone: ctx.tenant.timezone,
            hubId: space.hubId,
            hubName: space.hubName,
            spaceName: space.name,
            deskName: desk?.name ?? null,
            startsAt: after.startsAt,
            endsAt: after.endsAt,
            requesterName: current.recipientName ?? current.recipientEmail ?? '',
            purpose: after.purpose,
            adminUrl: mailSettings(ctx).adminUrl,
          }),
        );
      return outputOf(ctx, after, space.hubId, space.name, desk?.name ?? null);
    });
  } catch (error) {
    if (isExclusionViolation(error)) {
      // Only reachable if a writer skipped the space lock; name what won.
      const winner = await ctx.db.booking.findFirst({
        where: {
          tenantId,
          id: { not: input.bookingId },
          spaceId: targetSpaceId ?? '',
          deskId: targetDeskId,
          status: { not: 'CANCELLED' },
          startsAt: { lt: input.endsAt },
          endsAt: { gt: input.startsAt },
        },
      });
      throw conflictError(winner ?? input);
    }
    throw error;
  }
}

async function reread(query: PipelinedQuery, tenantId: string, id: string): Promise<ChangedRow> {
  const row = (
    await query<ChangedRow>(
      `SELECT ${BOOKING_COLUMNS}, u.name AS "userName", c.name AS "createdByName", o.name AS "organisationName"
         FROM "Booking" b
         LEFT JOIN "User" u ON u.id = b."userId"
         LEFT JOIN "User" c ON c.id = b."createdById"
         LEFT JOIN "Organisation" o ON o."tenantId" = b."tenantId" AND o.id = b."organisationId"
        WHERE b."tenantId" = $1::uuid AND b.id = $2::uuid`,
      [tenantId, id],
    )
  ).rows[0];
  if (!row) throw notFound();
  return row;
}

function outputOf(ctx: Ctx, b: ChangedRow, hubId: string, spaceName: string, deskName: string | null) {
  const { userName, createdByName, organisationName, ...booking } = b;
  return toBookingOutput(ctx, {
    ...booking,
    space: { hubId, name: spaceName },
    desk: deskName === null ? null : { name: deskName },
    user: userName === null ? null : { name: userName },
    createdBy: createdByName === null ? null : { name: createdByName },
    organisation: organisationName === null ? null : { name: organisationName },
  });
}

/** `bookings.update`: a conflict names the colliding booking and offers the next free slot, as creation does (booking-conflict.ts). */
export async function changeBookingExplained(ctx: Ctx, input: ChangeBookingInput) {
  try {
    return await changeBooking(ctx, input);
  } catch (error) {
    if (!(error instanceof DomainError) || error.messageKey !== 'errors.booking.conflict') throw error;
    // The change rolled back; where it was meant to go is read afterwards.
    const current = await ctx.db.booking.findFirst({
      where: { tenantId: ctx.tenant.id, id: input.bookingId },
      select: { spaceId: true, deskId: true },
    });
    if (!current) throw error;
    const spaceId = input.spaceId ?? current.spaceId;
    const deskId = input.spaceId === undefined && input.deskId === undefined ? current.deskId : input.deskId;
    throw await explainConflict(
      ctx,
      { spaceId, deskId: deskId ?? undefined, startsAt: input.startsAt, endsAt: input.endsAt },
      error,
    );
  }
}

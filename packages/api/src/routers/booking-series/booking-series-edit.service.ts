import { subject } from '@hubwerk/auth';
import { localParts, uuid7, zonedToUtc } from '@hubwerk/domain';
import { DomainError, notFound } from '../../errors.ts';
import { isExclusionViolation } from '../bookings/bookings.service.ts';
import type { Ctx } from '../spaces/spaces.service.ts';
import {
  assess,
  conflictsError,
  loadSeries,
  occurrencesOf,
  type SeriesDb,
  type SeriesInput,
} from './booking-series.service.ts';

const MINUTE = 60_000;

export interface EditSeriesInput {
  seriesId: string;
  /** First local date whose occurrences are replaced. */
  from: string;
  /** The first new occurrence; later ones repeat its local time by `rrule`. */
  startsAt: Date;
  endsAt: Date;
  rrule: string;
  purpose: string | null;
  attendees: number;
}

/**
 * What an edit would do: the series (readable, and changeable by the
 * caller), the occurrences it replaces — not cancelled, not ended, starting
 * on `from` or later — and the new occurrences. The new series keeps the
 * space, the desk and the owner of the old one.
 */
async function plan(ctx: Ctx, db: SeriesDb, input: EditSeriesInput) {
  const { series, probe } = await loadSeries(ctx, db, input.seriesId);
  if (ctx.ability.cannot('update', subject('Booking', probe))) throw new DomainError('FORBIDDEN', 'errors.forbidden');
  const tz = ctx.tenant.timezone;
  if (localParts(input.startsAt, tz).date < input.from) {
    throw new DomainError('BAD_REQUEST', 'errors.series.editStartBeforeFrom', {
      startsAt: ['errors.series.editStartBeforeFrom'],
    });
  }
  const from = zonedToUtc(input.from, 0, tz);
  const now = Date.now();
  const replaced = series.bookings.filter(
    (b) => b.status !== 'CANCELLED' && b.startsAt >= from && b.endsAt.getTime() > now,
  );
  if (replaced.length === 0)
    throw new DomainError(
      'BAD_REQUEST',
      'errors.series.nothingToEdit',
      { from: ['errors.series.nothingToEdit'] },
      { date: input.from },
    );
  const seriesInput: SeriesInput = {
    spaceId: series.spaceId,
    deskId: series.deskId ?? undefined,
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    rrule: input.rrule,
    purpose: input.purpose,
    attendees: input.attendees,
  };
  const occurrences = occurrencesOf(ctx, seriesInput);
  const options = { ownerId: series.userId, replacing: { seriesId: series.id, from } };
  return { series, from, replaced, seriesInput, occurrences, options };
}

/**
 * "Diesen und alle folgenden Termine ändern", checked: every new date with
 * what is in its way, as for a new series, except that the occurrences the
 * edit would cancel are not in the way. Writes nothing.
 */
export async function previewSeriesEdit(ctx: Ctx, input: EditSeriesInput) {
  const { replaced, seriesInput, occurrences, options } = await plan(ctx, ctx.db, input);
  const { checks } = await assess(ctx, ctx.db, seriesInput, occurrences, options);
  return {
    timezone: ctx.tenant.timezone,
    occurrences: checks,
    conflicts: checks.filter((c) => c.conflict).length,
    replaced: replaced.length,
  };
}

/**
 * Replaces the series from `from` on, all or nothing (docs/decisions/020):
 * under the space's row lock (as every booking, ADR 006) it cancels the
 * remaining occurrences and books the new ones as a new series that names
 * the old one (`previousSeriesId`); one audit entry. If any new date is
 * blocked, nothing changes and the error names the dates.
 */
export async function editSeries(ctx: Ctx, input: EditSeriesInput) {
  const tenantId = ctx.tenant.id;
  const newSeriesId = uuid7();
  try {
    return await ctx.db.$transaction(async (tx) => {
      const [located] = await tx.$queryRaw<Array<{ spaceId: string }>>`
        SELECT "spaceId" FROM "BookingSeries" WHERE "tenantId" = ${tenantId}::uuid AND id = ${input.seriesId}::uuid`;
      if (!located) throw notFound();
      // The lock first, then the read: a concurrent edit of the same series has committed by now and is seen.
      await tx.$queryRaw`SELECT 1 FROM "Space" WHERE "tenantId" = ${tenantId}::uuid AND id = ${located.spaceId}::uuid FOR UPDATE`;
      const { series, from, seriesInput, occurrences, options } = await plan(ctx, tx, input);
      const { space, checks, organisationId } = await assess(ctx, tx, seriesInput, occurrences, {
        ...options,
        lock: true,
      });
      if (checks.some((c) => c.conflict)) throw conflictsError(checks);
      const now = new Date();
      const { count: cancelled } = await tx.booking.updateMany({
        where: {
          tenantId,
          seriesId: series.id,
          status: { not: 'CANCELLED' },
          endsAt: { gt: now },
          startsAt: { gte: from },
        },
        data: { status: 'CANCELLED', cancelledAt: now },
      });
      const durationMinutes = (input.endsAt.getTime() - input.startsAt.getTime()) / MINUTE;
      const rrule = input.rrule.trim();
      await tx.bookingSeries.create({
        data: {
          tenantId,
          id: newSeriesId,
          spaceId: series.spaceId,
          deskId: series.deskId,
          userId: series.userId,
          rrule,
          firstStartsAt: input.startsAt,
          durationMinutes,
          timezone: ctx.tenant.timezone,
          purpose: input.purpose,
          attendees: input.attendees,
          previousSeriesId: series.id,
        },
      });
      await tx.booking.createMany({
        data: occurrences.map((o) => ({
          tenantId,
          id: uuid7(),
          spaceId: series.spaceId,
          deskId: series.deskId,
          userId: series.userId,
          seriesId: newSeriesId,
          organisationId,
          createdById: series.userId === ctx.session.userId ? null : ctx.session.userId,
          startsAt: o.startsAt,
          endsAt: o.endsAt,
          status: space.approvalRequired ? 'PENDING' : 'CONFIRMED',
          purpose: input.purpose,
          attendees: input.attendees,
        })),
      });
      await tx.auditEvent.create({
        data: {
          tenantId,
          actorUserId: ctx.session.userId,
          action: 'bookingSeries.edited',
          targetType: 'BookingSeries',
          targetId: series.id,
          requestId: ctx.requestId,
          data: {
            from: input.from,
            newSeriesId,
            previousRrule: series.rrule,
            rrule,
            cancelled,
            occurrences: occurrences.length,
            first: occurrences[0]!.startsAt.toISOString(),
            durationMinutes,
            purpose: input.purpose,
            attendees: input.attendees,
          },
        },
      });
      return { cancelled, series: (await loadSeries(ctx, tx, newSeriesId)).output };
    });
  } catch (error) {
    if (isExclusionViolation(error)) {
      // Only reachable if a writer skipped the lock: report what is in the way now.
      const { seriesInput, occurrences, options } = await plan(ctx, ctx.db, input);
      const { checks } = await assess(ctx, ctx.db, seriesInput, occurrences, options);
      throw conflictsError(
        checks.some((c) => c.conflict)
          ? checks
          : checks.map((c) => ({
              ...c,
              conflict: { reason: 'taken' as const, messageKey: 'errors.booking.conflict', params: {} },
            })),
      );
    }
    throw error;
  }
}

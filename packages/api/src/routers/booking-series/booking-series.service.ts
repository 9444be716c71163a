import { subject } from '@hubwerk/auth';
import { addDays, localParts, oneOf, uuid7, zonedToUtc } from '@hubwerk/domain';
import type { Booking, BookingSeries, Desk, OpeningHours, Space } from '@hubwerk/db';
import type { TenantIdempotency } from '../../idempotency.ts';
import { DomainError, notFound } from '../../errors.ts';
import { toApiEnum } from '../../schemas.ts';
import { checkOpeningHours, checkRules, isExclusionViolation, type Opening } from '../bookings/bookings.service.ts';
import { loadLimitLedger, type RawDb } from '../bookings/limits.ts';
import { exceptionsOf, type ExceptionRow } from '../spaces/opening-exceptions.ts';
import type { Ctx } from '../spaces/spaces.service.ts';
import type { CONFLICT_REASONS } from './booking-series.schemas.ts';
import { expandSeries, MAX_OCCURRENCES, type Occurrence } from './recurrence.ts';

const MINUTE = 60_000;

export interface SeriesInput {
  spaceId: string;
  deskId?: string | undefined;
  startsAt: Date;
  endsAt: Date;
  rrule: string;
  purpose: string | null;
  attendees: number;
}

export type SeriesDb = Pick<Ctx['db'], 'booking' | 'bookingSeries' | 'auditEvent' | '$queryRaw'> & RawDb;
export interface AssessOptions {
  /** Inside the writing transaction: take the person's and organisation's limit locks as a single booking does. */
  lock?: boolean;
  /** Whose bookings the occurrences become (default: the caller). */
  ownerId?: string;
  /** An edit: this series' occurrences from `from` on are about to be cancelled. */
  replacing?: { seriesId: string; from: Date };
}
type Conflict = { reason: (typeof CONFLICT_REASONS)[number]; messageKey: string; params: Record<string, string> };

const REASONS: Record<string, Conflict['reason']> = {
  'errors.booking.conflict': 'taken',
  'errors.booking.closedDay': 'closed',
  'errors.booking.outsideOpeningHours': 'outside-opening-hours',
};

export function occurrencesOf(ctx: Ctx, input: SeriesInput): Occurrence[] {
  const minutes = (input.endsAt.getTime() - input.startsAt.getTime()) / MINUTE;
  if (minutes <= 0)
    throw new DomainError('BAD_REQUEST', 'errors.booking.endBeforeStart', {
      endsAt: ['errors.booking.endBeforeStart'],
    });
  return expandSeries({
    rrule: input.rrule,
    firstStartsAt: input.startsAt,
    durationMinutes: minutes,
    timeZone: ctx.tenant.timezone,
  });
}

type LoadedSpace = Space & {
  deskSpaceId: string | null;
  deskName: string | null;
  week: OpeningHours[];
  exceptions: ExceptionRow[];
  bookings: Array<{ startsAt: string; endsAt: string }>;
};

/**
 * Checks every occurrence against the space's rules, opening hours, closing
 * days, the buffer and the bookings already there — one statement for the
 * whole series — and says for each what is in the way (null: free).
 */
export async function assess(
  ctx: Ctx,
  db: SeriesDb,
  input: SeriesInput,
  occurrences: Occurrence[],
  options: AssessOptions = {},
) {
  const tenantId = ctx.tenant.id;
  const deskId = input.deskId ?? null;
  const replacedSeries = options.replacing?.seriesId ?? null;
  const replacedFrom = options.replacing?.from ?? null;
  const first = occurrences[0]!;
  const last = occurrences[occurrences.length - 1]!;
  const [space] = await db.$queryRaw<LoadedSpace[]>`
    SELECT s.*,
      (SELECT d."spaceId" FROM "Desk" d WHERE d."tenantId" = s."tenantId" AND d.id = ${deskId}::uuid AND d."archivedAt" IS NULL) AS "deskSpaceId",
      (SELECT d.name FROM "Desk" d WHERE d."tenantId" = s."tenantId" AND d.id = ${deskId}::uuid) AS "deskName",
      (SELECT coalesce(json_agg(json_build_object('weekday', o.weekday, 'opensAt', o."opensAt", 'closesAt', o."closesAt")), '[]'::json)
         FROM "OpeningHours" o WHERE o."tenantId" = s."tenantId" AND o."hubId" = s."hubId") AS week,
      (SELECT coalesce(json_agg(json_build_object('date', to_char(e.date, 'YYYY-MM-DD'), 'opensAt', e."opensAt", 'closesAt', e."closesAt")), '[]'::json)
         FROM "OpeningException" e WHERE e."tenantId" = s."tenantId" AND e."hubId" = s."hubId" AND e.date BETWEEN ${first.date}::date AND ${last.date}::date) AS exceptions,
      (SELECT coalesce(json_agg(json_build_object('startsAt', b."startsAt", 'endsAt', b."endsAt") ORDER BY b."startsAt"), '[]'::json)
         FROM "Booking" b WHERE b."tenantId" = s."tenantId" AND b."spaceId" = s.id AND b.status <> 'CANCELLED'
          AND b."deskId" IS NOT DISTINCT FROM ${deskId}::uuid
          -- An edit (docs/decisions/020): the occurrences it cancels are not in its way.
          AND (${replacedSeries}::uuid IS NULL OR b."seriesId" IS DISTINCT FROM ${replacedSeries}::uuid
               OR b."startsAt" < ${replacedFrom}::timestamptz OR b."endsAt" <= now())
          AND b."startsAt" < ${last.endsAt}::timestamptz + make_interval(mins => s."bufferMinutes")
          AND b."endsAt" > ${first.startsAt}::timestamptz - make_interval(mins => s."bufferMinutes")) AS bookings
    FROM "Space" s WHERE s."tenantId" = ${tenantId}::uuid AND s.id = ${input.spaceId}::uuid
      -- Archived spaces and hubs take no bookings (docs/decisions/035).
      AND s."archivedAt" IS NULL
      AND NOT EXISTS (SELECT 1 FROM "Hub" h WHERE h."tenantId" = s."tenantId" AND h.id = s."hubId" AND h."archivedAt" IS NOT NULL)`;
  if (!space || ctx.ability.cannot('read', subject('Space', space))) throw notFound();
  let desk: Pick<Desk, 'id' | 'name'> | null = null;
  if (deskId) {
    if (space.deskSpaceId !== space.id) throw notFound();
    desk = { id: deskId, name: space.deskName ?? '' };
  } else if (space.kind === 'COWORKING') {
    throw new DomainError('BAD_REQUEST', 'errors.booking.deskRequired', { deskId: ['errors.booking.deskRequired'] });
  }
  const userId = options.ownerId ?? ctx.session.userId;
  const probe = { tenantId, userId, space: { hubId: space.hubId } } as unknown as Booking;
  if (ctx.ability.cannot('create', subject('Booking', probe))) throw new DomainError('FORBIDDEN', 'errors.forbidden');

  // Plans and per-member limits count the series' own dates with the person's other bookings.
  const ledger = await loadLimitLedger(db, {
    tenantId,
    spaceId: space.id,
    userId,
    timezone: ctx.tenant.timezone,
    firstDate: first.date,
    lastDate: last.date,
    lock: options.lock ?? false,
    replacing: options.replacing,
  });
  if (!ledger?.base.email) throw notFound();
  const opening: Opening = { week: space.week, ...exceptionsOf(space.exceptions) };
  const buffer = space.bufferMinutes * MINUTE;
  const taken = space.bookings.map((b) => [new Date(b.startsAt).getTime(), new Date(b.endsAt).getTime()] as const);
  const checks = occurrences.map((o, i) => {
    const single = {
      spaceId: space.id,
      deskId: deskId ?? undefined,
      startsAt: o.startsAt,
      endsAt: o.endsAt,
      purpose: input.purpose,
      attendees: input.attendees,
    };
    let conflict: Conflict | null = null;
    const refusal = (error: unknown): Conflict => {
      if (!(error instanceof DomainError)) throw error;
      return { reason: REASONS[error.messageKey] ?? 'rule', messageKey: error.messageKey, params: error.params ?? {} };
    };
    try {
      checkRules(ctx, space, desk, single);
      checkOpeningHours(ctx, opening, o.date, single);
    } catch (error) {
      conflict = refusal(error);
    }
    if (!conflict) {
      const s = o.startsAt.getTime();
      const e = o.endsAt.getTime();
      // Another booking, or this series' own previous occurrence, closer than the buffer.
      const previous = occurrences[i - 1];
      const hit =
        taken.find(([bs, be]) => bs < e + buffer && be > s - buffer) ??
        (previous && previous.endsAt.getTime() + buffer > s
          ? ([previous.startsAt.getTime(), previous.endsAt.getTime()] as const)
          : undefined);
      if (hit)
        conflict = {
          reason: 'taken',
          messageKey: 'errors.booking.conflict',
          params: { startsAt: new Date(hit[0]).toISOString(), endsAt: new Date(hit[1]).toISOString() },
        };
    }
    if (!conflict) {
      try {
        ledger.take(space, deskId !== null, o.date, o.startsAt, o.endsAt);
      } catch (error) {
        conflict = refusal(error);
      }
    }
    return { date: o.date, startsAt: o.startsAt.toISOString(), endsAt: o.endsAt.toISOString(), conflict };
  });
  return { space, desk, checks, organisationId: ledger.base.organisationId };
}

/** What a series would book, occurrence by occurrence, with what is in the way of each. Writes nothing. */
export async function previewSeries(ctx: Ctx, input: SeriesInput) {
  const occurrences = occurrencesOf(ctx, input);
  const { checks } = await assess(ctx, ctx.db, input, occurrences);
  return { timezone: ctx.tenant.timezone, occurrences: checks, conflicts: checks.filter((c) => c.conflict).length };
}

export function conflictsError(checks: Array<{ date: string; conflict: Conflict | null }>) {
  const dates = checks.filter((c) => c.conflict).map((c) => c.date);
  return new DomainError(
    'CONFLICT',
    'errors.series.conflicts',
    { rrule: ['errors.series.conflicts'] },
    {
      count: String(dates.length),
      dates: dates.slice(0, 10).join(', ') + (dates.length > 10 ? ' …' : ''),
    },
  );
}

/**
 * Books every occurrence, or none: one transaction that locks the space row
 * (like a single booking, ADR 006), checks all occurrences, then inserts the
 * series and its bookings. The exclusion constraints stay the last word; a
 * violation rolls the whole series back.
 */
export async function createSeries(ctx: Ctx, input: SeriesInput, idempotency: TenantIdempotency | null = null) {
  const occurrences = occurrencesOf(ctx, input);
  const tenantId = ctx.tenant.id;
  const seriesId = uuid7();
  try {
    return await ctx.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM "Space" WHERE "tenantId" = ${tenantId}::uuid AND id = ${input.spaceId}::uuid FOR UPDATE`;
      const { space, checks, organisationId } = await assess(ctx, tx, input, occurrences, { lock: true });
      if (checks.some((c) => c.conflict)) throw conflictsError(checks);
      const durationMinutes = (input.endsAt.getTime() - input.startsAt.getTime()) / MINUTE;
      await tx.bookingSeries.create({
        data: {
          tenantId,
          id: seriesId,
          spaceId: space.id,
          deskId: input.deskId ?? null,
          userId: ctx.session.userId,
          rrule: input.rrule.trim(),
          firstStartsAt: input.startsAt,
          durationMinutes,
          timezone: ctx.tenant.timezone,
          purpose: input.purpose,
          attendees: input.attendees,
        },
      });
      // The client's key, with the series it makes (docs/decisions/033).
      if (idempotency)
        await tx.tenantIdempotencyKey.create({
          data: { tenantId, ...idempotency, resultId: seriesId },
        });
      await tx.booking.createMany({
        data: occurrences.map((o) => ({
          tenantId,
          id: uuid7(),
          spaceId: space.id,
          deskId: input.deskId ?? null,
          userId: ctx.session.userId,
          seriesId,
          // Counted against the member's organisation's plan, as a single booking is.
          organisationId,
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
          action: 'bookingSeries.created',
          targetType: 'BookingSeries',
          targetId: seriesId,
          requestId: ctx.requestId,
          data: {
            spaceId: space.id,
            deskId: input.deskId ?? null,
            rrule: input.rrule.trim(),
            occurrences: occurrences.length,
            first: occurrences[0]!.startsAt.toISOString(),
          },
        },
      });
      return (await loadSeries(ctx, tx, seriesId)).output;
    });
  } catch (error) {
    if (isExclusionViolation(error)) {
      // Only reachable if a writer skipped the lock: report what is taken now.
      const { checks } = await assess(ctx, ctx.db, input, occurrences);
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

export async function loadSeries(ctx: Ctx, db: SeriesDb, seriesId: string) {
  const series = await db.bookingSeries.findFirst({
    where: { tenantId: ctx.tenant.id, id: seriesId },
    include: {
      space: { select: { hubId: true, name: true } },
      desk: { select: { name: true } },
      bookings: { orderBy: [{ startsAt: 'asc' }, { id: 'asc' }], take: MAX_OCCURRENCES },
      nextSeries: { select: { id: true }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 1 },
    },
  });
  if (!series) throw notFound();
  const probe = {
    tenantId: series.tenantId,
    userId: series.userId,
    space: { hubId: series.space.hubId },
  } as unknown as Booking;
  if (ctx.ability.cannot('read', subject('Booking', probe))) throw notFound();
  return { series, probe, output: toSeriesOutput(ctx, series) };
}

function toSeriesOutput(
  ctx: Ctx,
  s: BookingSeries & {
    space: Pick<Space, 'hubId' | 'name'>;
    desk: Pick<Desk, 'name'> | null;
    bookings: Booking[];
    nextSeries: Array<{ id: string }>;
  },
) {
  return {
    id: s.id,
    spaceId: s.spaceId,
    spaceName: s.space.name,
    hubId: s.space.hubId,
    deskId: s.deskId,
    deskName: s.desk?.name ?? null,
    rrule: s.rrule,
    purpose: s.purpose,
    attendees: s.attendees,
    mine: s.userId === ctx.session.userId,
    previousSeriesId: s.previousSeriesId,
    nextSeriesId: s.nextSeries[0]?.id ?? null,
    occurrences: s.bookings.map((b) => ({
      bookingId: b.id,
      date: localParts(b.startsAt, ctx.tenant.timezone).date,
      startsAt: b.startsAt.toISOString(),
      endsAt: b.endsAt.toISOString(),
      status: toApiEnum(oneOf('BookingStatus', b.status)),
    })),
  };
}

/** A series with all its occurrences: its owner and the staff of its hub. */
export async function getSeries(ctx: Ctx, input: { seriesId: string }) {
  return (await loadSeries(ctx, ctx.db, input.seriesId)).output;
}

/**
 * Cancels the occurrences from `from` to `to` (local dates, both included;
 * from = to is one occurrence; no `to` is the rest of the series). What has
 * already ended stays as it was: history is not rewritten.
 */
export async function cancelSeries(
  ctx: Ctx,
  input: { seriesId: string; from?: string | undefined; to?: string | undefined },
) {
  if (input.from && input.to && input.to < input.from) {
    throw new DomainError('BAD_REQUEST', 'errors.series.rangeOrder', { to: ['errors.series.rangeOrder'] });
  }
  const tz = ctx.tenant.timezone;
  return ctx.db.$transaction(async (tx) => {
    const { probe } = await loadSeries(ctx, tx, input.seriesId);
    if (ctx.ability.cannot('update', subject('Booking', probe))) throw new DomainError('FORBIDDEN', 'errors.forbidden');
    const now = new Date();
    const from = input.from ? zonedToUtc(input.from, 0, tz) : null;
    const to = input.to ? zonedToUtc(addDays(input.to, 1), 0, tz) : null;
    const { count } = await tx.booking.updateMany({
      where: {
        tenantId: ctx.tenant.id,
        seriesId: input.seriesId,
        status: { not: 'CANCELLED' },
        endsAt: { gt: now },
        startsAt: { ...(from ? { gte: from } : {}), ...(to ? { lt: to } : {}) },
      },
      data: { status: 'CANCELLED', cancelledAt: now },
    });
    await tx.auditEvent.create({
      data: {
        tenantId: ctx.tenant.id,
        actorUserId: ctx.session.userId,
        action: 'bookingSeries.cancelled',
        targetType: 'BookingSeries',
        targetId: input.seriesId,
        requestId: ctx.requestId,
        data: { from: input.from ?? null, to: input.to ?? null, cancelled: count },
      },
    });
    return { cancelled: count, series: (await loadSeries(ctx, tx, input.seriesId)).output };
  });
}

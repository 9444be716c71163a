import { subject } from '@hubwerk/auth';
import {
  columnsOf,
  type Booking,
  type Desk,
  type OpeningException,
  type OpeningHours,
  type Organisation,
  type Space,
} from '@hubwerk/db';
import { addDays, bookingSequence, localParts, mondayOf, oneOf, uuid7, weekdayOf, zonedToUtc } from '@hubwerk/domain';
import { DomainError, notFound } from '../../errors.ts';
import { RECORD_TENANT_KEY_SQL, recordTenantKeyValues, type TenantIdempotency } from '../../idempotency.ts';
import { queueBookingMail, type BookingMailFacts } from '../../mail/booking-mails.ts';
import { approvalRequestParams, ENQUEUE_APPROVAL_REQUEST_SQL } from '../../mail/approval-mails.ts';
import { mailSettings } from '../../context.ts';
import { checkLimits, EFFECTIVE_ORGANISATION_SQL, queueLimitQueries } from './limits.ts';
import { notifyBooking } from './booking-notices.ts';
import { toApiEnum } from '../../schemas.ts';
import type { Ctx, Db } from '../spaces/spaces.service.ts';
import { exceptionRowOf, exceptionsOf, type ExceptionRow } from '../spaces/opening-exceptions.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The booking columns toBookingOutput and the booking mail need. */
const OUTPUT_COLUMNS = [
  'tenantId',
  'id',
  'spaceId',
  'deskId',
  'userId',
  'startsAt',
  'endsAt',
  'status',
  'purpose',
  'attendees',
  'seriesId',
  'requesterName',
  'createdById',
  'organisationId',
] as const satisfies ReadonlyArray<keyof Booking>;

type BookingRow = Pick<Booking, (typeof OUTPUT_COLUMNS)[number]> & {
  space: Pick<Space, 'hubId' | 'name'>;
  desk: Pick<Desk, 'name'> | null;
  user?: { name: string } | null;
  createdBy?: { name: string } | null;
  organisation?: { name: string } | null;
};

/**
 * A booking as CASL's typed subject, which wants the whole model. Its rules
 * read tenantId, userId and space.hubId only (packages/auth abilities.ts).
 */
type BookingSubject = Booking & { space: Pick<Space, 'hubId'> };
const bookingSubject = (b: Pick<Booking, 'tenantId' | 'userId'> & { space: Pick<Space, 'hubId'> }) =>
  subject('Booking', b as BookingSubject);

export function toBookingOutput(ctx: Ctx, b: BookingRow) {
  const mayRead = ctx.ability.can('read', bookingSubject(b));
  return {
    id: b.id,
    spaceId: b.spaceId,
    spaceName: b.space.name,
    hubId: b.space.hubId,
    deskId: b.deskId,
    deskName: b.desk?.name ?? null,
    startsAt: b.startsAt.toISOString(),
    endsAt: b.endsAt.toISOString(),
    status: toApiEnum(oneOf('BookingStatus', b.status)),
    purpose: mayRead ? b.purpose : null,
    attendees: b.attendees,
    mine: b.userId === ctx.session.userId,
    seriesId: b.seriesId,
    // For whom and by whom: only for those who may read the booking.
    forName: mayRead ? (b.user?.name ?? b.requesterName ?? null) : null,
    createdByName: mayRead ? (b.createdBy?.name ?? null) : null,
    organisationName: mayRead ? (b.organisation?.name ?? null) : null,
  };
}

export const bookingInclude = {
  space: { select: { hubId: true, name: true } },
  desk: { select: { name: true } },
  user: { select: { name: true } },
  createdBy: { select: { name: true } },
  organisation: { select: { name: true } },
} as const;

/** A rule the requested booking breaks: nothing is written, the field names the rule. */
const ruleError = (field: string, key: string, params?: Record<string, string>) =>
  new DomainError('BAD_REQUEST', key, { [field]: [key] }, params);

export function conflictError(colliding: Pick<Booking, 'startsAt' | 'endsAt'>) {
  return new DomainError(
    'CONFLICT',
    'errors.booking.conflict',
    { startsAt: ['errors.booking.conflict'] },
    {
      startsAt: colliding.startsAt.toISOString(),
      endsAt: colliding.endsAt.toISOString(),
    },
  );
}

export interface Opening {
  week: OpeningHours[];
  closed: Set<string>;
  /** Dates open only for special hours (opening-exceptions.ts). */
  special?: Map<string, [number, number]>;
}

export async function openingOf(
  ctx: Pick<Ctx, 'tenant'>,
  db: Db,
  hubId: string,
  fromDate: string,
  toDate: string,
): Promise<Opening> {
  const [week, closed] = await Promise.all([
    db.openingHours.findMany({ where: { tenantId: ctx.tenant.id, hubId } }),
    db.openingException.findMany({
      where: {
        tenantId: ctx.tenant.id,
        hubId,
        date: { gte: new Date(`${fromDate}T00:00:00Z`), lte: new Date(`${toDate}T00:00:00Z`) },
      },
    }),
  ]);
  return { week, ...exceptionsOf(closed.map((c: OpeningException) => exceptionRowOf(c))) };
}

/** Opening intervals of one local date, as instants. */
export function openIntervals(opening: Opening, date: string, timeZone: string): Array<[number, number]> {
  if (opening.closed.has(date)) return [];
  const special = opening.special?.get(date);
  if (special)
    return [[zonedToUtc(date, special[0], timeZone).getTime(), zonedToUtc(date, special[1], timeZone).getTime()]];
  const weekday = weekdayOf(date);
  return opening.week
    .filter((w) => w.weekday === weekday)
    .sort((a, b) => a.opensAt - b.opensAt)
    .map((w) => [zonedToUtc(date, w.opensAt, timeZone).getTime(), zonedToUtc(date, w.closesAt, timeZone).getTime()]);
}

export interface CreateBookingInput {
  spaceId: string;
  deskId?: string | undefined;
  startsAt: Date;
  endsAt: Date;
  purpose: string | null;
  attendees: number;
  /** Staff booking for a member of the town; absent: for oneself. */
  forUserId?: string | undefined;
  /** Staff booking for an organisation (counts against its plan); absent: the member's own organisation. */
  organisationId?: string | undefined;
}

/** The space columns creation checks (named: the statement is prepared, see statementName in @hubwerk/db). */
const RULE_COLUMNS = [
  'tenantId',
  'id',
  'hubId',
  'kind',
  'name',
  'capacity',
  'granularityMinutes',
  'minDurationMinutes',
  'maxDurationMinutes',
  'leadTimeMinutes',
  'horizonDays',
  'bufferMinutes',
  'approvalRequired',
  'memberDaysPerWeek',
] as const satisfies ReadonlyArray<keyof Space>;
export type SpaceRules = Pick<Space, (typeof RULE_COLUMNS)[number]>;

type LockedSpace = SpaceRules & {
  archived: boolean;
  deskSpaceId: string | null;
  deskName: string | null;
  week: OpeningHours[];
  exception: ExceptionRow | null;
  hubName: string;
  creatorName: string | null;
};
type InsertedBooking = Pick<Booking, (typeof OUTPUT_COLUMNS)[number]> & { spaceHubId: string; spaceName: string };

// The flight's statements (see createBooking), built once: each is prepared per connection under a hash of its text.
/**
 * What creating or changing a booking checks besides the space `s` itself:
 * the desk $3 (its space and name), the hub's weekly hours, its exception on
 * the local date $4, and the hub's name.
 */
export const SPACE_CONTEXT_COLUMNS = `(SELECT d."spaceId" FROM "Desk" d WHERE d."tenantId" = s."tenantId" AND d.id = $3::uuid AND d."archivedAt" IS NULL) AS "deskSpaceId",
                (s."archivedAt" IS NOT NULL OR EXISTS (SELECT 1 FROM "Hub" h WHERE h."tenantId" = s."tenantId" AND h.id = s."hubId" AND h."archivedAt" IS NOT NULL)) AS archived,
                (SELECT d.name FROM "Desk" d WHERE d."tenantId" = s."tenantId" AND d.id = $3::uuid) AS "deskName",
                (SELECT coalesce(json_agg(json_build_object('weekday', o.weekday, 'opensAt', o."opensAt", 'closesAt', o."closesAt")), '[]')
                   FROM "OpeningHours" o WHERE o."tenantId" = s."tenantId" AND o."hubId" = s."hubId") AS week,
                (SELECT json_build_object('date', $4::text, 'opensAt', e."opensAt", 'closesAt', e."closesAt")
                   FROM "OpeningException" e WHERE e."tenantId" = s."tenantId" AND e."hubId" = s."hubId" AND e.date = $4::date) AS exception,
                (SELECT h.name FROM "Hub" h WHERE h."tenantId" = s."tenantId" AND h.id = s."hubId") AS "hubName"`;
const LOCK_SPACE_SQL = `SELECT ${columnsOf('s', RULE_COLUMNS)}, ${SPACE_CONTEXT_COLUMNS},
                (SELECT u.name FROM "User" u WHERE u.id = $5::uuid) AS "creatorName"
           FROM "Space" s WHERE s."tenantId" = $1::uuid AND s.id = $2::uuid FOR UPDATE OF s`;
// Non-cancelled bookings of the resource closer than the space's buffer.
// The range test matches the exclusion constraint's GiST index.
const collidingSql = (resource: string) => `SELECT b."startsAt", b."endsAt" FROM "Booking" b
           JOIN "Space" s ON s."tenantId" = b."tenantId" AND s.id = b."spaceId"
          WHERE b."tenantId" = $1::uuid AND b."spaceId" = $2::uuid AND b.status <> 'CANCELLED'
            AND ${resource}
            AND tstzrange(b."startsAt", b."endsAt", '[)')
                && tstzrange($4::timestamptz - make_interval(mins => s."bufferMinutes"), $5::timestamptz + make_interval(mins => s."bufferMinutes"), '[)')
          ORDER BY b."startsAt" LIMIT 1`;
const COLLIDING_DESK_SQL = collidingSql(`b."deskId" = $3::uuid`);
const COLLIDING_SPACE_SQL = collidingSql(`b."deskId" IS NULL AND $3::uuid IS NULL`);
const INSERT_BOOKING_SQL = `WITH b AS (
           INSERT INTO "Booking" ("tenantId", id, "spaceId", "deskId", "userId", "startsAt", "endsAt", status, purpose, attendees,
                                  "createdById", "organisationId", "reminderQueuedAt")
           SELECT s."tenantId", $3::uuid, s.id, $4::uuid, $5::uuid, $6::timestamptz, $7::timestamptz,
                  (CASE WHEN s."approvalRequired" THEN 'PENDING' ELSE 'CONFIRMED' END), $8, $9::int,
                  $13::uuid, (SELECT ${EFFECTIVE_ORGANISATION_SQL.replaceAll('$2', '$5').replaceAll('$3', '$14')}),
                  -- Starting within the reminder's lead time: the confirmation is the reminder.
                  CASE WHEN $6::timestamptz <= now() + interval '24 hours' THEN now() END
             FROM "Space" s WHERE s."tenantId" = $1::uuid AND s.id = $2::uuid
           RETURNING ${columnsOf('"Booking"', OUTPUT_COLUMNS)}
         ), audit AS (
           INSERT INTO "AuditEvent" (id, "tenantId", "actorUserId", action, "targetType", "targetId", "requestId", data)
           SELECT $10::uuid, b."tenantId", coalesce(b."createdById", b."userId"), 'booking.created', 'Booking', b.id::text, $11, $12::jsonb FROM b
         )
         SELECT ${columnsOf('b', OUTPUT_COLUMNS)}, s."hubId" AS "spaceHubId", s.name AS "spaceName" FROM b JOIN "Space" s ON s."tenantId" = b."tenantId" AND s.id = b."spaceId"`;

/**
 * Books a space or a desk in one transaction of two round trips (ADR 006).
 *
 * The first flight carries four statements, written at once and run by the
 * server one after the other: lock the space row (`FOR UPDATE`: bookings of
 * one space queue here) and read it with its desk and opening hours; look for
 * a booking closer than the buffer; insert the booking and its audit event.
 * Each statement after the lock reads a snapshot taken once the lock is
 * held, so it sees every booking committed before and none can slip in
 * between. The insert is speculative: here, still inside the transaction,
 * the service checks permissions, rules, opening hours and the buffer on
 * what the flight read, and rolls back if any fails; the second flight is
 * COMMIT. The exclusion constraint stays the last word against overlaps.
 */
export async function createBooking(ctx: Ctx, input: CreateBookingInput, idempotency: TenantIdempotency | null = null) {
  if (input.endsAt.getTime() <= input.startsAt.getTime()) throw ruleError('endsAt', 'errors.booking.endBeforeStart');
  const tenantId = ctx.tenant.id;
  const deskId = input.deskId ?? null;
  const date = localParts(input.startsAt, ctx.tenant.timezone).date;
  const bookingId = uuid7();
  const userId = input.forUserId ?? ctx.session.userId;
  const createdById = userId === ctx.session.userId ? null : ctx.session.userId;
  const organisationId = input.organisationId ?? null;
  try {
    return await ctx.db.$pipelinedTransaction(async (query) => {
      const lockedP = query<LockedSpace>(LOCK_SPACE_SQL, [tenantId, input.spaceId, deskId, date, ctx.session.userId]);
      // Non-cancelled bookings of the resource closer than the space's buffer.
      // The range test matches the exclusion constraint's GiST index.
      const collidingP = query<Pick<Booking, 'startsAt' | 'endsAt'>>(
        deskId ? COLLIDING_DESK_SQL : COLLIDING_SPACE_SQL,
        [tenantId, input.spaceId, deskId, input.startsAt, input.endsAt],
      );
      // Plans and per-member limits (limits.ts): locks per person and organisation, then usage.
      const factsP = queueLimitQueries(query, {
        tenantId,
        spaceId: input.spaceId,
        userId,
        organisationId,
        isDesk: deskId !== null,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        date,
        timezone: ctx.tenant.timezone,
      });
      const insertedP = query<InsertedBooking>(INSERT_BOOKING_SQL, [
        tenantId,
        input.spaceId,
        bookingId,
        deskId,
        userId,
        input.startsAt,
        input.endsAt,
        input.purpose,
        input.attendees,
        uuid7(),
        ctx.requestId,
        JSON.stringify({
          spaceId: input.spaceId,
          deskId,
          startsAt: input.startsAt.toISOString(),
          endsAt: input.endsAt.toISOString(),
          forUserId: input.forUserId ?? null,
          organisationId,
        }),
        createdById,
        organisationId,
      ]);
      // The client's key, with the booking it makes: a second use of the key fails here and is replayed.
      if (idempotency) void query(RECORD_TENANT_KEY_SQL, recordTenantKeyValues(tenantId, idempotency, bookingId));
      // The insert's own failure (a constraint) only matters once every check passed.
      const settledInsert = insertedP.then(
        (r) => ({ ok: true as const, rows: r.rows }),
        (error: unknown) => ({ ok: false as const, error }),
      );

      const space = (await lockedP).rows[0];
      // An archived space (or hub) takes no bookings: kept for history only.
      if (!space || space.archived) throw notFound();
      // CASL's typed subjects want the whole model; its rules read tenantId and hubId, both selected.
      if (ctx.ability.cannot('read', subject('Space', space as SpaceRules as Space))) throw notFound();
      let desk: Pick<Desk, 'id' | 'name'> | null = null;
      if (deskId) {
        if (space.deskSpaceId !== space.id) throw notFound();
        desk = { id: deskId, name: space.deskName ?? '' };
      } else if (space.kind === 'COWORKING') {
        throw ruleError('deskId', 'errors.booking.deskRequired');
      }
      if (ctx.ability.cannot('create', bookingSubject({ tenantId, userId, space: { hubId: space.hubId } })))
        throw new DomainError('FORBIDDEN', 'errors.forbidden');
      // Charging an organisation is staff's choice; members book on their own organisation's plan.
      if (organisationId && ctx.ability.cannot('read', subject('Organisation', { tenantId } as Organisation)))
        throw new DomainError('FORBIDDEN', 'errors.forbidden');

      checkRules(ctx, space, desk, input);
      checkOpeningHours(
        ctx,
        { week: space.week, ...exceptionsOf(space.exception ? [space.exception] : []) },
        date,
        input,
      );

      const colliding = (await collidingP).rows[0];
      if (colliding) throw conflictError(colliding);

      const facts = await factsP;
      // Another town's person or organisation looks exactly like a missing one.
      if (input.forUserId && !facts?.membershipId) throw ruleError('forUserId', 'errors.booking.unknownPerson');
      if (!facts?.email) throw notFound();
      if (!facts.explicitOrgFound) throw ruleError('organisationId', 'errors.organisation.unknown');
      checkLimits(facts, { isDesk: deskId !== null, startsAt: input.startsAt, endsAt: input.endsAt }, space);

      const inserted = await settledInsert;
      if (!inserted.ok) throw inserted.error;
      const row = inserted.rows[0];
      if (!row) throw notFound();
      const { spaceHubId, spaceName, ...booking } = row;
      const mailFacts: BookingMailFacts = {
        bookingId: booking.id,
        tenantSlug: ctx.tenant.slug,
        timezone: ctx.tenant.timezone,
        hubName: space.hubName,
        spaceName,
        deskName: desk?.name ?? null,
        startsAt: booking.startsAt,
        endsAt: booking.endsAt,
        purpose: booking.purpose,
        bookedBy: createdById ? space.creatorName : null,
        organisationName: facts.organisationName,
        recipientName: facts.name ?? facts.email,
        recipientEmail: facts.email,
        adminUrl: mailSettings(ctx).adminUrl,
      };
      // Written with COMMIT in one flight: the mail commits with the booking or
      // not at all (a failed insert turns COMMIT into ROLLBACK, reported as its error).
      void queueBookingMail(query, booking.status === 'PENDING' ? 'requested' : 'confirmed', mailFacts);
      if (booking.status === 'PENDING')
        void query(
          ENQUEUE_APPROVAL_REQUEST_SQL,
          approvalRequestParams(tenantId, userId, {
            ...mailFacts,
            hubId: spaceHubId,
            requesterName: mailFacts.recipientName,
          }),
        );
      return toBookingOutput(ctx, {
        ...booking,
        space: { hubId: spaceHubId, name: spaceName },
        desk: desk ? { name: desk.name } : null,
        user: { name: facts.name ?? '' },
        createdBy: createdById ? { name: space.creatorName ?? '' } : null,
        organisation: facts.organisationName ? { name: facts.organisationName } : null,
      });
    });
  } catch (error) {
    if (isExclusionViolation(error)) {
      // Only reachable if a writer skipped the service's lock; name what won.
      const winner = await ctx.db.booking.findFirst({
        where: {
          tenantId,
          spaceId: input.spaceId,
          deskId,
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

/** PostgreSQL's exclusion_violation (23P01), however the driver adapter wraps it. */
export function isExclusionViolation(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 6; depth++) {
    const text = JSON.stringify(e, Object.getOwnPropertyNames(e)) ?? '';
    if (text.includes('23P01') || text.includes('_no_overlap')) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export function checkRules(
  ctx: Pick<Ctx, 'tenant'>,
  space: SpaceRules,
  desk: Pick<Desk, 'id'> | null,
  input: CreateBookingInput,
) {
  const minutes = (input.endsAt.getTime() - input.startsAt.getTime()) / MINUTE;
  const capacity = desk ? 1 : space.capacity;
  if (input.attendees > capacity)
    throw ruleError('attendees', 'errors.booking.overCapacity', { capacity: String(capacity) });
  const startLocal = localParts(input.startsAt, ctx.tenant.timezone);
  if (
    startLocal.minutes % space.granularityMinutes !== 0 ||
    !Number.isInteger(minutes) ||
    minutes % space.granularityMinutes !== 0 ||
    input.startsAt.getUTCSeconds() !== 0 ||
    input.startsAt.getUTCMilliseconds() !== 0
  ) {
    throw ruleError('startsAt', 'errors.booking.granularity', { minutes: String(space.granularityMinutes) });
  }
  if (minutes < space.minDurationMinutes)
    throw ruleError('endsAt', 'errors.booking.tooShort', { minutes: String(space.minDurationMinutes) });
  if (minutes > space.maxDurationMinutes)
    throw ruleError('endsAt', 'errors.booking.tooLong', { minutes: String(space.maxDurationMinutes) });
  const now = Date.now();
  if (input.startsAt.getTime() < now) throw ruleError('startsAt', 'errors.booking.inPast');
  if (input.startsAt.getTime() < now + space.leadTimeMinutes * MINUTE)
    throw ruleError('startsAt', 'errors.booking.leadTime', { minutes: String(space.leadTimeMinutes) });
  if (input.startsAt.getTime() > now + space.horizonDays * DAY)
    throw ruleError('startsAt', 'errors.booking.tooFarAhead', { days: String(space.horizonDays) });
}

export function checkOpeningHours(ctx: Pick<Ctx, 'tenant'>, opening: Opening, date: string, input: CreateBookingInput) {
  if (opening.closed.has(date)) throw ruleError('startsAt', 'errors.booking.closedDay', { date });
  const inside = openIntervals(opening, date, ctx.tenant.timezone).some(
    ([open, close]) => open <= input.startsAt.getTime() && input.endsAt.getTime() <= close,
  );
  if (!inside) throw ruleError('startsAt', 'errors.booking.outsideOpeningHours');
}

/** Cancels a booking (owner, or staff of its hub). Cancelling twice is a no-op. */
export async function cancelBooking(ctx: Ctx, input: { bookingId: string }) {
  return ctx.db.$transaction(async (tx) => {
    const booking = await tx.booking.findFirst({
      where: { tenantId: ctx.tenant.id, id: input.bookingId },
      include: bookingInclude,
    });
    if (!booking || ctx.ability.cannot('read', subject('Booking', booking))) throw notFound();
    if (ctx.ability.cannot('update', subject('Booking', booking)))
      throw new DomainError('FORBIDDEN', 'errors.forbidden');
    if (booking.status === 'CANCELLED') return toBookingOutput(ctx, booking);
    // An event's room (docs/decisions/038) is freed by cancelling the event, which tells its participants.
    if (
      await tx.eventSession.findFirst({
        where: { tenantId: ctx.tenant.id, bookingId: booking.id },
        select: { id: true },
      })
    )
      throw new DomainError('CONFLICT', 'errors.booking.ownedByEvent', { _form: ['errors.booking.ownedByEvent'] });
    const cancelled = await tx.booking.update({
      where: { tenantId_id: { tenantId: ctx.tenant.id, id: booking.id } },
      data: { status: 'CANCELLED', cancelledAt: new Date() },
      include: bookingInclude,
    });
    await tx.auditEvent.create({
      data: {
        tenantId: ctx.tenant.id,
        actorUserId: ctx.session.userId,
        action: 'booking.cancelled',
        targetType: 'Booking',
        targetId: booking.id,
        requestId: ctx.requestId,
      },
    });
    await notifyBooking(ctx, tx, booking.id, 'cancelled');
    return toBookingOutput(ctx, cancelled);
  });
}

/**
 * Approves or rejects a pending booking. Whoever may configure the booking's
 * hub decides (its hub managers, the town admins, the town's partner); a
 * rejected booking is cancelled and frees its slot.
 */
export async function decideBooking(ctx: Ctx, input: { bookingId: string; decision: 'approve' | 'reject' }) {
  return ctx.db.$transaction(async (tx) => {
    const booking = await tx.booking.findFirst({
      where: { tenantId: ctx.tenant.id, id: input.bookingId },
      include: bookingInclude,
    });
    if (!booking || ctx.ability.cannot('read', subject('Booking', booking))) throw notFound();
    if (
      ctx.ability.cannot('update', subject('Space', { tenantId: ctx.tenant.id, hubId: booking.space.hubId } as Space))
    )
      throw new DomainError('FORBIDDEN', 'errors.forbidden');
    if (booking.status !== 'PENDING')
      throw new DomainError('CONFLICT', 'errors.booking.notPending', { _form: ['errors.booking.notPending'] });
    const decided = await tx.booking.update({
      where: { tenantId_id: { tenantId: ctx.tenant.id, id: booking.id } },
      data: input.decision === 'approve' ? { status: 'CONFIRMED' } : { status: 'CANCELLED', cancelledAt: new Date() },
      include: bookingInclude,
    });
    await tx.auditEvent.create({
      data: {
        tenantId: ctx.tenant.id,
        actorUserId: ctx.session.userId,
        action: input.decision === 'approve' ? 'booking.approved' : 'booking.rejected',
        targetType: 'Booking',
        targetId: booking.id,
        requestId: ctx.requestId,
      },
    });
    await notifyBooking(ctx, tx, booking.id, input.decision === 'approve' ? 'approved' : 'rejected');
    return toBookingOutput(ctx, decided);
  });
}

/** One booking the caller may read (its owner, staff of its hub), with its hub's name for calendars. */
export async function getBooking(ctx: Ctx, input: { bookingId: string }) {
  const booking = await ctx.db.booking.findFirst({
    where: { tenantId: ctx.tenant.id, id: input.bookingId },
    include: { ...bookingInclude, space: { select: { hubId: true, name: true, hub: { select: { name: true } } } } },
  });
  if (!booking || ctx.ability.cannot('read', subject('Booking', booking))) throw notFound();
  // The .ics download carries the SEQUENCE the mails and feeds carry (docs/decisions/017).
  return {
    ...toBookingOutput(ctx, booking),
    hubName: booking.space.hub.name,
    sequence: bookingSequence(oneOf('BookingStatus', booking.status), booking.revision),
  };
}

/** What `bookings.create` answered for a booking it made: a retry with the same idempotency key gets it again. */
export async function bookingAsCreated(ctx: Ctx, bookingId: string) {
  const { hubName: _hubName, sequence: _sequence, ...booking } = await getBooking(ctx, { bookingId });
  return booking;
}

/** The caller's own bookings from `from` on (default: now), by start time, keyset-paginated. */
export async function myBookings(
  ctx: Ctx,
  input: { cursor?: string | undefined; limit: number; includeCancelled: boolean },
) {
  const rows = await ctx.db.booking.findMany({
    where: {
      tenantId: ctx.tenant.id,
      userId: ctx.session.userId,
      endsAt: { gt: new Date() },
      ...(input.includeCancelled ? {} : { status: { not: 'CANCELLED' } }),
    },
    include: bookingInclude,
    orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { tenantId_id: { tenantId: ctx.tenant.id, id: input.cursor } }, skip: 1 } : {}),
  });
  const items = rows.slice(0, input.limit);
  return {
    items: items.map((b) => toBookingOutput(ctx, b)),
    nextCursor: rows.length > input.limit ? (items[items.length - 1]?.id ?? null) : null,
  };
}

async function readableSpace(ctx: Ctx, spaceId: string) {
  const space = await ctx.db.space.findFirst({
    where: { tenantId: ctx.tenant.id, id: spaceId },
    include: { desks: { orderBy: [{ name: 'asc' }] } },
  });
  if (!space || ctx.ability.cannot('read', subject('Space', space))) throw notFound();
  return space;
}

/** Non-cancelled bookings of a space (and its desks) in the local week (Mon–Sun) containing `date`. */
export async function spaceWeek(ctx: Ctx, input: { spaceId: string; date: string }) {
  const space = await readableSpace(ctx, input.spaceId);
  const monday = mondayOf(input.date);
  const from = zonedToUtc(monday, 0, ctx.tenant.timezone);
  const to = zonedToUtc(addDays(monday, 7), 0, ctx.tenant.timezone);
  // A week of one space is bounded by its opening hours and granularity.
  const rows = await ctx.db.booking.findMany({
    where: {
      tenantId: ctx.tenant.id,
      spaceId: space.id,
      status: { not: 'CANCELLED' },
      startsAt: { lt: to },
      endsAt: { gt: from },
    },
    include: bookingInclude,
    orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    take: 2000,
  });
  return {
    weekStart: monday,
    from: from.toISOString(),
    to: to.toISOString(),
    items: rows.map((b) => toBookingOutput(ctx, b)),
  };
}

/**
 * Everything availability needs for one space, in one statement (one round
 * trip, where Prisma needed three in a row: the space, its desks, then opening
 * hours, closing days and bookings): the space, its desks by name, its hub's
 * opening hours and closing days in [fromDate, toDate], and its non-cancelled
 * bookings within the space's buffer of [from, to). Read under the town's
 * scope like every query; the caller checks the space may be read before
 * showing anything.
 */
async function spaceAvailabilityData(
  ctx: Ctx,
  spaceId: string,
  from: number,
  to: number,
  fromDate: string,
  toDate: string,
) {
  const [row] = await ctx.db.$queryRaw<
    Array<
      Space & {
        desks: Array<Pick<Desk, 'id' | 'name'>>;
        week: OpeningHours[];
        closed: ExceptionRow[];
        bookings: Array<{ deskId: string | null; startsAt: number; endsAt: number }>;
        hubArchived: boolean;
      }
    >
  >`
    SELECT s.*,
      EXISTS (SELECT 1 FROM "Hub" h WHERE h."tenantId" = s."tenantId" AND h.id = s."hubId" AND h."archivedAt" IS NOT NULL) AS "hubArchived",
      (SELECT coalesce(json_agg(json_build_object('id', d.id, 'name', d.name) ORDER BY d.name), '[]'::json)
         FROM "Desk" d WHERE d."tenantId" = s."tenantId" AND d."spaceId" = s.id AND d."archivedAt" IS NULL) AS desks,
      (SELECT coalesce(json_agg(json_build_object('weekday', o.weekday, 'opensAt', o."opensAt", 'closesAt', o."closesAt")), '[]'::json)
         FROM "OpeningHours" o WHERE o."tenantId" = s."tenantId" AND o."hubId" = s."hubId") AS week,
      (SELECT coalesce(json_agg(json_build_object('date', to_char(e.date, 'YYYY-MM-DD'), 'opensAt', e."opensAt", 'closesAt', e."closesAt")), '[]'::json)
         FROM "OpeningException" e WHERE e."tenantId" = s."tenantId" AND e."hubId" = s."hubId" AND e.date BETWEEN ${fromDate}::date AND ${toDate}::date) AS closed,
      (SELECT coalesce(json_agg(json_build_object('deskId', b."deskId",
                'startsAt', (extract(epoch FROM b."startsAt") * 1000)::float8, 'endsAt', (extract(epoch FROM b."endsAt") * 1000)::float8)), '[]'::json)
         FROM (SELECT b."deskId", b."startsAt", b."endsAt" FROM "Booking" b
                WHERE b."tenantId" = s."tenantId" AND b."spaceId" = s.id AND b.status <> 'CANCELLED'
                  AND b."startsAt" < ${new Date(to)}::timestamptz + make_interval(mins => s."bufferMinutes")
                  AND b."endsAt" > ${new Date(from)}::timestamptz - make_interval(mins => s."bufferMinutes")
                LIMIT 20000) b) AS bookings
      FROM "Space" s WHERE s."tenantId" = ${ctx.tenant.id}::uuid AND s.id = ${spaceId}::uuid`;
  if (!row) return null;
  const { desks, week, closed, bookings, hubArchived, ...space } = row;
  return {
    space: { ...space, desks },
    archived: hubArchived || space.archivedAt !== null,
    opening: { week, ...exceptionsOf(closed) } satisfies Opening,
    bookings: bookings.map((b) => ({
      spaceId: space.id,
      deskId: b.deskId,
      startsAt: new Date(b.startsAt),
      endsAt: new Date(b.endsAt),
    })),
  };
}

/**
 * Free time of a space (or of each desk of a co-working space, or of every
 * desk of a hub) for `days` local days from `date`: opening hours minus
 * closed days, minus bookings widened by the buffer, from now + lead time to
 * the horizon, cut to the granularity and at least the minimum duration.
 */
export async function availability(
  ctx: Ctx,
  input: { spaceId?: string | undefined; hubId?: string | undefined; date: string; days: number },
) {
  if (!input.spaceId === !input.hubId) throw ruleError('spaceId', 'validation.availability.spaceOrHub');
  const tz = ctx.tenant.timezone;
  const lastDate = addDays(input.date, input.days - 1);
  const from = zonedToUtc(input.date, 0, tz).getTime();
  const to = zonedToUtc(addDays(input.date, input.days), 0, tz).getTime();
  let spaces: Array<Space & { desks: Array<Pick<Desk, 'id' | 'name'>> }>;
  let opening: Opening;
  let bookings: Array<Pick<Booking, 'spaceId' | 'deskId' | 'startsAt' | 'endsAt'>>;
  if (input.spaceId) {
    const loaded = await spaceAvailabilityData(ctx, input.spaceId, from, to, input.date, lastDate);
    if (!loaded || ctx.ability.cannot('read', subject('Space', loaded.space))) throw notFound();
    ({ opening, bookings } = loaded);
    // Archived: kept for history, free to no one.
    spaces = loaded.archived ? [] : [loaded.space];
  } else {
    const hub = await ctx.db.hub.findFirst({ where: { tenantId: ctx.tenant.id, id: input.hubId! } });
    if (!hub || ctx.ability.cannot('read', subject('Hub', hub))) throw notFound();
    const hubId = hub.id;
    spaces = hub.archivedAt
      ? []
      : await ctx.db.space.findMany({
          where: { tenantId: ctx.tenant.id, hubId, kind: 'COWORKING', archivedAt: null },
          include: { desks: { where: { archivedAt: null }, orderBy: [{ name: 'asc' }] } },
          orderBy: [{ name: 'asc' }],
          take: 50,
        });
    const maxBuffer = Math.max(0, ...spaces.map((s) => s.bufferMinutes)) * MINUTE;
    [opening, bookings] = await Promise.all([
      openingOf(ctx, ctx.db, hubId, input.date, lastDate),
      spaces.length === 0
        ? Promise.resolve([])
        : ctx.db.booking.findMany({
            where: {
              tenantId: ctx.tenant.id,
              spaceId: { in: spaces.map((s) => s.id) },
              status: { not: 'CANCELLED' },
              startsAt: { lt: new Date(to + maxBuffer) },
              endsAt: { gt: new Date(from - maxBuffer) },
            },
            select: { spaceId: true, deskId: true, startsAt: true, endsAt: true },
            take: 20_000,
          }),
    ]);
  }
  return {
    timezone: tz,
    from: input.date,
    days: input.days,
    resources: freeTimeOf(tz, input, spaces, opening, bookings),
  };
}

type AvailabilitySpace = Pick<
  Space,
  | 'id'
  | 'name'
  | 'kind'
  | 'bufferMinutes'
  | 'leadTimeMinutes'
  | 'horizonDays'
  | 'granularityMinutes'
  | 'minDurationMinutes'
  | 'maxDurationMinutes'
> & { desks: Array<Pick<Desk, 'id' | 'name'>> };

/**
 * The computation behind availability, shared with the public hub page
 * (public-bookings): free time per space (or desk) for `days` local days from
 * `date`, given what the caller loaded and may see. Bookings go in only as
 * busy intervals, so nothing about them comes out but their absence.
 */
export function freeTimeOf(
  tz: string,
  input: { date: string; days: number },
  spaces: AvailabilitySpace[],
  opening: Opening,
  bookings: Array<Pick<Booking, 'spaceId' | 'deskId' | 'startsAt' | 'endsAt'>>,
) {
  const dates = Array.from({ length: input.days }, (_, i) => addDays(input.date, i));
  const openPerDate = dates.map((d) => openIntervals(opening, d, tz));
  const now = Date.now();
  return spaces.flatMap((space) => {
    const targets: Array<Pick<Desk, 'id' | 'name'> | null> = space.kind === 'COWORKING' ? space.desks : [null];
    return targets.map((desk) => {
      const busy = bookings
        .filter((b) => b.spaceId === space.id && b.deskId === (desk?.id ?? null))
        .map((b): [number, number] => [
          b.startsAt.getTime() - space.bufferMinutes * MINUTE,
          b.endsAt.getTime() + space.bufferMinutes * MINUTE,
        ]);
      const earliest = Math.max(now, now + space.leadTimeMinutes * MINUTE);
      const latestStart = now + space.horizonDays * DAY;
      const step = space.granularityMinutes * MINUTE;
      const free = openPerDate.flatMap((intervals) =>
        intervals.flatMap(([open, close]) =>
          subtract([open, close], busy).flatMap(([a, b]) => {
            // Slots start on the granularity grid, counted from the opening time.
            const start = Math.max(a, open + Math.ceil((Math.max(a, earliest) - open) / step) * step);
            const end = Math.min(b, open + Math.floor((b - open) / step) * step);
            if (start > latestStart || end - start < space.minDurationMinutes * MINUTE) return [];
            return [{ startsAt: new Date(start).toISOString(), endsAt: new Date(end).toISOString() }];
          }),
        ),
      );
      return {
        spaceId: space.id,
        spaceName: space.name,
        deskId: desk?.id ?? null,
        deskName: desk?.name ?? null,
        granularityMinutes: space.granularityMinutes,
        minDurationMinutes: space.minDurationMinutes,
        maxDurationMinutes: space.maxDurationMinutes,
        free,
      };
    });
  });
}

/** [a,b) minus the union of `busy`, as sorted disjoint intervals. */
function subtract([a, b]: [number, number], busy: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let cursor = a;
  for (const [s, e] of [...busy].sort((x, y) => x[0] - y[0])) {
    if (e <= cursor || s >= b) continue;
    if (s > cursor) out.push([cursor, s]);
    cursor = Math.max(cursor, e);
    if (cursor >= b) break;
  }
  if (cursor < b) out.push([cursor, b]);
  return out;
}

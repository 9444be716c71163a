import type { PipelinedQuery } from '@hubwerk/db';
import { addDays, mondayOf, zonedToUtc } from '@hubwerk/domain';
import { DomainError } from '../../errors.ts';

/**
 * Plans and per-member limits, checked when a booking is created.
 *
 * - A member's own plan (MemberProfile) and their organisation's plan cap
 *   desk days and room hours per local calendar month. A desk day is a local
 *   date with at least one desk booking; room hours are the summed length of
 *   whole-space bookings. An organisation's usage is every booking counted
 *   against it (Booking.organisationId: set at creation to the organisation
 *   chosen by staff, or else to the member's organisation at that time).
 * - A space's `memberDaysPerWeek` caps the local days (Mon–Sun) a member has
 *   a booking of that space.
 *
 * The counts run inside the booking's transaction, after two transaction
 * advisory locks — the person's and the organisation's — so two concurrent
 * bookings of the same member or organisation (of different spaces, which
 * the space row lock does not serialise) cannot both take the last unit.
 * Locks are always taken space → person → organisation: no cycles. A lock
 * is only taken where a limit applies (a plan of the member or the
 * organisation, a per-week rule of the space); a plan set while a booking
 * is in flight binds from the next booking on.
 */

export interface LimitRequest {
  tenantId: string;
  spaceId: string;
  userId: string;
  /** Chosen by staff; null = the member's own organisation (if any). */
  organisationId: string | null;
  isDesk: boolean;
  startsAt: Date;
  endsAt: Date;
  /** Local date of the start. */
  date: string;
  timezone: string;
  /** A booking being changed (change-booking.ts): its current slot does not count against itself. */
  excludeBookingId?: string;
}

export interface LimitFacts {
  membershipId: string | null;
  role: string | null;
  email: string | null;
  name: string | null;
  memberDeskDays: number | null;
  memberRoomHours: number | null;
  organisationId: string | null;
  organisationName: string | null;
  orgDeskDays: number | null;
  orgRoomHours: number | null;
  explicitOrgFound: boolean;
  memberDeskDaysUsed: number;
  memberDeskDayTaken: boolean;
  memberRoomMinutesUsed: number;
  orgDeskDaysUsed: number;
  orgDeskDayTaken: boolean;
  orgRoomMinutesUsed: number;
  weekDaysUsed: number;
  weekDayTaken: boolean;
}

/** The SQL of the booking's organisation: staff's choice, else the member's. Parameters $1 tenant, $2 user, $3 explicit org. */
export const EFFECTIVE_ORGANISATION_SQL = `coalesce($3::uuid, (SELECT mp."organisationId" FROM "MemberProfile" mp
  JOIN "TenantMembership" m ON m."tenantId" = mp."tenantId" AND m.id = mp."membershipId"
  WHERE mp."tenantId" = $1::uuid AND m."userId" = $2::uuid))`;

function monthBounds(date: string, timezone: string): [Date, Date] {
  const [y, m] = date.split('-').map(Number) as [number, number];
  const first = `${y}-${String(m).padStart(2, '0')}-01`;
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  return [zonedToUtc(first, 0, timezone), zonedToUtc(next, 0, timezone)];
}

/**
 * Sends the locks and the usage query into the booking's flight (after the
 * space lock, before the insert). Returns the answer to check later.
 */
export function queueLimitQueries(query: PipelinedQuery, r: LimitRequest): Promise<LimitFacts | undefined> {
  const [monthStart, monthEnd] = monthBounds(r.date, r.timezone);
  const monday = mondayOf(r.date);
  const weekStart = zonedToUtc(monday, 0, r.timezone);
  const weekEnd = zonedToUtc(addDays(monday, 7), 0, r.timezone);
  // A lock only where a limit exists: without a plan or a per-week rule
  // there is nothing to count, and one person's bookings of different
  // spaces need not wait for each other (measured: a member booking 50
  // rooms at once queued on this lock, ~120 bookings/s in all).
  void query(LIMIT_LOCKS_SQL, [r.tenantId, r.userId, r.organisationId, r.spaceId]);
  return query<LimitFacts>(r.excludeBookingId ? FACTS_EXCLUDING_SQL : FACTS_SQL, [
    r.tenantId,
    r.userId,
    r.organisationId,
    r.timezone,
    r.date,
    monthStart,
    monthEnd,
    r.spaceId,
    weekStart,
    weekEnd,
    ...(r.excludeBookingId ? [r.excludeBookingId] : []),
  ]).then((res) => res.rows[0]);
}

// The two statements, built once (prepared per connection under a hash of their text).
const LIMIT_LOCKS_SQL = `WITH eff AS (SELECT ${EFFECTIVE_ORGANISATION_SQL} AS "orgId")
     SELECT CASE WHEN EXISTS (SELECT 1 FROM "MemberProfile" mp JOIN "TenantMembership" m ON m."tenantId" = mp."tenantId" AND m.id = mp."membershipId"
                               WHERE mp."tenantId" = $1::uuid AND m."userId" = $2::uuid
                                 AND (mp."deskDaysPerMonth" IS NOT NULL OR mp."roomHoursPerMonth" IS NOT NULL))
                   OR EXISTS (SELECT 1 FROM "Space" s WHERE s."tenantId" = $1::uuid AND s.id = $4::uuid AND s."memberDaysPerWeek" IS NOT NULL)
                 THEN pg_advisory_xact_lock(hashtextextended('booking-person:' || $1 || ':' || $2, 0)) END,
            CASE WHEN EXISTS (SELECT 1 FROM "Organisation" o WHERE o."tenantId" = $1::uuid AND o.id = eff."orgId"
                                 AND (o."deskDaysPerMonth" IS NOT NULL OR o."roomHoursPerMonth" IS NOT NULL))
                 THEN pg_advisory_xact_lock(hashtextextended('booking-organisation:' || $1 || ':' || eff."orgId"::text, 0)) END
       FROM eff`;

/** Usage per plan and rule; `exclude`: without the booking being changed ($11). */
function factsSql(exclude: boolean): string {
  const local = `to_char(b."startsAt" AT TIME ZONE $4, 'YYYY-MM-DD')`;
  const live = `b."tenantId" = $1::uuid AND b.status <> 'CANCELLED'${exclude ? ` AND b.id <> $11::uuid` : ''}`;
  const inMonth = `b."startsAt" >= $6::timestamptz AND b."startsAt" < $7::timestamptz`;
  const minutes = `coalesce(sum(extract(epoch FROM b."endsAt" - b."startsAt")) / 60, 0)::float8`;
  // A count runs only where its limit exists (CASE evaluates a sub-select
  // only when its branch is taken): without plans, no booking is read.
  const when = (limit: string, count: string, none: string) => `CASE WHEN ${limit} THEN (${count}) ELSE ${none} END`;
  const weekly = `sp."memberDaysPerWeek" IS NOT NULL AND m.role = 'MEMBER'`;
  return `WITH eff AS (SELECT ${EFFECTIVE_ORGANISATION_SQL} AS "orgId")
     SELECT m.id AS "membershipId", m.role::text AS role, u.email, u.name,
            mp."deskDaysPerMonth" AS "memberDeskDays", mp."roomHoursPerMonth" AS "memberRoomHours",
            o.id AS "organisationId", o.name AS "organisationName", o."deskDaysPerMonth" AS "orgDeskDays", o."roomHoursPerMonth" AS "orgRoomHours",
            ($3::uuid IS NULL OR o.id IS NOT NULL) AS "explicitOrgFound",
            ${when(`mp."deskDaysPerMonth" IS NOT NULL`, `SELECT count(DISTINCT ${local})::int FROM "Booking" b WHERE ${live} AND b."userId" = $2::uuid AND b."deskId" IS NOT NULL AND ${inMonth}`, '0')} AS "memberDeskDaysUsed",
            ${when(`mp."deskDaysPerMonth" IS NOT NULL`, `SELECT coalesce(bool_or(${local} = $5), false) FROM "Booking" b WHERE ${live} AND b."userId" = $2::uuid AND b."deskId" IS NOT NULL AND ${inMonth}`, 'false')} AS "memberDeskDayTaken",
            ${when(`mp."roomHoursPerMonth" IS NOT NULL`, `SELECT ${minutes} FROM "Booking" b WHERE ${live} AND b."userId" = $2::uuid AND b."deskId" IS NULL AND ${inMonth}`, '0')} AS "memberRoomMinutesUsed",
            ${when(`o."deskDaysPerMonth" IS NOT NULL`, `SELECT count(DISTINCT (b."userId", ${local}))::int FROM "Booking" b WHERE ${live} AND b."organisationId" = o.id AND b."deskId" IS NOT NULL AND ${inMonth}`, '0')} AS "orgDeskDaysUsed",
            ${when(`o."deskDaysPerMonth" IS NOT NULL`, `SELECT coalesce(bool_or(b."userId" = $2::uuid AND ${local} = $5), false) FROM "Booking" b WHERE ${live} AND b."organisationId" = o.id AND b."deskId" IS NOT NULL AND ${inMonth}`, 'false')} AS "orgDeskDayTaken",
            ${when(`o."roomHoursPerMonth" IS NOT NULL`, `SELECT ${minutes} FROM "Booking" b WHERE ${live} AND b."organisationId" = o.id AND b."deskId" IS NULL AND ${inMonth}`, '0')} AS "orgRoomMinutesUsed",
            ${when(
              weekly,
              `SELECT count(DISTINCT ${local})::int FROM "Booking" b WHERE ${live} AND b."userId" = $2::uuid AND b."spaceId" = $8::uuid
                AND b."startsAt" >= $9::timestamptz AND b."startsAt" < $10::timestamptz`,
              '0',
            )} AS "weekDaysUsed",
            ${when(
              weekly,
              `SELECT coalesce(bool_or(${local} = $5), false) FROM "Booking" b WHERE ${live} AND b."userId" = $2::uuid AND b."spaceId" = $8::uuid
                AND b."startsAt" >= $9::timestamptz AND b."startsAt" < $10::timestamptz`,
              'false',
            )} AS "weekDayTaken"
       FROM eff
       LEFT JOIN "User" u ON u.id = $2::uuid
       LEFT JOIN "TenantMembership" m ON m."tenantId" = $1::uuid AND m."userId" = $2::uuid
       LEFT JOIN "MemberProfile" mp ON mp."tenantId" = m."tenantId" AND mp."membershipId" = m.id
       LEFT JOIN "Organisation" o ON o."tenantId" = $1::uuid AND o.id = eff."orgId"
       LEFT JOIN "Space" sp ON sp."tenantId" = $1::uuid AND sp.id = $8::uuid`;
}
const FACTS_SQL = factsSql(false);
const FACTS_EXCLUDING_SQL = factsSql(true);

const limitError = (key: string, params: Record<string, string>) =>
  new DomainError('BAD_REQUEST', key, { startsAt: [key] }, params);

/** Throws the first plan or limit the booking would exceed, naming it. */
export function checkLimits(
  facts: LimitFacts,
  r: Pick<LimitRequest, 'isDesk' | 'startsAt' | 'endsAt'>,
  space: { memberDaysPerWeek: number | null; name: string },
) {
  const hours = (r.endsAt.getTime() - r.startsAt.getTime()) / 3_600_000;
  if (r.isDesk) {
    if (
      facts.memberDeskDays !== null &&
      !facts.memberDeskDayTaken &&
      facts.memberDeskDaysUsed + 1 > facts.memberDeskDays
    ) {
      throw limitError('errors.booking.memberPlanDeskDays', {
        limit: String(facts.memberDeskDays),
        used: String(facts.memberDeskDaysUsed),
      });
    }
    if (facts.orgDeskDays !== null && !facts.orgDeskDayTaken && facts.orgDeskDaysUsed + 1 > facts.orgDeskDays) {
      throw limitError('errors.booking.organisationPlanDeskDays', {
        organisation: facts.organisationName ?? '',
        limit: String(facts.orgDeskDays),
        used: String(facts.orgDeskDaysUsed),
      });
    }
  } else {
    const fmt = (h: number) => String(Math.round(h * 10) / 10);
    if (facts.memberRoomHours !== null && facts.memberRoomMinutesUsed / 60 + hours > facts.memberRoomHours) {
      throw limitError('errors.booking.memberPlanRoomHours', {
        limit: String(facts.memberRoomHours),
        used: fmt(facts.memberRoomMinutesUsed / 60),
      });
    }
    if (facts.orgRoomHours !== null && facts.orgRoomMinutesUsed / 60 + hours > facts.orgRoomHours) {
      throw limitError('errors.booking.organisationPlanRoomHours', {
        organisation: facts.organisationName ?? '',
        limit: String(facts.orgRoomHours),
        used: fmt(facts.orgRoomMinutesUsed / 60),
      });
    }
  }
  // The space's per-member rule binds members; staff booking for themselves run the hub.
  if (
    space.memberDaysPerWeek !== null &&
    facts.role === 'MEMBER' &&
    !facts.weekDayTaken &&
    facts.weekDaysUsed + 1 > space.memberDaysPerWeek
  ) {
    throw limitError('errors.booking.memberDaysPerWeek', { space: space.name, limit: String(space.memberDaysPerWeek) });
  }
}

/** One booking as the plans and limits count it. */
export interface CountedBooking {
  userId: string;
  spaceId: string;
  organisationId: string | null;
  isDesk: boolean;
  /** Local date of the start. */
  date: string;
  minutes: number;
}

/** Raw SQL that runs in a Prisma transaction (series are written with Prisma, single bookings pipelined). */
export interface RawDb {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

export interface ManyLimitRequest {
  tenantId: string;
  spaceId: string;
  userId: string;
  timezone: string;
  /** Local dates of the first and the last booking. */
  firstDate: string;
  lastDate: string;
  /** Take the person's and organisation's locks (inside the writing transaction). */
  lock: boolean;
  /** A series edit (docs/decisions/020): this series' bookings from `from` on are about to be cancelled. */
  replacing?: { seriesId: string; from: Date } | undefined;
}

const firstOfMonth = (date: string) => `${date.slice(0, 8)}01`;
const firstOfNextMonth = (date: string) => {
  const [y, m] = date.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
};
const earlier = (a: string, b: string) => (a < b ? a : b);
const later = (a: string, b: string) => (a > b ? a : b);

/**
 * The usage every month and week of a series touches, for checking its
 * dates one by one with checkLimits (the rule function single bookings use):
 * each date that passes is added, so the series' own dates count together
 * with the bookings already there. Takes the same locks as a single booking.
 */
export async function loadLimitLedger(db: RawDb, r: ManyLimitRequest): Promise<LimitLedger | null> {
  const from = zonedToUtc(earlier(mondayOf(r.firstDate), firstOfMonth(r.firstDate)), 0, r.timezone);
  const to = zonedToUtc(later(addDays(mondayOf(r.lastDate), 7), firstOfNextMonth(r.lastDate)), 0, r.timezone);
  if (r.lock) await db.$executeRawUnsafe(LIMIT_LOCKS_SQL, r.tenantId, r.userId, null, r.spaceId);
  const [monthStart, monthEnd] = monthBounds(r.firstDate, r.timezone);
  const monday = mondayOf(r.firstDate);
  const [facts] = await db.$queryRawUnsafe<LimitFacts[]>(
    FACTS_SQL,
    r.tenantId,
    r.userId,
    null,
    r.timezone,
    r.firstDate,
    monthStart,
    monthEnd,
    r.spaceId,
    zonedToUtc(monday, 0, r.timezone),
    zonedToUtc(addDays(monday, 7), 0, r.timezone),
  );
  if (!facts) return null;
  const counted = await db.$queryRawUnsafe<CountedBooking[]>(
    COUNTED_SQL,
    r.tenantId,
    r.userId,
    facts.organisationId,
    r.timezone,
    from,
    to,
    r.replacing?.seriesId ?? null,
    r.replacing?.from ?? null,
  );
  return new LimitLedger(facts, r.userId, r.spaceId, counted);
}

// The person's and their organisation's live bookings in [$5, $6), without those an edit cancels ($7 from $8 on).
const COUNTED_SQL = `SELECT b."userId", b."spaceId", b."organisationId", (b."deskId" IS NOT NULL) AS "isDesk",
       to_char(b."startsAt" AT TIME ZONE $4, 'YYYY-MM-DD') AS date,
       (extract(epoch FROM b."endsAt" - b."startsAt") / 60)::float8 AS minutes
  FROM "Booking" b
 WHERE b."tenantId" = $1::uuid AND b.status <> 'CANCELLED'
   AND (b."userId" = $2::uuid OR b."organisationId" = $3::uuid)
   AND b."startsAt" >= $5::timestamptz AND b."startsAt" < $6::timestamptz
   AND ($7::uuid IS NULL OR b."seriesId" IS DISTINCT FROM $7::uuid OR b."startsAt" < $8::timestamptz OR b."endsAt" <= now())`;

/** Usage per local month (plans) and per local week of the space (its per-member rule) of one person and their organisation. */
export class LimitLedger {
  private readonly memberDeskDates = new Map<string, Set<string>>();
  private readonly memberRoomMinutes = new Map<string, number>();
  private readonly orgDeskDays = new Map<string, Set<string>>();
  private readonly orgRoomMinutes = new Map<string, number>();
  private readonly weekDates = new Map<string, Set<string>>();

  constructor(
    /** The person's role, plans and organisation (the counts in it are not read). */
    readonly base: LimitFacts,
    private readonly userId: string,
    private readonly spaceId: string,
    counted: readonly CountedBooking[],
  ) {
    for (const booking of counted) this.add(booking);
  }

  add(b: CountedBooking) {
    const month = b.date.slice(0, 7);
    const inSet = (map: Map<string, Set<string>>, key: string, value: string) =>
      map.set(key, (map.get(key) ?? new Set()).add(value));
    const plus = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + b.minutes);
    if (b.userId === this.userId) {
      if (b.isDesk) inSet(this.memberDeskDates, month, b.date);
      else plus(this.memberRoomMinutes, month);
      if (b.spaceId === this.spaceId) inSet(this.weekDates, mondayOf(b.date), b.date);
    }
    if (this.base.organisationId !== null && b.organisationId === this.base.organisationId) {
      if (b.isDesk) inSet(this.orgDeskDays, month, `${b.userId} ${b.date}`);
      else plus(this.orgRoomMinutes, month);
    }
  }

  /** What checkLimits reads for one more booking of the person on `date`. */
  factsFor(date: string): LimitFacts {
    const month = date.slice(0, 7);
    const deskDates = this.memberDeskDates.get(month);
    const orgDays = this.orgDeskDays.get(month);
    const week = this.weekDates.get(mondayOf(date));
    return {
      ...this.base,
      memberDeskDaysUsed: deskDates?.size ?? 0,
      memberDeskDayTaken: deskDates?.has(date) ?? false,
      memberRoomMinutesUsed: this.memberRoomMinutes.get(month) ?? 0,
      orgDeskDaysUsed: orgDays?.size ?? 0,
      orgDeskDayTaken: orgDays?.has(`${this.userId} ${date}`) ?? false,
      orgRoomMinutesUsed: this.orgRoomMinutes.get(month) ?? 0,
      weekDaysUsed: week?.size ?? 0,
      weekDayTaken: week?.has(date) ?? false,
    };
  }

  /** Checks one more booking of the person and, if it keeps every limit, counts it. Throws the limit it breaks. */
  take(
    space: { id: string; memberDaysPerWeek: number | null; name: string },
    isDesk: boolean,
    date: string,
    startsAt: Date,
    endsAt: Date,
  ) {
    checkLimits(this.factsFor(date), { isDesk, startsAt, endsAt }, space);
    this.add({
      userId: this.userId,
      spaceId: space.id,
      organisationId: this.base.organisationId,
      isDesk,
      date,
      minutes: (endsAt.getTime() - startsAt.getTime()) / 60_000,
    });
  }
}

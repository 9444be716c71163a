import { randomBytes } from 'node:crypto';
import { uuid7 } from '@hubwerk/domain';
import type { AppClient } from '@hubwerk/db';
import { DomainError } from '../errors.ts';
import { enqueueMail } from '../mail/outbox.ts';
import { eventMail, type EventMailKind } from '../mail/event-mails.ts';
import type { RenderedMail } from '../mail/templates.ts';

/**
 * The seat ledger of an event (docs/decisions/038). `Event.confirmedSeats`
 * and `Event.offeredSeats` count the seats of confirmed and offered
 * registrations; `waitlistedCount` the registrations waiting. They change
 * only here, in the same transaction as the registrations they count, and
 * only by conditional updates on the event row — which also serialise
 * everything that changes one event's seats. The CHECK constraint
 * (confirmed + offered ≤ capacity) is the database's last word.
 *
 * Waiting is strictly first come, first served: while anyone waits, a
 * newcomer queues behind them even if a seat is free (the seat is the first
 * waiting person's, who may need more seats than are free yet).
 */

export type SeatDb = Pick<
  AppClient,
  '$queryRaw' | '$executeRaw' | '$queryRawUnsafe' | '$executeRawUnsafe' | 'outboxEmail'
>;

/** What the mails need to know about the town. */
export interface MailTown {
  tenantId: string;
  tenantSlug: string;
  timezone: string;
  adminUrl: string;
}

export interface LockedEvent {
  id: string;
  hubId: string;
  spaceId: string;
  title: string;
  status: string;
  capacity: number;
  confirmedSeats: number;
  offeredSeats: number;
  waitlistedCount: number;
  waitlistMode: 'auto' | 'offer';
  offerHours: number;
  maxSeatsPerRegistration: number;
  registrationOpensAt: Date | null;
  registrationClosesAt: Date | null;
  /** The first session's start (null: no session yet). */
  startsAt: Date | null;
}

export interface RegistrationRow {
  id: string;
  eventId: string;
  userId: string | null;
  name: string | null;
  email: string | null;
  seats: number;
  status: 'confirmed' | 'waitlisted' | 'offered' | 'lapsed' | 'cancelled' | 'removed';
  waitlistPosition: number | null;
  offerExpiresAt: Date | null;
  checkedInAt: Date | null;
  createdAt: Date;
}

const HOUR = 3_600_000;

/** Locks the event row: every change of its seats queues here (lock order: event, then registrations). */
export async function lockEvent(db: SeatDb, tenantId: string, eventId: string): Promise<LockedEvent | null> {
  const [row] = await db.$queryRaw<LockedEvent[]>`
    SELECT e.id, e."hubId", e."spaceId", e.title, e.status, e.capacity, e."confirmedSeats", e."offeredSeats",
           e."waitlistedCount", e."waitlistMode", e."offerHours", e."maxSeatsPerRegistration",
           e."registrationOpensAt", e."registrationClosesAt",
           (SELECT min(s."startsAt") FROM "EventSession" s WHERE s."tenantId" = e."tenantId" AND s."eventId" = e.id) AS "startsAt"
      FROM "Event" e WHERE e."tenantId" = ${tenantId}::uuid AND e.id = ${eventId}::uuid FOR UPDATE OF e`;
  return row ?? null;
}

/** The address a registration's mails go to: the public's own, or the member's account's. */
async function recipientOf(db: SeatDb, reg: Pick<RegistrationRow, 'userId' | 'email'>): Promise<string | null> {
  if (reg.email) return reg.email;
  if (!reg.userId) return null;
  const [row] = await db.$queryRaw<Array<{ email: string }>>`SELECT email FROM "User" WHERE id = ${reg.userId}::uuid`;
  return row?.email ?? null;
}

export async function mailRegistration(
  db: SeatDb,
  town: MailTown,
  event: Pick<LockedEvent, 'id' | 'title' | 'startsAt'>,
  reg: Pick<RegistrationRow, 'userId' | 'email' | 'offerExpiresAt' | 'waitlistPosition'>,
  kind: EventMailKind,
) {
  const to = await recipientOf(db, reg);
  if (!to) return;
  await enqueueMail(
    db,
    `event.${kind}`,
    to,
    eventMail(kind, {
      title: event.title,
      tenantSlug: town.tenantSlug,
      eventId: event.id,
      adminUrl: town.adminUrl,
      startsAt: event.startsAt,
      timezone: town.timezone,
      offerExpiresAt: reg.offerExpiresAt,
      waitlistPosition: reg.waitlistPosition,
    }),
  );
}

// One statement, so one transaction: the conditional update of the event row
// takes the seats (or a place in the queue) and the registration is inserted
// from what it returned. "waitlistedCount" = 0 after the update means the
// seats were taken: waiting would have raised it to at least 1.
const FITS = (seats: number) => `("waitlistedCount" = 0 AND "confirmedSeats" + "offeredSeats" + ${seats} <= capacity)`;

export interface RegisterFacts {
  tenantId: string;
  eventId: string;
  userId: string;
  seats: number;
  answers: Record<string, string>;
  requestId: string;
  /** The two possible mails, rendered before: the statement sends the one that applies (the waitlist one with its place). */
  mails: { confirmed: RenderedMail; waitlisted: RenderedMail };
}

/** Put into the waitlist mail where the place goes; the statement replaces it with the place it handed out. */
export const PLACE_MARKER = '{{place}}';

/**
 * Registers a member: confirmed when the seats fit and nobody waits,
 * waitlisted otherwise, decided by one conditional UPDATE of the event row in
 * the statement that inserts the registration. Null when the event takes no
 * registrations now (the caller explains why).
 */
export async function registerSeats(db: Pick<SeatDb, '$queryRawUnsafe'>, facts: RegisterFacts, now: Date) {
  const { tenantId, eventId, userId, seats } = facts;
  if (!Number.isInteger(seats) || seats < 1) throw new DomainError('BAD_REQUEST', 'validation.event.seats');
  const fits = FITS(seats);
  // Built once per seat count: the statement text stays constant for a given count.
  const rows = await db.$queryRawUnsafe<
    Array<{ id: string; status: 'confirmed' | 'waitlisted'; waitlistPosition: number | null; waiting: number }>
  >(
    `WITH e AS (
       UPDATE "Event" SET
         "confirmedSeats" = CASE WHEN ${fits} THEN "confirmedSeats" + ${seats} ELSE "confirmedSeats" END,
         "waitlistedCount" = CASE WHEN ${fits} THEN "waitlistedCount" ELSE "waitlistedCount" + 1 END,
         "waitlistSeq" = CASE WHEN ${fits} THEN "waitlistSeq" ELSE "waitlistSeq" + 1 END,
         "updatedAt" = $6::timestamptz
        WHERE "tenantId" = $1::uuid AND id = $2::uuid AND status = 'published'
          AND ${seats} <= "maxSeatsPerRegistration"
          AND ("registrationOpensAt" IS NULL OR "registrationOpensAt" <= $6::timestamptz)
          AND ("registrationClosesAt" IS NULL OR "registrationClosesAt" > $6::timestamptz)
       RETURNING "tenantId", id, "waitlistedCount" = 0 AS confirmed, "waitlistSeq", "waitlistedCount"
     ), r AS (
       INSERT INTO "EventRegistration" ("tenantId", id, "eventId", "userId", seats, status, "waitlistPosition", answers, "checkInToken")
       SELECT e."tenantId", $3::uuid, e.id, $4::uuid, ${seats},
              CASE WHEN e.confirmed THEN 'confirmed' ELSE 'waitlisted' END,
              CASE WHEN e.confirmed THEN NULL ELSE e."waitlistSeq" END, $5::jsonb, $7
         FROM e
       RETURNING id, status, "waitlistPosition"
     ), a AS (
       INSERT INTO "AuditEvent" (id, "tenantId", "actorUserId", action, "targetType", "targetId", "requestId", data)
       SELECT $8::uuid, $1::uuid, $4::uuid, 'event.registered', 'EventRegistration', r.id::text, $9,
              jsonb_build_object('eventId', $2::text, 'seats', ${seats}, 'status', r.status)
         FROM r
     ), m AS (
       -- The mail commits with the registration or not at all (the outbox, ADR 009).
       INSERT INTO "OutboxEmail" (id, kind, "toAddress", subject, "textBody")
       SELECT $10::uuid, 'event.' || r.status, u.email,
              CASE WHEN r.status = 'confirmed' THEN $11 ELSE $13 END,
              CASE WHEN r.status = 'confirmed' THEN $12 ELSE replace($14, '${PLACE_MARKER}', e."waitlistedCount"::text) END
         FROM r, e, "User" u WHERE u.id = $4::uuid
     )
     SELECT r.id, r.status, r."waitlistPosition", e."waitlistedCount" AS waiting FROM r, e`,
    tenantId,
    eventId,
    uuid7(),
    userId,
    JSON.stringify(facts.answers),
    now,
    randomBytes(18).toString('base64url'),
    uuid7(),
    facts.requestId,
    uuid7(),
    facts.mails.confirmed.subject,
    facts.mails.confirmed.text,
    facts.mails.waitlisted.subject,
    facts.mails.waitlisted.text,
  );
  return rows[0] ?? null;
}

/** The live registration states and what each holds on the event row. */
const HOLDS = {
  confirmed: `"confirmedSeats" = "confirmedSeats" - $3`,
  offered: `"offeredSeats" = "offeredSeats" - $3`,
  waitlisted: `"waitlistedCount" = "waitlistedCount" - 1`,
} as const;
export const isLive = (status: string): status is keyof typeof HOLDS => status in HOLDS;

/**
 * Ends a live registration (cancelled, removed or lapsed) and gives back what
 * it held, in the caller's transaction with the event locked.
 */
export async function release(
  db: SeatDb,
  tenantId: string,
  reg: Pick<RegistrationRow, 'id' | 'eventId' | 'seats' | 'status'>,
  to: 'cancelled' | 'removed' | 'lapsed',
) {
  if (!isLive(reg.status)) return;
  // A waiting registration holds a place in the queue, not seats: its statement takes no seat count.
  const seats = reg.status === 'waitlisted' ? [] : [reg.seats];
  await db.$executeRawUnsafe(
    `UPDATE "Event" SET ${HOLDS[reg.status]}, "updatedAt" = now() WHERE "tenantId" = $1::uuid AND id = $2::uuid`,
    tenantId,
    reg.eventId,
    ...seats,
  );
  await db.$executeRaw`
    UPDATE "EventRegistration" SET status = ${to}, "offerExpiresAt" = NULL, "checkedInAt" = NULL, "updatedAt" = now()
     WHERE "tenantId" = ${tenantId}::uuid AND id = ${reg.id}::uuid`;
}

/** When an offer made now runs out: the organiser's hours, but never past the start. */
export function offerDeadline(event: Pick<LockedEvent, 'offerHours' | 'startsAt'>, now: Date): Date {
  const full = now.getTime() + event.offerHours * HOUR;
  const start = event.startsAt?.getTime();
  // Close to the start the offer is shorter: at most until the event begins (and at least a quarter of an hour).
  return new Date(start && start > now.getTime() ? Math.max(Math.min(full, start), now.getTime() + HOUR / 4) : full);
}

/**
 * Hands freed seats to the first waiting, strictly in order: each gets
 * their seats confirmed ('auto') or offered until a deadline ('offer'),
 * while the first in line fits into the seats free. An offer holds its seats
 * (offeredSeats), so each freed seat is offered to one person at a time.
 * The event must be locked by the caller's transaction.
 */
export async function promote(db: SeatDb, town: MailTown, event: LockedEvent, now: Date): Promise<number> {
  let promoted = 0;
  let state = { ...event };
  for (;;) {
    const free = state.capacity - state.confirmedSeats - state.offeredSeats;
    if (free <= 0 || state.waitlistedCount === 0 || state.status !== 'published') return promoted;
    const [head] = await db.$queryRaw<RegistrationRow[]>`
      SELECT id, "eventId", "userId", email, seats, status, "waitlistPosition"
        FROM "EventRegistration"
       WHERE "tenantId" = ${town.tenantId}::uuid AND "eventId" = ${event.id}::uuid AND status = 'waitlisted'
       ORDER BY "waitlistPosition" LIMIT 1 FOR UPDATE`;
    if (!head || head.seats > free) return promoted;
    const offer = state.waitlistMode === 'offer';
    const expires = offer ? offerDeadline(state, now) : null;
    const [after] = await db.$queryRawUnsafe<
      Array<Pick<LockedEvent, 'confirmedSeats' | 'offeredSeats' | 'waitlistedCount'>>
    >(
      `UPDATE "Event" SET ${offer ? `"offeredSeats" = "offeredSeats" + $3` : `"confirmedSeats" = "confirmedSeats" + $3`},
              "waitlistedCount" = "waitlistedCount" - 1, "updatedAt" = now()
        WHERE "tenantId" = $1::uuid AND id = $2::uuid AND "confirmedSeats" + "offeredSeats" + $3 <= capacity
        RETURNING "confirmedSeats", "offeredSeats", "waitlistedCount"`,
      town.tenantId,
      event.id,
      head.seats,
    );
    // Under the event's lock the seats counted above are free; the condition only guards the invariant.
    if (!after) throw new Error(`event ${event.id}: seats changed under its lock`);
    await db.$executeRaw`
      UPDATE "EventRegistration" SET status = ${offer ? 'offered' : 'confirmed'}, "offerExpiresAt" = ${expires}, "updatedAt" = now()
       WHERE "tenantId" = ${town.tenantId}::uuid AND id = ${head.id}::uuid`;
    await mailRegistration(db, town, event, { ...head, offerExpiresAt: expires }, offer ? 'offered' : 'promoted');
    state = { ...state, ...after };
    promoted++;
  }
}

/**
 * Offers whose time ran out at `now` pass on: each lapses, its seats are
 * freed and offered to the next waiting. One transaction per event. Called
 * by the job worker with each town's periodic mail work (jobs/worker.ts)
 * and by tests with a moved clock; `db` must be scoped to the town.
 */
export async function lapseOffers(
  db: Pick<AppClient, '$queryRaw' | '$transaction'>,
  town: MailTown,
  now: Date,
): Promise<number> {
  const events = await db.$queryRaw<Array<{ eventId: string }>>`
    SELECT DISTINCT "eventId" FROM "EventRegistration"
     WHERE "tenantId" = ${town.tenantId}::uuid AND status = 'offered' AND "offerExpiresAt" <= ${now}
     LIMIT 500`;
  let lapsed = 0;
  for (const { eventId } of events) {
    lapsed += await db.$transaction(async (tx) => {
      const event = await lockEvent(tx, town.tenantId, eventId);
      if (!event) return 0;
      const expired = await tx.$queryRaw<Array<Pick<RegistrationRow, 'id' | 'eventId' | 'seats' | 'status'>>>`
        SELECT id, "eventId", seats, status FROM "EventRegistration"
         WHERE "tenantId" = ${town.tenantId}::uuid AND "eventId" = ${eventId}::uuid
           AND status = 'offered' AND "offerExpiresAt" <= ${now}
         ORDER BY "waitlistPosition" FOR UPDATE`;
      for (const reg of expired) await release(tx, town.tenantId, reg, 'lapsed');
      const freed = expired.reduce((n, r) => n + r.seats, 0);
      const promoted = await promote(tx, town, { ...event, offeredSeats: event.offeredSeats - freed }, now);
      if (expired.length > 0)
        await tx.$executeRaw`
          INSERT INTO "AuditEvent" (id, "tenantId", "actorUserId", action, "targetType", "targetId", data)
          VALUES (${uuid7()}::uuid, ${town.tenantId}::uuid, NULL, 'event.offersLapsed', 'Event', ${eventId},
                  ${JSON.stringify({ lapsed: expired.map((r) => r.id), promoted })}::jsonb)`;
      return expired.length;
    });
  }
  return lapsed;
}

import { subject } from '@hubwerk/auth';
import type { Booking, Event, EventSession, Space } from '@hubwerk/db';
import { addDays, localParts, uuid7, zonedToUtc } from '@hubwerk/domain';
import { mailSettings } from '../../context.ts';
import { DomainError, fieldError, notFound } from '../../errors.ts';
import { assess, type SeriesInput } from '../booking-series/booking-series.service.ts';
import { isExclusionViolation } from '../bookings/bookings.service.ts';
import type { Ctx } from '../spaces/spaces.service.ts';
import type { CreateEventInput, UpdateEventInput } from './events.schemas.ts';
import { eventMail } from '../../mail/event-mails.ts';
import {
  isLive,
  lockEvent,
  PLACE_MARKER,
  mailRegistration,
  promote,
  registerSeats,
  release,
  type LockedEvent,
  type MailTown,
  type RegistrationRow,
} from '../../events/seat-ledger.ts';

/** A user id no account has: "for someone else" in the probe below. */
const SOMEONE_ELSE = '00000000-0000-0000-0000-000000000000';
/** At most this many sessions per event (a workshop series). */
export const MAX_SESSIONS = 52;

type BookingSubject = Booking & { space: Pick<Space, 'hubId'> };

/**
 * Who organises a hub's events: whoever may book the hub's spaces for
 * someone else — the town's admins (and partners acting as one), the hub's
 * managers and staff, the provider's admins. Publishing books the room for
 * the event, so the same wall decides (docs/decisions/038).
 */
export function mayOrganise(ctx: Ctx, hubId: string): boolean {
  return ctx.ability.can(
    'create',
    subject('Booking', { tenantId: ctx.tenant.id, userId: SOMEONE_ELSE, space: { hubId } } as BookingSubject),
  );
}

/** Who registers: whoever may book for themselves in the town (members and staff; not read-only support). */
export function mayRegister(ctx: Ctx, hubId: string): boolean {
  return ctx.ability.can(
    'create',
    subject('Booking', { tenantId: ctx.tenant.id, userId: ctx.session.userId, space: { hubId } } as BookingSubject),
  );
}

const forbidden = () => new DomainError('FORBIDDEN', 'errors.forbidden');

export function mailTown(ctx: Ctx): MailTown {
  return {
    tenantId: ctx.tenant.id,
    tenantSlug: ctx.tenant.slug,
    timezone: ctx.tenant.timezone,
    adminUrl: mailSettings(ctx).adminUrl,
  };
}

async function audit(
  ctx: Ctx,
  db: Pick<Ctx['db'], 'auditEvent'>,
  action: string,
  targetType: string,
  targetId: string,
  data?: Record<string, string | number | boolean | null>,
) {
  await db.auditEvent.create({
    data: {
      tenantId: ctx.tenant.id,
      actorUserId: ctx.session.userId,
      action,
      targetType,
      targetId,
      requestId: ctx.requestId,
      ...(data ? { data } : {}),
    },
  });
}

type EventWithSessions = Event & { sessions: EventSession[] };

type MyRegistration = RegistrationRow & { place: number | null };

/** The caller's latest registration for each of the events (a live one before an ended one), with the place of a waiting one. */
async function myRegistrations(ctx: Ctx, eventIds: string[]): Promise<Map<string, MyRegistration>> {
  if (eventIds.length === 0) return new Map();
  const rows = await ctx.db.$queryRaw<MyRegistration[]>`
    SELECT DISTINCT ON (r."eventId") r.id, r."eventId", r.status, r.seats, r."offerExpiresAt",
           CASE WHEN r.status = 'waitlisted' THEN (
             SELECT count(*)::int FROM "EventRegistration" w
              WHERE w."tenantId" = r."tenantId" AND w."eventId" = r."eventId" AND w.status = 'waitlisted'
                AND w."waitlistPosition" <= r."waitlistPosition") END AS place
      FROM "EventRegistration" r
     WHERE r."tenantId" = ${ctx.tenant.id}::uuid AND r."eventId" = ANY(${eventIds}::uuid[]) AND r."userId" = ${ctx.session.userId}::uuid
     ORDER BY r."eventId", (r.status IN ('confirmed', 'waitlisted', 'offered')) DESC, r."createdAt" DESC`;
  return new Map(rows.map((r) => [r.eventId, r]));
}

/** `mine`: the caller's registration if the caller looked it up already (lists: one query for all). */
export async function toEventOutput(ctx: Ctx, e: EventWithSessions, mine?: MyRegistration | null) {
  const organiser = mayOrganise(ctx, e.hubId);
  if (mine === undefined) mine = (await myRegistrations(ctx, [e.id])).get(e.id) ?? null;
  return {
    id: e.id,
    hubId: e.hubId,
    spaceId: e.spaceId,
    formatId: e.formatId,
    title: e.title,
    description: e.description,
    kind: e.kind as never,
    audience: e.audience as never,
    language: e.language,
    stepFree: e.stepFree,
    hearingLoop: e.hearingLoop,
    signLanguageOnRequest: e.signLanguageOnRequest,
    accessibilityNotes: e.accessibilityNotes,
    attendanceMode: e.attendanceMode as never,
    // The meeting link is for those who take part (and those who run it).
    meetingUrl: organiser || mine?.status === 'confirmed' ? e.meetingUrl : null,
    capacity: e.capacity,
    confirmedSeats: e.confirmedSeats,
    offeredSeats: e.offeredSeats,
    waitlisted: e.waitlistedCount,
    maxSeatsPerRegistration: e.maxSeatsPerRegistration,
    registrationOpensAt: e.registrationOpensAt?.toISOString() ?? null,
    registrationClosesAt: e.registrationClosesAt?.toISOString() ?? null,
    requiresApproval: e.requiresApproval,
    waitlistMode: e.waitlistMode as never,
    offerHours: e.offerHours,
    retentionDays: e.retentionDays,
    status: e.status as never,
    sessions: e.sessions
      .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())
      .map((s) => ({
        id: s.id,
        startsAt: s.startsAt.toISOString(),
        endsAt: s.endsAt.toISOString(),
        bookingId: s.bookingId,
      })),
    organiser,
    myRegistration: mine
      ? {
          id: mine.id,
          status: mine.status,
          seats: mine.seats,
          waitlistPosition: mine.place,
          offerExpiresAt: mine.offerExpiresAt?.toISOString() ?? null,
        }
      : null,
  };
}

/** An event the caller may see: drafts only for its organisers; anything else is not found. */
async function visibleEvent(ctx: Ctx, eventId: string) {
  const event = await ctx.db.event.findFirst({
    where: { tenantId: ctx.tenant.id, id: eventId },
    include: { sessions: true },
  });
  if (!event) throw notFound();
  if (ctx.ability.cannot('read', subject('Hub', { tenantId: ctx.tenant.id, id: event.hubId } as never)))
    throw notFound();
  if (event.status === 'draft' && !mayOrganise(ctx, event.hubId)) throw notFound();
  return event;
}

async function organisedEvent(ctx: Ctx, eventId: string) {
  const event = await visibleEvent(ctx, eventId);
  if (!mayOrganise(ctx, event.hubId)) throw forbidden();
  return event;
}

export async function getEvent(ctx: Ctx, input: { eventId: string }) {
  return toEventOutput(ctx, await visibleEvent(ctx, input.eventId));
}

/** A hub's events with a session in the local dates [from, to] (drafts without sessions too, for organisers). */
export async function listEvents(ctx: Ctx, input: { hubId: string; from: string; to: string; includeDrafts: boolean }) {
  if (input.to < input.from) throw fieldError('to', 'validation.event.range');
  const hub = await ctx.db.hub.findFirst({ where: { tenantId: ctx.tenant.id, id: input.hubId } });
  if (!hub || ctx.ability.cannot('read', subject('Hub', hub))) throw notFound();
  const organiser = mayOrganise(ctx, hub.id);
  const from = zonedToUtc(input.from, 0, ctx.tenant.timezone);
  const to = zonedToUtc(addDays(input.to, 1), 0, ctx.tenant.timezone);
  const drafts = organiser && input.includeDrafts;
  const events = await ctx.db.event.findMany({
    where: {
      tenantId: ctx.tenant.id,
      hubId: hub.id,
      ...(drafts ? {} : { status: { not: 'draft' } }),
      OR: [
        { sessions: { some: { startsAt: { lt: to }, endsAt: { gt: from } } } },
        ...(drafts ? [{ sessions: { none: {} } }] : []),
      ],
    },
    include: { sessions: true },
    orderBy: [{ createdAt: 'asc' }],
    take: 200,
  });
  const mine = await myRegistrations(
    ctx,
    events.map((e) => e.id),
  );
  const items = await Promise.all(events.map((e) => toEventOutput(ctx, e, mine.get(e.id) ?? null)));
  const first = (e: (typeof items)[number]) => e.sessions[0]?.startsAt ?? '9999';
  return { items: items.sort((a, b) => first(a).localeCompare(first(b))) };
}

async function spaceOfHub(ctx: Ctx, db: Pick<Ctx['db'], 'space'>, hubId: string, spaceId: string) {
  const space = await db.space.findFirst({ where: { tenantId: ctx.tenant.id, id: spaceId, archivedAt: null } });
  if (!space || space.hubId !== hubId || ctx.ability.cannot('read', subject('Space', space)))
    throw fieldError('spaceId', 'errors.event.unknownSpace');
  return space;
}

function checkWindow(input: { registrationOpensAt?: Date | null; registrationClosesAt?: Date | null }) {
  if (
    input.registrationOpensAt &&
    input.registrationClosesAt &&
    input.registrationOpensAt.getTime() >= input.registrationClosesAt.getTime()
  )
    throw fieldError('registrationClosesAt', 'errors.event.windowOrder');
}

export async function createEvent(ctx: Ctx, input: CreateEventInput, formatId: string | null = null) {
  const hub = await ctx.db.hub.findFirst({ where: { tenantId: ctx.tenant.id, id: input.hubId, archivedAt: null } });
  if (!hub || ctx.ability.cannot('read', subject('Hub', hub))) throw notFound();
  if (!mayOrganise(ctx, hub.id)) throw forbidden();
  const space = await spaceOfHub(ctx, ctx.db, hub.id, input.spaceId);
  if (input.capacity > space.capacity)
    throw new DomainError(
      'BAD_REQUEST',
      'errors.event.overSpaceCapacity',
      { capacity: ['errors.event.overSpaceCapacity'] },
      { capacity: String(space.capacity) },
    );
  if (input.maxSeatsPerRegistration > input.capacity)
    throw fieldError('maxSeatsPerRegistration', 'errors.event.maxSeatsOverCapacity');
  checkWindow(input);
  // Approval by the organiser is stored for later (docs/decisions/038); it is not offered yet.
  const { hubId: _hub, spaceId: _space, ...rest } = input;
  return ctx.db.$transaction(async (tx) => {
    const event = await tx.event.create({
      data: {
        tenantId: ctx.tenant.id,
        id: uuid7(),
        hubId: hub.id,
        spaceId: space.id,
        formatId,
        createdById: ctx.session.userId,
        ...rest,
      },
      include: { sessions: true },
    });
    await audit(ctx, tx, 'event.created', 'Event', event.id, { hubId: hub.id, formatId });
    return event;
  });
}

export async function updateEvent(ctx: Ctx, input: { eventId: string } & UpdateEventInput) {
  const { eventId, ...change } = input;
  const event = await organisedEvent(ctx, eventId);
  if (event.status === 'cancelled' || event.status === 'finished')
    throw new DomainError('CONFLICT', 'errors.event.closed', { _form: ['errors.event.closed'] });
  const max = change.maxSeatsPerRegistration ?? event.maxSeatsPerRegistration;
  if (max > event.capacity) throw fieldError('maxSeatsPerRegistration', 'errors.event.maxSeatsOverCapacity');
  checkWindow({
    registrationOpensAt:
      change.registrationOpensAt === undefined ? event.registrationOpensAt : change.registrationOpensAt,
    registrationClosesAt:
      change.registrationClosesAt === undefined ? event.registrationClosesAt : change.registrationClosesAt,
  });
  // A waitlist mode change applies to the next freed seat; running offers keep their deadline.
  return ctx.db.$transaction(async (tx) => {
    const updated = await tx.event.update({
      where: { tenantId_id: { tenantId: ctx.tenant.id, id: event.id } },
      data: Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)),
      include: { sessions: true },
    });
    await audit(ctx, tx, 'event.updated', 'Event', event.id, { fields: Object.keys(change).join(',') });
    return toEventOutput(ctx, updated);
  });
}

export async function addSession(ctx: Ctx, input: { eventId: string; startsAt: Date; endsAt: Date }) {
  if (input.endsAt.getTime() <= input.startsAt.getTime()) throw fieldError('endsAt', 'errors.booking.endBeforeStart');
  const event = await organisedEvent(ctx, input.eventId);
  // Sessions of a published event would need their own booking: added before publishing (or to a new event).
  if (event.status !== 'draft')
    throw new DomainError('CONFLICT', 'errors.event.notDraft', { _form: ['errors.event.notDraft'] });
  if (event.sessions.length >= MAX_SESSIONS)
    throw new DomainError(
      'BAD_REQUEST',
      'errors.event.tooManySessions',
      { startsAt: ['errors.event.tooManySessions'] },
      { max: String(MAX_SESSIONS) },
    );
  const overlapping = event.sessions.find(
    (s) => s.startsAt.getTime() < input.endsAt.getTime() && s.endsAt.getTime() > input.startsAt.getTime(),
  );
  if (overlapping) throw fieldError('startsAt', 'errors.event.sessionOverlap');
  return ctx.db.$transaction(async (tx) => {
    const session = await tx.eventSession.create({
      data: {
        tenantId: ctx.tenant.id,
        id: uuid7(),
        eventId: event.id,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
      },
    });
    await audit(ctx, tx, 'event.sessionAdded', 'Event', event.id, { sessionId: session.id });
    return toEventOutput(ctx, { ...event, sessions: [...event.sessions, session] });
  });
}

/**
 * A session the room cannot be booked for: a booking in the way is named
 * (its id and time, its purpose when the caller may read it); any other
 * rule (closed day, opening hours, lead time …) by its own key.
 */
async function sessionRefusal(
  ctx: Ctx,
  db: Pick<Ctx['db'], 'booking'>,
  spaceId: string,
  check: { date: string; startsAt: string; conflict: { messageKey: string; params: Record<string, string> } | null },
) {
  const conflict = check.conflict!;
  if (conflict.messageKey !== 'errors.booking.conflict' || !conflict.params.startsAt || !conflict.params.endsAt)
    return new DomainError(
      'BAD_REQUEST',
      conflict.messageKey,
      { sessions: [conflict.messageKey] },
      {
        ...conflict.params,
        date: check.date,
      },
    );
  const colliding = await db.booking.findFirst({
    where: {
      tenantId: ctx.tenant.id,
      spaceId,
      status: { not: 'CANCELLED' },
      startsAt: new Date(conflict.params.startsAt),
      endsAt: new Date(conflict.params.endsAt),
    },
    include: { space: { select: { hubId: true } } },
  });
  const readable = colliding && ctx.ability.can('read', subject('Booking', colliding));
  return new DomainError(
    'CONFLICT',
    'errors.event.roomTaken',
    { sessions: ['errors.event.roomTaken'] },
    {
      date: check.date,
      sessionStartsAt: check.startsAt,
      startsAt: conflict.params.startsAt,
      endsAt: conflict.params.endsAt,
      ...(colliding ? { bookingId: colliding.id } : {}),
      ...(readable && colliding.purpose ? { purpose: colliding.purpose } : {}),
    },
  );
}

/**
 * Publishes a draft: books the event's space for every session through the
 * booking rules of a recurring series (the same checks, the same space lock,
 * the exclusion constraint as the last word) — all sessions or none.
 * The bookings are the organiser's, named after the event, and each session
 * points to its booking.
 */
export async function publishEvent(ctx: Ctx, input: { eventId: string }) {
  const event = await organisedEvent(ctx, input.eventId);
  if (event.status !== 'draft')
    throw new DomainError('CONFLICT', 'errors.event.notDraft', { _form: ['errors.event.notDraft'] });
  const sessions = [...event.sessions].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  if (sessions.length === 0) throw fieldError('sessions', 'errors.event.noSessions');
  const tenantId = ctx.tenant.id;
  const tz = ctx.tenant.timezone;
  const occurrences = sessions.map((s) => ({
    date: localParts(s.startsAt, tz).date,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
  }));
  const series: SeriesInput = {
    spaceId: event.spaceId,
    startsAt: sessions[0]!.startsAt,
    endsAt: sessions[0]!.endsAt,
    rrule: '',
    purpose: event.title,
    attendees: event.capacity,
  };
  try {
    return await ctx.db.$transaction(async (tx) => {
      const locked = await lockEvent(tx, tenantId, event.id);
      if (!locked || locked.status !== 'draft')
        throw new DomainError('CONFLICT', 'errors.event.notDraft', { _form: ['errors.event.notDraft'] });
      // The space's lock first, as a single booking and a series take it (ADR 006).
      await tx.$queryRaw`SELECT 1 FROM "Space" WHERE "tenantId" = ${tenantId}::uuid AND id = ${event.spaceId}::uuid FOR UPDATE`;
      const { checks } = await assess(ctx, tx, series, occurrences, { lock: true });
      const refused = checks.find((c) => c.conflict);
      if (refused) throw await sessionRefusal(ctx, tx, event.spaceId, refused);
      for (const s of sessions) {
        const bookingId = uuid7();
        await tx.booking.create({
          data: {
            tenantId,
            id: bookingId,
            spaceId: event.spaceId,
            userId: ctx.session.userId,
            startsAt: s.startsAt,
            endsAt: s.endsAt,
            // The organisers decide the hub's bookings: the event's room is confirmed, not requested.
            status: 'CONFIRMED',
            purpose: event.title,
            attendees: event.capacity,
          },
        });
        await tx.eventSession.update({
          where: { tenantId_id: { tenantId, id: s.id } },
          data: { bookingId },
        });
      }
      const published = await tx.event.update({
        where: { tenantId_id: { tenantId, id: event.id } },
        data: { status: 'published', publishedAt: new Date() },
        include: { sessions: true },
      });
      await audit(ctx, tx, 'event.published', 'Event', event.id, { sessions: sessions.length });
      return toEventOutput(ctx, published);
    });
  } catch (error) {
    if (isExclusionViolation(error)) {
      // Only reachable if a writer skipped the space lock: name what is in the way now.
      const { checks } = await assess(ctx, ctx.db, series, occurrences);
      const refused = checks.find((c) => c.conflict);
      if (refused) throw await sessionRefusal(ctx, ctx.db, event.spaceId, refused);
      throw new DomainError('CONFLICT', 'errors.event.roomTaken', { sessions: ['errors.event.roomTaken'] });
    }
    throw error;
  }
}

/**
 * Cancels the event: its bookings are cancelled (the room is free again),
 * every live registration ends and its person is told by mail, in one
 * transaction. Cancelling twice is a no-op.
 */
export async function cancelEvent(ctx: Ctx, input: { eventId: string }) {
  const event = await organisedEvent(ctx, input.eventId);
  const tenantId = ctx.tenant.id;
  const town = mailTown(ctx);
  return ctx.db.$transaction(async (tx) => {
    const locked = await lockEvent(tx, tenantId, event.id);
    if (!locked) throw notFound();
    if (locked.status === 'cancelled') return toEventOutput(ctx, event);
    const bookingIds = event.sessions.map((s) => s.bookingId).filter((b): b is string => b !== null);
    const freed = await tx.booking.updateMany({
      where: { tenantId, id: { in: bookingIds }, status: { not: 'CANCELLED' } },
      data: { status: 'CANCELLED', cancelledAt: new Date() },
    });
    const live = await tx.$queryRaw<RegistrationRow[]>`
      SELECT id, "eventId", "userId", email, seats, status, "waitlistPosition", "offerExpiresAt"
        FROM "EventRegistration"
       WHERE "tenantId" = ${tenantId}::uuid AND "eventId" = ${event.id}::uuid AND status IN ('confirmed', 'waitlisted', 'offered')
       FOR UPDATE`;
    for (const reg of live) {
      await release(tx, tenantId, reg, 'cancelled');
      await mailRegistration(tx, town, locked, reg, 'eventCancelled');
    }
    const cancelled = await tx.event.update({
      where: { tenantId_id: { tenantId, id: event.id } },
      data: { status: 'cancelled', cancelledAt: new Date() },
      include: { sessions: true },
    });
    await audit(ctx, tx, 'event.cancelled', 'Event', event.id, {
      bookingsCancelled: freed.count,
      registrationsEnded: live.length,
    });
    return toEventOutput(ctx, cancelled);
  });
}

export interface RegistrationResult {
  id: string;
  status: 'confirmed' | 'waitlisted';
  /** Place among those waiting (1 = next); null when confirmed. */
  waitlistPosition: number | null;
}

/** Why an event took no registration: not found (also a draft), closed, the window, too many seats. */
async function registrationRefusal(ctx: Ctx, eventId: string, seats: number, now: Date) {
  const event = await visibleEvent(ctx, eventId);
  if (event.status !== 'published')
    return new DomainError('CONFLICT', 'errors.event.notOpen', { _form: ['errors.event.notOpen'] });
  if (seats > event.maxSeatsPerRegistration)
    return new DomainError(
      'BAD_REQUEST',
      'errors.event.tooManySeats',
      { seats: ['errors.event.tooManySeats'] },
      { max: String(event.maxSeatsPerRegistration) },
    );
  if (event.registrationOpensAt && event.registrationOpensAt > now)
    return new DomainError(
      'CONFLICT',
      'errors.event.registrationNotYetOpen',
      { _form: ['errors.event.registrationNotYetOpen'] },
      { opensAt: event.registrationOpensAt.toISOString() },
    );
  return new DomainError('CONFLICT', 'errors.event.registrationClosed', { _form: ['errors.event.registrationClosed'] });
}

/** A member registers: confirmed or waitlisted with a place (events/seat-ledger.ts: one conditional update). */
export async function register(
  ctx: Ctx,
  input: { eventId: string; seats: number; answers: Record<string, string> },
  now = new Date(),
): Promise<RegistrationResult> {
  // Booking for oneself needs no hub (abilities.ts): the probe's hub does not matter.
  if (!mayRegister(ctx, SOMEONE_ELSE)) throw forbidden();
  // What the mails say (title, first start); the seats are decided by the statement below, not by this read.
  const [event] = await ctx.db.$queryRaw<Array<{ title: string; startsAt: Date | null }>>`
    SELECT e.title, (SELECT min(s."startsAt") FROM "EventSession" s WHERE s."tenantId" = e."tenantId" AND s."eventId" = e.id) AS "startsAt"
      FROM "Event" e WHERE e."tenantId" = ${ctx.tenant.id}::uuid AND e.id = ${input.eventId}::uuid`;
  if (!event) throw notFound();
  const town = mailTown(ctx);
  const facts = {
    title: event.title,
    tenantSlug: town.tenantSlug,
    eventId: input.eventId,
    adminUrl: town.adminUrl,
    startsAt: event.startsAt,
    timezone: town.timezone,
  };
  let row;
  try {
    row = await registerSeats(
      ctx.db,
      {
        tenantId: ctx.tenant.id,
        eventId: input.eventId,
        userId: ctx.session.userId,
        seats: input.seats,
        answers: input.answers,
        requestId: ctx.requestId,
        mails: {
          confirmed: eventMail('confirmed', facts),
          waitlisted: eventMail('waitlisted', { ...facts, waitlistPosition: PLACE_MARKER }),
        },
      },
      now,
    );
  } catch (error) {
    if (violates(error, 'EventRegistration_live_person_key'))
      throw new DomainError('CONFLICT', 'errors.event.alreadyRegistered', {
        _form: ['errors.event.alreadyRegistered'],
      });
    throw error;
  }
  if (!row) throw await registrationRefusal(ctx, input.eventId, input.seats, now);
  return { id: row.id, status: row.status, waitlistPosition: row.status === 'waitlisted' ? row.waiting : null };
}

/** A named constraint's violation, however the driver adapter wraps it. */
function violates(error: unknown, constraint: string): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 6; depth++) {
    const text = JSON.stringify(e, Object.getOwnPropertyNames(e)) ?? '';
    if (text.includes(constraint)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Ends a live registration and hands what it held to the first waiting, in
 * one transaction with the event locked: the caller's own (cancel), or any
 * (an organiser's removal).
 */
async function endRegistration(
  ctx: Ctx,
  input: { eventId: string; registrationId?: string },
  to: 'cancelled' | 'removed',
  now: Date,
) {
  const tenantId = ctx.tenant.id;
  const town = mailTown(ctx);
  return ctx.db.$transaction(async (tx) => {
    const event = await lockEvent(tx, tenantId, input.eventId);
    if (!event) throw notFound();
    const [reg] = input.registrationId
      ? await tx.$queryRaw<RegistrationRow[]>`
          SELECT id, "eventId", "userId", email, seats, status, "waitlistPosition", "offerExpiresAt"
            FROM "EventRegistration"
           WHERE "tenantId" = ${tenantId}::uuid AND "eventId" = ${event.id}::uuid AND id = ${input.registrationId}::uuid FOR UPDATE`
      : await tx.$queryRaw<RegistrationRow[]>`
          SELECT id, "eventId", "userId", email, seats, status, "waitlistPosition", "offerExpiresAt"
            FROM "EventRegistration"
           WHERE "tenantId" = ${tenantId}::uuid AND "eventId" = ${event.id}::uuid AND "userId" = ${ctx.session.userId}::uuid
             AND status IN ('confirmed', 'waitlisted', 'offered') FOR UPDATE`;
    if (!reg) {
      if (input.registrationId) throw notFound();
      throw new DomainError('CONFLICT', 'errors.event.notRegistered', { _form: ['errors.event.notRegistered'] });
    }
    if (!isLive(reg.status)) return { id: reg.id, status: reg.status, promoted: 0 };
    await release(tx, tenantId, reg, to);
    const after = {
      ...event,
      confirmedSeats: event.confirmedSeats - (reg.status === 'confirmed' ? reg.seats : 0),
      offeredSeats: event.offeredSeats - (reg.status === 'offered' ? reg.seats : 0),
      waitlistedCount: event.waitlistedCount - (reg.status === 'waitlisted' ? 1 : 0),
    };
    const promoted = await promote(tx, town, after, now);
    await mailRegistration(tx, town, event, reg, 'cancelled');
    await audit(
      ctx,
      tx,
      to === 'removed' ? 'event.registrationRemoved' : 'event.registrationCancelled',
      'EventRegistration',
      reg.id,
      {
        eventId: event.id,
        was: reg.status,
        promoted,
      },
    );
    return { id: reg.id, status: to, promoted };
  });
}

export async function cancelRegistration(ctx: Ctx, input: { eventId: string }, now = new Date()) {
  await visibleEvent(ctx, input.eventId);
  if (!mayRegister(ctx, SOMEONE_ELSE)) throw forbidden();
  return endRegistration(ctx, { eventId: input.eventId }, 'cancelled', now);
}

export async function removeRegistration(
  ctx: Ctx,
  input: { eventId: string; registrationId: string },
  now = new Date(),
) {
  await organisedEvent(ctx, input.eventId);
  return endRegistration(ctx, input, 'removed', now);
}

/** The caller accepts the seat offered to them before the offer runs out. */
export async function acceptOffer(ctx: Ctx, input: { eventId: string }, now = new Date()) {
  await visibleEvent(ctx, input.eventId);
  if (!mayRegister(ctx, SOMEONE_ELSE)) throw forbidden();
  const tenantId = ctx.tenant.id;
  return ctx.db.$transaction(async (tx) => {
    const event = await lockEvent(tx, tenantId, input.eventId);
    if (!event) throw notFound();
    const [reg] = await tx.$queryRaw<RegistrationRow[]>`
      SELECT id, "eventId", "userId", email, seats, status, "waitlistPosition", "offerExpiresAt"
        FROM "EventRegistration"
       WHERE "tenantId" = ${tenantId}::uuid AND "eventId" = ${event.id}::uuid AND "userId" = ${ctx.session.userId}::uuid
         AND status = 'offered' FOR UPDATE`;
    if (!reg) throw new DomainError('CONFLICT', 'errors.event.noOffer', { _form: ['errors.event.noOffer'] });
    // Past its deadline the offer is gone even before the job has passed it on.
    if (reg.offerExpiresAt && reg.offerExpiresAt.getTime() <= now.getTime())
      throw new DomainError('CONFLICT', 'errors.event.offerLapsed', { _form: ['errors.event.offerLapsed'] });
    const moved = await tx.$executeRaw`
      UPDATE "Event" SET "offeredSeats" = "offeredSeats" - ${reg.seats}, "confirmedSeats" = "confirmedSeats" + ${reg.seats}, "updatedAt" = now()
       WHERE "tenantId" = ${tenantId}::uuid AND id = ${event.id}::uuid AND "offeredSeats" >= ${reg.seats}`;
    if (moved !== 1) throw new Error(`event ${event.id}: offered seats out of step`);
    await tx.$executeRaw`
      UPDATE "EventRegistration" SET status = 'confirmed', "offerExpiresAt" = NULL, "updatedAt" = now()
       WHERE "tenantId" = ${tenantId}::uuid AND id = ${reg.id}::uuid`;
    await mailRegistration(tx, mailTown(ctx), event, reg, 'confirmed');
    await audit(ctx, tx, 'event.offerAccepted', 'EventRegistration', reg.id, { eventId: event.id });
    return { id: reg.id, status: 'confirmed' as const, waitlistPosition: null };
  });
}

/**
 * A new capacity: raising it hands the new seats to the waiting; lowering
 * it below the seats already confirmed or offered is refused (nobody loses a
 * seat they have), as is more than the space holds.
 */
export async function setCapacity(ctx: Ctx, input: { eventId: string; capacity: number }, now = new Date()) {
  const existing = await organisedEvent(ctx, input.eventId);
  if (existing.status === 'cancelled' || existing.status === 'finished')
    throw new DomainError('CONFLICT', 'errors.event.closed', { _form: ['errors.event.closed'] });
  const tenantId = ctx.tenant.id;
  return ctx.db.$transaction(async (tx) => {
    const event = await lockEvent(tx, tenantId, input.eventId);
    if (!event) throw notFound();
    const space = await tx.space.findFirst({ where: { tenantId, id: event.spaceId } });
    if (space && input.capacity > space.capacity)
      throw new DomainError(
        'BAD_REQUEST',
        'errors.event.overSpaceCapacity',
        { capacity: ['errors.event.overSpaceCapacity'] },
        { capacity: String(space.capacity) },
      );
    const taken = event.confirmedSeats + event.offeredSeats;
    if (input.capacity < taken)
      throw new DomainError(
        'BAD_REQUEST',
        'errors.event.capacityBelowTaken',
        { capacity: ['errors.event.capacityBelowTaken'] },
        { taken: String(taken) },
      );
    // The conditional update restates the rule for the row as it is under the lock.
    const changed = await tx.$executeRaw`
      UPDATE "Event" SET capacity = ${input.capacity},
             "maxSeatsPerRegistration" = least("maxSeatsPerRegistration", ${input.capacity}), "updatedAt" = now()
       WHERE "tenantId" = ${tenantId}::uuid AND id = ${event.id}::uuid AND "confirmedSeats" + "offeredSeats" <= ${input.capacity}`;
    if (changed !== 1) throw notFound();
    const promoted = await promote(tx, mailTown(ctx), { ...event, capacity: input.capacity }, now);
    await audit(ctx, tx, 'event.capacityChanged', 'Event', event.id, {
      from: event.capacity,
      to: input.capacity,
      promoted,
    });
    const updated = await tx.event.findFirst({ where: { tenantId, id: event.id }, include: { sessions: true } });
    return toEventOutput(ctx, updated!);
  });
}

type ListedRegistration = RegistrationRow & {
  accountName: string | null;
  accountEmail: string | null;
  place: number | null;
};

/** The organiser's list: everyone registered, the waiting in their order with their current place. */
export async function listRegistrations(ctx: Ctx, input: { eventId: string }) {
  const event = await organisedEvent(ctx, input.eventId);
  const rows = await ctx.db.$queryRaw<ListedRegistration[]>`
    SELECT r.id, r."eventId", r."userId", r.name, r.email, r.seats, r.status, r."offerExpiresAt", r."checkedInAt", r."createdAt",
           u.name AS "accountName", u.email AS "accountEmail",
           CASE WHEN r.status = 'waitlisted'
                THEN row_number() OVER (PARTITION BY r.status = 'waitlisted' ORDER BY r."waitlistPosition")::int END AS place
      FROM "EventRegistration" r LEFT JOIN "User" u ON u.id = r."userId"
     WHERE r."tenantId" = ${ctx.tenant.id}::uuid AND r."eventId" = ${event.id}::uuid
     ORDER BY CASE r.status WHEN 'confirmed' THEN 0 WHEN 'offered' THEN 1 WHEN 'waitlisted' THEN 2 ELSE 3 END,
              r."waitlistPosition" NULLS FIRST, r."createdAt"
     LIMIT 5000`;
  return {
    items: rows.map((r) => ({
      id: r.id,
      eventId: r.eventId,
      userId: r.userId,
      name: r.name ?? r.accountName,
      email: r.email ?? r.accountEmail,
      seats: r.seats,
      status: r.status,
      waitlistPosition: r.place,
      offerExpiresAt: r.offerExpiresAt?.toISOString() ?? null,
      checkedInAt: r.checkedInAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
    })),
  };
}

/** Staff check a confirmed participant in (by registration or by the token in their QR code), or undo it. */
export async function checkIn(
  ctx: Ctx,
  input: { eventId: string; registrationId?: string | undefined; checkInToken?: string | undefined },
  undo: boolean,
) {
  if (!input.registrationId === !input.checkInToken) throw fieldError('registrationId', 'validation.event.checkInRef');
  const event = await organisedEvent(ctx, input.eventId);
  if (event.status !== 'published' && event.status !== 'finished')
    throw new DomainError('CONFLICT', 'errors.event.notOpen', { _form: ['errors.event.notOpen'] });
  const tenantId = ctx.tenant.id;
  return ctx.db.$transaction(async (tx) => {
    const [reg] = await tx.$queryRaw<RegistrationRow[]>`
      SELECT id, status, "checkedInAt" FROM "EventRegistration"
       WHERE "tenantId" = ${tenantId}::uuid AND "eventId" = ${event.id}::uuid
         AND (id = ${input.registrationId ?? null}::uuid OR "checkInToken" = ${input.checkInToken ?? null})
       FOR UPDATE`;
    if (!reg) throw notFound();
    if (reg.status !== 'confirmed')
      throw new DomainError('CONFLICT', 'errors.event.notConfirmed', { _form: ['errors.event.notConfirmed'] });
    // Twice is a no-op: a second scan of the same code must not move the time.
    if (undo ? reg.checkedInAt === null : reg.checkedInAt !== null)
      return { id: reg.id, checkedInAt: reg.checkedInAt?.toISOString() ?? null };
    const at = undo ? null : new Date();
    await tx.$executeRaw`UPDATE "EventRegistration" SET "checkedInAt" = ${at}, "updatedAt" = now()
       WHERE "tenantId" = ${tenantId}::uuid AND id = ${reg.id}::uuid`;
    await audit(ctx, tx, undo ? 'event.checkInUndone' : 'event.checkedIn', 'EventRegistration', reg.id, {
      eventId: event.id,
    });
    return { id: reg.id, checkedInAt: at?.toISOString() ?? null };
  });
}

export type { LockedEvent };

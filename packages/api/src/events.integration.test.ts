/**
 * The hub's programme (issue 13, docs/decisions/038): publishing books the
 * room through the booking rules, cancelling frees it; registration never
 * overbooks, under any concurrency, and the waitlist is first come, first
 * served; offers lapse and pass on; capacity changes promote or are refused.
 */
import { runInScope } from '@hubwerk/db';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import pino from 'pino';
import { lapseOffers } from './events/seat-ledger.ts';
import { createJobWorker } from './jobs/worker.ts';
import { at, newMembers, seatState, workday } from './testing/event-fixtures.ts';
import { type Caller, failure, seededTestApi, type TestApi } from './test-support.ts';

const tenant = 'einbeck';
let api: TestApi;
let superuser: pg.Client;
let admin: Caller;
let manager: Caller;
let member: Caller;
let member2: Caller;
let zeitzAdmin: Caller;
let hubId: string;
let tenantId: string;

beforeAll(async () => {
  // 500 calls at once queue for 10 connections: on a loaded machine longer than the API's 5 s (its 503, by
  // design); here every call waits for its turn, so the outcome never depends on the machine's speed.
  ({ api, superuser } = await seededTestApi({ poolSize: 10, acquireTimeoutMs: 600_000 }));
  [admin, manager, member, member2, zeitzAdmin] = await Promise.all([
    api.as(DEMO_USERS.einbeckAdmin),
    api.as(DEMO_USERS.einbeckManager),
    api.as(DEMO_USERS.einbeckMember),
    api.as(DEMO_USERS.einbeckMember2),
    api.as(DEMO_USERS.zeitzAdmin),
  ]);
  hubId = (await admin.hubs.list({ tenant })).items.find((h) => h.slug === 'digital-hub-einbeck')!.id;
  tenantId = (await superuser.query(`SELECT id FROM "Tenant" WHERE slug = $1`, [tenant])).rows[0].id;
});

afterAll(async () => {
  await superuser?.end();
  await api?.close();
});

let rooms = 0;
async function newRoom(capacity = 40) {
  rooms++;
  return admin.spaces.create({
    tenant,
    hubId,
    kind: 'event-room',
    name: `Veranstaltungsraum ${rooms}`,
    capacity,
    amenities: [],
    rules: {
      granularityMinutes: 30,
      minDurationMinutes: 30,
      maxDurationMinutes: 480,
      leadTimeMinutes: 0,
      horizonDays: 90,
      bufferMinutes: 0,
      approvalRequired: false,
    },
  });
}

/** A published event of `capacity` seats in a new room, one session on the n-th workday 10–12. */
async function publishedEvent(
  capacity: number,
  options: { waitlistMode?: 'auto' | 'offer'; maxSeatsPerRegistration?: number; day?: number } = {},
) {
  const room = await newRoom(Math.max(capacity, 40));
  const event = await manager.events.create({
    tenant,
    hubId,
    spaceId: room.id,
    title: 'KI im Rathaus',
    kind: 'workshop',
    capacity,
    waitlistMode: options.waitlistMode ?? 'auto',
    maxSeatsPerRegistration: options.maxSeatsPerRegistration ?? 1,
  });
  const day = workday(options.day ?? 5);
  await manager.events.addSession({ tenant, eventId: event.id, startsAt: at(day, '10:00'), endsAt: at(day, '12:00') });
  await manager.events.publish({ tenant, eventId: event.id });
  return { eventId: event.id, spaceId: room.id, day };
}

const town = () => ({ tenantId, tenantSlug: tenant, timezone: 'Europe/Berlin', adminUrl: 'http://admin.test' });

describe('publishing and cancelling an event', () => {
  it('books the room for every session (the week calendar shows it), names a colliding booking, and frees the room when cancelled', async () => {
    const room = await newRoom(30);
    const dayA = workday(6);
    const dayB = workday(7);
    const event = await manager.events.create({
      tenant,
      hubId,
      spaceId: room.id,
      title: 'Digitale Verwaltung – Workshopreihe',
      kind: 'workshop',
      capacity: 20,
    });
    expect(event.status).toBe('draft');
    // A draft is the organisers' only.
    expect((await failure(member.events.get({ tenant, eventId: event.id }))).code).toBe('NOT_FOUND');
    await manager.events.addSession({
      tenant,
      eventId: event.id,
      startsAt: at(dayA, '14:00'),
      endsAt: at(dayA, '16:00'),
    });
    await manager.events.addSession({
      tenant,
      eventId: event.id,
      startsAt: at(dayB, '14:00'),
      endsAt: at(dayB, '16:00'),
    });

    // Someone books the room on the second date first: publishing books nothing and names that booking.
    const blocker = await member.bookings.create({
      tenant,
      spaceId: room.id,
      startsAt: at(dayB, '15:00'),
      endsAt: at(dayB, '16:00'),
      purpose: 'Vereinstreffen',
    });
    const refused = await failure(manager.events.publish({ tenant, eventId: event.id }));
    expect(refused).toMatchObject({
      code: 'CONFLICT',
      messageKey: 'errors.event.roomTaken',
      fieldErrors: { sessions: ['errors.event.roomTaken'] },
      params: { bookingId: blocker.id, date: dayB, startsAt: blocker.startsAt, endsAt: blocker.endsAt },
    });
    // All or none: the first date was not booked either (the week may hold the second date's blocker).
    const weekA = await manager.bookings.week({ tenant, spaceId: room.id, date: dayA });
    expect(weekA.items.filter((b) => b.id !== blocker.id)).toEqual([]);
    expect((await manager.events.get({ tenant, eventId: event.id })).status).toBe('draft');

    await member.bookings.cancel({ tenant, bookingId: blocker.id });
    // The hub's programme for a date range: the draft for its organisers only.
    const range = { tenant, hubId, from: dayA, to: dayB };
    expect((await manager.events.list(range)).items.map((e) => e.id)).toContain(event.id);
    expect((await member.events.list(range)).items.map((e) => e.id)).not.toContain(event.id);
    const published = await manager.events.publish({ tenant, eventId: event.id });
    expect((await member.events.list(range)).items.map((e) => e.id)).toContain(event.id);
    expect(
      (await member.events.list({ ...range, from: workday(9), to: workday(9) })).items.map((e) => e.id),
    ).not.toContain(event.id);
    expect(published.status).toBe('published');
    expect(published.sessions.every((s) => s.bookingId !== null)).toBe(true);
    for (const [day, session] of [
      [dayA, published.sessions[0]!],
      [dayB, published.sessions[1]!],
    ] as const) {
      const week = await member.bookings.week({ tenant, spaceId: room.id, date: day });
      expect(week.items.map((b) => ({ id: b.id, startsAt: b.startsAt, endsAt: b.endsAt }))).toContainEqual({
        id: session.bookingId,
        startsAt: session.startsAt,
        endsAt: session.endsAt,
      });
    }
    // The room is the event's now: a member cannot book over it.
    expect(
      (
        await failure(
          member.bookings.create({ tenant, spaceId: room.id, startsAt: at(dayA, '14:00'), endsAt: at(dayA, '15:00') }),
        )
      ).messageKey,
    ).toBe('errors.booking.conflict');

    // The event's room is the event's: staff cannot cancel or move it on its own.
    const ownBooking = published.sessions[0]!.bookingId!;
    expect((await failure(manager.bookings.cancel({ tenant, bookingId: ownBooking }))).messageKey).toBe(
      'errors.booking.ownedByEvent',
    );
    expect(
      (
        await failure(
          manager.bookings.update({
            tenant,
            bookingId: ownBooking,
            startsAt: at(dayA, '08:00'),
            endsAt: at(dayA, '10:00'),
          }),
        )
      ).messageKey,
    ).toBe('errors.booking.ownedByEvent');

    await member.events.register({ tenant, eventId: event.id });
    // The list says where the caller stands, like the event itself (one query for the whole list).
    expect((await member.events.list(range)).items.find((e) => e.id === event.id)?.myRegistration).toMatchObject({
      status: 'confirmed',
      waitlistPosition: null,
    });
    expect((await member2.events.list(range)).items.find((e) => e.id === event.id)?.myRegistration).toBeNull();
    const before = Number(
      (await superuser.query(`SELECT count(*) AS n FROM "OutboxEmail" WHERE kind = 'event.eventCancelled'`)).rows[0].n,
    );
    const cancelled = await manager.events.cancel({ tenant, eventId: event.id });
    expect(cancelled.status).toBe('cancelled');
    // The room is free again, and the participant was told by mail.
    expect((await member.bookings.week({ tenant, spaceId: room.id, date: dayA })).items).toEqual([]);
    const mails = await superuser.query(
      `SELECT "toAddress" FROM "OutboxEmail" WHERE kind = 'event.eventCancelled' ORDER BY "createdAt" DESC`,
    );
    expect(mails.rows.length).toBe(before + 1);
    expect(mails.rows[0].toAddress).toBe(DEMO_USERS.einbeckMember);
    expect(await seatState(superuser, event.id)).toMatchObject({ confirmedSeats: 0, confirmedRows: 0, livePeople: 0 });
    // Cancelling twice changes nothing.
    expect((await manager.events.cancel({ tenant, eventId: event.id })).status).toBe('cancelled');
  });

  it('refuses bad input by field, in words the admin app translates', async () => {
    const room = await newRoom(10);
    expect(
      (
        await failure(
          manager.events.create({ tenant, hubId, spaceId: room.id, title: '', kind: 'party' as never, capacity: 0 }),
        )
      ).fieldErrors,
    ).toMatchObject({
      title: ['validation.required'],
      kind: ['validation.event.kind'],
      capacity: ['validation.event.capacity'],
    });
    expect(
      (
        await failure(
          manager.events.create({ tenant, hubId, spaceId: room.id, title: 'Zu groß', kind: 'talk', capacity: 11 }),
        )
      ).fieldErrors,
    ).toEqual({ capacity: ['errors.event.overSpaceCapacity'] });
    const event = await manager.events.create({
      tenant,
      hubId,
      spaceId: room.id,
      title: 'Vortrag',
      kind: 'talk',
      capacity: 10,
    });
    expect((await failure(manager.events.publish({ tenant, eventId: event.id }))).fieldErrors).toEqual({
      sessions: ['errors.event.noSessions'],
    });
    const day = workday(4);
    expect(
      (
        await failure(
          manager.events.addSession({
            tenant,
            eventId: event.id,
            startsAt: at(day, '12:00'),
            endsAt: at(day, '11:00'),
          }),
        )
      ).fieldErrors,
    ).toEqual({ endsAt: ['errors.booking.endBeforeStart'] });
    // Outside the hub's opening hours: the booking rule's own key, on the sessions.
    await manager.events.addSession({
      tenant,
      eventId: event.id,
      startsAt: at(day, '19:00'),
      endsAt: at(day, '20:00'),
    });
    expect((await failure(manager.events.publish({ tenant, eventId: event.id }))).fieldErrors).toEqual({
      sessions: ['errors.booking.outsideOpeningHours'],
    });
    expect(
      (await failure(manager.events.update({ tenant, eventId: event.id, meetingUrl: 'ftp://x', offerHours: 0 })))
        .fieldErrors,
    ).toEqual({ meetingUrl: ['validation.event.meetingUrl'], offerHours: ['validation.event.offerHours'] });
    expect(
      (
        await failure(
          manager.events.update({
            tenant,
            eventId: event.id,
            registrationOpensAt: at(day, '12:00'),
            registrationClosesAt: at(day, '11:00'),
          }),
        )
      ).fieldErrors,
    ).toEqual({ registrationClosesAt: ['errors.event.windowOrder'] });
  });

  it('lets organisers organise and members only register; another town sees nothing', async () => {
    const room = await newRoom(10);
    expect(
      (
        await failure(
          member.events.create({ tenant, hubId, spaceId: room.id, title: 'Meins', kind: 'talk', capacity: 5 }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    const { eventId } = await publishedEvent(5, { day: 8 });
    expect((await failure(member.events.registrations({ tenant, eventId }))).code).toBe('FORBIDDEN');
    expect((await failure(member.events.setCapacity({ tenant, eventId, capacity: 6 }))).code).toBe('FORBIDDEN');
    expect((await failure(zeitzAdmin.events.get({ tenant, eventId }))).code).toBe('NOT_FOUND');
    expect((await failure(zeitzAdmin.events.get({ tenant: 'zeitz', eventId }))).code).toBe('NOT_FOUND');
    expect((await admin.events.registrations({ tenant, eventId })).items).toEqual([]);
  });
});

describe('no overbooking, ever', () => {
  it('500 concurrent registrations for the last 20 seats: exactly 20 confirmed, the rest waitlisted in arrival order', async () => {
    const { eventId } = await publishedEvent(100, { day: 9 });
    const early = await newMembers(api, superuser, tenant, 80);
    for (const m of early) expect((await m.caller.events.register({ tenant, eventId })).status).toBe('confirmed');
    const crowd = await newMembers(api, superuser, tenant, 500);
    const results = await Promise.all(crowd.map((m) => m.caller.events.register({ tenant, eventId })));
    expect(results.filter((r) => r.status === 'confirmed')).toHaveLength(20);
    expect(results.filter((r) => r.status === 'waitlisted')).toHaveLength(480);
    const state = await seatState(superuser, eventId);
    expect(state).toMatchObject({
      capacity: 100,
      confirmedSeats: 100,
      confirmedRows: 100,
      waitlistedCount: 480,
      waitlistedRows: 480,
    });
    // Arrival order = the order in which the event row's lock was granted; the row's insert time (clock
    // time, taken after the lock) follows the queue position exactly, and the positions have no gaps.
    const waiting = await superuser.query<{ waitlistPosition: number; createdAt: Date }>(
      `SELECT "waitlistPosition", "createdAt" FROM "EventRegistration" WHERE "eventId" = $1 AND status = 'waitlisted' ORDER BY "waitlistPosition"`,
      [eventId],
    );
    const positions = waiting.rows.map((r) => r.waitlistPosition);
    expect(new Set(positions).size).toBe(480);
    expect(positions[479]! - positions[0]! + 1).toBe(480);
    const times = waiting.rows.map((r) => r.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // Each person's answered place is their place in that order.
    const answered = results.filter((r) => r.status === 'waitlisted').map((r) => r.waitlistPosition);
    expect(new Set(answered).size).toBe(480);
    expect(Math.max(...(answered as number[]))).toBe(480);
    // A generous bound for 580 calls on a shared 2-core machine: correctness does not depend on it.
  }, 240_000);

  it('200 concurrent cancellations and registrations on a full event keep the counters equal to the rows and within capacity', async () => {
    const { eventId } = await publishedEvent(50, { day: 10 });
    const holders = await newMembers(api, superuser, tenant, 50);
    for (const m of holders) await m.caller.events.register({ tenant, eventId });
    const waiting = await newMembers(api, superuser, tenant, 30);
    for (const m of waiting) expect((await m.caller.events.register({ tenant, eventId })).status).toBe('waitlisted');
    const newcomers = await newMembers(api, superuser, tenant, 100);
    const outcomes = await Promise.allSettled([
      ...holders.map((m) => m.caller.events.cancelRegistration({ tenant, eventId })),
      ...waiting.slice(0, 20).map((m) => m.caller.events.cancelRegistration({ tenant, eventId })),
      ...newcomers.slice(0, 30).map((m) => m.caller.events.register({ tenant, eventId })),
      ...newcomers
        .slice(30, 100)
        .slice(0, 100)
        .map((m) => m.caller.events.register({ tenant, eventId })),
    ]);
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    const state = await seatState(superuser, eventId);
    expect(state.confirmedSeats).toBe(state.confirmedRows);
    expect(state.waitlistedCount).toBe(state.waitlistedRows);
    expect(state.confirmedSeats).toBeLessThanOrEqual(50);
    expect(state.distinctPeople).toBe(state.livePeople);
    // 50 holders and 20 waiting left; 10 waiting and 100 newcomers remain for 50 seats: full again, 60 waiting.
    expect(state).toMatchObject({ confirmedSeats: 50, waitlistedCount: 60 });
    // Nobody jumped the queue: the 10 who waited before are all in.
    const confirmed = new Set(
      (await admin.events.registrations({ tenant, eventId })).items
        .filter((r) => r.status === 'confirmed')
        .map((r) => r.userId),
    );
    for (const m of waiting.slice(20)) expect(confirmed.has(m.userId)).toBe(true);
  }, 240_000);

  it('the database refuses an update that would overbook, whatever the application does', async () => {
    const { eventId } = await publishedEvent(3, { day: 11 });
    await expect(
      superuser.query(`UPDATE "Event" SET "confirmedSeats" = capacity + 1 WHERE id = $1`, [eventId]),
    ).rejects.toThrow(/Event_seats_check/);
  });
});

describe('waitlist, offers, capacity and check-in', () => {
  it('offers a freed seat to the first waiting only; a lapsed offer passes to the next; an accepted one confirms', async () => {
    const { eventId } = await publishedEvent(1, { waitlistMode: 'offer', day: 12 });
    const [a, b, c] = await newMembers(api, superuser, tenant, 3);
    expect(await a!.caller.events.register({ tenant, eventId })).toMatchObject({ status: 'confirmed' });
    expect(await b!.caller.events.register({ tenant, eventId })).toMatchObject({
      status: 'waitlisted',
      waitlistPosition: 1,
    });
    expect(await c!.caller.events.register({ tenant, eventId })).toMatchObject({
      status: 'waitlisted',
      waitlistPosition: 2,
    });
    await a!.caller.events.cancelRegistration({ tenant, eventId });
    // The seat is b's for now: held, not free for c or a newcomer.
    expect((await b!.caller.events.get({ tenant, eventId })).myRegistration).toMatchObject({ status: 'offered' });
    expect((await c!.caller.events.get({ tenant, eventId })).myRegistration).toMatchObject({
      status: 'waitlisted',
      waitlistPosition: 1,
    });
    expect(await seatState(superuser, eventId)).toMatchObject({ confirmedSeats: 0, offeredSeats: 1, offeredRows: 1 });
    const offerMail = await superuser.query(
      `SELECT "toAddress" FROM "OutboxEmail" WHERE kind = 'event.offered' AND "toAddress" = $1`,
      [b!.email],
    );
    expect(offerMail.rows).toHaveLength(1);

    // Nothing lapses before the deadline; after it, the offer passes to c.
    const deadline = new Date((await b!.caller.events.get({ tenant, eventId })).myRegistration!.offerExpiresAt!);
    const scoped = (now: Date) => runInScope({ tenantId, userId: null }, () => lapseOffers(api.deps.db, town(), now));
    expect(await scoped(new Date(deadline.getTime() - 1000))).toBe(0);
    expect(await scoped(new Date(deadline.getTime() + 1000))).toBe(1);
    expect((await b!.caller.events.get({ tenant, eventId })).myRegistration).toMatchObject({ status: 'lapsed' });
    expect((await failure(b!.caller.events.acceptOffer({ tenant, eventId }))).messageKey).toBe('errors.event.noOffer');
    expect((await c!.caller.events.get({ tenant, eventId })).myRegistration).toMatchObject({ status: 'offered' });
    expect(await c!.caller.events.acceptOffer({ tenant, eventId })).toMatchObject({ status: 'confirmed' });
    expect(await seatState(superuser, eventId)).toMatchObject({
      confirmedSeats: 1,
      confirmedRows: 1,
      offeredSeats: 0,
      waitlistedCount: 0,
    });
  });

  it("passes a lapsed offer on in the job worker's periodic town work", async () => {
    const { eventId } = await publishedEvent(1, { waitlistMode: 'offer', day: 15 });
    const [a, b, c] = await newMembers(api, superuser, tenant, 3);
    for (const p of [a, b, c]) await p!.caller.events.register({ tenant, eventId });
    await a!.caller.events.cancelRegistration({ tenant, eventId });
    // b's offer ran out a minute ago (as if a day had passed).
    await superuser.query(
      `UPDATE "EventRegistration" SET "offerExpiresAt" = now() - interval '1 minute' WHERE "eventId" = $1 AND status = 'offered'`,
      [eventId],
    );
    const worker = createJobWorker({
      platform: api.deps.platform,
      db: api.deps.db,
      logger: pino({ level: 'silent' }),
      mail: { smtpUrl: null, from: 'test@hubwerk.invalid' },
      adminUrl: () => 'http://admin.test',
      reminderScanMs: 60_000,
    });
    await worker.drain();
    await worker.stop();
    expect((await b!.caller.events.get({ tenant, eventId })).myRegistration).toMatchObject({ status: 'lapsed' });
    expect((await c!.caller.events.get({ tenant, eventId })).myRegistration).toMatchObject({ status: 'offered' });
    const audit = await superuser.query(
      `SELECT data FROM "AuditEvent" WHERE action = 'event.offersLapsed' AND "targetId" = $1`,
      [eventId],
    );
    expect(audit.rows).toHaveLength(1);
  });

  it('raising the capacity promotes the waiting; lowering it below the seats taken is refused by field', async () => {
    const { eventId } = await publishedEvent(2, { day: 13 });
    const people = await newMembers(api, superuser, tenant, 5);
    for (const p of people) await p.caller.events.register({ tenant, eventId });
    expect((await failure(manager.events.setCapacity({ tenant, eventId, capacity: 1 }))).fieldErrors).toEqual({
      capacity: ['errors.event.capacityBelowTaken'],
    });
    const raised = await manager.events.setCapacity({ tenant, eventId, capacity: 4 });
    expect(raised).toMatchObject({ capacity: 4, confirmedSeats: 4, waitlisted: 1 });
    const regs = (await manager.events.registrations({ tenant, eventId })).items;
    // First come, first served: the first four registered are in, the fifth waits first in line.
    expect(
      regs
        .filter((r) => r.status === 'confirmed')
        .map((r) => r.userId)
        .sort(),
    ).toEqual(
      people
        .slice(0, 4)
        .map((p) => p.userId)
        .sort(),
    );
    expect(regs.find((r) => r.status === 'waitlisted')).toMatchObject({
      userId: people[4]!.userId,
      waitlistPosition: 1,
    });
  });

  it('checks a confirmed participant in by registration or by token, once, and undoes it', async () => {
    const { eventId } = await publishedEvent(1, { day: 14 });
    await member.events.register({ tenant, eventId });
    await member2.events.register({ tenant, eventId });
    // Each got the mail of their outcome, in the registration's transaction; the waiting one with their place.
    const mails = await superuser.query<{ kind: string; toAddress: string; textBody: string }>(
      `SELECT kind, "toAddress", "textBody" FROM "OutboxEmail" WHERE kind IN ('event.confirmed', 'event.waitlisted') AND "textBody" LIKE '%' || $1 || '%'`,
      [eventId],
    );
    expect(mails.rows.map((m) => [m.kind, m.toAddress])).toEqual(
      expect.arrayContaining([
        ['event.confirmed', DEMO_USERS.einbeckMember],
        ['event.waitlisted', DEMO_USERS.einbeckMember2],
      ]),
    );
    expect(mails.rows.find((m) => m.kind === 'event.waitlisted')!.textBody).toContain('Platz 1 der Warteliste');
    const regs = (await manager.events.registrations({ tenant, eventId })).items;
    const confirmed = regs.find((r) => r.status === 'confirmed')!;
    const waiting = regs.find((r) => r.status === 'waitlisted')!;
    const token = (
      await superuser.query(`SELECT "checkInToken" FROM "EventRegistration" WHERE id = $1`, [confirmed.id])
    ).rows[0].checkInToken as string;
    const first = await manager.events.checkIn({ tenant, eventId, checkInToken: token });
    expect(first.checkedInAt).not.toBeNull();
    // A second scan keeps the first time.
    expect(await manager.events.checkIn({ tenant, eventId, registrationId: confirmed.id })).toEqual(first);
    expect(await manager.events.undoCheckIn({ tenant, eventId, registrationId: confirmed.id })).toMatchObject({
      checkedInAt: null,
    });
    expect((await failure(manager.events.checkIn({ tenant, eventId, registrationId: waiting.id }))).messageKey).toBe(
      'errors.event.notConfirmed',
    );
    expect((await failure(manager.events.checkIn({ tenant, eventId }))).fieldErrors).toEqual({
      registrationId: ['validation.event.checkInRef'],
    });
    // Removing the confirmed participant hands the seat to the waiting one.
    await manager.events.removeRegistration({ tenant, eventId, registrationId: confirmed.id });
    expect((await member2.events.get({ tenant, eventId })).myRegistration).toMatchObject({ status: 'confirmed' });
    expect((await failure(member2.events.register({ tenant, eventId }))).messageKey).toBe(
      'errors.event.alreadyRegistered',
    );
  });
});

describe('the meeting link', () => {
  it('is shown to organisers and confirmed participants only', async () => {
    const { eventId } = await publishedEvent(1, { day: 16 });
    await manager.events.update({
      tenant,
      eventId,
      attendanceMode: 'hybrid',
      meetingUrl: 'https://meet.example.org/ki',
    });
    expect((await manager.events.get({ tenant, eventId })).meetingUrl).toBe('https://meet.example.org/ki');
    expect((await member.events.get({ tenant, eventId })).meetingUrl).toBeNull();
    await member.events.register({ tenant, eventId });
    await member2.events.register({ tenant, eventId });
    expect((await member.events.get({ tenant, eventId })).meetingUrl).toBe('https://meet.example.org/ki');
    // Waiting is not taking part.
    expect((await member2.events.get({ tenant, eventId })).meetingUrl).toBeNull();
  });
});

describe('the format catalogue', () => {
  it('is written by the provider and a partner for its own formats, and adopted by a hub as its own draft event', async () => {
    const platform = await api.as(DEMO_USERS.platform);
    const partner = await api.as(DEMO_USERS.partner);
    const partnerId = (
      await superuser.query(
        `SELECT "partnerId" FROM "PartnerMembership" m JOIN "User" u ON u.id = m."userId" WHERE u.email = $1`,
        [DEMO_USERS.partner],
      )
    ).rows[0].partnerId;
    const own = await partner.eventFormats.create({
      partnerId,
      title: 'Sprechstunde Onlinezugangsgesetz',
      kind: 'consultation',
      audience: ['administration', 'businesses'],
      durationMinutes: 90,
      idealCapacity: 12,
    });
    expect(own).toMatchObject({ partnerId, editable: true });
    expect(
      (
        await failure(
          partner.eventFormats.create({
            partnerId: null,
            title: 'x',
            kind: 'talk',
            durationMinutes: 60,
            idealCapacity: 5,
          }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    expect((await failure(admin.eventFormats.update({ formatId: own.id, title: 'Gekapert' }))).code).toBe('FORBIDDEN');
    const provider = await platform.eventFormats.create({
      title: 'Hackathon Offene Daten',
      kind: 'hackathon',
      durationMinutes: 480,
      idealCapacity: 30,
    });
    expect(provider.partnerId).toBeNull();
    expect((await member.eventFormats.list({})).items.map((f) => f.id)).toEqual(
      expect.arrayContaining([own.id, provider.id]),
    );

    const room = await newRoom(8);
    const adopted = await manager.eventFormats.adopt({ tenant, formatId: own.id, hubId, spaceId: room.id });
    expect(adopted).toMatchObject({
      formatId: own.id,
      title: own.title,
      kind: 'consultation',
      capacity: 8,
      status: 'draft',
    });
    // The town's copy is its own: a change in the catalogue leaves it as it was.
    await partner.eventFormats.update({ formatId: own.id, title: 'Sprechstunde OZG 2.0' });
    expect((await manager.events.get({ tenant, eventId: adopted.id })).title).toBe(own.title);
    expect((await failure(member.eventFormats.adopt({ tenant, formatId: own.id, hubId, spaceId: room.id }))).code).toBe(
      'FORBIDDEN',
    );
  });
});

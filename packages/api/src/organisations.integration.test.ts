/**
 * Organisations, members and plans; per-member limits of a space; staff
 * booking for someone else; booking mails through the outbox, delivered to
 * a real SMTP server started here.
 */
import { randomUUID } from 'node:crypto';
import { addDays, localParts, mondayOf, weekdayOf, zonedToUtc } from '@hubwerk/domain';
import type { TRPCError } from '@trpc/server';
import pino from 'pino';
import { describe, expect } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { describeError } from './errors.ts';
import { enqueueDueReminders } from './jobs/reminders.ts';
import { startTestSmtp, type TestSmtp } from './testing/index.ts';
import { createJobWorker, type JobWorker } from './jobs/worker.ts';
import { createContext } from './context.ts';
import { appRouter } from './root.ts';
import { type Caller, failure } from './test-support.ts';
import { createCallerFactory } from './trpc.ts';
import { fileFixtures, seededApiTest } from './testing/fixtures.ts';

const test = seededApiTest({ poolSize: 10 });
const file = fileFixtures(test);

const TZ = 'Europe/Berlin';
const tenant = 'einbeck';
let admin: Caller;
let manager: Caller;
let member: Caller;
let member2: Caller;
let zeitzAdmin: Caller;
let hubId: string;
let smtp: TestSmtp;
let worker: JobWorker;
const ids: Record<'member' | 'member2' | 'manager' | 'zeitzAdmin', string> = {
  member: '',
  member2: '',
  manager: '',
  zeitzAdmin: '',
};
const memberships: Record<'member' | 'member2', string> = { member: '', member2: '' };

test.beforeAll(async ({ api, superuser }) => {
  [admin, manager, member, member2, zeitzAdmin] = await Promise.all([
    api.as(DEMO_USERS.einbeckAdmin),
    api.as(DEMO_USERS.einbeckManager),
    api.as(DEMO_USERS.einbeckMember),
    api.as(DEMO_USERS.einbeckMember2),
    api.as(DEMO_USERS.zeitzAdmin),
  ]);
  hubId = (await admin.hubs.list({ tenant })).items.find((h) => h.slug === 'digital-hub-einbeck')!.id;
  const users = await superuser.query<{ id: string; email: string }>(`SELECT id, email FROM "User"`);
  const idOf = (email: string) => users.rows.find((u) => u.email === email)!.id;
  ids.member = idOf(DEMO_USERS.einbeckMember);
  ids.member2 = idOf(DEMO_USERS.einbeckMember2);
  ids.manager = idOf(DEMO_USERS.einbeckManager);
  ids.zeitzAdmin = idOf(DEMO_USERS.zeitzAdmin);
  const people = await admin.organisations.members({ tenant, limit: 100 });
  memberships.member = people.items.find((p) => p.userId === ids.member)!.membershipId;
  memberships.member2 = people.items.find((p) => p.userId === ids.member2)!.membershipId;
  smtp = await startTestSmtp();
  worker = createJobWorker({
    platform: api.deps.platform,
    logger: pino({ level: 'silent' }),
    mail: { smtpUrl: smtp.url, from: 'Hubwerk <noreply@hubwerk.test>' },
    adminUrl: () => 'http://admin.test',
  });
});

test.afterAll(async () => {
  await worker?.stop();
  await smtp?.close();
});

test.beforeEach(async () => {
  await worker.drain();
  smtp.received.length = 0;
});

const count = async (sql: string, params: unknown[] = []) =>
  Number((await file.superuser.query(`SELECT count(*) AS n FROM ${sql}`, params)).rows[0].n);

/** Workdays (Mon–Fri, Berlin) from tomorrow on, at least 2 days ahead, for `n` days. */
function workdays(n: number, from = 2): string[] {
  const out: string[] = [];
  let date = addDays(localParts(new Date(), TZ).date, from - 1);
  while (out.length < n) {
    date = addDays(date, 1);
    if (weekdayOf(date) <= 5) out.push(date);
  }
  return out;
}
/** Two (or more) workdays in the same calendar month, 2 to 40 days ahead. */
function sameMonth(n: number): string[] {
  const days = workdays(30);
  for (const d of days) {
    const group = days.filter((x) => x.slice(0, 7) === d.slice(0, 7));
    if (group.length >= n) return group.slice(0, n);
  }
  throw new Error('no month with enough workdays');
}
/** Two workdays in the same week (Mon–Sun). */
function sameWeek(): [string, string] {
  const days = workdays(15);
  for (const d of days) {
    const other = days.find((x) => x !== d && mondayOf(x) === mondayOf(d));
    if (other) return [d, other];
  }
  throw new Error('no week with two workdays');
}
const at = (date: string, hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return zonedToUtc(date, h * 60 + m, TZ).toISOString();
};

const rules = (overrides: Record<string, unknown> = {}) => ({
  granularityMinutes: 60,
  minDurationMinutes: 60,
  maxDurationMinutes: 600,
  leadTimeMinutes: 0,
  horizonDays: 60,
  bufferMinutes: 0,
  approvalRequired: false,
  ...overrides,
});
const coworking = (name: string, overrides: Record<string, unknown> = {}) =>
  admin.spaces.create({ tenant, hubId, kind: 'coworking', name, capacity: 4, deskCount: 4, rules: rules(overrides) });
const room = (name: string, overrides: Record<string, unknown> = {}) =>
  admin.spaces.create({ tenant, hubId, kind: 'meeting-room', name, capacity: 8, rules: rules(overrides) });
const deskDay = (spaceId: string, deskId: string, date: string) => ({
  tenant,
  spaceId,
  deskId,
  startsAt: at(date, '09:00'),
  endsAt: at(date, '17:00'),
});

describe('organisations and members', () => {
  test('lets the town admin create and edit an organisation with its plan; duplicates are a field error; all audited', async () => {
    const org = await admin.organisations.create({
      tenant,
      name: 'Gründerzentrum Einbeck',
      kind: 'startup',
      plan: { deskDaysPerMonth: 20, roomHoursPerMonth: null },
    });
    expect(org).toMatchObject({
      name: 'Gründerzentrum Einbeck',
      kind: 'startup',
      plan: { deskDaysPerMonth: 20, roomHoursPerMonth: null },
      memberCount: 0,
    });
    const dup = await failure(admin.organisations.create({ tenant, name: 'Gründerzentrum Einbeck', kind: 'company' }));
    expect(dup).toMatchObject({ code: 'CONFLICT', fieldErrors: { name: ['errors.organisation.nameTaken'] } });
    const updated = await admin.organisations.update({
      tenant,
      organisationId: org.id,
      kind: 'association',
      plan: { deskDaysPerMonth: 10, roomHoursPerMonth: 5 },
    });
    expect(updated).toMatchObject({ kind: 'association', plan: { deskDaysPerMonth: 10, roomHoursPerMonth: 5 } });
    const bad = await failure(
      admin.organisations.create({
        tenant,
        name: 'Negativ',
        kind: 'company',
        plan: { deskDaysPerMonth: -1, roomHoursPerMonth: null },
      }),
    );
    expect(bad.fieldErrors).toEqual({ 'plan.deskDaysPerMonth': ['validation.plan.range'] });
    expect(await count(`"Organisation" WHERE name = 'Negativ'`)).toBe(0);
    expect(
      await count(`"AuditLog" WHERE "targetId" = $1 AND action IN ('organisation.created', 'organisation.updated')`, [
        org.id,
      ]),
    ).toBe(2);
    const list = await admin.organisations.list({ tenant, limit: 50 });
    expect(list.canManage).toBe(true);
    expect(list.items.map((o) => o.name)).toContain('Gründerzentrum Einbeck');
  });

  test('assigns a member to an organisation with an own plan; the organisation lists them', async () => {
    const org = await admin.organisations.create({ tenant, name: 'Stadtverwaltung IT', kind: 'administration' });
    const m = await admin.organisations.setMember({
      tenant,
      membershipId: memberships.member2,
      organisationId: org.id,
      plan: { deskDaysPerMonth: 3, roomHoursPerMonth: null },
    });
    expect(m).toMatchObject({
      userId: ids.member2,
      organisationId: org.id,
      organisationName: 'Stadtverwaltung IT',
      plan: { deskDaysPerMonth: 3, roomHoursPerMonth: null },
    });
    const detail = await admin.organisations.get({ tenant, organisationId: org.id });
    expect(detail.members.map((x) => x.email)).toEqual([DEMO_USERS.einbeckMember2]);
    expect(detail.memberCount).toBe(1);
    // An organisation of another town (or none) is a field error, nothing changes.
    const zeitzOrg = await zeitzAdmin.organisations.create({
      tenant: 'zeitz',
      name: 'Zeitzer Verein',
      kind: 'association',
    });
    const foreign = await failure(
      admin.organisations.setMember({
        tenant,
        membershipId: memberships.member2,
        organisationId: zeitzOrg.id,
        plan: { deskDaysPerMonth: null, roomHoursPerMonth: null },
      }),
    );
    expect(foreign.fieldErrors).toEqual({ organisationId: ['errors.organisation.unknown'] });
    expect((await admin.organisations.get({ tenant, organisationId: org.id })).members).toHaveLength(1);
    // Back to no organisation and no plan, for the tests below.
    await admin.organisations.setMember({
      tenant,
      membershipId: memberships.member2,
      organisationId: null,
      plan: { deskDaysPerMonth: null, roomHoursPerMonth: null },
    });
  });

  test('lets hub managers read but not change organisations; members see none; another town sees nothing', async () => {
    const org = await admin.organisations.create({ tenant, name: 'Lesbar GmbH', kind: 'company' });
    expect((await manager.organisations.list({ tenant, limit: 50 })).canManage).toBe(false);
    expect((await manager.organisations.get({ tenant, organisationId: org.id })).name).toBe('Lesbar GmbH');
    expect(
      (await failure(manager.organisations.update({ tenant, organisationId: org.id, name: 'Gekapert' }))).code,
    ).toBe('FORBIDDEN');
    expect((await failure(manager.organisations.create({ tenant, name: 'Manager AG', kind: 'company' }))).code).toBe(
      'FORBIDDEN',
    );
    expect((await failure(member.organisations.list({ tenant, limit: 50 }))).code).toBe('FORBIDDEN');
    expect(
      (
        await failure(
          member.organisations.setMember({
            tenant,
            membershipId: memberships.member,
            organisationId: null,
            plan: { deskDaysPerMonth: 99, roomHoursPerMonth: null },
          }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    expect((await failure(zeitzAdmin.organisations.get({ tenant: 'zeitz', organisationId: org.id }))).code).toBe(
      'NOT_FOUND',
    );
    expect((await failure(zeitzAdmin.organisations.list({ tenant, limit: 50 }))).code).toBe('NOT_FOUND');
    expect(await count(`"Organisation" WHERE name IN ('Gekapert', 'Manager AG')`)).toBe(0);
  });
});

describe('plans and per-member limits at booking time', () => {
  test("refuses a desk day beyond the member's own plan, naming it; nothing is written", async () => {
    const space = await coworking('Co-Working Plan');
    await admin.organisations.setMember({
      tenant,
      membershipId: memberships.member2,
      organisationId: null,
      plan: { deskDaysPerMonth: 1, roomHoursPerMonth: null },
    });
    const [a, b] = sameMonth(2) as [string, string];
    await member2.bookings.create(deskDay(space.id, space.desks[0]!.id, a));
    // A second desk on the same day is the same desk day.
    await member2.bookings.create({
      ...deskDay(space.id, space.desks[1]!.id, a),
      startsAt: at(a, '17:00'),
      endsAt: at(a, '18:00'),
    });
    const before = await count(`"Booking"`);
    const refused = await failure(member2.bookings.create(deskDay(space.id, space.desks[0]!.id, b)));
    expect(refused).toMatchObject({
      code: 'BAD_REQUEST',
      messageKey: 'errors.booking.memberPlanDeskDays',
      params: { limit: '1', used: '1' },
      fieldErrors: { startsAt: ['errors.booking.memberPlanDeskDays'] },
    });
    expect(await count(`"Booking"`)).toBe(before);
    expect(await count(`"AuditLog" WHERE action = 'booking.created'`)).toBeGreaterThan(0);
    await admin.organisations.setMember({
      tenant,
      membershipId: memberships.member2,
      organisationId: null,
      plan: { deskDaysPerMonth: null, roomHoursPerMonth: null },
    });
    await member2.bookings.create(deskDay(space.id, space.desks[0]!.id, b));
  });

  test("counts an organisation's desk days over all its members, and its room hours", async () => {
    const org = await admin.organisations.create({
      tenant,
      name: 'Mobilität Start-up',
      kind: 'startup',
      plan: { deskDaysPerMonth: 1, roomHoursPerMonth: 2 },
    });
    await admin.organisations.setMember({
      tenant,
      membershipId: memberships.member,
      organisationId: org.id,
      plan: { deskDaysPerMonth: null, roomHoursPerMonth: null },
    });
    await admin.organisations.setMember({
      tenant,
      membershipId: memberships.member2,
      organisationId: org.id,
      plan: { deskDaysPerMonth: null, roomHoursPerMonth: null },
    });
    const space = await coworking('Co-Working Org');
    const [a, b] = sameMonth(2) as [string, string];
    const first = await member.bookings.create(deskDay(space.id, space.desks[0]!.id, a));
    expect(first.organisationName).toBe('Mobilität Start-up');
    const refused = await failure(member2.bookings.create(deskDay(space.id, space.desks[1]!.id, b)));
    expect(refused).toMatchObject({
      messageKey: 'errors.booking.organisationPlanDeskDays',
      params: { organisation: 'Mobilität Start-up', limit: '1', used: '1' },
    });
    // Room hours: 2 per month; staff book 2 h for the organisation, the third hour is refused.
    const meeting = await room('Besprechung Org');
    await manager.bookings.create({
      tenant,
      spaceId: meeting.id,
      organisationId: org.id,
      startsAt: at(a, '09:00'),
      endsAt: at(a, '11:00'),
    });
    const over = await failure(
      member.bookings.create({ tenant, spaceId: meeting.id, startsAt: at(b, '09:00'), endsAt: at(b, '10:00') }),
    );
    expect(over).toMatchObject({
      messageKey: 'errors.booking.organisationPlanRoomHours',
      params: { organisation: 'Mobilität Start-up', limit: '2', used: '2' },
    });
    // A member may not charge an organisation on their own.
    expect(
      (
        await failure(
          member.bookings.create({
            tenant,
            spaceId: meeting.id,
            organisationId: org.id,
            startsAt: at(b, '12:00'),
            endsAt: at(b, '13:00'),
          }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    for (const m of [memberships.member, memberships.member2])
      await admin.organisations.setMember({
        tenant,
        membershipId: m,
        organisationId: null,
        plan: { deskDaysPerMonth: null, roomHoursPerMonth: null },
      });
  });

  test('lets concurrent bookings of different spaces take the last plan day only once', async () => {
    const spaces = await Promise.all([
      coworking('Parallel A'),
      coworking('Parallel B'),
      coworking('Parallel C'),
      coworking('Parallel D'),
    ]);
    // A fresh organisation: none of member2's earlier bookings count against it.
    const org = await admin.organisations.create({
      tenant,
      name: 'Parallel e. V.',
      kind: 'association',
      plan: { deskDaysPerMonth: 1, roomHoursPerMonth: null },
    });
    await admin.organisations.setMember({
      tenant,
      membershipId: memberships.member2,
      organisationId: org.id,
      plan: { deskDaysPerMonth: null, roomHoursPerMonth: null },
    });
    const days = sameMonth(4);
    const results = await Promise.allSettled(
      spaces.map((s, i) => member2.bookings.create(deskDay(s.id, s.desks[0]!.id, days[i]!))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((x): x is PromiseRejectedResult => x.status === 'rejected'))
      expect(describeError(r.reason as TRPCError).messageKey).toBe('errors.booking.organisationPlanDeskDays');
    expect(
      await count(`"Booking" WHERE "spaceId" = ANY($1::uuid[]) AND status <> 'CANCELLED'`, [spaces.map((s) => s.id)]),
    ).toBe(1);
    await admin.organisations.setMember({
      tenant,
      membershipId: memberships.member2,
      organisationId: null,
      plan: { deskDaysPerMonth: null, roomHoursPerMonth: null },
    });
  });

  test("enforces a space's per-member limit of days per week for members (not for staff)", async () => {
    const space = await coworking('Co-Working Wochenlimit');
    const changed = await admin.spaces.updateRules({
      tenant,
      spaceId: space.id,
      rules: rules({ memberDaysPerWeek: 1 }),
    });
    expect(changed.rules.memberDaysPerWeek).toBe(1);
    const [a, b] = sameWeek();
    await member.bookings.create(deskDay(space.id, space.desks[0]!.id, a));
    const before = await count(`"Booking" WHERE "spaceId" = $1`, [space.id]);
    const refused = await failure(member.bookings.create(deskDay(space.id, space.desks[0]!.id, b)));
    expect(refused).toMatchObject({
      code: 'BAD_REQUEST',
      messageKey: 'errors.booking.memberDaysPerWeek',
      params: { space: 'Co-Working Wochenlimit', limit: '1' },
    });
    expect(await count(`"Booking" WHERE "spaceId" = $1`, [space.id])).toBe(before);
    // Another member is counted on their own; the hub manager runs the hub and is not limited.
    await member2.bookings.create(deskDay(space.id, space.desks[1]!.id, b));
    await manager.bookings.create(deskDay(space.id, space.desks[2]!.id, a));
    await manager.bookings.create(deskDay(space.id, space.desks[2]!.id, b));
    // Rules sent without the new fields leave them as they are.
    expect(
      (await admin.spaces.updateRules({ tenant, spaceId: space.id, rules: rules() })).rules.memberDaysPerWeek,
    ).toBe(1);
  });
});

describe('booking for someone else', () => {
  test('lets the hub manager book for a member: the booking shows for whom and who made it; the member sees it as theirs', async ({
    superuser,
  }) => {
    const meeting = await room('Für Max');
    const [a] = workdays(1, 5) as [string];
    const booking = await manager.bookings.create({
      tenant,
      spaceId: meeting.id,
      forUserId: ids.member2,
      startsAt: at(a, '10:00'),
      endsAt: at(a, '11:00'),
      purpose: 'Beratung',
    });
    expect(booking).toMatchObject({ mine: false, forName: 'Max Mitglied', createdByName: 'Hanna Hubmanagerin' });
    const row = (await superuser.query(`SELECT "userId", "createdById" FROM "Booking" WHERE id = $1`, [booking.id]))
      .rows[0];
    expect(row).toEqual({ userId: ids.member2, createdById: ids.manager });
    const mine = await member2.bookings.mine({ tenant });
    expect(mine.items.find((b) => b.id === booking.id)).toMatchObject({
      mine: true,
      createdByName: 'Hanna Hubmanagerin',
    });
    expect(
      await count(`"AuditLog" WHERE action = 'booking.created' AND "targetId" = $1 AND "actorUserId" = $2`, [
        booking.id,
        ids.manager,
      ]),
    ).toBe(1);
  });

  test('refuses members booking for others and staff booking for people outside the town; nothing is written', async () => {
    const meeting = await room('Nicht für andere');
    const [a] = workdays(1, 6) as [string];
    const before = await count(`"Booking"`);
    expect(
      (
        await failure(
          member.bookings.create({
            tenant,
            spaceId: meeting.id,
            forUserId: ids.member2,
            startsAt: at(a, '10:00'),
            endsAt: at(a, '11:00'),
          }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    const stranger = await failure(
      manager.bookings.create({
        tenant,
        spaceId: meeting.id,
        forUserId: ids.zeitzAdmin,
        startsAt: at(a, '10:00'),
        endsAt: at(a, '11:00'),
      }),
    );
    const nobody = await failure(
      manager.bookings.create({
        tenant,
        spaceId: meeting.id,
        forUserId: randomUUID(),
        startsAt: at(a, '10:00'),
        endsAt: at(a, '11:00'),
      }),
    );
    expect(stranger).toMatchObject({
      code: 'BAD_REQUEST',
      fieldErrors: { forUserId: ['errors.booking.unknownPerson'] },
    });
    expect(nobody).toEqual(stranger);
    expect(await count(`"Booking"`)).toBe(before);
  });
});

describe('booking mails through the outbox', () => {
  const mailsTo = (email: string) => smtp.received.filter((m) => m.to.includes(email));

  test('confirms a booking by mail with the .ics attached and a link; a cancellation sends a notice that cancels the event', async () => {
    const meeting = await room('Mail-Raum');
    const [a] = workdays(1, 7) as [string];
    const booking = await member.bookings.create({
      tenant,
      spaceId: meeting.id,
      startsAt: at(a, '10:00'),
      endsAt: at(a, '12:00'),
      purpose: 'Workshop Ideen',
    });
    await worker.drain();
    const [confirmation] = mailsTo(DEMO_USERS.einbeckMember);
    expect(confirmation?.subject).toMatch(/^Buchung bestätigt: Mail-Raum, /);
    expect(confirmation?.text).toContain('Guten Tag Mia Mitglied,');
    expect(confirmation?.text).toContain('Zweck: Workshop Ideen');
    expect(confirmation?.text).toContain('http://admin.test/towns/einbeck/bookings');
    const ics = confirmation?.attachments.find((x) => x.filename === 'buchung.ics');
    expect(ics?.contentType).toBe('text/calendar');
    expect(ics?.content).toContain(`UID:${booking.id}@hubwerk`);
    expect(ics?.content).toContain(`DTSTART:${at(a, '10:00').replace(/[-:]/g, '').replace('.000', '')}`);
    expect(ics?.content).toContain('STATUS:CONFIRMED');
    // Delivered mails keep neither body nor attachment.
    expect(
      await count(
        `"OutboxEmail" WHERE kind = 'booking.confirmed' AND status = 'SENT' AND "icsAttachment" IS NULL AND "textBody" = ''`,
      ),
    ).toBeGreaterThan(0);

    smtp.received.length = 0;
    await member.bookings.cancel({ tenant, bookingId: booking.id });
    await worker.drain();
    const [notice] = mailsTo(DEMO_USERS.einbeckMember);
    expect(notice?.subject).toMatch(/^Buchung storniert: Mail-Raum/);
    expect(notice?.attachments[0]?.content).toContain('METHOD:CANCEL');
    expect(notice?.attachments[0]?.content).toContain(`UID:${booking.id}@hubwerk`);
  });

  test('mails the request, then the approval or the rejection, of a space that needs approval', async () => {
    const showroom = await room('Freigaberaum', { approvalRequired: true });
    const [a, b] = workdays(2, 8) as [string, string];
    const approved = await member2.bookings.create({
      tenant,
      spaceId: showroom.id,
      startsAt: at(a, '10:00'),
      endsAt: at(a, '11:00'),
    });
    const rejected = await member2.bookings.create({
      tenant,
      spaceId: showroom.id,
      startsAt: at(b, '10:00'),
      endsAt: at(b, '11:00'),
    });
    await admin.bookings.decide({ tenant, bookingId: approved.id, decision: 'approve' });
    await admin.bookings.decide({ tenant, bookingId: rejected.id, decision: 'reject' });
    await worker.drain();
    const subjects = mailsTo(DEMO_USERS.einbeckMember2)
      .map((m) => m.subject.split(':')[0])
      .sort();
    expect(subjects).toEqual([
      'Buchung abgelehnt',
      'Buchung freigegeben',
      'Buchungsanfrage eingegangen',
      'Buchungsanfrage eingegangen',
    ]);
    const rejection = mailsTo(DEMO_USERS.einbeckMember2).find((m) => m.subject.startsWith('Buchung abgelehnt'));
    expect(rejection?.text).toContain('Der Zeitraum ist wieder frei.');
  });

  test("sends nothing for a refused booking (the mail is in the booking's transaction)", async () => {
    const meeting = await room('Kein Mail-Raum');
    const before = await count(`"OutboxEmail"`);
    const [a] = workdays(1, 9) as [string];
    await failure(
      member.bookings.create({ tenant, spaceId: meeting.id, startsAt: at(a, '07:00'), endsAt: at(a, '08:00') }),
    );
    await failure(
      member.bookings.create({
        tenant,
        spaceId: meeting.id,
        startsAt: at(a, '10:00'),
        endsAt: at(a, '11:00'),
        attendees: 99,
      }),
    );
    expect(await count(`"OutboxEmail"`)).toBe(before);
  });

  test('enqueues the reminder 24 hours ahead exactly once, even with concurrent scans, and the worker delivers it', async ({
    api,
    superuser,
  }) => {
    const meeting = await room('Erinnerungsraum');
    const [a] = workdays(1, 10) as [string];
    const booking = await member.bookings.create({
      tenant,
      spaceId: meeting.id,
      startsAt: at(a, '10:00'),
      endsAt: at(a, '11:00'),
    });
    const einbeckId = (await superuser.query(`SELECT id FROM "Tenant" WHERE slug = 'einbeck'`)).rows[0].id as string;
    // Every other booking (the seed's may start tomorrow) counts as reminded already.
    await superuser.query(`UPDATE "Booking" SET "reminderQueuedAt" = now() WHERE id <> $1`, [booking.id]);
    expect(await enqueueDueReminders(api.deps.platform, einbeckId, 'http://admin.test')).toBe(0);
    // Time moves on: the booking now starts in three hours.
    await superuser.query(
      `UPDATE "Booking" SET "startsAt" = now() + interval '3 hours', "endsAt" = now() + interval '4 hours' WHERE id = $1`,
      [booking.id],
    );
    const scans = await Promise.all(
      [1, 2, 3, 4].map(() => enqueueDueReminders(api.deps.platform, einbeckId, 'http://admin.test')),
    );
    expect(scans.reduce((x, y) => x + y, 0)).toBe(1);
    expect(await enqueueDueReminders(api.deps.platform, einbeckId, 'http://admin.test')).toBe(0);
    expect(
      await count(`"OutboxEmail" WHERE kind = 'booking.reminder' AND "toAddress" = $1`, [DEMO_USERS.einbeckMember]),
    ).toBe(1);
    expect(await count(`"AuditLog" WHERE action = 'booking.remindersQueued'`)).toBe(1);
    await worker.drain();
    const reminder = mailsTo(DEMO_USERS.einbeckMember).find((m) => m.subject.startsWith('Erinnerung an Ihre Buchung'));
    expect(reminder?.subject).toContain('Erinnerungsraum');
    expect(reminder?.attachments[0]?.content).toContain(`UID:${booking.id}@hubwerk`);
  });
});

describe("public requests from the hub's public page", () => {
  const createCaller = createCallerFactory(appRouter);
  /** Someone not signed in, from their own IP (the limit counts per IP and per address). */
  const visitor = (ip = `203.0.113.${Math.floor(Math.random() * 250) + 1}`) =>
    createCaller(
      createContext(file.api.deps, {
        requestId: randomUUID(),
        sessionToken: null,
        userAgent: 'vitest',
        clientIp: ip,
        log: {},
      }),
    );
  const where = { town: tenant, hub: 'digital-hub-einbeck' };
  const linkIn = (text: string) =>
    /\/p\/einbeck\/digital-hub-einbeck\/bestaetigen\/([A-Za-z0-9_-]+)/.exec(text)?.[1] ?? '';
  let publicRoom: { id: string };

  test.beforeAll(async () => {
    publicRoom = await room('Offener Raum', { publicBookable: true });
  });

  test('shows the public only spaces open to the public, and nothing about bookings', async () => {
    const page = await visitor().publicBookings.hub(where);
    expect(page.hubName).toBe('Digital Hub Einbeck');
    expect(page.spaces.map((sp) => sp.name)).toEqual(['Offener Raum']);
    expect(JSON.stringify(page)).not.toMatch(/startsAt|Mia|Max|purpose/);
    expect((await failure(visitor().publicBookings.hub({ town: tenant, hub: 'gibt-es-nicht' }))).code).toBe(
      'NOT_FOUND',
    );
  });

  test('books only once the emailed link is opened (single use); the requester gets the confirmation with the .ics', async ({
    superuser,
  }) => {
    const [a] = workdays(1, 11) as [string];
    const anonymous = visitor();
    await anonymous.publicBookings.request({
      ...where,
      spaceId: publicRoom.id,
      startsAt: at(a, '14:00'),
      endsAt: at(a, '15:00'),
      name: 'Paula Public',
      email: 'paula@example.org',
      purpose: 'Vereinstreffen',
    });
    expect(await count(`"Booking" WHERE "spaceId" = $1`, [publicRoom.id])).toBe(0);
    await worker.drain();
    const mail = smtp.received.find((m) => m.to.includes('paula@example.org'));
    expect(mail?.subject).toBe('Bitte bestätigen Sie Ihre Buchungsanfrage: Offener Raum');
    const token = linkIn(mail?.text ?? '');
    expect(token).not.toBe('');
    expect(mail?.text).toContain('http://admin.test/p/einbeck/digital-hub-einbeck/bestaetigen/');

    const confirmed = await visitor().publicBookings.confirm({ ...where, token });
    expect(confirmed).toMatchObject({ status: 'confirmed', spaceName: 'Offener Raum', startsAt: at(a, '14:00') });
    const row = (
      await superuser.query(
        `SELECT "userId", "requesterName", "requesterEmail", status FROM "Booking" WHERE "spaceId" = $1`,
        [publicRoom.id],
      )
    ).rows;
    expect(row).toEqual([
      { userId: null, requesterName: 'Paula Public', requesterEmail: 'paula@example.org', status: 'CONFIRMED' },
    ]);
    const again = await failure(visitor().publicBookings.confirm({ ...where, token }));
    expect(again).toMatchObject({ code: 'CONFLICT', messageKey: 'errors.publicBooking.alreadyConfirmed' });
    expect(await count(`"Booking" WHERE "spaceId" = $1`, [publicRoom.id])).toBe(1);
    await worker.drain();
    const confirmation = smtp.received.find(
      (m) => m.to.includes('paula@example.org') && m.subject.startsWith('Buchung bestätigt'),
    );
    expect(confirmation?.attachments[0]?.content).toContain('STATUS:CONFIRMED');
    // Staff see for whom it is.
    const week = await admin.bookings.week({ tenant, spaceId: publicRoom.id, date: a });
    expect(week.items[0]).toMatchObject({ forName: 'Paula Public', mine: false });
    // The slot is now taken: the public learns no more than that.
    const taken = await failure(
      visitor().publicBookings.request({
        ...where,
        spaceId: publicRoom.id,
        startsAt: at(a, '14:00'),
        endsAt: at(a, '15:00'),
        name: 'Neugierig',
        email: 'neugierig@example.org',
      }),
    );
    expect(taken).toMatchObject({ code: 'CONFLICT', messageKey: 'errors.publicBooking.notAvailable' });
    expect(taken.params).toBeUndefined();
  });

  test('does not hold the slot before confirmation: a member may take it, and the late link then finds it not available', async () => {
    const [a] = workdays(1, 12) as [string];
    await visitor().publicBookings.request({
      ...where,
      spaceId: publicRoom.id,
      startsAt: at(a, '09:00'),
      endsAt: at(a, '10:00'),
      name: 'Spät',
      email: 'spaet@example.org',
    });
    await member.bookings.create({ tenant, spaceId: publicRoom.id, startsAt: at(a, '09:00'), endsAt: at(a, '10:00') });
    await worker.drain();
    const token = linkIn(smtp.received.find((m) => m.to.includes('spaet@example.org'))?.text ?? '');
    const late = await failure(visitor().publicBookings.confirm({ ...where, token }));
    expect(late).toMatchObject({ code: 'CONFLICT', messageKey: 'errors.publicBooking.notAvailable' });
    expect(await count(`"Booking" WHERE "requesterEmail" = 'spaet@example.org'`)).toBe(0);
    // Nothing was written, the link is not used up.
    expect(await count(`"PublicBookingRequest" WHERE email = 'spaet@example.org' AND "confirmedAt" IS NULL`)).toBe(1);
  });

  test('has no public page while the hub is not public; a link already mailed still confirms', async ({
    superuser,
  }) => {
    const [a] = workdays(1, 14) as [string];
    await visitor().publicBookings.request({
      ...where,
      spaceId: publicRoom.id,
      startsAt: at(a, '10:00'),
      endsAt: at(a, '11:00'),
      name: 'Vorher',
      email: 'vorher@example.org',
    });
    await worker.drain();
    const token = linkIn(smtp.received.find((m) => m.to.includes('vorher@example.org'))?.text ?? '');
    const missing = await failure(visitor().publicBookings.hub({ town: tenant, hub: 'gibt-es-nicht' }));
    await superuser.query(`UPDATE "Hub" SET "isPublic" = false WHERE slug = 'digital-hub-einbeck'`);
    try {
      // Exactly like a hub that does not exist: the page, and any new request.
      expect(await failure(visitor().publicBookings.hub(where))).toEqual(missing);
      const refused = await failure(
        visitor().publicBookings.request({
          ...where,
          spaceId: publicRoom.id,
          startsAt: at(a, '12:00'),
          endsAt: at(a, '13:00'),
          name: 'Nachher',
          email: 'nachher@example.org',
        }),
      );
      expect(refused).toEqual(missing);
      expect(await count(`"PublicBookingRequest" WHERE email = 'nachher@example.org'`)).toBe(0);
      // The requester was promised the link works: it does.
      expect(await visitor().publicBookings.confirm({ ...where, token })).toMatchObject({
        status: 'confirmed',
        startsAt: at(a, '10:00'),
      });
    } finally {
      await superuser.query(`UPDATE "Hub" SET "isPublic" = true WHERE slug = 'digital-hub-einbeck'`);
    }
  });

  test('refuses an expired link and a made-up one', async ({ superuser }) => {
    const [a] = workdays(1, 13) as [string];
    await visitor().publicBookings.request({
      ...where,
      spaceId: publicRoom.id,
      startsAt: at(a, '11:00'),
      endsAt: at(a, '12:00'),
      name: 'Zu spät',
      email: 'abgelaufen@example.org',
    });
    await superuser.query(
      `UPDATE "PublicBookingRequest" SET "expiresAt" = now() - interval '1 minute' WHERE email = 'abgelaufen@example.org'`,
    );
    await worker.drain();
    const token = linkIn(smtp.received.find((m) => m.to.includes('abgelaufen@example.org'))?.text ?? '');
    expect(await failure(visitor().publicBookings.confirm({ ...where, token }))).toMatchObject({
      code: 'BAD_REQUEST',
      messageKey: 'errors.publicBooking.expired',
    });
    expect(await failure(visitor().publicBookings.confirm({ ...where, token: 'x'.repeat(43) }))).toMatchObject({
      code: 'BAD_REQUEST',
      messageKey: 'errors.publicBooking.invalidLink',
    });
    expect(await count(`"Booking" WHERE "requesterEmail" = 'abgelaufen@example.org'`)).toBe(0);
  });

  test("answers another town's space, a closed space and a missing one alike, and writes nothing", async ({
    superuser,
  }) => {
    const zeitzRoom = (
      await superuser.query(
        `SELECT s.id FROM "Space" s JOIN "Tenant" t ON t.id = s."tenantId" WHERE t.slug = 'zeitz' AND s.kind = 'EVENT_ROOM'`,
      )
    ).rows[0].id as string;
    await superuser.query(`UPDATE "Space" SET "publicBookable" = true WHERE id = $1`, [zeitzRoom]);
    const closed = await room('Nicht öffentlich');
    const [a] = workdays(1, 14) as [string];
    const ask = (spaceId: string) =>
      failure(
        visitor().publicBookings.request({
          ...where,
          spaceId,
          startsAt: at(a, '10:00'),
          endsAt: at(a, '11:00'),
          name: 'X',
          email: `x-${randomUUID().slice(0, 6)}@example.org`,
        }),
      );
    const before = await count(`"PublicBookingRequest"`);
    const [foreign, notPublic, missing] = await Promise.all([ask(zeitzRoom), ask(closed.id), ask(randomUUID())]);
    expect(foreign).toMatchObject({ code: 'NOT_FOUND', messageKey: 'errors.notFound' });
    expect(notPublic).toEqual(foreign);
    expect(missing).toEqual(foreign);
    expect(await count(`"PublicBookingRequest"`)).toBe(before);
  });

  test('rate-limits requests per address (and per IP) with a retry time', async () => {
    const [a] = workdays(1, 15) as [string];
    const ask = (ip: string) =>
      visitor(ip).publicBookings.request({
        ...where,
        spaceId: publicRoom.id,
        startsAt: at(a, '16:00'),
        endsAt: at(a, '17:00'),
        name: 'Flut',
        email: 'flut@example.org',
      });
    for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) await ask(ip);
    const limited = await failure(ask('198.51.100.4'));
    expect(limited).toMatchObject({ code: 'TOO_MANY_REQUESTS', messageKey: 'errors.publicBooking.tooManyRequests' });
    expect(limited.retryAfterSeconds).toBeGreaterThan(3000);
    expect(await count(`"PublicBookingRequest" WHERE email = 'flut@example.org'`)).toBe(3);
  });
});

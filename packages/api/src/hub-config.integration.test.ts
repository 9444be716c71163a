/**
 * Configuring a hub: its profile, public holidays and special
 * hours (and that availability and booking respect them), staff per hub with
 * roles per hub, the hub's week, and conflicts that name the booking in the
 * way and offer the next free slot.
 */
import { localParts, nthWorkday, weekdayOf, zonedToUtc } from '@hubwerk/domain';
import { describe, expect } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { publicHolidays } from './routers/spaces/public-holidays.ts';
import { type Caller, failure } from './test-support.ts';
import { fileFixtures, seededApiTest } from './testing/fixtures.ts';

const test = seededApiTest({ poolSize: 6 });
const file = fileFixtures(test);

const TZ = 'Europe/Berlin';
const tenant = 'einbeck';
let admin: Caller;
let manager: Caller;
let member: Caller;
let member2: Caller;
let partner: Caller;
let hubId: string;
let otherHubId: string;

test.beforeAll(async ({ api }) => {
  [admin, manager, member, member2, partner] = await Promise.all([
    api.as(DEMO_USERS.einbeckAdmin),
    api.as(DEMO_USERS.einbeckManager),
    api.as(DEMO_USERS.einbeckMember),
    api.as(DEMO_USERS.einbeckMember2),
    api.as(DEMO_USERS.partner),
  ]);
  hubId = (await admin.hubs.list({ tenant })).items.find((h) => h.slug === 'digital-hub-einbeck')!.id;
  otherHubId = (await admin.hubs.create({ tenant, name: 'Hub Nord' })).id;
});

const count = async (sql: string, params: unknown[] = []) =>
  Number((await file.superuser.query(`SELECT count(*) AS n FROM ${sql}`, params)).rows[0].n);

const today = () => localParts(new Date(), TZ).date;
/** The n-th workday (Mon–Fri) from today, Berlin time. */
const workday = (n: number) => nthWorkday(today(), n);
const at = (date: string, hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return zonedToUtc(date, h * 60 + m, TZ).toISOString();
};
const rules = {
  granularityMinutes: 30,
  minDurationMinutes: 30,
  maxDurationMinutes: 240,
  leadTimeMinutes: 0,
  horizonDays: 400,
  bufferMinutes: 0,
  approvalRequired: false,
};
const newRoom = (name: string, hub = hubId) =>
  admin.spaces.create({ tenant, hubId: hub, kind: 'meeting-room', name, capacity: 8, rules });

describe('hub profile', () => {
  test('is edited by the town admin and the hub’s own manager, with an audit entry', async ({ superuser }) => {
    const saved = await admin.hubs.updateProfile({
      tenant,
      hubId,
      name: 'Digital Hub Einbeck',
      thematicFocus: 'Vitale Gemeinschaften',
      description: 'Ideen einbringen, Wandel mitgestalten.',
      street: 'Marktplatz 6',
      postalCode: '37574',
      city: 'Einbeck',
      contactEmail: 'Hub@Einbeck.example.org',
      contactPhone: '+49 5561 916-0',
      accessibility: ['step-free', 'hearing-loop', 'accessible-toilet'],
      accessibilityNotes: 'Eingang über den Hof, Klingel auf 90 cm.',
      isPublic: true,
    });
    expect(saved).toMatchObject({
      contactEmail: 'hub@einbeck.example.org',
      accessibility: ['step-free', 'hearing-loop', 'accessible-toilet'],
      isPublic: true,
      bundesland: '03',
    });
    expect(saved.editableFields).toContain('isPublic');
    const row = (
      await superuser.query(`SELECT "isPublic", accessibility, "contactPhone" FROM "Hub" WHERE id = $1`, [hubId])
    ).rows[0];
    expect(row).toEqual({
      isPublic: true,
      accessibility: ['step-free', 'hearing-loop', 'accessible-toilet'],
      contactPhone: '+49 5561 916-0',
    });
    expect(await count(`"AuditLog" WHERE action = 'hub.profileChanged' AND "targetId" = $1`, [hubId])).toBe(1);

    const byManager = await manager.hubs.updateProfile({
      tenant,
      hubId,
      name: 'Digital Hub Einbeck',
      description: 'Neu',
      accessibility: ['step-free'],
      isPublic: true,
    });
    expect(byManager.description).toBe('Neu');
    // Omitted optional fields are cleared: the form always sends the whole profile.
    expect(byManager.street).toBeNull();
  });

  test('is read-only for members and hub staff, and out of reach for the manager of another hub', async ({
    superuser,
  }) => {
    const before = (await superuser.query(`SELECT * FROM "Hub" WHERE id = $1`, [hubId])).rows[0];
    const seen = await member.hubs.profile({ tenant, hubId });
    expect(seen.editableFields).toEqual([]);
    expect((await failure(member.hubs.updateProfile({ tenant, hubId, name: 'Gekapert', isPublic: false }))).code).toBe(
      'NOT_FOUND',
    );
    expect(
      (await failure(manager.hubs.updateProfile({ tenant, hubId: otherHubId, name: 'Nicht meiner', isPublic: true })))
        .code,
    ).toBe('NOT_FOUND');
    expect((await superuser.query(`SELECT * FROM "Hub" WHERE id = $1`, [hubId])).rows[0]).toEqual(before);
  });

  test('names bad fields and writes nothing', async () => {
    const error = await failure(
      admin.hubs.updateProfile({
        tenant,
        hubId,
        name: ' ',
        postalCode: '3757',
        contactEmail: 'kein-at',
        contactPhone: 'abc',
        accessibility: ['rampe' as never],
        isPublic: true,
      }),
    );
    expect(error.code).toBe('BAD_REQUEST');
    expect(Object.keys(error.fieldErrors ?? {}).sort()).toEqual([
      'accessibility.0',
      'contactEmail',
      'contactPhone',
      'name',
      'postalCode',
    ]);
    expect(await count(`"AuditLog" WHERE action = 'hub.profileChanged'`)).toBe(2);
  });
});

describe('public holidays and special hours', () => {
  test('knows the Bundesland’s own holidays', () => {
    const ni = publicHolidays('03', 2027).map((h) => h.date);
    const st = publicHolidays('15', 2027).map((h) => h.date);
    const by = publicHolidays('09', 2027);
    expect(ni).toContain('2027-10-31'); // Reformationstag in Niedersachsen
    expect(ni).not.toContain('2027-01-06');
    expect(st).toContain('2027-01-06'); // Heilige Drei Könige in Sachsen-Anhalt
    expect(by.find((h) => h.date === '2027-11-01')?.name).toBe('Allerheiligen');
    expect(publicHolidays('03', 2027).find((h) => h.date === '2027-10-03')?.name).toBe('Tag der Deutschen Einheit');
  });

  test('imports the holidays of the town’s Bundesland as closed days, idempotently, and booking respects them', async () => {
    const year = Number(today().slice(0, 4));
    const first = await manager.spaces.importHolidays({ tenant, hubId, year: year + 1 });
    expect(first.created).toBe(first.holidays);
    expect(first.holidays).toBe(publicHolidays('03', year + 1).length);
    const again = await manager.spaces.importHolidays({ tenant, hubId, year: year + 1 });
    expect(again.created).toBe(0);
    expect(await count(`"OpeningException" WHERE "hubId" = $1 AND holiday`, [hubId])).toBe(first.holidays);
    expect(again.hours.closedDays.find((d) => d.date === `${year + 1}-10-03`)).toEqual({
      date: `${year + 1}-10-03`,
      note: 'Tag der Deutschen Einheit',
      holiday: true,
    });
    await admin.spaces.importHolidays({ tenant, hubId, year });

    // The next holiday on a weekday (the hub is open Mon–Fri) is closed for availability and booking.
    const holiday = [...publicHolidays('03', year), ...publicHolidays('03', year + 1)].find(
      (h) => h.date > workday(1) && weekdayOf(h.date) <= 5,
    )!;
    const room = await newRoom('Raum Feiertag');
    const free = await member.bookings.availability({ tenant, spaceId: room.id, date: holiday.date });
    expect(free.resources[0]!.free).toEqual([]);
    const refused = await failure(
      member.bookings.create({
        tenant,
        spaceId: room.id,
        startsAt: at(holiday.date, '10:00'),
        endsAt: at(holiday.date, '11:00'),
      }),
    );
    expect(refused).toMatchObject({ code: 'BAD_REQUEST', messageKey: 'errors.booking.closedDay' });
    expect(await count(`"Booking" WHERE "spaceId" = $1`, [room.id])).toBe(0);
  });

  test('keeps a hand-made entry when importing, and leaves other hubs alone', async () => {
    const year = Number(today().slice(0, 4)) + 2;
    await admin.spaces.setSpecialHours({
      tenant,
      hubId: otherHubId,
      date: `${year}-12-24`,
      opensAt: '09:00',
      closesAt: '12:00',
      note: 'Heiligabend',
    });
    await admin.spaces.addClosedDay({ tenant, hubId: otherHubId, date: `${year}-12-25`, note: 'Eigener Eintrag' });
    const imported = await admin.spaces.importHolidays({ tenant, hubId: otherHubId, year });
    expect(imported.created).toBe(imported.holidays - 1);
    expect(imported.hours.closedDays.find((d) => d.date === `${year}-12-25`)).toEqual({
      date: `${year}-12-25`,
      note: 'Eigener Eintrag',
      holiday: false,
    });
    expect(imported.hours.specialDays).toEqual([
      { date: `${year}-12-24`, note: 'Heiligabend', opensAt: '09:00', closesAt: '12:00' },
    ]);
    expect(await count(`"OpeningException" WHERE "hubId" = $1 AND date >= $2`, [hubId, `${year}-01-01`])).toBe(0);
  });

  test('special hours replace the weekly hours of that date for availability and booking', async () => {
    const day = workday(4);
    const room = await newRoom('Raum Sonderzeiten');
    await manager.spaces.setSpecialHours({
      tenant,
      hubId,
      date: day,
      opensAt: '10:00',
      closesAt: '14:00',
      note: 'Betriebsversammlung',
    });
    const free = await member.bookings.availability({ tenant, spaceId: room.id, date: day });
    expect(free.resources[0]!.free).toEqual([{ startsAt: at(day, '10:00'), endsAt: at(day, '14:00') }]);
    expect(
      await failure(
        member.bookings.create({ tenant, spaceId: room.id, startsAt: at(day, '09:00'), endsAt: at(day, '10:00') }),
      ),
    ).toMatchObject({ messageKey: 'errors.booking.outsideOpeningHours' });
    expect(
      await failure(
        member.bookings.create({ tenant, spaceId: room.id, startsAt: at(day, '13:30'), endsAt: at(day, '14:30') }),
      ),
    ).toMatchObject({ messageKey: 'errors.booking.outsideOpeningHours' });
    await expect(
      member.bookings.create({ tenant, spaceId: room.id, startsAt: at(day, '10:00'), endsAt: at(day, '11:00') }),
    ).resolves.toMatchObject({ status: 'confirmed' });

    // Closing the day all the same ends its special hours.
    const closed = await manager.spaces.addClosedDay({ tenant, hubId, date: day, note: 'doch zu' });
    expect(closed.specialDays.map((d) => d.date)).not.toContain(day);
    expect((await member.bookings.availability({ tenant, spaceId: room.id, date: day })).resources[0]!.free).toEqual(
      [],
    );
  });

  test('refuses hours that end before they start, and members, by name', async () => {
    const error = await failure(
      admin.spaces.setSpecialHours({ tenant, hubId, date: workday(6), opensAt: '14:00', closesAt: '10:00' }),
    );
    expect(error).toMatchObject({
      code: 'BAD_REQUEST',
      fieldErrors: {
        opensAt: ['validation.openingHours.closesBeforeOpens'],
        closesAt: ['validation.openingHours.closesBeforeOpens'],
      },
    });
    expect(
      (
        await failure(
          member.spaces.setSpecialHours({ tenant, hubId, date: workday(6), opensAt: '10:00', closesAt: '12:00' }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    expect((await failure(member.spaces.importHolidays({ tenant, hubId, year: 2030 }))).code).toBe('FORBIDDEN');
    expect(await count(`"OpeningException" WHERE date = $1`, [workday(6)])).toBe(0);
  });
});

describe('staff per hub', () => {
  test('a hub manager of hub A cannot configure hub B', async () => {
    expect(
      (
        await failure(
          manager.hubStaff.assign({ tenant, hubId: otherHubId, email: DEMO_USERS.einbeckMember, role: 'hub-staff' }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    expect(
      (
        await failure(
          manager.spaces.setSpecialHours({
            tenant,
            hubId: otherHubId,
            date: workday(7),
            opensAt: '10:00',
            closesAt: '12:00',
          }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    expect(
      (
        await failure(
          manager.spaces.create({ tenant, hubId: otherHubId, kind: 'meeting-room', name: 'Fremd', capacity: 2 }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    expect(
      (await failure(manager.hubs.updateProfile({ tenant, hubId: otherHubId, name: 'Fremd', isPublic: true }))).code,
    ).toBe('NOT_FOUND');
    expect(await count(`"HubAssignment" WHERE "hubId" = $1`, [otherHubId])).toBe(0);
  });

  test('assigns people with a role per hub and a public contact role; the role counts in that hub only', async () => {
    const entry = await admin.hubStaff.assign({
      tenant,
      hubId: otherHubId,
      email: DEMO_USERS.einbeckMember,
      role: 'hub-manager',
      contactRole: 'Ansprechpartnerin Co-Working',
    });
    expect(entry).toMatchObject({
      role: 'hub-manager',
      contactRole: 'Ansprechpartnerin Co-Working',
      email: DEMO_USERS.einbeckMember,
    });
    // The member now manages hub B (next request) — and still nothing in hub A.
    await expect(
      member.spaces.create({ tenant, hubId: otherHubId, kind: 'meeting-room', name: 'Raum vom Mitglied', capacity: 2 }),
    ).resolves.toMatchObject({ name: 'Raum vom Mitglied' });
    expect(
      (await failure(member.spaces.create({ tenant, hubId, kind: 'meeting-room', name: 'Nicht hier', capacity: 2 })))
        .code,
    ).toBe('FORBIDDEN');
    expect((await member.hubs.profile({ tenant, hubId: otherHubId })).editableFields).toContain('description');
    expect((await member.hubs.profile({ tenant, hubId })).editableFields).toEqual([]);

    // Hub staff: reads the hub's bookings, changes nothing of its configuration.
    await manager.hubStaff.assign({
      tenant,
      hubId,
      email: DEMO_USERS.einbeckMember2,
      role: 'hub-staff',
      contactRole: 'IT-Support',
    });
    expect(
      (await failure(member2.hubs.updateProfile({ tenant, hubId, name: 'Digital Hub Einbeck', isPublic: false }))).code,
    ).toBe('NOT_FOUND');
    expect(
      (
        await failure(
          member2.spaces.setSpecialHours({ tenant, hubId, date: workday(7), opensAt: '10:00', closesAt: '12:00' }),
        )
      ).code,
    ).toBe('FORBIDDEN');

    // Someone outside the town is never added by an assignment (they join by accepting an invitation,
    // ADR 023) — for the hub manager and the town admin alike the answer is that of an unknown address.
    for (const caller of [manager, admin]) {
      const refused = await failure(
        caller.hubStaff.assign({ tenant, hubId, email: DEMO_USERS.partner, role: 'hub-staff' }),
      );
      expect(refused).toMatchObject({ code: 'BAD_REQUEST', fieldErrors: { email: ['errors.hubStaff.unknownUser'] } });
    }
    expect(
      await count(`"TenantMembership" m JOIN "User" u ON u.id = m."userId" WHERE u.email = $1`, [DEMO_USERS.partner]),
    ).toBe(0);

    const list = await admin.hubStaff.list({ tenant, hubId, limit: 50 });
    expect(list.canManage).toBe(true);
    expect(list.items.map((i) => [i.email, i.role])).toEqual(
      expect.arrayContaining([
        [DEMO_USERS.einbeckManager, 'hub-manager'],
        [DEMO_USERS.einbeckMember2, 'hub-staff'],
      ]),
    );
    const public_ = await member.hubStaff.list({ tenant, hubId, limit: 50 });
    expect(public_.canManage).toBe(false);
    expect(public_.items.every((i) => i.email === null)).toBe(true);
    expect(public_.items.find((i) => i.contactRole === 'IT-Support')?.name).toBeTruthy();
    // Keyset pages: two of one, then the rest.
    const page1 = await admin.hubStaff.list({ tenant, hubId, limit: 1 });
    const page2 = await admin.hubStaff.list({ tenant, hubId, limit: 50, cursor: page1.nextCursor! });
    expect([...page1.items, ...page2.items].map((i) => i.assignmentId).sort()).toEqual(
      list.items.map((i) => i.assignmentId).sort(),
    );
    expect(await count(`"AuditLog" WHERE action = 'hub.staffAssigned'`)).toBe(2);
  });

  test('removes a person; their rights in the hub end with the next request', async () => {
    const entry = (await admin.hubStaff.list({ tenant, hubId: otherHubId, limit: 50 })).items.find(
      (i) => i.email === DEMO_USERS.einbeckMember,
    )!;
    expect(
      (await failure(manager.hubStaff.remove({ tenant, hubId: otherHubId, assignmentId: entry.assignmentId }))).code,
    ).toBe('FORBIDDEN');
    await admin.hubStaff.remove({ tenant, hubId: otherHubId, assignmentId: entry.assignmentId });
    expect(
      (
        await failure(
          member.spaces.create({ tenant, hubId: otherHubId, kind: 'meeting-room', name: 'Nicht mehr', capacity: 2 }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    expect(
      (await failure(admin.hubStaff.remove({ tenant, hubId: otherHubId, assignmentId: entry.assignmentId }))).code,
    ).toBe('NOT_FOUND');
    expect(await count(`"AuditLog" WHERE action = 'hub.staffRemoved'`)).toBe(1);
  });

  test('names an unknown address and writes nothing', async () => {
    const error = await failure(
      admin.hubStaff.assign({ tenant, hubId, email: 'niemand@example.org', role: 'hub-staff' }),
    );
    expect(error).toMatchObject({ code: 'BAD_REQUEST', fieldErrors: { email: ['errors.hubStaff.unknownUser'] } });
    expect(
      (
        await failure(
          admin.hubStaff.assign({ tenant, hubId, email: DEMO_USERS.einbeckMember, role: 'town-admin' as never }),
        )
      ).fieldErrors,
    ).toEqual({ role: ['validation.invalid'] });
  });
});

describe('conflicts and the hub week', () => {
  test('names the colliding booking to whoever may read it, only its time to others, and offers the next free slot of the same length', async () => {
    const day = workday(8);
    const room = await newRoom('Raum Konflikt');
    await partner.bookings.create({
      tenant,
      spaceId: room.id,
      startsAt: at(day, '10:00'),
      endsAt: at(day, '12:00'),
      purpose: "Workshop 'KI im Rathaus'",
    });
    await partner.bookings.create({
      tenant,
      spaceId: room.id,
      startsAt: at(day, '12:00'),
      endsAt: at(day, '12:30'),
      purpose: 'Aufräumen',
    });

    const forMember = await failure(
      member.bookings.create({ tenant, spaceId: room.id, startsAt: at(day, '11:00'), endsAt: at(day, '12:00') }),
    );
    expect(forMember).toMatchObject({ code: 'CONFLICT', messageKey: 'errors.booking.conflict' });
    expect(forMember.params).toEqual({
      startsAt: at(day, '10:00'),
      endsAt: at(day, '12:00'),
      suggestedStartsAt: at(day, '12:30'),
      suggestedEndsAt: at(day, '13:30'),
    });

    const forManager = await failure(
      manager.bookings.create({ tenant, spaceId: room.id, startsAt: at(day, '11:00'), endsAt: at(day, '12:00') }),
    );
    expect(forManager.params).toMatchObject({
      purpose: "Workshop 'KI im Rathaus'",
      suggestedStartsAt: at(day, '12:30'),
    });

    // The suggestion is bookable as offered.
    await expect(
      member.bookings.create({
        tenant,
        spaceId: room.id,
        startsAt: forMember.params!.suggestedStartsAt!,
        endsAt: forMember.params!.suggestedEndsAt!,
      }),
    ).resolves.toMatchObject({ status: 'confirmed' });
    expect(await count(`"Booking" WHERE "spaceId" = $1 AND status <> 'CANCELLED'`, [room.id])).toBe(3);
  });

  test('shows the whole hub’s week: every space and desk with bookings and free time', async () => {
    const day = workday(8);
    const week = await member.hubCalendar.week({ tenant, hubId, date: day });
    expect(week.days).toHaveLength(7);
    expect(weekdayOf(week.weekStart)).toBe(1);
    const spaces = await member.spaces.list({ tenant, hubId });
    const expected = spaces.items.reduce((n, s) => n + (s.kind === 'coworking' ? s.desks.length : 1), 0);
    expect(week.resources).toHaveLength(expected);
    const room = week.resources.find((r) => r.spaceName === 'Raum Konflikt')!;
    expect(room.free.some((f) => f.startsAt === at(day, '13:30'))).toBe(true);
    const workshop = week.items.find((b) => b.startsAt === at(day, '10:00') && b.spaceName === 'Raum Konflikt')!;
    expect(workshop.purpose).toBeNull();
    const staffView = await manager.hubCalendar.week({ tenant, hubId, date: day });
    expect(staffView.items.find((b) => b.id === workshop.id)?.purpose).toBe("Workshop 'KI im Rathaus'");
    expect(
      (await failure(member.hubCalendar.week({ tenant, hubId: '00000000-0000-7000-8000-000000000000', date: day })))
        .code,
    ).toBe('NOT_FOUND');
  });
});

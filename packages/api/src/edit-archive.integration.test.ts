/**
 * Correcting, archiving and deleting hubs, spaces and desks (docs/decisions/035),
 * against a real PostgreSQL: the same validation as creation, archived rows
 * gone from booking, availability and the public page but kept with their
 * bookings, deletion only without any booking, an audit entry for each, and
 * another town's ids answered like missing ones.
 */
import { randomUUID } from 'node:crypto';
import { addDays, localParts, weekdayOf, zonedToUtc } from '@hubwerk/domain';
import { describe, expect } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { createContext } from './context.ts';
import { appRouter } from './root.ts';
import { type Caller, failure } from './test-support.ts';
import { createCallerFactory } from './trpc.ts';
import { fileFixtures, seededApiTest } from './testing/fixtures.ts';

const test = seededApiTest({ poolSize: 8 });
const file = fileFixtures(test);

const TZ = 'Europe/Berlin';
const tenant = 'einbeck';
const where = { town: tenant, hub: 'digital-hub-einbeck' };
let admin: Caller;
let manager: Caller;
let member: Caller;
let zeitzAdmin: Caller;
let hubId: string;
let zeitz: { hubId: string; spaceId: string; deskId: string };

const createCaller = createCallerFactory(appRouter);
const visitor = () =>
  createCaller(
    createContext(file.api.deps, {
      requestId: randomUUID(),
      sessionToken: null,
      userAgent: 'vitest',
      clientIp: `198.51.100.${Math.floor(Math.random() * 250) + 1}`,
      log: {},
    }),
  );
const at = (date: string, hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return zonedToUtc(date, h * 60 + m, TZ).toISOString();
};
function workday(from: number): string {
  let date = addDays(localParts(new Date(), TZ).date, from);
  while (weekdayOf(date) > 5) date = addDays(date, 1);
  return date;
}
const rules = {
  granularityMinutes: 60,
  minDurationMinutes: 60,
  maxDurationMinutes: 600,
  leadTimeMinutes: 0,
  horizonDays: 60,
  bufferMinutes: 0,
  approvalRequired: false,
  publicBookable: true,
};
const auditActions = async (targetId: string) =>
  (
    await file.superuser.query<{ action: string }>(
      `SELECT action FROM "AuditEvent" WHERE "targetId" = $1 ORDER BY "createdAt", id`,
      [targetId],
    )
  ).rows.map((r) => r.action);

test.beforeAll(async ({ api, superuser }) => {
  [admin, manager, member, zeitzAdmin] = await Promise.all([
    api.as(DEMO_USERS.einbeckAdmin),
    api.as(DEMO_USERS.einbeckManager),
    api.as(DEMO_USERS.einbeckMember),
    api.as(DEMO_USERS.zeitzAdmin),
  ]);
  hubId = (await admin.hubs.list({ tenant })).items.find((h) => h.slug === 'digital-hub-einbeck')!.id;
  await superuser.query(`UPDATE "Hub" SET "isPublic" = true WHERE id = $1`, [hubId]);
  zeitz = (
    await superuser.query(
      `SELECT s."hubId", s.id AS "spaceId", d.id AS "deskId" FROM "Space" s JOIN "Tenant" t ON t.id = s."tenantId"
         JOIN "Desk" d ON d."tenantId" = s."tenantId" AND d."spaceId" = s.id
        WHERE t.slug = 'zeitz' AND s.kind = 'COWORKING' ORDER BY d.name LIMIT 1`,
    )
  ).rows[0];
});

describe('editing a space', () => {
  test('corrects every field set at creation; capacity below the desks names both fields and writes nothing', async ({
    superuser,
  }) => {
    const space = await manager.spaces.create({
      tenant,
      hubId,
      kind: 'coworking',
      name: 'Co-Working Ost',
      capacity: 4,
      deskCount: 4,
      rules,
    });
    const wrong = await failure(
      manager.spaces.update({
        tenant,
        spaceId: space.id,
        kind: 'coworking',
        name: 'Co-Working Ost',
        capacity: 4,
        deskCount: 8,
      }),
    );
    expect(wrong).toMatchObject({
      code: 'BAD_REQUEST',
      fieldErrors: {
        capacity: ['validation.space.capacityBelowDesks'],
        deskCount: ['validation.space.capacityBelowDesks'],
      },
    });
    expect((await manager.spaces.get({ tenant, spaceId: space.id })).desks).toHaveLength(4);

    const updated = await manager.spaces.update({
      tenant,
      spaceId: space.id,
      kind: 'coworking',
      name: 'Co-Working Ost (Galerie)',
      capacity: 8,
      amenities: ['WLAN', 'Beamer'],
      accessibilityNotes: 'Aufzug im Hof',
      deskCount: 8,
    });
    expect(updated).toMatchObject({
      name: 'Co-Working Ost (Galerie)',
      capacity: 8,
      amenities: ['WLAN', 'Beamer'],
      accessibilityNotes: 'Aufzug im Hof',
    });
    expect(updated.desks.map((d) => d.name)).toEqual([
      'Arbeitsplatz 01',
      'Arbeitsplatz 02',
      'Arbeitsplatz 03',
      'Arbeitsplatz 04',
      'Arbeitsplatz 05',
      'Arbeitsplatz 06',
      'Arbeitsplatz 07',
      'Arbeitsplatz 08',
    ]);
    expect(await auditActions(space.id)).toEqual(['space.created', 'space.updated']);
    const [entry] = (
      await superuser.query(`SELECT data FROM "AuditEvent" WHERE "targetId" = $1 AND action = 'space.updated'`, [
        space.id,
      ])
    ).rows;
    expect(entry.data).toMatchObject({ before: { capacity: 4, deskCount: 4 }, after: { capacity: 8, deskCount: 8 } });

    // Fewer desks: archived or deleted one by one, never by a number.
    expect(
      (
        await failure(
          manager.spaces.update({ tenant, spaceId: space.id, kind: 'coworking', name: 'X', capacity: 8, deskCount: 2 }),
        )
      ).fieldErrors,
    ).toEqual({ deskCount: ['validation.space.removeDesksSingly'] });
    // A room that is no co-working area has no desks.
    expect(
      (
        await failure(
          manager.spaces.update({
            tenant,
            spaceId: space.id,
            kind: 'meeting-room',
            name: 'X',
            capacity: 8,
            deskCount: 8,
          }),
        )
      ).fieldErrors,
    ).toEqual({ deskCount: ['validation.space.desksOnlyCoworking'] });
    // Another space's name in the hub.
    expect(
      (
        await failure(
          manager.spaces.update({
            tenant,
            spaceId: space.id,
            kind: 'coworking',
            name: 'Veranstaltungsraum',
            capacity: 8,
            deskCount: 8,
          }),
        )
      ).fieldErrors,
    ).toEqual({ name: ['errors.space.nameTaken'] });
    // Members may not.
    expect(
      (
        await failure(
          member.spaces.update({
            tenant,
            spaceId: space.id,
            kind: 'coworking',
            name: 'Meins',
            capacity: 8,
            deskCount: 8,
          }),
        )
      ).code,
    ).toBe('FORBIDDEN');
  });

  test('refuses a new space with fewer seats than desks, naming both fields', async () => {
    expect(
      (
        await failure(
          admin.spaces.create({ tenant, hubId, kind: 'coworking', name: 'Zu klein', capacity: 4, deskCount: 8 }),
        )
      ).fieldErrors,
    ).toEqual({
      capacity: ['validation.space.capacityBelowDesks'],
      deskCount: ['validation.space.capacityBelowDesks'],
    });
  });

  test('adds a desk only while the seats suffice, also when two are added at once', async () => {
    const space = await admin.spaces.create({
      tenant,
      hubId,
      kind: 'coworking',
      name: 'Knapp',
      capacity: 3,
      deskCount: 2,
    });
    const added = await Promise.allSettled(
      ['Platz A', 'Platz B'].map((name) => manager.spaces.addDesk({ tenant, spaceId: space.id, name })),
    );
    expect(added.map((a) => a.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = await failure(manager.spaces.addDesk({ tenant, spaceId: space.id, name: 'Platz C' }));
    expect(refused).toMatchObject({
      messageKey: 'errors.desk.overCapacity',
      fieldErrors: { name: ['errors.desk.overCapacity'] },
      params: { capacity: '3' },
    });
    expect((await admin.spaces.get({ tenant, spaceId: space.id })).desks).toHaveLength(3);
  });

  test('renames a desk and changes its attributes, with an audit entry', async () => {
    const space = await admin.spaces.create({
      tenant,
      hubId,
      kind: 'coworking',
      name: 'Tische',
      capacity: 2,
      deskCount: 2,
    });
    const desk = space.desks[0]!;
    const after = await manager.spaces.updateDesk({
      tenant,
      deskId: desk.id,
      name: 'Fensterplatz',
      attributes: ['Monitor'],
    });
    expect(after.desks).toContainEqual({ id: desk.id, name: 'Fensterplatz', attributes: ['Monitor'] });
    expect(
      (await failure(manager.spaces.updateDesk({ tenant, deskId: desk.id, name: space.desks[1]!.name }))).fieldErrors,
    ).toEqual({ name: ['errors.desk.nameTaken'] });
    expect(await auditActions(desk.id)).toEqual(['desk.updated']);
  });
});

describe('archiving', () => {
  test('refuses while bookings lie ahead (naming how many); afterwards the space leaves booking, availability and the public page but keeps its bookings', async ({
    superuser,
  }) => {
    const space = await manager.spaces.create({
      tenant,
      hubId,
      kind: 'meeting-room',
      name: 'Alter Raum',
      capacity: 6,
      rules,
    });
    const day = workday(2);
    const booking = await member.bookings.create({
      tenant,
      spaceId: space.id,
      startsAt: at(day, '09:00'),
      endsAt: at(day, '10:00'),
    });
    const refused = await failure(manager.spaces.setArchived({ tenant, spaceId: space.id, archived: true }));
    expect(refused).toMatchObject({
      code: 'BAD_REQUEST',
      messageKey: 'errors.space.upcomingBookings',
      params: { count: '1' },
    });

    // The booking lies in the past now (moved there by hand; the API books no past).
    await superuser.query(
      `UPDATE "Booking" SET "startsAt" = now() - interval '2 days', "endsAt" = now() - interval '2 days' + interval '1 hour' WHERE id = $1`,
      [booking.id],
    );
    const archived = await manager.spaces.setArchived({ tenant, spaceId: space.id, archived: true });
    expect(archived.archived).toBe(true);

    // Listed apart for those who configure the hub; not at all for members.
    const forManager = await manager.spaces.list({ tenant, hubId });
    expect(forManager.items.map((s) => s.id)).not.toContain(space.id);
    expect(forManager.archived.map((s) => s.id)).toEqual([space.id]);
    const forMember = await member.spaces.list({ tenant, hubId });
    expect([...forMember.items, ...forMember.archived].map((s) => s.id)).not.toContain(space.id);

    // No booking, no free time, no public trace.
    const later = workday(5);
    expect(
      (
        await failure(
          member.bookings.create({
            tenant,
            spaceId: space.id,
            startsAt: at(later, '09:00'),
            endsAt: at(later, '10:00'),
          }),
        )
      ).code,
    ).toBe('NOT_FOUND');
    expect((await member.bookings.availability({ tenant, spaceId: space.id, date: later, days: 1 })).resources).toEqual(
      [],
    );
    expect((await visitor().publicBookings.hub(where)).spaces.map((s) => s.id)).not.toContain(space.id);
    expect(
      (await visitor().publicBookings.availability({ ...where, date: later, days: 1 })).resources.map((r) => r.spaceId),
    ).not.toContain(space.id);
    expect(
      (await failure(visitor().publicBookings.availability({ ...where, spaceId: space.id, date: later }))).code,
    ).toBe('NOT_FOUND');
    expect(
      (
        await failure(
          visitor().publicBookings.request({
            ...where,
            spaceId: space.id,
            startsAt: at(later, '09:00'),
            endsAt: at(later, '10:00'),
            name: 'Gast',
            email: 'gast@example.org',
          }),
        )
      ).code,
    ).toBe('NOT_FOUND');

    // History stays: the booking is still the member's, and deleting is refused.
    expect((await member.bookings.get({ tenant, bookingId: booking.id })).id).toBe(booking.id);
    expect(await failure(manager.spaces.delete({ tenant, spaceId: space.id }))).toMatchObject({
      messageKey: 'errors.space.hasBookings',
      params: { count: '1' },
    });

    // Back in use: bookable again.
    expect((await manager.spaces.setArchived({ tenant, spaceId: space.id, archived: false })).archived).toBe(false);
    await member.bookings.create({
      tenant,
      spaceId: space.id,
      startsAt: at(later, '09:00'),
      endsAt: at(later, '10:00'),
    });
    expect(await auditActions(space.id)).toEqual(['space.created', 'space.archived', 'space.unarchived']);
  });

  test('an archived desk is neither bookable nor free, and comes back unless the seats no longer suffice', async () => {
    const space = await admin.spaces.create({
      tenant,
      hubId,
      kind: 'coworking',
      name: 'Schreibtische',
      capacity: 2,
      deskCount: 2,
      rules,
    });
    const [first, second] = space.desks as unknown as [{ id: string }, { id: string }];
    const afterArchive = await manager.spaces.setDeskArchived({ tenant, deskId: first.id, archived: true });
    expect(afterArchive.desks.map((d) => d.id)).toEqual([second.id]);
    expect(afterArchive.archivedDesks.map((d) => d.id)).toEqual([first.id]);
    const day = workday(3);
    expect(
      (
        await failure(
          member.bookings.create({
            tenant,
            spaceId: space.id,
            deskId: first.id,
            startsAt: at(day, '09:00'),
            endsAt: at(day, '10:00'),
          }),
        )
      ).code,
    ).toBe('NOT_FOUND');
    const free = await member.bookings.availability({ tenant, spaceId: space.id, date: day, days: 1 });
    expect(free.resources.map((r) => r.deskId)).toEqual([second.id]);
    const hubFree = await member.bookings.availability({ tenant, hubId, date: day, days: 1 });
    expect(hubFree.resources.map((r) => r.deskId)).not.toContain(first.id);

    // A third desk takes the freed seat; the archived one cannot come back beyond the capacity.
    await admin.spaces.update({
      tenant,
      spaceId: space.id,
      kind: 'coworking',
      name: 'Schreibtische',
      capacity: 2,
      deskCount: 2,
    });
    expect(
      (await failure(manager.spaces.setDeskArchived({ tenant, deskId: first.id, archived: false }))).fieldErrors,
    ).toEqual({
      capacity: ['validation.space.capacityBelowDesks'],
      deskCount: ['validation.space.capacityBelowDesks'],
    });
    expect(await auditActions(first.id)).toEqual(['desk.archived']);
  });

  test('a desk with a booking ahead is not archived; an empty desk is deleted; a used one is not', async ({
    superuser,
  }) => {
    const space = await admin.spaces.create({
      tenant,
      hubId,
      kind: 'coworking',
      name: 'Pult',
      capacity: 3,
      deskCount: 3,
      rules,
    });
    const [used, empty] = space.desks as unknown as [{ id: string }, { id: string }];
    const day = workday(2);
    await member.bookings.create({
      tenant,
      spaceId: space.id,
      deskId: used.id,
      startsAt: at(day, '09:00'),
      endsAt: at(day, '10:00'),
    });
    expect(await failure(manager.spaces.setDeskArchived({ tenant, deskId: used.id, archived: true }))).toMatchObject({
      messageKey: 'errors.desk.upcomingBookings',
      params: { count: '1' },
    });
    expect(await failure(manager.spaces.deleteDesk({ tenant, deskId: used.id }))).toMatchObject({
      messageKey: 'errors.desk.hasBookings',
    });
    const after = await manager.spaces.deleteDesk({ tenant, deskId: empty.id });
    expect(after.desks.map((d) => d.id)).not.toContain(empty.id);
    expect(await auditActions(empty.id)).toEqual(['desk.deleted']);
    expect(
      Number((await superuser.query(`SELECT count(*) AS n FROM "Desk" WHERE id = $1`, [empty.id])).rows[0].n),
    ).toBe(0);
  });

  test('an archived hub has no public page and takes no bookings; only town admins archive or delete hubs', async ({
    superuser,
  }) => {
    const created = await admin.hubs
      .create({ tenant, name: `Archivhub ${randomUUID().slice(0, 4)}` })
      .catch(() => null);
    // The plan may allow one hub only: then the hub is planted directly.
    const newHubId =
      created?.id ??
      (
        await superuser.query(
          `INSERT INTO "Hub" ("tenantId", id, name, slug, "isPublic", "updatedAt") SELECT id, gen_random_uuid(), 'Archivhub', 'archivhub', true, now() FROM "Tenant" WHERE slug = $1 RETURNING id`,
          [tenant],
        )
      ).rows[0].id;
    await superuser.query(`UPDATE "Hub" SET "isPublic" = true WHERE id = $1`, [newHubId]);
    const slug = (await superuser.query(`SELECT slug FROM "Hub" WHERE id = $1`, [newHubId])).rows[0].slug as string;
    const space = await admin.spaces.create({
      tenant,
      hubId: newHubId,
      kind: 'meeting-room',
      name: 'Saal',
      capacity: 10,
      rules,
    });
    await visitor().publicBookings.hub({ town: tenant, hub: slug });

    expect((await failure(manager.hubs.setArchived({ tenant, hubId, archived: true }))).code).toBe('FORBIDDEN');
    const archived = await admin.hubs.setArchived({ tenant, hubId: newHubId, archived: true });
    expect(archived.archived).toBe(true);
    expect((await admin.hubs.list({ tenant })).items.find((h) => h.id === newHubId)?.archived).toBe(true);
    expect((await failure(visitor().publicBookings.hub({ town: tenant, hub: slug }))).code).toBe('NOT_FOUND');
    const day = workday(3);
    expect(
      (
        await failure(
          member.bookings.create({ tenant, spaceId: space.id, startsAt: at(day, '09:00'), endsAt: at(day, '10:00') }),
        )
      ).code,
    ).toBe('NOT_FOUND');
    expect((await member.bookings.availability({ tenant, spaceId: space.id, date: day, days: 1 })).resources).toEqual(
      [],
    );

    // Never booked: it can go entirely, with its space.
    expect(await admin.hubs.delete({ tenant, hubId: newHubId })).toEqual({ ok: true });
    expect(
      Number((await superuser.query(`SELECT count(*) AS n FROM "Space" WHERE id = $1`, [space.id])).rows[0].n),
    ).toBe(0);
    expect(await auditActions(newHubId)).toEqual(expect.arrayContaining(['hub.archived', 'hub.deleted']));
    // The seeded hub has bookings: kept.
    expect(await failure(admin.hubs.delete({ tenant, hubId }))).toMatchObject({ messageKey: 'errors.hub.hasBookings' });
  });
});

describe("another town's ids", () => {
  test('answer like missing ones and change nothing', async () => {
    const missing = randomUUID();
    const calls = (spaceId: string, deskId: string, hub: string) => [
      admin.spaces.update({ tenant, spaceId, kind: 'coworking', name: 'Übernommen', capacity: 20, deskCount: 10 }),
      admin.spaces.setArchived({ tenant, spaceId, archived: true }),
      admin.spaces.delete({ tenant, spaceId }),
      admin.spaces.updateDesk({ tenant, deskId, name: 'Übernommen' }),
      admin.spaces.setDeskArchived({ tenant, deskId, archived: true }),
      admin.spaces.deleteDesk({ tenant, deskId }),
      admin.hubs.setArchived({ tenant, hubId: hub, archived: true }),
      admin.hubs.delete({ tenant, hubId: hub }),
    ];
    const foreign = await Promise.all(calls(zeitz.spaceId, zeitz.deskId, zeitz.hubId).map(failure));
    const unknown = await Promise.all(calls(missing, missing, missing).map(failure));
    expect(foreign).toEqual(unknown);
    for (const answer of foreign) expect(answer).toMatchObject({ code: 'NOT_FOUND', messageKey: 'errors.notFound' });
    // And through the foreign town's own slug, without being a member there.
    expect((await failure(admin.spaces.delete({ tenant: 'zeitz', spaceId: zeitz.spaceId }))).code).toMatch(
      /NOT_FOUND|FORBIDDEN/,
    );
    const still = await zeitzAdmin.spaces.get({ tenant: 'zeitz', spaceId: zeitz.spaceId });
    expect(still.archived).toBe(false);
    expect(still.desks.map((d) => d.id)).toContain(zeitz.deskId);
  });
});

/**
 * Free slots on the hub's public page (publicBookings.availability) and the
 * member search staff use to book for someone else
 * (organisations.searchMembers), against a real PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { addDays, localParts, weekdayOf, zonedToUtc } from '@hubwerk/domain';
import { describe, expect } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { createContext } from './context.ts';
import { appRouter } from './root.ts';
import { PUBLIC_READS_PER_IP } from './routers/public-bookings/public-throttle.ts';
import { type Caller, failure } from './test-support.ts';
import { createCallerFactory } from './trpc.ts';
import { fileFixtures, seededApiTest } from './testing/fixtures.ts';

const test = seededApiTest({ poolSize: 10 });
const file = fileFixtures(test);

const TZ = 'Europe/Berlin';
const tenant = 'einbeck';
const where = { town: tenant, hub: 'digital-hub-einbeck' };
let admin: Caller;
let manager: Caller;
let member: Caller;
let zeitzAdmin: Caller;
let hubId: string;
let publicRoom: { id: string };
let internalRoom: { id: string };
/** Zeitz's showroom, open to the public in a public hub of its own. */
let zeitzPublicSpaceId: string;

const createCaller = createCallerFactory(appRouter);
/** Someone not signed in, from their own IP (the limit counts per IP). */
const visitor = (ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}`) =>
  createCaller(
    createContext(file.api.deps, {
      requestId: randomUUID(),
      sessionToken: null,
      userAgent: 'vitest',
      clientIp: ip,
      log: {},
    }),
  );

const at = (date: string, hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return zonedToUtc(date, h * 60 + m, TZ).toISOString();
};
/** A workday (Mon–Fri, Berlin) at least `from` days ahead. */
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
};
const count = async (sql: string, params: unknown[] = []) =>
  Number((await file.superuser.query(`SELECT count(*) AS n FROM ${sql}`, params)).rows[0].n);

test.beforeAll(async ({ api, superuser }) => {
  [admin, manager, member, zeitzAdmin] = await Promise.all([
    api.as(DEMO_USERS.einbeckAdmin),
    api.as(DEMO_USERS.einbeckManager),
    api.as(DEMO_USERS.einbeckMember),
    api.as(DEMO_USERS.zeitzAdmin),
  ]);
  hubId = (await admin.hubs.list({ tenant })).items.find((h) => h.slug === 'digital-hub-einbeck')!.id;
  publicRoom = await admin.spaces.create({
    tenant,
    hubId,
    kind: 'meeting-room',
    name: 'Offener Raum',
    capacity: 8,
    rules: { ...rules, publicBookable: true },
  });
  internalRoom = await admin.spaces.create({
    tenant,
    hubId,
    kind: 'meeting-room',
    name: 'Interner Raum',
    capacity: 8,
    rules,
  });
  await superuser.query(`UPDATE "Hub" SET "isPublic" = true WHERE id = $1`, [hubId]);
  const zeitz = await superuser.query<{ spaceId: string; hubId: string }>(
    `SELECT s.id AS "spaceId", s."hubId" FROM "Space" s JOIN "Tenant" t ON t.id = s."tenantId" WHERE t.slug = 'zeitz' AND s.kind = 'SHOWROOM'`,
  );
  zeitzPublicSpaceId = zeitz.rows[0]!.spaceId;
  await superuser.query(`UPDATE "Space" SET "publicBookable" = true WHERE id = $1`, [zeitzPublicSpaceId]);
  await superuser.query(`UPDATE "Hub" SET "isPublic" = true WHERE id = $1`, [zeitz.rows[0]!.hubId]);
});

describe('free slots on the public hub page', () => {
  test('shows the free time of the spaces open to the public, and nothing about bookings but their absence', async () => {
    const day = workday(3);
    const booking = await member.bookings.create({
      tenant,
      spaceId: publicRoom.id,
      startsAt: at(day, '10:00'),
      endsAt: at(day, '11:00'),
      purpose: 'Geheimes Treffen',
    });
    const answer = await visitor().publicBookings.availability({ ...where, date: day, days: 1 });
    // Only the public room (not the internal one, not the seeded rooms closed to the public).
    expect(answer.resources.map((r) => r.spaceName)).toEqual(['Offener Raum']);
    expect(answer.resources[0]!.free).toEqual([
      { startsAt: at(day, '08:00'), endsAt: at(day, '10:00') },
      { startsAt: at(day, '11:00'), endsAt: at(day, '18:00') },
    ]);
    const text = JSON.stringify(answer);
    for (const secret of ['Geheimes', 'Mia', 'purpose', 'forName', booking.id, DEMO_USERS.einbeckMember])
      expect(text).not.toContain(secret);
    // Seven days by default, the same free time as a member's availability of the same room.
    const week = await visitor().publicBookings.availability({ ...where, date: day });
    expect(week.days).toBe(7);
    const inside = await member.bookings.availability({ tenant, spaceId: publicRoom.id, date: day, days: 7 });
    expect(week.resources[0]!.free).toEqual(inside.resources[0]!.free);
    // One space by id.
    const one = await visitor().publicBookings.availability({ ...where, spaceId: publicRoom.id, date: day, days: 1 });
    expect(one.resources.map((r) => r.spaceId)).toEqual([publicRoom.id]);
  });

  test('answers "not found" for a hub that is not public, a space closed to the public, and another town\'s ids — like for missing ones', async ({
    superuser,
  }) => {
    const day = workday(3);
    const missingHub = await failure(
      visitor().publicBookings.availability({ town: tenant, hub: 'gibt-es-nicht', date: day }),
    );
    expect(missingHub.code).toBe('NOT_FOUND');
    // The hub exists, but is not public.
    await superuser.query(`UPDATE "Hub" SET "isPublic" = false WHERE id = $1`, [hubId]);
    try {
      expect(await failure(visitor().publicBookings.availability({ ...where, date: day }))).toEqual(missingHub);
    } finally {
      await superuser.query(`UPDATE "Hub" SET "isPublic" = true WHERE id = $1`, [hubId]);
    }
    const missingSpace = await failure(
      visitor().publicBookings.availability({ ...where, spaceId: randomUUID(), date: day }),
    );
    expect(missingSpace).toEqual(missingHub);
    // A space of this hub closed to the public; Zeitz's public space asked through Einbeck's hub.
    expect(
      await failure(visitor().publicBookings.availability({ ...where, spaceId: internalRoom.id, date: day })),
    ).toEqual(missingHub);
    expect(
      await failure(visitor().publicBookings.availability({ ...where, spaceId: zeitzPublicSpaceId, date: day })),
    ).toEqual(missingHub);
    // Einbeck's hub named under another town's slug.
    expect(
      await failure(visitor().publicBookings.availability({ town: 'zeitz', hub: 'digital-hub-einbeck', date: day })),
    ).toEqual(missingHub);
    // Zeitz's own public page works (the setup is right, the walls are what refuse above).
    const zeitz = await visitor().publicBookings.availability({
      town: 'zeitz',
      hub: 'digital-hub-zeitz',
      date: day,
      days: 1,
    });
    expect(zeitz.resources.map((r) => r.spaceId)).toEqual([zeitzPublicSpaceId]);
  });

  test("looks up a hub's slugs through the audited platform client once, not on every view; renaming, hiding or deactivating takes effect at once", async ({
    superuser,
  }) => {
    const day = workday(3);
    const lookups = () => count(`"AuditLog" WHERE action = 'public.hubResolved' AND data->>'hub' = 'hub-umbenannt'`);
    await superuser.query(`UPDATE "Hub" SET slug = 'hub-umbenannt' WHERE id = $1`, [hubId]);
    try {
      // The old slug is gone at once, though its ids were kept from earlier views.
      expect((await failure(visitor().publicBookings.availability({ ...where, date: day }))).code).toBe('NOT_FOUND');
      const renamed = { town: tenant, hub: 'hub-umbenannt' };
      for (let i = 0; i < 5; i += 1) expect((await visitor().publicBookings.hub(renamed)).hubName).toBeTruthy();
      expect(await lookups()).toBe(1);
      // Private, or the town no longer active: not found on the very next view.
      await superuser.query(`UPDATE "Hub" SET "isPublic" = false WHERE id = $1`, [hubId]);
      expect((await failure(visitor().publicBookings.hub(renamed))).code).toBe('NOT_FOUND');
      await superuser.query(`UPDATE "Hub" SET "isPublic" = true WHERE id = $1`, [hubId]);
      await superuser.query(`UPDATE "Tenant" SET status = 'SUSPENDED' WHERE slug = $1`, [tenant]);
      expect((await failure(visitor().publicBookings.hub(renamed))).code).toBe('NOT_FOUND');
      await superuser.query(`UPDATE "Tenant" SET status = 'ACTIVE' WHERE slug = $1`, [tenant]);
      expect((await visitor().publicBookings.hub(renamed)).hubName).toBeTruthy();
      expect(await lookups()).toBe(1);
    } finally {
      await superuser.query(`UPDATE "Tenant" SET status = 'ACTIVE' WHERE slug = $1`, [tenant]);
      await superuser.query(`UPDATE "Hub" SET slug = 'digital-hub-einbeck', "isPublic" = true WHERE id = $1`, [hubId]);
    }
  });

  test('rejects bad input by name', async () => {
    const bad = await failure(visitor().publicBookings.availability({ ...where, date: '2030-02-30x', days: 9 }));
    expect(bad.code).toBe('BAD_REQUEST');
    expect(Object.keys(bad.fieldErrors ?? {}).sort()).toEqual(['date', 'days']);
  });

  test('is rate-limited per client IP, without touching other visitors', async () => {
    const day = workday(3);
    const ip = '192.0.2.77';
    for (let i = 0; i < PUBLIC_READS_PER_IP; i += 10) {
      await Promise.all(
        Array.from({ length: Math.min(10, PUBLIC_READS_PER_IP - i) }, () =>
          visitor(ip).publicBookings.availability({ ...where, date: day, days: 1 }),
        ),
      );
    }
    const limited = await failure(visitor(ip).publicBookings.availability({ ...where, date: day, days: 1 }));
    expect(limited).toMatchObject({ code: 'TOO_MANY_REQUESTS', messageKey: 'errors.publicBooking.tooManyRequests' });
    expect(
      (await visitor('192.0.2.78').publicBookings.availability({ ...where, date: day, days: 1 })).resources,
    ).toHaveLength(1);
  });
});

describe("searching the town's members to book for them", () => {
  test("finds people of the caller's town by name; emails only for those who may read memberships", async () => {
    const byAdmin = await admin.organisations.searchMembers({ tenant, query: 'mitglied' });
    expect(byAdmin.items.map((p) => p.name)).toEqual(['Max Mitglied', 'Mia Mitglied']);
    expect(byAdmin.items.map((p) => p.email)).toEqual([DEMO_USERS.einbeckMember2, DEMO_USERS.einbeckMember]);
    const byManager = await manager.organisations.searchMembers({ tenant, query: 'mitglied' });
    expect(byManager.items.map((p) => [p.name, p.email])).toEqual([
      ['Max Mitglied', null],
      ['Mia Mitglied', null],
    ]);
    // Without the right to read emails, they are not searchable either.
    expect((await manager.organisations.searchMembers({ tenant, query: 'member@einbeck' })).items).toEqual([]);
    expect(
      (await admin.organisations.searchMembers({ tenant, query: 'member@einbeck' })).items.map((p) => p.name),
    ).toEqual(['Mia Mitglied']);
  });

  test("only ever finds the caller's own town, page by page", async ({ superuser }) => {
    const einbeckUsers = new Set(
      (
        await superuser.query<{ userId: string }>(
          `SELECT m."userId" FROM "TenantMembership" m JOIN "Tenant" t ON t.id = m."tenantId" WHERE t.slug = 'einbeck'`,
        )
      ).rows.map((r) => r.userId),
    );
    const all = await admin.organisations.searchMembers({ tenant, query: '' });
    expect(all.items.length).toBe(einbeckUsers.size);
    expect(all.items.every((p) => einbeckUsers.has(p.userId))).toBe(true);
    // Zeitz's admin is a person of Zeitz only: not found from Einbeck, found from Zeitz.
    expect((await admin.organisations.searchMembers({ tenant, query: 'Verwaltung Zeitz' })).items).toEqual([]);
    expect(
      (await zeitzAdmin.organisations.searchMembers({ tenant: 'zeitz', query: 'Verwaltung' })).items.map((p) => p.name),
    ).toEqual(['Verwaltung Zeitz']);
    // Keyset pages of one: the same people in the same order, none twice.
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await admin.organisations.searchMembers({
        tenant,
        query: '',
        limit: 1,
        ...(cursor ? { cursor } : {}),
      });
      paged.push(...page.items.map((p) => p.userId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(all.items.map((p) => p.userId));
    // Another town's person as the cursor looks exactly like an unknown one.
    const zeitzAdminId = (await superuser.query(`SELECT id FROM "User" WHERE email = $1`, [DEMO_USERS.zeitzAdmin]))
      .rows[0].id;
    expect(await failure(admin.organisations.searchMembers({ tenant, query: '', cursor: zeitzAdminId }))).toEqual(
      await failure(admin.organisations.searchMembers({ tenant, query: '', cursor: randomUUID() })),
    );
    // Another town's admin cannot search Einbeck at all; more than 20 a page is refused.
    expect((await failure(zeitzAdmin.organisations.searchMembers({ tenant, query: '' }))).code).toBe('NOT_FOUND');
    expect((await failure(admin.organisations.searchMembers({ tenant, query: '', limit: 21 }))).code).toBe(
      'BAD_REQUEST',
    );
  });

  test('is not for members, who never book for others: no search, no choice offered, forUserId refused and nothing written', async ({
    superuser,
  }) => {
    expect((await failure(member.organisations.searchMembers({ tenant, query: 'Max' }))).code).toBe('FORBIDDEN');
    expect((await member.spaces.get({ tenant, spaceId: internalRoom.id })).canBookForOthers).toBe(false);
    expect((await manager.spaces.get({ tenant, spaceId: internalRoom.id })).canBookForOthers).toBe(true);
    expect((await admin.spaces.get({ tenant, spaceId: internalRoom.id })).canBookForOthers).toBe(true);
    const member2Id = (await superuser.query(`SELECT id FROM "User" WHERE email = $1`, [DEMO_USERS.einbeckMember2]))
      .rows[0].id;
    const day = workday(4);
    const before = await count(`"Booking"`);
    expect(
      (
        await failure(
          member.bookings.create({
            tenant,
            spaceId: internalRoom.id,
            forUserId: member2Id,
            startsAt: at(day, '10:00'),
            endsAt: at(day, '11:00'),
          }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    expect(await count(`"Booking"`)).toBe(before);
  });
});

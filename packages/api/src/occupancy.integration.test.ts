/**
 * Occupancy per hub: booked vs bookable time by space and weekday
 * over the last whole weeks, for those who run the hub only.
 */
import { addDays, localParts, mondayOf, zonedToUtc } from '@hubwerk/domain';
import { TRPCError } from '@trpc/server';
import { describe, expect } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import type { Caller } from './test-support.ts';
import { seededApiTest } from './testing/fixtures.ts';

const test = seededApiTest();

const TZ = 'Europe/Berlin';
const tenant = 'einbeck';
let hubId: string;
const thisMonday = mondayOf(localParts(new Date(), TZ).date);
const from = addDays(thisMonday, -14);

test.beforeAll(async ({ superuser }) => {
  const hub = await superuser.query<{ tenantId: string; id: string }>(
    `SELECT h."tenantId", h.id FROM "Hub" h JOIN "Tenant" t ON t.id = h."tenantId" WHERE t.slug = $1`,
    [tenant],
  );
  const { tenantId, id } = hub.rows[0]!;
  hubId = id;
  const spaces = await superuser.query<{ id: string; kind: string }>(
    `SELECT id, kind FROM "Space" WHERE "tenantId" = $1`,
    [tenantId],
  );
  const room = spaces.rows.find((s) => s.kind === 'EVENT_ROOM')!.id;
  const coworking = spaces.rows.find((s) => s.kind === 'COWORKING')!.id;
  const desk = (
    await superuser.query<{ id: string }>(`SELECT id FROM "Desk" WHERE "spaceId" = $1 ORDER BY name LIMIT 1`, [
      coworking,
    ])
  ).rows[0]!.id;
  const user = (
    await superuser.query<{ id: string }>(`SELECT id FROM "User" WHERE email = $1`, [DEMO_USERS.einbeckMember])
  ).rows[0]!.id;
  // Past bookings cannot go through the service (it refuses the past), so they are written directly.
  const book = (
    spaceId: string,
    deskId: string | null,
    date: string,
    fromMin: number,
    toMin: number,
    status = 'CONFIRMED',
  ) =>
    superuser.query(
      `INSERT INTO "Booking" ("tenantId", id, "spaceId", "deskId", "userId", "startsAt", "endsAt", status) VALUES ($1, gen_random_uuid(), $2, $3, $4, $5, $6, $7)`,
      [tenantId, spaceId, deskId, user, zonedToUtc(date, fromMin, TZ), zonedToUtc(date, toMin, TZ), status],
    );
  await book(room, null, from, 9 * 60, 11 * 60); // Monday, 2 h
  await book(room, null, addDays(from, 7), 7 * 60, 12 * 60); // Monday, 5 h of which 4 h inside opening hours
  await book(room, null, addDays(from, 8), 9 * 60, 17 * 60, 'CANCELLED'); // Tuesday, cancelled: not counted
  await book(coworking, desk, addDays(from, 1), 8 * 60, 18 * 60); // Tuesday, one desk all day
  await book(room, null, addDays(from, -1), 9 * 60, 17 * 60); // Sunday before the period: not counted
});

async function code(promise: Promise<unknown>) {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}

describe('occupancy.hub', () => {
  test('sums bookable and booked minutes by space and weekday, inside opening hours only', async ({ api }) => {
    const manager: Caller = await api.as(DEMO_USERS.einbeckManager);
    const result = await manager.occupancy.hub({ tenant, hubId, weeks: 2 });
    expect(result.from).toBe(from);
    expect(result.to).toBe(addDays(thisMonday, -1));
    const room = result.spaces.find((s) => s.spaceName === 'Veranstaltungsraum')!;
    expect(room.units).toBe(1);
    // Open Mon–Fri 8–18: 600 minutes a day, two Mondays.
    expect(room.weekdays[0]).toEqual({ weekday: 1, bookableMinutes: 1200, bookedMinutes: 120 + 240 });
    expect(room.weekdays[1]).toEqual({ weekday: 2, bookableMinutes: 1200, bookedMinutes: 0 });
    expect(room.weekdays[6]).toEqual({ weekday: 7, bookableMinutes: 0, bookedMinutes: 0 });
    const coworking = result.spaces.find((s) => s.units === 6)!;
    expect(coworking.weekdays[1]).toEqual({ weekday: 2, bookableMinutes: 2 * 600 * 6, bookedMinutes: 600 });
  });

  test('is for those who run the hub and the provider; members are refused, other towns see nothing', async ({
    api,
  }) => {
    const [admin, partner, support, member, zeitz] = await Promise.all([
      api.as(DEMO_USERS.einbeckAdmin),
      api.as(DEMO_USERS.partner),
      api.as(DEMO_USERS.support),
      api.as(DEMO_USERS.einbeckMember),
      api.as(DEMO_USERS.zeitzAdmin),
    ]);
    expect(await code(admin.occupancy.hub({ tenant, hubId }))).toBe('ok');
    expect(await code(partner.occupancy.hub({ tenant, hubId }))).toBe('ok');
    expect(await code(support.occupancy.hub({ tenant, hubId }))).toBe('ok');
    expect(await code(member.occupancy.hub({ tenant, hubId }))).toBe('FORBIDDEN');
    expect(await code(zeitz.occupancy.hub({ tenant, hubId }))).toBe('NOT_FOUND');
    expect(await code(zeitz.occupancy.hub({ tenant: 'zeitz', hubId }))).toBe('NOT_FOUND');
  });

  test('refuses a period longer than half a year with a field error', async ({ api }) => {
    const admin = await api.as(DEMO_USERS.einbeckAdmin);
    expect(await code(admin.occupancy.hub({ tenant, hubId, weeks: 27 }))).toBe('BAD_REQUEST');
  });
});

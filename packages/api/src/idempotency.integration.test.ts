/**
 * Idempotency keys on a town's creates (docs/decisions/033): a retry with
 * the key gets what the first request made — also when the first committed
 * but its answer was lost, and when both arrive at once — and the same key
 * with other input is refused on the field, never a second booking.
 */
import { randomUUID } from 'node:crypto';
import { localParts, nthWorkday, zonedToUtc } from '@hubwerk/domain';
import { describe, expect } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { type Caller, failure } from './test-support.ts';
import { fileFixtures, seededApiTest } from './testing/fixtures.ts';

const test = seededApiTest({ poolSize: 6 });
const file = fileFixtures(test);

const TZ = 'Europe/Berlin';
const tenant = 'einbeck';
let member: Caller;
let member2: Caller;
let roomId: string;

test.beforeAll(async ({ api }) => {
  const admin = await api.as(DEMO_USERS.einbeckAdmin);
  [member, member2] = await Promise.all([api.as(DEMO_USERS.einbeckMember), api.as(DEMO_USERS.einbeckMember2)]);
  const hubId = (await admin.hubs.list({ tenant })).items[0]!.id;
  roomId = (
    await admin.spaces.create({
      tenant,
      hubId,
      kind: 'meeting-room',
      name: 'Raum Wiederholung',
      capacity: 8,
      amenities: [],
      rules: {
        granularityMinutes: 30,
        minDurationMinutes: 30,
        maxDurationMinutes: 240,
        leadTimeMinutes: 0,
        horizonDays: 60,
        bufferMinutes: 0,
        approvalRequired: false,
      },
    })
  ).id;
});

const day = nthWorkday(localParts(new Date(), TZ).date, 3);
const at = (hour: number) => zonedToUtc(day, hour * 60, TZ).toISOString();
const bookingsWith = async (purpose: string) =>
  Number((await file.superuser.query(`SELECT count(*) AS n FROM "Booking" WHERE purpose = $1`, [purpose])).rows[0].n);

describe('bookings.create with an idempotency key', () => {
  test('answers a retry with the booking the first request made, not a conflict with itself', async () => {
    const input = {
      tenant,
      spaceId: roomId,
      startsAt: at(9),
      endsAt: at(10),
      purpose: 'Retry',
      idempotencyKey: randomUUID(),
    };
    const first = await member.bookings.create(input);
    const again = await member.bookings.create(input);
    expect(again).toEqual(first);
    expect(await bookingsWith('Retry')).toBe(1);
    // Without the key the same slot is a conflict, as before.
    expect((await failure(member.bookings.create({ ...input, idempotencyKey: undefined }))).code).toBe('CONFLICT');
  });

  test('makes one booking when the same request arrives twice at once', async () => {
    const input = {
      tenant,
      spaceId: roomId,
      startsAt: at(11),
      endsAt: at(12),
      purpose: 'Twins',
      idempotencyKey: randomUUID(),
    };
    const [a, b] = await Promise.all([member.bookings.create(input), member.bookings.create(input)]);
    expect(a.id).toBe(b.id);
    expect(await bookingsWith('Twins')).toBe(1);
  });

  test('refuses the key with other input, or from another person, naming the field', async () => {
    const idempotencyKey = randomUUID();
    const input = { tenant, spaceId: roomId, startsAt: at(13), endsAt: at(14), purpose: 'Once', idempotencyKey };
    await member.bookings.create(input);
    const changed = await failure(member.bookings.create({ ...input, startsAt: at(14), endsAt: at(15) }));
    expect(changed).toMatchObject({
      code: 'BAD_REQUEST',
      messageKey: 'errors.idempotencyKeyReused',
      fieldErrors: { idempotencyKey: ['errors.idempotencyKeyReused'] },
    });
    expect(await failure(member2.bookings.create(input))).toMatchObject({ messageKey: 'errors.idempotencyKeyReused' });
    expect(await bookingsWith('Once')).toBe(1);
  });

  test('records nothing when the booking is refused, so the key stays free for a corrected attempt', async ({
    superuser,
  }) => {
    const idempotencyKey = randomUUID();
    const refused = await failure(
      member.bookings.create({ tenant, spaceId: roomId, startsAt: at(15), endsAt: at(14), idempotencyKey }),
    );
    expect(refused.code).toBe('BAD_REQUEST');
    const keys = await superuser.query(`SELECT 1 FROM "TenantIdempotencyKey" WHERE key = $1`, [idempotencyKey]);
    expect(keys.rowCount).toBe(0);
  });
});

describe('bookingSeries.create with an idempotency key', () => {
  test('answers a retry with the series the first request made, and refuses the key for another series', async () => {
    const input = {
      tenant,
      spaceId: roomId,
      startsAt: at(16),
      endsAt: at(17),
      rrule: 'FREQ=WEEKLY;COUNT=3',
      purpose: 'Serie',
      idempotencyKey: randomUUID(),
    };
    const first = await member.bookingSeries.create(input);
    const again = await member.bookingSeries.create(input);
    expect(again.id).toBe(first.id);
    expect(await bookingsWith('Serie')).toBe(3);
    expect(await failure(member.bookingSeries.create({ ...input, rrule: 'FREQ=WEEKLY;COUNT=2' }))).toMatchObject({
      code: 'BAD_REQUEST',
      fieldErrors: { idempotencyKey: ['errors.idempotencyKeyReused'] },
    });
  });
});

describe('publicBookings.request with an idempotency key', () => {
  test('answers a retried or doubled submission once: one request, one confirmation mail; other input with the key is refused', async ({
    api,
  }) => {
    await file.superuser.query(`UPDATE "Space" SET "publicBookable" = true WHERE id = $1`, [roomId]);
    await file.superuser.query(`UPDATE "Hub" SET "isPublic" = true WHERE slug = 'digital-hub-einbeck'`);
    const visitor = api.caller();
    const email = 'wiederholt@example.org';
    const input = {
      town: tenant,
      hub: 'digital-hub-einbeck',
      spaceId: roomId,
      startsAt: at(12),
      endsAt: at(13),
      name: 'Wilma Wiederholt',
      email,
      idempotencyKey: randomUUID(),
    };
    const answers = await Promise.all([visitor.publicBookings.request(input), visitor.publicBookings.request(input)]);
    answers.push(await visitor.publicBookings.request(input));
    expect(answers).toEqual([answers[0], answers[0], answers[0]]);
    const count = async (sql: string) => Number((await file.superuser.query(sql, [email])).rows[0].n);
    expect(await count(`SELECT count(*) AS n FROM "PublicBookingRequest" WHERE email = $1`)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM "OutboxEmail" WHERE "toAddress" = $1`)).toBe(1);
    expect(await failure(visitor.publicBookings.request({ ...input, endsAt: at(14) }))).toMatchObject({
      code: 'BAD_REQUEST',
      fieldErrors: { idempotencyKey: ['errors.idempotencyKeyReused'] },
    });
    // Without a key, the same submission is a second request, as before.
    await visitor.publicBookings.request({ ...input, idempotencyKey: undefined });
    expect(await count(`SELECT count(*) AS n FROM "PublicBookingRequest" WHERE email = $1`)).toBe(2);
  });
});

/**
 * Input hygiene end to end (docs/decisions/025): hostile text, dates and
 * keys are refused by field before they reach PostgreSQL or a mail; the
 * public confirmation link tells nobody which hubs exist; a public
 * requester's text never reaches a mail to the address they typed.
 */
import { randomUUID } from 'node:crypto';
import { addDays, localParts, weekdayOf, zonedToUtc } from '@hubwerk/domain';
import { describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { createContext } from './context.ts';
import { appRouter } from './root.ts';
import { type Caller, failure } from './test-support.ts';
import { createCallerFactory } from './trpc.ts';
import { fileFixtures, seededApiTest } from './testing/fixtures.ts';

const test = seededApiTest();
const file = fileFixtures(test);

const TZ = 'Europe/Berlin';
let admin: Caller;
let publicRoomId: string;
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
const where = { town: 'einbeck', hub: 'digital-hub-einbeck' };
const count = async (sql: string, params: unknown[] = []) =>
  Number((await file.superuser.query(`SELECT count(*) AS n FROM ${sql}`, params)).rows[0].n);

/** A weekday at least a week ahead, at the given Berlin wall-clock hour. */
function slot(daysAhead: number, hour: number) {
  let date = addDays(localParts(new Date(), TZ).date, daysAhead);
  while (weekdayOf(date) > 5) date = addDays(date, 1);
  const at = (h: number) => zonedToUtc(date, h * 60, TZ).toISOString();
  return { startsAt: at(hour), endsAt: at(hour + 1) };
}

test.beforeAll(async ({ api, superuser }) => {
  admin = await api.as(DEMO_USERS.einbeckAdmin);
  const room = await superuser.query<{ id: string }>(
    `UPDATE "Space" s SET "publicBookable" = true FROM "Hub" h WHERE h."tenantId" = s."tenantId" AND h.id = s."hubId" AND h.slug = 'digital-hub-einbeck' AND s.kind = 'EVENT_ROOM' RETURNING s.id`,
  );
  publicRoomId = room.rows[0]!.id;
  // Opening hours every day, so the chosen slot is open whatever the seed says.
  await superuser.query(
    `DELETE FROM "OpeningHours" o USING "Hub" h WHERE h."tenantId" = o."tenantId" AND h.id = o."hubId" AND h.slug = 'digital-hub-einbeck'`,
  );
  await superuser.query(
    `INSERT INTO "OpeningHours" ("tenantId", id, "hubId", weekday, "opensAt", "closesAt")
     SELECT h."tenantId", gen_random_uuid(), h.id, d, 360, 1320 FROM "Hub" h, generate_series(1, 7) d WHERE h.slug = 'digital-hub-einbeck'`,
  );
});

describe('the public confirmation link', () => {
  test('answers a private hub, a missing hub, a missing town and an inactive town alike', async ({ superuser }) => {
    const token = 'x'.repeat(43);
    const answers = [];
    await superuser.query(`UPDATE "Hub" SET "isPublic" = false WHERE slug = 'digital-hub-einbeck'`);
    try {
      answers.push(await failure(visitor().publicBookings.confirm({ ...where, token })));
    } finally {
      await superuser.query(`UPDATE "Hub" SET "isPublic" = true WHERE slug = 'digital-hub-einbeck'`);
    }
    answers.push(await failure(visitor().publicBookings.confirm({ ...where, token })));
    answers.push(await failure(visitor().publicBookings.confirm({ town: 'einbeck', hub: 'gibt-es-nicht', token })));
    answers.push(
      await failure(visitor().publicBookings.confirm({ town: 'gibt-es-nicht', hub: 'digital-hub-einbeck', token })),
    );
    await superuser.query(`UPDATE "Tenant" SET status = 'SUSPENDED' WHERE slug = 'zeitz'`);
    try {
      const zeitzHub = (
        await superuser.query<{ slug: string }>(
          `SELECT h.slug FROM "Hub" h JOIN "Tenant" t ON t.id = h."tenantId" WHERE t.slug = 'zeitz' LIMIT 1`,
        )
      ).rows[0]!.slug;
      answers.push(await failure(visitor().publicBookings.confirm({ town: 'zeitz', hub: zeitzHub, token })));
    } finally {
      await superuser.query(`UPDATE "Tenant" SET status = 'ACTIVE' WHERE slug = 'zeitz'`);
    }
    expect(answers).toHaveLength(5);
    for (const answer of answers)
      expect(answer).toEqual({
        code: 'BAD_REQUEST',
        messageKey: 'errors.publicBooking.invalidLink',
        fieldErrors: { token: ['errors.publicBooking.invalidLink'] },
      });
  });
});

describe("a public requester's text", () => {
  it.each([
    ['a second line', 'Erika Muster\nGewinnen Sie jetzt: besuchen Sie uns'],
    ['a URL', 'Erika https://gewinn.example/login'],
    ['a bare domain', 'Erika gewinn-jetzt.de'],
    ['www.', 'Erika www.gewinn'],
    ['an address', 'erika@gewinn.example'],
  ])('refuses a name with %s, by field, and mails nothing', async (_label, name) => {
    const before = await count(`"OutboxEmail"`);
    const refused = await failure(
      visitor().publicBookings.request({
        ...where,
        spaceId: publicRoomId,
        ...slot(8, 10),
        name,
        email: `opfer-${randomUUID().slice(0, 8)}@example.org`,
      }),
    );
    expect(refused.code).toBe('BAD_REQUEST');
    expect(refused.fieldErrors?.name?.[0]).toMatch(/^validation\.input\.(requesterName|lineBreak)$/);
    expect(await count(`"OutboxEmail"`)).toBe(before);
    expect(await count(`"PublicBookingRequest" WHERE name = $1`, [name])).toBe(0);
  });

  test('never reaches the mail to the unconfirmed address: not the name, not the purpose', async ({ superuser }) => {
    const email = `angefragt-${randomUUID().slice(0, 8)}@example.org`;
    await visitor().publicBookings.request({
      ...where,
      spaceId: publicRoomId,
      ...slot(9, 11),
      name: 'Erika Eindeutigname',
      email,
      purpose: 'Zweck Eindeutigzweck',
    });
    const mails = (
      await superuser.query<{ subject: string; textBody: string }>(
        `SELECT subject, "textBody" FROM "OutboxEmail" WHERE "toAddress" = $1`,
        [email],
      )
    ).rows;
    expect(mails).toHaveLength(1);
    expect(mails[0]!.textBody).toContain('/p/einbeck/digital-hub-einbeck/bestaetigen/');
    expect(`${mails[0]!.subject}\n${mails[0]!.textBody}`).not.toMatch(/Eindeutigname|Eindeutigzweck|Erika/);
    // What was typed is kept for the town's staff once confirmed, not mailed before.
    expect(await count(`"PublicBookingRequest" WHERE email = $1 AND name = 'Erika Eindeutigname'`, [email])).toBe(1);
  });
});

describe('hostile input', () => {
  test('refuses a NUL byte in the town slug by field (not a 500)', async () => {
    const refused = await failure(admin.hubs.list({ tenant: 'ein\u0000beck' }));
    expect(refused).toMatchObject({
      code: 'BAD_REQUEST',
      messageKey: 'errors.invalidInput',
      fieldErrors: { tenant: ['validation.input.control'] },
    });
    const publicRefused = await failure(
      visitor().publicBookings.hub({ town: 'ein\u0000beck', hub: 'digital-hub-einbeck' }),
    );
    expect(publicRefused).toMatchObject({ code: 'BAD_REQUEST', fieldErrors: { town: ['validation.input.control'] } });
  });

  test('refuses lone surrogates and control characters in text, by field, and writes nothing', async () => {
    const hubs = await count(`"Hub"`);
    for (const [value, key] of [
      ['Werkstatt \uD800', 'validation.input.encoding'],
      ['Werkstatt \u0007', 'validation.input.control'],
      ['Werkstatt\nZwei', 'validation.input.lineBreak'],
    ] as const) {
      expect(await failure(admin.hubs.create({ tenant: 'einbeck', name: value }))).toMatchObject({
        code: 'BAD_REQUEST',
        fieldErrors: { name: [key] },
      });
    }
    expect(await count(`"Hub"`)).toBe(hubs);
  });

  test('keeps line breaks where a field is multi-line', async () => {
    const hubId = (await admin.hubs.list({ tenant: 'einbeck' })).items.find(
      (h) => h.slug === 'digital-hub-einbeck',
    )!.id;
    const profile = await admin.hubs.profile({ tenant: 'einbeck', hubId });
    await admin.hubs.updateProfile({
      tenant: 'einbeck',
      hubId,
      name: profile.name,
      isPublic: true,
      description: 'Erste Zeile\r\nZweite Zeile\n\tEingerückt',
    });
    expect((await admin.hubs.profile({ tenant: 'einbeck', hubId })).description).toBe(
      'Erste Zeile\nZweite Zeile\n\tEingerückt',
    );
    expect(
      await failure(admin.hubs.updateProfile({ tenant: 'einbeck', hubId, name: 'Zwei\nZeilen', isPublic: true })),
    ).toMatchObject({ fieldErrors: { name: ['validation.input.lineBreak'] } });
  });

  test('refuses impossible and far dates by field', async () => {
    const hubId = (await admin.hubs.list({ tenant: 'einbeck' })).items[0]!.id;
    expect(await failure(admin.spaces.addClosedDay({ tenant: 'einbeck', hubId, date: '2027-02-30' }))).toMatchObject({
      fieldErrors: { date: ['validation.input.impossibleDate'] },
    });
    expect(await failure(admin.spaces.addClosedDay({ tenant: 'einbeck', hubId, date: '0000-01-01' }))).toMatchObject({
      fieldErrors: { date: ['validation.input.impossibleDate'] },
    });
    expect(await failure(admin.hubCalendar.week({ tenant: 'einbeck', hubId, date: '9999-12-31' }))).toMatchObject({
      fieldErrors: { date: ['validation.input.yearRange'] },
    });
    expect(
      await failure(
        visitor().publicBookings.request({
          ...where,
          spaceId: publicRoomId,
          startsAt: '2027-02-30T10:00:00+01:00',
          endsAt: '0000-01-01T00:00:00Z',
          name: 'Erika',
          email: 'e@example.org',
        }),
      ),
    ).toMatchObject({
      fieldErrors: { startsAt: ['validation.input.impossibleDate'], endsAt: ['validation.input.impossibleDate'] },
    });
  });

  test('refuses prototype keys anywhere in the input by name, and the formatter survives them', async ({
    superuser,
  }) => {
    const spaceId = (
      await superuser.query<{ id: string }>(
        `SELECT s.id FROM "Space" s JOIN "Tenant" t ON t.id = s."tenantId" WHERE t.slug = 'einbeck' LIMIT 1`,
      )
    ).rows[0]!.id;
    const rules = JSON.parse(
      '{"granularityMinutes":30,"minDurationMinutes":30,"maxDurationMinutes":60,"leadTimeMinutes":0,"horizonDays":30,"bufferMinutes":0,"approvalRequired":false,"__proto__":{"isAdmin":true}}',
    );
    expect(await failure(admin.spaces.updateRules({ tenant: 'einbeck', spaceId, rules }))).toMatchObject({
      code: 'BAD_REQUEST',
      fieldErrors: { 'rules.__proto__': ['validation.unknownField'] },
    });
    const top = JSON.parse('{"tenant":"einbeck","__proto__":{"x":1},"constructor":{"prototype":1}}');
    const refused = await failure(admin.hubs.list(top));
    expect(refused.code).toBe('BAD_REQUEST');
    // Entries, not an object literal: `{ __proto__: … }` would set a prototype instead of naming a key.
    expect(Object.entries(refused.fieldErrors ?? {}).sort()).toEqual([
      ['__proto__', ['validation.unknownField']],
      ['constructor', ['validation.unknownField']],
    ]);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});

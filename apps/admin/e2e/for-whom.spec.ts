/**
 * For whom and by whom in a real Chromium: the hub manager books
 * the event room for a member found with the member search, and the booking
 * shows "für …" / "gebucht von …" on the space page, the hub's week and the
 * member's "Meine Buchungen"; members are never offered the choice; without
 * JavaScript staff book for an organisation. The hub's public page shows the
 * free slots of its public spaces, and a slot fills in the request form.
 * axe finds nothing on any of these pages.
 */
import { addDays, localParts, weekdayOf } from '@hubwerk/domain';
import pg from 'pg';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { expectNoAxeViolations, openPage, signIn, type Stack, startStack } from './support/stack.ts';

let stack: Stack;
let db: pg.Client;
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });
const contexts: BrowserContext[] = [];
async function newPage(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const page = await openPage(stack, contexts, options);
  // A step that cannot happen fails with its locator instead of waiting for the test's timeout.
  page.setDefaultTimeout(20_000);
  return page;
}

/** The first workday (Mon–Fri, Berlin) at least `from` days ahead. */
function workday(from: number): string {
  let date = addDays(localParts(new Date(), 'Europe/Berlin').date, from);
  while (weekdayOf(date) > 5) date = addDays(date, 1);
  return date;
}
const idOf = async (sql: string, params: unknown[] = []) => (await db.query<{ id: string }>(sql, params)).rows[0]!.id;

beforeAll(async () => {
  stack = await startStack();
  db = new pg.Client({ connectionString: stack.superuserUrl });
  await db.connect();
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await db?.end();
  await stack?.stop();
});

describe('booking for someone else', () => {
  it('lets the hub manager book for a member found by the search; the member sees it with "gebucht von"; axe finds nothing', async () => {
    const roomId = await idOf(
      `SELECT s.id FROM "Space" s JOIN "Tenant" t ON t.id = s."tenantId" WHERE t.slug = 'einbeck' AND s.kind = 'EVENT_ROOM'`,
    );
    const hubId = await idOf(`SELECT h.id FROM "Hub" h WHERE h.slug = 'digital-hub-einbeck'`);
    const memberId = await idOf(`SELECT id FROM "User" WHERE email = $1`, [DEMO_USERS.einbeckMember]);
    const managerId = await idOf(`SELECT id FROM "User" WHERE email = $1`, [DEMO_USERS.einbeckManager]);
    const date = workday(3);

    const manager = await newPage();
    await signIn(manager, DEMO_USERS.einbeckManager);
    await manager.goto(`/towns/einbeck/spaces/${roomId}?week=${date}`);
    await poll(() => manager.getByRole('heading', { level: 1 }).innerText()).toBe('Veranstaltungsraum');
    await manager.getByLabel('Datum').fill(date);
    await manager.getByLabel('Beginn').fill('14:00');
    await manager.getByLabel('Ende').fill('15:00');
    await manager.getByLabel('Zweck').fill('Beratung');
    await manager.getByLabel('Für ein Mitglied').check();
    // The search is a GET of the whole form: what was typed stays.
    await manager.getByLabel(/Mitglied suchen/).fill('Mia');
    await manager.getByRole('button', { name: 'Suchen' }).click();
    await poll(() => manager.locator('#booking-for-member option').allInnerTexts()).toEqual([
      'Bitte wählen',
      'Mia Mitglied',
    ]);
    expect(await manager.getByLabel('Datum').inputValue()).toBe(date);
    expect(await manager.getByLabel('Beginn').inputValue()).toBe('14:00');
    expect(await manager.getByLabel('Für ein Mitglied').isChecked()).toBe(true);
    await expectNoAxeViolations(manager, 'space page with the for-whom choice');
    // "For a member" without choosing one: a field error naming what is missing, nothing booked.
    await manager.getByRole('button', { name: 'Verbindlich buchen' }).click();
    await poll(() => manager.locator('#booking-for-member-error').innerText()).toContain(
      'Bitte wählen Sie das Mitglied',
    );
    await expectNoAxeViolations(manager, 'space page with a for-whom field error');
    expect(await manager.getByLabel('Datum').inputValue()).toBe(date);
    await manager.locator('#booking-for-member').selectOption({ label: 'Mia Mitglied' });
    await manager.getByRole('button', { name: 'Verbindlich buchen' }).click();
    await poll(() => manager.getByRole('status').innerText()).toMatch(
      /^Gebucht: .*\(für Mia Mitglied · gebucht von Hanna Hubmanagerin\)$/,
    );
    const booked = (
      await db.query(
        `SELECT "userId", "createdById", purpose FROM "Booking" WHERE "spaceId" = $1 AND purpose = 'Beratung'`,
        [roomId],
      )
    ).rows;
    expect(booked).toEqual([{ userId: memberId, createdById: managerId, purpose: 'Beratung' }]);
    // The space's week and the hub's week say for whom and by whom.
    await poll(() => manager.getByRole('row', { name: /14:00–15:00/ }).innerText()).toContain(
      'für Mia Mitglied · gebucht von Hanna Hubmanagerin',
    );
    await expectNoAxeViolations(manager, 'space page after booking for a member');
    await manager.goto(`/towns/einbeck/hubs/${hubId}/week?week=${date}`);
    await poll(() => manager.locator('.week-cell__booked', { hasText: 'Beratung' }).innerText()).toContain(
      'für Mia Mitglied · gebucht von Hanna Hubmanagerin',
    );
    await expectNoAxeViolations(manager, 'hub week with for whom');

    const member = await newPage();
    await signIn(member, DEMO_USERS.einbeckMember);
    await member.goto('/towns/einbeck/bookings');
    await poll(() =>
      member
        .getByRole('row', { name: /Veranstaltungsraum/ })
        .first()
        .innerText(),
    ).toContain('gebucht von Hanna Hubmanagerin');
    await expectNoAxeViolations(member, 'Meine Buchungen with a booking made by staff');
    // Members never get the choice.
    await member.goto(`/towns/einbeck/spaces/${roomId}`);
    await poll(() => member.getByRole('heading', { level: 1 }).innerText()).toBe('Veranstaltungsraum');
    expect(await member.getByRole('group', { name: 'Für wen' }).count()).toBe(0);
    expect(await member.locator('[name="forUserId"], [name="organisationId"]').count()).toBe(0);
  });

  it('works without JavaScript: the town admin searches members (with emails) and books for an organisation; a missing choice is a field error', async () => {
    const roomId = await idOf(
      `SELECT s.id FROM "Space" s JOIN "Tenant" t ON t.id = s."tenantId" WHERE t.slug = 'einbeck' AND s.kind = 'EVENT_ROOM'`,
    );
    const tenantId = await idOf(`SELECT id FROM "Tenant" WHERE slug = 'einbeck'`);
    const orgId = await idOf(
      `INSERT INTO "Organisation" ("tenantId", id, name, kind, "updatedAt") VALUES ($1, gen_random_uuid(), 'Heimatverein Einbeck', 'ASSOCIATION', now()) RETURNING id`,
      [tenantId],
    );
    const date = workday(4);
    const page = await newPage({ javaScriptEnabled: false });
    await signIn(page, DEMO_USERS.einbeckAdmin);
    await page.goto(`/towns/einbeck/spaces/${roomId}?week=${date}`);
    await page.getByLabel('Datum').fill(date);
    await page.getByLabel('Beginn').fill('09:00');
    await page.getByLabel('Ende').fill('10:00');
    // The member search without JavaScript: a GET of the form keeps what was typed.
    await page.getByLabel(/Mitglied suchen/).fill('Max');
    await page.getByRole('button', { name: 'Suchen' }).click();
    await poll(() => page.locator('#booking-for-member option').allInnerTexts()).toEqual([
      'Bitte wählen',
      `Max Mitglied (${DEMO_USERS.einbeckMember2})`,
    ]);
    expect(await page.getByLabel('Beginn').inputValue()).toBe('09:00');
    await page.getByLabel('Für eine Organisation').check();
    await page.getByRole('button', { name: 'Verbindlich buchen' }).click();
    // (axe needs JavaScript in the page: the same states are checked in the test above.)
    await poll(() => page.locator('#booking-for-organisation-error').innerText()).toContain(
      'Bitte wählen Sie die Organisation',
    );
    expect(await page.getByLabel('Datum').inputValue()).toBe(date);
    await page.locator('#booking-for-organisation').selectOption({ label: 'Heimatverein Einbeck' });
    await page.getByRole('button', { name: 'Verbindlich buchen' }).click();
    await poll(() => page.getByRole('status').innerText()).toContain('Gebucht');
    const booked = (
      await db.query(`SELECT "organisationId" FROM "Booking" WHERE "spaceId" = $1 AND "organisationId" IS NOT NULL`, [
        roomId,
      ])
    ).rows;
    expect(booked).toEqual([{ organisationId: orgId }]);
    await poll(() => page.getByRole('row', { name: /09:00–10:00/ }).innerText()).toContain('Heimatverein Einbeck');
  });
});

describe("free slots on the hub's public page", () => {
  it('shows the free slots of the public spaces for seven days; a slot fills in the request form; axe finds nothing', async () => {
    const showroomId = await idOf(
      `SELECT s.id FROM "Space" s JOIN "Tenant" t ON t.id = s."tenantId" WHERE t.slug = 'einbeck' AND s.kind = 'SHOWROOM'`,
    );
    await db.query(`UPDATE "Space" SET "publicBookable" = true WHERE id = $1`, [showroomId]);
    const today = localParts(new Date(), 'Europe/Berlin').date;
    const date = workday(1);
    const offset = Array.from({ length: 7 }, (_, i) => addDays(today, i)).indexOf(date);

    const page = await newPage();
    // Not a public hub: no public page, no free times.
    await db.query(`UPDATE "Hub" SET "isPublic" = false WHERE slug = 'digital-hub-einbeck'`);
    expect((await page.goto('/p/einbeck/digital-hub-einbeck'))?.status()).toBe(404);
    expect(await page.getByRole('heading', { name: 'Freie Zeiten' }).count()).toBe(0);

    await db.query(`UPDATE "Hub" SET "isPublic" = true WHERE slug = 'digital-hub-einbeck'`);
    await page.goto('/p/einbeck/digital-hub-einbeck');
    await poll(() => page.getByRole('heading', { name: 'Freie Zeiten' }).count()).toBe(1);
    await expectNoAxeViolations(page, 'public hub page with free slots');
    const dayLinks = page.getByRole('navigation', { name: 'Tag wählen' }).getByRole('link');
    expect(await dayLinks.count()).toBe(7);
    await dayLinks.nth(offset).click();
    await poll(() => dayLinks.nth(offset).getAttribute('aria-current')).toBe('date');
    const slot = page.getByRole('link', { name: /^Showroom am .* 08:00–16:00 anfragen$/ });
    await poll(() => slot.count()).toBe(1);
    expect(await slot.innerText()).toBe('frei 08:00–18:00');
    await slot.click();
    await poll(() => page.getByLabel('Von').inputValue()).toBe('08:00');
    expect(await page.getByLabel('Datum').inputValue()).toBe(date);
    expect(await page.getByLabel('Bis').inputValue()).toBe('16:00');
    expect(await page.getByLabel('Raum oder Arbeitsplatz').inputValue()).toBe(showroomId);
    await page.getByLabel('Ihr Name').fill('Paula Public');
    await page.getByLabel('Ihre E-Mail-Adresse').fill('paula.slots@example.org');
    await page.getByRole('button', { name: 'Anfrage senden' }).click();
    await poll(() => page.getByRole('status').innerText()).toContain('Bitte bestätigen Sie die Anfrage');
    const request = (
      await db.query(`SELECT "spaceId", "startsAt" FROM "PublicBookingRequest" WHERE email = 'paula.slots@example.org'`)
    ).rows[0];
    expect(request?.spaceId).toBe(showroomId);
    // Next week and back.
    await page.getByRole('link', { name: 'Nächste Woche' }).click();
    await poll(() => page.getByRole('link', { name: 'Vorherige Woche' }).count()).toBe(1);
    await expectNoAxeViolations(page, 'public hub page, next week');
  });
});

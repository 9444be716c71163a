/**
 * A person's own data rights (docs/decisions/027) in a real Chromium against
 * the production build: "Meine Daten" downloads a ZIP with the person's
 * bookings from two towns, deleting the account needs the password, the
 * person lands signed out and cannot sign in again — and the town admin sees
 * the booking, kept for the town's records, by "Gelöschtes Konto".
 */
import { readFile } from 'node:fs/promises';
import { addDays, localParts, weekdayOf, zonedToUtc } from '@hubwerk/domain';
import { strFromU8, unzipSync } from 'fflate';
import pg from 'pg';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS } from '../../../prisma/seed.ts';
import { expectNoAxeViolations, LEFT_LOGIN, openPage, signIn, type Stack, startStack } from './support/stack.ts';

let stack: Stack;
let db: pg.Client;
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 100 });
const contexts: BrowserContext[] = [];
const PERSON = 'dora.datenschutz@hubwerk.test';
const rows = { hubId: '', date: '', bookings: [] as string[] };

async function newPage(): Promise<Page> {
  const page = await openPage(stack, contexts);
  page.setDefaultTimeout(20_000);
  return page;
}

/** The first workday (Mon–Fri, Berlin) at least `from` days ahead. */
function workday(from: number): string {
  let date = addDays(localParts(new Date(), 'Europe/Berlin').date, from);
  while (weekdayOf(date) > 5) date = addDays(date, 1);
  return date;
}

beforeAll(async () => {
  stack = await startStack();
  db = new pg.Client({ connectionString: stack.superuserUrl });
  await db.connect();
  // Dora: a member of Einbeck and Sangerhausen (demo password), with one booking in each.
  const { rows: user } = await db.query<{ id: string }>(
    `INSERT INTO "User" (id, email, name, "passwordHash", "updatedAt") SELECT gen_random_uuid(), $2, 'Dora Datenschutz', "passwordHash", now() FROM "User" WHERE email = $1 RETURNING id`,
    [DEMO_USERS.einbeckMember, PERSON],
  );
  rows.date = workday(4);
  for (const [i, slug] of ['einbeck', 'sangerhausen'].entries()) {
    const { rows: space } = await db.query<{ tenantId: string; id: string; hubId: string }>(
      `SELECT s."tenantId", s.id, s."hubId" FROM "Space" s JOIN "Tenant" t ON t.id = s."tenantId" WHERE t.slug = $1 AND s.kind = 'EVENT_ROOM' ORDER BY s.id LIMIT 1`,
      [slug],
    );
    const { tenantId, id: spaceId, hubId } = space[0]!;
    if (slug === 'einbeck') rows.hubId = hubId;
    await db.query(
      `INSERT INTO "TenantMembership" ("tenantId", id, "userId", role) VALUES ($1, gen_random_uuid(), $2, 'MEMBER')`,
      [tenantId, user[0]!.id],
    );
    const startsAt = zonedToUtc(rows.date, (7 + i) * 60, 'Europe/Berlin');
    const { rows: booking } = await db.query<{ id: string }>(
      `INSERT INTO "Booking" ("tenantId", id, "spaceId", "userId", "startsAt", "endsAt", purpose) VALUES ($1, gen_random_uuid(), $2, $3, $4, $5, 'Doras Datenschutz-Sprechstunde') RETURNING id`,
      [tenantId, spaceId, user[0]!.id, startsAt, new Date(startsAt.getTime() + 3_600_000)],
    );
    rows.bookings.push(booking[0]!.id);
  }
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await db?.end();
  await stack?.stop();
});

describe('my data', () => {
  it('downloads everything about the person, deletes the account after the password, and the town admin sees the anonymised booking', async () => {
    const page = await newPage();
    await signIn(page, PERSON, LEFT_LOGIN);
    await page.getByRole('link', { name: 'Meine Daten' }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Meine Daten und mein Konto');
    await expectNoAxeViolations(page, 'my data');

    // The ZIP: both towns' bookings, as JSON and CSV.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Meine Daten herunterladen (ZIP)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^meine-daten-hubwerk-\d{4}-\d{2}-\d{2}\.zip$/);
    const files = unzipSync(await readFile((await download.path())!));
    const bookings = JSON.parse(strFromU8(files['buchungen.json']!)) as Array<{ id: string; town: string }>;
    expect(bookings.map((b) => b.id).sort()).toEqual([...rows.bookings].sort());
    expect(bookings.map((b) => b.town).sort()).toEqual(['einbeck', 'sangerhausen']);
    expect(strFromU8(files['buchungen.csv']!)).toContain('Doras Datenschutz-Sprechstunde');
    expect(JSON.parse(strFromU8(files['konto.json']!))).toMatchObject({ email: PERSON, name: 'Dora Datenschutz' });

    // A wrong password: the field says so, the typed address stays, nothing is deleted.
    await page.getByLabel('Ihr Passwort').fill('nicht-mein-passwort');
    await page.getByLabel('Zur Bestätigung: Ihre E-Mail-Adresse').fill(PERSON);
    await page.getByRole('button', { name: 'Konto endgültig löschen' }).click();
    await poll(() => page.locator('#delete-password-error').innerText()).toContain('Das bisherige Passwort ist falsch');
    expect(await page.getByLabel('Zur Bestätigung: Ihre E-Mail-Adresse').inputValue()).toBe(PERSON);
    await expectNoAxeViolations(page, 'my data with a field error');
    expect((await db.query(`SELECT 1 FROM "User" WHERE email = $1`, [PERSON])).rowCount).toBe(1);

    await page.getByLabel('Ihr Passwort').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Konto endgültig löschen' }).click();
    await page.waitForURL('**/account/deleted');
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Ihr Konto wurde gelöscht');
    await expectNoAxeViolations(page, 'account deleted');
    expect((await db.query(`SELECT 1 FROM "User" WHERE email = $1`, [PERSON])).rowCount).toBe(0);

    // Signed out, and the password opens nothing any more.
    await page.goto('/account/data');
    await page.waitForURL('**/login**');
    await page.getByLabel('E-Mail-Adresse').fill(PERSON);
    await page.getByLabel('Passwort').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await poll(() => page.getByText('E-Mail oder Passwort ist falsch').count()).toBeGreaterThan(0);

    // The town keeps the booking: the admin sees it in the hub's week, by "Gelöschtes Konto".
    const admin = await newPage();
    await signIn(admin, DEMO_USERS.einbeckAdmin);
    await admin.goto(`/towns/einbeck/hubs/${rows.hubId}/week?week=${rows.date}`);
    await poll(() =>
      admin.locator('.week-cell__booked', { hasText: 'Doras Datenschutz-Sprechstunde' }).innerText(),
    ).toContain('für Gelöschtes Konto');
    expect(await admin.getByText('Dora Datenschutz').count()).toBe(0);
  });
});

/**
 * Acceptance test of spaces and bookings in a real Chromium: a hub
 * manager sets up a co-working space with 6 desks and a rule, a member books
 * a desk, a second member wanting the same desk is told which booking is in
 * the way; axe finds nothing on the new pages. Each test sets up what it
 * needs (through the API where the UI is not what it tests), so every test
 * passes alone and in any order.
 */
import { addDays, localParts, weekdayOf, zonedToUtc } from '@hubwerk/domain';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { apiAs, expectNoAxeViolations, openPage, signIn, type Stack, startStack } from './support/stack.ts';

let stack: Stack;
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });
const contexts: BrowserContext[] = [];

const newPage = (options: { javaScriptEnabled?: boolean } = {}): Promise<Page> => openPage(stack, contexts, options);

/** The third workday from today in Berlin: inside every seeded horizon, never today. */
function bookingDay(): string {
  let date = localParts(new Date(), 'Europe/Berlin').date;
  for (let found = 0; found < 3;) {
    date = addDays(date, 1);
    if (weekdayOf(date) <= 5) found++;
  }
  return date;
}

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await stack?.stop();
});

interface SeededSpace {
  id: string;
  desks: Array<{ id: string; name: string }>;
}

/** A co-working space of Digital Hub Einbeck with desks Arbeitsplatz 01–06 and the default rules, for one test. */
async function seedCoworkingSpace(name: string): Promise<SeededSpace> {
  const manager = await apiAs(stack, DEMO_USERS.einbeckManager);
  const { items } = await manager.query<{ items: Array<{ id: string; name: string }> }>('hubs.list', {
    tenant: 'einbeck',
  });
  const hub = items.find((h) => h.name === 'Digital Hub Einbeck');
  if (!hub) throw new Error('no Digital Hub Einbeck in the seed');
  return manager.mutate<SeededSpace>('spaces.create', {
    tenant: 'einbeck',
    hubId: hub.id,
    kind: 'coworking',
    name,
    capacity: 6,
    deskCount: 6,
  });
}

/** `email` books `desk` of `space` on `date` from `start` to `end` (Berlin, minutes after midnight). */
async function seedBooking(email: string, space: SeededSpace, desk: string, date: string, start: number, end: number) {
  const deskId = space.desks.find((d) => d.name === desk)?.id;
  if (!deskId) throw new Error(`no desk ${desk}`);
  await (
    await apiAs(stack, email)
  ).mutate('bookings.create', {
    tenant: 'einbeck',
    spaceId: space.id,
    deskId,
    startsAt: zonedToUtc(date, start, 'Europe/Berlin').toISOString(),
    endsAt: zonedToUtc(date, end, 'Europe/Berlin').toISOString(),
  });
}

async function openSpace(page: Page, name: string) {
  await page.getByRole('link', { name: 'Digital Hub Einbeck' }).click();
  await page.waitForURL('**/hubs/**');
  await page.getByRole('link', { name, exact: true }).click();
  await page.waitForURL('**/spaces/**');
  await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe(name);
}

async function bookDesk(page: Page, desk: string, date: string, start: string, end: string) {
  await page.getByLabel('Arbeitsplatz', { exact: true }).selectOption({ label: desk });
  await page.getByLabel('Datum').fill(date);
  await page.getByLabel('Beginn').fill(start);
  await page.getByLabel('Ende').fill(end);
  await page.getByRole('button', { name: 'Verbindlich buchen' }).click();
}

describe('spaces and bookings', () => {
  const day = () => bookingDay();

  it('lets the hub manager create a co-working space with 6 desks and a booking rule', async () => {
    const page = await newPage();
    await signIn(page, DEMO_USERS.einbeckManager);
    await page.getByRole('link', { name: 'Digital Hub Einbeck' }).click();
    await page.waitForURL('**/hubs/**');
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Digital Hub Einbeck');
    await expectNoAxeViolations(page, 'hub');

    // Creating a space is set-up, on a page of its own apart from booking.
    await page.getByRole('link', { name: 'Neuer Raum' }).click();
    await page.waitForURL('**/spaces/new');
    await expectNoAxeViolations(page, 'new space');
    await page.getByLabel('Art des Raums').selectOption({ label: 'Co-Working-Bereich' });
    await page.getByLabel('Name', { exact: true }).fill('Co-Working Ost');
    // Eight seats: room for the seventh desk added below (a desk needs a seat).
    await page.getByLabel('Kapazität (Personen)').fill('8');
    await page.getByLabel(/Anzahl Arbeitsplätze/).fill('6');
    await page.getByLabel('Buchungsraster (Minuten)').fill('60');
    await page.getByLabel('Mindestdauer (Minuten)').fill('60');
    await page.getByLabel('Höchstdauer (Minuten)').fill('600');
    await page.getByLabel('Puffer zwischen Buchungen (Minuten)').fill('0');
    await page.getByRole('button', { name: 'Raum anlegen' }).click();
    await poll(() => page.getByRole('status').first().innerText()).toContain('„Co-Working Ost“ wurde angelegt');
    const row = page.getByRole('row', { name: /Co-Working Ost/ });
    await poll(() => row.innerText()).toContain('Raster 60 min');
    await poll(() => row.locator('td').nth(2).innerText()).toBe('6');
    await expectNoAxeViolations(page, 'hub (after creating a space)');

    // The space page: add a seventh desk, tighten a rule (a wrong value is a field error).
    await page.getByRole('link', { name: 'Co-Working Ost', exact: true }).click();
    await page.waitForURL('**/spaces/**');
    await page.getByLabel('Name des Arbeitsplatzes').fill('Stehpult 07');
    await page.getByLabel(/^Merkmale/).fill('Stehpult, Monitor');
    await page.getByRole('button', { name: 'Arbeitsplatz hinzufügen' }).click();
    await poll(() => page.getByRole('status').first().innerText()).toContain('„Stehpult 07“ wurde hinzugefügt');
    await page.getByLabel('Mindestdauer (Minuten)').fill('90');
    await page.getByRole('button', { name: 'Regeln speichern' }).click();
    await poll(() => page.getByRole('alert').innerText()).toContain('Vielfaches des Buchungsrasters');
    await page.getByLabel('Mindestdauer (Minuten)').fill('120');
    await page.getByRole('button', { name: 'Regeln speichern' }).click();
    await poll(() => page.getByRole('status').first().innerText()).toContain('wurden gespeichert');
    await poll(() => page.locator('.facts').innerText()).toContain('120–600 min');
    await expectNoAxeViolations(page, 'space week (manager)');
  });

  it('lets a member book a desk, and a second member wanting the same desk sees the conflict', async () => {
    await seedCoworkingSpace('Co-Working Nord');
    const first = await newPage();
    await signIn(first, DEMO_USERS.einbeckMember);
    await openSpace(first, 'Co-Working Nord');
    await expectNoAxeViolations(first, 'space week');
    await bookDesk(first, 'Arbeitsplatz 03', day(), '09:00', '17:00');
    await poll(() => first.getByRole('status').first().innerText()).toContain('Gebucht');

    const second = await newPage();
    await signIn(second, DEMO_USERS.einbeckMember2);
    await openSpace(second, 'Co-Working Nord');
    await bookDesk(second, 'Arbeitsplatz 03', day(), '10:00', '12:00');
    const alert = second.getByRole('alert');
    await poll(() => alert.innerText()).toContain('Dieser Zeitraum ist schon belegt');
    await poll(() => alert.innerText()).toContain('17:00');
    // The input is kept, so another desk is one change away.
    await poll(() => second.getByLabel('Beginn').inputValue()).toBe('10:00');
    await expectNoAxeViolations(second, 'space week (with conflict)');
    await bookDesk(second, 'Arbeitsplatz 04', day(), '10:00', '12:00');
    await poll(() => second.getByRole('status').first().innerText()).toContain('Gebucht');

    await first.goto('/towns/einbeck/bookings');
    await poll(() => first.getByRole('heading', { level: 1 }).innerText()).toBe('Meine Buchungen');
    await poll(() => first.getByRole('table').innerText()).toContain('Co-Working Nord, Arbeitsplatz 03');
    await expectNoAxeViolations(first, 'my bookings');
    const href = await first
      .getByRole('link', { name: 'Kalendereintrag (.ics) für Co-Working Nord, Arbeitsplatz 03' })
      .getAttribute('href');
    const ics = await first.request.get(href ?? '');
    expect(ics.headers()['content-type']).toContain('text/calendar');
    expect(await ics.text()).toContain('SUMMARY:Co-Working Nord\\, Arbeitsplatz 03');
    // Another member's calendar file is "not found".
    expect((await second.request.get(href ?? '')).status()).toBe(404);
  });

  it('holds a showroom request as pending until the hub manager approves it', async () => {
    const member = await newPage();
    await signIn(member, DEMO_USERS.einbeckMember);
    await openSpace(member, 'Showroom');
    await member.getByLabel('Datum').fill(day());
    await member.getByLabel('Beginn').fill('13:00');
    await member.getByLabel('Ende').fill('14:00');
    await member.getByLabel('Personen').fill('4');
    await member.getByRole('button', { name: 'Verbindlich buchen' }).click();
    await poll(() => member.getByRole('status').first().innerText()).toContain('Angefragt');

    const manager = await newPage();
    await signIn(manager, DEMO_USERS.einbeckManager);
    await openSpace(manager, 'Showroom');
    await manager.goto(`${manager.url().split('?')[0]}?week=${day()}`);
    const decide = manager.getByRole('form', { name: 'Anfrage 13:00–14:00 entscheiden' });
    await expectNoAxeViolations(manager, 'space week (manager, pending request)');
    await decide.getByRole('button', { name: 'Freigeben' }).click();
    await poll(() => manager.getByRole('status').first().innerText()).toContain('freigegeben');
    await poll(() => decide.count()).toBe(0);
  });

  it('books a desk for a chosen day from the hub page in one click', async () => {
    const page = await newPage();
    await signIn(page, DEMO_USERS.einbeckMember2);
    await page.getByRole('link', { name: 'Digital Hub Einbeck' }).click();
    await page.waitForURL('**/hubs/**');
    await page.getByLabel('Tag', { exact: true }).fill(day());
    await page.getByRole('button', { name: 'Freie Plätze anzeigen' }).click();
    await page.waitForURL(`**/hubs/**?day=${day()}`);
    await page.getByRole('button', { name: 'Co-Working, Arbeitsplatz 05 buchen (08:00–18:00)' }).click();
    await poll(() => page.getByRole('status').first().innerText()).toContain(
      'Co-Working, Arbeitsplatz 05 ist für Sie gebucht',
    );
    await poll(() => page.getByRole('button', { name: /Co-Working, Arbeitsplatz 05 buchen/ }).count()).toBe(0);
  });

  it('shows the week view and books without JavaScript', async () => {
    const space = await seedCoworkingSpace('Co-Working West');
    await seedBooking(DEMO_USERS.einbeckMember, space, 'Arbeitsplatz 03', day(), 9 * 60, 17 * 60);
    const page = await newPage({ javaScriptEnabled: false });
    await signIn(page, DEMO_USERS.einbeckMember2);
    await openSpace(page, 'Co-Working West');
    await poll(() => page.getByRole('table').count()).toBe(7);
    await bookDesk(page, 'Arbeitsplatz 03', day(), '08:00', '10:00');
    await page.waitForLoadState('load');
    await poll(() => page.getByRole('alert').innerText()).toContain('Dieser Zeitraum ist schon belegt');
  });
});

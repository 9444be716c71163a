/**
 * Changing a booking (docs/decisions/017) in a real Chromium: a
 * member moves their booking from "Meine Buchungen", sees a broken rule next
 * to the field and a collision named with the next free slot, then the new
 * time — with and without JavaScript; axe finds nothing on the change page.
 */
import { addDays, localParts, weekdayOf } from '@hubwerk/domain';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { expectNoAxeViolations, openPage, signIn, type Stack, startStack } from './support/stack.ts';

let stack: Stack;
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });
const contexts: BrowserContext[] = [];

/** Like support's signIn, with a longer wait (these pages load a week of data). */
async function signInPatiently(page: Page, email: string) {
  page.setDefaultTimeout(20_000);
  await signIn(page, email);
}

/** The fourth workday from today in Berlin: inside the seeded horizon, never today. */
function day(): string {
  let date = localParts(new Date(), 'Europe/Berlin').date;
  for (let found = 0; found < 4;) {
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

async function book(page: Page, start: string, end: string, purpose: string) {
  await page.getByLabel('Datum').fill(day());
  await page.getByLabel('Beginn').fill(start);
  await page.getByLabel('Ende').fill(end);
  await page.getByLabel(/^Zweck/).fill(purpose);
  await page.getByRole('button', { name: 'Verbindlich buchen' }).click();
  await poll(() => page.getByRole('status').first().innerText()).toContain('Gebucht');
}

describe('changing a booking', () => {
  it('lets a member move their booking and see the new time; rules and collisions are explained at the field', async () => {
    const page = await openPage(stack, contexts);
    await signInPatiently(page, DEMO_USERS.einbeckMember);
    await page.getByRole('link', { name: 'Digital Hub Einbeck' }).click();
    await page.waitForURL('**/hubs/**');
    await page.getByRole('link', { name: 'Veranstaltungsraum', exact: true }).click();
    await page.waitForURL('**/spaces/**');
    await book(page, '10:00', '11:00', 'Team-Treffen');
    await book(page, '16:30', '17:30', 'Sprechstunde');

    await page.goto('/towns/einbeck/bookings');
    await page.getByRole('link', { name: /^Buchung Veranstaltungsraum am .*10:00–11:00 ändern$/ }).click();
    await page.waitForURL('**/change');
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Buchung ändern');
    // Prefilled with the booking as it is.
    expect(await page.getByLabel('Beginn').inputValue()).toBe('10:00');
    expect(await page.getByLabel(/^Zweck/).inputValue()).toBe('Team-Treffen');
    await expectNoAxeViolations(page, 'change booking');

    // Outside the opening hours: the message sits at the start field.
    await page.getByLabel('Beginn').fill('19:00');
    await page.getByLabel('Ende').fill('20:00');
    await page.getByRole('button', { name: 'Änderung speichern' }).click();
    await poll(() => page.getByRole('alert').innerText()).toContain('außerhalb der Öffnungszeiten');
    await poll(() => page.locator('#change-start-error').innerText()).toContain('außerhalb der Öffnungszeiten');
    await expectNoAxeViolations(page, 'change booking (rule broken)');

    // Onto the member's own 16:30 booking: named, with the next free slot of the same length.
    await page.getByLabel('Beginn').fill('16:00');
    await page.getByLabel('Ende').fill('17:00');
    await page.getByRole('button', { name: 'Änderung speichern' }).click();
    await poll(() => page.getByRole('alert').innerText()).toContain('„Sprechstunde“');
    await poll(() => page.locator('#change-start-error').innerText()).toContain('Nächster freier Termin');
    await expectNoAxeViolations(page, 'change booking (conflict)');

    await page.getByLabel('Beginn').fill('14:00');
    await page.getByLabel('Ende').fill('15:30');
    await page.getByRole('button', { name: 'Änderung speichern' }).click();
    await poll(() => page.getByRole('status').first().innerText()).toContain('Die Buchung wurde geändert');
    await poll(() => page.getByRole('status').first().innerText()).toContain('14:00–15:30');
    await expectNoAxeViolations(page, 'change booking (changed)');

    await page.goto('/towns/einbeck/bookings');
    await poll(() => page.getByRole('table').innerText()).toContain('14:00–15:30');
    expect(await page.getByRole('table').innerText()).not.toContain('10:00–11:00');
  });

  it("works without JavaScript, reached from the space's week", async () => {
    const page = await openPage(stack, contexts, { javaScriptEnabled: false });
    await signInPatiently(page, DEMO_USERS.einbeckMember);
    await page.goto('/towns/einbeck/bookings');
    const spaceLink = page.getByRole('link', { name: 'Veranstaltungsraum' }).first();
    await spaceLink.click();
    await page.waitForURL('**/spaces/**');
    await page.goto(`${page.url().split('?')[0]}?week=${day()}`);
    await page.getByRole('link', { name: /^Buchung Veranstaltungsraum am .*14:00–15:30 ändern$/ }).click();
    await page.waitForURL('**/change');
    await page.getByLabel('Beginn').fill('11:00');
    await page.getByLabel('Ende').fill('12:00');
    await page.getByRole('button', { name: 'Änderung speichern' }).click();
    await poll(() => page.getByRole('status').first().innerText()).toContain('11:00–12:00');
    expect(await page.getByLabel('Beginn').inputValue()).toBe('11:00');
  });
});

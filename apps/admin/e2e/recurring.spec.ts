/**
 * Recurring bookings, calendar subscriptions and check-in in a real Chromium
 * (issue 4, docs/decisions/013): a member checks the dates of a weekly series,
 * books it, cancels one date; subscribes to a calendar and revokes it; opens a
 * booking's check-in page with its QR code. axe finds nothing on the pages.
 */
import { addDays, localParts, weekdayOf } from '@hubwerk/domain';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { expectNoAxeViolations, openPage, signIn, type Stack, startStack } from './support/stack.ts';

let stack: Stack;
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });
const contexts: BrowserContext[] = [];

/** A Wednesday at least a week ahead, Berlin time (open 8–18, well inside the event room's horizon). */
function wednesday(): string {
  let date = addDays(localParts(new Date(), 'Europe/Berlin').date, 7);
  while (weekdayOf(date) !== 3) date = addDays(date, 1);
  return date;
}

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await stack?.stop();
});

describe('recurring bookings, calendars and check-in', () => {
  it('checks the dates of a weekly series, books it all at once and cancels one date', async () => {
    const page = await openPage(stack, contexts);
    // A step that cannot happen fails with its locator instead of the whole test timing out.
    page.setDefaultTimeout(30_000);
    await signIn(page, DEMO_USERS.einbeckMember);
    await page.getByRole('link', { name: 'Digital Hub Einbeck' }).click();
    await page.waitForURL('**/hubs/**');
    await page.getByRole('link', { name: 'Veranstaltungsraum', exact: true }).click();
    await page.waitForURL('**/spaces/**');
    await page.getByRole('link', { name: 'Serienbuchung anlegen' }).click();
    await page.waitForURL('**/series');
    await expectNoAxeViolations(page, 'series form');

    // A malformed rule is named in the error.
    await page.getByLabel('Erster Termin').fill(wednesday());
    await page.getByLabel('Beginn').fill('14:00');
    await page.getByLabel('Ende').fill('15:00');
    await page.getByLabel('Wiederholungsregel (RRULE)').fill('FREQ=FORTNIGHTLY;COUNT=3');
    await page.getByRole('button', { name: 'Termine prüfen' }).click();
    await poll(() => page.getByRole('alert').innerText()).toContain(
      'Die Wiederholungsregel „FREQ=FORTNIGHTLY;COUNT=3“ ist ungültig',
    );
    await expectNoAxeViolations(page, 'series form with error');

    await page.getByLabel('Wiederholungsregel (RRULE)').fill('FREQ=WEEKLY;COUNT=3');
    await page.getByLabel('Zweck').fill('Workshop-Reihe');
    await page.getByRole('button', { name: 'Termine prüfen' }).click();
    await poll(() => page.getByText('3 Termine, davon 0 nicht buchbar.').count()).toBe(1);
    const rows = page.getByRole('table', { name: 'Termine der Serie' }).getByRole('row');
    await poll(() => rows.count()).toBe(4);
    await expectNoAxeViolations(page, 'series preview');

    await page.getByRole('button', { name: 'Alle Termine buchen' }).click();
    await page.waitForURL('**/series/**');
    await poll(() => page.getByRole('cell', { name: 'Bestätigt' }).count()).toBe(3);
    await expectNoAxeViolations(page, 'series detail');

    await page.getByRole('form').first().getByRole('button', { name: 'Stornieren' }).click();
    await poll(() => page.getByRole('status').innerText()).toContain('1 Termine wurden storniert.');
    await poll(() => page.getByRole('cell', { name: 'Storniert' }).count()).toBe(1);
    await poll(() => page.getByRole('cell', { name: 'Bestätigt' }).count()).toBe(2);
  });

  it('makes a private calendar address that serves iCalendar until it is revoked', async () => {
    const page = await openPage(stack, contexts);
    await signIn(page, DEMO_USERS.einbeckMember);
    await page.goto('/towns/einbeck/calendars');
    await expectNoAxeViolations(page, 'calendars');
    // Members are offered their own bookings only.
    await poll(() => page.getByRole('button', { name: /Hubs/ }).count()).toBe(0);
    await page.getByRole('button', { name: 'Adresse für meine Buchungen erstellen' }).click();
    const field = page.getByLabel('Kalender-Adresse für Meine Buchungen', { exact: true });
    await poll(() => field.inputValue()).toMatch(/\/ical\/[0-9a-f-]{36}\/[A-Za-z0-9_-]{43}\.ics$/);
    const url = await field.inputValue();
    await expectNoAxeViolations(page, 'calendars with a new address');
    const served = await fetch(url);
    expect(served.status).toBe(200);
    expect(await served.text()).toContain('BEGIN:VCALENDAR');

    await page.getByRole('button', { name: 'Widerrufen' }).click();
    await poll(() => page.getByText('Die Kalender-Adresse wurde widerrufen.').count()).toBe(1);
    expect((await fetch(url)).status).toBe(404);
  });

  it("shows a booking's check-in page with its QR code, and says when check-in opens", async () => {
    const page = await openPage(stack, contexts);
    await signIn(page, DEMO_USERS.einbeckMember);
    await page.goto('/towns/einbeck/bookings');
    await page
      .getByRole('link', { name: /^Check-in für/ })
      .first()
      .click();
    await page.waitForURL('**/check-in');
    await poll(() =>
      page.getByRole('img', { name: 'QR-Code mit der Adresse dieser Check-in-Seite' }).locator('svg').count(),
    ).toBe(1);
    await poll(() => page.getByRole('status').innerText()).toBe('Noch nicht eingecheckt.');
    await expectNoAxeViolations(page, 'check-in');
    await page.getByRole('button', { name: 'Jetzt einchecken' }).click();
    await poll(() => page.getByRole('alert').innerText()).toContain(
      'Der Check-in ist erst 30 Minuten vor Beginn möglich.',
    );
  });
});

/**
 * Recurring bookings, calendar subscriptions and check-in in a real Chromium
 * (docs/decisions/013): a member checks the dates of a weekly series,
 * books it, cancels one date; subscribes to a calendar and revokes it; opens a
 * booking's check-in page with its QR code. axe finds nothing on the pages.
 */
import { addDays, localParts, weekdayOf } from '@hubwerk/domain';
import pg from 'pg';
import type { BrowserContext, Page } from 'playwright-core';
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

/** The first `weekday` (1 = Monday) at least `days` ahead, Berlin time. */
function weekdayAhead(weekday: number, days: number): string {
  let date = addDays(localParts(new Date(), 'Europe/Berlin').date, days);
  while (weekdayOf(date) !== weekday) date = addDays(date, 1);
  return date;
}

/** Sets the event room's per-member rule the way a hub manager would on the space page. */
async function setEventRoomDaysPerWeek(limit: number | null) {
  const client = new pg.Client({ connectionString: stack.superuserUrl });
  await client.connect();
  try {
    await client.query(`UPDATE "Space" SET "memberDaysPerWeek" = $1 WHERE name = 'Veranstaltungsraum'`, [limit]);
  } finally {
    await client.end();
  }
}

async function openSeriesForm(page: Page, email: string) {
  await signIn(page, email);
  await page.getByRole('link', { name: 'Digital Hub Einbeck' }).click();
  await page.waitForURL('**/hubs/**');
  await page.getByRole('link', { name: 'Veranstaltungsraum', exact: true }).click();
  await page.waitForURL('**/spaces/**');
  await page.getByRole('link', { name: 'Serienbuchung anlegen' }).click();
  await page.waitForURL('**/series');
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

    // A malformed rule typed by hand ("Erweitert") is named in the error.
    await page.getByLabel('Erster Termin').fill(wednesday());
    await page.getByLabel('Beginn').fill('14:00');
    await page.getByLabel('Ende').fill('15:00');
    await page.getByRole('radio', { name: 'Erweitert: eigene Regel (RRULE)' }).check();
    await page.getByLabel('Wiederholungsregel (RRULE)').fill('FREQ=FORTNIGHTLY;COUNT=3');
    await page.getByRole('button', { name: 'Termine prüfen' }).click();
    await poll(() => page.getByRole('alert').innerText()).toContain(
      'Die Wiederholungsregel „FREQ=FORTNIGHTLY;COUNT=3“ ist ungültig',
    );
    await expectNoAxeViolations(page, 'series form with error');

    // The picker: weekly on Wednesday, three times.
    await page.getByRole('radio', { name: 'Wöchentlich', exact: true }).check();
    await page.getByRole('checkbox', { name: 'Mittwoch' }).check();
    await page.getByLabel('Anzahl der Termine').fill('3');
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

  it("creates a Tuesday series with the picker that keeps the space's weekly limit, naming the dates that break it", async () => {
    await setEventRoomDaysPerWeek(1);
    try {
      const page = await openPage(stack, contexts);
      page.setDefaultTimeout(30_000);
      await openSeriesForm(page, DEMO_USERS.einbeckMember2);
      for (const width of [1366, 390]) {
        await page.setViewportSize({ width, height: 900 });
        await expectNoAxeViolations(page, `series picker at ${width} px`);
      }
      await page.setViewportSize({ width: 1366, height: 900 });

      // A Monday: the series starts on the first Tuesday after it.
      const monday = weekdayAhead(1, 14);
      await page.getByLabel('Erster Termin').fill(monday);
      await page.getByLabel('Beginn').fill('10:00');
      await page.getByLabel('Ende').fill('11:00');
      await page.getByRole('radio', { name: 'Wöchentlich', exact: true }).check();
      await page.getByRole('checkbox', { name: 'Dienstag' }).check();
      await page.getByRole('checkbox', { name: 'Donnerstag' }).check();
      await page.getByLabel('Anzahl der Termine').fill('4');
      // The live summary follows the form.
      await poll(() => page.locator('#series-summary').innerText()).toMatch(
        /^jeden Dienstag und Donnerstag, 4 Termine ab /,
      );

      // Tuesday and Thursday in one week break "1 day per week": the Thursdays are named with the rule.
      await page.getByRole('button', { name: 'Alle Termine buchen' }).click();
      const alert = page.getByRole('alert');
      await poll(() => alert.innerText()).toContain('Nicht buchbar am');
      await poll(() => alert.innerText()).toContain('nur eine begrenzte Zahl an Tagen je Woche');
      await poll(() => page.getByText('4 Termine, davon 2 nicht buchbar.').count()).toBe(1);
      for (const width of [390, 1366]) {
        await page.setViewportSize({ width, height: 900 });
        await expectNoAxeViolations(page, `series picker with refused dates at ${width} px`);
      }

      await page.getByRole('checkbox', { name: 'Donnerstag' }).uncheck();
      await poll(() => page.locator('#series-summary').innerText()).toMatch(/^jeden Dienstag, 4 Termine ab /);
      await page.getByRole('button', { name: 'Alle Termine buchen' }).click();
      await page.waitForURL('**/series/**');
      await poll(() => page.getByRole('cell', { name: 'Bestätigt' }).count()).toBe(4);
      await poll(() => page.getByText('FREQ=WEEKLY;BYDAY=TU;COUNT=4').count()).toBeGreaterThan(0);
    } finally {
      await setEventRoomDaysPerWeek(null);
    }
  });

  it('composes the rule on the server without JavaScript: a missing weekday is named, then "am 2. Dienstag" monthly', async () => {
    const page = await openPage(stack, contexts, { javaScriptEnabled: false });
    page.setDefaultTimeout(30_000);
    await openSeriesForm(page, DEMO_USERS.einbeckMember);
    await page.getByLabel('Erster Termin').fill(weekdayAhead(1, 7));
    await page.getByLabel('Beginn').fill('16:00');
    await page.getByLabel('Ende').fill('17:00');
    await page.getByRole('radio', { name: 'Wöchentlich', exact: true }).check();
    await page.getByRole('button', { name: 'Termine prüfen' }).click();
    await page.waitForLoadState();
    const summary = page.getByRole('alert');
    await poll(() => summary.innerText()).toContain('Bitte wählen Sie mindestens einen Wochentag');
    expect(await summary.getByRole('link').first().getAttribute('href')).toBe('#series-weekday-MO');

    await page.getByRole('radio', { name: 'Monatlich', exact: true }).check();
    await page.getByRole('radio', { name: /An einem Wochentag des Monats/ }).check();
    await page.getByLabel('Der wievielte Wochentag').selectOption('2');
    await page.getByLabel('Wochentag', { exact: true }).selectOption('TU');
    await page.getByLabel('Anzahl der Termine').fill('2');
    await page.getByRole('button', { name: 'Termine prüfen' }).click();
    await page.waitForLoadState();
    await poll(() => page.getByText('2 Termine, davon 0 nicht buchbar.').count()).toBe(1);
    await poll(() => page.locator('#series-summary').innerText()).toMatch(/^monatlich am 2\. Dienstag, 2 Termine ab /);
    const dates = await page.getByRole('table', { name: 'Termine der Serie' }).getByRole('rowheader').allInnerTexts();
    expect(dates).toHaveLength(2);
    for (const date of dates) expect(date).toMatch(/^(8|9|1[0-4])\. /);

    await page.getByRole('button', { name: 'Alle Termine buchen' }).click();
    await page.waitForURL('**/series/**');
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

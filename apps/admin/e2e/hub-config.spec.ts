/**
 * Configuring a hub in a real Chromium: the hub manager edits the
 * profile, takes over the Bundesland's public holidays and sets special
 * hours, assigns and removes team members; a member sees the hub's week and
 * books from a free slot; a colliding booking offers the next free slot as
 * one click; "Meine Buchungen" leads to tomorrow's desks. axe finds nothing.
 */
import { addDays, localParts, nthWorkday } from '@hubwerk/domain';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { expectNoAxeViolations, openPage, signIn, type Stack, startStack } from './support/stack.ts';

let stack: Stack;
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });
const contexts: BrowserContext[] = [];
const newPage = (options: { javaScriptEnabled?: boolean } = {}): Promise<Page> => openPage(stack, contexts, options);

/** The n-th workday from today in Berlin. */
const workday = (n: number) => nthWorkday(localParts(new Date(), 'Europe/Berlin').date, n);

async function openHub(page: Page) {
  await page.getByRole('link', { name: 'Digital Hub Einbeck' }).click();
  await page.waitForURL('**/hubs/**');
  await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Digital Hub Einbeck');
}

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await stack?.stop();
});

describe('configuring a hub', () => {
  it('lets the hub manager edit the profile, take over public holidays and set special hours', async () => {
    const page = await newPage();
    await signIn(page, DEMO_USERS.einbeckManager);
    await openHub(page);
    await page.getByRole('link', { name: 'Einstellungen' }).click();
    await page.waitForURL('**/settings');
    await expectNoAxeViolations(page, 'hub settings');

    await page.getByLabel('Beschreibung').fill('Bürgerinnen und Bürger bringen eigene Ideen ein.');
    await page.getByLabel('Postleitzahl').fill('3757');
    await page.getByLabel('Induktionsschleife (Höranlage)').check();
    await page.getByRole('button', { name: 'Profil speichern' }).click();
    await poll(() => page.getByRole('alert').innerText()).toContain('5 Ziffern');
    // The input is kept.
    await poll(() => page.getByLabel('Induktionsschleife (Höranlage)').isChecked()).toBe(true);
    await expectNoAxeViolations(page, 'hub settings (field error)');
    await page.getByLabel('Postleitzahl').fill('37574');
    await page.getByRole('button', { name: 'Profil speichern' }).click();
    await poll(() => page.getByRole('status').first().innerText()).toContain('Das Profil wurde gespeichert');
    await poll(() => page.getByLabel('Beschreibung').inputValue()).toBe(
      'Bürgerinnen und Bürger bringen eigene Ideen ein.',
    );

    const year = Number(localParts(new Date(), 'Europe/Berlin').date.slice(0, 4)) + 1;
    await page.getByRole('button', { name: `Feiertage ${year} übernehmen` }).click();
    await poll(() => page.getByRole('status').first().innerText()).toMatch(/^\d+ von \d+ Feiertagen/);
    await poll(() => page.locator('#exceptions-title ~ ul').first().innerText()).toContain('Tag der Deutschen Einheit');
    await page.getByRole('button', { name: `Feiertage ${year} übernehmen` }).click();
    await poll(() => page.getByRole('status').first().innerText()).toMatch(/^0 von \d+ Feiertagen/);

    // The settings hold the weekly hours and closed days too: the special-hours form by its own button.
    const special = page.locator('form', { has: page.getByRole('button', { name: 'Sonderöffnungszeit speichern' }) });
    await special.getByLabel('Datum').fill(`${year}-12-24`);
    await special.getByLabel('Öffnet').fill('10:00');
    await special.getByLabel('Schließt').fill('13:00');
    await special.getByLabel('Anlass').fill('Heiligabend');
    await special.getByRole('button', { name: 'Sonderöffnungszeit speichern' }).click();
    await poll(() => page.getByRole('status').first().innerText()).toContain('Sonderöffnungszeit wurde gespeichert');
    await poll(() => page.locator('main').innerText()).toContain('10:00–13:00 – Heiligabend');
    await expectNoAxeViolations(page, 'hub settings (holidays, special hours)');
  });

  it('shows the profile read-only to a member', async () => {
    const page = await newPage();
    await signIn(page, DEMO_USERS.einbeckMember);
    await openHub(page);
    await page.getByRole('link', { name: 'Einstellungen' }).click();
    await page.waitForURL('**/settings');
    await poll(() => page.locator('main').innerText()).toContain('Induktionsschleife');
    expect(await page.getByRole('button', { name: 'Profil speichern' }).count()).toBe(0);
    await expectNoAxeViolations(page, 'hub settings (read-only)');
  });

  it('lets the hub manager assign and remove team members', async () => {
    const page = await newPage();
    await signIn(page, DEMO_USERS.einbeckManager);
    await openHub(page);
    await page.getByRole('link', { name: 'Team', exact: true }).click();
    await page.waitForURL('**/staff');
    await expectNoAxeViolations(page, 'hub team');
    await page.getByLabel('E-Mail-Adresse der Person').fill('niemand@example.org');
    await page.getByRole('button', { name: 'Zuordnen' }).click();
    await poll(() => page.getByRole('alert').innerText()).toContain('kein Konto');
    await page.getByLabel('E-Mail-Adresse der Person').fill(DEMO_USERS.einbeckMember2);
    await page.getByLabel('Rolle im Hub').selectOption({ label: 'Hub-Team' });
    await page.getByLabel('Öffentliche Ansprechpartner-Rolle').fill('Ansprechpartner Co-Working');
    await page.getByRole('button', { name: 'Zuordnen' }).click();
    await poll(() => page.getByRole('status').first().innerText()).toContain('ist jetzt Hub-Team');
    const row = page.getByRole('row', { name: /Ansprechpartner Co-Working/ });
    await poll(() => row.innerText()).toContain(DEMO_USERS.einbeckMember2);
    await expectNoAxeViolations(page, 'hub team (assigned)');
    await row.getByRole('button', { name: /aus dem Hub entfernen/ }).click();
    await poll(() => page.getByRole('status').first().innerText()).toContain('entfernt');
    await poll(() => page.getByRole('row', { name: /Ansprechpartner Co-Working/ }).count()).toBe(0);
  });

  it('shows the hub’s week and books from a free slot; a collision offers the next free slot in one click', async () => {
    const day = workday(3);
    const member = await newPage();
    await signIn(member, DEMO_USERS.einbeckMember);
    await openHub(member);
    await member.getByRole('link', { name: 'Wochenplan' }).click();
    await member.waitForURL('**/week');
    await member.goto(`${member.url()}?week=${day}`);
    await poll(() => member.getByRole('row', { name: /^Veranstaltungsraum/ }).innerText()).toContain(
      'frei 08:00–18:00',
    );
    await expectNoAxeViolations(member, 'hub week');
    await member
      .getByRole('row', { name: /^Veranstaltungsraum/ })
      .locator(`a[href*="date=${day}&"]`)
      .click();
    await member.waitForURL('**/spaces/**');
    await poll(() => member.getByLabel('Datum').inputValue()).toBe(day);
    await member.getByLabel('Beginn').fill('10:00');
    await member.getByLabel('Ende').fill('12:00');
    await member.getByLabel('Zweck').fill('Workshop Ideenwerkstatt');
    await member.getByRole('button', { name: 'Verbindlich buchen' }).click();
    await poll(() => member.getByRole('status').first().innerText()).toContain('Gebucht');

    const other = await newPage();
    await signIn(other, DEMO_USERS.einbeckMember2);
    await other.goto(member.url().split('?')[0]!);
    await other.getByLabel('Datum').fill(day);
    await other.getByLabel('Beginn').fill('11:00');
    await other.getByLabel('Ende').fill('12:00');
    await other.getByRole('button', { name: 'Verbindlich buchen' }).click();
    const alert = other.getByRole('alert');
    await poll(() => alert.innerText()).toContain('Dieser Zeitraum ist schon belegt');
    // Another member may not read whose workshop it is: only the time.
    await poll(() => alert.innerText()).not.toContain('Ideenwerkstatt');
    await poll(() => alert.innerText()).toContain('Nächster freier Termin gleicher Länge');
    await expectNoAxeViolations(other, 'space week (conflict with suggestion)');
    // The event room keeps 30 minutes between bookings: the next free hour starts at 12:30.
    await other.getByRole('button', { name: /^Stattdessen .* 12:30–13:30 buchen$/ }).click();
    await poll(() => other.getByRole('status').first().innerText()).toContain('Gebucht');

    // The hub manager sees whose booking is in the way.
    const manager = await newPage();
    await signIn(manager, DEMO_USERS.einbeckManager);
    await manager.goto(member.url().split('?')[0]!);
    await manager.getByLabel('Datum').fill(day);
    await manager.getByLabel('Beginn').fill('10:00');
    await manager.getByLabel('Ende').fill('11:00');
    await manager.getByRole('button', { name: 'Verbindlich buchen' }).click();
    await poll(() => manager.getByRole('alert').innerText()).toContain('„Workshop Ideenwerkstatt“');
  });

  it('leads from Meine Buchungen to tomorrow’s free desks', async () => {
    const page = await newPage();
    await signIn(page, DEMO_USERS.einbeckMember);
    await page.goto('/towns/einbeck/bookings');
    await expectNoAxeViolations(page, 'my bookings (desk for tomorrow)');
    await page.getByRole('link', { name: 'Arbeitsplatz im Digital Hub Einbeck' }).click();
    const tomorrow = addDays(localParts(new Date(), 'Europe/Berlin').date, 1);
    await page.waitForURL(`**/hubs/**?day=${tomorrow}#desk-title`);
    await poll(() => page.getByRole('heading', { name: /^Freie Arbeitsplätze am/ }).count()).toBe(1);
  });
});

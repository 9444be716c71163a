/**
 * Support sessions in a real Chromium (ADR 011): platform support starts one
 * for Einbeck with a reason (none → a field error), the banner with town,
 * end time and "Beenden" shows on every page while it lasts, "Beenden" ends
 * it; the town's audit log shows start and end with the reason, and the
 * provider's cross-town log shows each entry's town. Every page axe-clean.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS } from '../../../prisma/seed.ts';
import { openPage, startStack, type Stack, expectNoAxeViolations } from './support/stack.ts';

let stack: Stack;
const contexts: BrowserContext[] = [];
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });

async function signIn(page: Page, email: string) {
  // A missing element fails the step with its name instead of hanging until the test's timeout.
  page.setDefaultTimeout(20_000);
  await page.goto('/login');
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Passwort').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await stack?.stop();
});

describe('support session (one browser page, step by step)', () => {
  let page: Page;

  it('is started only with a reason', async () => {
    // axe needs JavaScript in the page; the no-JavaScript path is the last test below.
    page = await openPage(stack, contexts);
    await signIn(page, DEMO_USERS.support);
    await page.goto('/towns/einbeck');
    expect(await page.getByTestId('support-banner').count()).toBe(0);
    await page.getByRole('link', { name: 'Im Auftrag handeln' }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe(
      'Im Auftrag der Kommune Einbeck handeln',
    );
    await expectNoAxeViolations(page, 'support form');

    await page.getByRole('button', { name: 'Support-Sitzung beginnen' }).click();
    await poll(() => page.getByText('Bitte nennen Sie einen Grund mit mindestens 10 Zeichen.').count()).toBeGreaterThan(
      0,
    );
    await expectNoAxeViolations(page, 'support form with errors');
  });

  it('shows the banner (town, end time, reason, who) on every page while it lasts', async () => {
    await page.getByLabel('Grund').fill('Ticket 4711: Raumbuchung einrichten');
    await page.getByLabel('Dauer').selectOption('30');
    await page.getByRole('button', { name: 'Support-Sitzung beginnen' }).click();
    await page.waitForURL('**/towns/einbeck');
    const banner = page.getByTestId('support-banner');
    await poll(() => banner.innerText()).toContain('Sie handeln im Auftrag der Kommune Einbeck bis');
    expect(await banner.innerText()).toContain('Ticket 4711: Raumbuchung einrichten');
    expect(await banner.innerText()).toContain('Angemeldet als');
    await expectNoAxeViolations(page, 'town page with support banner');

    // On every page, also outside the town.
    await page.goto('/towns');
    await poll(() => page.getByTestId('support-banner').count()).toBe(1);
    await expectNoAxeViolations(page, 'towns with support banner');
  });

  it('lets support act as the town admin until "Beenden" ends it', async () => {
    // In the session, support acts as the town admin: it may create a hub.
    await page.goto('/towns/einbeck');
    await page.getByLabel('Name', { exact: true }).fill('Im Auftrag angelegt');
    await page.getByRole('button', { name: 'Hub anlegen' }).click();
    await poll(() => page.getByRole('row', { name: /Im Auftrag angelegt/ }).count()).toBe(1);

    await page.getByTestId('support-banner').getByRole('button', { name: 'Beenden' }).click();
    await page.waitForURL('**/towns/einbeck');
    await poll(() => page.getByTestId('support-banner').count()).toBe(0);
  });

  it("is in the town's audit log (start, end, reason) and in the provider's cross-town log", async () => {
    await page.goto('/towns/einbeck/audit');
    await poll(() => page.getByRole('row', { name: /Support-Sitzung begonnen/ }).count()).toBe(1);
    expect(await page.getByRole('row', { name: /Support-Sitzung beendet/ }).count()).toBe(1);
    expect(await page.getByRole('row', { name: /Digital Hub angelegt.*Ticket 4711/ }).count()).toBe(1);
    await expectNoAxeViolations(page, 'town audit log with support entries');

    // The provider's cross-town log: the town of each entry, and the session's reason.
    await page.goto('/audit?action=support.started');
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Protokoll aller Kommunen');
    expect(await page.getByRole('row', { name: /Einbeck.*Support-Sitzung begonnen.*Ticket 4711/ }).count()).toBe(1);
    await expectNoAxeViolations(page, 'cross-town audit log');
  });
});

describe('without JavaScript', () => {
  it("a partner starts a session with the plain form and ends it with the banner's button", async () => {
    const page = await openPage(stack, contexts, { javaScriptEnabled: false });
    await signIn(page, DEMO_USERS.partner);
    await page.goto('/towns/sangerhausen/support');
    await page.getByLabel('Grund').fill('Ticket 5000: ohne JavaScript');
    await page.getByRole('button', { name: 'Support-Sitzung beginnen' }).click();
    await page.waitForURL('**/towns/sangerhausen');
    await poll(() => page.getByTestId('support-banner').innerText()).toContain('Sangerhausen');
    await page.getByTestId('support-banner').getByRole('button', { name: 'Beenden' }).click();
    await page.waitForURL('**/towns/sangerhausen');
    await poll(() => page.getByTestId('support-banner').count()).toBe(0);
  });
});

describe('cross-town audit log', () => {
  it('shows a partner only its towns in the cross-town log; a town admin gets the not-found page', async () => {
    // Entries in a partner town and in a town of no partner.
    for (const [email, slug] of [
      [DEMO_USERS.sangerhausenAdmin, 'sangerhausen'],
      [DEMO_USERS.zeitzAdmin, 'zeitz'],
    ] as const) {
      const townPage = await openPage(stack, contexts);
      await signIn(townPage, email);
      await townPage.goto(`/towns/${slug}`);
      await townPage.getByLabel('Name', { exact: true }).fill(`Werkstatt ${slug}`);
      await townPage.getByRole('button', { name: 'Hub anlegen' }).click();
      await poll(() => townPage.getByRole('row', { name: new RegExp(`Werkstatt ${slug}`) }).count()).toBe(1);
    }
    const partner = await openPage(stack, contexts);
    await signIn(partner, DEMO_USERS.partner);
    await partner.goto('/audit');
    await poll(() => partner.getByRole('heading', { level: 1 }).innerText()).toBe('Protokoll meiner Kommunen');
    const towns = await partner.locator('tbody tr td:nth-child(2)').allInnerTexts();
    expect(towns).toContain('Sangerhausen');
    expect(towns.filter((t) => !['Einbeck', 'Sangerhausen'].includes(t))).toEqual([]);
    const csv = await partner.request.get('/audit.csv');
    expect(csv.status()).toBe(200);
    expect(await csv.text()).not.toContain('zeitz');

    const admin = await openPage(stack, contexts);
    await signIn(admin, DEMO_USERS.einbeckAdmin);
    const response = await admin.goto('/audit');
    expect(response?.status()).toBe(404);
  });
});

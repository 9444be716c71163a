/**
 * The occupancy view in a real Chromium: the hub manager reaches
 * the chart from the hub page, it is an image with a text alternative and a
 * table, it works without JavaScript, axe finds nothing, the CSV downloads;
 * a member gets the not-found page.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { openPage, signIn, type Stack, startStack, WCAG_TAGS } from './support/stack.ts';

let stack: Stack;
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });
const contexts: BrowserContext[] = [];

const newPage = (options: { javaScriptEnabled?: boolean } = {}): Promise<Page> => openPage(stack, contexts, options);

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await stack?.stop();
});

describe('occupancy view', () => {
  it('shows the hub manager an accessible chart with a table, without JavaScript, and the CSV', async () => {
    const page = await newPage();
    await signIn(page, DEMO_USERS.einbeckManager);
    await page.getByRole('link', { name: 'Digital Hub Einbeck' }).click();
    await page.waitForURL('**/hubs/**');
    await page.getByRole('link', { name: 'Auslastung' }).click();
    await page.waitForURL('**/occupancy');
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Auslastung');
    // The chart is an image named for screen readers, with its figures as a description.
    const chart = page.locator(
      'svg[role="img"][aria-label="Balkendiagramm: Auslastung Veranstaltungsraum nach Wochentag in Prozent"]',
    );
    await poll(() => chart.count()).toBe(1);
    await poll(() => chart.locator('desc').textContent()).toContain('Sonntag: geschlossen');
    await poll(() =>
      page.locator('table', { hasText: 'Wochentag' }).first().locator('tr', { hasText: 'Sonntag' }).innerText(),
    ).toContain('geschlossen');
    const result = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
    expect(result.violations.map((v) => ({ rule: v.id, targets: v.nodes.map((n) => n.target.join(' ')) }))).toEqual([]);

    // Without JavaScript (axe needs it, so it ran above): the period form is a plain GET.
    const occupancyUrl = page.url();
    const page2 = await newPage({ javaScriptEnabled: false });
    await signIn(page2, DEMO_USERS.einbeckManager);
    await page2.goto(occupancyUrl);
    await page2.getByLabel('Letzte Wochen').selectOption({ label: '4 Wochen' });
    await page2.getByRole('button', { name: 'Anzeigen' }).click();
    await page2.waitForURL('**/occupancy?weeks=4');
    await poll(() => page2.locator('svg[role="img"]').count()).toBeGreaterThan(0);

    const csvHref = await page2.getByRole('link', { name: 'Als CSV herunterladen' }).getAttribute('href');
    expect(csvHref).toContain('weeks=4');
    const response = await page2.request.get(csvHref!);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('text/csv');
    const body = await response.text();
    expect(body).toContain('"Raum";"Wochentag"');
    expect(body).toContain('"Veranstaltungsraum";"Montag"');
  });

  it('is not found for a member', async () => {
    const page = await newPage();
    await signIn(page, DEMO_USERS.einbeckMember);
    await page.getByRole('link', { name: 'Digital Hub Einbeck' }).click();
    await page.waitForURL('**/hubs/**');
    await poll(() => page.getByRole('link', { name: 'Auslastung' }).count()).toBe(0);
    const response = await page.goto(`${page.url()}/occupancy`);
    expect(response?.status()).toBe(404);
  });
});

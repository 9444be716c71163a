/**
 * Billing in a real Chromium: a town admin changes plan through the fake
 * Stripe Checkout and comes back to the new plan; an overdue town sees the
 * banner and its forms locked with an explanation.
 */
import pg from 'pg';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS } from '../../../prisma/seed.ts';
import { openPage, startStack, type Stack, expectNoAxeViolations } from './support/stack.ts';

let stack: Stack;
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });
const contexts: BrowserContext[] = [];

const newPage = (options: { javaScriptEnabled?: boolean } = {}): Promise<Page> => openPage(stack, contexts, options);

async function signIn(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Passwort').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await poll(() => new URL(page.url()).pathname).not.toBe('/login');
}

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await stack?.stop();
});

describe('billing', () => {
  it('a town admin starts a plan change, pays in the fake Checkout and returns to see the new plan', async () => {
    const page = await newPage();
    await signIn(page, DEMO_USERS.einbeckAdmin);
    await page.goto('/towns/einbeck/billing');
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Abrechnung – Einbeck');
    await expect(page.getByTestId('fake-stripe').innerText()).resolves.toContain('Testbetrieb');
    await expect(page.getByTestId('billing-plan').innerText()).resolves.toBe('Standard');
    await expectNoAxeViolations(page, 'billing');

    await page.getByLabel(/^Plus – /).check();
    await page.getByLabel('Abrechnungszeitraum').selectOption('month');
    await page.getByRole('button', { name: 'Weiter zur Bezahlung' }).click();
    await poll(() => page.url()).toContain('/fake-stripe/checkout/');
    await expect(page.locator('body').innerText()).resolves.toMatch(/brutto 831,81/);
    await page.getByRole('button', { name: 'Zahlungspflichtig abonnieren (Test)' }).click();

    await poll(() => page.url()).toBe(`${stack.adminUrl}/towns/einbeck/billing?checkout=success`);
    await poll(() => page.getByTestId('billing-plan').innerText()).toBe('Plus');
    await expect(page.getByRole('status').first().innerText()).resolves.toContain('Tarifwechsel ist abgeschlossen');
    await expect(page.locator('body').innerText()).resolves.toMatch(/699,00\s€ netto/);
    await expect(page.getByRole('link', { name: /^Rechnung HW-/ }).count()).resolves.toBe(1);
    // German invoice details: net, 19 % VAT, gross, in EUR (de-DE).
    await expect(page.getByRole('row', { name: /HW-/ }).innerText()).resolves.toMatch(
      /699,00\s€\s+132,81\s€\s+831,81\s€/,
    );
    await expect(page.getByRole('columnheader', { name: 'USt. (19 %)' }).count()).resolves.toBe(1);
    await expectNoAxeViolations(page, 'billing after checkout');
  });

  it('saves the billing contact without JavaScript and keeps input with a field error', async () => {
    const page = await newPage({ javaScriptEnabled: false });
    await signIn(page, DEMO_USERS.einbeckAdmin);
    await page.goto('/towns/einbeck/billing');
    await page.getByLabel('Rechnungsempfänger').fill('Stadt Einbeck – Kämmerei');
    await page.getByLabel('USt-IdNr.').fill('DE12');
    await page.getByRole('button', { name: 'Rechnungskontakt speichern' }).click();
    await poll(() => page.locator('body').innerText()).toContain('Die USt-IdNr. besteht aus „DE“ und 9 Ziffern');
    await expect(page.getByLabel('Rechnungsempfänger').inputValue()).resolves.toBe('Stadt Einbeck – Kämmerei');
    await page.getByLabel('USt-IdNr.').fill('DE123456789');
    await page.getByRole('button', { name: 'Rechnungskontakt speichern' }).click();
    await poll(() => page.locator('body').innerText()).toContain('Der Rechnungskontakt wurde gespeichert.');
  });

  it('an overdue (read-only) town sees the banner and locked forms with an explanation; reading works', async () => {
    const db = new pg.Client({ connectionString: stack.superuserUrl });
    await db.connect();
    try {
      // An invoice open for 20 days: past the 14-day grace period.
      await db.query(
        `WITH billing AS (UPDATE "TenantBilling" SET status = 'PAST_DUE', "pastDueSince" = now() - interval '20 days' WHERE "tenantId" = (SELECT id FROM "Tenant" WHERE slug = 'zeitz') RETURNING "tenantId", "pastDueSince")
         UPDATE "Tenant" t SET "paymentOverdueSince" = billing."pastDueSince" FROM billing WHERE t.id = billing."tenantId"`,
      );
    } finally {
      await db.end();
    }
    const page = await newPage();
    await signIn(page, DEMO_USERS.zeitzAdmin);
    await page.goto('/towns/zeitz');
    await poll(() => page.getByTestId('billing-banner').innerText()).toContain('schreibgeschützt');
    await expect(page.locator('body').innerText()).resolves.toContain(
      'Änderungen sind gesperrt, bis die offene Rechnung bezahlt ist.',
    );
    await expect(page.getByRole('button', { name: 'Hub anlegen' }).isDisabled()).resolves.toBe(true);
    await expect(page.getByRole('cell', { name: 'Zeitz' }).count()).resolves.toBeGreaterThan(0);
    await expectNoAxeViolations(page, 'read-only town');
    await page.getByRole('link', { name: 'Zur Abrechnung' }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Abrechnung – Zeitz');
    await expect(page.getByRole('button', { name: 'Kundenportal öffnen' }).isDisabled()).resolves.toBe(false);

    // The DSGVO data export keeps working while the town is read-only.
    await page.goto('/towns/zeitz');
    await page.getByRole('link', { name: 'Datenexport' }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Datenexport – Zeitz');
    await expect(page.getByRole('note').innerText()).resolves.toContain(
      'schreibgeschützt; der Datenexport funktioniert trotzdem',
    );
    await expectNoAxeViolations(page, 'export page');
    await page.getByRole('button', { name: 'Export starten' }).click();
    const link = page.getByRole('link', { name: 'ZIP-Datei herunterladen' });
    await poll(() => link.count()).toBe(1);
    await expect(page.getByTestId('export-ready').innerText()).resolves.toMatch(
      /^Fertig \(\d+ KB\), herunterladbar bis /,
    );
    await expectNoAxeViolations(page, 'export page, ready');
    const href = (await link.getAttribute('href'))!;
    const zip = await page.request.get(href);
    expect(zip.status()).toBe(200);
    expect(zip.headers()['content-type']).toBe('application/zip');
    expect(zip.headers()['content-disposition']).toMatch(
      /^attachment; filename="datenexport-zeitz-\d{4}-\d{2}-\d{2}\.zip"$/,
    );
    expect((await zip.body()).subarray(0, 2).toString('latin1')).toBe('PK');

    // Someone else — here the provider's admin, who may export Zeitz itself — gets the 404 page for this archive.
    const other = await newPage();
    await signIn(other, DEMO_USERS.platform);
    expect((await other.request.get(href)).status()).toBe(404);
  });

  it('runs a data export without JavaScript: the status page refreshes itself until the download link is there', async () => {
    const page = await newPage({ javaScriptEnabled: false });
    await signIn(page, DEMO_USERS.einbeckAdmin);
    await page.goto('/towns/einbeck/export');
    await page.getByRole('button', { name: 'Export starten' }).click();
    await poll(() => page.url()).toContain('/towns/einbeck/export?started=');
    await poll(() => page.getByRole('link', { name: 'ZIP-Datei herunterladen' }).count()).toBe(1);
    const zip = await page.request.get(
      (await page.getByRole('link', { name: 'ZIP-Datei herunterladen' }).getAttribute('href'))!,
    );
    expect(zip.status()).toBe(200);
  });

  it('shows the provider all towns with plan, status and MRR, and a partner only its towns', async () => {
    const page = await newPage();
    await signIn(page, DEMO_USERS.platform);
    await page.goto('/billing');
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Abrechnung der Kommunen');
    await expect(page.getByRole('note').innerText()).resolves.toContain('Testbetrieb');
    const towns = await page.locator('tbody th').allInnerTexts();
    expect(towns).toEqual(expect.arrayContaining(['Einbeck', 'Sangerhausen', 'Zeitz']));
    await expect(page.getByRole('row', { name: /Einbeck/ }).innerText()).resolves.toMatch(
      /Plus \(monatlich\)\s+aktiv\s+699,00\s€/,
    );
    await expectNoAxeViolations(page, 'billing overview');

    const partner = await newPage();
    await signIn(partner, DEMO_USERS.partner);
    await partner.goto('/billing');
    await poll(() => partner.locator('tbody th').allInnerTexts()).toEqual(
      expect.arrayContaining(['Einbeck', 'Sangerhausen']),
    );
    expect(await partner.locator('tbody th').allInnerTexts()).not.toContain('Zeitz');
  });

  afterAll(async () => {
    // The e2e specs share one database: leave Zeitz paid up for the others.
    const db = new pg.Client({ connectionString: stack.superuserUrl });
    await db.connect();
    await db.query(
      `WITH billing AS (UPDATE "TenantBilling" SET status = 'NONE', "pastDueSince" = NULL WHERE "tenantId" = (SELECT id FROM "Tenant" WHERE slug = 'zeitz') RETURNING "tenantId")
       UPDATE "Tenant" t SET "paymentOverdueSince" = NULL FROM billing WHERE t.id = billing."tenantId"`,
    );
    await db.end();
  });
});

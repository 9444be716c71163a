/**
 * The municipality register and bulk onboarding (ADR 034), without
 * JavaScript, in a real Chromium against the production build: the register
 * uploaded, the onboarding page searching it and asking to confirm a key
 * missing from it, a file of towns onboarded with a report per line. Every
 * page is checked with axe at 1366 and 390 px.
 */
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { expectNoAxeViolations, LEFT_LOGIN, openPage, signIn, startStack, type Stack } from './support/stack.ts';

const REGISTER = readFileSync(new URL('../../../packages/api/src/test-fixtures/register.csv', import.meta.url));
const TOWNS = Buffer.from(
  [
    'ags,hub_name,admin_email,partner',
    '15084550,Digital Hub Weißenfels,chefin@weissenfels.example.org,',
    '15084777,Digital Hub Erfunden,a@erfunden.example.org,',
  ].join('\n'),
);

let stack: Stack;
let page: Page;
const contexts: BrowserContext[] = [];
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });

async function axeAtBothWidths(label: string) {
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await expectNoAxeViolations(page, `${label} at ${width} px`);
  }
  await page.setViewportSize({ width: 1366, height: 900 });
}

beforeAll(async () => {
  stack = await startStack();
  page = await openPage(stack, contexts, { javaScriptEnabled: false });
  await signIn(page, DEMO_USERS.platform, LEFT_LOGIN);
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await stack?.stop();
});

describe('register, onboarding search and bulk onboarding', () => {
  it('imports the register by upload and shows its date and size', async () => {
    await page.goto('/register');
    await poll(() => page.getByText('Es ist noch kein Gemeindeverzeichnis importiert.').count()).toBe(1);
    await axeAtBothWidths('register (empty)');
    await page.getByLabel('CSV-Datei').setInputFiles({ name: 'gemeinden.csv', mimeType: 'text/csv', buffer: REGISTER });
    await page.getByLabel('Gebietsstand (Datum des Auszugs)').fill('2019-12-31');
    await page.getByRole('button', { name: 'Importieren' }).click();
    await poll(() => page.getByTestId('register-imported').innerText()).toContain('11 Gemeinden');
    await poll(() => page.getByTestId('register-current').innerText()).toContain('31.12.2019');
    await axeAtBothWidths('register (imported)');
  });

  it('searches the register on the onboarding page and fills the form from a match', async () => {
    await page.goto('/towns/new');
    await poll(() => page.getByTestId('register-note').innerText()).toContain('31.12.2019');
    await page.getByLabel('Name, Postleitzahl oder AGS').fill('06712');
    await page.getByRole('button', { name: 'Suchen' }).click();
    await poll(() => page.getByTestId('register-matches').innerText()).toContain('Zeitz, Stadt');
    await axeAtBothWidths('onboarding search results');
    await page.getByRole('link', { name: 'Zeitz, Stadt übernehmen' }).click();
    await poll(() => page.getByLabel('Amtlicher Gemeindeschlüssel (AGS)').inputValue()).toBe('15084590');
    expect(await page.getByLabel('Name der Kommune').inputValue()).toBe('Zeitz');
    expect(await page.getByTestId('register-chosen').innerText()).toContain('Burgenlandkreis');
    await axeAtBothWidths('onboarding form filled from the register');
  });

  it('asks for an explicit confirmation naming the register date for a key not in it', async () => {
    await page.goto('/towns/new');
    await page.getByLabel('Name der Kommune').fill('Erfunden');
    await page.getByLabel('Amtlicher Gemeindeschlüssel (AGS)').fill('15084777');
    await page.getByLabel('Bundesland').selectOption({ label: 'Sachsen-Anhalt' });
    await page.getByLabel('Name des ersten Digital Hubs').fill('Digital Hub Erfunden');
    await page.getByLabel(/E-Mail-Adresse der ersten/).fill('admin@erfunden.example.org');
    await page.getByRole('button', { name: 'Kommune anlegen' }).click();
    const confirm = page.getByLabel(/Der AGS 15084777 steht nicht im Verzeichnis vom 31\.12\.2019/);
    await poll(() => confirm.count()).toBe(1);
    await axeAtBothWidths('onboarding form asking for the confirmation');
    await confirm.check();
    await page.getByRole('button', { name: 'Kommune anlegen' }).click();
    await poll(() => page.getByRole('heading', { level: 2 }).first().innerText()).toBe(
      'Kommune „Erfunden“ wurde angelegt',
    );
  });

  it('onboards a file of towns and reports each line', async () => {
    await page.goto('/towns/bulk');
    await axeAtBothWidths('bulk upload');
    await page.getByLabel('CSV-Datei').setInputFiles({ name: 'orte.csv', mimeType: 'text/csv', buffer: TOWNS });
    await page.getByRole('button', { name: 'Hochladen und onboarden' }).click();
    await page.waitForURL('**/towns/bulk/*');
    // Without JavaScript the page reloads itself (meta refresh) until the job is done.
    await expect
      .poll(() => page.getByTestId('bulk-progress').innerText(), { timeout: 60_000, interval: 200 })
      .toContain('2 von 2 Zeilen bearbeitet');
    await poll(() => page.getByTestId('bulk-summary').innerText()).toBe('1 angelegt, 1 schon angelegt, 0 abgelehnt.');
    const report = await page.getByTestId('bulk-report').innerText();
    expect(report).toContain('Angelegt');
    expect(report).toContain('Schon angelegt');
    await axeAtBothWidths('bulk report');
  });
});

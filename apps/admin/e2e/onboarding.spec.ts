/**
 * Acceptance test of onboarding a town, in a real Chromium against the
 * production build of the admin app, the real API and a fresh database.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IT_PARTNER, DEMO_PASSWORD, DEMO_USERS } from '../../../prisma/seed.ts';
import { mailedInvitationLink, startStack, WCAG_TAGS, type Stack } from './support/stack.ts';

const SCREENSHOTS = fileURLToPath(new URL('../test-results/', import.meta.url));

let stack: Stack;
/** Pages change after navigations and form posts: wait for what the user will see (up to 15 s). */
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });
const contexts: BrowserContext[] = [];

async function newPage(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const context = await stack.browser.newContext({
    baseURL: stack.adminUrl,
    locale: 'de-DE',
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  contexts.push(context);
  return context.newPage();
}

async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Passwort').fill(password);
  await page.getByRole('button', { name: 'Anmelden' }).click();
}

/** axe on the page as it is now; a failure lists rule, impact and the offending elements. */
async function expectNoAxeViolations(page: Page, label: string) {
  const result = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const violations = result.violations.map((v) => ({
    page: label,
    rule: v.id,
    impact: v.impact,
    targets: v.nodes.map((n) => n.target.join(' ')),
  }));
  expect(violations).toEqual([]);
  expect(result.passes.length).toBeGreaterThan(0);
}

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  stack = await startStack();
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await stack?.stop();
});

describe('onboarding a town', () => {
  let invitationUrl = '';

  it('rejects a wrong password with one message that does not say whether the account exists', async () => {
    const page = await newPage();
    await signIn(page, DEMO_USERS.platform, 'not-the-password');
    await poll(() => page.getByRole('alert').innerText()).toContain('E-Mail oder Passwort ist falsch');
    expect(new URL(page.url()).pathname).toBe('/login');
    await poll(() => page.getByLabel('E-Mail-Adresse').inputValue()).toBe(DEMO_USERS.platform);

    // An unknown account gets exactly the same answer.
    await signIn(page, 'nobody@hubwerk.test', 'not-the-password');
    await poll(() => page.getByRole('alert').innerText()).toContain('E-Mail oder Passwort ist falsch');
    await expectNoAxeViolations(page, 'login (with error)');
  });

  it('lets the platform admin onboard "Zeitz 2" with the seeded IT partner', async () => {
    const page = await newPage();
    await signIn(page, DEMO_USERS.platform);
    await page.waitForURL('**/towns');
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Kommunen');
    await expectNoAxeViolations(page, 'towns list');
    await page.screenshot({ path: `${SCREENSHOTS}towns.png`, fullPage: true });

    await page.getByRole('link', { name: 'Kommune onboarden' }).click();
    await page.waitForURL('**/towns/new');
    await expectNoAxeViolations(page, 'onboarding form');

    // A wrong AGS: the field error is next to the field, the input is kept, focus is on the summary.
    await page.getByLabel('Name der Kommune').fill('Zeitz 2');
    await page.getByLabel('Amtlicher Gemeindeschlüssel (AGS)').fill('1508459');
    await page.getByLabel('Bundesland').selectOption({ label: 'Sachsen-Anhalt' });
    await page.getByLabel('IT-Partner').selectOption({ label: DEMO_IT_PARTNER });
    await page.getByLabel('Name des ersten Digital Hubs').fill('Digital Hub Zeitz 2');
    await page.getByLabel(/E-Mail-Adresse der ersten/).fill('admin@zeitz2.hubwerk.test');
    await page.getByRole('button', { name: 'Kommune anlegen' }).click();

    const ags = page.getByLabel('Amtlicher Gemeindeschlüssel (AGS)');
    await poll(() => ags.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await ags.getAttribute('aria-describedby')) ?? '';
    const errorText = await page.locator(`#${describedBy.split(' ').find((id) => id.endsWith('-error'))}`).innerText();
    expect(errorText).toContain('Der AGS besteht aus genau 8 Ziffern.');
    await poll(() => ags.inputValue()).toBe('1508459');
    await poll(() => page.getByLabel('Name der Kommune').inputValue()).toBe('Zeitz 2');
    await poll(() => page.getByLabel('IT-Partner').locator('option:checked').innerText()).toBe(DEMO_IT_PARTNER);
    await poll(() => page.evaluate(() => document.activeElement?.id)).toBe('error-summary');
    await expectNoAxeViolations(page, 'onboarding form (with errors)');
    await page.screenshot({ path: `${SCREENSHOTS}onboarding-errors.png`, fullPage: true });

    await ags.fill('15084591');
    await page.getByRole('button', { name: 'Kommune anlegen' }).click();
    await poll(() => page.getByRole('heading', { level: 2 }).first().innerText()).toBe(
      'Kommune „Zeitz 2“ wurde angelegt',
    );
    // No link on the page: it went by mail to the first admin only (read here from the stored mails).
    expect(await page.getByLabel('Einladungslink').count()).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}onboarding-success.png`, fullPage: true });
    invitationUrl = await mailedInvitationLink(stack, 'admin@zeitz2.hubwerk.test');
    expect(invitationUrl).toMatch(new RegExp(`^${stack.adminUrl}/invite/[A-Za-z0-9_-]{20,}$`));

    await page.getByRole('link', { name: 'Zur Liste der Kommunen' }).click();
    await page.waitForURL('**/towns');
    const row = page.getByRole('row', { name: /Zeitz 2/ });
    await poll(() => row.innerText()).toContain('15084591');
    await poll(() => row.innerText()).toContain(DEMO_IT_PARTNER);
    await poll(() => row.innerText()).toContain('Sachsen-Anhalt');

    await row.getByRole('link', { name: 'Zeitz 2' }).click();
    await page.waitForURL('**/towns/zeitz-2');
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Zeitz 2');
    await poll(() => page.getByRole('row', { name: /Digital Hub Zeitz 2/ }).count()).toBe(1);
    await expectNoAxeViolations(page, 'town detail');
    await page.screenshot({ path: `${SCREENSHOTS}town.png`, fullPage: true });

    await page.getByRole('link', { name: 'Partner', exact: true }).click();
    await page.waitForURL('**/partners');
    await poll(() => page.getByRole('row', { name: new RegExp(DEMO_IT_PARTNER) }).count()).toBe(1);
    await expectNoAxeViolations(page, 'partners list');
  });

  it('lets the platform admin create and rename a hub, change the partner and register a partner', async () => {
    const page = await newPage();
    await signIn(page, DEMO_USERS.platform);
    await page.waitForURL('**/towns');
    await page.goto('/towns/zeitz-2');

    // An empty name is a field error; the other input is kept.
    await page.getByLabel('Themenschwerpunkt').fill('Strukturwandel');
    await page.getByRole('button', { name: 'Hub anlegen' }).click();
    await poll(() => page.getByRole('alert').innerText()).toContain('Bitte füllen Sie dieses Feld aus.');
    await poll(() => page.getByLabel('Themenschwerpunkt').inputValue()).toBe('Strukturwandel');

    await page.getByLabel('Name', { exact: true }).fill('Werkstatt Zeitz');
    await page.getByLabel('Ort').fill('Zeitz');
    await page.getByRole('button', { name: 'Hub anlegen' }).click();
    await poll(() => page.getByRole('status').first().innerText()).toContain('„Werkstatt Zeitz“ wurde angelegt');
    const row = page.getByRole('row', { name: /Werkstatt Zeitz/ });
    await poll(() => row.innerText()).toContain('Strukturwandel');

    await page.getByLabel('Neuer Name für „Werkstatt Zeitz“').fill('Werkstatt Zeitz-Ost');
    await page
      .getByRole('row', { name: /Werkstatt Zeitz/ })
      .getByRole('button', { name: 'Umbenennen' })
      .click();
    await poll(() => page.getByRole('row', { name: /Werkstatt Zeitz-Ost/ }).count()).toBe(1);

    await page.getByLabel('Betreuender IT-Partner').selectOption({ label: 'Kein Partner' });
    await page.getByRole('button', { name: 'Zuordnung speichern' }).click();
    await poll(() => page.locator('.facts').innerText()).toContain('Kein Partner');
    await page.getByLabel('Betreuender IT-Partner').selectOption({ label: DEMO_IT_PARTNER });
    await page.getByRole('button', { name: 'Zuordnung speichern' }).click();
    await poll(() => page.locator('.facts').innerText()).toContain(DEMO_IT_PARTNER);

    await page.goto('/partners/new');
    await expectNoAxeViolations(page, 'register partner form');
    await page.getByLabel('Art des Partners').selectOption({ label: 'Regionaler Anbieter' });
    await page.getByLabel('Name', { exact: true }).fill('Weiterbildung Burgenland');
    await page.getByLabel('Region').fill('Burgenlandkreis');
    await page.getByLabel(/E-Mail-Adresse der ersten/).fill('kontakt@weiterbildung-burgenland.test');
    await page.getByRole('button', { name: 'Partner registrieren' }).click();
    await poll(() => page.getByRole('heading', { level: 2 }).first().innerText()).toBe(
      'Partner „Weiterbildung Burgenland“ wurde registriert',
    );
    await poll(() => page.getByRole('status').first().innerText()).toContain('Die Einladung ist per E-Mail');
    expect(await page.content()).not.toContain('/invite/');
    await page.getByRole('link', { name: 'Zum Partner „Weiterbildung Burgenland“' }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Weiterbildung Burgenland');
    await expectNoAxeViolations(page, 'partner detail');
  });

  it('works without JavaScript: the invalid AGS comes back with its error and the input kept', async () => {
    const page = await newPage({ javaScriptEnabled: false });
    await signIn(page, DEMO_USERS.platform);
    await page.waitForURL('**/towns');
    await page.goto('/towns/new');
    await page.getByLabel('Name der Kommune').fill('Ohne Skript');
    await page.getByLabel('Amtlicher Gemeindeschlüssel (AGS)').fill('12ab');
    await page.getByRole('button', { name: 'Kommune anlegen' }).click();
    await page.waitForLoadState('load');
    await poll(() => page.getByRole('alert').innerText()).toContain('Der AGS besteht aus genau 8 Ziffern.');
    await poll(() => page.getByLabel('Amtlicher Gemeindeschlüssel (AGS)').inputValue()).toBe('12ab');
    await poll(() => page.getByLabel('Name der Kommune').inputValue()).toBe('Ohne Skript');
  });

  it('shows the invitation and lets the new town admin accept it', async () => {
    const page = await newPage();
    await page.goto(invitationUrl);
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Einladung annehmen');
    await poll(() => page.locator('main').innerText()).toContain('Sie wurden in die Kommune „Zeitz 2“ eingeladen.');
    await poll(() => page.getByLabel('E-Mail-Adresse').inputValue()).toBe('admin@zeitz2.hubwerk.test');
    await expectNoAxeViolations(page, 'invitation');

    await page.getByLabel('Ihr Name').fill('Zoe Zeitz');
    await page.getByLabel('Passwort wählen').fill('zu-kurz');
    await page.getByRole('button', { name: 'Einladung annehmen' }).click();
    await poll(() => page.getByRole('alert').innerText()).toContain('mindestens 12 Zeichen');

    await page.getByLabel('Passwort wählen').fill('ein-langes-passwort');
    await page.getByRole('button', { name: 'Einladung annehmen' }).click();
    await page.waitForURL('**/towns/zeitz-2');

    const again = await newPage();
    await again.goto(invitationUrl);
    await poll(() => again.locator('main').innerText()).toContain('Diese Einladung wurde bereits angenommen.');
  });

  it('shows Zeitz 2 to the partner that supports it', async () => {
    const page = await newPage();
    await signIn(page, DEMO_USERS.partner);
    await page.waitForURL('**/towns');
    await poll(() => page.getByRole('row', { name: /Zeitz 2/ }).count()).toBe(1);

    // Signing out ends the session: protected pages go to the sign-in page, which leads back after sign-in.
    await page.getByRole('button', { name: 'Abmelden' }).click();
    await page.waitForURL('**/login');
    await page.goto('/towns/zeitz-2');
    await poll(() => new URL(page.url()).pathname + new URL(page.url()).search).toBe(
      '/login?redirectTo=%2Ftowns%2Fzeitz-2',
    );
    await page.getByLabel('E-Mail-Adresse').fill(DEMO_USERS.partner);
    await page.getByLabel('Passwort').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.waitForURL('**/towns/zeitz-2');
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Zeitz 2');
  });

  it('hides Zeitz 2 from another town: not in the list, and its page is "not found"', async () => {
    const page = await newPage();
    await signIn(page, DEMO_USERS.einbeckAdmin);
    await page.waitForURL('**/towns/einbeck');
    await page.goto('/towns');
    await poll(() => page.getByRole('row', { name: /Einbeck/ }).count()).toBe(1);
    await poll(() => page.getByRole('row', { name: /Zeitz/ }).count()).toBe(0);

    const response = await page.goto('/towns/zeitz-2');
    expect(response?.status()).toBe(404);
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Seite nicht gefunden');
    await expectNoAxeViolations(page, 'not found');

    // A town that does not exist looks exactly the same.
    const missing = await page.goto('/towns/gibt-es-nicht');
    expect(missing?.status()).toBe(404);
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Seite nicht gefunden');
  });

  it('switches to English', async () => {
    const page = await newPage();
    await signIn(page, DEMO_USERS.einbeckAdmin);
    await page.waitForURL('**/towns/einbeck');
    await page.goto('/towns');
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Kommunen');
    await page.getByRole('button', { name: 'English' }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Towns');
    await poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    expect(new URL(page.url()).pathname).toBe('/towns');
  });
});

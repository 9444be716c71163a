/**
 * Request safety in a real Chromium against the production build: a form
 * posted from another origin is refused (403) and changes nothing, pages
 * carry a nonce-based CSP under which the app still hydrates, and the
 * sign-in rate limit shows its translated retry time; the town's audit log
 * ("Protokoll") for those who may read it, with CSV export, and for nobody else.
 */
import http from 'node:http';
import { AxeBuilder } from '@axe-core/playwright';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS } from '../../../prisma/seed.ts';
import { startStack, type Stack } from './support/stack.ts';

let stack: Stack;
let attacker: http.Server;
let attackerUrl = '';
const contexts: BrowserContext[] = [];
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });

async function newPage(extraHTTPHeaders: Record<string, string> = {}): Promise<Page> {
  const context = await stack.browser.newContext({ baseURL: stack.adminUrl, locale: 'de-DE', extraHTTPHeaders });
  contexts.push(context);
  return context.newPage();
}

async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Passwort').fill(password);
  await page.getByRole('button', { name: 'Anmelden' }).click();
}

async function expectNoAxeViolations(page: Page, label: string) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(
    result.violations.map((v) => ({ page: label, rule: v.id, targets: v.nodes.map((n) => n.target.join(' ')) })),
  ).toEqual([]);
}

beforeAll(async () => {
  stack = await startStack();
  // Another origin (same site: 127.0.0.1 on another port, so SameSite=Lax cookies
  // still travel) serving a page that posts a form into the admin app.
  attacker = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="de"><title>Gewinnspiel</title><body>
      <form id="f" method="post" action="${stack.adminUrl}/towns/einbeck">
        <input name="intent" value="createHub"><input name="name" value="Untergeschobener Hub">
      </form><script>document.getElementById('f').submit()</script></body></html>`);
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', () => resolve()));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await new Promise((resolve) => attacker?.close(resolve));
  await stack?.stop();
});

describe('cross-site request forgery', () => {
  it('refuses a form posted from another origin with 403 and changes nothing; the same form from the app works', async () => {
    const page = await newPage();
    await signIn(page, DEMO_USERS.einbeckAdmin);
    await page.waitForURL('**/towns/einbeck');

    const refused = page.waitForResponse(
      (r) => r.url() === `${stack.adminUrl}/towns/einbeck` && r.request().method() === 'POST',
    );
    await page.goto(attackerUrl);
    expect((await refused).status()).toBe(403);

    await page.goto('/towns/einbeck');
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Einbeck');
    expect(await page.getByRole('row', { name: /Untergeschobener Hub/ }).count()).toBe(0);

    // The control: the very same post from the app's own page goes through.
    await page.getByLabel('Name', { exact: true }).fill('Untergeschobener Hub');
    await page.getByRole('button', { name: 'Hub anlegen' }).click();
    await poll(() => page.getByRole('row', { name: /Untergeschobener Hub/ }).count()).toBe(1);
  });

  it('refuses a post that proves no origin at all', async () => {
    const response = await fetch(`${stack.adminUrl}/logout`, { method: 'POST', redirect: 'manual' });
    expect(response.status).toBe(403);
  });
});

describe('content security policy', () => {
  it('allows only nonce-tagged inline scripts, and the app still hydrates under it', async () => {
    const page = await newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    const response = await page.goto('/login');
    const csp = response?.headers()['content-security-policy'] ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    // Every inline script on the page carries the nonce (the browser hides its value from the DOM).
    const inline = await page.$$eval('script:not([src])', (scripts) => scripts.map((s) => s.hasAttribute('nonce')));
    expect(inline.length).toBeGreaterThan(0);
    expect(inline.every(Boolean)).toBe(true);
    // Hydrated: client-side navigation state exists and no script was blocked.
    await poll(() => page.evaluate(() => typeof (window as unknown as { __remixRouter?: unknown }).__remixRouter)).toBe(
      'object',
    );
    expect(violations).toEqual([]);
    const second = await page.request.get('/login');
    expect(second.headers()['content-security-policy']).not.toContain(`'nonce-${nonce}'`);
  });
});

describe('sign-in rate limit', () => {
  it('after 10 failures from one IP shows the translated retry time, and the real user elsewhere still gets in', async () => {
    const page = await newPage({ 'X-Forwarded-For': '203.0.113.9' });
    for (let i = 0; i < 10; i += 1) {
      await signIn(page, DEMO_USERS.einbeckMember, `falsch-${i}`);
      await poll(() => page.getByRole('alert').innerText()).toContain('E-Mail oder Passwort ist falsch');
    }
    await signIn(page, DEMO_USERS.einbeckMember);
    await poll(() => page.getByRole('alert').innerText()).toContain(
      'Zu viele fehlgeschlagene Anmeldeversuche. Bitte versuchen Sie es in 15 Minuten noch einmal.',
    );
    expect(new URL(page.url()).pathname).toBe('/login');

    const elsewhere = await newPage({ 'X-Forwarded-For': '198.51.100.30' });
    await signIn(elsewhere, DEMO_USERS.einbeckMember);
    await elsewhere.waitForURL('**/towns/einbeck');
  });
});

describe('Protokoll (audit log)', () => {
  it("shows a town admin their town's changes, filters them and exports them as CSV", async () => {
    const page = await newPage();
    await signIn(page, DEMO_USERS.einbeckAdmin);
    await page.waitForURL('**/towns/einbeck');
    await page.getByLabel('Neuer Name für „Digital Hub Einbeck“').fill('Digital Hub Einbeck-Mitte');
    await page.getByRole('button', { name: 'Umbenennen' }).first().click();
    await poll(() => page.getByRole('row', { name: /Digital Hub Einbeck-Mitte/ }).count()).toBe(1);

    await page.getByRole('link', { name: 'Protokoll' }).click();
    await page.waitForURL('**/towns/einbeck/audit');
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Protokoll – Einbeck');
    const row = page.getByRole('row', { name: /Digital Hub umbenannt/ }).first();
    await poll(() => row.innerText()).toContain(DEMO_USERS.einbeckAdmin);
    await expectNoAxeViolations(page, 'audit log');

    // Changes only, by default; actions are chosen by their name in words.
    expect(await page.getByLabel('Nur Änderungen').isChecked()).toBe(true);
    await page.getByLabel('Aktion').selectOption({ label: 'Partner zugeordnet' });
    await page.getByRole('button', { name: 'Filtern' }).click();
    await poll(() => page.locator('main').innerText()).toContain('Keine Einträge gefunden.');
    expect(new URL(page.url()).searchParams.get('action')).toBe('tenant.partnerAssigned');
    expect(await page.getByLabel('Nur Änderungen').isChecked()).toBe(true);

    await page.getByLabel('Aktion').selectOption({ label: 'Alle Aktionen' });
    await page.getByLabel('Nur Änderungen').uncheck();
    await page.getByRole('button', { name: 'Filtern' }).click();
    await poll(() => new URL(page.url()).searchParams.get('changes')).toBe(null);
    expect(await page.getByLabel('Nur Änderungen').isChecked()).toBe(false);
    await poll(() => page.getByRole('row', { name: /Digital Hub umbenannt/ }).count()).toBeGreaterThan(0);

    await page.getByLabel('Aktion').selectOption({ label: 'Digital Hub umbenannt' });
    await page.getByLabel('Person (E-Mail-Adresse)').fill('kein-email');
    await page.getByRole('button', { name: 'Filtern' }).click();
    await poll(() => page.getByRole('alert').innerText()).toContain('Bitte geben Sie eine gültige E-Mail-Adresse ein');
    await poll(() => page.getByLabel('Person (E-Mail-Adresse)').getAttribute('aria-invalid')).toBe('true');
    await expectNoAxeViolations(page, 'audit log (with filter error)');

    const csv = await page.request.get('/towns/einbeck/audit.csv?action=hub.renamed');
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect(csv.headers()['content-disposition']).toMatch(
      /^attachment; filename="protokoll-einbeck-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const body = await csv.text();
    expect(body.split('\r\n')[0]).toContain('"Zeitpunkt (UTC)";"Aktion"');
    expect(body).toContain('"Digital Hub umbenannt"');
    expect(body).toContain('Digital Hub Einbeck-Mitte');
  });

  it('is the not-found page for another town and for roles that may not read it', async () => {
    const admin = await newPage();
    await signIn(admin, DEMO_USERS.einbeckAdmin);
    await admin.waitForURL('**/towns/einbeck');
    for (const path of ['/towns/zeitz/audit', '/towns/gibt-es-nicht/audit']) {
      const response = await admin.goto(path);
      expect(response?.status(), path).toBe(404);
      await poll(() => admin.getByRole('heading', { level: 1 }).innerText()).toBe('Seite nicht gefunden');
    }
    expect((await admin.request.get('/towns/zeitz/audit.csv')).status()).toBe(404);

    const manager = await newPage();
    await signIn(manager, DEMO_USERS.einbeckManager);
    await manager.waitForURL('**/towns/einbeck');
    expect(await manager.getByRole('link', { name: 'Protokoll' }).count()).toBe(0);
    expect((await manager.goto('/towns/einbeck/audit'))?.status()).toBe(404);
    expect((await manager.request.get('/towns/einbeck/audit.csv')).status()).toBe(404);
  });
});

describe('changing the password', () => {
  it("ends the user's other sessions on their next request and keeps this one", async () => {
    const here = await newPage();
    const elsewhere = await newPage();
    for (const page of [here, elsewhere]) {
      await signIn(page, DEMO_USERS.zeitzAdmin);
      await page.waitForURL('**/towns/zeitz');
    }
    await here.getByRole('link', { name: 'Passwort ändern' }).click();
    await here.waitForURL('**/account/password');
    await expectNoAxeViolations(here, 'change password');

    await here.getByLabel('Bisheriges Passwort').fill(DEMO_PASSWORD);
    await here.getByLabel('Neues Passwort', { exact: true }).fill('zeitz-neues-passwort');
    await here.getByLabel('Neues Passwort wiederholen').fill('zeitz-anderes-passwort');
    await here.getByRole('button', { name: 'Passwort ändern' }).click();
    await poll(() => here.getByRole('alert').innerText()).toContain(
      'Die beiden neuen Passwörter stimmen nicht überein.',
    );
    await expectNoAxeViolations(here, 'change password (with errors)');

    await here.getByLabel('Bisheriges Passwort').fill(DEMO_PASSWORD);
    await here.getByLabel('Neues Passwort', { exact: true }).fill('zeitz-neues-passwort');
    await here.getByLabel('Neues Passwort wiederholen').fill('zeitz-neues-passwort');
    await here.getByRole('button', { name: 'Passwort ändern' }).click();
    await poll(() => here.getByRole('status').first().innerText()).toContain('Andere Sitzungen beendet: 1.');

    await elsewhere.goto('/towns/zeitz');
    await elsewhere.waitForURL('**/login?redirectTo=%2Ftowns%2Fzeitz');
    await here.goto('/towns/zeitz');
    await poll(() => here.getByRole('heading', { level: 1 }).innerText()).toBe('Zeitz');
  });
});

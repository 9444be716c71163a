/**
 * Single sign-on in a real Chromium against the production build and a real
 * OpenID Connect provider (`oidc-provider`) on 127.0.0.1: the town admin sets
 * up the provider (axe-clean, German), a new person signs in through it —
 * without JavaScript, through the provider's own login page — and lands in
 * exactly that town; a forged callback shows a clear error and no session.
 */
import type { BrowserContext, Page } from 'playwright-core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS } from '../../../prisma/seed.ts';
import { startTestOidcProvider, type TestOidcProvider } from '../../../packages/api/src/testing/index.ts';
import { openPage, startStack, type Stack, expectNoAxeViolations } from './support/stack.ts';

let stack: Stack;
let idp: TestOidcProvider;
const contexts: BrowserContext[] = [];
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });

beforeAll(async () => {
  stack = await startStack();
  // Single sign-on comes with the Plus plan only.
  const superuser = new pg.Client({ connectionString: stack.superuserUrl });
  await superuser.connect();
  await superuser.query(
    `UPDATE "TenantBilling" b SET plan = 'PLUS' FROM "Tenant" t WHERE t.id = b."tenantId" AND t.slug = 'einbeck'`,
  );
  await superuser.end();
  idp = await startTestOidcProvider({
    redirectUri: `${stack.adminUrl}/sso/callback`,
    accounts: { clara: { email: 'clara.neu@einbeck.example', name: 'Clara Neu' } },
  });
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await idp?.close();
  await stack?.stop();
});

/** From the sign-in page through the provider's own login form back into the admin app. */
async function signInThroughProvider(page: Page) {
  await page.goto('/login');
  await page.getByRole('link', { name: 'Mit Single Sign-On anmelden' }).click();
  await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Mit Single Sign-On anmelden');
  await page.getByLabel('E-Mail-Adresse').fill('clara.neu@einbeck.example');
  await page.getByRole('button', { name: 'Weiter zur Anmeldung' }).click();
  // The provider's own login page (oidc-provider's dev interaction).
  await page.waitForURL(`${idp.issuer}/**`, { timeout: 20_000 });
  await page.locator('input[name="login"]').fill('clara', { timeout: 10_000 });
  await page.locator('input[name="password"]').fill('egal', { timeout: 10_000 });
  await page.locator('button[type="submit"]').first().click({ timeout: 10_000 });
  await page.waitForURL('**/towns/einbeck', { timeout: 30_000 });
  await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Einbeck');
}

describe('single sign-on', () => {
  it('lets the town admin set up the provider (the secret is never shown again)', async () => {
    const page = await openPage(stack, contexts);
    await page.goto('/login');
    await page.getByLabel('E-Mail-Adresse').fill(DEMO_USERS.einbeckAdmin);
    await page.getByLabel('Passwort').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.waitForURL('**/towns/einbeck');
    await page.getByRole('link', { name: 'Single Sign-On' }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Single Sign-On der Kommune');
    await expectNoAxeViolations(page, 'sso settings (empty)');

    await page.getByLabel('Issuer-URL').fill(idp.issuer);
    await page.getByLabel('Client-ID').fill(idp.clientId);
    await page.getByLabel('Erlaubte E-Mail-Domains').fill('einbeck.example, @kaputt');
    await page.getByRole('button', { name: 'Einstellungen speichern' }).click();
    await poll(() => page.locator('#sso-allowed-domains-error').innerText()).toContain('Domains wie „stadt.de“');
    await expectNoAxeViolations(page, 'sso settings (errors)');

    await page.getByLabel('Client-Secret').fill(idp.clientSecret);
    await page.getByLabel('Erlaubte E-Mail-Domains').fill('einbeck.example');
    await page.getByLabel('Single Sign-On ist eingeschaltet').check();
    await page.getByRole('button', { name: 'Einstellungen speichern' }).click();
    await poll(() => page.getByRole('status').innerText()).toContain('Die Einstellungen wurden gespeichert.');
    await page.reload();
    expect(await page.getByLabel('Client-Secret').inputValue()).toBe('');
    expect(await page.content()).not.toContain(idp.clientSecret);
    expect(await page.getByLabel('Issuer-URL').inputValue()).toBe(idp.issuer);
    await expectNoAxeViolations(page, 'sso settings (saved)');
  });

  it('signs a new person in through the provider, without JavaScript, into exactly this town', async () => {
    const page = await openPage(stack, contexts, { javaScriptEnabled: false });
    const trail: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) trail.push(frame.url());
    });
    page.on('console', (message) => trail.push(`console: ${message.text()}`));
    await signInThroughProvider(page).catch(async (error: unknown) => {
      throw new Error(
        `${String(error)}\nvisited:\n${trail.join('\n')}\nat ${page.url()}:\n${(await page.content()).slice(0, 1500)}`,
      );
    });

    const db = new pg.Client({ connectionString: stack.superuserUrl });
    await db.connect();
    try {
      const { rows } = await db.query(
        `SELECT t.slug, m.role FROM "TenantMembership" m JOIN "Tenant" t ON t.id = m."tenantId" JOIN "User" u ON u.id = m."userId" WHERE u.email = $1`,
        ['clara.neu@einbeck.example'],
      );
      expect(rows).toEqual([{ slug: 'einbeck', role: 'MEMBER' }]);
    } finally {
      await db.end();
    }
  });

  it('shows a clear, accessible error for a forged callback and opens no session', async () => {
    const page = await openPage(stack, contexts);
    const response = await page.goto('/sso/callback?code=gefaelscht&state=gefaelscht');
    expect(response?.status()).toBe(400);
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Anmeldung nicht möglich');
    expect(await page.getByText('Diese Anmeldung ist ungültig').count()).toBe(1);
    await expectNoAxeViolations(page, 'sso callback error');
    // axe needs JavaScript: the sign-in page is checked here, with an unknown domain's error on it.
    await page.goto('/login/sso');
    await expectNoAxeViolations(page, 'sso login');
    await page.getByLabel('E-Mail-Adresse').fill('jemand@unbekannt.example');
    await page.getByRole('button', { name: 'Weiter zur Anmeldung' }).click();
    await poll(() => page.locator('#sso-email-error').innerText()).toContain(
      'keine Anmeldung per Single Sign-On eingerichtet',
    );
    await expectNoAxeViolations(page, 'sso login (error)');
    await page.goto('/towns/einbeck');
    await page.waitForURL('**/login**');
  });
});

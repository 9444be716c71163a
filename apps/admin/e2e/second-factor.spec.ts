/**
 * The second factor (ADR 012) and the sessions pages in a real Chromium
 * against the production build: enrolment with a server-rendered QR code and
 * recovery codes, the second sign-in step (with and without JavaScript),
 * ending one's other sessions and the provider ending an account's sessions
 * — each taking effect on the next request — and axe on every page.
 */
import pg from 'pg';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS } from '../../../prisma/seed.ts';
// Test code computing what the user's authenticator app would show.
import { totpCode } from '../../../packages/auth/src/totp.ts';
import { openPage, startStack, type Stack, expectNoAxeViolations } from './support/stack.ts';

let stack: Stack;
const contexts: BrowserContext[] = [];
const ADMIN = 'zwei-faktor@hubwerk.test';
const VICTIM = 'verlorener-laptop@hubwerk.test';
/** The machine is shared and slow: a sign-in (argon2) may take seconds. */
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 100 });

async function signInWithPassword(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Passwort').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Anmelden' }).click();
}

beforeAll(async () => {
  stack = await startStack();
  // Own accounts (with the demo password), so no other spec's demo user changes.
  const db = new pg.Client({ connectionString: stack.superuserUrl });
  await db.connect();
  await db.query(
    `INSERT INTO "User" (id, email, name, "passwordHash", "platformRole", "updatedAt")
     SELECT gen_random_uuid(), $2, 'Zora Zweifaktor', "passwordHash", 'PLATFORM_ADMIN', now() FROM "User" WHERE email = $1`,
    [DEMO_USERS.platform, ADMIN],
  );
  await db.query(
    `INSERT INTO "User" (id, email, name, "passwordHash", "updatedAt") SELECT gen_random_uuid(), $2, 'Lars Laptop', "passwordHash", now() FROM "User" WHERE email = $1`,
    [DEMO_USERS.platform, VICTIM],
  );
  await db.end();
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await stack?.stop();
});

describe('two-factor sign-in', () => {
  let secret = '';
  let recoveryCodes: string[] = [];
  let first: Page;

  it('enrols with a QR code (and the key as text), confirms with a first code and shows ten recovery codes once', async () => {
    first = await openPage(stack, contexts);
    await signInWithPassword(first, ADMIN);
    await poll(() => new URL(first.url()).pathname).not.toBe('/login');
    await first.goto('/account/security');
    await poll(() => first.getByRole('heading', { name: 'Zwei-Faktor-Anmeldung ist ausgeschaltet' }).count()).toBe(1);
    await expectNoAxeViolations(first, 'Zwei-Faktor (aus)');

    await first.getByRole('button', { name: 'Zwei-Faktor-Anmeldung einrichten' }).click();
    const qr = first.getByRole('img', { name: 'QR-Code zum Einrichten der Authenticator-App' });
    await poll(() => qr.count()).toBe(1);
    expect(await qr.locator('svg').count()).toBe(1);
    secret = ((await first.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await expectNoAxeViolations(first, 'Zwei-Faktor einrichten');

    // A wrong code first: the error is shown next to the field, nothing switches on.
    await first
      .getByLabel('Code aus der App oder Wiederherstellungscode')
      .fill(totpCode(secret, Date.now()) === '000000' ? '111111' : '000000');
    await first.getByRole('button', { name: 'Bestätigen und einschalten' }).click();
    await poll(() => first.getByText('Der Code stimmt nicht oder wurde schon verwendet.').count()).toBeGreaterThan(0);

    await first.getByLabel('Code aus der App oder Wiederherstellungscode').fill(totpCode(secret, Date.now()));
    await first.getByRole('button', { name: 'Bestätigen und einschalten' }).click();
    const codes = first.getByRole('list', { name: 'Ihre Wiederherstellungscodes' }).locator('code');
    await poll(() => codes.count()).toBe(10);
    recoveryCodes = await codes.allTextContents();
    await expectNoAxeViolations(first, 'Wiederherstellungscodes');

    // Shown once: a reload shows the status, not the codes.
    await first.goto('/account/security');
    await poll(() => first.getByRole('heading', { name: 'Zwei-Faktor-Anmeldung ist eingeschaltet' }).count()).toBe(1);
    expect(await first.getByText(recoveryCodes[0]!).count()).toBe(0);
    await expectNoAxeViolations(first, 'Zwei-Faktor (an)');
  });

  it('asks for the code after the password; a wrong code is refused, the right one signs in', async () => {
    const page = await openPage(stack, contexts);
    await signInWithPassword(page, ADMIN);
    await poll(() => new URL(page.url()).pathname).toBe('/login/second-factor');
    await expectNoAxeViolations(page, 'Zweiter Schritt');
    // No session yet: a protected page sends back to the sign-in.
    const probe = await page.context().request.get('/account/sessions', { maxRedirects: 0 });
    expect(probe.status()).toBe(302);
    expect(probe.headers().location).toContain('/login');

    await page
      .getByLabel('Code aus der App oder Wiederherstellungscode')
      .fill('123456' === totpCode(secret, Date.now() + 30_000) ? '654321' : '123456');
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await poll(() => page.getByText('Der Code stimmt nicht oder wurde schon verwendet.').count()).toBeGreaterThan(0);
    await expectNoAxeViolations(page, 'Zweiter Schritt mit Fehler');

    // The next step's code: the current one was spent by the enrolment.
    await page.getByLabel('Code aus der App oder Wiederherstellungscode').fill(totpCode(secret, Date.now() + 30_000));
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await poll(() => new URL(page.url()).pathname).not.toMatch(/^\/login/);
    await page.goto('/account/sessions');
    await poll(() => page.getByRole('heading', { name: 'Meine Sitzungen' }).count()).toBe(1);
  });

  it('works without JavaScript, with a recovery code', async () => {
    const page = await openPage(stack, contexts, { javaScriptEnabled: false });
    await signInWithPassword(page, ADMIN);
    await poll(() => new URL(page.url()).pathname).toBe('/login/second-factor');
    await page.getByLabel('Code aus der App oder Wiederherstellungscode').fill(recoveryCodes[0]!);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await poll(() => new URL(page.url()).pathname).not.toMatch(/^\/login/);
    await page.goto('/account/security');
    await poll(() => page.getByText('Unbenutzte Wiederherstellungscodes: 9.').count()).toBe(1);
  });

  it('lists the sessions and ends all others: the first browser is signed out on its next request', async () => {
    const page = await openPage(stack, contexts);
    await signInWithPassword(page, ADMIN);
    await page.getByLabel('Code aus der App oder Wiederherstellungscode').fill(recoveryCodes[1]!);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await poll(() => new URL(page.url()).pathname).not.toMatch(/^\/login/);
    await page.goto('/account/sessions');
    const rows = page.getByRole('table', { name: /Aktive Sitzungen/ }).locator('tbody tr');
    await poll(() => rows.count()).toBeGreaterThanOrEqual(3);
    await poll(() => page.getByText('(diese Sitzung)').count()).toBe(1);
    await expectNoAxeViolations(page, 'Meine Sitzungen');

    await page.getByRole('button', { name: 'Alle anderen Sitzungen beenden' }).click();
    await poll(() => page.getByText(/Beendete Sitzungen: [3-9]\./).count()).toBe(1);
    await poll(() => rows.count()).toBe(1);
    await first.goto('/account/security');
    await poll(() => new URL(first.url()).pathname).toBe('/login');
  });
});

describe("the provider ends an account's sessions", () => {
  it("finds the account, ends its sessions with a reason; the account's next request is signed out", async () => {
    const victim = await openPage(stack, contexts);
    await signInWithPassword(victim, VICTIM);
    await poll(() => new URL(victim.url()).pathname).not.toBe('/login');

    const admin = await openPage(stack, contexts);
    await signInWithPassword(admin, DEMO_USERS.platform);
    await poll(() => new URL(admin.url()).pathname).not.toBe('/login');
    await admin.getByRole('link', { name: 'Sitzungen beenden' }).click();
    await poll(() => admin.getByRole('heading', { name: 'Sitzungen eines Kontos beenden' }).count()).toBe(1);
    await admin.getByLabel('E-Mail-Adresse').fill(VICTIM);
    await admin.getByRole('button', { name: 'Suchen' }).click();
    await poll(() => admin.getByTestId('active-sessions').textContent()).toBe('1');
    await expectNoAxeViolations(admin, 'Sitzungen eines Kontos');
    await admin.getByLabel('Grund').fill('Laptop verloren');
    await admin.getByRole('button', { name: 'Alle Sitzungen beenden' }).click();
    await poll(() => admin.getByText('Beendete Sitzungen: 1.').count()).toBe(1);
    await poll(() => admin.getByTestId('active-sessions').textContent()).toBe('0');

    await victim.reload();
    await poll(() => new URL(victim.url()).pathname).toBe('/login');
  });

  it("does not exist for anyone but the provider's admins", async () => {
    const page = await openPage(stack, contexts);
    await signInWithPassword(page, DEMO_USERS.support);
    await poll(() => new URL(page.url()).pathname).not.toBe('/login');
    const response = await page.goto('/users/sessions');
    expect(response?.status()).toBe(404);
  });
});

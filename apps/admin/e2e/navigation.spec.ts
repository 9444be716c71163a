/**
 * The app shell and the town page. On a 390 px phone the header folds into
 * a menu that opens without JavaScript, and breadcrumbs lead back up; at
 * 1366 px the menu is laid out open. The town page: "Heute" for the town's staff (today's bookings of their
 * hubs with arrivals, the requests waiting for them, a link to the inbox)
 * and a new town's first steps for its admin, each ticked from real data and
 * dismissible. The navigation shows each role only what opens for it.
 * axe finds nothing at 1366 px and 390 px.
 */
import type { BrowserContext, Page } from 'playwright-core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localParts, zonedToUtc } from '@hubwerk/domain';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { expectNoAxeViolations, LEFT_LOGIN, openPage, signIn, type Stack, startStack } from './support/stack.ts';

let stack: Stack;
const contexts: BrowserContext[] = [];
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });

async function sql<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
  const db = new pg.Client({ connectionString: stack.superuserUrl });
  await db.connect();
  try {
    return (await db.query<R>(text, values)).rows;
  } finally {
    await db.end();
  }
}

async function newPage(): Promise<Page> {
  const page = await openPage(stack, contexts);
  page.setDefaultTimeout(20_000);
  return page;
}

async function bothWidths(page: Page, label: string) {
  await page.setViewportSize({ width: 1366, height: 900 });
  await expectNoAxeViolations(page, `${label} (1366 px)`);
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoAxeViolations(page, `${label} (390 px)`);
  await page.setViewportSize({ width: 1366, height: 900 });
}

beforeAll(async () => {
  stack = await startStack();
  // Two bookings in Einbeck that cover today whenever the page is opened (from today 00:00 for two days, Berlin time):
  // a request waiting in the showroom and an arrival in the event room (their other bookings moved out of the way).
  const today = localParts(new Date(), 'Europe/Berlin').date;
  const from = zonedToUtc(today, 0, 'Europe/Berlin').toISOString();
  const to = zonedToUtc(addDays(today, 2), 0, 'Europe/Berlin').toISOString();
  // Clear a day more on each side: the rooms keep buffers between bookings.
  const clearFrom = zonedToUtc(addDays(today, -1), 0, 'Europe/Berlin').toISOString();
  const clearTo = zonedToUtc(addDays(today, 3), 0, 'Europe/Berlin').toISOString();
  const spaces = await sql<{ id: string; tenantId: string; name: string }>(
    `SELECT s.id, s."tenantId", s.name FROM "Space" s JOIN "Tenant" t ON t.id = s."tenantId"
     WHERE t.slug = 'einbeck' AND s.name IN ('Showroom', 'Veranstaltungsraum')`,
  );
  const member = (await sql<{ id: string }>(`SELECT id FROM "User" WHERE email = $1`, [DEMO_USERS.einbeckMember]))[0]!;
  for (const space of spaces) {
    await sql(`DELETE FROM "Booking" WHERE "tenantId" = $1 AND "spaceId" = $2 AND "startsAt" < $4 AND "endsAt" > $3`, [
      space.tenantId,
      space.id,
      clearFrom,
      clearTo,
    ]);
    const pending = space.name === 'Showroom';
    await sql(
      `INSERT INTO "Booking" ("tenantId", id, "spaceId", "userId", "startsAt", "endsAt", status, purpose, "checkedInAt")
       VALUES ($1, gen_random_uuid(), $2, $3, $4, $5, $6, 'Heute-Probe', $7)`,
      [space.tenantId, space.id, member.id, from, to, pending ? 'PENDING' : 'CONFIRMED', pending ? null : from],
    );
  }
  // Zeitz has not set its opening hours yet: one first step still open.
  await sql(`DELETE FROM "OpeningHours" WHERE "tenantId" = (SELECT id FROM "Tenant" WHERE slug = 'zeitz')`);
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await stack?.stop();
});

describe('Heute', () => {
  it('shows the hub manager today’s bookings with arrivals and leads to the waiting requests', async () => {
    const page = await newPage();
    await signIn(page, DEMO_USERS.einbeckManager);
    const today = page.getByRole('region', { name: /^Heute, / });
    await poll(() => today.count()).toBe(1);
    const waiting = today.getByRole('row', { name: /Showroom/ });
    await poll(() => waiting.innerText()).toContain('wartet auf Freigabe');
    await poll(() => waiting.innerText()).toContain('Mia Mitglied');
    await poll(() => today.getByRole('row', { name: /Veranstaltungsraum/ }).innerText()).toContain('eingecheckt');
    const pending = (
      await sql<{ n: string }>(
        `SELECT count(*) AS n FROM "Booking" b JOIN "Tenant" t ON t.id = b."tenantId" WHERE t.slug = 'einbeck' AND b.status = 'PENDING'`,
      )
    )[0]!.n;
    await poll(() => today.locator('li', { hasText: 'Anfragen warten auf Freigabe' }).innerText()).toMatch(
      new RegExp(`^${pending}\\s`),
    );
    await bothWidths(page, 'town page with Heute');

    await today.getByRole('link', { name: 'Anfragen warten auf Freigabe' }).click();
    await page.waitForURL('**/towns/einbeck/approvals');
    await poll(() => page.getByRole('table').innerText()).toContain('Showroom');
  });

  it('is not shown to a member, whose navigation has bookings but nothing to administer', async () => {
    const page = await newPage();
    await signIn(page, DEMO_USERS.einbeckMember);
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Einbeck');
    expect(await page.getByRole('region', { name: /^Heute, / }).count()).toBe(0);
    const nav = page.getByRole('navigation', { name: 'Kommune Einbeck' });
    await poll(() => nav.getByRole('link').allInnerTexts()).toEqual(['Heute', 'Meine Buchungen', 'Kalender-Abos']);
    await bothWidths(page, 'town page (member)');
  });

  it('offers the partner’s staff no bookings in a town they look after, and a hub manager no single sign-on', async () => {
    const partner = await newPage();
    await signIn(partner, DEMO_USERS.partner, LEFT_LOGIN);
    await partner.goto('/towns/einbeck');
    const nav = partner.getByRole('navigation', { name: 'Kommune Einbeck' });
    await poll(() => nav.getByRole('link').allInnerTexts()).toContain('Protokoll');
    expect(await nav.getByRole('link', { name: 'Meine Buchungen' }).count()).toBe(0);

    const manager = await newPage();
    await signIn(manager, DEMO_USERS.einbeckManager);
    const managerNav = manager.getByRole('navigation', { name: 'Kommune Einbeck' });
    await poll(() => managerNav.getByRole('link').allInnerTexts()).toContain('Meine Buchungen');
    expect(await managerNav.getByRole('link', { name: 'Single Sign-On' }).count()).toBe(0);
    expect((await manager.goto('/towns/einbeck/sso'))?.status()).toBe(404);
  });
});

describe('first steps', () => {
  it('ticks a step when it is done, and stays away once dismissed', async () => {
    const page = await newPage();
    await signIn(page, DEMO_USERS.zeitzAdmin, '**/towns/zeitz');
    const steps = page.getByRole('region', { name: 'Erste Schritte' });
    const hours = steps.getByRole('listitem').filter({ hasText: 'Öffnungszeiten festlegen' });
    await poll(() => hours.innerText()).toContain('offen');
    await poll(() =>
      steps.getByRole('listitem').filter({ hasText: 'Einen Digital Hub anlegen' }).innerText(),
    ).toContain('erledigt');
    await bothWidths(page, 'town page with first steps');

    await hours.getByRole('link').click();
    await page.waitForURL('**/settings#hours-title');
    await page.getByLabel('Montag öffnet').fill('08:00');
    await page.getByLabel('Montag schließt').fill('18:00');
    await page.getByRole('button', { name: 'Öffnungszeiten speichern' }).click();
    await poll(() => page.getByRole('status').first().innerText()).toContain('Öffnungszeiten wurden gespeichert');
    await bothWidths(page, 'hub settings with opening hours');

    await page.getByRole('link', { name: 'Zeitz', exact: true }).click();
    await page.waitForURL('**/towns/zeitz');
    await poll(() => hours.innerText()).toContain('erledigt');
    await steps.getByRole('button', { name: 'Liste ausblenden' }).click();
    await poll(() => steps.count()).toBe(0);
    await page.reload();
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Zeitz');
    expect(await steps.count()).toBe(0);
  });
});

describe('the shell', () => {
  it('on a phone folds the header into a menu that opens without JavaScript; breadcrumbs lead back up', async () => {
    const context = await stack.browser.newContext({
      baseURL: stack.adminUrl,
      locale: 'de-DE',
      viewport: { width: 390, height: 844 },
      javaScriptEnabled: false,
    });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await signIn(page, DEMO_USERS.einbeckAdmin);
    // The header leaves the screen to the page: brand and menu toggle only.
    const header = (await page.locator('header.site-header').boundingBox())!;
    expect(header.height).toBeLessThan(120);
    const password = page.getByRole('link', { name: 'Passwort ändern' });
    expect(await password.isVisible()).toBe(false);
    await page.locator('summary', { hasText: 'Menü' }).click();
    await poll(() => password.isVisible()).toBe(true);
    await poll(() => page.getByRole('link', { name: 'Kommunen', exact: true }).isVisible()).toBe(true);
    await page.getByRole('link', { name: 'Digital Hub Einbeck' }).click();
    await page.waitForURL('**/hubs/**');
    await poll(() => page.getByRole('link', { name: 'Neuer Raum' }).isVisible()).toBe(true);

    // The same at 390 px with JavaScript (axe runs in the page).
    const phone = await newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await signIn(phone, DEMO_USERS.einbeckAdmin);
    await expectNoAxeViolations(phone, 'town page, menu closed (390 px)');
    const toggle = phone.locator('summary', { hasText: 'Menü' });
    await toggle.click();
    await poll(() => phone.getByRole('link', { name: 'Passwort ändern' }).isVisible()).toBe(true);
    await expectNoAxeViolations(phone, 'menu open (390 px)');
    await toggle.click();

    await phone.getByRole('link', { name: 'Digital Hub Einbeck' }).click();
    await phone.waitForURL('**/hubs/**');
    const crumbs = phone.getByRole('navigation', { name: 'Sie sind hier' });
    await poll(() => crumbs.getByRole('link').allInnerTexts()).toEqual(['Start', 'Einbeck']);
    await poll(() => crumbs.locator('[aria-current="page"]').innerText()).toBe('Digital Hub Einbeck');
    await expectNoAxeViolations(phone, 'hub (390 px)');

    await phone.getByRole('link', { name: 'Neuer Raum' }).click();
    await phone.waitForURL('**/spaces/new');
    await poll(() => crumbs.getByRole('link').allInnerTexts()).toEqual(['Start', 'Einbeck', 'Digital Hub Einbeck']);
    // The page's heading is on the first screen.
    const heading = (await phone.getByRole('heading', { level: 1 }).boundingBox())!;
    expect(heading.y).toBeLessThan(600);
    await expectNoAxeViolations(phone, 'new space (390 px)');
    await crumbs.getByRole('link', { name: 'Digital Hub Einbeck' }).click();
    await phone.waitForURL((url) => /\/hubs\/[^/]+$/.test(url.pathname));
  });

  it('at 1366 px lays the menu out open, without its toggle', async () => {
    const page = await newPage();
    await page.setViewportSize({ width: 1366, height: 900 });
    await signIn(page, DEMO_USERS.einbeckManager);
    expect(await page.locator('summary', { hasText: 'Menü' }).isVisible()).toBe(false);
    await poll(() => page.getByRole('link', { name: 'Passwort ändern' }).isVisible()).toBe(true);
    await poll(() => page.getByRole('link', { name: 'Kommunen', exact: true }).isVisible()).toBe(true);
    await page.getByRole('link', { name: 'Digital Hub Einbeck' }).click();
    await page.waitForURL('**/hubs/**');
    await page.getByRole('link', { name: 'Neuer Raum' }).click();
    await page.waitForURL('**/spaces/new');
    await bothWidths(page, 'new space');
  });
});

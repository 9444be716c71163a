/**
 * Archiving what is no longer in use (docs/decisions/035), in a real
 * Chromium: the hub manager cannot delete a space that has bookings, archives
 * it after a confirmation and finds it under "Archiviert"; the town's audit
 * log shows the step in German. axe finds nothing at 1366 and 390 px.
 * Each test sets up what it needs, so each passes alone and in any order.
 */
import type { BrowserContext, Page } from 'playwright-core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { apiAs, expectNoAxeViolations, openPage, signIn, type Stack, startStack } from './support/stack.ts';

let stack: Stack;
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });
const contexts: BrowserContext[] = [];
const newPage = (options: { javaScriptEnabled?: boolean } = {}): Promise<Page> => openPage(stack, contexts, options);

async function checkBothWidths(page: Page, label: string) {
  await page.setViewportSize({ width: 1366, height: 900 });
  await expectNoAxeViolations(page, `${label} (1366 px)`);
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoAxeViolations(page, `${label} (390 px)`);
  await page.setViewportSize({ width: 1366, height: 900 });
}

async function openSpaceEdit(page: Page, space: string) {
  await page.getByRole('link', { name: 'Digital Hub Einbeck' }).click();
  await page.waitForURL('**/hubs/**');
  await page.getByRole('link', { name: `„${space}“ bearbeiten` }).click();
  await page.waitForURL('**/edit');
  await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe(`„${space}“ bearbeiten`);
}

beforeAll(async () => {
  stack = await startStack();
  // The showroom was booked last week: a space with bookings, none ahead.
  const client = new pg.Client({ connectionString: stack.superuserUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO "Booking" ("tenantId", id, "spaceId", "userId", "startsAt", "endsAt", status)
       SELECT s."tenantId", gen_random_uuid(), s.id, u.id, now() - interval '7 days', now() - interval '7 days' + interval '1 hour', 'CONFIRMED'
         FROM "Space" s JOIN "Tenant" t ON t.id = s."tenantId", "User" u
        WHERE t.slug = 'einbeck' AND s.name = 'Showroom' AND u.email = $1`,
      [DEMO_USERS.einbeckMember],
    );
  } finally {
    await client.end();
  }
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await stack?.stop();
});

describe('editing, archiving and deleting', () => {
  it('archives a space with bookings; it is listed under "Archiviert" and cannot be deleted', async () => {
    const page = await newPage();
    await signIn(page, DEMO_USERS.einbeckManager);
    await openSpaceEdit(page, 'Showroom');
    await page.getByRole('link', { name: 'Raum löschen …' }).click();
    await page.getByRole('button', { name: 'Ja, endgültig löschen' }).click();
    await poll(() => page.getByRole('alert').first().innerText()).toContain(
      'Der Raum hat Buchungen, Serien oder Anfragen (1)',
    );

    await page.getByRole('link', { name: 'Raum archivieren …' }).click();
    await page.waitForURL('**/edit?confirm=archive');
    await page.getByRole('button', { name: 'Ja, archivieren' }).click();
    await poll(() => page.getByRole('status').first().innerText()).toContain('„Showroom“ wurde archiviert.');
    await checkBothWidths(page, 'archived space');

    await page.goto('/towns/einbeck');
    await page.getByRole('link', { name: 'Digital Hub Einbeck' }).click();
    await page.waitForURL('**/hubs/**');
    const archived = page.getByRole('region', { name: 'Archiviert' });
    await poll(() => archived.innerText()).toContain('Showroom');
    await poll(() => page.locator('#spaces-title ~ div table').innerText()).not.toContain('Showroom');
    await checkBothWidths(page, 'hub page with archived spaces');
  });

  it("shows each step in the town's audit log, in German", async () => {
    // A step of its own (the archiving above may not have run): a new room, archived by the hub manager.
    const manager = await apiAs(stack, DEMO_USERS.einbeckManager);
    const { items } = await manager.query<{ items: Array<{ id: string; name: string }> }>('hubs.list', {
      tenant: 'einbeck',
    });
    const hubId = items.find((h) => h.name === 'Digital Hub Einbeck')?.id;
    const space = await manager.mutate<{ id: string }>('spaces.create', {
      tenant: 'einbeck',
      hubId,
      kind: 'meeting-room',
      name: 'Besprechung Alt',
      capacity: 4,
    });
    await manager.mutate('spaces.setArchived', { tenant: 'einbeck', spaceId: space.id, archived: true });
    const page = await newPage();
    await signIn(page, DEMO_USERS.einbeckAdmin);
    await page.goto('/towns/einbeck/audit');
    const main = page.locator('main');
    await poll(() => main.innerText()).toContain('Raum archiviert');
  });
});

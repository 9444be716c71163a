/**
 * Organisations in a real Chromium: the town admin reaches them
 * from the town page, creates one with a plan (without JavaScript too),
 * sees a field error for a bad allowance, edits it and assigns a member;
 * axe finds nothing on either page; a member gets the not-found page.
 * The hub's public page: someone not signed in requests a space open to the
 * public and confirms it with the emailed link (a button, not the GET).
 */
import { addDays, localParts, weekdayOf } from '@hubwerk/domain';
import pg from 'pg';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { expectNoAxeViolations, openPage, signIn, type Stack, startStack } from './support/stack.ts';

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

describe('organisations', () => {
  it('lets the town admin create, edit and staff an organisation; axe finds nothing', async () => {
    const page = await newPage();
    await signIn(page, DEMO_USERS.einbeckAdmin);
    await page.getByRole('link', { name: 'Organisationen' }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Organisationen');
    await expectNoAxeViolations(page, 'organisations (empty)');

    // A negative allowance: a field error naming the rule, nothing created.
    await page.getByLabel('Name', { exact: true }).fill('Gründerzentrum Einbeck');
    await page.getByLabel('Art').selectOption('startup');
    await page.getByLabel(/Arbeitsplatz-Tage pro Monat/).fill('-3');
    await page.getByRole('button', { name: 'Organisation anlegen' }).click();
    await poll(() => page.locator('#org-desk-days-error').innerText()).toContain('ganze Zahl ab 0');
    await expectNoAxeViolations(page, 'organisations (field error)');
    expect(await page.getByRole('row', { name: /Gründerzentrum Einbeck/ }).count()).toBe(0);

    await page.getByLabel(/Arbeitsplatz-Tage pro Monat/).fill('12');
    await page.getByRole('button', { name: 'Organisation anlegen' }).click();
    await poll(() => page.getByRole('row', { name: /Gründerzentrum Einbeck/ }).innerText()).toMatch(
      /Start-up\s+12\s+kein Limit\s+0/,
    );

    await page.getByRole('link', { name: 'Gründerzentrum Einbeck' }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Gründerzentrum Einbeck');
    await expectNoAxeViolations(page, 'organisation');
    await page
      .getByLabel(/Raumstunden pro Monat/)
      .first()
      .fill('20');
    await page.getByRole('button', { name: 'Änderungen speichern' }).click();
    await poll(() => page.getByRole('status').innerText()).toContain('gespeichert');

    await page.getByLabel('Person').selectOption({ label: `Mia Mitglied (${DEMO_USERS.einbeckMember})` });
    await page.locator('#assign-desk-days').fill('4');
    await page.getByRole('button', { name: 'Zuordnen' }).click();
    await poll(() => page.getByRole('row', { name: /Mia Mitglied/ }).innerText()).toMatch(/4\s+kein Limit/);
    await expectNoAxeViolations(page, 'organisation with a member');
  });

  it('works without JavaScript', async () => {
    const page = await newPage({ javaScriptEnabled: false });
    await signIn(page, DEMO_USERS.einbeckAdmin);
    await page.goto('/towns/einbeck/organisations');
    await page.getByLabel('Name', { exact: true }).fill('Heimatverein Einbeck');
    await page.getByLabel('Art').selectOption('association');
    await page.getByRole('button', { name: 'Organisation anlegen' }).click();
    await poll(() => page.getByRole('row', { name: /Heimatverein Einbeck/ }).innerText()).toContain('Verein');
  });

  it('does not exist for members', async () => {
    const page = await newPage();
    await signIn(page, DEMO_USERS.einbeckMember);
    const response = await page.goto('/towns/einbeck/organisations');
    expect(response?.status()).toBe(404);
  });
});

describe("the hub's public page", () => {
  it('lets someone not signed in request a space and confirm it by the emailed link; axe finds nothing', async () => {
    const db = new pg.Client({ connectionString: stack.superuserUrl });
    await db.connect();
    try {
      // The hub manager opens the event room to the public in its rules.
      const roomId = (
        await db.query<{ id: string }>(
          `SELECT s.id FROM "Space" s JOIN "Tenant" t ON t.id = s."tenantId" WHERE t.slug = 'einbeck' AND s.kind = 'EVENT_ROOM'`,
        )
      ).rows[0]!.id;
      const manager = await newPage();
      await signIn(manager, DEMO_USERS.einbeckManager);
      await manager.goto(`/towns/einbeck/spaces/${roomId}`);
      await manager.getByLabel('Auch ohne Anmeldung über die öffentliche Hub-Seite anfragbar').check();
      await manager.getByRole('button', { name: 'Regeln speichern' }).click();
      await poll(
        async () =>
          (await db.query(`SELECT "publicBookable" FROM "Space" WHERE id = $1`, [roomId])).rows[0].publicBookable,
      ).toBe(true);
      await expectNoAxeViolations(manager, 'space rules with the public option');
      let date = addDays(localParts(new Date(), 'Europe/Berlin').date, 3);
      while (weekdayOf(date) > 5) date = addDays(date, 1);

      const page = await newPage();
      await page.goto('/p/einbeck/digital-hub-einbeck');
      await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Digital Hub Einbeck');
      await expectNoAxeViolations(page, 'public hub page');
      await page.getByLabel('Datum').fill(date);
      await page.getByLabel('Von').fill('14:00');
      await page.getByLabel('Bis').fill('15:00');
      await page.getByLabel('Ihr Name').fill('Paula Public');
      await page.getByLabel('Ihre E-Mail-Adresse').fill('paula@example.org');
      await page.getByRole('button', { name: 'Anfrage senden' }).click();
      await poll(() => page.getByRole('status').innerText()).toContain('Bitte bestätigen Sie die Anfrage');
      await expectNoAxeViolations(page, 'public hub page (sent)');

      const mail = await db.query<{ textBody: string }>(
        `SELECT "textBody" FROM "OutboxEmail" WHERE "toAddress" = 'paula@example.org' AND kind = 'booking.publicConfirm'`,
      );
      const path =
        /\/p\/einbeck\/digital-hub-einbeck\/bestaetigen\/[A-Za-z0-9_-]+/.exec(mail.rows[0]?.textBody ?? '')?.[0] ?? '';
      expect(path).not.toBe('');
      await page.goto(path);
      await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Buchung bestätigen');
      await expectNoAxeViolations(page, 'public confirmation');
      // Opening the link books nothing; the button does.
      expect(
        (await db.query(`SELECT count(*)::int AS n FROM "Booking" WHERE "requesterEmail" = 'paula@example.org'`))
          .rows[0].n,
      ).toBe(0);
      await page.getByRole('button', { name: 'Buchung bestätigen' }).click();
      await poll(() => page.getByRole('status').innerText()).toContain('Ihre Buchung ist bestätigt');
      expect(
        (
          await db.query(
            `SELECT count(*)::int AS n FROM "Booking" WHERE "requesterEmail" = 'paula@example.org' AND status = 'CONFIRMED'`,
          )
        ).rows[0].n,
      ).toBe(1);
    } finally {
      await db.end();
    }
  });
});

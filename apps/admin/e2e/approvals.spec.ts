/**
 * The approval inbox (docs/decisions/037) in a real Chromium: a member asks
 * for the showroom (approval required), the hub manager's mail arrives in
 * the dev mailbox with a link to the hub's inbox, and the manager approves
 * the request there; axe finds nothing at 1366 px and at 390 px.
 */
import { addDays, localParts, weekdayOf } from '@hubwerk/domain';
import pg from 'pg';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { expectNoAxeViolations, openPage, signIn, type Stack, startStack } from './support/stack.ts';

let stack: Stack;
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });
const contexts: BrowserContext[] = [];

/** The third workday from today in Berlin: inside the seeded horizon, never today. */
function day(): string {
  let date = localParts(new Date(), 'Europe/Berlin').date;
  for (let found = 0; found < 3;) {
    date = addDays(date, 1);
    if (weekdayOf(date) <= 5) found++;
  }
  return date;
}

/** The newest staff mail about a request to `email`, read where the dev mailbox reads it: the outbox. */
async function approvalMail(email: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: stack.superuserUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ textBody: string }>(
      `SELECT "textBody" FROM "OutboxEmail" WHERE kind = 'approval.requested' AND "toAddress" = $1 ORDER BY "createdAt" DESC, id DESC LIMIT 1`,
      [email],
    );
    return rows[0]?.textBody ?? null;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await stack?.stop();
});

describe('approval inbox', () => {
  it('mails the hub manager about a new request and lets them approve it in the inbox', async () => {
    const member = await openPage(stack, contexts);
    member.setDefaultTimeout(20_000);
    await signIn(member, DEMO_USERS.einbeckMember);
    await member.getByRole('link', { name: 'Digital Hub Einbeck' }).click();
    await member.waitForURL('**/hubs/**');
    await member.getByRole('link', { name: 'Showroom', exact: true }).click();
    await member.waitForURL('**/spaces/**');
    await member.getByLabel('Datum').fill(day());
    await member.getByLabel('Beginn').fill('10:00');
    await member.getByLabel('Ende').fill('11:00');
    await member.getByLabel('Personen').fill('4');
    await member.getByRole('button', { name: 'Verbindlich buchen' }).click();
    await poll(() => member.getByRole('status').first().innerText()).toContain('Angefragt');

    // The staff mail, German first, with the link to the hub's inbox.
    await poll(() => approvalMail(DEMO_USERS.einbeckManager)).toContain('Mia Mitglied');
    const mail = (await approvalMail(DEMO_USERS.einbeckManager)) ?? '';
    const link = /https?:\/\/\S+\/approvals/.exec(mail)?.[0];
    expect(link).toBeDefined();
    const inboxPath = new URL(link ?? '').pathname;

    const manager = await openPage(stack, contexts);
    manager.setDefaultTimeout(20_000);
    await manager.setViewportSize({ width: 1366, height: 900 });
    await signIn(manager, DEMO_USERS.einbeckManager);
    // Reachable from the hub page, with the count.
    await manager.getByRole('link', { name: 'Digital Hub Einbeck' }).click();
    await manager.waitForURL('**/hubs/**');
    await manager.getByRole('link', { name: 'Freigaben (1)' }).click();
    await manager.waitForURL(`**${inboxPath}`);
    await poll(() => manager.getByRole('heading', { level: 1 }).innerText()).toBe('Freigaben – Digital Hub Einbeck');
    const table = manager.getByRole('table');
    await poll(() => table.innerText()).toContain('Mia Mitglied');
    await poll(() => table.innerText()).toContain('Showroom');
    await expectNoAxeViolations(manager, 'approval inbox (1366 px)');
    await manager.setViewportSize({ width: 390, height: 844 });
    await expectNoAxeViolations(manager, 'approval inbox (390 px)');
    await manager.setViewportSize({ width: 1366, height: 900 });

    await manager.getByRole('checkbox', { name: /^Anfrage von Mia Mitglied am .* auswählen$/ }).check();
    await manager.getByRole('button', { name: 'Ausgewählte freigeben' }).click();
    await poll(() => manager.getByRole('status').first().innerText()).toContain('Freigegeben: 1.');
    await poll(() => manager.getByText('Keine offenen Anfragen – alles ist entschieden.').count()).toBe(1);
    await expectNoAxeViolations(manager, 'approval inbox (after approving)');

    // The member's booking is confirmed now.
    await member.goto('/towns/einbeck/bookings');
    await poll(() => member.getByRole('table').innerText()).toContain('Showroom');
    await poll(() => member.getByRole('table').innerText()).toContain('Bestätigt');
  });
});

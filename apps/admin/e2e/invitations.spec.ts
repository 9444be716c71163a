/**
 * Invitations travel only by mail (ADR 023): the inviter sees the same
 * neutral "sent" text whether or not the address has an account; an
 * existing account joins only after signing in as itself; a new town's
 * first admin activates the account from the mail (the dev mailbox here).
 * Town admins change members' roles and remove them, after confirming.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS } from '../../../prisma/seed.ts';
import {
  expectNoAxeViolations,
  LEFT_LOGIN,
  mailedInvitationLink,
  openPage,
  signIn,
  startStack,
  type Stack,
} from './support/stack.ts';

let stack: Stack;
const contexts: BrowserContext[] = [];
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });
const newPage = (options: { javaScriptEnabled?: boolean } = {}): Promise<Page> => openPage(stack, contexts, options);

const SENT = 'Einladung gesendet. Hat die Person schon ein Konto, meldet sie sich an und nimmt die Einladung an.';

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await stack?.stop();
});

async function invite(page: Page, email: string) {
  await page.getByLabel('E-Mail-Adresse', { exact: true }).fill(email);
  await page.getByLabel('Rolle', { exact: true }).selectOption('member');
  await page.getByRole('button', { name: 'Einladung senden' }).click();
}

describe('invitations', () => {
  it('inviting an existing account shows the neutral "sent" text; the person signs in and joins', async () => {
    const admin = await newPage();
    await signIn(admin, DEMO_USERS.einbeckAdmin);
    await admin.goto('/towns/einbeck/staff');

    await invite(admin, DEMO_USERS.zeitzAdmin);
    await poll(() => admin.locator('#invitation-sent').innerText()).toBe(SENT);
    await expectNoAxeViolations(admin, 'town staff (invitation sent)');
    // An address without an account: the very same answer, and never a link on the page.
    await invite(admin, 'ganz.neu@einbeck.example.org');
    await poll(() => admin.locator('#invitation-sent').innerText()).toBe(SENT);
    expect(await admin.content()).not.toContain('/invite/');

    // The mail reaches only the invited address (read here from the stored mails, as the dev mailbox does).
    const link = await mailedInvitationLink(stack, DEMO_USERS.zeitzAdmin);

    const invitee = await newPage();
    await invitee.goto(link);
    await poll(() => invitee.locator('#invite-sign-in-first').innerText()).toBe(
      `Bitte melden Sie sich als ${DEMO_USERS.zeitzAdmin} an, um die Einladung anzunehmen.`,
    );
    await poll(() => invitee.getByLabel('Passwort').count()).toBe(0);
    await expectNoAxeViolations(invitee, 'invitation for an existing account');
    await invitee.getByRole('link', { name: 'Anmelden' }).click();
    await invitee.waitForURL('**/login?redirectTo=*');
    await invitee.getByLabel('E-Mail-Adresse').fill(DEMO_USERS.zeitzAdmin);
    await invitee.getByLabel('Passwort').fill(DEMO_PASSWORD);
    await invitee.getByRole('button', { name: 'Anmelden' }).click();
    await invitee.waitForURL((url) => url.pathname.startsWith('/invite/'));
    await invitee.getByRole('button', { name: 'Beitreten' }).click();
    await invitee.waitForURL((url) => !url.pathname.startsWith('/invite/'));
    await invitee.goto('/towns/einbeck');
    await poll(() => invitee.getByRole('heading', { level: 1 }).innerText()).toContain('Einbeck');
  });

  it('the first admin of a newly onboarded town activates the account from the mail (the stored mails of the dev mailbox)', async () => {
    const platform = await newPage();
    await signIn(platform, DEMO_USERS.platform, LEFT_LOGIN);
    await platform.goto('/towns/new');
    await platform.getByLabel('Name der Kommune').fill('Teutschenthal');
    await platform.getByLabel('Amtlicher Gemeindeschlüssel (AGS)').fill('15088365');
    await platform.getByLabel('Bundesland').selectOption({ label: 'Sachsen-Anhalt' });
    await platform.getByLabel('Name des ersten Digital Hubs').fill('Digital Hub Teutschenthal');
    await platform.getByLabel(/E-Mail-Adresse der ersten/).fill('erste.admin@teutschenthal.example.org');
    await platform.getByRole('button', { name: 'Kommune anlegen' }).click();
    await poll(() => platform.getByRole('heading', { level: 2 }).first().innerText()).toBe(
      'Kommune „Teutschenthal“ wurde angelegt',
    );
    await poll(() => platform.getByRole('status').first().innerText()).toContain('Die Einladung ist per E-Mail');
    expect(await platform.getByLabel('Einladungslink').count()).toBe(0);
    expect(await platform.content()).not.toContain('/invite/');

    const link = await mailedInvitationLink(stack, 'erste.admin@teutschenthal.example.org');
    const firstAdmin = await newPage();
    await firstAdmin.goto(link);
    await poll(() => firstAdmin.locator('main').innerText()).toContain(
      'Sie wurden in die Kommune „Teutschenthal“ eingeladen.',
    );
    await firstAdmin.getByLabel('Ihr Name').fill('Tilda Teutschenthal');
    await firstAdmin.getByLabel('Passwort wählen').fill('ein-langes-passwort');
    await firstAdmin.getByRole('button', { name: 'Einladung annehmen' }).click();
    await firstAdmin.waitForURL('**/towns/teutschenthal');
    await poll(() => firstAdmin.getByRole('heading', { level: 1 }).innerText()).toContain('Teutschenthal');
  });

  it("a town admin changes a member's role and removes them after confirming; the member's session no longer reaches the town", async () => {
    const member = await newPage();
    await signIn(member, DEMO_USERS.einbeckMember2);
    const admin = await newPage();
    await signIn(admin, DEMO_USERS.einbeckAdmin);
    await admin.goto('/towns/einbeck/staff');
    const row = admin.getByRole('row').filter({ hasText: DEMO_USERS.einbeckMember2 });
    await row.getByRole('combobox').selectOption('hub-staff');
    await row.getByRole('button', { name: 'Rolle ändern' }).click();
    await poll(() => admin.getByRole('status').first().innerText()).toContain('ist jetzt „Hub-Mitarbeiter:in“');

    await admin
      .getByRole('row')
      .filter({ hasText: DEMO_USERS.einbeckMember2 })
      .getByRole('link', { name: /aus der Kommune entfernen/ })
      .click();
    const dialog = admin.getByRole('alertdialog');
    await poll(() => dialog.innerText()).toContain('Bisherige Buchungen bleiben');
    await expectNoAxeViolations(admin, 'remove member (confirmation)');
    await dialog.getByRole('button', { name: 'Endgültig entfernen' }).click();
    await poll(() => admin.getByRole('status').first().innerText()).toContain('gehört der Kommune nicht mehr an');
    expect(await admin.getByRole('row').filter({ hasText: DEMO_USERS.einbeckMember2 }).count()).toBe(0);

    // The member's open session: the town is gone on the next request.
    const response = await member.goto('/towns/einbeck');
    expect(response?.status()).toBe(404);
  });
});

/**
 * The header's town switch: a partner's staff switch the active town between
 * the towns they look after — by keyboard, and without JavaScript (a plain
 * GET form). Axe-clean with the switch in the header.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { LEFT_LOGIN, openPage, signIn, type Stack, startStack, WCAG_TAGS } from './support/stack.ts';

let stack: Stack;
const contexts: BrowserContext[] = [];
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });

async function signInAnywhere(page: Page, email: string) {
  page.setDefaultTimeout(20_000);
  await signIn(page, email, LEFT_LOGIN);
}

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await stack?.stop();
});

describe('town switch', () => {
  it('switches with the keyboard, shows the active town, and is axe-clean', async () => {
    const page = await openPage(stack, contexts);
    await signInAnywhere(page, DEMO_USERS.partner);
    await page.goto('/towns/einbeck');
    const select = page.getByLabel('Aktive Kommune');
    expect(await select.inputValue()).not.toBe('');
    expect(await select.locator('option').allInnerTexts()).toEqual(['Einbeck', 'Sangerhausen']);
    const result = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
    expect(result.violations.map((v) => ({ rule: v.id, targets: v.nodes.map((n) => n.target.join(' ')) }))).toEqual([]);

    await select.focus();
    await select.selectOption({ label: 'Sangerhausen' });
    await page.keyboard.press('Tab');
    await poll(() => page.evaluate(() => document.activeElement?.textContent ?? '')).toBe('Wechseln');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/towns/sangerhausen');
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Sangerhausen');
  });

  it('works without JavaScript; a town one may not see is not found', async () => {
    const page = await openPage(stack, contexts, { javaScriptEnabled: false });
    await signInAnywhere(page, DEMO_USERS.partner);
    await page.goto('/towns/sangerhausen');
    await page.getByLabel('Aktive Kommune').selectOption({ label: 'Einbeck' });
    await page.getByRole('button', { name: 'Wechseln' }).click();
    await page.waitForURL('**/towns/einbeck');
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Einbeck');
    const foreign = await page.goto('/switch-town?town=zeitz');
    expect(foreign?.status()).toBe(404);
  });
});

/**
 * What `npm run dev` serves, as every demo role sees it: the development
 * server (`remix vite:dev`) is signed into once per role and every page the
 * role is LINKED to is opened — by clicking the link where it is (client-side
 * navigation, route modules loaded on demand) or, for the rest, by address
 * (server rendering and hydration). Fails on any console error (hydration
 * mismatches, "Error loading route module", React warnings), any uncaught
 * error, a page that does not hydrate, and any document or data request
 * answering 4xx/5xx — a link shown to a role must open for it (docs/decisions/039).
 * One browser, one test per role, each route pattern once per role.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS } from '../../../prisma/seed.ts';
import { flatRoutes } from './support/route-list.ts';
import { type Stack, startDevAdmin, startStack } from './support/stack.ts';

let stack: Stack;
let dev: Awaited<ReturnType<typeof startDevAdmin>>;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  stack = await startStack();
  dev = await startDevAdmin(stack.apiUrl);
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await dev?.stop();
  await stack?.stop();
});

/** Page routes as patterns; resource routes (files, images, feeds) and routes that only act or sign out are not pages to visit. */
const SKIP = new Set([
  'routes/logout',
  'routes/language',
  'routes/switch-town',
  'routes/support-end',
  'routes/not-found',
]);
const pages = flatRoutes()
  .filter((r) => !r.layout && r.file.endsWith('.tsx') && !/-(csv|ics)\.tsx$/.test(r.file) && !SKIP.has(r.id))
  .map((r) => ({
    id: r.id,
    pattern: new RegExp(`^/${r.path.replace(/\./g, '\\.').replace(/:\w+/g, '[^/]+')}/?$`),
  }))
  // Static segments before parameters (towns/new before towns/:slug), as the router matches.
  .sort((a, b) => a.pattern.source.split('[^/]+').length - b.pattern.source.split('[^/]+').length);
const routeOf = (pathname: string) => pages.find((p) => p.pattern.test(pathname))?.id ?? null;

async function hydrated(page: Page) {
  await expect
    .poll(() => page.evaluate(() => typeof (window as unknown as { __remixRouter?: unknown }).__remixRouter), {
      timeout: 60_000,
      interval: 100,
    })
    .toBe('object');
}

/** The navigation a click started has finished (the router is idle again). */
async function settled(page: Page) {
  await expect
    .poll(
      () =>
        page.evaluate(() => {
          const router = (window as unknown as { __remixRouter?: { state: { navigation: { state: string } } } })
            .__remixRouter;
          return router ? router.state.navigation.state : 'loading';
        }),
      { timeout: 60_000, interval: 100 },
    )
    .toBe('idle');
}

async function crawl(email: string) {
  const context = await stack.browser.newContext({
    baseURL: dev.url,
    locale: 'de-DE',
    viewport: { width: 1366, height: 900 },
  });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console on ${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught on ${page.url()}: ${error.message}`));
  page.on('response', (response) => {
    const kind = response.request().resourceType();
    if ((kind === 'document' || kind === 'fetch') && response.status() >= 400 && response.url().startsWith(dev.url))
      problems.push(`${response.status()} for ${response.url()}`);
  });

  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Passwort').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));

  const visited = new Map<string, string>();
  const opened = new Set<string>();
  const pending: string[] = [];
  for (;;) {
    await hydrated(page);
    const here = new URL(page.url());
    const id = routeOf(here.pathname);
    if (id && !visited.has(id)) visited.set(id, here.pathname + here.search);
    opened.add(here.pathname);
    const heading = await page.getByRole('heading', { level: 1 }).first().innerText();
    if (/Seite nicht gefunden|Da ist etwas schiefgelaufen/.test(heading))
      problems.push(`${here.pathname}: "${heading}"`);

    // Links on this page to routes not seen yet (same origin, no downloads).
    const hrefs = await page.$$eval('a[href]:not([download])', (links) =>
      links.map((a) => ({ href: a.getAttribute('href') ?? '', visible: a.getClientRects().length > 0 })),
    );
    const fresh = hrefs
      .map((l) => ({ ...l, url: new URL(l.href, here) }))
      .filter((l) => l.url.origin === here.origin && l.url.pathname !== here.pathname)
      .filter((l) => {
        const route = routeOf(l.url.pathname);
        return route !== null && !visited.has(route);
      });
    for (const l of fresh) pending.push(l.url.pathname + l.url.search);
    const click = fresh.find((l) => l.visible);
    if (click) {
      // As a user would: client-side navigation, the next route's module loaded by the dev server.
      // A route that redirects (the start page) counts as seen where it led.
      visited.set(routeOf(click.url.pathname) ?? '', click.url.pathname);
      await page.locator(`a[href="${click.href}"]`).first().click();
      await settled(page);
      continue;
    }
    const next = pending.find((p) => !visited.has(routeOf(new URL(p, here).pathname) ?? ''));
    if (!next) break;
    visited.set(routeOf(new URL(next, here).pathname) ?? '', next);
    await page.goto(next);
  }
  return { visited: [...opened], problems };
}

describe('the development server, every role', () => {
  it.each([
    ['platform admin', DEMO_USERS.platform, 12],
    ['provider support', DEMO_USERS.support, 8],
    ['partner admin', DEMO_USERS.partner, 12],
    ['town admin', DEMO_USERS.einbeckAdmin, 20],
    ['hub manager', DEMO_USERS.einbeckManager, 15],
    ['member', DEMO_USERS.einbeckMember, 8],
  ])('%s: every linked page opens, hydrates and logs no error', async (_role, email, atLeast) => {
    const { visited, problems } = await crawl(email);
    console.info(`dev smoke ${email}: ${visited.length} routes\n  ${visited.join('\n  ')}`);
    expect(problems).toEqual([]);
    expect(visited.length).toBeGreaterThanOrEqual(atLeast);
  });
});

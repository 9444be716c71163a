/**
 * Cross-site posts are refused with 403 on every route — routes without a
 * page (/logout, /language, /support/end) and page routes (/login) — under
 * the production server (server.mjs on the production build) AND under the
 * development server (`remix vite:dev`, where the request URL is built from
 * the Origin header). Same-origin posts still work. The production page
 * runs without a CSP violation when the language is switched.
 */
import http from 'node:http';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { openPage, signIn, type Stack, startDevAdmin, startStack } from './support/stack.ts';

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

/** A raw form post with exactly these headers (no Sec-Fetch-Site unless given), as a foreign page or a script would send it. */
function post(
  base: string,
  path: string,
  headers: Record<string, string>,
  body = 'lang=en&redirectTo=%2F',
): Promise<{ status: number; setCookie: string[]; body: string }> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie'] ?? [], body: text }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const ROUTES = ['/logout', '/language', '/support/end', '/login'];
const servers = () =>
  [
    ['production server', stack.adminUrl],
    ['development server', dev.url],
  ] as const;

describe.each(['production server', 'development server'] as const)('%s', (label) => {
  const base = () => servers().find(([l]) => l === label)![1];

  it.each(ROUTES)('refuses a cross-site post to %s with 403 and changes nothing', async (path) => {
    const own = new URL(base());
    const attempts: Record<string, string>[] = [
      // A foreign page: Origin set, no Sec-Fetch-Site (older browsers, scripts).
      { origin: 'https://evil.example' },
      // The same, with a Host header to match: nothing about the request decides what "our origin" is.
      { origin: 'http://evil.example', host: 'evil.example' },
      // Our host name on another port or scheme is another origin.
      { origin: `https://${own.host}` },
      // A sibling site the browser labels for us.
      { origin: base(), 'sec-fetch-site': 'cross-site' },
      // No origin at all, only a foreign referrer.
      { referer: 'https://evil.example/form' },
      // Nothing that proves where it comes from.
      {},
    ];
    for (const headers of attempts) {
      const answer = await post(base(), path, headers);
      expect(answer.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
      expect(answer.setCookie, `${path} ${JSON.stringify(headers)}`).toEqual([]);
      expect(answer.body).toContain('Forbidden');
    }
  });

  it('still takes a same-origin post (the language cookie is set)', async () => {
    const answer = await post(base(), '/language', { origin: base(), 'sec-fetch-site': 'same-origin' });
    expect(answer.status).toBeGreaterThanOrEqual(300);
    expect(answer.status).toBeLessThan(400);
    // The cookie holds the language as signed-less JSON in base64 ("en").
    expect(answer.setCookie.join(';')).toContain(
      `lang=${encodeURIComponent(Buffer.from(JSON.stringify('en')).toString('base64'))}`,
    );
  });
});

describe('the production page', () => {
  it('switches the language without any Content-Security-Policy violation', async () => {
    const page = await openPage(stack, contexts);
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    await page.goto('/login');
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.getByRole('button', { name: 'Deutsch' }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'de');
    await page.goto('/login');
    expect(violations).toEqual([]);
    const csp = (await page.request.get('/login')).headers()['content-security-policy'] ?? '';
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
  });

  it('serves the icon the page names and the one browsers ask for by default, no 404 on any page', async () => {
    const page = await openPage(stack, contexts);
    const missing: string[] = [];
    page.on('response', (response) => {
      if (response.status() === 404) missing.push(response.url());
    });
    await page.goto('/login');
    expect(await page.locator('link[rel="icon"]').getAttribute('href')).toBe('/favicon.svg');
    for (const icon of ['/favicon.svg', '/favicon.ico']) {
      const response = await page.request.get(icon);
      expect(response.status(), icon).toBe(200);
      expect(response.headers()['content-type'], icon).toMatch(/^image\//);
    }
    expect(missing).toEqual([]);
  });

  it('answers hostile URL parameters (NUL, lone surrogates, broken encoding) with the 404 page, never a 500', async () => {
    const page = await openPage(stack, contexts);
    await signIn(page, DEMO_USERS.einbeckAdmin);
    const statuses: Record<string, number> = {};
    for (const path of [
      '/towns/ein%00beck',
      '/towns/ein%00beck/audit',
      '/towns/ein%00beck/audit.csv',
      '/towns/ein%00beck/bookings',
      '/towns/%ED%A0%80',
      '/towns/%E0%A4%A',
      '/towns/einbeck/hubs/%00',
      '/towns/einbeck/spaces/%00/series',
      '/p/ein%00beck/digital-hub-einbeck',
      '/p/einbeck/digital-hub-einbeck/bestaetigen/%00',
      '/reset-password/%00',
    ]) {
      statuses[path] = (await page.request.get(path)).status();
    }
    for (const [path, status] of Object.entries(statuses)) {
      expect(status, path).toBeLessThan(500);
      // A town, hub or space that cannot exist: the walls' 404 page, like a missing one (or 400 where the URL itself cannot be decoded).
      if (path.startsWith('/towns/') || path.startsWith('/p/ein%00')) expect([400, 404], path).toContain(status);
    }
  });
});

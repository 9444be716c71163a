/**
 * Every admin page that shows town data, opened with ANOTHER town's URL,
 * shows the not-found page — exactly like a town that does not exist. The
 * cases are generated from the route list (app/routes.ts): a new town page
 * whose path has a parameter without a foreign value here fails this suite.
 */
import type { BrowserContext, Page } from 'playwright-core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { flatRoutes } from './support/route-list.ts';
import { LEFT_LOGIN, openPage, signIn, type Stack, startStack } from './support/stack.ts';

let stack: Stack;
const contexts: BrowserContext[] = [];

/** A foreign town's real value for each path parameter of a town page. */
type Ids = Record<
  'slug' | 'hubId' | 'spaceId' | 'bookingId' | 'organisationId' | 'seriesId' | 'id' | 'photoId' | 'variant',
  string
>;
let zeitz: Ids;

/** Town pages: every route under towns/:slug. Static siblings (towns/new) are no town's data. */
const townRoutes = flatRoutes().filter((r) => r.path.startsWith('towns/:slug') && !r.layout);
/** Resource routes (CSV, iCal) answer 404 without a page; the rest show the not-found page. */
const isResource = (file: string) => file.endsWith('.ts') || /-(csv|ics)\.tsx$/.test(file);

function fill(path: string, ids: Record<string, string>): string {
  return `/${path.replace(/:(\w+)/g, (_, name: string) => {
    const value = ids[name];
    if (value === undefined)
      throw new Error(`no foreign value for :${name} in ${path}: add it to foreign-town.spec.ts`);
    return encodeURIComponent(value);
  })}`;
}

async function signInAnywhere(page: Page, email: string) {
  page.setDefaultTimeout(20_000);
  await signIn(page, email, LEFT_LOGIN);
}

beforeAll(async () => {
  stack = await startStack();
  const db = new pg.Client({ connectionString: stack.superuserUrl });
  await db.connect();
  try {
    // Objects the demo seed does not give Zeitz: an organisation, a booking series and a finished export.
    const zeitzId = (await db.query<{ id: string }>(`SELECT id FROM "Tenant" WHERE slug = 'zeitz'`)).rows[0]!.id;
    await db.query(
      `INSERT INTO "Organisation" ("tenantId", id, name, kind, "updatedAt") VALUES ($1, gen_random_uuid(), 'Zeitzer Verein', 'ASSOCIATION', now())`,
      [zeitzId],
    );
    await db.query(
      `INSERT INTO "BookingSeries" ("tenantId", id, "spaceId", "userId", rrule, "firstStartsAt", "durationMinutes", timezone)
       SELECT b."tenantId", gen_random_uuid(), b."spaceId", b."userId", 'FREQ=WEEKLY;COUNT=1', b."startsAt", 60, 'Europe/Berlin' FROM "Booking" b WHERE b."tenantId" = $1 AND b."userId" IS NOT NULL LIMIT 1`,
      [zeitzId],
    );
    await db.query(
      `INSERT INTO "TenantExport" ("tenantId", id, "requestedById", status, progress, archive, "sizeBytes", "finishedAt", "expiresAt", "updatedAt")
       SELECT $1, gen_random_uuid(), m."userId", 'READY', 100, decode('504b0506' || repeat('00', 18), 'hex'), 22, now(), now() + interval '1 day', now()
       FROM "TenantMembership" m WHERE m."tenantId" = $1 AND m.role = 'TOWN_ADMIN' LIMIT 1`,
      [zeitzId],
    );
    // A photo of a Zeitz space (a tiny WebP; the bytes do not matter to the walls).
    await db.query(
      `INSERT INTO "SpacePhoto" ("tenantId", id, "spaceId", position, "altText", width, height, "byteSize", sha256, image, thumbnail, "thumbWidth", "thumbHeight")
       SELECT s."tenantId", gen_random_uuid(), s.id, 0, 'Zeitzer Raum', 1, 1, 4, repeat('0', 64), '\\x52494646'::bytea, '\\x52494646'::bytea, 1, 1 FROM "Space" s WHERE s."tenantId" = $1 LIMIT 1`,
      [zeitzId],
    );
    const { rows } = await db.query<Omit<Ids, 'variant'>>(`
      SELECT t.slug,
             (SELECT h.id FROM "Hub" h WHERE h."tenantId" = t.id LIMIT 1) AS "hubId",
             (SELECT s.id FROM "Space" s WHERE s."tenantId" = t.id LIMIT 1) AS "spaceId",
             (SELECT b.id FROM "Booking" b WHERE b."tenantId" = t.id LIMIT 1) AS "bookingId",
             (SELECT o.id FROM "Organisation" o WHERE o."tenantId" = t.id LIMIT 1) AS "organisationId",
             (SELECT s.id FROM "BookingSeries" s WHERE s."tenantId" = t.id LIMIT 1) AS "seriesId",
             (SELECT e.id FROM "TenantExport" e WHERE e."tenantId" = t.id LIMIT 1) AS id,
             (SELECT p.id FROM "SpacePhoto" p WHERE p."tenantId" = t.id LIMIT 1) AS "photoId"
      FROM "Tenant" t WHERE t.slug = 'zeitz'`);
    // The photo route's last segment names the size, not an object: a valid one, so only the ids decide.
    zeitz = { ...rows[0]!, variant: 'thumb.webp' };
  } finally {
    await db.end();
  }
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await stack?.stop();
});

describe("another town's URL", () => {
  it('the route list has town pages to check', () => {
    expect(townRoutes.length).toBeGreaterThanOrEqual(10);
  });

  // Einbeck's admin (and Einbeck's partner) against Zeitz: a town with no partner.
  it.each([DEMO_USERS.einbeckAdmin, DEMO_USERS.partner])(
    "as %s: every town page of Zeitz — and Zeitz's ids under Einbeck — is not found",
    async (email) => {
      // Every id is real (no placeholder may slip through as "not found by accident").
      for (const value of Object.values(zeitz)) expect(value).toBeTruthy();
      const page = await openPage(stack, contexts);
      await signInAnywhere(page, email);
      const checked: string[] = [];
      for (const route of townRoutes) {
        // The foreign town's slug, then (where the path names objects) the foreign objects under one's own town.
        const urls = [fill(route.path, zeitz)];
        if (/:(?!slug)\w+/.test(route.path)) urls.push(fill(route.path, { ...zeitz, slug: 'einbeck' }));
        for (const url of urls) {
          if (isResource(route.file)) {
            // A file download has no page to show: the browser context's request (same cookies) reads the status.
            const response = await page.request.get(url);
            expect({ url, status: response.status() }).toEqual({ url, status: 404 });
          } else {
            const response = await page.goto(url);
            expect({ url, status: response?.status() }).toEqual({ url, status: 404 });
            expect(await page.getByRole('heading', { level: 1 }).innerText(), url).toBe('Seite nicht gefunden');
          }
          checked.push(url);
        }
      }
      console.info(
        `foreign-town pages: ${checked.length} URLs from ${townRoutes.length} town routes, all not found (${email})`,
      );
    },
  );
});

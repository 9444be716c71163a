/**
 * Photos of spaces (docs/decisions/019) in a real Chromium: the hub manager
 * uploads a photo with a description (with and without JavaScript), sees the
 * thumbnail, reorders and removes; the image is served as WebP with
 * nosniff, a private cache and an ETag; a public hub's page shows the
 * photos to anyone, with their descriptions. axe finds nothing.
 */
import type { BrowserContext, Page } from 'playwright-core';
import pg from 'pg';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { expectNoAxeViolations, openPage, signIn, type Stack, startStack } from './support/stack.ts';

let stack: Stack;
let spaceUrl: string;
const poll = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });
const contexts: BrowserContext[] = [];

/** A camera-like JPEG: larger than the stored size and carrying a GPS position. */
const cameraJpeg = (colour: string) =>
  sharp({ create: { width: 2000, height: 1500, channels: 3, background: colour } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'Testkamera' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 49/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '9/1 52/1 0/1' },
    })
    .toBuffer();

/** Whether an <img> really loaded (a broken image has no natural width). */
const loaded = (page: Page, alt: string) =>
  page
    .getByRole('img', { name: alt })
    .first()
    .evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0);

beforeAll(async () => {
  stack = await startStack();
  const db = new pg.Client({ connectionString: stack.superuserUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ id: string }>(
      `SELECT s.id FROM "Space" s JOIN "Tenant" t ON t.id = s."tenantId" WHERE t.slug = 'einbeck' AND s.kind = 'EVENT_ROOM' LIMIT 1`,
    );
    spaceUrl = `/towns/einbeck/spaces/${rows[0]!.id}`;
  } finally {
    await db.end();
  }
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await stack?.stop();
});

describe('photos of a space', () => {
  it('lets the hub manager upload a described photo, see its thumbnail, reorder and remove photos', async () => {
    const page = await openPage(stack, contexts);
    page.setDefaultTimeout(20_000);
    await signIn(page, DEMO_USERS.einbeckManager);
    await page.goto(spaceUrl);
    await poll(() => page.locator('#space-photos ~ p').first().innerText()).toBe('Noch keine Fotos.');
    await page.getByRole('link', { name: 'Fotos verwalten' }).click();
    await page.waitForURL('**/photos');
    await expectNoAxeViolations(page, 'space photos (empty)');

    // Without a description: refused, nothing stored.
    await page
      .getByLabel('Foto', { exact: true })
      .setInputFiles({ name: 'saal.jpg', mimeType: 'image/jpeg', buffer: await cameraJpeg('#2a6fb0') });
    await page.getByRole('button', { name: 'Foto hochladen' }).click();
    await poll(() => page.getByRole('alert').innerText()).toContain(
      'Bitte beschreiben Sie, was auf dem Foto zu sehen ist',
    );
    await expectNoAxeViolations(page, 'space photos (missing description)');

    // Something that only claims to be an image: refused by content.
    await page
      .getByLabel('Foto', { exact: true })
      .setInputFiles({ name: 'saal.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('<html>kein Bild</html>') });
    await page.locator('#photo-alt').fill('Kein Bild');
    await page.getByRole('button', { name: 'Foto hochladen' }).click();
    await poll(() => page.getByRole('alert').innerText()).toContain(
      'Diese Datei ist kein JPEG-, PNG-, WebP- oder AVIF-Bild.',
    );

    // Over 8 MB: refused while reading the form, before the API sees it.
    await page
      .getByLabel('Foto', { exact: true })
      .setInputFiles({ name: 'riesig.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(9 * 1024 * 1024, 0xff) });
    await page.locator('#photo-alt').fill('Zu groß');
    await page.getByRole('button', { name: 'Foto hochladen' }).click();
    await poll(() => page.getByRole('alert').innerText()).toContain('Das Foto ist zu groß: höchstens 8 MB.');
    await expect(page.locator('.photo-list__thumb').count()).resolves.toBe(0);

    await page
      .getByLabel('Foto', { exact: true })
      .setInputFiles({ name: 'saal.jpg', mimeType: 'image/jpeg', buffer: await cameraJpeg('#2a6fb0') });
    await page.locator('#photo-alt').fill('Veranstaltungsraum mit Stuhlreihen und Leinwand');
    await page.getByRole('button', { name: 'Foto hochladen' }).click();
    await poll(() => page.getByRole('status').first().innerText()).toBe('Das Foto wurde gespeichert.');
    await poll(() => loaded(page, 'Veranstaltungsraum mit Stuhlreihen und Leinwand')).toBe(true);
    await poll(() => page.getByText('1600 × 1200 Pixel').count()).toBe(1);
    await expectNoAxeViolations(page, 'space photos (one photo)');

    // The bytes: WebP, never sniffed, private, revalidated by ETag; no GPS left.
    const src = await page
      .getByRole('img', { name: 'Veranstaltungsraum mit Stuhlreihen und Leinwand' })
      .getAttribute('src');
    const fullUrl = src!.replace('/thumb.webp', '/full.webp');
    const response = await page.request.get(fullUrl);
    expect(response.status()).toBe(200);
    expect(response.headers()).toMatchObject({
      'content-type': 'image/webp',
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, max-age=300',
    });
    const body = await response.body();
    const meta = await sharp(body).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 1600, height: 1200 });
    expect(meta.exif).toBeUndefined();
    const again = await page.request.get(fullUrl, { headers: { 'if-none-match': response.headers().etag! } });
    expect(again.status()).toBe(304);

    const second = await openPage(stack, contexts, { javaScriptEnabled: false });
    await signIn(second, DEMO_USERS.einbeckManager);
    await second.goto(`${spaceUrl}/photos`);
    // Without JavaScript the same form works (a plain multipart POST).
    await second.getByLabel('Foto', { exact: true }).setInputFiles({
      name: 'showroom.png',
      mimeType: 'image/png',
      buffer: await sharp({ create: { width: 640, height: 480, channels: 3, background: '#c0392b' } })
        .png()
        .toBuffer(),
    });
    await second.locator('#photo-alt').fill('Roter Empfangstresen am Eingang');
    await second.getByRole('button', { name: 'Foto hochladen' }).click();
    await poll(() => second.getByRole('status').first().innerText()).toBe('Das Foto wurde gespeichert.');
    await poll(() => second.getByRole('heading', { level: 3 }).allInnerTexts()).toEqual(['Foto 1', 'Foto 2']);

    await page.reload();
    await page.getByRole('button', { name: 'Foto 2 nach vorne schieben' }).click();
    await poll(() => page.getByRole('status').first().innerText()).toBe('Die Reihenfolge wurde geändert.');
    await poll(() => page.locator('.photo-list__thumb').first().getAttribute('alt')).toBe(
      'Roter Empfangstresen am Eingang',
    );
    await page.getByLabel('Bildbeschreibung').first().fill('Roter Empfangstresen im Foyer');
    await page.getByRole('button', { name: 'Beschreibung speichern' }).first().click();
    await poll(() => page.getByRole('status').first().innerText()).toBe('Die Bildbeschreibung wurde gespeichert.');
    await poll(() => page.locator('.photo-list__thumb').first().getAttribute('alt')).toBe(
      'Roter Empfangstresen im Foyer',
    );
    await page.getByRole('button', { name: 'Foto 1 entfernen' }).click();
    await poll(() => page.getByRole('status').first().innerText()).toBe('Das Foto wurde entfernt.');
    await poll(() => page.locator('.photo-list__thumb').count()).toBe(1);

    // The space page shows the thumbnail, with its description.
    await page.goto(spaceUrl);
    await poll(() => loaded(page, 'Veranstaltungsraum mit Stuhlreihen und Leinwand')).toBe(true);
    await expectNoAxeViolations(page, 'space week with photos');
  });

  it("shows a public hub's photos on its public page to anyone, and none while the hub is not public", async () => {
    const page = await openPage(stack, contexts);
    page.setDefaultTimeout(20_000);
    const db = new pg.Client({ connectionString: stack.superuserUrl });
    await db.connect();
    try {
      // Not public: no public page at all, photos included.
      await db.query(`UPDATE "Hub" SET "isPublic" = false WHERE slug = 'digital-hub-einbeck'`);
      expect((await page.goto('/p/einbeck/digital-hub-einbeck'))?.status()).toBe(404);
      expect(await page.getByRole('heading', { name: 'Räume in Bildern' }).count()).toBe(0);
      await db.query(`UPDATE "Hub" SET "isPublic" = true WHERE slug = 'digital-hub-einbeck'`);
    } finally {
      await db.end();
    }
    await page.reload();
    await poll(() => page.getByRole('heading', { name: 'Räume in Bildern' }).count()).toBe(1);
    await poll(() => loaded(page, 'Veranstaltungsraum mit Stuhlreihen und Leinwand')).toBe(true);
    const src = await page
      .getByRole('img', { name: 'Veranstaltungsraum mit Stuhlreihen und Leinwand' })
      .getAttribute('src');
    expect(src).toMatch(/^\/p\/einbeck\/digital-hub-einbeck\/photos\/[0-9a-f-]{36}\/thumb\.webp$/);
    const response = await page.request.get(src!);
    expect(response.headers()).toMatchObject({
      'content-type': 'image/webp',
      'x-content-type-options': 'nosniff',
      'cache-control': 'public, max-age=300',
    });
    await expectNoAxeViolations(page, 'public hub page with photos');
  });
});

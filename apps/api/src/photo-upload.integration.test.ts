/**
 * The body limit over HTTP (docs/decisions/019): a photo upload is up to
 * 8 MB, ~11.2 MB as base64, so `spacePhotos.add` alone may send up to
 * 12 MiB; every other procedure keeps the 1 MiB limit.
 */
import { randomBytes } from 'node:crypto';
import { useTestDatabase } from '@hubwerk/db/testing';
import pg from 'pg';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../../../prisma/seed.ts';
import { createLogger } from './logger.ts';
import { type RunningApiServer, startApiServer } from './server.ts';

let api: RunningApiServer;
let superuser: pg.Client;
let token: string;
let spaceId: string;

const post = (procedure: string, body: string) =>
  fetch(`${api.url}/trpc/${procedure}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });

beforeAll(async () => {
  const db = await useTestDatabase({ fresh: true });
  await seedDemo({ platformUrl: db.platformUrl });
  api = await startApiServer({
    port: 0,
    databaseUrl: db.appUrl,
    platformDatabaseUrl: db.platformUrl,
    logger: createLogger({ level: 'silent' }),
  });
  superuser = new pg.Client({ connectionString: db.superuserUrl });
  await superuser.connect();
  spaceId = (
    await superuser.query(
      `SELECT s.id FROM "Space" s JOIN "Tenant" t ON t.id = s."tenantId" WHERE t.slug = 'einbeck' AND s.kind = 'EVENT_ROOM'`,
    )
  ).rows[0].id;
  const signIn = await fetch(`${api.url}/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: DEMO_USERS.einbeckManager, password: DEMO_PASSWORD }),
  });
  token = ((await signIn.json()) as { result: { data: { token: string } } }).result.data.token;
});

afterAll(async () => {
  await superuser?.end();
  await api?.close();
});

describe('photo uploads over HTTP', () => {
  it('accept a photo of several megabytes through spacePhotos.add only', async () => {
    // Noise does not compress: a PNG of ~3.6 MB, ~4.8 MB as base64.
    const noisy = await sharp(randomBytes(1200 * 1000 * 3), { raw: { width: 1200, height: 1000, channels: 3 } })
      .png()
      .toBuffer();
    expect(noisy.length).toBeGreaterThan(3 * 1024 * 1024);
    const body = JSON.stringify({
      tenant: 'einbeck',
      spaceId,
      altText: 'Rauschen in Farbe',
      imageBase64: noisy.toString('base64'),
    });
    const added = await post('spacePhotos.add', body);
    expect(added.status).toBe(200);
    expect(((await added.json()) as { result: { data: { width: number } } }).result.data.width).toBe(1200);

    // The same size to any other procedure: refused before it is read.
    const elsewhere = await post(
      'hubs.create',
      JSON.stringify({ tenant: 'einbeck', name: 'x'.repeat(2 * 1024 * 1024) }),
    );
    expect(elsewhere.status).toBe(413);
    // Past 12 MiB also for the upload.
    const tooBig = await post(
      'spacePhotos.add',
      JSON.stringify({ tenant: 'einbeck', spaceId, altText: 'Zu groß', imageBase64: 'A'.repeat(13 * 1024 * 1024) }),
    );
    expect(tooBig.status).toBe(413);
    expect(Number((await superuser.query(`SELECT count(*) AS n FROM "SpacePhoto"`)).rows[0].n)).toBe(1);
  });
});

/**
 * Photos of spaces (docs/decisions/019): uploads are untrusted, so
 * what is stored is a re-encoded WebP with its dimensions capped and every
 * piece of metadata (EXIF GPS included) gone; bad files are refused with a
 * key naming the problem and nothing written; the walls hold (another hub's
 * manager, another town, the public only for public hubs).
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { PHOTO_LIMITS, sniffFormat } from './routers/space-photos/photo-image.ts';
import { type Caller, failure } from './test-support.ts';
import { fileFixtures, seededApiTest } from './testing/fixtures.ts';

const test = seededApiTest({ poolSize: 6 });
const file = fileFixtures(test);

const tenant = 'einbeck';
let admin: Caller;
let manager: Caller;
let member: Caller;
let partner: Caller;
let zeitzAdmin: Caller;
let spaceId: string;
let otherHubSpaceId: string;
let zeitzSpaceId: string;

/** Town and hub coordinates (Einbeck market square), as a phone camera writes them. */
const GPS = {
  GPSLatitudeRef: 'N',
  GPSLatitude: '51/1 49/1 1234/100',
  GPSLongitudeRef: 'E',
  GPSLongitude: '9/1 52/1 5678/100',
};

async function jpegWithGps(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 40, g: 110, b: 170 } } })
    .jpeg({ quality: 90 })
    .withExif({ IFD0: { Make: 'Testkamera', Artist: 'Erika Mustermann' }, IFD3: GPS })
    .toBuffer();
}
const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 4, background: { r: 200, g: 60, b: 60, alpha: 1 } } })
    .png()
    .toBuffer();
const b64 = (bytes: Buffer) => bytes.toString('base64');

/** A PNG whose header claims 30000 × 30000 pixels (900 MP) around a few bytes of data: a decompression bomb. */
async function pngBomb(): Promise<Buffer> {
  const bomb = Buffer.from(await png(64, 64));
  bomb.writeUInt32BE(30_000, 16);
  bomb.writeUInt32BE(30_000, 20);
  bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)), 29);
  return bomb;
}
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const photoRows = async (space: string) =>
  Number(
    (await file.superuser.query(`SELECT count(*) AS n FROM "SpacePhoto" WHERE "spaceId" = $1`, [space])).rows[0].n,
  );
const auditCount = async (action: string) =>
  Number((await file.superuser.query(`SELECT count(*) AS n FROM "AuditLog" WHERE action = $1`, [action])).rows[0].n);

test.beforeAll(async ({ api, superuser }) => {
  [admin, manager, member, partner, zeitzAdmin] = await Promise.all([
    api.as(DEMO_USERS.einbeckAdmin),
    api.as(DEMO_USERS.einbeckManager),
    api.as(DEMO_USERS.einbeckMember),
    api.as(DEMO_USERS.partner),
    api.as(DEMO_USERS.zeitzAdmin),
  ]);
  const hubId = (await admin.hubs.list({ tenant })).items.find((h) => h.slug === 'digital-hub-einbeck')!.id;
  spaceId = (await admin.spaces.list({ tenant, hubId })).items.find((s) => s.kind === 'event-room')!.id;
  // A second hub of the same town, which the hub manager does not manage.
  const otherHub = await admin.hubs.create({ tenant, name: 'Hub Nord' });
  otherHubSpaceId = (
    await admin.spaces.create({
      tenant,
      hubId: otherHub.id,
      kind: 'meeting-room',
      name: 'Besprechung Nord',
      capacity: 6,
    })
  ).id;
  zeitzSpaceId = (
    await superuser.query(
      `SELECT s.id FROM "Space" s JOIN "Tenant" t ON t.id = s."tenantId" WHERE t.slug = 'zeitz' LIMIT 1`,
    )
  ).rows[0].id;
});

describe('an upload', () => {
  test('is stored as a re-encoded WebP at most 1600 px wide, with a 400 px thumbnail and no EXIF/GPS left', async ({
    superuser,
  }) => {
    const upload = await jpegWithGps(2400, 1200);
    // The test input really carries the position (else the assertion below proves nothing).
    const before = await sharp(upload).metadata();
    expect(before.exif?.includes(Buffer.from('Testkamera'))).toBe(true);
    expect(before.exif?.length).toBeGreaterThan(100);

    const photo = await manager.spacePhotos.add({
      tenant,
      spaceId,
      altText: 'Veranstaltungsraum mit Stuhlreihen und Leinwand',
      imageBase64: b64(upload),
    });
    expect(photo).toMatchObject({
      spaceId,
      contentType: 'image/webp',
      width: 1600,
      height: 800,
      thumbWidth: 400,
      thumbHeight: 200,
      position: 0,
    });

    const { rows } = await superuser.query<{
      image: Buffer;
      thumbnail: Buffer;
      byteSize: number;
      createdById: string | null;
    }>(`SELECT image, thumbnail, "byteSize", "createdById" FROM "SpacePhoto" WHERE id = $1`, [photo.id]);
    const stored = rows[0]!;
    expect(sniffFormat(stored.image)).toBe('webp');
    expect(stored.byteSize).toBe(stored.image.length);
    expect(stored.createdById).not.toBeNull();
    for (const bytes of [stored.image, stored.thumbnail]) {
      const meta = await sharp(bytes).metadata();
      expect(meta.format).toBe('webp');
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      // Not even as stray bytes.
      expect(bytes.includes(Buffer.from('Testkamera'))).toBe(false);
      expect(bytes.includes(Buffer.from('Exif'))).toBe(false);
    }
    expect((await sharp(stored.thumbnail).metadata()).width).toBe(400);

    // Served back to whoever may read the space: the same bytes, with a tag.
    const image = await member.spacePhotos.image({ tenant, photoId: photo.id });
    expect(Buffer.from(image.dataBase64, 'base64').equals(stored.image)).toBe(true);
    expect(image).toMatchObject({ contentType: 'image/webp', byteSize: stored.image.length, etag: photo.etag });
    const thumb = await member.spacePhotos.image({ tenant, photoId: photo.id, variant: 'thumb' });
    expect(Buffer.from(thumb.dataBase64, 'base64').equals(stored.thumbnail)).toBe(true);
    expect(thumb.etag).not.toBe(image.etag);
    expect(await auditCount('spacePhoto.added')).toBe(1);
  });

  test('keeps small images small (no enlargement) and accepts PNG and WebP too', async () => {
    const fromPng = await admin.spacePhotos.add({
      tenant,
      spaceId,
      altText: 'Kleines rotes Schild',
      imageBase64: b64(await png(300, 200)),
    });
    expect(fromPng).toMatchObject({ width: 300, height: 200, thumbWidth: 300 });
    const webp = await sharp({ create: { width: 1000, height: 3000, channels: 3, background: '#888' } })
      .webp()
      .toBuffer();
    // A portrait photo fits the 1600 px square: 533 × 1600.
    const fromWebp = await partner.spacePhotos.add({
      tenant,
      spaceId,
      altText: 'Hohes Regal im Showroom',
      imageBase64: b64(webp),
    });
    expect(fromWebp).toMatchObject({ width: 533, height: 1600 });
    const list = await member.spacePhotos.list({ tenant, spaceId });
    expect(list.canManage).toBe(false);
    expect(list.items.map((p) => p.altText)).toEqual([
      'Veranstaltungsraum mit Stuhlreihen und Leinwand',
      'Kleines rotes Schild',
      'Hohes Regal im Showroom',
    ]);
    expect((await manager.spacePhotos.list({ tenant, spaceId })).canManage).toBe(true);
  });

  test('accepts AVIF (re-encoded to WebP like the rest) and refuses HEIC, which this build cannot decode, by name', async ({
    superuser,
  }) => {
    const hubId = (await admin.hubs.list({ tenant })).items.find((h) => h.slug === 'digital-hub-einbeck')!.id;
    const room = await admin.spaces.create({ tenant, hubId, kind: 'meeting-room', name: 'Fotoraum AVIF', capacity: 4 });
    const avif = await sharp({ create: { width: 2400, height: 1200, channels: 3, background: '#3366cc' } })
      .avif()
      .toBuffer();
    const photo = await admin.spacePhotos.add({
      tenant,
      spaceId: room.id,
      altText: 'Blaue Wand im Besprechungsraum',
      imageBase64: b64(avif),
    });
    expect(photo).toMatchObject({ width: 1600, height: 800, thumbWidth: 400 });
    const stored = (await superuser.query(`SELECT image FROM "SpacePhoto" WHERE id = $1`, [photo.id])).rows[0]
      .image as Buffer;
    expect(sniffFormat(stored)).toBe('webp');
    // An iPhone photo: ISO BMFF with the "heic" brand.
    const heic = Buffer.concat([
      Buffer.from([0, 0, 0, 0x18]),
      Buffer.from('ftypheic'),
      Buffer.from([0, 0, 0, 0]),
      Buffer.from('mif1heic'),
      Buffer.alloc(64),
    ]);
    expect(
      await failure(
        admin.spacePhotos.add({ tenant, spaceId: room.id, altText: 'Vom Telefon', imageBase64: b64(heic) }),
      ),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      fieldErrors: { image: ['errors.photo.unsupportedType'] },
    });
    // An AVIF signature in front of a PNG is no AVIF.
    const posing = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypavif'), await png(10, 10)]);
    expect(
      (
        await failure(
          admin.spacePhotos.add({ tenant, spaceId: room.id, altText: 'Verkleidet', imageBase64: b64(posing) }),
        )
      ).fieldErrors,
    ).toEqual({ image: [expect.stringMatching(/^errors\.photo\.(unsupportedType|unreadable)$/)] });
    expect(await photoRows(room.id)).toBe(1);
    // Out of the public gallery the other tests look at.
    await admin.spacePhotos.remove({ tenant, photoId: photo.id });
  });

  const bad: Array<[string, () => Promise<{ altText: string; imageBase64: string }>, string, string]> = [
    [
      'without alt text',
      async () => ({ altText: '   ', imageBase64: b64(await png(20, 20)) }),
      'altText',
      'validation.photo.altRequired',
    ],
    ['without a file', async () => ({ altText: 'Raum', imageBase64: '' }), 'imageBase64', 'errors.photo.fileRequired'],
    [
      'that is a GIF',
      async () => ({
        altText: 'Raum',
        imageBase64: b64(
          await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
            .gif()
            .toBuffer(),
        ),
      }),
      'image',
      'errors.photo.unsupportedType',
    ],
    [
      'that is text named like an image',
      async () => ({
        altText: 'Raum',
        imageBase64: b64(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')),
      }),
      'image',
      'errors.photo.unsupportedType',
    ],
    [
      'that has a JPEG signature and nothing else',
      async () => ({ altText: 'Raum', imageBase64: b64(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0, 0, 0])) }),
      'image',
      'errors.photo.unreadable',
    ],
    [
      'that is a decompression bomb (900 MP)',
      async () => ({ altText: 'Raum', imageBase64: b64(await pngBomb()) }),
      'image',
      'errors.photo.tooManyPixels',
    ],
    [
      'that is larger than 8 MB',
      async () => ({ altText: 'Raum', imageBase64: b64(Buffer.alloc(PHOTO_LIMITS.maxBytes + 3, 1)) }),
      'imageBase64',
      'errors.photo.tooLarge',
    ],
    [
      'that is not base64',
      async () => ({ altText: 'Raum', imageBase64: 'kein bild!' }),
      'imageBase64',
      'errors.photo.unreadable',
    ],
  ];

  it.each(bad)(
    '%s is refused with a key naming the problem, and nothing is written',
    async (_name, make, field, key) => {
      const before = await photoRows(spaceId);
      const audits = await auditCount('spacePhoto.added');
      const error = await failure(manager.spacePhotos.add({ tenant, spaceId, ...(await make()) }));
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.fieldErrors?.[field]).toEqual([key]);
      expect(await photoRows(spaceId)).toBe(before);
      expect(await auditCount('spacePhoto.added')).toBe(audits);
    },
  );
});

describe('who may', () => {
  test("lets members read but not add, and another hub's manager not add", async () => {
    const upload = { altText: 'Raum', imageBase64: b64(await png(20, 20)) };
    expect(await failure(member.spacePhotos.add({ tenant, spaceId, ...upload }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await failure(manager.spacePhotos.add({ tenant, spaceId: otherHubSpaceId, ...upload }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await photoRows(otherHubSpaceId)).toBe(0);
    // The town admin may.
    await admin.spacePhotos.add({ tenant, spaceId: otherHubSpaceId, ...upload });
    const [photo] = (await admin.spacePhotos.list({ tenant, spaceId: otherHubSpaceId })).items;
    expect(await failure(manager.spacePhotos.remove({ tenant, photoId: photo!.id }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(
      await failure(manager.spacePhotos.updateAltText({ tenant, photoId: photo!.id, altText: 'Übernommen' })),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(await failure(member.spacePhotos.move({ tenant, photoId: photo!.id, direction: 'up' }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await photoRows(otherHubSpaceId)).toBe(1);
  });

  test("answers another town's space and photo ids exactly like made-up ones", async () => {
    await zeitzAdmin.spacePhotos.add({
      tenant: 'zeitz',
      spaceId: zeitzSpaceId,
      altText: 'Zeitzer Raum',
      imageBase64: b64(await png(30, 30)),
    });
    const zeitzPhoto = (await zeitzAdmin.spacePhotos.list({ tenant: 'zeitz', spaceId: zeitzSpaceId })).items[0]!;
    const made = '0192a000-0000-7000-8000-000000000000';
    const tiny = b64(await png(5, 5));
    // Thunks: a call starts only when its pair is compared (no rejection left unobserved).
    const pairs: Array<[() => Promise<unknown>, () => Promise<unknown>]> = [
      [
        () => admin.spacePhotos.list({ tenant, spaceId: zeitzSpaceId }),
        () => admin.spacePhotos.list({ tenant, spaceId: made }),
      ],
      [
        () => admin.spacePhotos.image({ tenant, photoId: zeitzPhoto.id }),
        () => admin.spacePhotos.image({ tenant, photoId: made }),
      ],
      [
        () => admin.spacePhotos.remove({ tenant, photoId: zeitzPhoto.id }),
        () => admin.spacePhotos.remove({ tenant, photoId: made }),
      ],
      [
        () => admin.spacePhotos.move({ tenant, photoId: zeitzPhoto.id, direction: 'down' }),
        () => admin.spacePhotos.move({ tenant, photoId: made, direction: 'down' }),
      ],
      [
        () => admin.spacePhotos.add({ tenant, spaceId: zeitzSpaceId, altText: 'x', imageBase64: tiny }),
        () => admin.spacePhotos.add({ tenant, spaceId: made, altText: 'x', imageBase64: tiny }),
      ],
      [
        () => admin.spacePhotos.image({ tenant: 'zeitz', photoId: zeitzPhoto.id }),
        () => admin.spacePhotos.image({ tenant: 'gibt-es-nicht', photoId: zeitzPhoto.id }),
      ],
    ];
    for (const [foreign, missing] of pairs) {
      const a = await failure(foreign());
      const b = await failure(missing());
      expect(a).toEqual({ code: 'NOT_FOUND', messageKey: 'errors.notFound' });
      expect(b).toEqual(a);
    }
    expect(await photoRows(zeitzSpaceId)).toBe(1);
  });
});

describe('managing', () => {
  test('changes the alt text, moves and removes photos, each with an audit entry', async ({ superuser }) => {
    const before = (await manager.spacePhotos.list({ tenant, spaceId })).items;
    expect(before.length).toBe(3);
    const [first, second] = before as [(typeof before)[0], (typeof before)[0]];
    const renamed = await manager.spacePhotos.updateAltText({
      tenant,
      photoId: second.id,
      altText: '  Rotes Schild am Eingang  ',
    });
    expect(renamed.altText).toBe('Rotes Schild am Eingang');
    expect(await failure(manager.spacePhotos.updateAltText({ tenant, photoId: second.id, altText: '' }))).toMatchObject(
      { code: 'BAD_REQUEST', fieldErrors: { altText: ['validation.photo.altRequired'] } },
    );

    const moved = await manager.spacePhotos.move({ tenant, photoId: second.id, direction: 'up' });
    expect(moved.items.map((p) => p.id).slice(0, 2)).toEqual([second.id, first.id]);
    // At the top already: nothing moves.
    const same = await manager.spacePhotos.move({ tenant, photoId: second.id, direction: 'up' });
    expect(same.items.map((p) => p.id)).toEqual(moved.items.map((p) => p.id));

    await manager.spacePhotos.remove({ tenant, photoId: first.id });
    expect((await member.spacePhotos.list({ tenant, spaceId })).items.map((p) => p.id)).not.toContain(first.id);
    expect(await failure(member.spacePhotos.image({ tenant, photoId: first.id }))).toMatchObject({ code: 'NOT_FOUND' });
    const actions = (
      await superuser.query(
        `SELECT action FROM "AuditLog" WHERE "targetType" = 'SpacePhoto' AND "targetId" IN ($1, $2) ORDER BY "createdAt"`,
        [first.id, second.id],
      )
    ).rows.map((r) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining(['spacePhoto.altTextChanged', 'spacePhoto.moved', 'spacePhoto.removed']),
    );
  });

  test('stops at 8 photos per space, also when uploads race', async () => {
    const small = b64(await png(16, 16));
    const have = await photoRows(spaceId);
    const results = await Promise.allSettled(
      Array.from({ length: 10 - have }, (_, i) =>
        manager.spacePhotos.add({ tenant, spaceId, altText: `Foto ${i}`, imageBase64: small }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(8 - have);
    expect(await photoRows(spaceId)).toBe(8);
    expect(
      await failure(manager.spacePhotos.add({ tenant, spaceId, altText: 'Eins zu viel', imageBase64: small })),
    ).toMatchObject({ code: 'BAD_REQUEST', messageKey: 'errors.photo.limit', params: { max: '8' } });
    expect(await photoRows(spaceId)).toBe(8);
  });

  test('goes with its space', async ({ superuser }) => {
    expect(await photoRows(otherHubSpaceId)).toBe(1);
    await superuser.query(`DELETE FROM "Space" WHERE id = $1`, [otherHubSpaceId]);
    expect(await photoRows(otherHubSpaceId)).toBe(0);
  });
});

describe('the public hub page', () => {
  test('shows and serves photos only while the hub is public, and only its own', async ({ api, superuser }) => {
    const where = { town: 'einbeck', hub: 'digital-hub-einbeck' };
    const anonymous = api.caller();
    const photoId = (await member.spacePhotos.list({ tenant, spaceId })).items[0]!.id;
    // A hub that is not public has no public page: no gallery, no photos.
    await superuser.query(`UPDATE "Hub" SET "isPublic" = false WHERE slug = 'digital-hub-einbeck'`);
    expect(await failure(anonymous.spacePhotos.publicGallery(where))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(anonymous.spacePhotos.publicImage({ ...where, photoId }))).toMatchObject({
      code: 'NOT_FOUND',
    });

    await superuser.query(`UPDATE "Hub" SET "isPublic" = true WHERE slug = 'digital-hub-einbeck'`);
    const gallery = await anonymous.spacePhotos.publicGallery(where);
    expect(gallery.spaces.map((s) => s.spaceId)).toEqual([spaceId]);
    expect(gallery.spaces[0]!.photos.length).toBe(8);
    expect(gallery.spaces[0]!.photos[0]).toMatchObject({ id: photoId, altText: expect.any(String) });
    const thumb = await anonymous.spacePhotos.publicImage({ ...where, photoId, variant: 'thumb' });
    expect(sniffFormat(Buffer.from(thumb.dataBase64, 'base64'))).toBe('webp');

    // Another town's photo through Einbeck's public hub: not found, like a made-up one.
    const zeitzPhoto = (await zeitzAdmin.spacePhotos.list({ tenant: 'zeitz', spaceId: zeitzSpaceId })).items[0]!;
    await superuser.query(`UPDATE "Hub" SET "isPublic" = true WHERE slug = 'digital-hub-zeitz'`);
    expect(await failure(anonymous.spacePhotos.publicImage({ ...where, photoId: zeitzPhoto.id }))).toEqual({
      code: 'NOT_FOUND',
      messageKey: 'errors.notFound',
    });
    expect(
      await anonymous.spacePhotos.publicImage({ town: 'zeitz', hub: 'digital-hub-zeitz', photoId: zeitzPhoto.id }),
    ).toMatchObject({ contentType: 'image/webp' });
    await superuser.query(
      `UPDATE "Hub" SET "isPublic" = false WHERE slug IN ('digital-hub-einbeck', 'digital-hub-zeitz')`,
    );
    expect(await failure(anonymous.spacePhotos.publicImage({ ...where, photoId }))).toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

/**
 * Photos of spaces (docs/decisions/019). Whoever may update a space
 * (town admins, partners acting as one, the hub's managers) adds, describes,
 * orders and removes its photos; whoever may read the space sees them. The
 * image work (type by content, pixel limit, re-encoding, metadata stripped)
 * is photo-image.ts; this module holds who may do what, the per-space limit
 * and the audit trail.
 */
import { subject } from '@hubwerk/auth';
import type { Prisma, Space, SpacePhoto } from '@hubwerk/db';
import type { Context } from '../../context.ts';
import { DomainError, notFound } from '../../errors.ts';
import { inTown, resolveHub } from '../public-bookings/public-bookings.service.ts';
import type { Ctx, Db } from '../spaces/spaces.service.ts';
import { processPhoto } from './photo-image.ts';
import { MAX_PHOTOS_PER_SPACE } from './space-photos.schemas.ts';

type PhotoDb = Db & Pick<Ctx['db'], 'spacePhoto'>;
type Variant = 'full' | 'thumb';

const forbidden = () => new DomainError('FORBIDDEN', 'errors.forbidden');

/** Every column but the bytes: lists and checks never load images. */
const META = {
  id: true,
  tenantId: true,
  spaceId: true,
  position: true,
  altText: true,
  contentType: true,
  width: true,
  height: true,
  thumbWidth: true,
  thumbHeight: true,
  byteSize: true,
  sha256: true,
  createdAt: true,
} as const satisfies Prisma.SpacePhotoSelect;
type PhotoMeta = Pick<SpacePhoto, keyof typeof META>;

/** The thumbnail is derived from the stored photo, so its tag is the photo's plus the variant. */
const etagOf = (sha256: string, variant: Variant) => `"${sha256.slice(0, 32)}${variant === 'thumb' ? '-t' : ''}"`;

export const toPhotoOutput = (p: PhotoMeta) => ({
  id: p.id,
  spaceId: p.spaceId,
  position: p.position,
  altText: p.altText,
  contentType: 'image/webp' as const,
  width: p.width,
  height: p.height,
  thumbWidth: p.thumbWidth,
  thumbHeight: p.thumbHeight,
  byteSize: p.byteSize,
  etag: etagOf(p.sha256, 'full'),
  createdAt: p.createdAt.toISOString(),
});

async function readableSpace(ctx: Ctx, db: PhotoDb, spaceId: string): Promise<Space> {
  const space = await db.space.findFirst({ where: { tenantId: ctx.tenant.id, id: spaceId } });
  if (!space || ctx.ability.cannot('read', subject('Space', space))) throw notFound();
  return space;
}

const canManage = (ctx: Ctx, space: Space) => ctx.ability.can('update', subject('Space', space));

/** The photo and its space; another town's, another space's or a made-up id are the same "not found". */
async function findPhoto(ctx: Ctx, db: PhotoDb, photoId: string) {
  const photo = await db.spacePhoto.findFirst({ where: { tenantId: ctx.tenant.id, id: photoId }, select: META });
  if (!photo) throw notFound();
  const space = await readableSpace(ctx, db, photo.spaceId);
  return { photo, space };
}

/**
 * Serialises changes to one space's photos (the limit, the order) without
 * blocking bookings: FOR NO KEY UPDATE does not conflict with the key-share
 * locks that inserting a booking takes on its space.
 */
async function lockSpace(ctx: Ctx, tx: PhotoDb, spaceId: string) {
  const rows = await tx.$queryRaw<
    Array<{ id: string }>
  >`SELECT id FROM "Space" WHERE "tenantId" = ${ctx.tenant.id}::uuid AND id = ${spaceId}::uuid FOR NO KEY UPDATE`;
  if (rows.length === 0) throw notFound();
}

const ordered = (ctx: Ctx, tx: PhotoDb, spaceId: string) =>
  tx.spacePhoto.findMany({
    where: { tenantId: ctx.tenant.id, spaceId },
    select: META,
    orderBy: [{ position: 'asc' }, { id: 'asc' }],
    take: MAX_PHOTOS_PER_SPACE,
  });

async function audit(ctx: Ctx, tx: PhotoDb, action: string, photoId: string, data: Prisma.InputJsonValue) {
  await tx.auditEvent.create({
    data: {
      tenantId: ctx.tenant.id,
      actorUserId: ctx.session.userId,
      action,
      targetType: 'SpacePhoto',
      targetId: photoId,
      requestId: ctx.requestId,
      data,
    },
  });
}

/** A space's photos in display order (at most MAX_PHOTOS_PER_SPACE: one bounded page). */
export async function listPhotos(ctx: Ctx, input: { spaceId: string }) {
  const space = await readableSpace(ctx, ctx.db, input.spaceId);
  const items = await ordered(ctx, ctx.db, space.id);
  return {
    spaceId: space.id,
    canManage: canManage(ctx, space),
    maxPhotos: MAX_PHOTOS_PER_SPACE,
    items: items.map(toPhotoOutput),
  };
}

export async function addPhoto(ctx: Ctx, input: { spaceId: string; altText: string; imageBase64: string }) {
  // The walls first: nobody else makes this process decode an image.
  const space = await readableSpace(ctx, ctx.db, input.spaceId);
  if (!canManage(ctx, space)) throw forbidden();
  // Decoding and encoding take CPU time, not a database connection: outside the transaction.
  const processed = await processPhoto(Buffer.from(input.imageBase64, 'base64'));
  return ctx.db.$transaction(async (tx) => {
    await lockSpace(ctx, tx, space.id);
    const existing = await ordered(ctx, tx, space.id);
    if (existing.length >= MAX_PHOTOS_PER_SPACE) {
      throw new DomainError(
        'BAD_REQUEST',
        'errors.photo.limit',
        { image: ['errors.photo.limit'] },
        { max: String(MAX_PHOTOS_PER_SPACE) },
      );
    }
    const position = existing.reduce((max, p) => Math.max(max, p.position + 1), 0);
    const photo = await tx.spacePhoto.create({
      data: {
        tenantId: ctx.tenant.id,
        spaceId: space.id,
        position,
        altText: input.altText,
        width: processed.width,
        height: processed.height,
        byteSize: processed.image.length,
        sha256: processed.sha256,
        image: processed.image,
        thumbnail: processed.thumbnail,
        thumbWidth: processed.thumbWidth,
        thumbHeight: processed.thumbHeight,
        createdById: ctx.session.userId,
      },
      select: META,
    });
    await audit(ctx, tx, 'spacePhoto.added', photo.id, {
      spaceId: space.id,
      altText: photo.altText,
      width: photo.width,
      height: photo.height,
      byteSize: photo.byteSize,
    });
    return toPhotoOutput(photo);
  });
}

export async function updateAltText(ctx: Ctx, input: { photoId: string; altText: string }) {
  return ctx.db.$transaction(async (tx) => {
    const { photo, space } = await findPhoto(ctx, tx, input.photoId);
    if (!canManage(ctx, space)) throw forbidden();
    const updated = await tx.spacePhoto.update({
      where: { tenantId_id: { tenantId: ctx.tenant.id, id: photo.id } },
      data: { altText: input.altText },
      select: META,
    });
    await audit(ctx, tx, 'spacePhoto.altTextChanged', photo.id, {
      spaceId: space.id,
      before: photo.altText,
      after: updated.altText,
    });
    return toPhotoOutput(updated);
  });
}

/** Moves a photo one place up or down (a no-op at either end); answers the new order. */
export async function movePhoto(ctx: Ctx, input: { photoId: string; direction: 'up' | 'down' }) {
  return ctx.db.$transaction(async (tx) => {
    const { photo, space } = await findPhoto(ctx, tx, input.photoId);
    if (!canManage(ctx, space)) throw forbidden();
    await lockSpace(ctx, tx, space.id);
    const photos = await ordered(ctx, tx, space.id);
    const index = photos.findIndex((p) => p.id === photo.id);
    const other = photos[input.direction === 'up' ? index - 1 : index + 1];
    if (index >= 0 && other) {
      // Positions are renumbered 0…n-1 with the two swapped (old rows may share or skip numbers).
      const next = photos.map((p) => p.id);
      next[index] = other.id;
      next[photos.indexOf(other)] = photo.id;
      for (const [position, id] of next.entries()) {
        await tx.spacePhoto.update({
          where: { tenantId_id: { tenantId: ctx.tenant.id, id } },
          data: { position },
          select: { id: true },
        });
      }
      await audit(ctx, tx, 'spacePhoto.moved', photo.id, {
        spaceId: space.id,
        direction: input.direction,
        order: next,
      });
    }
    const items = await ordered(ctx, tx, space.id);
    return { spaceId: space.id, canManage: true, maxPhotos: MAX_PHOTOS_PER_SPACE, items: items.map(toPhotoOutput) };
  });
}

export async function removePhoto(ctx: Ctx, input: { photoId: string }) {
  return ctx.db.$transaction(async (tx) => {
    const { photo, space } = await findPhoto(ctx, tx, input.photoId);
    if (!canManage(ctx, space)) throw forbidden();
    await tx.spacePhoto.delete({
      where: { tenantId_id: { tenantId: ctx.tenant.id, id: photo.id } },
      select: { id: true },
    });
    await audit(ctx, tx, 'spacePhoto.removed', photo.id, {
      spaceId: space.id,
      altText: photo.altText,
      byteSize: photo.byteSize,
    });
    return { id: photo.id, spaceId: space.id };
  });
}

const bytesOf = (variant: Variant) =>
  variant === 'thumb' ? ({ thumbnail: true } as const) : ({ image: true } as const);

function toImage(row: { sha256: string; image?: Uint8Array; thumbnail?: Uint8Array }, variant: Variant) {
  const bytes = Buffer.from((variant === 'thumb' ? row.thumbnail : row.image) ?? new Uint8Array());
  return {
    contentType: 'image/webp' as const,
    etag: etagOf(row.sha256, variant),
    byteSize: bytes.length,
    dataBase64: bytes.toString('base64'),
  };
}

/** The bytes of one photo (or its thumbnail) for whoever may read its space. */
export async function photoImage(ctx: Ctx, input: { photoId: string; variant: Variant }) {
  const { photo } = await findPhoto(ctx, ctx.db, input.photoId);
  const row = await ctx.db.spacePhoto.findFirst({
    where: { tenantId: ctx.tenant.id, id: photo.id },
    select: { sha256: true, ...bytesOf(input.variant) },
  });
  if (!row) throw notFound();
  return toImage(row, input.variant);
}

/**
 * The hub's public page: photos of its spaces — only while the hub is
 * public (its profile says so; resolveHub finds no other), and its photos
 * are served on the same condition (publicPhotoImage).
 */
export async function publicGallery(ctx: Context, input: { town: string; hub: string }) {
  const t = await resolveHub(ctx, input.town, input.hub);
  return inTown(t, async () => {
    // A hub has a handful of spaces, each at most MAX_PHOTOS_PER_SPACE photos.
    const spaces = await ctx.db.space.findMany({
      where: { tenantId: t.tenant.id, hubId: t.hub.id, archivedAt: null, photos: { some: {} } },
      select: {
        id: true,
        name: true,
        photos: { select: META, orderBy: [{ position: 'asc' }, { id: 'asc' }], take: MAX_PHOTOS_PER_SPACE },
      },
      orderBy: [{ name: 'asc' }],
      take: 100,
    });
    return {
      spaces: spaces.map((s) => ({
        spaceId: s.id,
        name: s.name,
        photos: s.photos.map((p) => ({
          id: p.id,
          altText: p.altText,
          width: p.width,
          height: p.height,
          thumbWidth: p.thumbWidth,
          thumbHeight: p.thumbHeight,
          etag: etagOf(p.sha256, 'full'),
        })),
      })),
    };
  });
}

/** One photo of a public hub's space (resolveHub finds public hubs only), for anyone; anything else is "not found". */
export async function publicPhotoImage(
  ctx: Context,
  input: { town: string; hub: string; photoId: string; variant: Variant },
) {
  const t = await resolveHub(ctx, input.town, input.hub);
  return inTown(t, async () => {
    const row = await ctx.db.spacePhoto.findFirst({
      where: { tenantId: t.tenant.id, id: input.photoId, space: { is: { hubId: t.hub.id, archivedAt: null } } },
      select: { sha256: true, ...bytesOf(input.variant) },
    });
    if (!row) throw notFound();
    return toImage(row, input.variant);
  });
}

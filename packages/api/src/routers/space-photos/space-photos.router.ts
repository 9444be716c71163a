import { z } from 'zod';
import { id, slug } from '../../schemas.ts';
import { publicProcedure, router, tenantProcedure } from '../../trpc.ts';
import {
  addPhotoInput,
  altText,
  imageOutput,
  photoListOutput,
  photoOutput,
  photoVariant,
  publicGalleryOutput,
} from './space-photos.schemas.ts';
import {
  addPhoto,
  listPhotos,
  movePhoto,
  photoImage,
  publicGallery,
  publicPhotoImage,
  removePhoto,
  updateAltText,
} from './space-photos.service.ts';
import {
  allow,
  everyone,
  foreignIds,
  hubConfigurers,
  noIds,
  townReaders,
  UPLOAD_MAX_BODY_BYTES,
} from '../../contracts.ts';

/** Photos of spaces (docs/decisions/019): managed by whoever may update the space, seen by whoever may read it. */
export const spacePhotosRouter = router({
  list: tenantProcedure
    .meta({
      // Photos of spaces (ADR 019): read with the space, managed by whoever configures it.
      access: allow(townReaders),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, spaceId: id }).strict())
    .output(photoListOutput)
    .query(({ ctx, input }) => listPhotos(ctx, input)),

  /** An upload (JPEG, PNG or WebP, at most 8 MB), re-encoded to WebP; the only procedure with a larger body limit (apps/api). */
  add: tenantProcedure
    .meta({
      access: allow(hubConfigurers),
      isolation: foreignIds(),
      maxBodyBytes: UPLOAD_MAX_BODY_BYTES,
    })
    .input(addPhotoInput)
    .output(photoOutput)
    .mutation(({ ctx, input }) => addPhoto(ctx, input)),

  updateAltText: tenantProcedure
    .meta({
      access: allow(hubConfigurers),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, photoId: id, altText }).strict())
    .output(photoOutput)
    .mutation(({ ctx, input }) => updateAltText(ctx, input)),

  move: tenantProcedure
    .meta({
      access: allow(hubConfigurers),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, photoId: id, direction: z.enum(['up', 'down']) }).strict())
    .output(photoListOutput)
    .mutation(({ ctx, input }) => movePhoto(ctx, input)),

  remove: tenantProcedure
    .meta({
      access: allow(hubConfigurers),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, photoId: id }).strict())
    .output(z.object({ id, spaceId: id }).strict())
    .mutation(({ ctx, input }) => removePhoto(ctx, input)),

  image: tenantProcedure
    .meta({
      access: allow(townReaders),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, photoId: id, variant: photoVariant.default('full') }).strict())
    .output(imageOutput)
    .query(({ ctx, input }) => photoImage(ctx, input)),

  /** The hub's public page: its spaces' photos, only while the hub is public. */
  publicGallery: publicProcedure
    .meta({
      // The public hub page: anyone, signed in or not (a hub that is not public shows none: a business answer).
      access: allow(everyone),
      isolation: noIds("public by design: a public hub's photos by town and hub slug"),
    })
    .input(z.object({ town: slug, hub: slug }).strict())
    .output(publicGalleryOutput)
    .query(({ ctx, input }) => publicGallery(ctx, input)),

  publicImage: publicProcedure
    .meta({
      access: allow(everyone),
      isolation: noIds(
        "public; another town's and a non-public hub's photo ids answer like missing ones: space-photos.integration.test.ts",
      ),
    })
    .input(z.object({ town: slug, hub: slug, photoId: id, variant: photoVariant.default('full') }).strict())
    .output(imageOutput)
    .query(({ ctx, input }) => publicPhotoImage(ctx, input)),
});

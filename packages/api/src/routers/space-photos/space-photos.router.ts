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

/** Photos of spaces (docs/decisions/019): managed by whoever may update the space, seen by whoever may read it. */
export const spacePhotosRouter = router({
  list: tenantProcedure
    .input(z.object({ tenant: slug, spaceId: id }).strict())
    .output(photoListOutput)
    .query(({ ctx, input }) => listPhotos(ctx, input)),

  /** An upload (JPEG, PNG or WebP, at most 8 MB), re-encoded to WebP; the only procedure with a larger body limit (apps/api). */
  add: tenantProcedure
    .input(addPhotoInput)
    .output(photoOutput)
    .mutation(({ ctx, input }) => addPhoto(ctx, input)),

  updateAltText: tenantProcedure
    .input(z.object({ tenant: slug, photoId: id, altText }).strict())
    .output(photoOutput)
    .mutation(({ ctx, input }) => updateAltText(ctx, input)),

  move: tenantProcedure
    .input(z.object({ tenant: slug, photoId: id, direction: z.enum(['up', 'down']) }).strict())
    .output(photoListOutput)
    .mutation(({ ctx, input }) => movePhoto(ctx, input)),

  remove: tenantProcedure
    .input(z.object({ tenant: slug, photoId: id }).strict())
    .output(z.object({ id, spaceId: id }).strict())
    .mutation(({ ctx, input }) => removePhoto(ctx, input)),

  image: tenantProcedure
    .input(z.object({ tenant: slug, photoId: id, variant: photoVariant.default('full') }).strict())
    .output(imageOutput)
    .query(({ ctx, input }) => photoImage(ctx, input)),

  /** The hub's public page: its spaces' photos, only while the hub is public. */
  publicGallery: publicProcedure
    .input(z.object({ town: slug, hub: slug }).strict())
    .output(publicGalleryOutput)
    .query(({ ctx, input }) => publicGallery(ctx, input)),

  publicImage: publicProcedure
    .input(z.object({ town: slug, hub: slug, photoId: id, variant: photoVariant.default('full') }).strict())
    .output(imageOutput)
    .query(({ ctx, input }) => publicPhotoImage(ctx, input)),
});

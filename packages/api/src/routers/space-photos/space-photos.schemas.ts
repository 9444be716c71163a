import { z } from 'zod';
import { id, slug, text } from '../../schemas.ts';
import { MAX_BASE64_LENGTH } from './photo-image.ts';

/** At most this many photos per space (a gallery, not an archive; bounds every list). */
export const MAX_PHOTOS_PER_SPACE = 8;

/** The screen-reader description: required, German, one or two sentences. */
export const altText = text(300).pipe(z.string().min(1, 'validation.photo.altRequired'));
export const photoVariant = z.enum(['full', 'thumb']);

export const photoOutput = z
  .object({
    id,
    spaceId: id,
    position: z.number().int(),
    altText: z.string(),
    contentType: z.literal('image/webp'),
    width: z.number().int(),
    height: z.number().int(),
    thumbWidth: z.number().int(),
    thumbHeight: z.number().int(),
    byteSize: z.number().int(),
    etag: z.string(),
    createdAt: z.iso.datetime(),
  })
  .strict();

export const photoListOutput = z
  .object({
    spaceId: id,
    canManage: z.boolean(),
    maxPhotos: z.number().int(),
    items: z.array(photoOutput),
  })
  .strict();

export const addPhotoInput = z
  .object({
    tenant: slug,
    spaceId: id,
    altText,
    /** The file's bytes, base64 (the admin app's upload form sends them on; docs/decisions/019). */
    imageBase64: z
      .string({ error: 'errors.photo.fileRequired' })
      .min(1, 'errors.photo.fileRequired')
      .max(MAX_BASE64_LENGTH, 'errors.photo.tooLarge')
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'errors.photo.unreadable'),
  })
  .strict();

export const imageOutput = z
  .object({
    contentType: z.literal('image/webp'),
    etag: z.string(),
    byteSize: z.number().int(),
    dataBase64: z.string(),
  })
  .strict();

export const publicGalleryOutput = z
  .object({
    spaces: z.array(
      z
        .object({
          spaceId: id,
          name: z.string(),
          photos: z.array(
            z
              .object({
                id,
                altText: z.string(),
                width: z.number().int(),
                height: z.number().int(),
                thumbWidth: z.number().int(),
                thumbHeight: z.number().int(),
                etag: z.string(),
              })
              .strict(),
          ),
        })
        .strict(),
    ),
  })
  .strict();

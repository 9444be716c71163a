import { createHash } from 'node:crypto';
import sharp, { type Metadata } from 'sharp';
import { DomainError } from '../../errors.ts';

/**
 * The one place where uploaded images are handled (docs/decisions/019).
 * An upload is untrusted bytes: its type is decided by its content (magic
 * bytes, then the decoder), never by a name or a header; it is decoded under
 * a pixel limit (a decompression bomb is refused before any pixel buffer is
 * allocated) and re-encoded to WebP. Nothing of the upload but its pixels
 * survives: EXIF (camera, GPS position, time), XMP, ICC and comments are
 * dropped, because sharp writes no metadata unless asked to.
 */
export const PHOTO_LIMITS = {
  /** Largest upload accepted (decoded bytes). */
  maxBytes: 8 * 1024 * 1024,
  /** Largest decoded image (width × height): 50 MP covers today's phone cameras (48 MP). */
  maxInputPixels: 50_000_000,
  /** The stored photo fits into this square (so it is at most this wide). */
  maxSide: 1600,
  thumbSide: 400,
  quality: 80,
  thumbQuality: 70,
  /** A decoder that runs longer than this is stopped (a crafted file). */
  timeoutSeconds: 20,
} as const;

/** Base64 characters that carry PHOTO_LIMITS.maxBytes (for the procedure's input limit). */
export const MAX_BASE64_LENGTH = Math.ceil(PHOTO_LIMITS.maxBytes / 3) * 4;

// Decoded pixels of untrusted input are not worth keeping in a process-wide cache.
sharp.cache(false);

export type PhotoFormat = 'jpeg' | 'png' | 'webp' | 'avif';

/** The format the bytes say they are, by their signature; null for anything else (GIF, SVG, HTML, PDF …). */
export function sniffFormat(bytes: Uint8Array): PhotoFormat | null {
  const starts = (sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
  if (starts([0xff, 0xd8, 0xff])) return 'jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  // RIFF....WEBP
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
  // ISO BMFF: ....ftypavif (a still image) or ....ftypavis (a sequence). HEIC (ftypheic) is not
  // decodable here — the HEVC codec is not part of sharp's build — and stays refused.
  if (
    starts([0x66, 0x74, 0x79, 0x70], 4) &&
    (starts([0x61, 0x76, 0x69, 0x66], 8) || starts([0x61, 0x76, 0x69, 0x73], 8))
  )
    return 'avif';
  return null;
}

/** Whether the decoder read the format the signature claimed (sharp names AVIF "heif" with AV1 compression). */
function decodedAs(declared: Metadata, format: PhotoFormat): boolean {
  return format === 'avif' ? declared.format === 'heif' && declared.compression === 'av1' : declared.format === format;
}

export interface ProcessedPhoto {
  image: Uint8Array<ArrayBuffer>;
  width: number;
  height: number;
  thumbnail: Uint8Array<ArrayBuffer>;
  thumbWidth: number;
  thumbHeight: number;
  sha256: string;
}

const photoError = (key: string) => new DomainError('BAD_REQUEST', key, { image: [key] });

/** sharp's errors are prose; the user gets a key naming what is wrong. */
function toPhotoError(error: unknown): DomainError {
  const message = error instanceof Error ? error.message : '';
  if (/pixel limit/i.test(message)) return photoError('errors.photo.tooManyPixels');
  return photoError('errors.photo.unreadable');
}

/**
 * Checks and re-encodes an upload. Throws a DomainError (field `image`) for
 * an empty, too large, unsupported, unreadable or too large-in-pixels file;
 * does not touch the database.
 */
export async function processPhoto(upload: Buffer): Promise<ProcessedPhoto> {
  if (upload.length === 0) throw photoError('errors.photo.fileRequired');
  if (upload.length > PHOTO_LIMITS.maxBytes) throw photoError('errors.photo.tooLarge');
  const format = sniffFormat(upload);
  if (!format) throw photoError('errors.photo.unsupportedType');
  const input = { limitInputPixels: PHOTO_LIMITS.maxInputPixels, sequentialRead: true } as const;
  let declared: Metadata;
  try {
    declared = await sharp(upload, input).metadata();
  } catch (error) {
    throw toPhotoError(error);
  }
  // A signature in front of something else (a PNG header on a GIF …) is not that format.
  if (!decodedAs(declared, format)) throw photoError('errors.photo.unsupportedType');
  // The header's dimensions, checked before decoding (sharp's own limit refuses again while decoding).
  if ((declared.width ?? 0) * (declared.height ?? 0) > PHOTO_LIMITS.maxInputPixels)
    throw photoError('errors.photo.tooManyPixels');
  try {
    const full = await sharp(upload, input)
      .timeout({ seconds: PHOTO_LIMITS.timeoutSeconds })
      // Turn the pixels as the camera's orientation tag says, before the tag is dropped with the rest.
      .rotate()
      .resize({ width: PHOTO_LIMITS.maxSide, height: PHOTO_LIMITS.maxSide, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: PHOTO_LIMITS.quality })
      .toBuffer({ resolveWithObject: true });
    const thumb = await sharp(full.data)
      .resize({
        width: PHOTO_LIMITS.thumbSide,
        height: PHOTO_LIMITS.thumbSide,
        fit: 'inside',
        withoutEnlargement: true,
      })
      .webp({ quality: PHOTO_LIMITS.thumbQuality })
      .toBuffer({ resolveWithObject: true });
    return {
      // Copies into plain ArrayBuffers (what Prisma's Bytes take); a photo is at most a few hundred KB.
      image: new Uint8Array(full.data),
      width: full.info.width,
      height: full.info.height,
      thumbnail: new Uint8Array(thumb.data),
      thumbWidth: thumb.info.width,
      thumbHeight: thumb.info.height,
      sha256: createHash('sha256').update(full.data).digest('hex'),
    };
  } catch (error) {
    throw toPhotoError(error);
  }
}

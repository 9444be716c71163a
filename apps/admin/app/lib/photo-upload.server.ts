import {
  MaxFileSizeExceededError,
  MultipartParseError,
  FormDataParseError,
  parseFormData,
} from '@remix-run/form-data-parser';

/**
 * The photo upload form (multipart/form-data), read with limits before
 * anything is buffered: one file of at most 8 MB, a handful of parts, a
 * small total. The bytes go on to the API unchanged (base64); the API
 * decides what they are (docs/decisions/019) — the file's name and
 * Content-Type are ignored on purpose.
 */
export const PHOTO_MAX_BYTES = 8 * 1024 * 1024;

export type PhotoUpload =
  | { ok: true; form: FormData; imageBase64: string }
  | { ok: false; form: FormData | null; errorKey: 'errors.photo.tooLarge' | 'errors.photo.unreadable' };

export async function readPhotoUpload(request: Request): Promise<PhotoUpload> {
  let file: Uint8Array | null = null;
  try {
    const form = await parseFormData(
      request,
      {
        maxFiles: 1,
        maxFileSize: PHOTO_MAX_BYTES,
        maxParts: 8,
        maxTotalSize: PHOTO_MAX_BYTES + 64 * 1024,
        maxHeaderSize: 8 * 1024,
      },
      async (upload) => {
        if (upload.fieldName === 'photo') file = new Uint8Array(await upload.arrayBuffer());
        // Nothing of the file is kept in the FormData itself.
        return null;
      },
    );
    return { ok: true, form, imageBase64: file ? Buffer.from(file).toString('base64') : '' };
  } catch (error) {
    if (error instanceof MaxFileSizeExceededError) return { ok: false, form: null, errorKey: 'errors.photo.tooLarge' };
    // Any other limit (parts, total size) or a malformed body: nothing usable arrived.
    if (error instanceof MultipartParseError || error instanceof FormDataParseError || error instanceof TypeError) {
      return {
        ok: false,
        form: null,
        errorKey: /size/i.test(error.name) ? 'errors.photo.tooLarge' : 'errors.photo.unreadable',
      };
    }
    throw error;
  }
}

import {
  FormDataParseError,
  MaxFileSizeExceededError,
  MultipartParseError,
  parseFormData,
} from '@remix-run/form-data-parser';

/**
 * A CSV upload form (multipart/form-data: one file in the field `file`, a
 * few text fields), read with limits before anything is buffered. The text
 * goes on to the API, which decides whether it is a valid file.
 */
export const CSV_MAX_BYTES = 8 * 1024 * 1024;

export type CsvUpload =
  | { ok: true; form: FormData; csv: string; fileName: string }
  | {
      ok: false;
      form: FormData | null;
      errorKey: 'errors.csv.tooLarge' | 'errors.csv.unreadable' | 'errors.csv.fileRequired';
    };

export async function readCsvUpload(request: Request): Promise<CsvUpload> {
  let file: { bytes: Uint8Array; name: string } | null = null;
  try {
    const form = await parseFormData(
      request,
      {
        maxFiles: 1,
        maxFileSize: CSV_MAX_BYTES,
        maxParts: 8,
        maxTotalSize: CSV_MAX_BYTES + 64 * 1024,
        maxHeaderSize: 8 * 1024,
      },
      async (upload) => {
        if (upload.fieldName === 'file')
          file = { bytes: new Uint8Array(await upload.arrayBuffer()), name: upload.name };
        return null;
      },
    );
    const chosen = file as { bytes: Uint8Array; name: string } | null;
    if (!chosen || chosen.bytes.length === 0) return { ok: false, form, errorKey: 'errors.csv.fileRequired' };
    let csv: string;
    try {
      csv = new TextDecoder('utf-8', { fatal: true }).decode(chosen.bytes);
    } catch {
      return { ok: false, form, errorKey: 'errors.csv.unreadable' };
    }
    return { ok: true, form, csv, fileName: chosen.name.slice(0, 200) };
  } catch (error) {
    if (error instanceof MaxFileSizeExceededError) return { ok: false, form: null, errorKey: 'errors.csv.tooLarge' };
    if (error instanceof MultipartParseError || error instanceof FormDataParseError || error instanceof TypeError)
      return {
        ok: false,
        form: null,
        errorKey: /size/i.test(error.name) ? 'errors.csv.tooLarge' : 'errors.csv.unreadable',
      };
    throw error;
  }
}

import { apiErrorInfo, handleApiError } from '~/lib/api.server.ts';

/** A refused upload, for the page to translate: the message (with its line, column or date) and the field keys. */
export interface UploadRefusal {
  messageKey: string;
  params: Record<string, string>;
  fieldKeys: string[];
}

/**
 * Runs an upload's API call. A refused file comes back as the API's message
 * with its values (which line, which columns), which the generic form
 * errors would drop; anything else is handled as everywhere.
 */
export async function uploadCall<T>(
  request: Request,
  call: () => Promise<T>,
): Promise<{ ok: true; data: T } | { ok: false; refusal: UploadRefusal }> {
  try {
    return { ok: true, data: await call() };
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.code === 'BAD_REQUEST')
      return {
        ok: false,
        refusal: {
          messageKey: info.messageKey ?? 'errors.invalidInput',
          params: info.params,
          fieldKeys: Object.values(info.fieldErrors).flat(),
        },
      };
    const form = await handleApiError(error, request);
    return {
      ok: false,
      refusal: {
        messageKey: form.formError ?? 'errors.generic',
        params: {},
        fieldKeys: Object.values(form.fieldErrors).flat(),
      },
    };
  }
}

import { TRPCClientError } from '@trpc/client';
import { handleApiError, type FormErrors } from './api.server.ts';

/**
 * Like `mutate`, but keeps the values the API's message interpolates
 * (`params`: the rule that was refused, how many dates collide), so the page
 * can show the full sentence instead of a placeholder.
 */
export async function mutateWithParams<T>(
  request: Request,
  call: () => Promise<T>,
): Promise<
  { ok: true; data: T } | ({ ok: false; messageKey: string | null; params: Record<string, string> } & FormErrors)
> {
  try {
    return { ok: true, data: await call() };
  } catch (error) {
    const data = (error instanceof TRPCClientError ? error.data : null) as {
      messageKey?: unknown;
      params?: unknown;
    } | null;
    const params: Record<string, string> = {};
    if (data && typeof data.params === 'object' && data.params !== null) {
      for (const [k, v] of Object.entries(data.params)) if (typeof v === 'string') params[k] = v;
    }
    const errors = await handleApiError(error, request);
    return { ok: false, messageKey: typeof data?.messageKey === 'string' ? data.messageKey : null, params, ...errors };
  }
}

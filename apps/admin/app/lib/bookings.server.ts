import { TRPCClientError } from '@trpc/client';
import { zonedToUtc } from '@hubwerk/domain';
import { DISPLAY_TIME_ZONE } from '~/i18n/index.ts';
import { handleApiError, type FormErrors } from './api.server.ts';
import type { Conflict } from './booking-format.ts';

/**
 * Like `mutate`, but keeps the colliding booking's time that the API sends
 * with `errors.booking.conflict`, so the page can say which booking is in
 * the way instead of a generic "try again".
 */
export async function mutateBooking<T>(
  request: Request,
  call: () => Promise<T>,
): Promise<{ ok: true; data: T } | ({ ok: false; conflict: Conflict | null } & FormErrors)> {
  try {
    return { ok: true, data: await call() };
  } catch (error) {
    const data: unknown = error instanceof TRPCClientError ? error.data : null;
    const params = (data as { params?: unknown } | null)?.params as Partial<Record<string, string>> | undefined;
    const conflict: Conflict | null =
      (data as { messageKey?: unknown } | null)?.messageKey === 'errors.booking.conflict' &&
      typeof params?.startsAt === 'string' &&
      typeof params.endsAt === 'string'
        ? {
            startsAt: params.startsAt,
            endsAt: params.endsAt,
            ...(typeof params.purpose === 'string' ? { purpose: params.purpose } : {}),
            ...(typeof params.suggestedStartsAt === 'string' && typeof params.suggestedEndsAt === 'string'
              ? { suggestion: { startsAt: params.suggestedStartsAt, endsAt: params.suggestedEndsAt } }
              : {}),
          }
        : null;
    const errors = await handleApiError(error, request);
    if (conflict) {
      const { startsAt: _drop, ...rest } = errors.fieldErrors;
      return { ok: false, conflict, formError: null, fieldErrors: rest };
    }
    return { ok: false, conflict: null, ...errors };
  }
}

/** A local date and HH:MM from a form → ISO instant, or '' if either is malformed (the API then names the field). */
export function toInstant(date: string, time: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return '';
  const [h, m] = time.split(':').map(Number) as [number, number];
  return zonedToUtc(date, h * 60 + m, DISPLAY_TIME_ZONE).toISOString();
}

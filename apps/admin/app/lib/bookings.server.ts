import { TRPCClientError } from '@trpc/client';
import { localParts, minutesToHhmm, zonedToUtc } from '@hubwerk/domain';
import { DISPLAY_TIME_ZONE, type Translator } from '~/i18n/index.ts';
import { handleApiError, type FormErrors } from './api.server.ts';
import type { SummaryItem } from './forms.ts';

/** The colliding booking the API names with a conflict (ISO instants). */
export interface Conflict {
  startsAt: string;
  endsAt: string;
}

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
    const params = (data as { params?: unknown } | null)?.params as Partial<Conflict> | undefined;
    const conflict =
      (data as { messageKey?: unknown } | null)?.messageKey === 'errors.booking.conflict' && typeof params?.startsAt === 'string' && typeof params.endsAt === 'string'
        ? { startsAt: params.startsAt, endsAt: params.endsAt }
        : null;
    const errors = await handleApiError(error, request);
    if (conflict) {
      const { startsAt: _drop, ...rest } = errors.fieldErrors;
      return { ok: false, conflict, formError: null, fieldErrors: rest };
    }
    return { ok: false, conflict: null, ...errors };
  }
}

/** "Mittwoch, 2. Dezember 2026, 10:00" – start of a booking, in the hub's time. */
export function formatWhen(tr: Translator, iso: string): string {
  return tr.formatDate(iso, 'dateTime');
}

/** HH:MM in the hub's time zone. */
export const hhmm = (iso: string) => minutesToHhmm(localParts(new Date(iso), DISPLAY_TIME_ZONE).minutes);
export const localDate = (iso: string) => localParts(new Date(iso), DISPLAY_TIME_ZONE).date;

/** A local date and HH:MM from a form → ISO instant, or '' if either is malformed (the API then names the field). */
export function toInstant(date: string, time: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return '';
  const [h, m] = time.split(':').map(Number) as [number, number];
  return zonedToUtc(date, h * 60 + m, DISPLAY_TIME_ZONE).toISOString();
}

/** The conflict as a sentence naming the other booking, for the summary and the start field. */
export function conflictItem(tr: Translator, conflict: Conflict, inputId: string): SummaryItem {
  const message = tr.t('errors.booking.conflict', { from: formatWhen(tr, conflict.startsAt), to: hhmm(conflict.endsAt) });
  return { href: `#${inputId}`, message };
}

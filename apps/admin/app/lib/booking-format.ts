import { localParts, minutesToHhmm } from '@hubwerk/domain';
import { DISPLAY_TIME_ZONE, type Translator } from '~/i18n/index.ts';
import type { SummaryItem } from './forms.ts';

/** The colliding booking the API names with a conflict (ISO instants). */
export interface Conflict {
  startsAt: string;
  endsAt: string;
}

/** "Mittwoch, 2. Dezember 2026, 10:00" – start of a booking, in the hub's time. */
export function formatWhen(tr: Translator, iso: string): string {
  return tr.formatDate(iso, 'dateTime');
}

/** HH:MM in the hub's time zone. */
export const hhmm = (iso: string) => minutesToHhmm(localParts(new Date(iso), DISPLAY_TIME_ZONE).minutes);
export const localDate = (iso: string) => localParts(new Date(iso), DISPLAY_TIME_ZONE).date;

/** The conflict as a sentence naming the other booking, for the summary and the start field. */
export function conflictItem(tr: Translator, conflict: Conflict, inputId: string): SummaryItem {
  const message = tr.t('errors.booking.conflict', { from: formatWhen(tr, conflict.startsAt), to: hhmm(conflict.endsAt) });
  return { href: `#${inputId}`, message };
}

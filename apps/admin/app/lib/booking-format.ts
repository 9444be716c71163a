import { localParts, minutesToHhmm } from '@hubwerk/domain';
import { DISPLAY_TIME_ZONE, type Translator } from '~/i18n/index.ts';
import type { SummaryItem } from './forms.ts';

/**
 * The colliding booking the API names with a conflict (ISO instants), its
 * purpose when the user may read that booking, and the next free slot of the
 * same length when there is one.
 */
export interface Conflict {
  startsAt: string;
  endsAt: string;
  purpose?: string | undefined;
  suggestion?: { startsAt: string; endsAt: string } | undefined;
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
  const when = { from: formatWhen(tr, conflict.startsAt), to: hhmm(conflict.endsAt) };
  let message = conflict.purpose
    ? tr.t('errors.booking.conflictNamed', { ...when, purpose: conflict.purpose })
    : tr.t('errors.booking.conflict', when);
  if (conflict.suggestion) message += ` ${suggestionText(tr, conflict.suggestion, 'errors.booking.suggestion')}`;
  return { href: `#${inputId}`, message };
}

/** "Mittwoch, 2. Dezember 2026, 12:30–13:30" for a suggested slot, in the message `key`. */
export function suggestionText(
  tr: Translator,
  slot: { startsAt: string; endsAt: string },
  key: 'errors.booking.suggestion' | 'errors.booking.bookSuggestion' | 'bookingChange.takeSuggestion',
): string {
  return tr.t(key, { date: tr.formatDate(slot.startsAt), from: hhmm(slot.startsAt), to: hhmm(slot.endsAt) });
}

/** The longest booking a free slot allows: its end, or start + the space's maximum length. */
export function clipToMax(startsAt: string, endsAt: string, maxMinutes: number): string {
  const limit = new Date(startsAt).getTime() + maxMinutes * 60_000;
  return new Date(Math.min(new Date(endsAt).getTime(), limit)).toISOString();
}

/**
 * For whom, for which organisation and by whom a booking was made, as the API
 * returns it ("für Mia Mitglied · Gründerzentrum · gebucht von Hanna Hub"):
 * the API leaves these empty for readers who may not see them. A booking of
 * the reader's own does not repeat the reader's name.
 */
export function whoText(
  tr: Translator,
  b: { mine: boolean; forName: string | null; organisationName: string | null; createdByName: string | null },
): string {
  return [
    !b.mine && b.forName ? tr.t('forWhom.forName', { name: b.forName }) : null,
    b.organisationName,
    b.createdByName ? tr.t('forWhom.bookedBy', { name: b.createdByName }) : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

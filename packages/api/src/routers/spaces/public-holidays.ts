import { getHolidays, type Region } from 'feiertagejs';

/**
 * Public holidays of a Bundesland, from feiertagejs (German holidays per
 * state, including moving feasts such as Buß- und Bettag and the state-only
 * ones such as Reformationstag or Frauentag). Keyed by the Bundesland code
 * the town carries ("03" = Niedersachsen, the first two digits of the AGS).
 */
const REGION_BY_BUNDESLAND: Record<string, Region> = {
  '01': 'SH',
  '02': 'HH',
  '03': 'NI',
  '04': 'HB',
  '05': 'NW',
  '06': 'HE',
  '07': 'RP',
  '08': 'BW',
  '09': 'BY',
  '10': 'SL',
  '11': 'BE',
  '12': 'BB',
  '13': 'MV',
  '14': 'SN',
  '15': 'ST',
  '16': 'TH',
};

export interface PublicHoliday {
  /** Local date YYYY-MM-DD. */
  date: string;
  /** German name ("Tag der Deutschen Einheit"). */
  name: string;
}

export function publicHolidays(bundesland: string, year: number): PublicHoliday[] {
  const region = REGION_BY_BUNDESLAND[bundesland];
  if (!region) return [];
  // dateString is the calendar date (YYYY-MM-DD), independent of the process' zone.
  return getHolidays(year, region)
    .map((h) => ({ date: h.dateString, name: h.translate('de') ?? h.name }))
    .sort((a, b) => a.date.localeCompare(b.date));
}

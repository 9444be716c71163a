/**
 * The grammar of a recurrence rule (RFC 5545 §3.3.10), checked before the
 * rrule library reads it: the library is lenient (it takes a repeated part's
 * last value, rolls 30 February over to March and ignores parts that do not
 * fit the frequency), a booking series must not be (docs/decisions/026).
 */
import { DomainError } from '../../errors.ts';

export const invalid = (rule: string, key = 'errors.series.invalidRule', params: Record<string, string> = {}) =>
  new DomainError('BAD_REQUEST', key, { rrule: [key] }, { rule: rule.slice(0, 200), ...params });

/** Parts of RFC 5545 a booking series does not take: the start comes from the booking, times of day from its start. */
const REFUSED = ['DTSTART', 'TZID', 'BYHOUR', 'BYMINUTE', 'BYSECOND'];
const KNOWN = [
  'FREQ',
  'UNTIL',
  'COUNT',
  'INTERVAL',
  'BYDAY',
  'BYMONTHDAY',
  'BYYEARDAY',
  'BYWEEKNO',
  'BYMONTH',
  'BYSETPOS',
  'WKST',
];
const FREQS = ['SECONDLY', 'MINUTELY', 'HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];
const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/** Signed whole numbers of a BYxxx list within ±1..max (RFC 5545 §3.3.10); unsigned parts allow 1..max only. */
function checkList(text: string, part: string, value: string, max: number, signed: boolean) {
  for (const item of value.split(',')) {
    const match = (signed ? /^[+-]?\d{1,3}$/ : /^\d{1,2}$/).exec(item);
    const n = match ? Math.abs(Number(item)) : NaN;
    if (!(n >= 1 && n <= max))
      throw invalid(text, 'errors.seriesRule.outOfRange', {
        part,
        value: item.slice(0, 20),
        min: signed ? `-${max}` : '1',
        max: String(max),
      });
  }
}

/** An UNTIL value: a date (YYYYMMDD) or a date-time, local or UTC ("Z"); impossible dates are refused, not rolled over. */
export interface Until {
  date: string;
  /** Seconds after midnight, or null for a date only (the whole day counts). */
  seconds: number | null;
  utc: boolean;
}
function parseUntil(text: string, value: string): Until {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(value);
  const refuse = () => invalid(text, 'errors.seriesRule.invalidUntil', { value: value.slice(0, 20) });
  if (!match) throw refuse();
  const [y, m, d, hh, mm, ss, z] = [
    Number(match[1]),
    Number(match[2]),
    Number(match[3]),
    match[4],
    match[5],
    match[6],
    match[7],
  ];
  const day = new Date(Date.UTC(y, m - 1, d));
  if (y < 1 || day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) throw refuse();
  if (hh === undefined) return { date: `${match[1]}-${match[2]}-${match[3]}`, seconds: null, utc: false };
  // 60 is a leap second (RFC 5545 §3.3.12); it bounds like the next second.
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 60) throw refuse();
  return {
    date: `${match[1]}-${match[2]}-${match[3]}`,
    seconds: Number(hh) * 3600 + Number(mm) * 60 + Number(ss),
    utc: z === 'Z',
  };
}

/** What RFC 5545 §3.3.10 forbids; returns the parsed UNTIL. */
export function checkGrammar(text: string, rule: string): { until: Until | null } {
  const seen = new Map<string, string>();
  for (const part of rule.split(';')) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).toUpperCase();
    const value = eq < 0 ? '' : part.slice(eq + 1).toUpperCase();
    if (REFUSED.includes(key)) throw invalid(text, 'errors.series.timeInRule');
    if (!KNOWN.includes(key) || value === '') throw invalid(text);
    if (seen.has(key)) throw invalid(text, 'errors.seriesRule.repeatedPart', { part: key });
    seen.set(key, value);
  }
  const freq = seen.get('FREQ');
  if (!freq || !FREQS.includes(freq)) throw invalid(text);
  const notWithFreq = (part: string) => invalid(text, 'errors.seriesRule.notWithFreq', { part, freq });
  if (seen.has('COUNT') && seen.has('UNTIL')) throw invalid(text, 'errors.seriesRule.countAndUntil');
  for (const key of ['COUNT', 'INTERVAL']) {
    const v = seen.get(key);
    if (v !== undefined && !/^\d{1,6}$/.test(v)) throw invalid(text);
  }
  const byDay = seen.get('BYDAY');
  if (byDay !== undefined) {
    for (const item of byDay.split(',')) {
      const match = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(item);
      if (!match) throw invalid(text);
      if (match[1] === undefined) continue;
      const n = Math.abs(Number(match[1]));
      // An ordinal day (1MO, -1FR) only counts within a month or a year.
      if ((freq !== 'MONTHLY' && freq !== 'YEARLY') || (freq === 'YEARLY' && seen.has('BYWEEKNO')))
        throw invalid(text, 'errors.seriesRule.ordinalDay', { freq });
      // Within a month (MONTHLY, or YEARLY with BYMONTH) there are at most five of a weekday.
      const max = freq === 'MONTHLY' || seen.has('BYMONTH') ? 5 : 53;
      if (!(n >= 1 && n <= max))
        throw invalid(text, 'errors.seriesRule.outOfRange', {
          part: 'BYDAY',
          value: item,
          min: `-${max}`,
          max: String(max),
        });
    }
  }
  const byMonthDay = seen.get('BYMONTHDAY');
  if (byMonthDay !== undefined) {
    if (freq === 'WEEKLY') throw notWithFreq('BYMONTHDAY');
    checkList(text, 'BYMONTHDAY', byMonthDay, 31, true);
  }
  const byYearDay = seen.get('BYYEARDAY');
  if (byYearDay !== undefined) {
    if (freq === 'DAILY' || freq === 'WEEKLY' || freq === 'MONTHLY') throw notWithFreq('BYYEARDAY');
    checkList(text, 'BYYEARDAY', byYearDay, 366, true);
  }
  const byWeekNo = seen.get('BYWEEKNO');
  if (byWeekNo !== undefined) {
    if (freq !== 'YEARLY') throw notWithFreq('BYWEEKNO');
    checkList(text, 'BYWEEKNO', byWeekNo, 53, true);
  }
  const byMonth = seen.get('BYMONTH');
  if (byMonth !== undefined) checkList(text, 'BYMONTH', byMonth, 12, false);
  const bySetPos = seen.get('BYSETPOS');
  if (bySetPos !== undefined) {
    if (![...seen.keys()].some((k) => k.startsWith('BY') && k !== 'BYSETPOS'))
      throw invalid(text, 'errors.seriesRule.setPosAlone');
    checkList(text, 'BYSETPOS', bySetPos, 366, true);
  }
  const wkst = seen.get('WKST');
  if (wkst !== undefined && !DAYS.includes(wkst)) throw invalid(text);
  const until = seen.get('UNTIL');
  return { until: until === undefined ? null : parseUntil(text, until) };
}

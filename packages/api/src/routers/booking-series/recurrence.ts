import { addDays, localParts, zonedToUtc } from '@hubwerk/domain';
import rrule from 'rrule';
import { DomainError } from '../../errors.ts';

const { RRule, Frequency } = rrule;

/**
 * Limits of one series (docs/decisions/013): at most this many occurrences,
 * none later than this many days after the first. Each occurrence must also
 * keep its space's own rules (how far ahead, opening hours …).
 */
export const MAX_OCCURRENCES = 200;
export const MAX_SERIES_DAYS = 730;

export interface Occurrence {
  /** Local date in the town's zone. */
  date: string;
  startsAt: Date;
  endsAt: Date;
}

const invalid = (rule: string, key = 'errors.series.invalidRule', params: Record<string, string> = {}) =>
  new DomainError('BAD_REQUEST', key, { rrule: [key] }, { rule: rule.slice(0, 200), ...params });

/** Parts of RFC 5545 a booking series does not take: the start comes from the booking, times of day from its start. */
const REFUSED = ['DTSTART', 'TZID', 'BYHOUR', 'BYMINUTE', 'BYSECOND'];
const KNOWN = ['FREQ', 'UNTIL', 'COUNT', 'INTERVAL', 'BYDAY', 'BYMONTHDAY', 'BYYEARDAY', 'BYWEEKNO', 'BYMONTH', 'BYSETPOS', 'WKST'];
const FREQS = ['SECONDLY', 'MINUTELY', 'HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];
const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/** Signed whole numbers of a BYxxx list within ±1..max (RFC 5545 §3.3.10); unsigned parts allow 1..max only. */
function checkList(text: string, part: string, value: string, max: number, signed: boolean) {
  for (const item of value.split(',')) {
    const match = (signed ? /^[+-]?\d{1,3}$/ : /^\d{1,2}$/).exec(item);
    const n = match ? Math.abs(Number(item)) : NaN;
    if (!(n >= 1 && n <= max)) throw invalid(text, 'errors.seriesRule.outOfRange', { part, value: item.slice(0, 20), min: signed ? `-${max}` : '1', max: String(max) });
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
  const [y, m, d, hh, mm, ss, z] = [Number(match[1]), Number(match[2]), Number(match[3]), match[4], match[5], match[6], match[7]];
  const day = new Date(Date.UTC(y, m - 1, d));
  if (y < 1 || day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) throw refuse();
  if (hh === undefined) return { date: `${match[1]}-${match[2]}-${match[3]}`, seconds: null, utc: false };
  // 60 is a leap second (RFC 5545 §3.3.12); it bounds like the next second.
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 60) throw refuse();
  return { date: `${match[1]}-${match[2]}-${match[3]}`, seconds: Number(hh) * 3600 + Number(mm) * 60 + Number(ss), utc: z === 'Z' };
}

/**
 * What RFC 5545 §3.3.10 forbids, checked before the library reads the rule
 * (it is lenient: it takes a repeated part's last value, rolls 30 February
 * over to March and ignores parts that do not fit the frequency).
 */
function checkGrammar(text: string, rule: string): { until: Until | null } {
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
      if ((freq !== 'MONTHLY' && freq !== 'YEARLY') || (freq === 'YEARLY' && seen.has('BYWEEKNO'))) throw invalid(text, 'errors.seriesRule.ordinalDay', { freq });
      // Within a month (MONTHLY, or YEARLY with BYMONTH) there are at most five of a weekday.
      const max = freq === 'MONTHLY' || seen.has('BYMONTH') ? 5 : 53;
      if (!(n >= 1 && n <= max)) throw invalid(text, 'errors.seriesRule.outOfRange', { part: 'BYDAY', value: item, min: `-${max}`, max: String(max) });
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
    if (![...seen.keys()].some((k) => k.startsWith('BY') && k !== 'BYSETPOS')) throw invalid(text, 'errors.seriesRule.setPosAlone');
    checkList(text, 'BYSETPOS', bySetPos, 366, true);
  }
  const wkst = seen.get('WKST');
  if (wkst !== undefined && !DAYS.includes(wkst)) throw invalid(text);
  const until = seen.get('UNTIL');
  return { until: until === undefined ? null : parseUntil(text, until) };
}

/**
 * Parses an RRULE ("FREQ=WEEKLY;BYDAY=TU;COUNT=10", with or without the
 * "RRULE:" prefix). A rule RFC 5545 does not allow, a frequency below a day,
 * times of day in the rule, or no end (COUNT or UNTIL) is refused with an
 * error that names the rule and the part at fault.
 */
export function parseRule(text: string) {
  const rule = text.trim().replace(/^RRULE:/i, '');
  if (!rule || rule.length > 300 || /[\r\n]/.test(rule)) throw invalid(text);
  const { until } = checkGrammar(text, rule);
  let options: ReturnType<typeof RRule.parseString>;
  try {
    options = RRule.parseString(rule);
  } catch {
    throw invalid(text);
  }
  // The library reads unknown values as undefined, NaN or leaves them strings ("BYDAY=XX", "COUNT=abc").
  for (const value of Object.values(options)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v === undefined || typeof v === 'string' || (typeof v === 'number' && !Number.isFinite(v)) || (v instanceof Date && Number.isNaN(v.getTime()))) throw invalid(text);
    }
  }
  if (options.freq === undefined || options.freq === null || !Object.values(Frequency).includes(options.freq)) throw invalid(text);
  if (options.freq > Frequency.DAILY) throw invalid(text, 'errors.series.tooFrequent');
  if (options.interval !== undefined && options.interval !== null && (!Number.isInteger(options.interval) || options.interval < 1)) throw invalid(text);
  if ((options.count === undefined || options.count === null) && !until) throw invalid(text, 'errors.series.unbounded');
  if (options.count !== undefined && options.count !== null && (!Number.isInteger(options.count) || options.count < 1)) throw invalid(text);
  return { rule, options, until };
}

/**
 * UNTIL on the town's wall clock, as a "floating" date the library compares
 * with its floating occurrences. A UTC value ("Z") is an instant (RFC 5545
 * §3.3.10: Google writes "until the end of 15 June" as 20270615T215959Z),
 * read on the town's clock; a local date-time is already wall-clock; a date
 * alone includes the whole day.
 */
function floatingUntil(until: Until, timeZone: string): Date {
  const [y, m, d] = until.date.split('-').map(Number) as [number, number, number];
  if (until.seconds === null) return new Date(Date.UTC(y, m - 1, d, 23, 59, 59));
  if (!until.utc) return new Date(Date.UTC(y, m - 1, d, 0, 0, until.seconds));
  const instant = new Date(Date.UTC(y, m - 1, d, 0, 0, until.seconds));
  const wall = localParts(instant, timeZone);
  const [wy, wm, wd] = wall.date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(wy, wm - 1, wd, 0, wall.minutes, instant.getUTCSeconds()));
}

/**
 * The occurrences of a series starting at `firstStartsAt`, each lasting
 * `durationMinutes`. The rule runs on the town's wall clock ("floating"
 * times, the rrule library's advice for zones): a weekly 10:00 stays 10:00
 * across the daylight-saving change, and each local date and time is then
 * turned into an instant in `timeZone`. The first occurrence is the start
 * itself, as RFC 5545 counts DTSTART (even if the rule would not produce it).
 */
export function expandSeries(input: { rrule: string; firstStartsAt: Date; durationMinutes: number; timeZone: string }): Occurrence[] {
  const { rule, options, until } = parseRule(input.rrule);
  const first = localParts(input.firstStartsAt, input.timeZone);
  const [y, m, d] = first.date.split('-').map(Number) as [number, number, number];
  const dtstart = new Date(Date.UTC(y, m - 1, d, Math.floor(first.minutes / 60), first.minutes % 60));
  const lastDate = addDays(first.date, MAX_SERIES_DAYS);
  const limit = new Date(`${lastDate}T23:59:59Z`);
  let beyond = false;
  let floating: Date[];
  try {
    floating = new RRule({ ...options, dtstart, tzid: null, ...(until ? { until: floatingUntil(until, input.timeZone) } : {}) }).all((date, i) => {
      if (date > limit) {
        beyond = true;
        return false;
      }
      return i < MAX_OCCURRENCES + 1;
    });
  } catch {
    throw invalid(rule);
  }
  if (beyond) throw invalid(rule, 'errors.series.tooLong', { days: String(MAX_SERIES_DAYS) });
  if (floating.length > MAX_OCCURRENCES) throw invalid(rule, 'errors.series.tooMany', { max: String(MAX_OCCURRENCES) });
  if (floating.length === 0 || floating[0]!.getTime() !== dtstart.getTime()) {
    floating.unshift(dtstart);
    // COUNT includes DTSTART (RFC 5545 §3.3.10).
    if (options.count) floating.splice(options.count);
  }
  if (floating.length > MAX_OCCURRENCES) throw invalid(rule, 'errors.series.tooMany', { max: String(MAX_OCCURRENCES) });
  return floating.map((f) => {
    const date = f.toISOString().slice(0, 10);
    const startsAt = zonedToUtc(date, f.getUTCHours() * 60 + f.getUTCMinutes(), input.timeZone);
    return { date, startsAt, endsAt: new Date(startsAt.getTime() + input.durationMinutes * 60_000) };
  });
}

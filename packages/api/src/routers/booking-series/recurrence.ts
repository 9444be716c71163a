import { addDays, localParts, zonedToUtc } from '@hubwerk/domain';
import rrule from 'rrule';
import { checkGrammar, invalid, type Until } from './rrule-grammar.ts';

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
      if (
        v === undefined ||
        typeof v === 'string' ||
        (typeof v === 'number' && !Number.isFinite(v)) ||
        (v instanceof Date && Number.isNaN(v.getTime()))
      )
        throw invalid(text);
    }
  }
  if (options.freq === undefined || options.freq === null || !Object.values(Frequency).includes(options.freq))
    throw invalid(text);
  if (options.freq > Frequency.DAILY) throw invalid(text, 'errors.series.tooFrequent');
  if (
    options.interval !== undefined &&
    options.interval !== null &&
    (!Number.isInteger(options.interval) || options.interval < 1)
  )
    throw invalid(text);
  if ((options.count === undefined || options.count === null) && !until) throw invalid(text, 'errors.series.unbounded');
  if (options.count !== undefined && options.count !== null && (!Number.isInteger(options.count) || options.count < 1))
    throw invalid(text);
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
export function expandSeries(input: {
  rrule: string;
  firstStartsAt: Date;
  durationMinutes: number;
  timeZone: string;
}): Occurrence[] {
  const { rule, options, until } = parseRule(input.rrule);
  const first = localParts(input.firstStartsAt, input.timeZone);
  const [y, m, d] = first.date.split('-').map(Number) as [number, number, number];
  const dtstart = new Date(Date.UTC(y, m - 1, d, Math.floor(first.minutes / 60), first.minutes % 60));
  const lastDate = addDays(first.date, MAX_SERIES_DAYS);
  const limit = new Date(`${lastDate}T23:59:59Z`);
  let beyond = false;
  let floating: Date[];
  try {
    floating = new RRule({
      ...options,
      dtstart,
      tzid: null,
      ...(until ? { until: floatingUntil(until, input.timeZone) } : {}),
    }).all((date, i) => {
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

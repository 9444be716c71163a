/**
 * Wall-clock arithmetic in a town's time zone (Europe/Berlin) with the
 * platform's Intl data only: opening hours are local times, bookings are
 * instants, and daylight-saving days have 23 or 25 hours.
 */

export interface LocalParts {
  /** ISO calendar date, YYYY-MM-DD, in the zone. */
  date: string;
  /** 1 = Monday … 7 = Sunday (ISO). */
  weekday: number;
  /** Minutes after local midnight. */
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function partsFromIntl(instant: Date, timeZone: string) {
  const out: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) out[p.type] = p.value;
  return {
    year: Number(out.year),
    month: Number(out.month),
    day: Number(out.day),
    hour: Number(out.hour),
    minute: Number(out.minute),
    second: Number(out.second),
  };
}

// Zone offsets by quarter hour: formatToParts is the slow part of every
// booking check (measured ~5 % of a booking's Node time), and zones change
// their offset only on quarter hours (every rule in use since 1970).
const QUARTER_HOUR = 15 * 60_000;
const offsets = new Map<string, number>();

/** Offset of the zone from UTC at `instant`, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const quarter = Math.floor(instant / QUARTER_HOUR) * QUARTER_HOUR;
  const key = `${timeZone} ${quarter}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const p = partsFromIntl(new Date(quarter), timeZone);
    offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - quarter;
    if (offsets.size >= 50_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

function parts(instant: Date, timeZone: string) {
  // The zone's wall clock, read with UTC getters.
  const wall = new Date(Math.floor(instant.getTime() / 1000) * 1000 + offsetAt(instant.getTime(), timeZone));
  const day = wall.getUTCDay();
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
    weekday: day === 0 ? 7 : day,
  };
}

export function localParts(instant: Date, timeZone: string): LocalParts {
  const p = parts(instant, timeZone);
  return { date: `${p.year}-${pad(p.month)}-${pad(p.day)}`, weekday: p.weekday, minutes: p.hour * 60 + p.minute };
}

/**
 * The instant at which the zone's clock shows `date` + `minutes`, as RFC 5545
 * §3.3.5 reads a local time: a time that occurs twice (02:30 on the last
 * Sunday of October) is the first of the two instants; a time skipped by the
 * spring change (02:30 on the last Sunday of March) is read with the offset
 * before the gap, i.e. it moves forward by the gap (03:30 summer time).
 */
export function zonedToUtc(date: string, minutes: number, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, 0, minutes);
  // Offsets a day either side: no zone changes its offset twice within two days.
  const before = offsetAt(wall - DAY, timeZone);
  const after = offsetAt(wall + DAY, timeZone);
  let earliest: number | null = null;
  for (const offset of before === after ? [before] : [before, after]) {
    const instant = wall - offset;
    if (offsetAt(instant, timeZone) === offset && (earliest === null || instant < earliest)) earliest = instant;
  }
  return new Date(earliest ?? wall - before);
}

const DAY = 86_400_000;

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** ISO weekday of a calendar date (no zone involved). */
export function weekdayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The n-th workday (Monday–Friday) after `date`: n = 1 is the next one. Public holidays are the hub's business (opening exceptions), not counted here. */
export function nthWorkday(date: string, n: number): string {
  let day = date;
  for (let found = 0; found < n;) {
    day = addDays(day, 1);
    if (weekdayOf(day) <= 5) found++;
  }
  return day;
}

/** The Monday of the week containing `date`. */
export function mondayOf(date: string): string {
  return addDays(date, 1 - weekdayOf(date));
}

const pad = (n: number) => String(n).padStart(2, '0');

export const minutesToHhmm = (minutes: number) => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
export function hhmmToMinutes(value: string): number {
  const [h, m] = value.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

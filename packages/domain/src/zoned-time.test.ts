import { describe, expect, it } from 'vitest';
import { addDays, localParts, mondayOf, nthWorkday, weekdayOf, zonedToUtc } from './zoned-time.ts';

const TZ = 'Europe/Berlin';
const iso = (date: string, minutes: number) => zonedToUtc(date, minutes, TZ).toISOString();

describe('wall-clock time in Europe/Berlin', () => {
  it('maps local times to instants in winter and in summer', () => {
    expect(iso('2026-12-01', 8 * 60)).toBe('2026-12-01T07:00:00.000Z');
    expect(iso('2026-07-01', 8 * 60)).toBe('2026-07-01T06:00:00.000Z');
    expect(iso('2026-12-01', 24 * 60)).toBe('2026-12-01T23:00:00.000Z');
  });

  it('handles the daylight-saving days: 23 and 25 hours, the gap and the repeated hour', () => {
    const day = (date: string) =>
      (zonedToUtc(addDays(date, 1), 0, TZ).getTime() - zonedToUtc(date, 0, TZ).getTime()) / 3_600_000;
    expect(day('2026-03-29')).toBe(23);
    expect(day('2026-10-25')).toBe(25);
    expect(iso('2026-03-29', 8 * 60)).toBe('2026-03-29T06:00:00.000Z');
    expect(iso('2026-10-25', 8 * 60)).toBe('2026-10-25T07:00:00.000Z');
    // 02:30 does not exist on 29 March: it moves forward by the hour skipped.
    expect(iso('2026-03-29', 150)).toBe('2026-03-29T01:30:00.000Z');
    expect(localParts(new Date('2026-03-29T01:30:00Z'), TZ)).toEqual({ date: '2026-03-29', weekday: 7, minutes: 210 });
    // 02:30 happens twice on 25 October: the first one, still summer time (RFC 5545 §3.3.5).
    expect(iso('2026-10-25', 150)).toBe('2026-10-25T00:30:00.000Z');
    expect(iso('2026-10-25', 120)).toBe('2026-10-25T00:00:00.000Z');
    expect(iso('2026-10-25', 179)).toBe('2026-10-25T00:59:00.000Z');
    // 03:00 exists once (winter time), 01:59 once (summer time).
    expect(iso('2026-10-25', 180)).toBe('2026-10-25T02:00:00.000Z');
    expect(iso('2026-10-25', 119)).toBe('2026-10-24T23:59:00.000Z');
    // The skipped hour is read with the offset before the gap: 02:00 → 03:00 CEST, 02:59 → 03:59 CEST.
    expect(iso('2026-03-29', 120)).toBe('2026-03-29T01:00:00.000Z');
    expect(iso('2026-03-29', 179)).toBe('2026-03-29T01:59:00.000Z');
    expect(iso('2026-03-29', 180)).toBe('2026-03-29T01:00:00.000Z');
  });

  it('reads local date, ISO weekday and minutes of an instant', () => {
    // 23:30 UTC on 31 March is already 1 April, 01:30, in Germany.
    expect(localParts(new Date('2026-03-31T23:30:00Z'), TZ)).toEqual({ date: '2026-04-01', weekday: 3, minutes: 90 });
  });

  it('does calendar arithmetic across month and year ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(weekdayOf('2026-11-29')).toBe(7);
    expect(mondayOf('2026-11-29')).toBe('2026-11-23');
    expect(mondayOf('2026-11-23')).toBe('2026-11-23');
  });
});

/** The zone's offset in minutes at `t`, straight from Intl (the reference the cache must agree with). */
function intlReader(timeZone: string) {
  const intl = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  const read = (t: number) => {
    const p = Object.fromEntries(intl.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
    return { date: `${p.year}-${p.month}-${p.day}`, minutes: Number(p.hour) * 60 + Number(p.minute) };
  };
  const offset = (t: number) => {
    const r = read(t);
    const [y, m, d] = r.date.split('-').map(Number) as [number, number, number];
    return Date.UTC(y, m - 1, d, 0, r.minutes) - Math.floor(t / 60_000) * 60_000;
  };
  return { read, offset };
}

/**
 * Every instant at which the zone's offset changes between `from` and `to`,
 * found by weekly steps (no zone changes twice within a week) and bisection
 * to the second.
 */
function transitions(offset: (t: number) => number, from: number, to: number): number[] {
  const found: number[] = [];
  const WEEK = 7 * DAY;
  let before = offset(from);
  for (let week = from; week < to; week += WEEK) {
    const after = offset(week + WEEK);
    if (after !== before) {
      let [lo, hi] = [week, week + WEEK];
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (offset(mid) === before) lo = mid;
        else hi = mid;
      }
      found.push(hi);
    }
    before = after;
  }
  return found;
}

const DAY = 86_400_000;
const ZONES = ['Europe/Berlin', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/St_Johns'];

describe('localParts from cached quarter-hour offsets', () => {
  // Where a cached offset could go wrong is next to a change of offset: every
  // change of 2020–2037 is checked at every quarter hour of the two hours
  // around it and one second either side of each, plus odd instants spread
  // over the years (≈ 4,000 Intl reads per zone instead of 146,000).
  it.each(ZONES)(
    'agrees with Intl around every change of offset and at spread instants, 2020–2037, in %s',
    (timeZone) => {
      const { read, offset } = intlReader(timeZone);
      const from = Date.UTC(2020, 0, 1);
      const to = Date.UTC(2038, 0, 1);
      const changes = transitions(offset, from, to);
      if (timeZone !== 'Asia/Kolkata') expect(changes.length).toBeGreaterThanOrEqual(34);
      const instants: number[] = [];
      for (const change of changes) {
        for (let q = -4; q <= 4; q += 1)
          instants.push(change + q * 15 * 60_000 - 1000, change + q * 15 * 60_000, change + q * 15 * 60_000 + 1000);
      }
      // Odd steps (7 d 3 h 7 min 13 s): every weekday, hour and quarter hour over the years.
      for (let t = from; t < to; t += 7 * DAY + 3 * 3_600_000 + 433_000) instants.push(t);
      const mismatches = instants.filter((t) => {
        const got = localParts(new Date(t), timeZone);
        const expected = read(t);
        return got.date !== expected.date || got.minutes !== expected.minutes;
      });
      expect(mismatches.map((t) => new Date(t).toISOString())).toEqual([]);
    },
  );

  it.each(ZONES)(
    'maps every local time around every change of 2020–2037 back to an instant showing it (or the gap rule) in %s',
    (timeZone) => {
      const { offset } = intlReader(timeZone);
      for (const change of transitions(offset, Date.UTC(2020, 0, 1), Date.UTC(2038, 0, 1))) {
        const gap = offset(change) - offset(change - 1000);
        const local = localParts(new Date(change - 1000), timeZone);
        for (let step = -8; step <= 8; step += 1) {
          const minutes = local.minutes + 1 + step * 15;
          if (minutes < 0 || minutes >= 24 * 60) continue;
          const instant = zonedToUtc(local.date, minutes, timeZone).getTime();
          const shown = localParts(new Date(instant), timeZone);
          const inGap = gap > 0 && minutes >= local.minutes + 1 && minutes < local.minutes + 1 + gap / 60_000;
          if (inGap) {
            // Read with the offset before the gap (RFC 5545 §3.3.5).
            const [y, m, d] = local.date.split('-').map(Number) as [number, number, number];
            expect(instant).toBe(Date.UTC(y, m - 1, d, 0, minutes) - offset(change - 1000));
          } else {
            expect(shown).toMatchObject({ date: local.date, minutes });
            // A repeated time is the first instant: one offset earlier, the clock did not show it yet.
            if (gap < 0)
              expect(
                localParts(new Date(instant + gap), timeZone).minutes === minutes &&
                  localParts(new Date(instant + gap), timeZone).date === local.date,
              ).toBe(false);
          }
        }
      }
    },
  );
});

describe('nthWorkday', () => {
  it('counts Monday to Friday only, from the day after', () => {
    expect(nthWorkday('2026-11-27', 1)).toBe('2026-11-30'); // Friday → Monday
    expect(nthWorkday('2026-11-28', 1)).toBe('2026-11-30'); // Saturday → Monday
    expect(nthWorkday('2026-11-30', 5)).toBe('2026-12-07');
    expect(nthWorkday('2026-11-30', 0)).toBe('2026-11-30');
  });
});

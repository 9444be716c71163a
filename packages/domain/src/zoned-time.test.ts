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
    const day = (date: string) => (zonedToUtc(addDays(date, 1), 0, TZ).getTime() - zonedToUtc(date, 0, TZ).getTime()) / 3_600_000;
    expect(day('2026-03-29')).toBe(23);
    expect(day('2026-10-25')).toBe(25);
    expect(iso('2026-03-29', 8 * 60)).toBe('2026-03-29T06:00:00.000Z');
    expect(iso('2026-10-25', 8 * 60)).toBe('2026-10-25T07:00:00.000Z');
    // 02:30 does not exist on 29 March: it moves forward by the hour skipped.
    expect(iso('2026-03-29', 150)).toBe('2026-03-29T01:30:00.000Z');
    expect(localParts(new Date('2026-03-29T01:30:00Z'), TZ)).toEqual({ date: '2026-03-29', weekday: 7, minutes: 210 });
    // 02:30 happens twice on 25 October: the later one.
    expect(iso('2026-10-25', 150)).toBe('2026-10-25T01:30:00.000Z');
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

describe('localParts from cached quarter-hour offsets', () => {
  it.each(['Europe/Berlin', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/St_Johns'])('agrees with Intl at every step of 2026 and 2027 in %s', (timeZone) => {
    const intl = new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    const start = Date.UTC(2026, 0, 1);
    const mismatches: string[] = [];
    // Every 7 minutes 13 seconds for two years: every quarter hour's offset, both DST changes, odd seconds.
    for (let t = start; t < Date.UTC(2028, 0, 1); t += 433_000) {
      const p = Object.fromEntries(intl.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
      const expected = { date: `${p.year}-${p.month}-${p.day}`, minutes: Number(p.hour) * 60 + Number(p.minute) };
      const got = localParts(new Date(t), timeZone);
      if (got.date !== expected.date || got.minutes !== expected.minutes) mismatches.push(new Date(t).toISOString());
    }
    expect(mismatches).toEqual([]);
  });
});

describe('nthWorkday', () => {
  it('counts Monday to Friday only, from the day after', () => {
    expect(nthWorkday('2026-11-27', 1)).toBe('2026-11-30'); // Friday → Monday
    expect(nthWorkday('2026-11-28', 1)).toBe('2026-11-30'); // Saturday → Monday
    expect(nthWorkday('2026-11-30', 5)).toBe('2026-12-07');
    expect(nthWorkday('2026-11-30', 0)).toBe('2026-11-30');
  });
});

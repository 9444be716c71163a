import { localParts, zonedToUtc } from '@hubwerk/domain';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../errors.ts';
import { expandSeries, MAX_OCCURRENCES } from './recurrence.ts';

const TZ = 'Europe/Berlin';
const local = (d: Date) => localParts(d, TZ);
const expand = (rrule: string, date: string, startMinutes = 600, duration = 60) =>
  expandSeries({ rrule, firstStartsAt: zonedToUtc(date, startMinutes, TZ), durationMinutes: duration, timeZone: TZ });

function refusal(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return { key: error.messageKey, fields: error.fieldErrors, params: error.params };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('series expansion in Europe/Berlin', () => {
  it('keeps a weekly 10:00 at 10:00 across the spring change (last Sunday of March)', () => {
    // 2027-03-28 is the last Sunday of March: clocks go from 02:00 to 03:00.
    const occ = expand('FREQ=WEEKLY;COUNT=3', '2027-03-22');
    expect(occ.map((o) => o.date)).toEqual(['2027-03-22', '2027-03-29', '2027-04-05']);
    expect(occ.map((o) => local(o.startsAt).minutes)).toEqual([600, 600, 600]);
    expect(occ.map((o) => o.startsAt.toISOString())).toEqual(['2027-03-22T09:00:00.000Z', '2027-03-29T08:00:00.000Z', '2027-04-05T08:00:00.000Z']);
    expect(occ.map((o) => o.endsAt.getTime() - o.startsAt.getTime())).toEqual([3_600_000, 3_600_000, 3_600_000]);
  });

  it('keeps a weekly 10:00 at 10:00 across the autumn change (last Sunday of October)', () => {
    // 2027-10-31 is the last Sunday of October: clocks go from 03:00 back to 02:00.
    const occ = expand('FREQ=WEEKLY;BYDAY=FR;COUNT=2', '2027-10-29');
    expect(occ.map((o) => o.startsAt.toISOString())).toEqual(['2027-10-29T08:00:00.000Z', '2027-11-05T09:00:00.000Z']);
    expect(occ.map((o) => local(o.startsAt).minutes)).toEqual([600, 600]);
  });

  it('lands a daily rule on the change day itself at the same wall-clock time', () => {
    const occ = expand('FREQ=DAILY;COUNT=3', '2027-10-30', 9 * 60);
    expect(occ.map((o) => `${local(o.startsAt).date} ${local(o.startsAt).minutes}`)).toEqual(['2027-10-30 540', '2027-10-31 540', '2027-11-01 540']);
    expect(occ[1]!.startsAt.toISOString()).toBe('2027-10-31T08:00:00.000Z');
  });

  it('skips months without a 31st for BYMONTHDAY=31 (RFC 5545), never moving to the 30th', () => {
    const occ = expand('FREQ=MONTHLY;BYMONTHDAY=31;COUNT=4', '2027-01-31');
    expect(occ.map((o) => o.date)).toEqual(['2027-01-31', '2027-03-31', '2027-05-31', '2027-07-31']);
  });

  it('takes the last day of each month with BYMONTHDAY=-1', () => {
    const occ = expand('FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3', '2027-01-31');
    expect(occ.map((o) => o.date)).toEqual(['2027-01-31', '2027-02-28', '2027-03-31']);
  });

  it('counts the first booking as the first occurrence even where the rule would not produce it', () => {
    // Monday start, rule on Tuesdays: Monday + 2 Tuesdays = COUNT 3.
    const occ = expand('RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=3', '2027-02-01');
    expect(occ.map((o) => o.date)).toEqual(['2027-02-01', '2027-02-02', '2027-02-09']);
  });

  it('ends with UNTIL, read on the local wall clock', () => {
    const occ = expand('FREQ=WEEKLY;UNTIL=20270215T235959', '2027-02-01');
    expect(occ.map((o) => o.date)).toEqual(['2027-02-01', '2027-02-08', '2027-02-15']);
  });
});

describe('refused rules name the rule', () => {
  it.each([
    ['FREQ=FOO;COUNT=2', 'errors.series.invalidRule'],
    ['BLAH', 'errors.series.invalidRule'],
    ['FREQ=WEEKLY;BYDAY=XX;COUNT=2', 'errors.series.invalidRule'],
    ['FREQ=WEEKLY;COUNT=abc', 'errors.series.invalidRule'],
    ['FREQ=WEEKLY;COUNT=0', 'errors.series.invalidRule'],
    ['FREQ=HOURLY;COUNT=3', 'errors.series.tooFrequent'],
    ['FREQ=WEEKLY;BYHOUR=9;COUNT=3', 'errors.series.timeInRule'],
    ['DTSTART:20270101T100000\nRRULE:FREQ=WEEKLY;COUNT=3', 'errors.series.invalidRule'],
    ['FREQ=WEEKLY', 'errors.series.unbounded'],
    [`FREQ=DAILY;COUNT=${MAX_OCCURRENCES + 1}`, 'errors.series.tooMany'],
    ['FREQ=YEARLY;COUNT=5', 'errors.series.tooLong'],
  ])('%s → %s', (rule, key) => {
    const refused = refusal(() => expand(rule, '2027-02-01'));
    expect(refused.key).toBe(key);
    expect(refused.fields).toEqual({ rrule: [key] });
    expect(refused.params?.rule).toBe(rule.slice(0, 200));
  });

  it(`accepts exactly ${MAX_OCCURRENCES} occurrences`, () => {
    expect(expand(`FREQ=DAILY;COUNT=${MAX_OCCURRENCES}`, '2027-02-01')).toHaveLength(MAX_OCCURRENCES);
  });
});

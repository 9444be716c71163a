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
    expect(occ.map((o) => o.startsAt.toISOString())).toEqual([
      '2027-03-22T09:00:00.000Z',
      '2027-03-29T08:00:00.000Z',
      '2027-04-05T08:00:00.000Z',
    ]);
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
    expect(occ.map((o) => `${local(o.startsAt).date} ${local(o.startsAt).minutes}`)).toEqual([
      '2027-10-30 540',
      '2027-10-31 540',
      '2027-11-01 540',
    ]);
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

  it('ends with a local UNTIL (no "Z") on the town\'s wall clock, and with a date-only UNTIL at the end of that day', () => {
    expect(expand('FREQ=WEEKLY;UNTIL=20270215T235959', '2027-02-01').map((o) => o.date)).toEqual([
      '2027-02-01',
      '2027-02-08',
      '2027-02-15',
    ]);
    expect(expand('FREQ=WEEKLY;UNTIL=20270215T095959', '2027-02-01').map((o) => o.date)).toEqual([
      '2027-02-01',
      '2027-02-08',
    ]);
    expect(expand('FREQ=WEEKLY;UNTIL=20270215', '2027-02-01', 23 * 60 + 30).map((o) => o.date)).toEqual([
      '2027-02-01',
      '2027-02-08',
      '2027-02-15',
    ]);
  });

  it('reads UNTIL with "Z" as UTC (RFC 5545 §3.3.10), not as the town\'s wall clock', () => {
    // 09:00 UTC is 10:00 in Berlin in winter: the 10:00 occurrence of that day is the last one.
    expect(expand('FREQ=WEEKLY;UNTIL=20270215T090000Z', '2027-02-01').map((o) => o.date)).toEqual([
      '2027-02-01',
      '2027-02-08',
      '2027-02-15',
    ]);
    expect(expand('FREQ=WEEKLY;UNTIL=20270215T085959Z', '2027-02-01').map((o) => o.date)).toEqual([
      '2027-02-01',
      '2027-02-08',
    ]);
    // Google's "until the end of the day": 21:59:59Z is 23:59:59 in Berlin in summer, 22:59:59 in winter.
    expect(expand('FREQ=WEEKLY;UNTIL=20270614T215959Z', '2027-05-31', 23 * 60 + 30).map((o) => o.date)).toEqual([
      '2027-05-31',
      '2027-06-07',
      '2027-06-14',
    ]);
    expect(expand('FREQ=DAILY;UNTIL=20270215T215959Z', '2027-02-13', 22 * 60 + 30).map((o) => o.date)).toEqual([
      '2027-02-13',
      '2027-02-14',
      '2027-02-15',
    ]);
    // An end in UTC that is already the next day in Berlin includes that day's early occurrence.
    expect(expand('FREQ=DAILY;UNTIL=20270614T223000Z', '2027-06-13', 30).map((o) => o.date)).toEqual([
      '2027-06-13',
      '2027-06-14',
      '2027-06-15',
    ]);
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
    // What RFC 5545 §3.3.10 forbids.
    ['FREQ=WEEKLY;COUNT=3;UNTIL=20270301T000000Z', 'errors.seriesRule.countAndUntil'],
    ['FREQ=WEEKLY;COUNT=3;COUNT=4', 'errors.seriesRule.repeatedPart'],
    ['FREQ=WEEKLY;FREQ=DAILY;COUNT=3', 'errors.seriesRule.repeatedPart'],
    ['FREQ=MONTHLY;BYMONTHDAY=0;COUNT=3', 'errors.seriesRule.outOfRange'],
    ['FREQ=MONTHLY;BYMONTHDAY=32;COUNT=3', 'errors.seriesRule.outOfRange'],
    ['FREQ=MONTHLY;BYMONTHDAY=-32;COUNT=3', 'errors.seriesRule.outOfRange'],
    ['FREQ=MONTHLY;BYMONTH=13;COUNT=3', 'errors.seriesRule.outOfRange'],
    ['FREQ=MONTHLY;BYMONTH=0;COUNT=3', 'errors.seriesRule.outOfRange'],
    ['FREQ=YEARLY;BYWEEKNO=60;COUNT=3', 'errors.seriesRule.outOfRange'],
    ['FREQ=YEARLY;BYYEARDAY=367;COUNT=3', 'errors.seriesRule.outOfRange'],
    ['FREQ=MONTHLY;BYDAY=6MO;COUNT=3', 'errors.seriesRule.outOfRange'],
    ['FREQ=WEEKLY;BYDAY=1MO;COUNT=3', 'errors.seriesRule.ordinalDay'],
    ['FREQ=DAILY;BYDAY=-1FR;COUNT=3', 'errors.seriesRule.ordinalDay'],
    ['FREQ=YEARLY;BYWEEKNO=20;BYDAY=1MO;COUNT=3', 'errors.seriesRule.ordinalDay'],
    ['FREQ=WEEKLY;BYMONTHDAY=1;COUNT=3', 'errors.seriesRule.notWithFreq'],
    ['FREQ=MONTHLY;BYWEEKNO=20;COUNT=3', 'errors.seriesRule.notWithFreq'],
    ['FREQ=WEEKLY;BYWEEKNO=20;COUNT=3', 'errors.seriesRule.notWithFreq'],
    ['FREQ=MONTHLY;BYYEARDAY=100;COUNT=3', 'errors.seriesRule.notWithFreq'],
    ['FREQ=MONTHLY;BYSETPOS=1;COUNT=3', 'errors.seriesRule.setPosAlone'],
    ['FREQ=WEEKLY;UNTIL=20270230', 'errors.seriesRule.invalidUntil'],
    ['FREQ=WEEKLY;UNTIL=20270230T100000Z', 'errors.seriesRule.invalidUntil'],
    ['FREQ=WEEKLY;UNTIL=20270215T250000Z', 'errors.seriesRule.invalidUntil'],
    ['FREQ=WEEKLY;UNTIL=2027-02-15', 'errors.seriesRule.invalidUntil'],
    ['FREQ=WEEKLY;UNTIL=00000101', 'errors.seriesRule.invalidUntil'],
    ['FREQ=WEEKLY;WKST=XX;COUNT=3', 'errors.series.invalidRule'],
    ['FREQ=WEEKLY;X-NAME=1;COUNT=3', 'errors.series.invalidRule'],
    ['FREQ=WEEKLY;COUNT=', 'errors.series.invalidRule'],
    ['FREQ=WEEKLY;INTERVAL=-1;COUNT=3', 'errors.series.invalidRule'],
  ])('%s → %s', (rule, key) => {
    const refused = refusal(() => expand(rule, '2027-02-01'));
    expect(refused.key).toBe(key);
    expect(refused.fields).toEqual({ rrule: [key] });
    expect(refused.params?.rule).toBe(rule.slice(0, 200));
  });

  it('names the part and the value at fault, for the message', () => {
    expect(refusal(() => expand('FREQ=MONTHLY;BYMONTHDAY=1,32;COUNT=3', '2027-02-01')).params).toEqual({
      rule: 'FREQ=MONTHLY;BYMONTHDAY=1,32;COUNT=3',
      part: 'BYMONTHDAY',
      value: '32',
      min: '-31',
      max: '31',
    });
    expect(refusal(() => expand('FREQ=WEEKLY;BYMONTHDAY=1;COUNT=3', '2027-02-01')).params).toMatchObject({
      part: 'BYMONTHDAY',
      freq: 'WEEKLY',
    });
    expect(refusal(() => expand('FREQ=WEEKLY;BYDAY=MO;byday=TU;COUNT=3', '2027-02-01')).params).toMatchObject({
      part: 'BYDAY',
    });
    expect(refusal(() => expand('FREQ=WEEKLY;UNTIL=20270230', '2027-02-01')).params).toMatchObject({
      value: '20270230',
    });
    expect(refusal(() => expand('FREQ=MONTHLY;BYDAY=-6FR;COUNT=3', '2027-02-01')).params).toMatchObject({
      part: 'BYDAY',
      value: '-6FR',
      min: '-5',
      max: '5',
    });
    expect(refusal(() => expand('FREQ=YEARLY;BYDAY=54MO;COUNT=3', '2027-02-01')).params).toMatchObject({
      part: 'BYDAY',
      value: '54MO',
      min: '-53',
      max: '53',
    });
  });

  it(`accepts exactly ${MAX_OCCURRENCES} occurrences`, () => {
    expect(expand(`FREQ=DAILY;COUNT=${MAX_OCCURRENCES}`, '2027-02-01')).toHaveLength(MAX_OCCURRENCES);
  });
});

/**
 * The recurrence examples of RFC 5545 §3.8.5.3 with their published
 * occurrences. The RFC starts them at 09:00 America/New_York; a town's
 * series runs in Europe/Berlin, so each is translated faithfully to 09:00 on
 * the same date in Berlin (the published dates do not change: every UNTIL of
 * these examples is midnight UTC, which is 01:00 or 02:00 in Berlin, after
 * the day's 09:00 in both zones), and every occurrence must be at 09:00 local.
 */
describe('RFC 5545 §3.8.5.3 examples (DTSTART translated to 09:00 Europe/Berlin)', () => {
  const dates = (list: string) => list.split(' ').map((d) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`);
  const range = (year: number, month: number, days: number[]) =>
    days.map((d) => `${year}${String(month).padStart(2, '0')}${String(d).padStart(2, '0')}`).join(' ');
  const fromTo = (a: number, b: number, step = 1) =>
    Array.from({ length: Math.floor((b - a) / step) + 1 }, (_, i) => a + i * step);

  it.each([
    ['Daily for 10 occurrences', '19970902', 'FREQ=DAILY;COUNT=10', range(1997, 9, fromTo(2, 11))],
    [
      'Daily until December 24, 1997',
      '19970902',
      'FREQ=DAILY;UNTIL=19971224T000000Z',
      [
        range(1997, 9, fromTo(2, 30)),
        range(1997, 10, fromTo(1, 31)),
        range(1997, 11, fromTo(1, 30)),
        range(1997, 12, fromTo(1, 23)),
      ].join(' '),
    ],
    [
      'Every 10 days, 5 occurrences',
      '19970902',
      'FREQ=DAILY;INTERVAL=10;COUNT=5',
      '19970902 19970912 19970922 19971002 19971012',
    ],
    [
      'Weekly for 10 occurrences',
      '19970902',
      'FREQ=WEEKLY;COUNT=10',
      '19970902 19970909 19970916 19970923 19970930 19971007 19971014 19971021 19971028 19971104',
    ],
    [
      'Weekly until December 24, 1997',
      '19970902',
      'FREQ=WEEKLY;UNTIL=19971224T000000Z',
      '19970902 19970909 19970916 19970923 19970930 19971007 19971014 19971021 19971028 19971104 19971111 19971118 19971125 19971202 19971209 19971216 19971223',
    ],
    [
      'Weekly on Tuesday and Thursday for five weeks (UNTIL)',
      '19970902',
      'FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH',
      '19970902 19970904 19970909 19970911 19970916 19970918 19970923 19970925 19970930 19971002',
    ],
    [
      'Weekly on Tuesday and Thursday for five weeks (COUNT)',
      '19970902',
      'FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH',
      '19970902 19970904 19970909 19970911 19970916 19970918 19970923 19970925 19970930 19971002',
    ],
    [
      'Every other week on Monday, Wednesday and Friday until December 24, 1997',
      '19970901',
      'FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR',
      '19970901 19970903 19970905 19970915 19970917 19970919 19970929 19971001 19971003 19971013 19971015 19971017 19971027 19971029 19971031 19971110 19971112 19971114 19971124 19971126 19971128 19971208 19971210 19971212 19971222',
    ],
    [
      'Every other week on Tuesday and Thursday, for 8 occurrences',
      '19970902',
      'FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH',
      '19970902 19970904 19970916 19970918 19970930 19971002 19971014 19971016',
    ],
    [
      'Monthly on the first Friday for 10 occurrences',
      '19970905',
      'FREQ=MONTHLY;COUNT=10;BYDAY=1FR',
      '19970905 19971003 19971107 19971205 19980102 19980206 19980306 19980403 19980501 19980605',
    ],
    [
      'Monthly on the first Friday until December 24, 1997',
      '19970905',
      'FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR',
      '19970905 19971003 19971107 19971205',
    ],
    [
      'Every other month on the first and last Sunday of the month for 10 occurrences',
      '19970907',
      'FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU',
      '19970907 19970928 19971102 19971130 19980104 19980125 19980301 19980329 19980503 19980531',
    ],
    [
      'Monthly on the second-to-last Monday of the month for 6 months',
      '19970922',
      'FREQ=MONTHLY;COUNT=6;BYDAY=-2MO',
      '19970922 19971020 19971117 19971222 19980119 19980216',
    ],
    [
      'Monthly on the 2nd and 15th of the month for 10 occurrences',
      '19970902',
      'FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15',
      '19970902 19970915 19971002 19971015 19971102 19971115 19971202 19971215 19980102 19980115',
    ],
    [
      'Monthly on the first and last day of the month for 10 occurrences',
      '19970930',
      'FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1',
      '19970930 19971001 19971031 19971101 19971130 19971201 19971231 19980101 19980131 19980201',
    ],
    [
      'Every 18 months on the 10th thru 15th of the month for 10 occurrences',
      '19970910',
      'FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,13,14,15',
      '19970910 19970911 19970912 19970913 19970914 19970915 19990310 19990311 19990312 19990313',
    ],
    [
      'The third instance into the month of one of Tuesday, Wednesday, or Thursday, for the next 3 months',
      '19970904',
      'FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3',
      '19970904 19971007 19971106',
    ],
    [
      'WKST=MO: a change in the week start changes the result',
      '19970805',
      'FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO',
      '19970805 19970810 19970819 19970824',
    ],
    [
      'WKST=SU: a change in the week start changes the result',
      '19970805',
      'FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU',
      '19970805 19970817 19970819 19970831',
    ],
    [
      'An invalid date (February 30) is ignored',
      '20070115',
      'FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5',
      '20070115 20070130 20070215 20070315 20070330',
    ],
  ])('%s: %s %s', (_name, start, rule, published) => {
    const [first] = dates(start);
    const occ = expand(rule, first!, 9 * 60);
    expect(occ.map((o) => o.date)).toEqual(dates(published));
    expect(new Set(occ.map((o) => `${local(o.startsAt).date === o.date} ${local(o.startsAt).minutes}`))).toEqual(
      new Set(['true 540']),
    );
  });

  // Examples that run "forever" (refused here: a series needs an end) or
  // beyond a series' two years: cut with COUNT to the first dates the RFC
  // publishes for them, so the same expansion is checked.
  it.each([
    [
      'Every other day (forever), first 16',
      '19970902',
      'FREQ=DAILY;INTERVAL=2;COUNT=16',
      `${range(1997, 9, fromTo(2, 30, 2))} 19971002`,
    ],
    [
      'Monthly on the third-to-the-last day of the month (forever), first 6',
      '19970928',
      'FREQ=MONTHLY;BYMONTHDAY=-3;COUNT=6',
      '19970928 19971029 19971128 19971229 19980129 19980226',
    ],
    [
      'Every Tuesday, every other month (forever), first 18',
      '19970902',
      'FREQ=MONTHLY;INTERVAL=2;BYDAY=TU;COUNT=18',
      '19970902 19970909 19970916 19970923 19970930 19971104 19971111 19971118 19971125 19980106 19980113 19980120 19980127 19980303 19980310 19980317 19980324 19980331',
    ],
    [
      'Yearly in June and July (10 occurrences), first 4',
      '19970610',
      'FREQ=YEARLY;COUNT=4;BYMONTH=6,7',
      '19970610 19970710 19980610 19980710',
    ],
    [
      'Every 20th Monday of the year (forever), first 2',
      '19970519',
      'FREQ=YEARLY;BYDAY=20MO;COUNT=2',
      '19970519 19980518',
    ],
    [
      'Monday of week number 20 (forever), first 2',
      '19970512',
      'FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO;COUNT=2',
      '19970512 19980511',
    ],
    [
      'Every Thursday in March (forever), first 4',
      '19970313',
      'FREQ=YEARLY;BYMONTH=3;BYDAY=TH;COUNT=4',
      '19970313 19970320 19970327 19980305',
    ],
    [
      'Every Thursday, but only during June, July, and August (forever), first 13',
      '19970605',
      'FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8;COUNT=13',
      '19970605 19970612 19970619 19970626 19970703 19970710 19970717 19970724 19970731 19970807 19970814 19970821 19970828',
    ],
    [
      'The first Saturday that follows the first Sunday of the month (forever), first 10',
      '19970913',
      'FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13;COUNT=10',
      '19970913 19971011 19971108 19971213 19980110 19980207 19980307 19980411 19980509 19980613',
    ],
    [
      'The second-to-last weekday of the month (forever), first 7',
      '19970929',
      'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2;COUNT=7',
      '19970929 19971030 19971127 19971230 19980129 19980226 19980330',
    ],
  ])('%s: %s %s', (_name, start, rule, published) => {
    const occ = expand(rule, dates(start)[0]!, 9 * 60);
    expect(occ.map((o) => o.date)).toEqual(dates(published));
    expect(new Set(occ.map((o) => local(o.startsAt).minutes))).toEqual(new Set([540]));
  });

  it.each([
    ['Every other day - forever', 'FREQ=DAILY;INTERVAL=2', 'errors.series.unbounded'],
    [
      'Every day in January, for 3 years',
      'FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA',
      'errors.series.tooLong',
    ],
    ['Yearly in June and July for 10 occurrences', 'FREQ=YEARLY;COUNT=10;BYMONTH=6,7', 'errors.series.tooLong'],
    [
      'Every 3 hours from 9:00 AM to 5:00 PM on a specific day',
      'FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z',
      'errors.series.tooFrequent',
    ],
    [
      'Every 20 minutes from 9:00 AM to 4:40 PM every day',
      'FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40',
      'errors.series.timeInRule',
    ],
  ])('refuses what a booking series cannot be: %s', (_name, rule, key) => {
    expect(refusal(() => expand(rule, '1997-09-02', 9 * 60)).key).toBe(key);
  });
});

import { describe, expect, it } from 'vitest';
import { composeRecurrence, DEFAULT_RECURRENCE, type RecurrenceFields } from './recurrence.ts';

const fields = (overrides: Partial<RecurrenceFields>): RecurrenceFields => ({ ...DEFAULT_RECURRENCE, ...overrides });

describe('composing the RRULE from the picker', () => {
  it('daily, for N times', () => {
    expect(composeRecurrence(fields({ repeat: 'daily', ends: 'count', count: '4' }), '2027-03-01')).toEqual({
      ok: true,
      rrule: 'FREQ=DAILY;COUNT=4',
      firstDate: '2027-03-01',
      dates: ['2027-03-01', '2027-03-02', '2027-03-03', '2027-03-04'],
    });
  });

  it('weekly on chosen weekdays, starting on the first chosen weekday on or after the first date', () => {
    // 2027-03-03 is a Wednesday: the series starts on Thursday.
    const composed = composeRecurrence(
      fields({ repeat: 'weekly', weekdays: ['TH', 'TU'], ends: 'count', count: '4' }),
      '2027-03-03',
    );
    expect(composed).toEqual({
      ok: true,
      rrule: 'FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4',
      firstDate: '2027-03-04',
      dates: ['2027-03-04', '2027-03-09', '2027-03-11', '2027-03-16'],
    });
  });

  it('every N weeks (interval)', () => {
    const composed = composeRecurrence(
      fields({ repeat: 'weekly', interval: '2', weekdays: ['TU'], ends: 'count', count: '3' }),
      '2027-03-02',
    );
    expect(composed).toMatchObject({
      rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=3',
      dates: ['2027-03-02', '2027-03-16', '2027-03-30'],
    });
  });

  it('monthly on a day of the month, until a date (the whole day, as a date without time)', () => {
    const composed = composeRecurrence(
      fields({ repeat: 'monthly', monthlyBy: 'day', monthDay: '15', ends: 'until', until: '2027-06-15' }),
      '2027-03-01',
    );
    expect(composed).toEqual({
      ok: true,
      rrule: 'FREQ=MONTHLY;BYMONTHDAY=15;UNTIL=20270615',
      firstDate: '2027-03-15',
      dates: ['2027-03-15', '2027-04-15', '2027-05-15', '2027-06-15'],
    });
  });

  it('monthly on the nth weekday ("am 2. Dienstag") and on the last one', () => {
    expect(
      composeRecurrence(
        fields({
          repeat: 'monthly',
          monthlyBy: 'weekday',
          monthNth: '2',
          monthWeekday: 'TU',
          ends: 'count',
          count: '3',
        }),
        '2027-03-01',
      ),
    ).toMatchObject({ rrule: 'FREQ=MONTHLY;BYDAY=+2TU;COUNT=3', dates: ['2027-03-09', '2027-04-13', '2027-05-11'] });
    expect(
      composeRecurrence(
        fields({
          repeat: 'monthly',
          interval: '3',
          monthlyBy: 'weekday',
          monthNth: '-1',
          monthWeekday: 'FR',
          ends: 'count',
          count: '2',
        }),
        '2027-01-01',
      ),
    ).toMatchObject({ rrule: 'FREQ=MONTHLY;INTERVAL=3;BYDAY=-1FR;COUNT=2', dates: ['2027-01-29', '2027-04-30'] });
  });

  it('until vs count: the same Tuesdays either way', () => {
    const byCount = composeRecurrence(fields({ weekdays: ['TU'], ends: 'count', count: '5' }), '2027-03-02');
    const byUntil = composeRecurrence(fields({ weekdays: ['TU'], ends: 'until', until: '2027-03-30' }), '2027-03-02');
    expect(byCount).toMatchObject({ rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=5' });
    expect(byUntil).toMatchObject({ rrule: 'FREQ=WEEKLY;BYDAY=TU;UNTIL=20270330' });
    expect(byUntil.ok && byCount.ok && byUntil.dates).toEqual(byCount.ok ? byCount.dates : null);
  });

  it('composes without a first date (the API then names the missing date), and passes a raw rule through', () => {
    expect(composeRecurrence(fields({ repeat: 'daily', count: '2' }), null)).toEqual({
      ok: true,
      rrule: 'FREQ=DAILY;COUNT=2',
      firstDate: null,
      dates: [],
    });
    expect(composeRecurrence(fields({ repeat: 'custom', rrule: 'FREQ=WEEKLY;COUNT=3' }), '2027-03-03')).toEqual({
      ok: true,
      rrule: 'FREQ=WEEKLY;COUNT=3',
      firstDate: '2027-03-03',
      dates: [],
    });
  });

  it('names the picker field at fault', () => {
    const errorsOf = (overrides: Partial<RecurrenceFields>, first: string | null = '2027-03-01') => {
      const composed = composeRecurrence(fields(overrides), first);
      return composed.ok ? null : composed.fieldErrors;
    };
    expect(errorsOf({ repeat: 'weekly', weekdays: [] })).toEqual({ weekdays: ['validation.seriesPicker.weekdays'] });
    expect(errorsOf({ repeat: 'weekly', weekdays: ['XX'] })).toEqual({
      weekdays: ['validation.seriesPicker.weekdays'],
    });
    expect(errorsOf({ repeat: 'daily', interval: '0' })).toEqual({ interval: ['validation.seriesPicker.interval'] });
    expect(errorsOf({ repeat: 'daily', interval: '1.5' })).toEqual({ interval: ['validation.seriesPicker.interval'] });
    expect(errorsOf({ repeat: 'monthly', monthlyBy: 'day', monthDay: '32' })).toEqual({
      monthDay: ['validation.seriesPicker.monthDay'],
    });
    expect(errorsOf({ repeat: 'monthly', monthlyBy: 'weekday', monthNth: '5', monthWeekday: 'TU' })).toEqual({
      monthNth: ['validation.invalid'],
    });
    expect(errorsOf({ repeat: 'daily', ends: 'count', count: '201' })).toEqual({
      count: ['validation.seriesPicker.count'],
    });
    expect(errorsOf({ repeat: 'daily', ends: 'until', until: '2027-02-30' })).toEqual({
      until: ['validation.seriesPicker.until'],
    });
    expect(errorsOf({ repeat: 'daily', ends: 'until', until: '2027-02-01' })).toEqual({
      until: ['validation.seriesPicker.untilBeforeFirst'],
    });
    // The only Tuesday on or after the first date lies beyond the end.
    expect(errorsOf({ repeat: 'weekly', weekdays: ['TU'], ends: 'until', until: '2027-03-01' })).toEqual({
      until: ['validation.seriesPicker.noDate'],
    });
    expect(errorsOf({ repeat: 'daily', ends: 'until', until: '2027-12-31' })).toEqual({
      until: ['validation.seriesPicker.tooMany'],
    });
    expect(errorsOf({ repeat: 'custom', rrule: '' })).toEqual({ rrule: ['validation.required'] });
    expect(errorsOf({ repeat: 'hourly' })).toMatchObject({ repeat: ['validation.invalid'] });
  });
});

import * as rruleModule from 'rrule';

// rrule ships CommonJS to Node (its exports under `default`) and ES modules to the browser bundle.
const { RRule } =
  'RRule' in rruleModule ? rruleModule : (rruleModule as unknown as { default: typeof rruleModule }).default;
type Options = ConstructorParameters<typeof RRule>[0];

/**
 * The recurrence picker of the series form: plain form fields (they post
 * without JavaScript) from which the admin server composes the RRULE the API
 * expands. The same code runs in the browser for the live summary.
 */
export const REPEATS = ['daily', 'weekly', 'monthly', 'custom'] as const;
export type Repeat = (typeof REPEATS)[number];
/** RFC 5545 weekday codes, Monday first: index + 1 is the ISO weekday. */
export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type WeekdayCode = (typeof WEEKDAYS)[number];
/** Which weekday of the month: 1st to 4th, or the last (-1). */
export const NTHS = ['1', '2', '3', '4', '-1'] as const;
export const MONTHLY_BY = ['day', 'weekday'] as const;
export const ENDS = ['until', 'count'] as const;
/** Mirrors the API's MAX_OCCURRENCES (docs/decisions/013). */
export const MAX_OCCURRENCES = 200;
export const MAX_INTERVAL = 99;

export interface RecurrenceFields {
  repeat: string;
  interval: string;
  weekdays: string[];
  monthlyBy: string;
  monthDay: string;
  monthNth: string;
  monthWeekday: string;
  ends: string;
  until: string;
  count: string;
  /** The raw rule, for "Erweitert". */
  rrule: string;
}

export const RECURRENCE_FIELD_NAMES = [
  'repeat',
  'interval',
  'monthlyBy',
  'monthDay',
  'monthNth',
  'monthWeekday',
  'ends',
  'until',
  'count',
  'rrule',
] as const;

export const DEFAULT_RECURRENCE: RecurrenceFields = {
  repeat: 'weekly',
  interval: '1',
  weekdays: [],
  monthlyBy: 'day',
  monthDay: '',
  monthNth: '1',
  monthWeekday: 'MO',
  ends: 'count',
  until: '',
  count: '4',
  rrule: '',
};

/** The picker's fields from a posted form (or the live form in the browser). */
export function recurrenceFieldsOf(form: FormData): RecurrenceFields {
  const value = (name: string) => {
    const v = form.get(name);
    return typeof v === 'string' ? v.trim() : '';
  };
  return {
    repeat: value('repeat') || DEFAULT_RECURRENCE.repeat,
    interval: value('interval'),
    weekdays: form.getAll('weekdays').filter((v): v is string => typeof v === 'string'),
    monthlyBy: value('monthlyBy') || DEFAULT_RECURRENCE.monthlyBy,
    monthDay: value('monthDay'),
    monthNth: value('monthNth'),
    monthWeekday: value('monthWeekday'),
    ends: value('ends') || DEFAULT_RECURRENCE.ends,
    until: value('until'),
    count: value('count'),
    rrule: value('rrule'),
  };
}

export type Composed =
  | {
      ok: true;
      rrule: string;
      /** The first date the rule yields on or after the chosen one (null: no date chosen, or a raw rule). */
      firstDate: string | null;
      /** Every date of the series (empty for a raw rule or without a first date). */
      dates: string[];
    }
  | { ok: false; fieldErrors: Record<string, string[]>; params: Record<string, string> };

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A real calendar date (2027-02-30 is not rolled over to March). */
const isDate = (value: string) => {
  const date = new Date(`${value}T00:00:00Z`);
  return ISO_DATE.test(value) && !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
};
const wholeNumber = (value: string, min: number, max: number) => {
  if (!/^-?\d{1,3}$/.test(value)) return null;
  const n = Number(value);
  return n >= min && n <= max ? n : null;
};
/** A local date as the "floating" time the library computes with (its advice for zones; see the API's recurrence.ts). */
const floating = (date: string, seconds = 0) => new Date(Date.parse(`${date}T00:00:00Z`) + seconds * 1000);

/**
 * The RRULE for the picker's fields, the first date the rule yields on or
 * after `firstDate` (the API counts its start as the first occurrence, so the
 * series starts on a date the rule yields: "weekly on Tuesday" from a
 * Wednesday starts the Tuesday after), and every date. A field the rule
 * cannot be made from is named with a validation key.
 */
export function composeRecurrence(fields: RecurrenceFields, firstDate: string | null): Composed {
  const errors: Record<string, string[]> = {};
  const params: Record<string, string> = {};
  const fail = (field: string, key: string) => (errors[field] = [key]);
  if (!(REPEATS as readonly string[]).includes(fields.repeat)) fail('repeat', 'validation.invalid');
  if (fields.repeat === 'custom') {
    if (!fields.rrule) return { ok: false, fieldErrors: { rrule: ['validation.required'] }, params };
    return { ok: true, rrule: fields.rrule, firstDate, dates: [] };
  }
  const interval = wholeNumber(fields.interval || '1', 1, MAX_INTERVAL);
  if (interval === null) {
    fail('interval', 'validation.seriesPicker.interval');
    params.maxInterval = String(MAX_INTERVAL);
  }
  const options: Partial<Options> = {
    freq: fields.repeat === 'daily' ? RRule.DAILY : fields.repeat === 'weekly' ? RRule.WEEKLY : RRule.MONTHLY,
    ...(interval !== null && interval > 1 ? { interval } : {}),
  };
  if (fields.repeat === 'weekly') {
    const days = WEEKDAYS.filter((code) => fields.weekdays.includes(code));
    if (days.length === 0 || days.length !== new Set(fields.weekdays).size)
      fail('weekdays', 'validation.seriesPicker.weekdays');
    options.byweekday = days.map((code) => RRule[code]);
  } else if (fields.repeat === 'monthly') {
    if (fields.monthlyBy === 'day') {
      const day = wholeNumber(fields.monthDay, 1, 31);
      if (day === null) fail('monthDay', 'validation.seriesPicker.monthDay');
      else options.bymonthday = [day];
    } else if (fields.monthlyBy === 'weekday') {
      const nth = (NTHS as readonly string[]).includes(fields.monthNth) ? Number(fields.monthNth) : null;
      const weekday = WEEKDAYS.find((code) => code === fields.monthWeekday);
      if (nth === null) fail('monthNth', 'validation.invalid');
      if (!weekday) fail('monthWeekday', 'validation.invalid');
      if (nth !== null && weekday) options.byweekday = [RRule[weekday].nth(nth)];
    } else fail('monthlyBy', 'validation.invalid');
  }
  let until: string | null = null;
  if (fields.ends === 'count') {
    const count = wholeNumber(fields.count, 1, MAX_OCCURRENCES);
    if (count === null) {
      fail('count', 'validation.seriesPicker.count');
      params.max = String(MAX_OCCURRENCES);
    } else options.count = count;
  } else if (fields.ends === 'until') {
    if (!isDate(fields.until)) fail('until', 'validation.seriesPicker.until');
    else if (firstDate && isDate(firstDate) && fields.until < firstDate)
      fail('until', 'validation.seriesPicker.untilBeforeFirst');
    else until = fields.until;
  } else fail('ends', 'validation.invalid');
  if (Object.keys(errors).length > 0) return { ok: false, fieldErrors: errors, params };

  // A date without time (the whole day) on the town's wall clock, as the API reads it; the library would write an instant.
  const rrule =
    RRule.optionsToString(options).replace(/^RRULE:/, '') + (until ? `;UNTIL=${until.replaceAll('-', '')}` : '');
  if (!firstDate || !isDate(firstDate)) return { ok: true, rrule, firstDate: null, dates: [] };
  const dates = new RRule({
    ...options,
    dtstart: floating(firstDate),
    ...(until ? { until: floating(until, 86_399) } : {}),
  })
    .all((_, i) => i < MAX_OCCURRENCES + 1)
    .map((d) => d.toISOString().slice(0, 10));
  if (dates.length === 0) return { ok: false, fieldErrors: { until: ['validation.seriesPicker.noDate'] }, params };
  if (dates.length > MAX_OCCURRENCES) {
    return {
      ok: false,
      fieldErrors: { [fields.ends === 'count' ? 'count' : 'until']: ['validation.seriesPicker.tooMany'] },
      params: { max: String(MAX_OCCURRENCES) },
    };
  }
  return { ok: true, rrule, firstDate: dates[0]!, dates };
}

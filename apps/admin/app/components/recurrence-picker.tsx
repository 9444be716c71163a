import { useEffect, useState } from 'react';
import { SelectField, TextField } from '~/components/field.tsx';
import type { Translator } from '~/i18n/index.ts';
import { useT } from '~/i18n/use-t.ts';
import {
  type Composed,
  ENDS,
  MAX_INTERVAL,
  MAX_OCCURRENCES,
  MONTHLY_BY,
  NTHS,
  type RecurrenceFields,
  REPEATS,
  WEEKDAYS,
} from '~/lib/recurrence.ts';

/** Input ids of the picker's fields, for the error summary's links. */
export const RECURRENCE_INPUT_IDS: Record<string, string> = {
  repeat: 'series-repeat-daily',
  interval: 'series-interval',
  weekdays: 'series-weekday-MO',
  monthlyBy: 'series-monthlyBy-day',
  monthDay: 'series-monthDay',
  monthNth: 'series-monthNth',
  monthWeekday: 'series-monthWeekday',
  ends: 'series-ends-count',
  count: 'series-count',
  until: 'series-until',
  rrule: 'series-rrule',
};

const isoWeekday = (code: string) => String(WEEKDAYS.indexOf(code as (typeof WEEKDAYS)[number]) + 1);
const dayName = (tr: Translator, code: string) => tr.tKey(`hub.weekday.${isoWeekday(code)}`);
const localDate = (tr: Translator, date: string) => tr.formatDate(`${date}T12:00:00Z`);

/** "jeden Dienstag bis 31. März 2027, 12 Termine": the rule in words and how many dates it makes. */
export function describeRecurrence(tr: Translator, fields: RecurrenceFields, composed: Composed): string | null {
  const { t } = tr;
  if (fields.repeat === 'custom') return t('series.picker.summary.custom');
  if (!composed.ok) return null;
  const n = Number(fields.interval || '1');
  const every = n > 1;
  let rule: string;
  if (fields.repeat === 'daily')
    rule = every ? t('series.picker.summary.dailyEvery', { n: String(n) }) : t('series.picker.summary.daily');
  else if (fields.repeat === 'weekly') {
    const days = new Intl.ListFormat(tr.lang, { type: 'conjunction' }).format(
      WEEKDAYS.filter((code) => fields.weekdays.includes(code)).map((code) => dayName(tr, code)),
    );
    rule = every
      ? t('series.picker.summary.weeklyEvery', { n: String(n), days })
      : t('series.picker.summary.weekly', { days });
  } else if (fields.monthlyBy === 'day') {
    const day = fields.monthDay;
    rule = every
      ? t('series.picker.summary.monthlyDayEvery', { n: String(n), day })
      : t('series.picker.summary.monthlyDay', { day });
  } else {
    const nth = tr.tKey(`series.picker.nth.${fields.monthNth}`);
    const weekday = dayName(tr, fields.monthWeekday);
    rule = every
      ? t('series.picker.summary.monthlyWeekdayEvery', { n: String(n), nth, weekday })
      : t('series.picker.summary.monthlyWeekday', { nth, weekday });
  }
  if (fields.ends === 'until') rule = t('series.picker.summary.until', { rule, date: localDate(tr, fields.until) });
  if (composed.dates.length === 0) return rule;
  const [first] = composed.dates;
  return composed.dates.length === 1
    ? t('series.picker.summary.one', { rule, first: localDate(tr, first!) })
    : t('series.picker.summary.many', {
        rule,
        count: String(composed.dates.length),
        first: localDate(tr, first!),
      });
}

/**
 * How a series repeats, as plain form fields that post without JavaScript.
 * With JavaScript, only the groups of the chosen repetition are shown.
 */
export function RecurrencePicker({
  fields,
  byField,
}: {
  fields: RecurrenceFields;
  byField: Record<string, string[] | undefined>;
}) {
  const tr = useT();
  const { t } = tr;
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const shown = (repeat: string) => !hydrated || fields.repeat === repeat;
  const groupError = (field: string) => {
    const errors = byField[field];
    return errors && errors.length > 0 ? (
      <p id={`series-${field}-error`} className="field__error">
        <span className="visually-hidden">{t('form.errorPrefix')} </span>
        {errors.join(' ')}
      </p>
    ) : null;
  };
  const describedBy = (field: string) => (byField[field]?.length ? `series-${field}-error` : undefined);
  return (
    <div className="recurrence-picker">
      <fieldset className="fieldset" aria-describedby={describedBy('repeat')}>
        <legend>{t('series.picker.legend')}</legend>
        {groupError('repeat')}
        {REPEATS.map((repeat) => (
          <div key={repeat} className="radio">
            <input
              type="radio"
              id={`series-repeat-${repeat}`}
              name="repeat"
              value={repeat}
              defaultChecked={fields.repeat === repeat}
            />{' '}
            <label htmlFor={`series-repeat-${repeat}`}>{t(`series.picker.repeat.${repeat}`)}</label>
          </div>
        ))}
        <div hidden={hydrated && fields.repeat === 'custom'}>
          <TextField
            id="series-interval"
            name="interval"
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_INTERVAL}
            label={t('series.picker.interval')}
            hint={t('series.picker.intervalHint')}
            defaultValue={fields.interval || '1'}
            errors={byField.interval}
          />
        </div>
      </fieldset>
      <fieldset className="fieldset" hidden={!shown('weekly')} aria-describedby={describedBy('weekdays')}>
        <legend>{t('series.picker.weekdays')}</legend>
        {groupError('weekdays')}
        <div className="weekday-choices">
          {WEEKDAYS.map((code) => (
            <div key={code} className="field--checkbox">
              <input
                type="checkbox"
                id={`series-weekday-${code}`}
                name="weekdays"
                value={code}
                defaultChecked={fields.weekdays.includes(code)}
                aria-invalid={byField.weekdays?.length ? true : undefined}
              />
              <label htmlFor={`series-weekday-${code}`}>{dayName(tr, code)}</label>
            </div>
          ))}
        </div>
      </fieldset>
      <fieldset className="fieldset" hidden={!shown('monthly')}>
        <legend>{t('series.picker.monthly')}</legend>
        {MONTHLY_BY.map((by) => (
          <div key={by} className="radio">
            <input
              type="radio"
              id={`series-monthlyBy-${by}`}
              name="monthlyBy"
              value={by}
              defaultChecked={fields.monthlyBy === by}
            />{' '}
            <label htmlFor={`series-monthlyBy-${by}`}>{t(`series.picker.monthlyBy.${by}`)}</label>
          </div>
        ))}
        <div className="form__row">
          <TextField
            id="series-monthDay"
            name="monthDay"
            type="number"
            inputMode="numeric"
            min={1}
            max={31}
            optional
            label={t('series.picker.monthDay')}
            defaultValue={fields.monthDay}
            errors={byField.monthDay}
          />
          <SelectField
            id="series-monthNth"
            name="monthNth"
            label={t('series.picker.monthNth')}
            options={NTHS.map((nth) => ({ value: nth, label: t(`series.picker.nth.${nth}`) }))}
            defaultValue={fields.monthNth}
            errors={byField.monthNth}
          />
          <SelectField
            id="series-monthWeekday"
            name="monthWeekday"
            label={t('series.picker.monthWeekday')}
            options={WEEKDAYS.map((code) => ({ value: code, label: dayName(tr, code) }))}
            defaultValue={fields.monthWeekday}
            errors={byField.monthWeekday}
          />
        </div>
      </fieldset>
      <fieldset className="fieldset" hidden={hydrated && fields.repeat === 'custom'}>
        <legend>{t('series.picker.ends')}</legend>
        {ENDS.map((ends) => (
          <div key={ends} className="radio">
            <input
              type="radio"
              id={`series-ends-${ends}`}
              name="ends"
              value={ends}
              defaultChecked={fields.ends === ends}
            />{' '}
            <label htmlFor={`series-ends-${ends}`}>{t(`series.picker.endsBy.${ends}`)}</label>
          </div>
        ))}
        <div className="form__row">
          <TextField
            id="series-count"
            name="count"
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_OCCURRENCES}
            optional
            label={t('series.picker.count')}
            hint={t('series.picker.countHint', { max: String(MAX_OCCURRENCES) })}
            defaultValue={fields.count}
            errors={byField.count}
          />
          <TextField
            id="series-until"
            name="until"
            type="date"
            optional
            label={t('series.picker.until')}
            defaultValue={fields.until}
            errors={byField.until}
          />
        </div>
      </fieldset>
      <fieldset className="fieldset" hidden={!shown('custom')}>
        <legend>{t('series.picker.advanced')}</legend>
        <TextField
          id="series-rrule"
          name="rrule"
          optional
          label={t('series.rule')}
          hint={t('series.ruleHint', { max: String(MAX_OCCURRENCES) })}
          defaultValue={fields.rrule}
          errors={byField.rrule}
          spellCheck={false}
          autoComplete="off"
        />
      </fieldset>
    </div>
  );
}

import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { useState } from 'react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { SelectField, TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { describeRecurrence, RECURRENCE_INPUT_IDS, RecurrencePicker } from '~/components/recurrence-picker.tsx';
import { conflictMessage, SeriesPreviewTable } from '~/components/series-preview.tsx';
import type { MessageKey } from '~/i18n/index.ts';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, notFound, requireMe } from '~/lib/api.server.ts';
import { toInstant } from '~/lib/bookings.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { idempotencyKeyOf, keepValues, optionalText, text, translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { mutateWithParams } from '~/lib/mutate-with-params.server.ts';
import {
  composeRecurrence,
  DEFAULT_RECURRENCE,
  RECURRENCE_FIELD_NAMES,
  type RecurrenceFields,
  recurrenceFieldsOf,
} from '~/lib/recurrence.ts';

const FIELDS = ['date', 'start', 'end', 'deskId', 'purpose', 'attendees', ...RECURRENCE_FIELD_NAMES] as const;

export const meta: MetaFunction<typeof loader> = (args) =>
  pageTitle(args, 'series.title', { space: args.data?.space.name ?? '' });

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const slug = params.slug ?? '';
  const api = await apiFor(request);
  const space = await load(request, () => api.spaces.get.query({ tenant: slug, spaceId: params.spaceId ?? '' }));
  return {
    slug,
    space: {
      id: space.id,
      name: space.name,
      kind: space.kind,
      desks: space.desks.map((d) => ({ id: d.id, name: d.name })),
    },
    // New with each rendering: a double submit books the series once (docs/decisions/033).
    idempotencyKey: crypto.randomUUID(),
  };
}

/** "Termine prüfen" shows every date with what is in its way; "Alle Termine buchen" books all or nothing. */
export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const form = await request.formData();
  const intent = text(form, 'intent');
  if (intent !== 'preview' && intent !== 'create') throw notFound();
  const slug = params.slug ?? '';
  const api = await apiFor(request);
  const date = text(form, 'date');
  const deskId = optionalText(form, 'deskId');
  const purpose = optionalText(form, 'purpose');
  const recurrence = recurrenceFieldsOf(form);
  const values = { ...keepValues(form, FIELDS), weekdays: recurrence.weekdays.join(',') };
  // The picker's fields become the RRULE here, so the form works without JavaScript.
  const composed = composeRecurrence(recurrence, date || null);
  if (!composed.ok) {
    const error = {
      ok: false as const,
      messageKey: null,
      params: {},
      formError: null,
      fieldErrors: composed.fieldErrors,
    };
    return data({ values, preview: null, error, refused: false }, { status: 400 });
  }
  // The series starts on the first date its rule yields (the API counts the start as an occurrence).
  const first = composed.firstDate ?? date;
  const input = {
    tenant: slug,
    spaceId: params.spaceId ?? '',
    ...(deskId ? { deskId } : {}),
    startsAt: toInstant(first, text(form, 'start')),
    endsAt: toInstant(first, text(form, 'end')),
    rrule: composed.rrule,
    ...(purpose ? { purpose } : {}),
    attendees: Number(text(form, 'attendees') || '1'),
  };
  // The API names its rule `rrule`; with the picker, the field at fault is where the series ends.
  const ruleField = recurrence.repeat === 'custom' ? 'rrule' : recurrence.ends;
  const named = <E extends { fieldErrors: Record<string, string[]> }>(error: E): E => {
    const { rrule, ...fieldErrors } = error.fieldErrors;
    return rrule ? { ...error, fieldErrors: { ...fieldErrors, [ruleField]: rrule } } : error;
  };
  // A failed create also shows the dates, so the user sees which ones are in the way and why.
  const preview = await mutateWithParams(request, () => api.bookingSeries.preview.query(input));
  if (intent === 'create' && preview.ok && preview.data.conflicts === 0) {
    const created = await mutateWithParams(request, () =>
      api.bookingSeries.create.mutate({ ...input, ...idempotencyKeyOf(form) }),
    );
    if (created.ok) return redirect(`/towns/${encodeURIComponent(slug)}/series/${created.data.id}`);
    return data({ values, preview: preview.data, error: named(created), refused: true }, { status: 409 });
  }
  if (!preview.ok) return data({ values, preview: null, error: named(preview), refused: false }, { status: 400 });
  const refused = intent === 'create';
  return data({ values, preview: preview.data, error: null, refused }, { status: refused ? 409 : 200 });
}

/** The picker's fields as last posted (or the defaults), for the form and its summary. */
function recurrenceOf(values: Record<string, string>): RecurrenceFields {
  if (Object.keys(values).length === 0) return DEFAULT_RECURRENCE;
  const form = new FormData();
  for (const [name, value] of Object.entries(values)) if (name !== 'weekdays') form.set(name, value);
  for (const code of (values.weekdays ?? '').split(',').filter(Boolean)) form.append('weekdays', code);
  return recurrenceFieldsOf(form);
}

export default function SpaceSeries() {
  const { space, idempotencyKey } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const values: Record<string, string> = result?.values ?? {};
  const posted = recurrenceOf(values);
  // With JavaScript, the summary follows the form as it is being filled in.
  const [live, setLive] = useState<{ fields: RecurrenceFields; date: string } | null>(null);
  const fields = live?.fields ?? posted;
  const date = live?.date ?? values.date ?? '';
  const summaryText = describeRecurrence(tr, fields, composeRecurrence(fields, date || null));
  const error = result?.error && !result.error.ok ? result.error : null;
  const errors = translateErrors(tr, error, {
    date: 'series-date',
    startsAt: 'series-start',
    endsAt: 'series-end',
    deskId: 'series-desk',
    ...RECURRENCE_INPUT_IDS,
    purpose: 'series-purpose',
    attendees: 'series-attendees',
  });
  // Messages that name a value (the rule, the dates) are shown in full, at the field the API named.
  const withParams =
    error?.messageKey && Object.keys(error.params).length > 0 ? t(error.messageKey as MessageKey, error.params) : null;
  const paramField = Object.keys(error?.fieldErrors ?? {})[0] ?? 'rrule';
  const preview = result?.preview ?? null;
  // A refused series names each rule it breaks with the dates that break it.
  const refusals = new Map<string, string[]>();
  if (result?.refused && preview) {
    for (const o of preview.occurrences) {
      if (!o.conflict) continue;
      const message = conflictMessage(tr, o.conflict);
      refusals.set(message, [...(refusals.get(message) ?? []), tr.formatDate(o.startsAt)]);
    }
  }
  const refusedItems = [...refusals].map(([rule, dates]) => ({
    href: '#series-preview-title',
    message: t('series.refusedDates', { dates: dates.join(', '), rule }),
  }));
  const summary = withParams
    ? [{ href: `#${RECURRENCE_INPUT_IDS[paramField] ?? 'series-rrule'}`, message: withParams }]
    : [...errors.summary, ...refusedItems];
  const byField = withParams ? { ...errors.byField, [paramField]: [withParams] } : errors.byField;
  return (
    <>
      <PageHeader title={t('series.title', { space: space.name })} lead={t('series.lead')} />
      <ErrorSummary items={summary} />
      <section className="card" aria-labelledby="series-form-title">
        <h2 id="series-form-title" className="visually-hidden">
          {t('series.title', { space: space.name })}
        </h2>
        <Form
          method="post"
          noValidate
          onChange={(event) => {
            const form = new FormData(event.currentTarget);
            const value = form.get('date');
            setLive({ fields: recurrenceFieldsOf(form), date: typeof value === 'string' ? value : '' });
          }}
        >
          <TextField
            id="series-date"
            name="date"
            type="date"
            label={t('series.date')}
            hint={t('series.dateHint')}
            defaultValue={values.date ?? ''}
            errors={byField.date}
          />
          <TextField
            id="series-start"
            name="start"
            type="time"
            step={300}
            label={t('series.start')}
            defaultValue={values.start ?? '10:00'}
            errors={byField.startsAt}
          />
          <TextField
            id="series-end"
            name="end"
            type="time"
            step={300}
            label={t('series.end')}
            defaultValue={values.end ?? '11:00'}
            errors={byField.endsAt}
          />
          {space.kind === 'coworking' ? (
            <SelectField
              id="series-desk"
              name="deskId"
              label={t('series.desk')}
              placeholder={t('series.deskPlaceholder')}
              options={space.desks.map((d) => ({ value: d.id, label: d.name }))}
              defaultValue={values.deskId}
              errors={byField.deskId}
            />
          ) : null}
          <RecurrencePicker fields={fields} byField={byField} />
          <p id="series-summary" className="series-summary" aria-live="polite">
            {summaryText}
          </p>
          <TextField
            id="series-purpose"
            name="purpose"
            label={t('series.purpose')}
            optional
            defaultValue={values.purpose ?? ''}
            errors={byField.purpose}
          />
          <TextField
            id="series-attendees"
            name="attendees"
            type="number"
            min={1}
            label={t('series.attendees')}
            defaultValue={values.attendees ?? '1'}
            errors={byField.attendees}
          />
          <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
          <div className="form__actions">
            <button type="submit" name="intent" value="preview" className="button button--secondary">
              {t('series.preview')}
            </button>{' '}
            <button type="submit" name="intent" value="create" className="button button--primary">
              {t('series.create')}
            </button>
          </div>
        </Form>
      </section>
      {preview ? (
        <section className="card" aria-labelledby="series-preview-title">
          <h2 id="series-preview-title">{t('series.previewTitle')}</h2>
          <p role="status">
            {t('series.previewSummary', {
              count: String(preview.occurrences.length),
              conflicts: String(preview.conflicts),
            })}
          </p>
          <SeriesPreviewTable occurrences={preview.occurrences} caption={t('series.previewTitle')} />
        </section>
      ) : null}
    </>
  );
}

import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { SelectField, TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SeriesPreviewTable } from '~/components/series-preview.tsx';
import type { MessageKey } from '~/i18n/index.ts';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, notFound, requireMe } from '~/lib/api.server.ts';
import { toInstant } from '~/lib/bookings.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { idempotencyKeyOf, keepValues, optionalText, text, translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { mutateWithParams } from '~/lib/mutate-with-params.server.ts';

/** Mirrors the API's MAX_OCCURRENCES (docs/decisions/013), for the hint only. */
const MAX_OCCURRENCES = 200;
const FIELDS = ['date', 'start', 'end', 'deskId', 'rrule', 'purpose', 'attendees'] as const;

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
  const input = {
    tenant: slug,
    spaceId: params.spaceId ?? '',
    ...(deskId ? { deskId } : {}),
    startsAt: toInstant(date, text(form, 'start')),
    endsAt: toInstant(date, text(form, 'end')),
    rrule: text(form, 'rrule'),
    ...(purpose ? { purpose } : {}),
    attendees: Number(text(form, 'attendees') || '1'),
  };
  const values = keepValues(form, FIELDS);
  // A failed create also shows the dates, so the user sees which ones are in the way.
  const preview = await mutateWithParams(request, () => api.bookingSeries.preview.query(input));
  if (intent === 'create' && preview.ok && preview.data.conflicts === 0) {
    const created = await mutateWithParams(request, () =>
      api.bookingSeries.create.mutate({ ...input, ...idempotencyKeyOf(form) }),
    );
    if (created.ok) return redirect(`/towns/${encodeURIComponent(slug)}/series/${created.data.id}`);
    return data({ values, preview: preview.data, error: created }, { status: 409 });
  }
  if (!preview.ok) return data({ values, preview: null, error: preview }, { status: 400 });
  return { values, preview: preview.data, error: null };
}

export default function SpaceSeries() {
  const { space, idempotencyKey } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const values: Record<string, string> = result?.values ?? {};
  const error = result?.error && !result.error.ok ? result.error : null;
  const errors = translateErrors(tr, error, {
    date: 'series-date',
    startsAt: 'series-start',
    endsAt: 'series-end',
    deskId: 'series-desk',
    rrule: 'series-rrule',
    purpose: 'series-purpose',
    attendees: 'series-attendees',
  });
  // Messages that name a value (the rule, the dates) are shown in full.
  const withParams =
    error?.messageKey && Object.keys(error.params).length > 0 ? t(error.messageKey as MessageKey, error.params) : null;
  const summary = withParams ? [{ href: '#series-rrule', message: withParams }] : errors.summary;
  const byField = withParams ? { ...errors.byField, rrule: [withParams] } : errors.byField;
  const preview = result?.preview ?? null;
  return (
    <>
      <PageHeader title={t('series.title', { space: space.name })} lead={t('series.lead')} />
      <ErrorSummary items={summary} />
      <section className="card" aria-labelledby="series-form-title">
        <h2 id="series-form-title" className="visually-hidden">
          {t('series.title', { space: space.name })}
        </h2>
        <Form method="post" noValidate>
          <TextField
            id="series-date"
            name="date"
            type="date"
            label={t('series.date')}
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
          <TextField
            id="series-rrule"
            name="rrule"
            label={t('series.rule')}
            hint={t('series.ruleHint', { max: String(MAX_OCCURRENCES) })}
            defaultValue={values.rrule ?? 'FREQ=WEEKLY;COUNT=4'}
            errors={byField.rrule}
            spellCheck={false}
            autoComplete="off"
          />
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

import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SeriesPreviewTable } from '~/components/series-preview.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import type { MessageKey } from '~/i18n/index.ts';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, mutate, notFound, requireMe } from '~/lib/api.server.ts';
import { hhmm } from '~/lib/booking-format.ts';
import { toInstant } from '~/lib/bookings.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { keepValues, optionalText, text, translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { mutateWithParams } from '~/lib/mutate-with-params.server.ts';

const EDIT_FIELDS = ['from', 'date', 'start', 'end', 'rrule', 'purpose', 'attendees'] as const;

export const meta: MetaFunction<typeof loader> = (args) =>
  pageTitle(args, 'series.detailTitle', { space: args.data?.series.spaceName ?? '' });

/** One recurring booking: its dates; cancelling one, a range or the rest; changing it from a date on (docs/decisions/020). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const api = await apiFor(request);
  const series = await load(request, () =>
    api.bookingSeries.get.query({ tenant: params.slug ?? '', seriesId: params.seriesId ?? '' }),
  );
  const changed = new URL(request.url).searchParams.get('changed');
  return { slug: params.slug ?? '', series, changed: changed && /^\d{1,3}$/.test(changed) ? changed : null };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const form = await request.formData();
  const intent = text(form, 'intent');
  const slug = params.slug ?? '';
  const seriesId = params.seriesId ?? '';
  const api = await apiFor(request);
  if (intent === 'cancel') {
    const from = optionalText(form, 'from');
    const to = optionalText(form, 'to');
    const result = await mutate(request, () =>
      api.bookingSeries.cancel.mutate({ tenant: slug, seriesId, ...(from ? { from } : {}), ...(to ? { to } : {}) }),
    );
    if (!result.ok)
      return {
        kind: 'cancel' as const,
        ok: false as const,
        cancelled: 0,
        errors: { formError: result.formError, fieldErrors: result.fieldErrors },
      };
    return { kind: 'cancel' as const, ok: true as const, cancelled: result.data.cancelled, errors: null };
  }
  if (intent !== 'edit-preview' && intent !== 'edit') throw notFound();
  // "Diesen und alle folgenden Termine ändern": check first, confirm second; the confirm checks again.
  // The first new date defaults to the date the change starts from (same weekday, new time).
  const date = optionalText(form, 'date') ?? text(form, 'from');
  const purpose = optionalText(form, 'purpose');
  const input = {
    tenant: slug,
    seriesId,
    from: text(form, 'from'),
    startsAt: toInstant(date, text(form, 'start')),
    endsAt: toInstant(date, text(form, 'end')),
    rrule: text(form, 'rrule'),
    ...(purpose ? { purpose } : {}),
    attendees: Number(text(form, 'attendees') || '1'),
  };
  const values = keepValues(form, EDIT_FIELDS);
  const preview = await mutateWithParams(request, () => api.bookingSeries.previewEdit.query(input));
  if (!preview.ok) return data({ kind: 'edit' as const, values, preview: null, error: preview }, { status: 400 });
  if (intent === 'edit' && preview.data.conflicts === 0) {
    const edited = await mutateWithParams(request, () => api.bookingSeries.edit.mutate(input));
    if (edited.ok)
      return redirect(
        `/towns/${encodeURIComponent(slug)}/series/${edited.data.series.id}?changed=${edited.data.cancelled}`,
      );
    return data({ kind: 'edit' as const, values, preview: preview.data, error: edited }, { status: 409 });
  }
  return { kind: 'edit' as const, values, preview: preview.data, error: null };
}

/** The rule for the rest of the series: a COUNT shrinks to the dates still to come; UNTIL stays as it is. */
function remainingRule(rrule: string, remaining: number): string {
  return /(^|;)COUNT=\d+/i.test(rrule) ? rrule.replace(/(^|;)COUNT=\d+/i, `$1COUNT=${remaining}`) : rrule;
}

export default function Series() {
  const { slug, series, changed } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const cancelResult = result?.kind === 'cancel' ? result : null;
  const editResult = result?.kind === 'edit' ? result : null;
  const cancelErrors = translateErrors(tr, cancelResult && !cancelResult.ok ? cancelResult.errors : null, {
    from: 'cancel-from',
    to: 'cancel-to',
  });
  const editError = editResult?.error && !editResult.error.ok ? editResult.error : null;
  const editErrors = translateErrors(tr, editError, {
    from: 'edit-from',
    startsAt: 'edit-start',
    endsAt: 'edit-end',
    rrule: 'edit-rrule',
    purpose: 'edit-purpose',
    attendees: 'edit-attendees',
  });
  // Messages that name a value (the rule, the blocked dates, the date) are shown in full.
  const withParams =
    editError?.messageKey && Object.keys(editError.params).length > 0
      ? t(editError.messageKey as MessageKey, editError.params)
      : null;
  const paramField = editError?.fieldErrors.from ? 'from' : 'rrule';
  const editSummary = withParams ? [{ href: `#edit-${paramField}`, message: withParams }] : editErrors.summary;
  const editByField = withParams ? { ...editErrors.byField, [paramField]: [withParams] } : editErrors.byField;
  const what = series.deskName ? `${series.spaceName}, ${series.deskName}` : series.spaceName;
  const now = Date.now();
  const upcoming = series.occurrences.filter((o) => o.status !== 'cancelled' && new Date(o.endsAt).getTime() > now);
  const next = upcoming[0];
  const values: Record<string, string> = editResult?.values ?? {};
  const preview = editResult?.preview ?? null;
  const seriesUrl = (id: string) => `/towns/${encodeURIComponent(slug)}/series/${id}`;
  return (
    <>
      <PageHeader
        title={t('series.detailTitle', { space: what })}
        lead={t('series.detailLead', { rule: series.rrule })}
      />
      {changed ? (
        <p className="notice notice--success" role="status">
          {t('series.edited', { count: changed })}
        </p>
      ) : null}
      {cancelResult?.ok ? (
        <p className="notice notice--success" role="status">
          {t('series.cancelled', { count: String(cancelResult.cancelled) })}
        </p>
      ) : null}
      <ErrorSummary items={[...cancelErrors.summary, ...editSummary]} />
      {series.previousSeriesId || series.nextSeriesId ? (
        <nav className="card" aria-label={t('series.versions')}>
          {series.previousSeriesId ? (
            <p>
              {t('series.previousVersion')}{' '}
              <Link to={seriesUrl(series.previousSeriesId)}>{t('series.toPrevious')}</Link>
            </p>
          ) : null}
          {series.nextSeriesId ? (
            <p>
              {t('series.nextVersion')} <Link to={seriesUrl(series.nextSeriesId)}>{t('series.toNext')}</Link>
            </p>
          ) : null}
        </nav>
      ) : null}
      <section className="card" aria-labelledby="occurrences-title">
        <h2 id="occurrences-title">{t('series.previewTitle')}</h2>
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">{t('series.previewTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('series.colDate')}</th>
                <th scope="col">{t('series.colTime')}</th>
                <th scope="col">{t('series.status')}</th>
                <th scope="col">{t('series.action')}</th>
              </tr>
            </thead>
            <tbody>
              {series.occurrences.map((o) => (
                <tr key={o.bookingId}>
                  <th scope="row">{tr.formatDate(o.startsAt)}</th>
                  <td>
                    {hhmm(o.startsAt)}–{hhmm(o.endsAt)}
                  </td>
                  <td>{t(`bookings.status.${o.status}`)}</td>
                  <td>
                    {o.status !== 'cancelled' && new Date(o.endsAt).getTime() > now ? (
                      <Form
                        method="post"
                        className="inline-form"
                        aria-label={t('series.cancelOne', { date: tr.formatDate(o.startsAt) })}
                      >
                        <input type="hidden" name="intent" value="cancel" />
                        <input type="hidden" name="from" value={o.date} />
                        <input type="hidden" name="to" value={o.date} />
                        <SubmitButton
                          variant="secondary"
                          label={t('bookings.cancel')}
                          pendingLabel={t('series.cancelling')}
                          pendingWhen={{ intent: 'cancel', from: o.date, to: o.date }}
                        />
                      </Form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {next ? (
        <section className="card" aria-labelledby="edit-title">
          <h2 id="edit-title">{t('series.editTitle')}</h2>
          <p className="muted">{t('series.editHint')}</p>
          <Form method="post" noValidate>
            <TextField
              id="edit-from"
              name="from"
              type="date"
              label={t('series.editFrom')}
              defaultValue={values.from ?? next.date}
              errors={editByField.from}
            />
            <TextField
              id="edit-date"
              name="date"
              type="date"
              label={t('series.editFirst')}
              hint={t('series.editFirstHint')}
              optional
              defaultValue={values.date ?? ''}
              errors={editByField.date}
            />
            <TextField
              id="edit-start"
              name="start"
              type="time"
              step={300}
              label={t('series.start')}
              defaultValue={values.start ?? hhmm(next.startsAt)}
              errors={editByField.startsAt}
            />
            <TextField
              id="edit-end"
              name="end"
              type="time"
              step={300}
              label={t('series.end')}
              defaultValue={values.end ?? hhmm(next.endsAt)}
              errors={editByField.endsAt}
            />
            <TextField
              id="edit-rrule"
              name="rrule"
              label={t('series.rule')}
              hint={t('series.editRuleHint')}
              defaultValue={values.rrule ?? remainingRule(series.rrule, upcoming.length)}
              errors={editByField.rrule}
              spellCheck={false}
              autoComplete="off"
            />
            <TextField
              id="edit-purpose"
              name="purpose"
              label={t('series.purpose')}
              optional
              defaultValue={values.purpose ?? series.purpose ?? ''}
              errors={editByField.purpose}
            />
            <TextField
              id="edit-attendees"
              name="attendees"
              type="number"
              min={1}
              label={t('series.attendees')}
              defaultValue={values.attendees ?? String(series.attendees)}
              errors={editByField.attendees}
            />
            <input type="hidden" name="intent" value="edit-preview" />
            <SubmitButton
              variant="secondary"
              label={t('series.editPreview')}
              pendingLabel={t('series.previewing')}
              pendingWhen={{ intent: 'edit-preview' }}
            />
          </Form>
        </section>
      ) : null}
      {preview ? (
        <section className="card" aria-labelledby="edit-preview-title">
          <h2 id="edit-preview-title">{t('series.editPreviewTitle')}</h2>
          <p role="status">
            {t('series.editPreviewSummary', {
              replaced: String(preview.replaced),
              count: String(preview.occurrences.length),
              conflicts: String(preview.conflicts),
            })}
          </p>
          <SeriesPreviewTable occurrences={preview.occurrences} caption={t('series.editPreviewTitle')} />
          {preview.conflicts === 0 ? (
            <Form method="post">
              {EDIT_FIELDS.map((name) => (
                <input key={name} type="hidden" name={name} value={values[name] ?? ''} />
              ))}
              <input type="hidden" name="intent" value="edit" />
              <SubmitButton
                label={t('series.editConfirm')}
                pendingLabel={t('series.editing')}
                pendingWhen={{ intent: 'edit' }}
              />
            </Form>
          ) : (
            <p className="muted">{t('series.editBlocked')}</p>
          )}
        </section>
      ) : null}
      <section className="card" aria-labelledby="cancel-range-title">
        <h2 id="cancel-range-title">{t('series.cancelRange')}</h2>
        <p className="muted">{t('series.cancelRangeHint')}</p>
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="cancel" />
          <TextField
            id="cancel-from"
            name="from"
            type="date"
            label={t('series.from')}
            errors={cancelErrors.byField.from}
          />
          <TextField
            id="cancel-to"
            name="to"
            type="date"
            label={t('series.to')}
            optional
            errors={cancelErrors.byField.to}
          />
          <SubmitButton label={t('series.cancelRange')} pendingLabel={t('series.cancelling')} />
        </Form>
      </section>
    </>
  );
}

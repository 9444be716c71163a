import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, mutate, notFound, requireMe } from '~/lib/api.server.ts';
import { hhmm } from '~/lib/booking-format.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { optionalText, text, translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args, 'series.detailTitle', { space: args.data?.series.spaceName ?? '' });

/** One recurring booking: its dates, and cancelling one, a range or the rest. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const api = await apiFor(request);
  const series = await load(request, () => api.bookingSeries.get.query({ tenant: params.slug ?? '', seriesId: params.seriesId ?? '' }));
  return { slug: params.slug ?? '', series };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const form = await request.formData();
  if (text(form, 'intent') !== 'cancel') throw notFound();
  const api = await apiFor(request);
  const from = optionalText(form, 'from');
  const to = optionalText(form, 'to');
  const result = await mutate(request, () =>
    api.bookingSeries.cancel.mutate({ tenant: params.slug ?? '', seriesId: params.seriesId ?? '', ...(from ? { from } : {}), ...(to ? { to } : {}) }),
  );
  if (!result.ok) return { ok: false as const, cancelled: 0, errors: { formError: result.formError, fieldErrors: result.fieldErrors } };
  return { ok: true as const, cancelled: result.data.cancelled, errors: null };
}

export default function Series() {
  const { series } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const errors = translateErrors(tr, result && !result.ok ? result.errors : null, { from: 'cancel-from', to: 'cancel-to' });
  const what = series.deskName ? `${series.spaceName}, ${series.deskName}` : series.spaceName;
  const now = Date.now();
  return (
    <>
      <PageHeader title={t('series.detailTitle', { space: what })} lead={t('series.detailLead', { rule: series.rrule })} />
      {result?.ok ? (
        <p className="notice notice--success" role="status">
          {t('series.cancelled', { count: String(result.cancelled) })}
        </p>
      ) : null}
      <ErrorSummary items={errors.summary} />
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
                      <Form method="post" className="inline-form" aria-label={t('series.cancelOne', { date: tr.formatDate(o.startsAt) })}>
                        <input type="hidden" name="intent" value="cancel" />
                        <input type="hidden" name="from" value={o.date} />
                        <input type="hidden" name="to" value={o.date} />
                        <SubmitButton variant="secondary" label={t('bookings.cancel')} pendingLabel={t('series.cancelling')} pendingWhen={{ intent: 'cancel', from: o.date, to: o.date }} />
                      </Form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section className="card" aria-labelledby="cancel-range-title">
        <h2 id="cancel-range-title">{t('series.cancelRange')}</h2>
        <p className="muted">{t('series.cancelRangeHint')}</p>
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="cancel" />
          <TextField id="cancel-from" name="from" type="date" label={t('series.from')} errors={errors.byField.from} />
          <TextField id="cancel-to" name="to" type="date" label={t('series.to')} optional errors={errors.byField.to} />
          <SubmitButton label={t('series.cancelRange')} pendingLabel={t('series.cancelling')} />
        </Form>
      </section>
    </>
  );
}

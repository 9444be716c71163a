import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { addDays, localParts } from '@hubwerk/domain';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { DISPLAY_TIME_ZONE } from '~/i18n/index.ts';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, mutate, notFound, requireMe } from '~/lib/api.server.ts';
import { hhmm, whoText } from '~/lib/booking-format.ts';
import { text, translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args, 'bookings.title');

/** Member self-service: "Meine Buchungen" in one town, with cancelling. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const slug = params.slug ?? '';
  const api = await apiFor(request);
  const [town, mine] = await Promise.all([
    load(request, () => api.tenants.get.query({ tenant: slug })),
    load(request, () => api.bookings.mine.query({ tenant: slug, limit: 100 })),
  ]);
  const tomorrow = addDays(localParts(new Date(), DISPLAY_TIME_ZONE).date, 1);
  return { slug, town: { name: town.name, hubs: town.hubs }, bookings: mine.items, tomorrow };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const form = await request.formData();
  if (text(form, 'intent') !== 'cancel') throw notFound();
  const api = await apiFor(request);
  const result = await mutate(request, () =>
    api.bookings.cancel.mutate({ tenant: params.slug ?? '', bookingId: text(form, 'bookingId') }),
  );
  if (!result.ok)
    return { ok: false as const, errors: { formError: result.formError, fieldErrors: result.fieldErrors } };
  return { ok: true as const, errors: null };
}

export default function MyBookings() {
  const { slug, town, bookings, tomorrow } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const errors = translateErrors(tr, result && !result.ok ? result.errors : null, {});
  return (
    <>
      <PageHeader title={t('bookings.title')} lead={t('bookings.intro', { town: town.name })} />
      {result?.ok ? (
        <p className="notice notice--success" role="status">
          {t('bookings.cancelled')}
        </p>
      ) : null}
      <ErrorSummary items={errors.summary} />
      {/* Self-service in three clicks: a hub here, a free desk there, booked. */}
      <section aria-labelledby="desk-tomorrow-title" className="card">
        <h2 id="desk-tomorrow-title">{t('bookings.deskTomorrow')}</h2>
        <p>{t('bookings.deskTomorrowIntro')}</p>
        <ul className="desk-list">
          {town.hubs.map((h) => (
            <li key={h.id}>
              <Link
                className="button button--secondary"
                to={`/towns/${encodeURIComponent(slug)}/hubs/${h.id}?day=${tomorrow}#desk-title`}
              >
                {t('bookings.deskIn', { name: h.name })}
              </Link>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="bookings-title" className="card">
        <h2 id="bookings-title" className="visually-hidden">
          {t('bookings.caption')}
        </h2>
        {bookings.length === 0 ? (
          <p className="empty">{t('bookings.empty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">{t('bookings.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('bookings.colWhen')}</th>
                  <th scope="col">{t('bookings.colWhere')}</th>
                  <th scope="col">{t('bookings.colStatus')}</th>
                  <th scope="col">{t('bookings.colAction')}</th>
                </tr>
              </thead>
              <tbody>
                {bookings.map((b) => {
                  const when = `${tr.formatDate(b.startsAt)}, ${hhmm(b.startsAt)}–${hhmm(b.endsAt)}`;
                  const what = b.deskName ? `${b.spaceName}, ${b.deskName}` : b.spaceName;
                  const who = whoText(tr, b);
                  return (
                    <tr key={b.id}>
                      <th scope="row">{when}</th>
                      <td>
                        <Link to={`/towns/${encodeURIComponent(slug)}/spaces/${b.spaceId}`}>{what}</Link>
                        {b.purpose ? ` – ${b.purpose}` : ''}
                        {who ? ` (${who})` : ''}{' '}
                        <a href={`/towns/${encodeURIComponent(slug)}/bookings/${b.id}/ics`} download>
                          {t('bookings.ics', { what })}
                        </a>{' '}
                        <Link
                          to={`/towns/${encodeURIComponent(slug)}/bookings/${b.id}/check-in`}
                          aria-label={t('checkIn.linkLabel', { what, when })}
                        >
                          {t('checkIn.link')}
                        </Link>
                        {b.seriesId ? (
                          <>
                            {' '}
                            <Link to={`/towns/${encodeURIComponent(slug)}/series/${b.seriesId}`}>
                              {t('series.toSeries')}
                            </Link>
                          </>
                        ) : null}
                      </td>
                      <td>{t(`bookings.status.${b.status}`)}</td>
                      <td>
                        <Link
                          className="button button--secondary"
                          to={`/towns/${encodeURIComponent(slug)}/bookings/${b.id}/change`}
                          aria-label={t('bookingChange.linkLabel', { what, when })}
                        >
                          {t('bookingChange.link')}
                        </Link>{' '}
                        <Form
                          method="post"
                          className="inline-form"
                          aria-label={t('bookings.cancelLabel', { what, when })}
                        >
                          <input type="hidden" name="intent" value="cancel" />
                          <input type="hidden" name="bookingId" value={b.id} />
                          <SubmitButton
                            variant="secondary"
                            label={t('bookings.cancel')}
                            pendingLabel={t('bookings.cancelling')}
                            pendingWhen={{ intent: 'cancel', bookingId: b.id }}
                          />
                        </Form>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <ul>
          <li>
            <Link to={`/towns/${encodeURIComponent(slug)}/calendars`}>{t('feeds.nav')}</Link>
          </li>
          {town.hubs.map((h) => (
            <li key={h.id}>
              <Link to={`/towns/${encodeURIComponent(slug)}/hubs/${h.id}`}>
                {t('bookings.toHub', { name: h.name })}
              </Link>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

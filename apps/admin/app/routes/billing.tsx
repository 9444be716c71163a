import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { PageHeader } from '~/components/page-header.tsx';
import type { MessageKey } from '~/i18n/index.ts';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, requireMe } from '~/lib/api.server.ts';
import { pageTitle } from '~/lib/meta.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'billing.overviewTitle');

/** The provider sees every town, a partner its own towns (the API decides). */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireMe(request);
  const api = await apiFor(request);
  return load(request, () => api.billing.overview.query({}));
}

export default function BillingOverview() {
  const { items, totalMrrCents, fakeStripe } = useLoaderData<typeof loader>();
  const { t, lang } = useT();
  const money = new Intl.NumberFormat(lang === 'de' ? 'de-DE' : 'en-GB', { style: 'currency', currency: 'EUR' });
  const euro = (cents: number) => money.format(cents / 100);
  const statusKey = (s: string) => `billing.statuses.${s === 'past-due' ? 'pastDue' : s}` as MessageKey;
  return (
    <>
      <PageHeader title={t('billing.overviewTitle')} lead={t('billing.overviewLead')} />
      {fakeStripe ? (
        <p className="notice" role="note">
          {t('billing.fakeStripe')}
        </p>
      ) : null}
      <section className="card" aria-labelledby="overview-total">
        <p id="overview-total">
          <strong>{t('billing.totalMrr', { amount: euro(totalMrrCents) })}</strong>
        </p>
        {items.length === 0 ? (
          <p className="empty">{t('billing.overviewEmpty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">{t('billing.overviewCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('billing.colTown')}</th>
                  <th scope="col">{t('billing.colPlan')}</th>
                  <th scope="col">{t('billing.colStatus')}</th>
                  <th scope="col">{t('billing.colMrr')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((town) => (
                  <tr key={town.slug}>
                    <th scope="row">
                      <Link to={`/towns/${encodeURIComponent(town.slug)}/billing`}>{town.name}</Link>
                    </th>
                    <td>
                      {t(`billing.plans.${town.plan}`)}
                      {town.interval ? ` (${t(`billing.intervals.${town.interval}`)})` : ''}
                    </td>
                    <td>
                      {t(statusKey(town.status))}
                      {town.readOnly
                        ? ` – ${t('billing.flagReadOnly')}`
                        : town.paymentWarning
                          ? ` – ${t('billing.flagWarning')}`
                          : ''}
                    </td>
                    <td>{euro(town.mrrCents)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

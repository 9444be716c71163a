import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { PageHeader } from '~/components/page-header.tsx';
import { StatusBadge } from '~/components/status-badge.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, requireMe } from '~/lib/api.server.ts';
import { pageTitle } from '~/lib/meta.ts';

export const meta: MetaFunction<typeof loader> = (args) =>
  args.data ? [{ title: `${args.data.partner.name} – Hubwerk` }] : pageTitle(args, 'notFound.title');

export async function loader({ request, params }: LoaderFunctionArgs) {
  const me = await requireMe(request);
  const api = await apiFor(request);
  const partner = await load(request, () => api.partners.get.query({ partnerId: params.id ?? '' }));
  // The same rule as the API's (sso.partnerConfig): the partner's admins and the provider's staff.
  const canSso = me.user.platformRole !== null || me.partners.some((p) => p.id === partner.id && p.role === 'partner-admin');
  return { partner, canSso };
}

export default function Partner() {
  const { partner, canSso } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <>
      <PageHeader
        title={partner.name}
        actions={
          canSso ? (
            <Link to={`/partners/${encodeURIComponent(partner.id)}/sso`} className="button button--ghost">
              {t('sso.config.link')}
            </Link>
          ) : undefined
        }
      />
      <section aria-labelledby="partner-facts-title" className="card">
        <h2 id="partner-facts-title">{t('town.facts')}</h2>
        <dl className="facts">
          <div>
            <dt>{t('partner.kind')}</dt>
            <dd>
              <span className={`badge badge--${partner.kind}`}>{t(`partners.kind.${partner.kind}`)}</span>
            </dd>
          </div>
          <div>
            <dt>{t('partner.region')}</dt>
            <dd>{partner.region}</dd>
          </div>
        </dl>
      </section>
      <section aria-labelledby="partner-towns-title" className="card">
        <h2 id="partner-towns-title">{t('partner.towns')}</h2>
        {partner.tenants.length === 0 ? (
          <p className="empty">{t('partner.townsEmpty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">{t('partner.townsCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('towns.colName')}</th>
                  <th scope="col">{t('towns.colStatus')}</th>
                </tr>
              </thead>
              <tbody>
                {partner.tenants.map((town) => (
                  <tr key={town.id}>
                    <th scope="row">
                      <Link to={`/towns/${encodeURIComponent(town.slug)}`}>{town.name}</Link>
                    </th>
                    <td>
                      <StatusBadge status={town.status} />
                    </td>
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

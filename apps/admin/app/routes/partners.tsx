import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { PageHeader } from '~/components/page-header.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, notFound, requireMe } from '~/lib/api.server.ts';
import { pageTitle } from '~/lib/meta.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'partners.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const me = await requireMe(request);
  // Platform users see all partners, partner members their own; towns have no partner list.
  if (!me.user.platformRole && me.partners.length === 0) throw notFound();
  const api = await apiFor(request);
  const partners = await load(request, () => api.partners.list.query({}));
  return { partners: partners.items, canRegister: me.user.platformRole === 'platform-admin' };
}

export default function Partners() {
  const { partners, canRegister } = useLoaderData<typeof loader>();
  const { t, formatNumber } = useT();
  return (
    <>
      <PageHeader
        title={t('partners.title')}
        lead={t('partners.intro')}
        actions={
          canRegister ? (
            <Link to="/partners/new" className="button button--primary">
              <span aria-hidden="true">+ </span>
              {t('partners.register')}
            </Link>
          ) : null
        }
      />
      {partners.length === 0 ? (
        <p className="empty">{t('partners.empty')}</p>
      ) : (
        <div className="table-wrap card">
          <table className="table">
            <caption className="visually-hidden">{t('partners.tableCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('partners.colName')}</th>
                <th scope="col">{t('partners.colKind')}</th>
                <th scope="col">{t('partners.colRegion')}</th>
                <th scope="col" className="num">
                  {t('partners.colTowns')}
                </th>
              </tr>
            </thead>
            <tbody>
              {partners.map((partner) => (
                <tr key={partner.id}>
                  <th scope="row">
                    <Link to={`/partners/${encodeURIComponent(partner.id)}`}>{partner.name}</Link>
                  </th>
                  <td>
                    <span className={`badge badge--${partner.kind}`}>{t(`partners.kind.${partner.kind}`)}</span>
                  </td>
                  <td>{partner.region}</td>
                  <td className="num">{formatNumber(partner.tenantCount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { bundeslandName } from '@hubwerk/domain';
import { PageHeader } from '~/components/page-header.tsx';
import { StatusBadge } from '~/components/status-badge.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, requireMe } from '~/lib/api.server.ts';
import { pageTitle } from '~/lib/meta.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'towns.title');

const PAGE_SIZE = 50;

export async function loader({ request }: LoaderFunctionArgs) {
  const me = await requireMe(request);
  const cursor = new URL(request.url).searchParams.get('cursor') ?? undefined;
  const api = await apiFor(request);
  const page = await load(request, () =>
    api.tenants.list.query(cursor ? { cursor, limit: PAGE_SIZE } : { limit: PAGE_SIZE }),
  );
  return {
    towns: page.items.map((town) => ({ ...town, bundeslandName: bundeslandName(town.bundesland) ?? town.bundesland })),
    nextCursor: page.nextCursor,
    canOnboard: me.user.platformRole === 'platform-admin',
  };
}

export default function Towns() {
  const { towns, nextCursor, canOnboard } = useLoaderData<typeof loader>();
  const { t, formatNumber } = useT();
  return (
    <>
      <PageHeader
        title={t('towns.title')}
        lead={t('towns.intro')}
        actions={
          canOnboard ? (
            <>
              <Link to="/register" className="button button--ghost">
                {t('register.nav')}
              </Link>
              <Link to="/towns/bulk" className="button button--secondary">
                {t('bulk.title')}
              </Link>
              <Link to="/towns/new" className="button button--primary">
                <span aria-hidden="true">+ </span>
                {t('towns.onboard')}
              </Link>
            </>
          ) : null
        }
      />
      {towns.length === 0 ? (
        <p className="empty">{t('towns.empty')}</p>
      ) : (
        <div className="table-wrap card">
          <table className="table">
            <caption className="visually-hidden">{t('towns.tableCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('towns.colName')}</th>
                <th scope="col">{t('towns.colAgs')}</th>
                <th scope="col">{t('towns.colBundesland')}</th>
                <th scope="col">{t('towns.colStatus')}</th>
                <th scope="col">{t('towns.colPartner')}</th>
                <th scope="col" className="num">
                  {t('towns.colHubs')}
                </th>
              </tr>
            </thead>
            <tbody>
              {towns.map((town) => (
                <tr key={town.id}>
                  <th scope="row">
                    <Link to={`/towns/${encodeURIComponent(town.slug)}`}>{town.name}</Link>
                  </th>
                  <td className="mono">{town.ags}</td>
                  <td>{town.bundeslandName}</td>
                  <td>
                    <StatusBadge status={town.status} />
                  </td>
                  <td>{town.partner ? town.partner.name : <span className="muted">{t('towns.noPartner')}</span>}</td>
                  <td className="num">{formatNumber(town.hubCount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor ? (
        <p className="pager">
          <Link to={`?cursor=${encodeURIComponent(nextCursor)}`} className="button button--secondary">
            {t('towns.loadMore')}
          </Link>
        </p>
      ) : null}
    </>
  );
}

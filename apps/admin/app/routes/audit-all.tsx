import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { AUDIT_FILTER_FIELDS, AuditFilterForm, AuditPager, AuditTable } from '~/components/audit-table.tsx';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, handleApiError, notFound, requireMe } from '~/lib/api.server.ts';
import { auditAcrossInput, auditFiltersFrom, auditQuery } from '~/lib/audit.server.ts';
import { translateErrors, type FormErrorKeys } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'auditAll.title');

const PAGE_SIZE = 50;

/**
 * The audit log across towns: a partner's staff see their partner's towns,
 * the provider's staff every town (the API decides; everyone else gets the
 * not-found page).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const me = await requireMe(request);
  if (!me.user.platformRole && me.partners.length === 0) throw notFound();
  const url = new URL(request.url);
  const filters = auditFiltersFrom(url);
  const cursor = url.searchParams.get('cursor') ?? undefined;
  const api = await apiFor(request);
  let errors: FormErrorKeys | null = null;
  let page: Awaited<ReturnType<typeof api.audit.listAcrossTowns.query>> = { items: [], nextCursor: null };
  try {
    page = await api.audit.listAcrossTowns.query({
      limit: PAGE_SIZE,
      ...auditAcrossInput(filters),
      ...(cursor ? { cursor } : {}),
    });
  } catch (error) {
    // A bad filter is shown at its field; an unknown town in the filter is the not-found page, like everywhere.
    errors = await handleApiError(error, request);
  }
  return {
    provider: me.user.platformRole !== null,
    filters,
    query: auditQuery(filters),
    events: page.items,
    nextCursor: page.nextCursor,
    errors,
  };
}

export default function AuditAcrossTowns() {
  const { provider, filters, query, events, nextCursor, errors } = useLoaderData<typeof loader>();
  const tr = useT();
  const { t } = tr;
  const translated = translateErrors(tr, errors, AUDIT_FILTER_FIELDS);
  const title = provider ? t('auditAll.title') : t('auditAll.titlePartner');
  return (
    <>
      <PageHeader
        title={title}
        lead={t('auditAll.intro')}
        actions={
          <a href={`/audit.csv${query ? `?${query}` : ''}`} className="button button--secondary" download>
            {t('audit.exportCsv')}
          </a>
        }
      />
      <ErrorSummary items={translated.summary} />
      <AuditFilterForm filters={filters} errors={translated} resetTo={'/audit'} filtered={query !== ''} withTown />
      {events.length === 0 ? (
        <p className="empty">{t('audit.empty')}</p>
      ) : (
        <AuditTable events={events} caption={t('auditAll.tableCaption')} withTown />
      )}
      <AuditPager query={query} nextCursor={nextCursor} />
    </>
  );
}

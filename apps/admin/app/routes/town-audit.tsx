import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { AUDIT_FILTER_FIELDS, AuditFilterForm, AuditPager, AuditTable } from '~/components/audit-table.tsx';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, handleApiError, load, requireMe } from '~/lib/api.server.ts';
import { auditFiltersFrom, auditInput, auditQuery } from '~/lib/audit.server.ts';
import { translateErrors, type FormErrorKeys } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';

export const meta: MetaFunction<typeof loader> = (args) =>
  pageTitle(args, 'audit.title', { town: args.data?.town.name ?? '' });

const PAGE_SIZE = 50;

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const slug = params.slug ?? '';
  const url = new URL(request.url);
  const filters = auditFiltersFrom(url);
  const cursor = url.searchParams.get('cursor') ?? undefined;
  const api = await apiFor(request);
  const town = await load(request, () => api.tenants.get.query({ tenant: slug }));
  let errors: FormErrorKeys | null = null;
  let page: Awaited<ReturnType<typeof api.audit.list.query>> = { items: [], nextCursor: null };
  try {
    page = await api.audit.list.query({
      tenant: slug,
      limit: PAGE_SIZE,
      ...auditInput(filters),
      ...(cursor ? { cursor } : {}),
    });
  } catch (error) {
    // A bad filter is the user's typo: shown at its field (BAD_REQUEST); anything else as usual.
    errors = await handleApiError(error, request);
  }
  return {
    town: { slug: town.slug, name: town.name },
    filters,
    query: auditQuery(filters),
    events: page.items,
    nextCursor: page.nextCursor,
    errors,
  };
}

export default function TownAudit() {
  const { town, filters, query, events, nextCursor, errors } = useLoaderData<typeof loader>();
  const tr = useT();
  const { t } = tr;
  const translated = translateErrors(tr, errors, AUDIT_FILTER_FIELDS);
  const townPath = `/towns/${encodeURIComponent(town.slug)}`;
  const csvHref = `${townPath}/audit.csv${query ? `?${query}` : ''}`;
  return (
    <>
      <PageHeader
        title={t('audit.title', { town: town.name })}
        lead={t('audit.intro')}
        actions={
          <a href={csvHref} className="button button--secondary" download>
            {t('audit.exportCsv')}
          </a>
        }
      />
      <p>
        <Link to={townPath}>{t('audit.backToTown', { town: town.name })}</Link>
      </p>
      <ErrorSummary items={translated.summary} />
      <AuditFilterForm filters={filters} errors={translated} resetTo={`${townPath}/audit`} filtered={query !== ''} />
      {events.length === 0 ? (
        <p className="empty">{t('audit.empty')}</p>
      ) : (
        <AuditTable events={events} caption={t('audit.tableCaption', { town: town.name })} />
      )}
      <AuditPager query={query} nextCursor={nextCursor} />
    </>
  );
}

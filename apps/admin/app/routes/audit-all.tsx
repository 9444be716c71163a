import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { AuditTable } from '~/components/audit-table.tsx';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { TextField } from '~/components/field.tsx';
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
    page = await api.audit.listAcrossTowns.query({ limit: PAGE_SIZE, ...auditAcrossInput(filters), ...(cursor ? { cursor } : {}) });
  } catch (error) {
    // A bad filter is shown at its field; an unknown town in the filter is the not-found page, like everywhere.
    errors = await handleApiError(error, request);
  }
  return { provider: me.user.platformRole !== null, filters, query: auditQuery(filters), events: page.items, nextCursor: page.nextCursor, errors };
}

const FIELDS = { tenant: 'audit-town', action: 'audit-action', actorEmail: 'audit-actor', from: 'audit-from', to: 'audit-to' };

export default function AuditAcrossTowns() {
  const { provider, filters, query, events, nextCursor, errors } = useLoaderData<typeof loader>();
  const tr = useT();
  const { t } = tr;
  const translated = translateErrors(tr, errors, FIELDS);
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
      <section aria-labelledby="audit-filter-title" className="card">
        <h2 id="audit-filter-title">{t('audit.filterTitle')}</h2>
        <Form method="get" className="form" noValidate>
          <div className="form__row">
            <TextField id={FIELDS.tenant} name="town" label={t('auditAll.town')} hint={t('auditAll.townHint')} optional defaultValue={filters.town} errors={translated.byField.tenant} autoComplete="off" />
            <TextField id={FIELDS.action} name="action" label={t('audit.action')} hint={t('audit.actionHint')} optional defaultValue={filters.action} errors={translated.byField.action} autoComplete="off" />
          </div>
          <div className="form__row">
            <TextField id={FIELDS.actorEmail} name="actor" type="email" label={t('audit.actor')} optional defaultValue={filters.actor} errors={translated.byField.actorEmail} autoComplete="off" />
          </div>
          <div className="form__row">
            <TextField id={FIELDS.from} name="from" type="date" label={t('audit.from')} optional defaultValue={filters.from} errors={translated.byField.from} />
            <TextField id={FIELDS.to} name="to" type="date" label={t('audit.to')} optional defaultValue={filters.to} errors={translated.byField.to} />
          </div>
          <div className="form__actions">
            <button type="submit" className="button button--primary">
              {t('audit.filterSubmit')}
            </button>
            {query ? <Link to="/audit">{t('audit.filterReset')}</Link> : null}
          </div>
        </Form>
      </section>
      {events.length === 0 ? <p className="empty">{t('audit.empty')}</p> : <AuditTable events={events} caption={t('auditAll.tableCaption')} withTown />}
      {nextCursor ? (
        <p className="pager">
          <Link to={`?${query ? `${query}&` : ''}cursor=${encodeURIComponent(nextCursor)}`} className="button button--secondary">
            {t('audit.loadMore')}
          </Link>
        </p>
      ) : null}
    </>
  );
}

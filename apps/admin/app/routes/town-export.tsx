import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useRevalidator } from '@remix-run/react';
import { useEffect } from 'react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, mutate, requireMe } from '~/lib/api.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';

export const meta: MetaFunction<typeof loader> = (args) =>
  args.data ? pageTitle(args, 'exports.titleFor', { name: args.data.town.name }) : pageTitle(args, 'notFound.title');

/** Seconds between automatic reloads while an export runs and JavaScript is off. */
const NO_JS_REFRESH_SECONDS = 3;

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const slug = params.slug ?? '';
  const api = await apiFor(request);
  const [town, exports, billing] = await Promise.all([
    load(request, () => api.tenants.get.query({ tenant: slug })),
    load(request, () => api.exports.list.query({ tenant: slug, limit: 10 })),
    load(request, () => api.billing.status.query({ tenant: slug })),
  ]);
  return { town: { slug: town.slug, name: town.name }, exports: exports.items, readOnly: billing.readOnly !== null };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const slug = params.slug ?? '';
  const api = await apiFor(request);
  const result = await mutate(request, () => api.exports.start.mutate({ tenant: slug }));
  if (!result.ok)
    return { ok: false as const, errors: { formError: result.formError, fieldErrors: result.fieldErrors } };
  // Post/redirect/get: reloading the page (or its automatic refresh) never starts a second export.
  throw redirect(`/towns/${encodeURIComponent(slug)}/export?started=${encodeURIComponent(result.data.id)}`);
}

export default function TownExport() {
  const { town, exports, readOnly } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t, formatDate } = tr;
  const formatDateTime = (iso: string) => formatDate(iso, 'dateTime');
  const errors = translateErrors(tr, result && !result.ok ? result.errors : null, {});
  const inProgress = exports.some((e) => e.status === 'queued' || e.status === 'running');
  const revalidator = useRevalidator();

  // With JavaScript: live progress, asking the server once a second while an export runs.
  useEffect(() => {
    if (!inProgress) return;
    const timer = setInterval(() => {
      if (revalidator.state === 'idle') revalidator.revalidate();
    }, 1000);
    return () => clearInterval(timer);
  }, [inProgress, revalidator]);

  const size = (bytes: number | null) => (bytes === null ? '' : tr.formatNumber(Math.max(1, Math.round(bytes / 1024))));
  const base = `/towns/${encodeURIComponent(town.slug)}/export`;

  return (
    <>
      {inProgress ? (
        // Without JavaScript: the page reloads itself until the export is done (scripts ignore <noscript>).
        <noscript>
          <meta httpEquiv="refresh" content={String(NO_JS_REFRESH_SECONDS)} />
        </noscript>
      ) : null}
      <PageHeader
        title={t('exports.titleFor', { name: town.name })}
        lead={t('exports.lead')}
        actions={
          <Link to={`/towns/${encodeURIComponent(town.slug)}`} className="button button--ghost">
            {t('billing.backToTown')}
          </Link>
        }
      />
      {readOnly ? (
        <p className="notice" role="note">
          {t('exports.readOnlyNote')}
        </p>
      ) : null}
      <ErrorSummary items={errors.summary} />

      <section aria-labelledby="export-start-title" className="card">
        <h2 id="export-start-title">{t('exports.startTitle')}</h2>
        <p className="muted">{t('exports.contents')}</p>
        <Form method="post" className="form">
          <div className="form__actions">
            <SubmitButton label={t('exports.startSubmit')} pendingLabel={t('exports.startSubmitting')} />
          </div>
        </Form>
      </section>

      <section aria-labelledby="export-list-title" className="card">
        <h2 id="export-list-title">{t('exports.listTitle')}</h2>
        {exports.length === 0 ? (
          <p className="empty">{t('exports.empty')}</p>
        ) : (
          <ul className="export-list">
            {exports.map((e) => (
              <li key={e.id} className="export-item" data-testid="export-item">
                <p>
                  <strong>{t('exports.requestedAt', { date: formatDateTime(e.createdAt) })}</strong>
                </p>
                {e.status === 'queued' || e.status === 'running' ? (
                  <>
                    <label htmlFor={`export-${e.id}-progress`}>{t('exports.progressLabel')}</label>{' '}
                    <progress id={`export-${e.id}-progress`} max={100} value={e.progress}>
                      {e.progress} %
                    </progress>
                    <p role="status" data-testid="export-progress">
                      {t('exports.progress', {
                        percent: String(e.progress),
                        step: tr.tOr(`exports.steps.${e.step ?? 'queued'}`, e.step ?? ''),
                      })}
                    </p>
                    <noscript>
                      <p>
                        <Link to={base}>{t('exports.refresh')}</Link>
                      </p>
                    </noscript>
                  </>
                ) : e.status === 'ready' ? (
                  <p role="status" data-testid="export-ready">
                    {e.downloadable && e.expiresAt ? (
                      <>
                        {t('exports.ready', { size: size(e.sizeBytes), date: formatDateTime(e.expiresAt) })}{' '}
                        <a href={`${base}/${encodeURIComponent(e.id)}/download`} download>
                          {t('exports.download')}
                        </a>
                      </>
                    ) : (
                      t('exports.expired')
                    )}
                  </p>
                ) : (
                  <p className="field__error" role="status">
                    {tr.tKey(e.errorKey, 'errors.export.failed')}
                  </p>
                )}
              </li>
            ))}
          </ul>
        )}
        <p className="muted">{t('exports.onlyYours')}</p>
      </section>
    </>
  );
}

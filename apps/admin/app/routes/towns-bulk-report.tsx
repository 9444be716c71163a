import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useRevalidator } from '@remix-run/react';
import { useEffect } from 'react';
import { PageHeader } from '~/components/page-header.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, requirePlatformAdmin } from '~/lib/api.server.ts';
import { pageTitle } from '~/lib/meta.ts';

export const meta: MetaFunction<typeof loader> = (args) =>
  args.data ? pageTitle(args, 'bulk.reportTitle', { file: args.data.fileName }) : pageTitle(args, 'notFound.title');

/** Seconds between automatic reloads while the job runs and JavaScript is off. */
const NO_JS_REFRESH_SECONDS = 3;

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requirePlatformAdmin(request);
  const api = await apiFor(request);
  return load(request, () => api.bulkOnboarding.get.query({ id: params.id ?? '' }));
}

export default function BulkOnboardingReport() {
  const job = useLoaderData<typeof loader>();
  const tr = useT();
  const { t, formatNumber } = tr;
  const running = job.status === 'queued' || job.status === 'running';
  const revalidator = useRevalidator();

  // With JavaScript: live progress, asking the server once a second while the job runs.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      if (revalidator.state === 'idle') revalidator.revalidate();
    }, 1000);
    return () => clearInterval(timer);
  }, [running, revalidator]);

  const counted = (outcome: string) => formatNumber(job.rows.filter((r) => r.outcome === outcome).length);
  const reason = (row: (typeof job.rows)[number]) => {
    if (!row.reasonKey) return '';
    const message =
      row.reasonKey === 'errors.tenant.agsNotInRegister' && row.reasonParams?.date
        ? t('bulk.notInRegister', { date: tr.formatDate(`${row.reasonParams.date}T12:00:00Z`) })
        : tr.tKey(row.reasonKey);
    const field = row.reasonField ? tr.tOr(`bulk.fields.${row.reasonField}`, row.reasonField) : null;
    return field ? `${field}: ${message}` : message;
  };

  return (
    <>
      {running ? (
        // Without JavaScript: the page reloads itself until the job is done (scripts ignore <noscript>).
        <noscript>
          <meta httpEquiv="refresh" content={String(NO_JS_REFRESH_SECONDS)} />
        </noscript>
      ) : null}
      <PageHeader
        title={t('bulk.reportTitle', { file: job.fileName })}
        actions={
          <Link to="/towns/bulk" className="button button--ghost">
            {t('bulk.another')}
          </Link>
        }
      />
      <section aria-labelledby="bulk-progress-title" className="card">
        <h2 id="bulk-progress-title">{t('bulk.progressLabel')}</h2>
        <label htmlFor="bulk-progress">{t('bulk.progressLabel')}</label>{' '}
        <progress id="bulk-progress" max={Math.max(1, job.total)} value={job.processed}>
          {job.processed} / {job.total}
        </progress>
        <p role="status" data-testid="bulk-progress">
          {t('bulk.progress', { done: formatNumber(job.processed), total: formatNumber(job.total) })}{' '}
          {t(`bulk.status.${job.status}`)}
        </p>
        {running ? (
          <p>
            <Link to={`/towns/bulk/${encodeURIComponent(job.id)}`}>{t('bulk.refresh')}</Link>
          </p>
        ) : (
          <p data-testid="bulk-summary">
            {t('bulk.summary', { created: counted('created'), exists: counted('exists'), refused: counted('refused') })}
          </p>
        )}
      </section>
      <div className="table-wrap card">
        <table className="table" data-testid="bulk-report">
          <caption className="visually-hidden">{t('bulk.caption')}</caption>
          <thead>
            <tr>
              <th scope="col" className="num">
                {t('bulk.colLine')}
              </th>
              <th scope="col">{t('bulk.colAgs')}</th>
              <th scope="col">{t('bulk.colHub')}</th>
              <th scope="col">{t('bulk.colEmail')}</th>
              <th scope="col">{t('bulk.colOutcome')}</th>
              <th scope="col">{t('bulk.colReason')}</th>
            </tr>
          </thead>
          <tbody>
            {job.rows.map((row) => (
              <tr key={row.line}>
                <td className="num">{row.line}</td>
                <td className="mono">{row.ags}</td>
                <td>{row.hubName}</td>
                <td>{row.adminEmail}</td>
                <td>{t(`bulk.outcome.${row.outcome}`)}</td>
                <td>{reason(row)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

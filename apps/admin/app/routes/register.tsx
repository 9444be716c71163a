import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import type { MessageKey } from '~/i18n/index.ts';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, requirePlatformAdmin } from '~/lib/api.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { readCsvUpload } from '~/lib/csv-upload.server.ts';
import { keepValues, text } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { uploadCall, type UploadRefusal } from '~/lib/upload-errors.server.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'register.title');

/** The municipality register (docs/decisions/034): its date and size, and the import of a new extract. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requirePlatformAdmin(request);
  const api = await apiFor(request);
  return load(request, () => api.register.status.query({}));
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requirePlatformAdmin(request);
  const upload = await readCsvUpload(request);
  const values = upload.form ? keepValues(upload.form, ['effectiveDate', 'source']) : {};
  const refused = (refusal: UploadRefusal) => data({ ok: false as const, refusal, values }, { status: 400 });
  if (!upload.ok) return refused({ messageKey: upload.errorKey, params: {}, fieldKeys: [] });
  const api = await apiFor(request);
  const result = await uploadCall(request, () =>
    api.register.import.mutate({
      csv: upload.csv,
      effectiveDate: text(upload.form, 'effectiveDate'),
      source: text(upload.form, 'source'),
    }),
  );
  if (!result.ok) return refused(result.refusal);
  return { ok: true as const, imported: result.data };
}

export default function Register() {
  const { current } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t, formatDate, formatNumber } = tr;
  const refusal = result && !result.ok ? result.refusal : null;
  const refusalText = refusal
    ? [
        t(refusal.messageKey as MessageKey, refusal.params),
        ...refusal.fieldKeys.filter((k) => k !== refusal.messageKey).map((k) => tr.tKey(k)),
      ].join(' ')
    : null;
  return (
    <div className="narrow">
      <PageHeader
        title={t('register.title')}
        lead={t('register.lead')}
        actions={
          <Link to="/towns/new" className="button button--ghost">
            {t('towns.onboard')}
          </Link>
        }
      />
      {result?.ok ? (
        <p className="notice" role="status" data-testid="register-imported">
          {t('register.imported', {
            count: formatNumber(result.imported.rowCount),
            date: formatDate(`${result.imported.effectiveDate}T12:00:00Z`),
          })}
        </p>
      ) : null}
      <ErrorSummary items={refusalText ? [{ href: '#register-file', message: refusalText }] : []} />

      <section aria-labelledby="register-current-title" className="card">
        <h2 id="register-current-title">{t('register.current')}</h2>
        {current ? (
          <dl className="facts" data-testid="register-current">
            <dt>{t('register.effectiveDate')}</dt>
            <dd>{formatDate(`${current.effectiveDate}T12:00:00Z`)}</dd>
            <dt>{t('register.rowCount')}</dt>
            <dd>{formatNumber(current.rowCount)}</dd>
            <dt>{t('register.source')}</dt>
            <dd>{current.source}</dd>
            <dt>{t('register.importedAt')}</dt>
            <dd>{formatDate(current.importedAt, 'dateTime')}</dd>
          </dl>
        ) : (
          <p className="empty">{t('register.none')}</p>
        )}
      </section>

      <section aria-labelledby="register-upload-title" className="card">
        <h2 id="register-upload-title">{t('register.uploadTitle')}</h2>
        <Form method="post" encType="multipart/form-data" noValidate className="form">
          <TextField
            id="register-file"
            name="file"
            type="file"
            accept=".csv,text/csv"
            label={t('register.file')}
            hint={t('register.fileHint')}
            errors={refusalText ? [refusalText] : undefined}
          />
          <TextField
            id="register-date"
            name="effectiveDate"
            type="date"
            label={t('register.dateLabel')}
            hint={t('register.dateHint')}
            defaultValue={result && !result.ok ? result.values.effectiveDate : undefined}
          />
          <TextField
            id="register-source"
            name="source"
            label={t('register.sourceLabel')}
            defaultValue={(result && !result.ok ? result.values.source : undefined) ?? t('register.sourceDefault')}
            maxLength={200}
            autoComplete="off"
          />
          <div className="form__actions">
            <SubmitButton label={t('register.submit')} pendingLabel={t('register.submitting')} />
          </div>
        </Form>
      </section>
    </div>
  );
}

import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
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
import { pageTitle } from '~/lib/meta.ts';
import { uploadCall, type UploadRefusal } from '~/lib/upload-errors.server.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'bulk.title');

/** Bulk onboarding (docs/decisions/034): upload a file of towns; the job's report is its own page. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requirePlatformAdmin(request);
  const api = await apiFor(request);
  return load(request, () => api.register.status.query({}));
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requirePlatformAdmin(request);
  const upload = await readCsvUpload(request);
  const refused = (refusal: UploadRefusal) => data({ refusal }, { status: 400 });
  if (!upload.ok) return refused({ messageKey: upload.errorKey, params: {}, fieldKeys: [] });
  const api = await apiFor(request);
  const result = await uploadCall(request, () =>
    api.bulkOnboarding.start.mutate({ csv: upload.csv, fileName: upload.fileName }),
  );
  if (!result.ok) return refused(result.refusal);
  // Post/redirect/get: reloading the report never uploads the file again.
  throw redirect(`/towns/bulk/${encodeURIComponent(result.data.id)}`);
}

export default function BulkOnboarding() {
  const { current } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const refusal = result?.refusal;
  const refusalText = refusal
    ? [
        t(refusal.messageKey as MessageKey, refusal.params),
        ...refusal.fieldKeys.filter((k) => k !== refusal.messageKey).map((k) => tr.tKey(k)),
      ].join(' ') + (refusal.params.columns ? ` (${refusal.params.columns})` : '')
    : null;
  return (
    <div className="narrow">
      <PageHeader
        title={t('bulk.title')}
        lead={t('bulk.lead')}
        actions={
          <Link to="/towns" className="button button--ghost">
            {t('onboard.toList')}
          </Link>
        }
      />
      {current ? null : (
        <p className="notice" role="note">
          {t('bulk.noRegister')} <Link to="/register">{t('register.nav')}</Link>
        </p>
      )}
      <ErrorSummary items={refusalText ? [{ href: '#bulk-file', message: refusalText }] : []} />
      <Form method="post" encType="multipart/form-data" noValidate className="card form">
        <TextField
          id="bulk-file"
          name="file"
          type="file"
          accept=".csv,text/csv"
          label={t('bulk.file')}
          hint={t('bulk.fileHint')}
          errors={refusalText ? [refusalText] : undefined}
        />
        <div className="form__actions">
          <SubmitButton label={t('bulk.submit')} pendingLabel={t('bulk.submitting')} />
        </div>
      </Form>
    </div>
  );
}

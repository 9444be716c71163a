import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SSO_FIELDS, SsoConfigForm } from '~/components/sso-config-form.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, mutate, requireMe } from '~/lib/api.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { ssoConfigInput, ssoConfigValues, ssoFieldErrors } from '~/lib/sso.server.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'sso.config.partnerTitle');

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const partnerId = params.id ?? '';
  const api = await apiFor(request);
  const [partner, sso] = await Promise.all([load(request, () => api.partners.get.query({ partnerId })), load(request, () => api.sso.partnerConfig.query({ partnerId }))]);
  return { partner: { id: partner.id, name: partner.name }, config: sso.config, callbackUrl: sso.callbackUrl };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const form = await request.formData();
  const api = await apiFor(request);
  const result = await mutate(request, () => api.sso.savePartnerConfig.mutate({ partnerId: params.id ?? '', ...ssoConfigInput(form) }));
  if (!result.ok) return data({ ok: false as const, errors: { formError: result.formError, fieldErrors: ssoFieldErrors(result.fieldErrors) }, values: ssoConfigValues(form) }, { status: 400 });
  return { ok: true as const, errors: null, values: null };
}

export default function PartnerSso() {
  const { partner, config, callbackUrl } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const errors = translateErrors(tr, result && !result.ok ? result.errors : null, SSO_FIELDS);
  return (
    <>
      <PageHeader
        title={t('sso.config.partnerTitle')}
        lead={t('sso.config.partnerIntro', { name: partner.name })}
        actions={
          <Link className="button button--ghost" to={`/partners/${encodeURIComponent(partner.id)}`}>
            {t('common.back')}
          </Link>
        }
      />
      <ErrorSummary items={errors.summary} />
      {result?.ok ? (
        <p className="notice notice--success" role="status">
          {t('sso.config.saved')}
        </p>
      ) : null}
      <SsoConfigForm config={config} callbackUrl={callbackUrl} errors={errors} values={result && !result.ok ? result.values : null} withDefaultRole={false} />
    </>
  );
}

import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SSO_FIELDS, SsoConfigForm } from '~/components/sso-config-form.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, mutate, requireMe } from '~/lib/api.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { text, translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { ssoConfigInput, ssoConfigValues, ssoFieldErrors } from '~/lib/sso.server.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'sso.config.townTitle');

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const slug = params.slug ?? '';
  const api = await apiFor(request);
  // Only people who may add members see this page; for everyone else it does not exist.
  const [town, sso] = await Promise.all([load(request, () => api.tenants.get.query({ tenant: slug })), load(request, () => api.sso.townConfig.query({ tenant: slug }))]);
  return { town: { slug: town.slug, name: town.name }, config: sso.config, callbackUrl: sso.callbackUrl };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const form = await request.formData();
  const api = await apiFor(request);
  const defaultRole = text(form, 'defaultRole') === 'hub-staff' ? 'hub-staff' : 'member';
  const result = await mutate(request, () => api.sso.saveTownConfig.mutate({ tenant: params.slug ?? '', ...ssoConfigInput(form), defaultRole }));
  if (!result.ok) return data({ ok: false as const, errors: { formError: result.formError, fieldErrors: ssoFieldErrors(result.fieldErrors) }, values: ssoConfigValues(form) }, { status: 400 });
  return { ok: true as const, errors: null, values: null };
}

export default function TownSso() {
  const { town, config, callbackUrl } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const errors = translateErrors(tr, result && !result.ok ? result.errors : null, SSO_FIELDS);
  return (
    <>
      <PageHeader
        title={t('sso.config.townTitle')}
        lead={t('sso.config.townIntro', { name: town.name })}
        actions={
          <Link className="button button--ghost" to={`/towns/${encodeURIComponent(town.slug)}`}>
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
      <SsoConfigForm config={config} callbackUrl={callbackUrl} errors={errors} values={result && !result.ok ? result.values : null} withDefaultRole />
    </>
  );
}

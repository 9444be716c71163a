import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { SsoConfigPage } from '~/components/sso-config-form.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, requireMe } from '~/lib/api.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { text } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { saveSsoConfig, ssoConfigInput } from '~/lib/sso.server.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'sso.config.townTitle');

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const slug = params.slug ?? '';
  const api = await apiFor(request);
  // Only people who may add members see this page; for everyone else it does not exist.
  const [town, sso] = await Promise.all([
    load(request, () => api.tenants.get.query({ tenant: slug })),
    load(request, () => api.sso.townConfig.query({ tenant: slug })),
  ]);
  return { town: { slug: town.slug, name: town.name }, config: sso.config, callbackUrl: sso.callbackUrl };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const api = await apiFor(request);
  return saveSsoConfig(request, (form) => {
    const defaultRole = text(form, 'defaultRole') === 'hub-staff' ? 'hub-staff' : 'member';
    return api.sso.saveTownConfig.mutate({ tenant: params.slug ?? '', ...ssoConfigInput(form), defaultRole });
  });
}

export default function TownSso() {
  const { town, config, callbackUrl } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useT();
  return (
    <SsoConfigPage
      title={t('sso.config.townTitle')}
      lead={t('sso.config.townIntro', { name: town.name })}
      backTo={`/towns/${encodeURIComponent(town.slug)}`}
      config={config}
      callbackUrl={callbackUrl}
      result={result}
      withDefaultRole
    />
  );
}

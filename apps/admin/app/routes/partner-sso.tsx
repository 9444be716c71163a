import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { SsoConfigPage } from '~/components/sso-config-form.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, requireMe } from '~/lib/api.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { pageTitle } from '~/lib/meta.ts';
import { saveSsoConfig, ssoConfigInput } from '~/lib/sso.server.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'sso.config.partnerTitle');

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const partnerId = params.id ?? '';
  const api = await apiFor(request);
  const [partner, sso] = await Promise.all([
    load(request, () => api.partners.get.query({ partnerId })),
    load(request, () => api.sso.partnerConfig.query({ partnerId })),
  ]);
  return { partner: { id: partner.id, name: partner.name }, config: sso.config, callbackUrl: sso.callbackUrl };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const api = await apiFor(request);
  return saveSsoConfig(request, (form) =>
    api.sso.savePartnerConfig.mutate({ partnerId: params.id ?? '', ...ssoConfigInput(form) }),
  );
}

export default function PartnerSso() {
  const { partner, config, callbackUrl } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useT();
  return (
    <SsoConfigPage
      title={t('sso.config.partnerTitle')}
      lead={t('sso.config.partnerIntro', { name: partner.name })}
      backTo={`/partners/${encodeURIComponent(partner.id)}`}
      config={config}
      callbackUrl={callbackUrl}
      result={result}
      withDefaultRole={false}
    />
  );
}

import { data, redirect, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiErrorInfo, apiFor } from '~/lib/api.server.ts';
import { pageTitle } from '~/lib/meta.ts';
import { commitSessionToken } from '~/lib/session.server.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'sso.callback.title');

/**
 * Where the identity provider sends the browser back (a GET, by the OIDC
 * protocol). The one loader that changes state: it hands code and state to
 * the API, whose single-use, server-side state is the proof that this
 * browser started the sign-in (ADR 010). Success: the same session cookie
 * as a password sign-in.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const query = new URL(request.url).search.slice(1);
  if (!query) return data({ messageKey: 'errors.sso.invalidState' }, { status: 400 });
  const api = await apiFor(request);
  try {
    const session = await api.sso.finish.mutate({ query });
    throw redirect('/', { headers: { 'Set-Cookie': await commitSessionToken(session.token, session.expiresAt) } });
  } catch (error) {
    if (error instanceof Response) throw error;
    const info = apiErrorInfo(error);
    if (!info) throw error;
    return data(
      { messageKey: info.messageKey ?? 'errors.generic' },
      { status: info.code === 'PRECONDITION_FAILED' ? 503 : 400 },
    );
  }
}

export default function SsoCallback() {
  const { messageKey } = useLoaderData<typeof loader>();
  const tr = useT();
  const { t } = tr;
  return (
    <div className="narrow">
      <PageHeader title={t('sso.callback.title')} />
      <ErrorSummary items={[{ href: null, message: tr.tKey(messageKey, 'errors.generic') }]} />
      <p>
        <Link to="/login/sso">{t('sso.callback.again')}</Link>
      </p>
      <p>
        <Link to="/login">{t('sso.login.withPassword')}</Link>
      </p>
    </div>
  );
}

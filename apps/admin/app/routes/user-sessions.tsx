import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiErrorInfo, apiFor, mutate, notFound, requireMe } from '~/lib/api.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { keepValues, text, translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'userSessions.title');

/** The provider's admins only; for everyone else the page does not exist. */
async function requirePlatformAdmin(request: Request) {
  const me = await requireMe(request);
  if (me.user.platformRole !== 'platform-admin') throw notFound();
  return me;
}

/** A search is a GET (it changes nothing): ?email=… shows the account and its active sessions. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requirePlatformAdmin(request);
  const params = new URL(request.url).searchParams;
  const email = params.get('email')?.trim() ?? '';
  const endedParam = Number(params.get('ended'));
  const ended = params.has('ended') && Number.isInteger(endedParam) && endedParam >= 0 ? endedParam : null;
  if (!email) return { email, user: null, lookupError: null, ended };
  const api = await apiFor(request);
  try {
    return { email, user: await api.sessions.lookupUser.query({ email }), lookupError: null, ended };
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.code === 'NOT_FOUND') return { email, user: null, lookupError: 'userSessions.noAccount', ended };
    if (info?.code === 'BAD_REQUEST') return { email, user: null, lookupError: 'validation.email', ended };
    throw error;
  }
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requirePlatformAdmin(request);
  const form = await request.formData();
  const userId = text(form, 'userId');
  const reason = text(form, 'reason');
  const api = await apiFor(request);
  const result = await mutate(request, () => api.auth.revokeUserSessions.mutate({ userId, reason }));
  if (!result.ok)
    return data(
      {
        errors: { formError: result.formError, fieldErrors: result.fieldErrors },
        values: keepValues(form, ['reason']),
      },
      { status: 400 },
    );
  const email = text(form, 'email');
  throw redirect(`/users/sessions?email=${encodeURIComponent(email)}&ended=${result.data.sessionsEnded}`);
}

const FIELDS = { email: 'user-sessions-email', reason: 'user-sessions-reason' };

export default function UserSessions() {
  const { email, user, lookupError, ended } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const errors = translateErrors(tr, result?.errors, FIELDS);
  return (
    <div className="narrow">
      <PageHeader title={t('userSessions.title')} lead={t('userSessions.intro')} />
      <ErrorSummary items={errors.summary} />
      <Form method="get" className="card form" role="search" aria-label={t('userSessions.searchLabel')}>
        <TextField
          id={FIELDS.email}
          name="email"
          type="email"
          label={t('userSessions.email')}
          defaultValue={email}
          errors={lookupError ? [tr.tKey(lookupError, 'errors.notFound')] : undefined}
        />
        <div className="form__actions">
          <button type="submit" className="button button--secondary">
            {t('userSessions.search')}
          </button>
        </div>
      </Form>
      {ended !== null ? (
        <p className="notice notice--success" role="status">
          {t('userSessions.ended', { count: ended })}
        </p>
      ) : null}
      {user ? (
        <section className="card" aria-labelledby="user-sessions-account">
          <h2 id="user-sessions-account">{user.name}</h2>
          <dl className="facts">
            <dt>{t('userSessions.email')}</dt>
            <dd>{user.email}</dd>
            <dt>{t('userSessions.active')}</dt>
            <dd data-testid="active-sessions">{user.activeSessions}</dd>
            <dt>{t('userSessions.secondFactor')}</dt>
            <dd>{user.secondFactor ? t('common.yes') : t('common.no')}</dd>
          </dl>
          <Form method="post" noValidate className="form">
            <input type="hidden" name="userId" value={user.id} />
            <input type="hidden" name="email" value={user.email} />
            <TextField
              id={FIELDS.reason}
              name="reason"
              label={t('userSessions.reason')}
              hint={t('userSessions.reasonHint')}
              defaultValue={result?.values.reason}
              errors={errors.byField.reason}
            />
            <div className="form__actions">
              <SubmitButton label={t('userSessions.revoke')} pendingLabel={t('common.pleaseWait')} />
            </div>
          </Form>
        </section>
      ) : null}
    </div>
  );
}

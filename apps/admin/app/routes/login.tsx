import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiErrorInfo, apiFor, getMe, homePath } from '~/lib/api.server.ts';
import { keepValues, text, translateErrors, type FormErrorKeys } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { commitChallenge, commitSessionToken, safeRedirectPath } from '~/lib/session.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'login.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const me = await getMe(request);
  if (me) throw redirect(homePath(me));
  const redirectTo = new URL(request.url).searchParams.get('redirectTo');
  return {
    redirectTo: safeRedirectPath(redirectTo, ''),
    passwordChanged: new URL(request.url).searchParams.get('reset') === '1',
  };
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const form = await request.formData();
  const email = text(form, 'email');
  const password = typeof form.get('password') === 'string' ? (form.get('password') as string) : '';
  const values = keepValues(form, ['email']);
  const fail = (errors: FormErrorKeys) => data({ errors, values }, { status: 400 });

  const missing: Record<string, string[]> = {};
  if (!email) missing.email = ['validation.required'];
  if (!password) missing.password = ['validation.required'];
  if (Object.keys(missing).length > 0) return fail({ formError: null, fieldErrors: missing });

  const api = await apiFor(request);
  try {
    const result = await api.auth.signIn.mutate({ email, password });
    const target = safeRedirectPath(form.get('redirectTo'));
    if (result.status === 'second-factor-required') {
      // No session yet: the code is asked on the next page (ADR 012).
      throw redirect('/login/second-factor', {
        headers: { 'Set-Cookie': await commitChallenge({ challenge: result.challenge, redirectTo: target }) },
      });
    }
    throw redirect(target, { headers: { 'Set-Cookie': await commitSessionToken(result.token, result.expiresAt) } });
  } catch (error) {
    if (error instanceof Response) throw error;
    const info = apiErrorInfo(error);
    if (!info) throw error;
    if (info.code === 'TOO_MANY_REQUESTS') {
      // Rounded up: "in 1 minute" rather than "in 0 minutes".
      const retryAfterMinutes = Math.max(1, Math.ceil((info.retryAfterSeconds ?? 60) / 60));
      return data(
        {
          errors: { formError: 'errors.tooManyRequests', fieldErrors: {} } as FormErrorKeys,
          values,
          retryAfterMinutes,
        },
        { status: 429, headers: { 'Retry-After': String(info.retryAfterSeconds ?? 60) } },
      );
    }
    if (
      info.code === 'UNAUTHORIZED' ||
      info.code === 'BAD_REQUEST' ||
      info.code === 'NOT_FOUND' ||
      info.code === 'FORBIDDEN'
    ) {
      // One message for every way credentials can be wrong: it never tells whether an account exists.
      return fail({ formError: 'errors.auth.invalidCredentials', fieldErrors: {} });
    }
    throw error;
  }
}

const FIELDS = { email: 'login-email', password: 'login-password' };

export default function Login() {
  const { redirectTo, passwordChanged } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const errors = translateErrors(tr, result?.errors, FIELDS);
  const retryAfterMinutes =
    result && 'retryAfterMinutes' in result && typeof result.retryAfterMinutes === 'number'
      ? result.retryAfterMinutes
      : null;
  const summary = retryAfterMinutes
    ? [{ href: null, message: t('errors.auth.tooManyAttempts', { minutes: retryAfterMinutes }) }]
    : errors.summary;
  return (
    <div className="narrow">
      <PageHeader title={t('login.title')} lead={t('login.intro')} />
      <ErrorSummary items={summary} />
      {passwordChanged ? (
        <p className="notice notice--success" role="status">
          {t('passwordReset.done')}
        </p>
      ) : null}
      <Form method="post" noValidate className="card form">
        {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}
        <TextField
          id={FIELDS.email}
          name="email"
          type="email"
          label={t('login.email')}
          autoComplete="username"
          defaultValue={result?.values.email}
          errors={errors.byField.email}
        />
        <TextField
          id={FIELDS.password}
          name="password"
          type="password"
          label={t('login.password')}
          autoComplete="current-password"
          errors={errors.byField.password}
        />
        <div className="form__actions">
          <SubmitButton label={t('login.submit')} pendingLabel={t('login.submitting')} />
        </div>
      </Form>
      <p>
        <Link to="/forgot-password">{t('passwordReset.forgot')}</Link>
      </p>
      <p>
        <Link to="/login/sso" className="button button--secondary">
          {t('sso.login.link')}
        </Link>
      </p>
    </div>
  );
}

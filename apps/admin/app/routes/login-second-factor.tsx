import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiErrorInfo, apiFor } from '~/lib/api.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { text, translateErrors, type FormErrorKeys } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { clearChallenge, commitSessionToken, readChallenge } from '~/lib/session.server.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'secondFactor.loginTitle');

/** Only reachable with a challenge from the password step; otherwise back to the start. */
export async function loader({ request }: LoaderFunctionArgs) {
  if (!(await readChallenge(request))) throw redirect('/login');
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const pending = await readChallenge(request);
  if (!pending) throw redirect('/login');
  const form = await request.formData();
  const code = text(form, 'code');
  const fail = (errors: FormErrorKeys, status = 400, extra: { retryAfterMinutes?: number; restart?: boolean } = {}) =>
    data({ errors, ...extra }, { status });
  if (!code) return fail({ formError: null, fieldErrors: { code: ['validation.required'] } });

  const api = await apiFor(request);
  try {
    const session = await api.mfa.completeSignIn.mutate({ challenge: pending.challenge, code });
    const headers = new Headers();
    headers.append('Set-Cookie', await commitSessionToken(session.token, session.expiresAt));
    headers.append('Set-Cookie', await clearChallenge());
    throw redirect(pending.redirectTo, { headers });
  } catch (error) {
    if (error instanceof Response) throw error;
    const info = apiErrorInfo(error);
    if (!info) throw error;
    if (info.code === 'TOO_MANY_REQUESTS') {
      const retryAfterMinutes = Math.max(1, Math.ceil((info.retryAfterSeconds ?? 60) / 60));
      return fail({ formError: 'errors.tooManyRequests', fieldErrors: {} }, 429, { retryAfterMinutes });
    }
    if (info.messageKey === 'errors.mfa.challengeExpired') {
      // Used up, expired or five wrong codes: the password is asked again.
      return data(
        { errors: { formError: 'errors.mfa.challengeExpired', fieldErrors: {} }, restart: true },
        { status: 400, headers: { 'Set-Cookie': await clearChallenge() } },
      );
    }
    if (info.code === 'UNAUTHORIZED' || info.code === 'BAD_REQUEST')
      return fail({ formError: null, fieldErrors: { code: ['errors.mfa.invalidCode'] } });
    throw error;
  }
}

const FIELDS = { code: 'second-factor-code' };

export default function LoginSecondFactor() {
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
  const restart = Boolean(result && 'restart' in result && result.restart);
  return (
    <div className="narrow">
      <PageHeader title={t('secondFactor.loginTitle')} lead={t('secondFactor.loginIntro')} />
      <ErrorSummary items={summary} />
      {restart ? (
        <p>
          <Link to="/login">{t('secondFactor.loginAgain')}</Link>
        </p>
      ) : (
        <Form method="post" noValidate className="card form">
          <TextField
            id={FIELDS.code}
            name="code"
            label={t('secondFactor.code')}
            hint={t('secondFactor.codeHint')}
            autoComplete="one-time-code"
            inputMode="text"
            autoCapitalize="off"
            spellCheck={false}
            errors={errors.byField.code}
          />
          <div className="form__actions">
            <SubmitButton label={t('secondFactor.loginSubmit')} pendingLabel={t('login.submitting')} />
          </div>
        </Form>
      )}
      <p>
        <Link to="/login">{t('secondFactor.cancel')}</Link>
      </p>
    </div>
  );
}

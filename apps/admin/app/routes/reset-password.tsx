import { data, redirect, type ActionFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, mutate } from '~/lib/api.server.ts';
import { translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'passwordReset.title');

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const form = await request.formData();
  const password = typeof form.get('password') === 'string' ? (form.get('password') as string) : '';
  const api = await apiFor(request);
  const result = await mutate(request, () => api.auth.resetPassword.mutate({ token: params.token ?? '', password }));
  // Never echo the password back into the form.
  if (!result.ok)
    return data({ errors: { formError: result.formError, fieldErrors: result.fieldErrors } }, { status: 400 });
  // Every session of the account has ended: sign in again with the new password.
  throw redirect('/login?reset=1');
}

const FIELDS = { password: 'reset-password' };

export default function ResetPassword() {
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const errors = translateErrors(tr, result?.errors, FIELDS);
  // A bad token is an error of the link, not of the field: offer a new link.
  const tokenProblem =
    Boolean(result?.errors.fieldErrors.token) || Boolean(result?.errors.formError?.startsWith('errors.passwordReset.'));
  return (
    <div className="narrow">
      <PageHeader title={t('passwordReset.title')} lead={t('passwordReset.intro')} />
      <ErrorSummary items={errors.summary} />
      {tokenProblem ? (
        <p>
          <Link to="/forgot-password">{t('passwordReset.requestAgain')}</Link>
        </p>
      ) : null}
      <Form method="post" noValidate className="card form">
        <TextField
          id={FIELDS.password}
          name="password"
          type="password"
          label={t('passwordReset.newPassword')}
          hint={t('passwordReset.newPasswordHint')}
          autoComplete="new-password"
          errors={errors.byField.password}
        />
        <div className="form__actions">
          <SubmitButton label={t('passwordReset.submit')} pendingLabel={t('common.pleaseWait')} />
        </div>
      </Form>
    </div>
  );
}

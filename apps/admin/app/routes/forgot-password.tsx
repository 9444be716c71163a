import { data, type ActionFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, mutate } from '~/lib/api.server.ts';
import { keepValues, text, translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'passwordReset.requestTitle');

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const form = await request.formData();
  const api = await apiFor(request);
  const result = await mutate(request, () => api.auth.requestPasswordReset.mutate({ email: text(form, 'email') }));
  if (!result.ok)
    return data(
      {
        sent: false as const,
        errors: { formError: result.formError, fieldErrors: result.fieldErrors },
        values: keepValues(form, ['email']),
      },
      { status: 400 },
    );
  // The API answers the same for every address; so does this page.
  return { sent: true as const, errors: null, values: {} as Record<string, string> };
}

const FIELDS = { email: 'reset-email' };

export default function ForgotPassword() {
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const errors = translateErrors(tr, result?.errors, FIELDS);
  return (
    <div className="narrow">
      <PageHeader title={t('passwordReset.requestTitle')} lead={t('passwordReset.requestIntro')} />
      <ErrorSummary items={errors.summary} />
      {result?.sent ? (
        <p className="notice notice--success" role="status">
          {t('passwordReset.requestSent')}
        </p>
      ) : (
        <Form method="post" noValidate className="card form">
          <TextField
            id={FIELDS.email}
            name="email"
            type="email"
            label={t('login.email')}
            autoComplete="username"
            defaultValue={result?.values.email}
            errors={errors.byField.email}
          />
          <div className="form__actions">
            <SubmitButton label={t('passwordReset.requestSubmit')} pendingLabel={t('common.pleaseWait')} />
          </div>
        </Form>
      )}
      <p>
        <Link to="/login">{t('passwordReset.backToLogin')}</Link>
      </p>
    </div>
  );
}

import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiErrorInfo, apiFor, getMe, homePath } from '~/lib/api.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { keepValues, optionalText, text, translateErrors, type FormErrorKeys } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'sso.login.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const me = await getMe(request);
  if (me) throw redirect(homePath(me));
  return null;
}

/** Finds the user's provider (by email domain, or the named town) and sends the browser there. */
export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const form = await request.formData();
  const email = text(form, 'email');
  const tenant = optionalText(form, 'tenant');
  const values = keepValues(form, ['email', 'tenant']);
  const fail = (errors: FormErrorKeys, status = 400) => data({ errors, values }, { status });
  if (!email) return fail({ formError: null, fieldErrors: { email: ['validation.required'] } });
  const api = await apiFor(request);
  try {
    const { authorizationUrl } = await api.sso.start.mutate({ email, ...(tenant ? { tenant } : {}) });
    throw redirect(authorizationUrl);
  } catch (error) {
    if (error instanceof Response) throw error;
    const info = apiErrorInfo(error);
    if (!info) throw error;
    if (Object.keys(info.fieldErrors).length > 0) return fail({ formError: null, fieldErrors: info.fieldErrors });
    return fail(
      { formError: info.messageKey ?? 'errors.generic', fieldErrors: {} },
      info.code === 'PRECONDITION_FAILED' ? 503 : 400,
    );
  }
}

const FIELDS = { email: 'sso-email', tenant: 'sso-tenant' };

export default function LoginSso() {
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const errors = translateErrors(tr, result?.errors, FIELDS);
  return (
    <div className="narrow">
      <PageHeader title={t('sso.login.title')} lead={t('sso.login.intro')} />
      <ErrorSummary items={errors.summary} />
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
        <TextField
          id={FIELDS.tenant}
          name="tenant"
          label={t('sso.login.tenant')}
          hint={t('sso.login.tenantHint')}
          optional
          autoComplete="off"
          defaultValue={result?.values.tenant}
          errors={errors.byField.tenant}
        />
        <div className="form__actions">
          <SubmitButton label={t('sso.login.submit')} pendingLabel={t('sso.login.submitting')} />
        </div>
      </Form>
      <p>
        <Link to="/login">{t('sso.login.withPassword')}</Link>
      </p>
    </div>
  );
}

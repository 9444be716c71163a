import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, mutate, requireMe } from '~/lib/api.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'account.passwordTitle');

export async function loader({ request }: LoaderFunctionArgs) {
  await requireMe(request);
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const form = await request.formData();
  const value = (name: string) => (typeof form.get(name) === 'string' ? (form.get(name) as string) : '');
  const currentPassword = value('currentPassword');
  const newPassword = value('newPassword');
  if (newPassword !== value('repeatPassword')) {
    return data(
      {
        ok: false as const,
        ended: 0,
        errors: { formError: null, fieldErrors: { repeatPassword: ['validation.password.mismatch'] } },
      },
      { status: 400 },
    );
  }
  const api = await apiFor(request);
  const result = await mutate(request, () => api.auth.changePassword.mutate({ currentPassword, newPassword }));
  if (!result.ok)
    return data(
      { ok: false as const, ended: 0, errors: { formError: result.formError, fieldErrors: result.fieldErrors } },
      { status: 400 },
    );
  return { ok: true as const, ended: result.data.otherSessionsEnded, errors: null };
}

const FIELDS = { currentPassword: 'password-current', newPassword: 'password-new', repeatPassword: 'password-repeat' };

export default function AccountPassword() {
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const errors = translateErrors(tr, result?.errors, FIELDS);
  return (
    <div className="narrow">
      <PageHeader title={t('account.passwordTitle')} lead={t('account.passwordIntro')} />
      {result?.ok ? (
        <p className="notice notice--success" role="status">
          {t('account.passwordChanged', { count: result.ended })}
        </p>
      ) : null}
      <ErrorSummary items={errors.summary} />
      <Form method="post" noValidate className="card form" key={result?.ok ? 'done' : 'form'}>
        <TextField
          id={FIELDS.currentPassword}
          name="currentPassword"
          type="password"
          label={t('account.currentPassword')}
          autoComplete="current-password"
          errors={errors.byField.currentPassword}
        />
        <TextField
          id={FIELDS.newPassword}
          name="newPassword"
          type="password"
          label={t('account.newPassword')}
          hint={t('invite.passwordHint')}
          autoComplete="new-password"
          errors={errors.byField.newPassword}
        />
        <TextField
          id={FIELDS.repeatPassword}
          name="repeatPassword"
          type="password"
          label={t('account.repeatPassword')}
          autoComplete="new-password"
          errors={errors.byField.repeatPassword}
        />
        <div className="form__actions">
          <SubmitButton label={t('account.passwordSubmit')} pendingLabel={t('account.passwordSubmitting')} />
        </div>
      </Form>
    </div>
  );
}

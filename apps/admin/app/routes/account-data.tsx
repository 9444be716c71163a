import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, mutate, requireMe } from '~/lib/api.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { text, translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { destroySessionCookie } from '~/lib/session.server.ts';

/**
 * "Mein Konto → Meine Daten" (docs/decisions/027): download everything about
 * oneself across towns, or delete the account after signing in again
 * (password, plus the second factor if it is on, plus the typed address).
 */
export const meta: MetaFunction = (args) => pageTitle(args, 'myData.title');

export async function loader({ request }: LoaderFunctionArgs) {
  const me = await requireMe(request);
  const api = await apiFor(request);
  const check = await load(request, () => api.account.deletionCheck.query({}));
  return { email: me.user.email, check };
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const form = await request.formData();
  const code = text(form, 'code');
  const api = await apiFor(request);
  const result = await mutate(request, () =>
    api.account.delete.mutate({
      password: typeof form.get('password') === 'string' ? (form.get('password') as string) : '',
      confirmEmail: text(form, 'confirmEmail'),
      ...(code ? { code } : {}),
    }),
  );
  if (!result.ok)
    return data(
      {
        errors: { formError: result.formError, fieldErrors: result.fieldErrors },
        confirmEmail: text(form, 'confirmEmail'),
      },
      { status: 400 },
    );
  // The account and all its sessions are gone: this browser's cookie goes too.
  throw redirect('/account/deleted', { headers: { 'Set-Cookie': await destroySessionCookie(request) } });
}

const FIELDS = { password: 'delete-password', code: 'delete-code', confirmEmail: 'delete-confirm-email' };

export default function AccountData() {
  const { email, check } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const errors = translateErrors(tr, result?.errors, FIELDS);
  const blocked = check.platformRole || check.towns.length > 0 || check.partners.length > 0;
  return (
    <div className="narrow">
      <PageHeader title={t('myData.title')} lead={t('myData.intro')} />
      <section className="card" aria-labelledby="my-data-export">
        <h2 id="my-data-export">{t('myData.exportHeading')}</h2>
        <p>{t('myData.exportText')}</p>
        <Form method="post" action="/account/data/export" reloadDocument>
          <button type="submit" className="button button--secondary">
            {t('myData.exportSubmit')}
          </button>
        </Form>
      </section>
      <section className="card" aria-labelledby="my-data-delete">
        <h2 id="my-data-delete">{t('myData.deleteHeading')}</h2>
        <p>{t('myData.deleteText')}</p>
        <p>{t('myData.keptText')}</p>
        {blocked ? (
          <div className="notice notice--warning" role="status">
            <p>
              <strong>{t('myData.blockedHeading')}</strong>
            </p>
            {check.platformRole ? <p>{t('myData.blockedProvider')}</p> : null}
            {check.towns.length > 0 ? (
              <p>{t('myData.blockedTowns', { names: check.towns.map((x) => x.name).join(', ') })}</p>
            ) : null}
            {check.partners.length > 0 ? (
              <p>{t('myData.blockedPartners', { names: check.partners.map((x) => x.name).join(', ') })}</p>
            ) : null}
          </div>
        ) : !check.hasPassword ? (
          <p className="notice notice--warning" role="status">
            {t('myData.noPassword')}
          </p>
        ) : (
          <>
            <ErrorSummary items={errors.summary} />
            <Form method="post" noValidate className="form">
              <TextField
                id={FIELDS.password}
                name="password"
                type="password"
                label={t('myData.password')}
                autoComplete="current-password"
                required
                errors={errors.byField.password}
              />
              {check.secondFactor ? (
                <TextField
                  id={FIELDS.code}
                  name="code"
                  label={t('myData.code')}
                  autoComplete="one-time-code"
                  inputMode="numeric"
                  required
                  errors={errors.byField.code}
                />
              ) : null}
              <TextField
                id={FIELDS.confirmEmail}
                name="confirmEmail"
                type="email"
                label={t('myData.confirmEmail')}
                hint={t('myData.confirmEmailHint', { email })}
                autoComplete="off"
                required
                defaultValue={result?.confirmEmail ?? ''}
                errors={errors.byField.confirmEmail}
              />
              <div className="form__actions">
                <SubmitButton label={t('myData.deleteSubmit')} pendingLabel={t('myData.deleteSubmitting')} />
              </div>
            </Form>
          </>
        )}
      </section>
    </div>
  );
}

import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, getMe, load, mutate } from '~/lib/api.server.ts';
import { keepValues, text, translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { commitSessionToken } from '~/lib/session.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'invite.title');

export async function loader({ request, params }: LoaderFunctionArgs) {
  const api = await apiFor(request);
  const [invitation, me] = await Promise.all([
    load(request, () => api.invitations.preview.query({ token: params.token ?? '' })),
    getMe(request),
  ]);
  // Only the holder of the mailed link sees this page; who is signed in decides what it offers.
  return { invitation, signedInAs: me?.user.email ?? null, path: new URL(request.url).pathname };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const form = await request.formData();
  const api = await apiFor(request);
  // An existing account joins with its session ("join"); a pending one sets its name and password.
  const joining = text(form, 'intent') === 'join';
  const password = typeof form.get('password') === 'string' ? (form.get('password') as string) : '';
  const result = await mutate(request, () =>
    api.invitations.accept.mutate({
      token: params.token ?? '',
      ...(joining ? {} : { ...(form.has('name') ? { name: text(form, 'name') } : {}), password }),
    }),
  );
  if (!result.ok) {
    return data(
      { errors: { formError: result.formError, fieldErrors: result.fieldErrors }, values: keepValues(form, ['name']) },
      { status: 400 },
    );
  }
  if (result.data.status === 'joined') throw redirect('/');
  throw redirect('/', {
    headers: { 'Set-Cookie': await commitSessionToken(result.data.token, result.data.expiresAt) },
  });
}

const FIELDS = { name: 'invite-name', password: 'invite-password' };

export default function Invite() {
  const { invitation, signedInAs, path } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const errors = translateErrors(tr, result?.errors, FIELDS);
  const target =
    invitation.target.kind === 'tenant'
      ? t('invite.forTenant', { name: invitation.target.name })
      : t('invite.forPartner', { name: invitation.target.name });

  if (invitation.status !== 'open') {
    return (
      <div className="narrow">
        <PageHeader title={t('invite.title')} />
        <div className="card notice notice--warning">
          <p>{target}</p>
          <p>
            <strong>{t(`invite.${invitation.status}`)}</strong>
          </p>
          <p>
            <Link to="/login" className="button button--primary">
              {t('invite.toLogin')}
            </Link>
          </p>
        </div>
      </div>
    );
  }

  // An account that can already sign in joins only while signed in as itself (ADR 023).
  if (invitation.existingAccount) {
    const signedInAsInvitee = signedInAs?.toLowerCase() === invitation.email.toLowerCase();
    return (
      <div className="narrow">
        <PageHeader title={t('invite.title')} lead={target} />
        <ErrorSummary items={errors.summary} />
        <div className="card form">
          <p>{t('invite.asRole', { role: tr.tOr(`roles.${invitation.role}`, invitation.role) })}</p>
          {signedInAsInvitee ? (
            <Form method="post" noValidate>
              <input type="hidden" name="intent" value="join" />
              <p>{t('invite.joinAs', { email: invitation.email })}</p>
              <div className="form__actions">
                <SubmitButton label={t('invite.join')} pendingLabel={t('invite.submitting')} />
              </div>
            </Form>
          ) : (
            <>
              <p id="invite-sign-in-first">
                <strong>{t('invite.signInFirst', { email: invitation.email })}</strong>
              </p>
              <p>
                {signedInAs
                  ? t('invite.signInAsOther', { current: signedInAs, email: invitation.email })
                  : t('invite.signInFirstHint')}
              </p>
              {signedInAs ? null : (
                <p>
                  <Link to={`/login?redirectTo=${encodeURIComponent(path)}`} className="button button--primary">
                    {t('invite.signIn')}
                  </Link>
                </p>
              )}
            </>
          )}
        </div>
      </div>
    );
  }

  return (
    <div className="narrow">
      <PageHeader title={t('invite.title')} lead={target} />
      <ErrorSummary items={errors.summary} />
      <Form method="post" noValidate className="card form">
        <p>{t('invite.asRole', { role: tr.tOr(`roles.${invitation.role}`, invitation.role) })}</p>
        <TextField
          id="invite-email"
          name="email"
          type="email"
          label={t('invite.email')}
          value={invitation.email}
          readOnly
          optional={false}
          autoComplete="username"
        />
        <input type="hidden" name="intent" value="activate" />
        <TextField
          id={FIELDS.name}
          name="name"
          label={t('invite.name')}
          defaultValue={result?.values.name}
          errors={errors.byField.name}
          autoComplete="name"
        />
        <TextField
          id={FIELDS.password}
          name="password"
          type="password"
          label={t('invite.password')}
          hint={t('invite.passwordHint')}
          minLength={12}
          errors={errors.byField.password}
          autoComplete="new-password"
        />
        <div className="form__actions">
          <SubmitButton label={t('invite.submit')} pendingLabel={t('invite.submitting')} />
        </div>
      </Form>
    </div>
  );
}

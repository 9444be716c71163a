import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { SelectField, TextField } from '~/components/field.tsx';
import { InvitationLink } from '~/components/invitation-link.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { RevokeInvitation } from '~/components/revoke-invitation.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, mutate, notFound, requireMe } from '~/lib/api.server.ts';
import { keepValues, text, translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'staff.title');

const ROLES = ['town-admin', 'hub-manager', 'hub-staff', 'member'] as const;
type InvitableRole = (typeof ROLES)[number];

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const slug = params.slug ?? '';
  const api = await apiFor(request);
  // Only people who may invite see this page; for everyone else it does not exist.
  const [town, invitations] = await Promise.all([load(request, () => api.tenants.get.query({ tenant: slug })), load(request, () => api.staff.invitations.query({ tenant: slug }))]);
  // Town admins offer every role and any hub; hub managers hub staff into their own hubs.
  const hubs = invitations.townWide ? town.hubs : town.hubs.filter((h) => invitations.hubIds.includes(h.id));
  return { town: { slug: town.slug, name: town.name }, invitations: invitations.items, townWide: invitations.townWide, hubs: hubs.map((h) => ({ id: h.id, name: h.name })) };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const slug = params.slug ?? '';
  const form = await request.formData();
  const intent = text(form, 'intent');
  const api = await apiFor(request);
  if (intent === 'invite') {
    const role = text(form, 'role') as InvitableRole;
    const hubId = text(form, 'hubId');
    const result = await mutate(request, () => api.staff.invite.mutate({ tenant: slug, email: text(form, 'email'), role, ...(hubId ? { hubId } : {}) }));
    if (!result.ok) return data({ ok: false as const, intent, errors: { formError: result.formError, fieldErrors: result.fieldErrors }, values: keepValues(form, ['email', 'role', 'hubId']), invitationUrl: null }, { status: 400 });
    return { ok: true as const, intent, errors: null, values: {}, invitationUrl: new URL(result.data.invitationUrl, request.url).toString() };
  }
  if (intent === 'revoke') {
    const result = await mutate(request, () => api.staff.revokeInvitation.mutate({ tenant: slug, invitationId: text(form, 'invitationId') }));
    if (!result.ok) return data({ ok: false as const, intent, errors: { formError: result.formError, fieldErrors: result.fieldErrors }, values: {}, invitationUrl: null }, { status: 400 });
    return { ok: true as const, intent, errors: null, values: {}, invitationUrl: null };
  }
  throw notFound();
}

export default function TownStaff() {
  const { town, invitations, townWide, hubs } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t, formatDate } = tr;
  const fields = { email: 'invite-email', role: 'invite-role', hubId: 'invite-hub' };
  const roles = townWide ? ROLES : (['hub-staff'] as const);
  const hubName = (id: string | null) => hubs.find((h) => h.id === id)?.name ?? null;
  const errors = translateErrors(tr, result && !result.ok ? result.errors : null, fields);
  const values: Record<string, string> = result && !result.ok ? result.values : {};
  return (
    <>
      <PageHeader
        title={t('staff.title')}
        lead={t('staff.intro', { name: town.name })}
        actions={
          <Link className="button button--ghost" to={`/towns/${encodeURIComponent(town.slug)}`}>
            {t('common.back')}
          </Link>
        }
      />
      <ErrorSummary items={errors.summary} />
      {result?.ok && result.intent === 'invite' && result.invitationUrl ? (
        <section className="notice notice--success" role="status" aria-live="polite">
          <p>{t('staff.invited')}</p>
          <InvitationLink id="invitation-link" label={t('onboard.invitationLink')} url={result.invitationUrl} />
        </section>
      ) : null}
      {result?.ok && result.intent === 'revoke' ? (
        <p className="notice notice--success" role="status">
          {t('staff.revoked')}
        </p>
      ) : null}

      <section aria-labelledby="invite-title" className="card">
        <h2 id="invite-title">{t('staff.invite')}</h2>
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="invite" />
          <TextField id={fields.email} name="email" type="email" autoComplete="off" label={t('staff.email')} errors={errors.byField.email} defaultValue={values.email ?? ''} />
          <SelectField
            id={fields.role}
            name="role"
            label={t('staff.role')}
            errors={errors.byField.role}
            options={roles.map((r) => ({ value: r, label: t(`staff.roles.${r}`) }))}
            defaultValue={values.role ?? (townWide ? 'member' : 'hub-staff')}
          />
          {hubs.length > 0 ? (
            <SelectField
              id={fields.hubId}
              name="hubId"
              label={t('staff.hub')}
              hint={t('staff.hubHint')}
              optional={townWide}
              errors={errors.byField.hubId}
              options={hubs.map((h) => ({ value: h.id, label: h.name }))}
              {...(townWide ? { placeholder: t('staff.noHub') } : {})}
              defaultValue={values.hubId ?? (townWide ? '' : hubs[0]?.id)}
            />
          ) : null}
          <SubmitButton label={t('staff.inviteSubmit')} pendingLabel={t('staff.inviteSubmitting')} />
        </Form>
      </section>

      <section aria-labelledby="invitations-title" className="card">
        <h2 id="invitations-title">{t('staff.invitations')}</h2>
        {invitations.length === 0 ? (
          <p className="empty">{t('staff.invitationsEmpty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">{t('staff.invitations')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('staff.email')}</th>
                  <th scope="col">{t('staff.role')}</th>
                  <th scope="col">{t('staff.status')}</th>
                  <th scope="col">{t('staff.expires')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('staff.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {invitations.map((i) => (
                  <tr key={i.id}>
                    <th scope="row">{i.email}</th>
                    <td>
                      {t(`staff.roles.${i.role}`)}
                      {hubName(i.hubId) ? <div className="muted">{hubName(i.hubId)}</div> : null}
                    </td>
                    <td>{t(`staff.statuses.${i.status}`)}</td>
                    <td>{formatDate(i.expiresAt, 'dateTime')}</td>
                    <td>
                      <RevokeInvitation invitation={i} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

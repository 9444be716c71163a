import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { SelectField, TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { RevokeInvitation } from '~/components/revoke-invitation.tsx';
import { TownMembers, type MemberRow } from '~/components/town-members.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiErrorInfo, apiFor, load, mutate, notFound, requireMe } from '~/lib/api.server.ts';
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
  const url = new URL(request.url);
  const after = url.searchParams.get('after');
  // The members (to change roles and remove people) only for those who manage the whole town: a hub manager's FORBIDDEN is "no list".
  const membersQuery = api.staff.members
    .query({ tenant: slug, limit: 50, ...(after && /^[0-9a-f-]{36}$/i.test(after) ? { cursor: after } : {}) })
    .catch((error: unknown) => {
      if (apiErrorInfo(error)?.code === 'FORBIDDEN') return null;
      throw error;
    });
  const [town, invitations, members] = await Promise.all([
    load(request, () => api.tenants.get.query({ tenant: slug })),
    load(request, () => api.staff.invitations.query({ tenant: slug })),
    load(request, () => membersQuery),
  ]);
  // Town admins offer every role and any hub; hub managers hub staff into their own hubs.
  const hubs = invitations.townWide ? town.hubs : town.hubs.filter((h) => invitations.hubIds.includes(h.id));
  // "Remove …" asks first (works without JavaScript): ?remove=<membershipId> shows the confirmation.
  const removing =
    members?.items.find((m) => m.membershipId === url.searchParams.get('remove') && m.manageable) ?? null;
  return {
    town: { slug: town.slug, name: town.name },
    invitations: invitations.items,
    townWide: invitations.townWide,
    hubs: hubs.map((h) => ({ id: h.id, name: h.name })),
    members: members?.items ?? null,
    nextMembers: members?.nextCursor ?? null,
    removing,
  };
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
    const result = await mutate(request, () =>
      api.staff.invite.mutate({ tenant: slug, email: text(form, 'email'), role, ...(hubId ? { hubId } : {}) }),
    );
    if (!result.ok)
      return data(
        {
          ok: false as const,
          intent,
          errors: { formError: result.formError, fieldErrors: result.fieldErrors },
          values: keepValues(form, ['email', 'role', 'hubId']),
          name: null,
        },
        { status: 400 },
      );
    // The same answer whether or not the address has an account: no link, no hint (ADR 023).
    return { ok: true as const, intent, errors: null, values: {}, name: null };
  }
  if (intent === 'revoke' || intent === 'resend') {
    const invitationId = text(form, 'invitationId');
    const result = await mutate(request, () =>
      (intent === 'revoke' ? api.staff.revokeInvitation : api.staff.resendInvitation).mutate({
        tenant: slug,
        invitationId,
      }),
    );
    if (!result.ok)
      return data(
        {
          ok: false as const,
          intent,
          errors: { formError: result.formError, fieldErrors: result.fieldErrors },
          values: {},
          name: null,
        },
        { status: 400 },
      );
    return { ok: true as const, intent, errors: null, values: {}, name: null };
  }
  if (intent === 'changeRole') {
    const role = text(form, 'role') as InvitableRole;
    const result = await mutate(request, () =>
      api.staff.changeRole.mutate({ tenant: slug, membershipId: text(form, 'membershipId'), role }),
    );
    if (!result.ok)
      return data(
        {
          ok: false as const,
          intent,
          errors: { formError: result.formError, fieldErrors: result.fieldErrors },
          values: {},
          name: null,
        },
        { status: 400 },
      );
    return { ok: true as const, intent, errors: null, values: { role }, name: text(form, 'name') };
  }
  if (intent === 'removeMember') {
    const result = await mutate(request, () =>
      api.staff.removeMember.mutate({ tenant: slug, membershipId: text(form, 'membershipId') }),
    );
    if (!result.ok)
      return data(
        {
          ok: false as const,
          intent,
          errors: { formError: result.formError, fieldErrors: result.fieldErrors },
          values: {},
          name: null,
        },
        { status: 400 },
      );
    throw redirect(`/towns/${encodeURIComponent(slug)}/staff?removed=${encodeURIComponent(text(form, 'name'))}`);
  }
  throw notFound();
}

export default function TownStaff() {
  const { town, invitations, townWide, hubs, members, nextMembers, removing } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const removed = params.get('removed');
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
      {result?.ok && result.intent === 'invite' ? (
        <p id="invitation-sent" className="notice notice--success" role="status" aria-live="polite">
          {t('staff.invited')}
        </p>
      ) : null}
      {result?.ok && (result.intent === 'revoke' || result.intent === 'resend') ? (
        <p className="notice notice--success" role="status">
          {t(result.intent === 'revoke' ? 'staff.revoked' : 'staff.resent')}
        </p>
      ) : null}
      {result?.ok && result.intent === 'changeRole' && result.name ? (
        <p className="notice notice--success" role="status">
          {t('members.roleChanged', { name: result.name, role: t(`staff.roles.${result.values.role ?? 'member'}`) })}
        </p>
      ) : null}
      {removed ? (
        <p className="notice notice--success" role="status">
          {t('members.removed', { name: removed })}
        </p>
      ) : null}

      <section aria-labelledby="invite-title" className="card">
        <h2 id="invite-title">{t('staff.invite')}</h2>
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="invite" />
          <TextField
            id={fields.email}
            name="email"
            type="email"
            autoComplete="off"
            label={t('staff.email')}
            errors={errors.byField.email}
            defaultValue={values.email ?? ''}
          />
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
                      <div className="actions">
                        {i.status === 'open' || i.status === 'expired' ? (
                          <Form method="post">
                            <input type="hidden" name="intent" value="resend" />
                            <input type="hidden" name="invitationId" value={i.id} />
                            <button
                              type="submit"
                              className="button button--ghost"
                              aria-label={t('staff.resendFor', { email: i.email })}
                            >
                              {t('staff.resend')}
                            </button>
                          </Form>
                        ) : null}
                        <RevokeInvitation invitation={i} />
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {members ? (
        <TownMembers
          town={town}
          members={members as MemberRow[]}
          nextCursor={nextMembers}
          removing={removing as MemberRow | null}
          roles={ROLES}
        />
      ) : null}
    </>
  );
}

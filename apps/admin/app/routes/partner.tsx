import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { RevokeInvitation } from '~/components/revoke-invitation.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { StatusBadge } from '~/components/status-badge.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiErrorInfo, apiFor, load, mutate, notFound, requireMe } from '~/lib/api.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { keepValues, text, translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';

export const meta: MetaFunction<typeof loader> = (args) =>
  args.data ? [{ title: `${args.data.partner.name} – Hubwerk` }] : pageTitle(args, 'notFound.title');

export async function loader({ request, params }: LoaderFunctionArgs) {
  const me = await requireMe(request);
  const api = await apiFor(request);
  const partner = await load(request, () => api.partners.get.query({ partnerId: params.id ?? '' }));
  // Staff invitations: only the partner's admins (and the provider's admins) may see them; for everyone else the section is absent.
  let invitations: Awaited<ReturnType<typeof api.partners.invitations.query>>['items'] | null = null;
  try {
    invitations = (await api.partners.invitations.query({ partnerId: partner.id })).items;
  } catch (error) {
    const code = apiErrorInfo(error)?.code;
    if (code !== 'FORBIDDEN' && code !== 'NOT_FOUND') throw error;
  }
  // The same rule as the API's (sso.partnerConfig): the partner's admins and the provider's staff.
  const canSso =
    me.user.platformRole !== null || me.partners.some((p) => p.id === partner.id && p.role === 'partner-admin');
  return { partner, invitations, canSso };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const partnerId = params.id ?? '';
  const form = await request.formData();
  const intent = text(form, 'intent');
  const api = await apiFor(request);
  if (intent === 'invite') {
    const result = await mutate(request, () =>
      api.partners.inviteStaff.mutate({ partnerId, email: text(form, 'email') }),
    );
    if (!result.ok)
      return data(
        {
          ok: false as const,
          intent,
          errors: { formError: result.formError, fieldErrors: result.fieldErrors },
          values: keepValues(form, ['email']),
        },
        { status: 400 },
      );
    return { ok: true as const, intent, errors: null, values: {} };
  }
  if (intent === 'revoke') {
    const result = await mutate(request, () =>
      api.partners.revokeInvitation.mutate({ partnerId, invitationId: text(form, 'invitationId') }),
    );
    if (!result.ok)
      return data(
        {
          ok: false as const,
          intent,
          errors: { formError: result.formError, fieldErrors: result.fieldErrors },
          values: {},
        },
        { status: 400 },
      );
    return { ok: true as const, intent, errors: null, values: {} };
  }
  throw notFound();
}

export default function Partner() {
  const { partner, invitations, canSso } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t, formatDate } = tr;
  const fields = { email: 'partner-invite-email' };
  const errors = translateErrors(tr, result && !result.ok ? result.errors : null, fields);
  const values: Record<string, string> = result && !result.ok ? result.values : {};
  return (
    <>
      <PageHeader
        title={partner.name}
        actions={
          canSso ? (
            <Link to={`/partners/${encodeURIComponent(partner.id)}/sso`} className="button button--ghost">
              {t('sso.config.link')}
            </Link>
          ) : undefined
        }
      />
      <section aria-labelledby="partner-facts-title" className="card">
        <h2 id="partner-facts-title">{t('town.facts')}</h2>
        <dl className="facts">
          <div>
            <dt>{t('partner.kind')}</dt>
            <dd>
              <span className={`badge badge--${partner.kind}`}>{t(`partners.kind.${partner.kind}`)}</span>
            </dd>
          </div>
          <div>
            <dt>{t('partner.region')}</dt>
            <dd>{partner.region}</dd>
          </div>
        </dl>
      </section>
      <section aria-labelledby="partner-towns-title" className="card">
        <h2 id="partner-towns-title">{t('partner.towns')}</h2>
        {partner.tenants.length === 0 ? (
          <p className="empty">{t('partner.townsEmpty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">{t('partner.townsCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('towns.colName')}</th>
                  <th scope="col">{t('towns.colStatus')}</th>
                </tr>
              </thead>
              <tbody>
                {partner.tenants.map((town) => (
                  <tr key={town.id}>
                    <th scope="row">
                      <Link to={`/towns/${encodeURIComponent(town.slug)}`}>{town.name}</Link>
                    </th>
                    <td>
                      <StatusBadge status={town.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {invitations ? (
        <section aria-labelledby="partner-staff-title" className="card">
          <h2 id="partner-staff-title">{t('partnerStaff.title')}</h2>
          <ErrorSummary items={errors.summary} />
          {result?.ok && result.intent === 'invite' ? (
            <p className="notice notice--success" role="status">
              {t('staff.invited')}
            </p>
          ) : null}
          {result?.ok && result.intent === 'revoke' ? (
            <p className="notice notice--success" role="status">
              {t('staff.revoked')}
            </p>
          ) : null}
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="invite" />
            <TextField
              id={fields.email}
              name="email"
              type="email"
              autoComplete="off"
              label={t('staff.email')}
              hint={t('partnerStaff.hint')}
              errors={errors.byField.email}
              defaultValue={values.email ?? ''}
            />
            <SubmitButton label={t('staff.inviteSubmit')} pendingLabel={t('staff.inviteSubmitting')} />
          </Form>
          {invitations.length === 0 ? (
            <p className="empty">{t('staff.invitationsEmpty')}</p>
          ) : (
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">{t('partnerStaff.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('staff.email')}</th>
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
      ) : null}
    </>
  );
}

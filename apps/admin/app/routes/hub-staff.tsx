import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { SelectField, TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, mutate, notFound, requireMe } from '~/lib/api.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { keepValues, text, translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args, 'hubStaff.link');

const ROLES = ['hub-manager', 'hub-staff'] as const;
const isUuid = (v: string | null): v is string => v !== null && /^[0-9a-f-]{36}$/i.test(v);

/** The hub's team: who works there, in which role, and who is a public contact. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const slug = params.slug ?? '';
  const hubId = params.hubId ?? '';
  const cursor = new URL(request.url).searchParams.get('after');
  const api = await apiFor(request);
  const staff = await load(request, () =>
    api.hubStaff.list.query({ tenant: slug, hubId, limit: 50, ...(isUuid(cursor) ? { cursor } : {}) }),
  );
  return { slug, ...staff };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const slug = params.slug ?? '';
  const hubId = params.hubId ?? '';
  const form = await request.formData();
  const intent = text(form, 'intent');
  const api = await apiFor(request);
  if (intent === 'assign') {
    const contactRole = text(form, 'contactRole');
    const role = text(form, 'role') as (typeof ROLES)[number];
    const result = await mutate(request, () =>
      api.hubStaff.assign.mutate({
        tenant: slug,
        hubId,
        email: text(form, 'email'),
        role,
        ...(contactRole ? { contactRole } : {}),
      }),
    );
    if (!result.ok)
      return data(
        {
          ok: false as const,
          intent,
          errors: result,
          values: keepValues(form, ['email', 'role', 'contactRole']),
          notice: null,
        },
        { status: 400 },
      );
    return {
      ok: true as const,
      intent,
      errors: null,
      values: {},
      notice: { name: result.data.name, role: result.data.role },
    };
  }
  if (intent === 'remove') {
    const result = await mutate(request, () =>
      api.hubStaff.remove.mutate({ tenant: slug, hubId, assignmentId: text(form, 'assignmentId') }),
    );
    if (!result.ok)
      return data({ ok: false as const, intent, errors: result, values: {}, notice: null }, { status: 400 });
    return { ok: true as const, intent, errors: null, values: {}, notice: null };
  }
  throw notFound();
}

export default function HubStaff() {
  const { slug, hub, canManage, items, nextCursor } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const errors = translateErrors(tr, result && !result.ok ? result.errors : null, {
    email: 'staff-email',
    role: 'staff-role',
    contactRole: 'staff-contact',
  });
  const values: Record<string, string> = result && !result.ok ? result.values : {};
  const hubPath = `/towns/${encodeURIComponent(slug)}/hubs/${hub.id}`;
  return (
    <>
      <PageHeader
        title={t('hubStaff.title', { hub: hub.name })}
        lead={t('hubStaff.intro')}
        actions={
          <>
            <Link className="button button--secondary" to={hubPath}>
              {hub.name}
            </Link>
            <Link className="button button--secondary" to={`${hubPath}/settings`}>
              {t('hubSettings.link')}
            </Link>
          </>
        }
      />
      {result?.ok ? (
        <p className="notice notice--success" role="status">
          {result.notice
            ? t('hubStaff.assigned', { name: result.notice.name, role: t(`roles.${result.notice.role}`) })
            : t('hubStaff.removed')}
        </p>
      ) : null}
      <ErrorSummary items={errors.summary} />

      <section aria-labelledby="staff-title" className="card">
        <h2 id="staff-title" className="visually-hidden">
          {t('hubStaff.caption')}
        </h2>
        {items.length === 0 ? (
          <p className="empty">{t('hubStaff.empty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">{t('hubStaff.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('hubStaff.colName')}</th>
                  {canManage ? <th scope="col">{t('hubStaff.colEmail')}</th> : null}
                  <th scope="col">{t('hubStaff.colRole')}</th>
                  <th scope="col">{t('hubStaff.colContact')}</th>
                  {canManage ? <th scope="col">{t('hubStaff.colAction')}</th> : null}
                </tr>
              </thead>
              <tbody>
                {items.map((item) => (
                  <tr key={item.assignmentId}>
                    <th scope="row">{item.name}</th>
                    {canManage ? <td>{item.email}</td> : null}
                    <td>{t(`roles.${item.role}`)}</td>
                    <td>{item.contactRole ?? t('common.none')}</td>
                    {canManage ? (
                      <td>
                        <Form method="post" className="inline-form">
                          <input type="hidden" name="intent" value="remove" />
                          <input type="hidden" name="assignmentId" value={item.assignmentId} />
                          <button
                            type="submit"
                            className="button button--ghost"
                            aria-label={t('hubStaff.removeLabel', { name: item.name })}
                          >
                            {t('hubStaff.remove')}
                          </button>
                        </Form>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {nextCursor ? (
          <p>
            <Link to={`?after=${nextCursor}`}>{t('hubStaff.more')}</Link>
          </p>
        ) : null}
      </section>

      {canManage ? (
        <section aria-labelledby="assign-title" className="card">
          <h2 id="assign-title">{t('hubStaff.assign')}</h2>
          <p className="field__hint">{t('hubStaff.assignHint')}</p>
          <Form method="post" noValidate className="form" key={result?.ok ? `assigned-${items.length}` : 'assign'}>
            <input type="hidden" name="intent" value="assign" />
            <div className="form__row">
              <TextField
                id="staff-email"
                name="email"
                type="email"
                label={t('hubStaff.email')}
                defaultValue={values.email}
                errors={errors.byField.email}
                autoComplete="off"
              />
              <SelectField
                id="staff-role"
                name="role"
                label={t('hubStaff.role')}
                options={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
                defaultValue={values.role ?? 'hub-staff'}
                errors={errors.byField.role}
              />
            </div>
            <TextField
              id="staff-contact"
              name="contactRole"
              optional
              label={t('hubStaff.contactRole')}
              hint={t('hubStaff.contactRoleHint')}
              defaultValue={values.contactRole}
              errors={errors.byField.contactRole}
              autoComplete="off"
            />
            <div className="form__actions">
              <SubmitButton
                label={t('hubStaff.submit')}
                pendingLabel={t('hubStaff.submitting')}
                pendingWhen={{ intent: 'assign' }}
              />
            </div>
          </Form>
        </section>
      ) : null}
    </>
  );
}

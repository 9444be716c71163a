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
import { asKind, ORGANISATION_KINDS, planFrom } from '~/lib/organisations.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'organisations.title');

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const slug = params.slug ?? '';
  const cursor = new URL(request.url).searchParams.get('after') ?? undefined;
  const api = await apiFor(request);
  // Members may not see the town's organisations: for them the page does not exist.
  const [town, page] = await Promise.all([
    load(request, () => api.tenants.get.query({ tenant: slug })),
    load(request, () => api.organisations.list.query({ tenant: slug, limit: 50, ...(cursor ? { cursor } : {}) })),
  ]);
  return {
    town: { slug: town.slug, name: town.name },
    organisations: page.items,
    nextCursor: page.nextCursor,
    canManage: page.canManage,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const slug = params.slug ?? '';
  const form = await request.formData();
  if (text(form, 'intent') !== 'create') throw notFound();
  const api = await apiFor(request);
  const result = await mutate(request, () =>
    api.organisations.create.mutate({
      tenant: slug,
      name: text(form, 'name'),
      kind: asKind(text(form, 'kind')),
      plan: planFrom(form),
    }),
  );
  if (!result.ok) {
    return data(
      {
        ok: false as const,
        errors: { formError: result.formError, fieldErrors: result.fieldErrors },
        values: keepValues(form, ['name', 'kind', 'deskDaysPerMonth', 'roomHoursPerMonth']),
      },
      { status: 400 },
    );
  }
  return { ok: true as const, errors: null, values: {} as Record<string, string> };
}

export default function TownOrganisations() {
  const { town, organisations, nextCursor, canManage } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const fields = {
    name: 'org-name',
    kind: 'org-kind',
    'plan.deskDaysPerMonth': 'org-desk-days',
    'plan.roomHoursPerMonth': 'org-room-hours',
  };
  const errors = translateErrors(tr, result && !result.ok ? result.errors : null, fields);
  const values: Record<string, string> = result && !result.ok ? result.values : {};
  const base = `/towns/${encodeURIComponent(town.slug)}`;
  const limit = (n: number | null) => (n === null ? t('organisations.noLimit') : tr.formatNumber(n));
  return (
    <>
      <PageHeader
        title={t('organisations.title')}
        lead={t('organisations.intro', { name: town.name })}
        actions={
          <Link className="button button--ghost" to={base}>
            {t('common.back')}
          </Link>
        }
      />
      <ErrorSummary items={errors.summary} />
      {result?.ok ? (
        <p className="notice notice--success" role="status">
          {t('organisations.created')}
        </p>
      ) : null}

      {canManage ? (
        <section aria-labelledby="create-title" className="card">
          <h2 id="create-title">{t('organisations.create')}</h2>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="create" />
            <TextField
              id={fields.name}
              name="name"
              label={t('organisations.name')}
              errors={errors.byField.name}
              defaultValue={values.name ?? ''}
              autoComplete="organization"
            />
            <SelectField
              id={fields.kind}
              name="kind"
              label={t('organisations.kind')}
              errors={errors.byField.kind}
              options={ORGANISATION_KINDS.map((k) => ({ value: k, label: t(`organisations.kinds.${k}`) }))}
              defaultValue={values.kind ?? 'company'}
            />
            <TextField
              id={fields['plan.deskDaysPerMonth']}
              name="deskDaysPerMonth"
              type="number"
              inputMode="numeric"
              min={0}
              optional
              label={t('organisations.deskDays')}
              errors={errors.byField['plan.deskDaysPerMonth']}
              defaultValue={values.deskDaysPerMonth ?? ''}
            />
            <TextField
              id={fields['plan.roomHoursPerMonth']}
              name="roomHoursPerMonth"
              type="number"
              inputMode="numeric"
              min={0}
              optional
              label={t('organisations.roomHours')}
              errors={errors.byField['plan.roomHoursPerMonth']}
              defaultValue={values.roomHoursPerMonth ?? ''}
            />
            <SubmitButton label={t('organisations.createSubmit')} pendingLabel={t('common.pleaseWait')} />
          </Form>
        </section>
      ) : null}

      <section aria-labelledby="list-title" className="card">
        <h2 id="list-title">{t('organisations.title')}</h2>
        {organisations.length === 0 ? (
          <p className="empty">{t('organisations.empty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">{t('organisations.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('organisations.name')}</th>
                  <th scope="col">{t('organisations.kind')}</th>
                  <th scope="col">{t('organisations.deskDays')}</th>
                  <th scope="col">{t('organisations.roomHours')}</th>
                  <th scope="col">{t('organisations.members')}</th>
                </tr>
              </thead>
              <tbody>
                {organisations.map((o) => (
                  <tr key={o.id}>
                    <th scope="row">
                      <Link to={`${base}/organisations/${o.id}`}>{o.name}</Link>
                    </th>
                    <td>{t(`organisations.kinds.${o.kind}`)}</td>
                    <td>{limit(o.plan.deskDaysPerMonth)}</td>
                    <td>{limit(o.plan.roomHoursPerMonth)}</td>
                    <td>{tr.formatNumber(o.memberCount)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {nextCursor ? (
          <p>
            <Link to={`?after=${nextCursor}`}>{t('organisations.more')}</Link>
          </p>
        ) : null}
      </section>
    </>
  );
}

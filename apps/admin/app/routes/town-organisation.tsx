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
import { allowance, asKind, ORGANISATION_KINDS, planFrom } from '~/lib/organisations.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'organisations.title');

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const slug = params.slug ?? '';
  const organisationId = params.organisationId ?? '';
  const api = await apiFor(request);
  const organisation = await load(request, () => api.organisations.get.query({ tenant: slug, organisationId }));
  // The people to choose from when assigning (the first 100; a town's hub rarely has more members to place at once).
  const people = organisation.canManage
    ? (await load(request, () => api.organisations.members.query({ tenant: slug, limit: 100 }))).items
    : [];
  return { slug, organisation, people: people.filter((p) => p.organisationId !== organisation.id) };
}

type Intent = 'update' | 'assign' | 'remove';

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const slug = params.slug ?? '';
  const organisationId = params.organisationId ?? '';
  const form = await request.formData();
  const intent = text(form, 'intent') as Intent;
  const api = await apiFor(request);
  const fail = (errors: { formError: string | null; fieldErrors: Record<string, string[]> }, names: string[]) =>
    data({ ok: false as const, intent, errors, values: keepValues(form, names) }, { status: 400 });
  if (intent === 'update') {
    const result = await mutate(request, () =>
      api.organisations.update.mutate({
        tenant: slug,
        organisationId,
        name: text(form, 'name'),
        kind: asKind(text(form, 'kind')),
        plan: planFrom(form),
      }),
    );
    if (!result.ok) return fail(result, ['name', 'kind', 'deskDaysPerMonth', 'roomHoursPerMonth']);
    return { ok: true as const, intent, errors: null, values: {} as Record<string, string> };
  }
  if (intent === 'assign' || intent === 'remove') {
    const membershipId = text(form, 'membershipId');
    // Removing keeps the person's own plan; assigning sets it.
    const plan =
      intent === 'assign'
        ? planFrom(form)
        : { deskDaysPerMonth: allowance(form, 'keepDeskDays'), roomHoursPerMonth: allowance(form, 'keepRoomHours') };
    const result = await mutate(request, () =>
      api.organisations.setMember.mutate({
        tenant: slug,
        membershipId,
        organisationId: intent === 'assign' ? organisationId : null,
        plan,
      }),
    );
    if (!result.ok) return fail(result, ['membershipId', 'deskDaysPerMonth', 'roomHoursPerMonth']);
    return { ok: true as const, intent, errors: null, values: {} as Record<string, string> };
  }
  throw notFound();
}

export default function TownOrganisation() {
  const { slug, organisation, people } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const editFields = {
    name: 'org-name',
    kind: 'org-kind',
    'plan.deskDaysPerMonth': 'org-desk-days',
    'plan.roomHoursPerMonth': 'org-room-hours',
  };
  const assignFields = {
    membershipId: 'assign-person',
    'plan.deskDaysPerMonth': 'assign-desk-days',
    'plan.roomHoursPerMonth': 'assign-room-hours',
  };
  const failed = result && !result.ok ? result : null;
  const errors = translateErrors(tr, failed?.errors ?? null, failed?.intent === 'assign' ? assignFields : editFields);
  const values: Record<string, string> = failed ? failed.values : {};
  const editValues = failed?.intent === 'update' ? values : {};
  const assignValues = failed?.intent === 'assign' ? values : {};
  const editErrors = failed?.intent === 'update' ? errors.byField : {};
  const assignErrors = failed?.intent === 'assign' ? errors.byField : {};
  const limit = (n: number | null) => (n === null ? t('organisations.noLimit') : tr.formatNumber(n));
  const notice = result?.ok
    ? { update: 'organisations.saved', assign: 'organisations.assigned', remove: 'organisations.removed' }[
        result.intent
      ]
    : null;
  return (
    <>
      <PageHeader
        title={organisation.name}
        lead={`${t(`organisations.kinds.${organisation.kind}`)} · ${t('organisations.detailIntro')}`}
        actions={
          <Link className="button button--ghost" to={`/towns/${encodeURIComponent(slug)}/organisations`}>
            {t('organisations.back')}
          </Link>
        }
      />
      <ErrorSummary items={errors.summary} />
      {notice ? (
        <p className="notice notice--success" role="status">
          {t(notice as 'organisations.saved')}
        </p>
      ) : null}

      {organisation.canManage ? (
        <section aria-labelledby="edit-title" className="card">
          <h2 id="edit-title">{t('organisations.edit')}</h2>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="update" />
            <TextField
              id={editFields.name}
              name="name"
              label={t('organisations.name')}
              errors={editErrors.name}
              defaultValue={editValues.name ?? organisation.name}
              autoComplete="organization"
            />
            <SelectField
              id={editFields.kind}
              name="kind"
              label={t('organisations.kind')}
              errors={editErrors.kind}
              options={ORGANISATION_KINDS.map((k) => ({ value: k, label: t(`organisations.kinds.${k}`) }))}
              defaultValue={editValues.kind ?? organisation.kind}
            />
            <TextField
              id={editFields['plan.deskDaysPerMonth']}
              name="deskDaysPerMonth"
              type="number"
              inputMode="numeric"
              min={0}
              optional
              label={t('organisations.deskDays')}
              errors={editErrors['plan.deskDaysPerMonth']}
              defaultValue={editValues.deskDaysPerMonth ?? (organisation.plan.deskDaysPerMonth ?? '').toString()}
            />
            <TextField
              id={editFields['plan.roomHoursPerMonth']}
              name="roomHoursPerMonth"
              type="number"
              inputMode="numeric"
              min={0}
              optional
              label={t('organisations.roomHours')}
              errors={editErrors['plan.roomHoursPerMonth']}
              defaultValue={editValues.roomHoursPerMonth ?? (organisation.plan.roomHoursPerMonth ?? '').toString()}
            />
            <SubmitButton label={t('organisations.save')} pendingLabel={t('common.pleaseWait')} />
          </Form>
        </section>
      ) : null}

      <section aria-labelledby="members-title" className="card">
        <h2 id="members-title">{t('organisations.members')}</h2>
        {organisation.members.length === 0 ? (
          <p className="empty">{t('organisations.membersEmpty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">{t('organisations.members')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('organisations.person')}</th>
                  <th scope="col">{t('organisations.deskDays')}</th>
                  <th scope="col">{t('organisations.roomHours')}</th>
                  {organisation.canManage ? (
                    <th scope="col">
                      <span className="visually-hidden">{t('staff.actions')}</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {organisation.members.map((m) => (
                  <tr key={m.membershipId}>
                    <th scope="row">
                      {m.name} <span className="muted">({m.email})</span>
                    </th>
                    <td>{limit(m.plan.deskDaysPerMonth)}</td>
                    <td>{limit(m.plan.roomHoursPerMonth)}</td>
                    {organisation.canManage ? (
                      <td>
                        <Form method="post">
                          <input type="hidden" name="intent" value="remove" />
                          <input type="hidden" name="membershipId" value={m.membershipId} />
                          <input type="hidden" name="keepDeskDays" value={m.plan.deskDaysPerMonth ?? ''} />
                          <input type="hidden" name="keepRoomHours" value={m.plan.roomHoursPerMonth ?? ''} />
                          <button
                            type="submit"
                            className="button button--ghost"
                            aria-label={t('organisations.removeFor', { name: m.name })}
                          >
                            {t('organisations.remove')}
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
      </section>

      {organisation.canManage && people.length > 0 ? (
        <section aria-labelledby="assign-title" className="card">
          <h2 id="assign-title">{t('organisations.assign')}</h2>
          <p>{t('organisations.assignIntro')}</p>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="assign" />
            <SelectField
              id={assignFields.membershipId}
              name="membershipId"
              label={t('organisations.person')}
              errors={assignErrors.membershipId}
              options={people.map((p) => ({ value: p.membershipId, label: `${p.name} (${p.email})` }))}
              defaultValue={assignValues.membershipId ?? people[0]?.membershipId ?? ''}
            />
            <fieldset className="fieldset">
              <legend>{t('organisations.personalPlan')}</legend>
              <TextField
                id={assignFields['plan.deskDaysPerMonth']}
                name="deskDaysPerMonth"
                type="number"
                inputMode="numeric"
                min={0}
                optional
                label={t('organisations.deskDays')}
                errors={assignErrors['plan.deskDaysPerMonth']}
                defaultValue={assignValues.deskDaysPerMonth ?? ''}
              />
              <TextField
                id={assignFields['plan.roomHoursPerMonth']}
                name="roomHoursPerMonth"
                type="number"
                inputMode="numeric"
                min={0}
                optional
                label={t('organisations.roomHours')}
                errors={assignErrors['plan.roomHoursPerMonth']}
                defaultValue={assignValues.roomHoursPerMonth ?? ''}
              />
            </fieldset>
            <SubmitButton label={t('organisations.assignSubmit')} pendingLabel={t('common.pleaseWait')} />
          </Form>
        </section>
      ) : null}
    </>
  );
}

import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { bundeslandName } from '@hubwerk/domain';
import { BillingBanner } from '~/components/billing-banner.tsx';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { SelectField, TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { StatusBadge } from '~/components/status-badge.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, mutate, notFound, requireMe } from '~/lib/api.server.ts';
import { keepValues, optionalText, text, translateErrors, type FormErrorKeys } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { firstSteps } from '~/lib/dashboard.ts';
import { checklistDismissed, dismissChecklist, loadSetup, loadToday } from '~/lib/dashboard.server.ts';
import { FirstSteps, TodayPanel } from '~/components/dashboard.tsx';
import { requireSameOrigin } from '~/lib/csrf.server.ts';

export const meta: MetaFunction<typeof loader> = (args) =>
  args.data ? [{ title: `${args.data.town.name} – Hubwerk` }] : pageTitle(args, 'notFound.title');

export async function loader({ request, params }: LoaderFunctionArgs) {
  const me = await requireMe(request);
  const slug = params.slug ?? '';
  const api = await apiFor(request);
  const [town, billing] = await Promise.all([
    load(request, () => api.tenants.get.query({ tenant: slug })),
    load(request, () => api.billing.status.query({ tenant: slug })),
  ]);
  const role = me.tenants.find((t) => t.slug === town.slug)?.role ?? null;
  const [today, setup] = await Promise.all([
    role && role !== 'member' ? loadToday(request, api, town) : null,
    role === 'town-admin' && !(await checklistDismissed(request, me.user.id, town.slug))
      ? loadSetup(request, api, town, billing.canView)
      : null,
  ]);
  const partners = town.can.assignPartner
    ? (await load(request, () => api.partners.list.query({}))).items
        .filter((p) => p.kind === 'it-partner')
        .map((p) => ({ value: p.id, label: p.name }))
    : [];
  return {
    town: { ...town, bundeslandName: bundeslandName(town.bundesland) ?? town.bundesland },
    partners,
    billing,
    today,
    steps: setup ? firstSteps(setup) : null,
  };
}

type Intent = 'createHub' | 'renameHub' | 'assignPartner' | 'dismissChecklist';

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const slug = params.slug ?? '';
  const form = await request.formData();
  const intent = text(form, 'intent') as Intent;
  const api = await apiFor(request);
  const failed = (errors: FormErrorKeys, values: Record<string, string>, hubId?: string) =>
    data({ ok: false as const, intent, hubId: hubId ?? null, errors, values, notice: null }, { status: 400 });

  switch (intent) {
    case 'dismissChecklist': {
      const me = await requireMe(request);
      throw redirect(`/towns/${encodeURIComponent(slug)}`, {
        headers: { 'Set-Cookie': await dismissChecklist(request, me.user.id, slug) },
      });
    }
    case 'createHub': {
      const result = await mutate(request, () =>
        api.hubs.create.mutate({
          tenant: slug,
          name: text(form, 'name'),
          ...(optionalText(form, 'thematicFocus') !== undefined
            ? { thematicFocus: optionalText(form, 'thematicFocus') }
            : {}),
          ...(optionalText(form, 'city') !== undefined ? { city: optionalText(form, 'city') } : {}),
        }),
      );
      if (!result.ok)
        return failed(
          { formError: result.formError, fieldErrors: result.fieldErrors },
          keepValues(form, ['name', 'thematicFocus', 'city']),
        );
      return {
        ok: true as const,
        intent,
        hubId: result.data.id,
        errors: null,
        values: {},
        notice: { key: 'town.hubCreated' as const, name: result.data.name },
      };
    }
    case 'renameHub': {
      const hubId = text(form, 'hubId');
      const result = await mutate(request, () =>
        api.hubs.rename.mutate({ tenant: slug, hubId, name: text(form, 'name') }),
      );
      if (!result.ok)
        return failed(
          { formError: result.formError, fieldErrors: result.fieldErrors },
          keepValues(form, ['name']),
          hubId,
        );
      return {
        ok: true as const,
        intent,
        hubId,
        errors: null,
        values: {},
        notice: { key: 'town.hubRenamed' as const, name: result.data.name },
      };
    }
    case 'assignPartner': {
      // The id comes from the API, not from the form: the slug in the URL decides which town is changed.
      const town = await load(request, () => api.tenants.get.query({ tenant: slug }));
      const partnerId = text(form, 'partnerId');
      const result = await mutate(request, () =>
        api.tenants.assignPartner.mutate({ tenantId: town.id, partnerId: partnerId === '' ? null : partnerId }),
      );
      if (!result.ok)
        return failed(
          { formError: result.formError, fieldErrors: result.fieldErrors },
          keepValues(form, ['partnerId']),
        );
      return {
        ok: true as const,
        intent,
        hubId: null,
        errors: null,
        values: {},
        notice: { key: 'town.partnerAssigned' as const, name: '' },
      };
    }
    default:
      throw notFound();
  }
}

export default function Town() {
  const { town, partners, billing, today, steps } = useLoaderData<typeof loader>();
  // Overdue towns can read but not change anything (the API enforces it; the forms say so).
  const locked = billing.readOnly !== null;
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;

  const errorsFor = (intent: Intent, fields: Record<string, string>, hubId?: string) =>
    translateErrors(
      tr,
      result && !result.ok && result.intent === intent && (hubId === undefined || result.hubId === hubId)
        ? result.errors
        : null,
      fields,
    );
  const valuesFor = (intent: Intent, hubId?: string): Record<string, string> =>
    result && !result.ok && result.intent === intent && (hubId === undefined || result.hubId === hubId)
      ? result.values
      : {};

  const createFields = { name: 'hub-new-name', thematicFocus: 'hub-new-focus', city: 'hub-new-city' };
  const createErrors = errorsFor('createHub', createFields);
  const createValues = valuesFor('createHub');
  const assignFields = { partnerId: 'town-partner' };
  const assignErrors = errorsFor('assignPartner', assignFields);
  const renameErrorSummary =
    result && !result.ok && result.intent === 'renameHub' && result.hubId
      ? errorsFor('renameHub', { name: `hub-${result.hubId}-name` }, result.hubId).summary
      : [];

  return (
    <>
      <PageHeader title={town.name} />
      <BillingBanner status={billing} slug={town.slug} showLink={billing.canView} />
      {result?.ok && result.notice ? (
        <p className="notice notice--success" role="status">
          {t(result.notice.key, { name: result.notice.name })}
        </p>
      ) : null}
      <ErrorSummary items={[...renameErrorSummary, ...createErrors.summary, ...assignErrors.summary]} />

      {steps && steps.some((step) => !step.done) ? <FirstSteps steps={steps} /> : null}
      {today ? <TodayPanel today={today} slug={town.slug} /> : null}

      {locked ? (
        <p className="notice" id="billing-locked">
          {t('billing.formsDisabled')}
        </p>
      ) : null}
      <fieldset disabled={locked} aria-describedby={locked ? 'billing-locked' : undefined} className="plain-fieldset">
        <legend className="visually-hidden">{t('town.hubs')}</legend>
        <section aria-labelledby="hubs-title" className="card">
          <h2 id="hubs-title">{t('town.hubs')}</h2>
          {town.hubs.length === 0 ? (
            <p className="empty">{t('town.hubsEmpty')}</p>
          ) : (
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">{t('town.hubsCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('town.colHub')}</th>
                    <th scope="col">{t('town.colFocus')}</th>
                    <th scope="col">{t('town.colCity')}</th>
                    {town.can.renameHub ? <th scope="col">{t('town.colActions')}</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {town.hubs.map((hub) => {
                    const nameId = `hub-${hub.id}-name`;
                    const renameErrors = errorsFor('renameHub', { name: nameId }, hub.id);
                    return (
                      <tr key={hub.id}>
                        <th scope="row">
                          <Link to={`/towns/${encodeURIComponent(town.slug)}/hubs/${hub.id}`}>{hub.name}</Link>
                        </th>
                        <td>{hub.thematicFocus ?? <span className="muted">{t('common.none')}</span>}</td>
                        <td>{hub.city ?? <span className="muted">{t('common.none')}</span>}</td>
                        {town.can.renameHub ? (
                          <td>
                            <Form
                              method="post"
                              noValidate
                              className="form form--inline form--compact"
                              key={`rename-${hub.id}-${hub.name}`}
                            >
                              <input type="hidden" name="intent" value="renameHub" />
                              <input type="hidden" name="hubId" value={hub.id} />
                              <TextField
                                id={nameId}
                                name="name"
                                label={t('town.renameLabel', { name: hub.name })}
                                defaultValue={valuesFor('renameHub', hub.id).name ?? hub.name}
                                errors={renameErrors.byField.name}
                                autoComplete="off"
                              />
                              <SubmitButton
                                variant="secondary"
                                label={t('town.rename')}
                                pendingLabel={t('town.renaming')}
                                pendingWhen={{ intent: 'renameHub', hubId: hub.id }}
                              />
                            </Form>
                          </td>
                        ) : null}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </section>

        {town.can.createHub ? (
          <section aria-labelledby="create-hub-title" className="card">
            <h2 id="create-hub-title">{t('town.createHub')}</h2>
            <Form
              method="post"
              noValidate
              className="form"
              key={result?.ok && result.intent === 'createHub' ? `created-${result.hubId}` : 'create'}
            >
              <input type="hidden" name="intent" value="createHub" />
              <TextField
                id={createFields.name}
                name="name"
                label={t('town.hubName')}
                defaultValue={createValues.name}
                errors={createErrors.byField.name}
                autoComplete="off"
              />
              <div className="form__row">
                <TextField
                  id={createFields.thematicFocus}
                  name="thematicFocus"
                  label={t('town.hubFocus')}
                  hint={t('town.hubFocusHint')}
                  optional
                  defaultValue={createValues.thematicFocus}
                  errors={createErrors.byField.thematicFocus}
                  autoComplete="off"
                />
                <TextField
                  id={createFields.city}
                  name="city"
                  label={t('town.hubCity')}
                  optional
                  defaultValue={createValues.city}
                  errors={createErrors.byField.city}
                  autoComplete="address-level2"
                />
              </div>
              <div className="form__actions">
                <SubmitButton
                  label={t('town.createHubSubmit')}
                  pendingLabel={t('town.createHubSubmitting')}
                  pendingWhen={{ intent: 'createHub' }}
                />
              </div>
            </Form>
          </section>
        ) : null}
      </fieldset>

      <section aria-labelledby="facts-title" className="card">
        <h2 id="facts-title">{t('town.facts')}</h2>
        <dl className="facts">
          <div>
            <dt>{t('town.ags')}</dt>
            <dd className="mono">{town.ags}</dd>
          </div>
          <div>
            <dt>{t('town.bundesland')}</dt>
            <dd>{town.bundeslandName}</dd>
          </div>
          <div>
            <dt>{t('town.status')}</dt>
            <dd>
              <StatusBadge status={town.status} />
            </dd>
          </div>
          <div>
            <dt>{t('town.partner')}</dt>
            <dd>{town.partner ? town.partner.name : <span className="muted">{t('town.noPartner')}</span>}</dd>
          </div>
        </dl>
        {town.can.assignPartner ? (
          <Form method="post" noValidate className="form form--inline" key={`assign-${town.partner?.id ?? 'none'}`}>
            <input type="hidden" name="intent" value="assignPartner" />
            <SelectField
              id={assignFields.partnerId}
              name="partnerId"
              label={t('town.assignPartnerLabel')}
              optional
              placeholder={t('town.noPartner')}
              options={partners}
              defaultValue={valuesFor('assignPartner').partnerId ?? town.partner?.id ?? ''}
              errors={assignErrors.byField.partnerId}
            />
            <SubmitButton
              variant="secondary"
              label={t('town.assignPartnerSubmit')}
              pendingLabel={t('town.assignPartnerSubmitting')}
              pendingWhen={{ intent: 'assignPartner' }}
            />
          </Form>
        ) : null}
      </section>
    </>
  );
}

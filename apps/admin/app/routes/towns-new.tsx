import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { BUNDESLAENDER, type BundeslandCode } from '@hubwerk/domain';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { SelectField, TextField } from '~/components/field.tsx';
import { InvitationSent } from '~/components/invitation-sent.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton, useIsSubmitting } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, mutate, requirePlatformAdmin } from '~/lib/api.server.ts';
import { keepValues, text, translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'onboard.title');

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePlatformAdmin(request);
  const api = await apiFor(request);
  const url = new URL(request.url);
  // The register search is a GET form (works without JavaScript); choosing a match reloads with ?ags=.
  const query = (url.searchParams.get('q') ?? '').trim().slice(0, 100);
  const chosenAgs = url.searchParams.get('ags') ?? '';
  const [partners, register, search, chosen] = await Promise.all([
    load(request, () => api.partners.list.query({})),
    load(request, () => api.register.status.query({})),
    query.length >= 2 ? load(request, () => api.register.search.query({ query })) : null,
    /^\d{8}$/.test(chosenAgs) ? load(request, () => api.register.search.query({ query: chosenAgs })) : null,
  ]);
  return {
    partners: partners.items.filter((p) => p.kind === 'it-partner').map((p) => ({ value: p.id, label: p.name })),
    register: register.current,
    query,
    matches: search?.items ?? null,
    chosen: chosen?.items.find((m) => m.ags === chosenAgs) ?? null,
    // One key per form rendering: a double submit creates one town.
    idempotencyKey: crypto.randomUUID(),
  };
}

/** How a town calls itself: the register's name without Destatis' suffix ("Einbeck, Stadt" → "Einbeck"). */
const townName = (registerName: string) => registerName.split(',')[0]?.trim() ?? registerName;

const FIELD_NAMES = ['name', 'ags', 'bundesland', 'partnerId', 'hubName', 'adminEmail', 'plan'] as const;
const PLANS = ['basis', 'standard', 'plus'] as const;

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requirePlatformAdmin(request);
  const form = await request.formData();
  const partnerId = text(form, 'partnerId');
  const plan = PLANS.find((p) => p === text(form, 'plan'));
  const api = await apiFor(request);
  const result = await mutate(request, () =>
    api.tenants.onboard.mutate({
      name: text(form, 'name'),
      ags: text(form, 'ags'),
      // Sent as typed: the API validates it and reports it with all other field errors at once.
      bundesland: text(form, 'bundesland') as BundeslandCode,
      partnerId: partnerId === '' ? null : partnerId,
      hubName: text(form, 'hubName'),
      adminEmail: text(form, 'adminEmail'),
      idempotencyKey: text(form, 'idempotencyKey'),
      ...(plan ? { plan } : {}),
      ...(form.get('confirmNotInRegister') === 'yes' ? { confirmNotInRegister: true } : {}),
    }),
  );
  if (!result.ok) {
    return data(
      {
        ok: false as const,
        // A key missing from the register: the form asks for the explicit confirmation next time.
        needsConfirmation: result.fieldErrors.ags?.includes('errors.tenant.agsNotInRegister') ?? false,
        errors: { formError: result.formError, fieldErrors: result.fieldErrors },
        values: keepValues(form, FIELD_NAMES),
        // Nothing was created, so the corrected form is a new request with a new key.
        idempotencyKey: crypto.randomUUID(),
      },
      { status: 400 },
    );
  }
  return {
    ok: true as const,
    tenant: result.data.tenant,
  };
}

const FIELDS = {
  name: 'town-name',
  ags: 'town-ags',
  bundesland: 'town-bundesland',
  partnerId: 'town-partner',
  hubName: 'town-hub-name',
  adminEmail: 'town-admin-email',
  plan: 'town-plan',
};

export default function OnboardTown() {
  const { partners, idempotencyKey, register, query, matches, chosen } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t, formatDate, formatNumber } = tr;
  const submitting = useIsSubmitting();
  const registerDate = register ? formatDate(`${register.effectiveDate}T12:00:00Z`) : '';

  if (result?.ok) {
    return (
      <div className="narrow">
        <PageHeader title={t('onboard.title')} />
        <InvitationSent
          id="onboard-success"
          title={t('onboard.successTitle', { name: result.tenant.name })}
          intro={t('onboard.successIntro')}
        >
          <li>
            <Link to={`/towns/${encodeURIComponent(result.tenant.slug)}`}>
              {t('onboard.toTown', { name: result.tenant.name })}
            </Link>
          </li>
          <li>
            <Link to="/towns">{t('onboard.toList')}</Link>
          </li>
          <li>
            <Link to="/towns/new" reloadDocument>
              {t('onboard.another')}
            </Link>
          </li>
        </InvitationSent>
      </div>
    );
  }

  const values: Record<string, string | undefined> = result?.values ?? {
    ...(chosen ? { name: townName(chosen.name), ags: chosen.ags, bundesland: chosen.land } : {}),
  };
  const needsConfirmation = result && !result.ok && result.needsConfirmation && register;
  const errors = translateErrors(tr, result?.errors, FIELDS);
  const bundeslaender = BUNDESLAENDER.map((b) => ({ value: b.code, label: b.name }));
  return (
    <div className="narrow">
      <PageHeader
        title={t('onboard.title')}
        lead={t('onboard.intro')}
        actions={
          <Link to="/towns/bulk" className="button button--ghost">
            {t('onboard.bulkLink')}
          </Link>
        }
      />
      <p className="notice" role="note" data-testid="register-note">
        {register
          ? t('onboard.registerFrom', { date: registerDate, count: formatNumber(register.rowCount) })
          : t('onboard.noRegister')}{' '}
        <Link to="/register">{t('register.nav')}</Link>
      </p>
      {register ? (
        <section aria-labelledby="register-search-title" className="card">
          <h2 id="register-search-title">{t('onboard.searchTitle')}</h2>
          <Form method="get" className="form" role="search">
            <TextField
              id="register-query"
              name="q"
              type="search"
              label={t('onboard.searchLabel')}
              hint={t('onboard.searchHint')}
              defaultValue={query}
              optional
              autoComplete="off"
              maxLength={100}
            />
            <div className="form__actions">
              <button type="submit" className="button button--secondary">
                {t('onboard.searchSubmit')}
              </button>
            </div>
          </Form>
          {matches ? (
            matches.length === 0 ? (
              <p className="empty" role="status">
                {t('onboard.searchNone', { query })}
              </p>
            ) : (
              <div className="table-wrap">
                <p role="status">{t('onboard.searchResults', { count: String(matches.length), query })}</p>
                <table className="table" data-testid="register-matches">
                  <caption className="visually-hidden">{t('onboard.searchCaption')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('onboard.colName')}</th>
                      <th scope="col">{t('onboard.colAgs')}</th>
                      <th scope="col">{t('onboard.colKreis')}</th>
                      <th scope="col">{t('onboard.colPlz')}</th>
                      <th scope="col" className="num">
                        {t('onboard.colPopulation')}
                      </th>
                      <th scope="col">{t('onboard.colChoose')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {matches.map((m) => (
                      <tr key={m.ags}>
                        <td>{m.name}</td>
                        <td className="mono">{m.ags}</td>
                        <td>{m.kreis ?? ''}</td>
                        <td className="mono">{m.postalCode ?? ''}</td>
                        <td className="num">{m.population === null ? '' : formatNumber(m.population)}</td>
                        <td>
                          <Link
                            to={`/towns/new?ags=${encodeURIComponent(m.ags)}`}
                            aria-label={t('onboard.chooseLabel', { name: m.name })}
                          >
                            {t('onboard.choose')}
                          </Link>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          ) : null}
        </section>
      ) : null}
      <ErrorSummary items={errors.summary} />
      <Form method="post" noValidate className="card form" aria-busy={submitting || undefined}>
        <input type="hidden" name="idempotencyKey" value={result?.idempotencyKey ?? idempotencyKey} />
        {chosen ? (
          <div data-testid="register-chosen">
            <p className="field__label">{t('onboard.chosen')}</p>
            <dl className="facts">
              <dt>{t('onboard.colName')}</dt>
              <dd>{chosen.name}</dd>
              <dt>{t('onboard.kreis')}</dt>
              <dd>{chosen.kreis ?? '–'}</dd>
              <dt>{t('onboard.population')}</dt>
              <dd>{chosen.population === null ? '–' : formatNumber(chosen.population)}</dd>
            </dl>
          </div>
        ) : null}
        <TextField
          id={FIELDS.name}
          name="name"
          label={t('onboard.name')}
          hint={t('onboard.nameHint')}
          defaultValue={values.name}
          errors={errors.byField.name}
          autoComplete="off"
        />
        <div className="form__row">
          <TextField
            id={FIELDS.ags}
            name="ags"
            label={t('onboard.ags')}
            hint={t('onboard.agsHint')}
            defaultValue={values.ags}
            errors={errors.byField.ags}
            inputMode="numeric"
            autoComplete="off"
            maxLength={8}
            className="input--short mono"
          />
          <SelectField
            id={FIELDS.bundesland}
            name="bundesland"
            label={t('onboard.bundesland')}
            placeholder={t('onboard.bundeslandPlaceholder')}
            options={bundeslaender}
            defaultValue={values.bundesland}
            errors={errors.byField.bundesland}
          />
        </div>
        {needsConfirmation ? (
          <div className="field">
            <input type="checkbox" id="town-confirm-register" name="confirmNotInRegister" value="yes" />{' '}
            <label htmlFor="town-confirm-register">
              {t('onboard.confirmNotInRegister', { ags: values.ags ?? '', date: registerDate })}
            </label>
          </div>
        ) : null}
        <SelectField
          id={FIELDS.partnerId}
          name="partnerId"
          label={t('onboard.partner')}
          hint={t('onboard.partnerHint')}
          optional
          placeholder={t('onboard.partnerNone')}
          options={partners}
          defaultValue={values.partnerId}
          errors={errors.byField.partnerId}
        />
        <SelectField
          id={FIELDS.plan}
          name="plan"
          label={t('billing.onboardPlan')}
          hint={t('billing.onboardPlanHint')}
          options={PLANS.map((p) => ({
            value: p,
            label: `${t(`billing.plans.${p}`)} – ${t(`billing.planFeatures.${p}`)}`,
          }))}
          defaultValue={values.plan ?? 'standard'}
          errors={errors.byField.plan}
        />
        <TextField
          id={FIELDS.hubName}
          name="hubName"
          label={t('onboard.hubName')}
          hint={t('onboard.hubNameHint')}
          defaultValue={values.hubName}
          errors={errors.byField.hubName}
          autoComplete="off"
        />
        <TextField
          id={FIELDS.adminEmail}
          name="adminEmail"
          type="email"
          label={t('onboard.adminEmail')}
          hint={t('onboard.adminEmailHint')}
          defaultValue={values.adminEmail}
          errors={errors.byField.adminEmail}
          autoComplete="off"
        />
        <div className="form__actions">
          <SubmitButton label={t('onboard.submit')} pendingLabel={t('onboard.submitting')} />
          <Link to="/towns" className="button button--secondary">
            {t('common.cancel')}
          </Link>
        </div>
        <p className="visually-hidden" role="status">
          {submitting ? t('onboard.submitting') : ''}
        </p>
      </Form>
    </div>
  );
}

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
  const partners = await load(request, () => api.partners.list.query({}));
  return {
    partners: partners.items.filter((p) => p.kind === 'it-partner').map((p) => ({ value: p.id, label: p.name })),
    // One key per form rendering: a double submit creates one town.
    idempotencyKey: crypto.randomUUID(),
  };
}

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
    }),
  );
  if (!result.ok) {
    return data(
      {
        ok: false as const,
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
  const { partners, idempotencyKey } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const submitting = useIsSubmitting();

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

  const values = result?.values ?? {};
  const errors = translateErrors(tr, result?.errors, FIELDS);
  const bundeslaender = BUNDESLAENDER.map((b) => ({ value: b.code, label: b.name }));
  return (
    <div className="narrow">
      <PageHeader title={t('onboard.title')} lead={t('onboard.intro')} />
      <ErrorSummary items={errors.summary} />
      <Form method="post" noValidate className="card form" aria-busy={submitting || undefined}>
        <input type="hidden" name="idempotencyKey" value={result?.idempotencyKey ?? idempotencyKey} />
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

import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { PARTNER_KINDS, type PartnerKindName } from '@hubwerk/domain';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { SelectField, TextField } from '~/components/field.tsx';
import { InvitationSent } from '~/components/invitation-sent.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton, useIsSubmitting } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, mutate, requirePlatformAdmin } from '~/lib/api.server.ts';
import { keepValues, text, translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'registerPartner.title');

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePlatformAdmin(request);
  return { idempotencyKey: crypto.randomUUID() };
}

const FIELD_NAMES = ['kind', 'name', 'region', 'adminEmail'] as const;

function isKind(value: string): value is PartnerKindName {
  return (PARTNER_KINDS as readonly string[]).includes(value);
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requirePlatformAdmin(request);
  const form = await request.formData();
  const kind = text(form, 'kind');
  const fail = (errors: { formError: string | null; fieldErrors: Record<string, string[]> }) =>
    data(
      { ok: false as const, errors, values: keepValues(form, FIELD_NAMES), idempotencyKey: crypto.randomUUID() },
      { status: 400 },
    );
  // The select offers only valid kinds; anything else never reaches the API.
  if (!isKind(kind)) return fail({ formError: null, fieldErrors: { kind: ['validation.partnerKind'] } });
  const api = await apiFor(request);
  const result = await mutate(request, () =>
    api.partners.register.mutate({
      kind,
      name: text(form, 'name'),
      region: text(form, 'region'),
      adminEmail: text(form, 'adminEmail'),
      idempotencyKey: text(form, 'idempotencyKey'),
    }),
  );
  if (!result.ok) return fail({ formError: result.formError, fieldErrors: result.fieldErrors });
  return {
    ok: true as const,
    partner: result.data.partner,
  };
}

const FIELDS = {
  kind: 'partner-kind',
  name: 'partner-name',
  region: 'partner-region',
  adminEmail: 'partner-admin-email',
};

export default function RegisterPartner() {
  const { idempotencyKey } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const submitting = useIsSubmitting();

  if (result?.ok) {
    return (
      <div className="narrow">
        <PageHeader title={t('registerPartner.title')} />
        <InvitationSent
          id="partner-success"
          title={t('registerPartner.successTitle', { name: result.partner.name })}
          intro={t('registerPartner.successIntro')}
        >
          <li>
            <Link to={`/partners/${encodeURIComponent(result.partner.id)}`}>
              {t('registerPartner.toPartner', { name: result.partner.name })}
            </Link>
          </li>
          <li>
            <Link to="/partners">{t('registerPartner.toList')}</Link>
          </li>
        </InvitationSent>
      </div>
    );
  }

  const values = result?.values ?? {};
  const errors = translateErrors(tr, result?.errors, FIELDS);
  return (
    <div className="narrow">
      <PageHeader title={t('registerPartner.title')} lead={t('registerPartner.intro')} />
      <ErrorSummary items={errors.summary} />
      <Form method="post" noValidate className="card form" aria-busy={submitting || undefined}>
        <input type="hidden" name="idempotencyKey" value={result?.idempotencyKey ?? idempotencyKey} />
        <SelectField
          id={FIELDS.kind}
          name="kind"
          label={t('registerPartner.kind')}
          options={PARTNER_KINDS.map((kind) => ({ value: kind, label: t(`partners.kind.${kind}`) }))}
          defaultValue={values.kind ?? 'it-partner'}
          errors={errors.byField.kind}
        />
        <TextField
          id={FIELDS.name}
          name="name"
          label={t('registerPartner.name')}
          defaultValue={values.name}
          errors={errors.byField.name}
          autoComplete="organization"
        />
        <TextField
          id={FIELDS.region}
          name="region"
          label={t('registerPartner.region')}
          hint={t('registerPartner.regionHint')}
          defaultValue={values.region}
          errors={errors.byField.region}
          autoComplete="off"
        />
        <TextField
          id={FIELDS.adminEmail}
          name="adminEmail"
          type="email"
          label={t('registerPartner.adminEmail')}
          defaultValue={values.adminEmail}
          errors={errors.byField.adminEmail}
          autoComplete="off"
        />
        <div className="form__actions">
          <SubmitButton label={t('registerPartner.submit')} pendingLabel={t('registerPartner.submitting')} />
          <Link to="/partners" className="button button--secondary">
            {t('common.cancel')}
          </Link>
        </div>
        <p className="visually-hidden" role="status">
          {submitting ? t('registerPartner.submitting') : ''}
        </p>
      </Form>
    </div>
  );
}

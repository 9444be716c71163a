import { Form, Link } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { SelectField, TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { translateErrors, type TranslatedErrors } from '~/lib/forms.ts';
import type { SsoSaveResult } from '~/lib/sso.server.ts';

export interface SsoConfigView {
  issuer: string;
  clientId: string;
  hasClientSecret: true;
  allowedDomains: string[];
  enabled: boolean;
  updatedAt: string;
  defaultRole?: 'member' | 'hub-staff';
}

export const SSO_FIELDS = {
  issuer: 'sso-issuer',
  clientId: 'sso-client-id',
  clientSecret: 'sso-client-secret',
  allowedDomains: 'sso-allowed-domains',
  defaultRole: 'sso-default-role',
};

/**
 * The provider's settings (town or partner). The secret field is always
 * empty: the API never sends the secret back; leaving it empty keeps it.
 */
export function SsoConfigForm({
  config,
  callbackUrl,
  errors,
  values,
  withDefaultRole,
}: {
  config: SsoConfigView | null;
  callbackUrl: string | null;
  errors: TranslatedErrors;
  values: Record<string, string> | null;
  withDefaultRole: boolean;
}) {
  const { t, formatDate } = useT();
  const value = (name: string, fallback: string) => values?.[name] ?? fallback;
  const enabled = values ? values.enabled === 'on' : (config?.enabled ?? false);
  return (
    <section aria-labelledby="sso-form-title" className="card">
      <h2 id="sso-form-title">{t('sso.config.formTitle')}</h2>
      {callbackUrl ? (
        <p>
          {t('sso.config.callbackHint')} <code>{callbackUrl}</code>
        </p>
      ) : null}
      {config ? (
        <p className="field__hint">{t('sso.config.updatedAt', { date: formatDate(config.updatedAt, 'dateTime') })}</p>
      ) : null}
      <Form method="post" noValidate className="form">
        <TextField
          id={SSO_FIELDS.issuer}
          name="issuer"
          type="url"
          label={t('sso.config.issuer')}
          hint={t('sso.config.issuerHint')}
          defaultValue={value('issuer', config?.issuer ?? '')}
          errors={errors.byField.issuer}
        />
        <TextField
          id={SSO_FIELDS.clientId}
          name="clientId"
          label={t('sso.config.clientId')}
          autoComplete="off"
          defaultValue={value('clientId', config?.clientId ?? '')}
          errors={errors.byField.clientId}
        />
        <TextField
          id={SSO_FIELDS.clientSecret}
          name="clientSecret"
          type="password"
          autoComplete="new-password"
          label={t('sso.config.clientSecret')}
          hint={config ? t('sso.config.clientSecretKept') : t('sso.config.clientSecretHint')}
          optional={Boolean(config)}
          errors={errors.byField.clientSecret}
        />
        <TextField
          id={SSO_FIELDS.allowedDomains}
          name="allowedDomains"
          label={t('sso.config.allowedDomains')}
          hint={t('sso.config.allowedDomainsHint')}
          defaultValue={value('allowedDomains', config?.allowedDomains.join(', ') ?? '')}
          errors={errors.byField.allowedDomains ?? errors.byField['allowedDomains.0']}
        />
        {withDefaultRole ? (
          <SelectField
            id={SSO_FIELDS.defaultRole}
            name="defaultRole"
            label={t('sso.config.defaultRole')}
            hint={t('sso.config.defaultRoleHint')}
            errors={errors.byField.defaultRole}
            options={(['member', 'hub-staff'] as const).map((r) => ({ value: r, label: t(`staff.roles.${r}`) }))}
            defaultValue={value('defaultRole', config?.defaultRole ?? 'member')}
          />
        ) : null}
        <div className="field field--checkbox">
          <input id="sso-enabled" name="enabled" type="checkbox" defaultChecked={enabled} />
          <label htmlFor="sso-enabled">{t('sso.config.enabled')}</label>
        </div>
        <div className="form__actions">
          <SubmitButton label={t('sso.config.save')} pendingLabel={t('sso.config.saving')} />
        </div>
      </Form>
    </section>
  );
}

/** The whole SSO settings page of a town or a partner: header, errors, confirmation, form. */
export function SsoConfigPage({
  title,
  lead,
  backTo,
  config,
  callbackUrl,
  result,
  withDefaultRole,
}: {
  title: string;
  lead: string;
  backTo: string;
  config: SsoConfigView | null;
  callbackUrl: string | null;
  result: SsoSaveResult | undefined;
  withDefaultRole: boolean;
}) {
  const tr = useT();
  const { t } = tr;
  const errors = translateErrors(tr, result && !result.ok ? result.errors : null, SSO_FIELDS);
  return (
    <>
      <PageHeader
        title={title}
        lead={lead}
        actions={
          <Link className="button button--ghost" to={backTo}>
            {t('common.back')}
          </Link>
        }
      />
      <ErrorSummary items={errors.summary} />
      {result?.ok ? (
        <p className="notice notice--success" role="status">
          {t('sso.config.saved')}
        </p>
      ) : null}
      <SsoConfigForm
        config={config}
        callbackUrl={callbackUrl}
        errors={errors}
        values={result && !result.ok ? result.values : null}
        withDefaultRole={withDefaultRole}
      />
    </>
  );
}

import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, mutate, notFound, requireMe } from '~/lib/api.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { text, translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { qrSvg } from '~/lib/qr.server.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'secondFactor.title');

export async function loader({ request }: LoaderFunctionArgs) {
  await requireMe(request);
  const api = await apiFor(request);
  const status = await load(request, () => api.mfa.status.query());
  const pending = status.pending ? { ...status.pending, qr: await qrSvg(status.pending.otpauthUri) } : null;
  return { enabled: status.enabled, enabledAt: status.enabledAt, recoveryCodesLeft: status.recoveryCodesLeft, pending };
}

type Result =
  | { intent: 'confirm'; ok: true; recoveryCodes: string[]; errors: null }
  | { intent: string; ok: true; recoveryCodes: null; errors: null }
  | {
      intent: string;
      ok: false;
      recoveryCodes: null;
      errors: { formError: string | null; fieldErrors: Record<string, string[]> };
    };

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const form = await request.formData();
  const intent = text(form, 'intent');
  const api = await apiFor(request);
  const failed = (errors: { formError: string | null; fieldErrors: Record<string, string[]> }) =>
    data<Result>({ intent, ok: false, recoveryCodes: null, errors }, { status: 400 });
  if (intent === 'start') {
    const result = await mutate(request, () => api.mfa.startEnrolment.mutate({}));
    if (!result.ok) return failed(result);
    return data<Result>({ intent, ok: true, recoveryCodes: null, errors: null });
  }
  if (intent === 'confirm') {
    const code = text(form, 'code');
    if (!code) return failed({ formError: null, fieldErrors: { code: ['validation.required'] } });
    const result = await mutate(request, () => api.mfa.confirmEnrolment.mutate({ code }));
    if (!result.ok) return failed(result);
    // Shown in this response only: the API keeps nothing but their hashes.
    return data<Result>({ intent: 'confirm', ok: true, recoveryCodes: result.data.recoveryCodes, errors: null });
  }
  if (intent === 'disable') {
    const password = typeof form.get('password') === 'string' ? (form.get('password') as string) : '';
    const code = text(form, 'disableCode');
    const missing: Record<string, string[]> = {};
    if (!password) missing.password = ['validation.required'];
    if (!code) missing.disableCode = ['validation.required'];
    if (Object.keys(missing).length > 0) return failed({ formError: null, fieldErrors: missing });
    const result = await mutate(request, () => api.mfa.disable.mutate({ password, code }));
    if (!result.ok) {
      const { code: codeErrors, ...rest } = result.fieldErrors;
      return failed({
        formError: result.formError,
        fieldErrors: codeErrors ? { ...rest, disableCode: codeErrors } : rest,
      });
    }
    return data<Result>({ intent, ok: true, recoveryCodes: null, errors: null });
  }
  throw notFound();
}

const FIELDS = { code: 'totp-confirm-code', password: 'totp-disable-password', disableCode: 'totp-disable-code' };

export default function AccountSecurity() {
  const { enabled, enabledAt, recoveryCodesLeft, pending } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t, formatDate } = tr;
  const errors = translateErrors(tr, result && !result.ok ? result.errors : null, FIELDS);
  const recoveryCodes = result?.ok && result.recoveryCodes ? result.recoveryCodes : null;
  return (
    <div className="narrow">
      <PageHeader title={t('secondFactor.title')} lead={t('secondFactor.intro')} />
      <ErrorSummary items={errors.summary} />
      {recoveryCodes ? (
        <section className="notice notice--success" aria-labelledby="recovery-title">
          <h2 id="recovery-title">{t('secondFactor.recoveryTitle')}</h2>
          <p>{t('secondFactor.recoveryIntro')}</p>
          <ul className="recovery-codes" aria-label={t('secondFactor.recoveryTitle')}>
            {recoveryCodes.map((code) => (
              <li key={code}>
                <code>{code}</code>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {result?.ok && result.intent === 'disable' ? (
        <p className="notice notice--success" role="status">
          {t('secondFactor.disabled')}
        </p>
      ) : null}

      {enabled ? (
        <section className="card" aria-labelledby="totp-on">
          <h2 id="totp-on">{t('secondFactor.statusOn')}</h2>
          <p>{t('secondFactor.enabledSince', { date: enabledAt ? formatDate(enabledAt) : '' })}</p>
          <p>{t('secondFactor.recoveryLeft', { count: recoveryCodesLeft })}</p>
          <h3>{t('secondFactor.disableTitle')}</h3>
          <Form method="post" noValidate className="form">
            <input type="hidden" name="intent" value="disable" />
            <TextField
              id={FIELDS.password}
              name="password"
              type="password"
              label={t('secondFactor.password')}
              autoComplete="current-password"
              errors={errors.byField.password}
            />
            <TextField
              id={FIELDS.disableCode}
              name="disableCode"
              label={t('secondFactor.code')}
              hint={t('secondFactor.codeHint')}
              autoComplete="one-time-code"
              autoCapitalize="off"
              spellCheck={false}
              errors={errors.byField.disableCode}
            />
            <div className="form__actions">
              <SubmitButton
                label={t('secondFactor.disableSubmit')}
                pendingLabel={t('common.pleaseWait')}
                variant="secondary"
                pendingWhen={{ intent: 'disable' }}
              />
            </div>
          </Form>
        </section>
      ) : pending ? (
        <section className="card" aria-labelledby="totp-enrol">
          <h2 id="totp-enrol">{t('secondFactor.enrolTitle')}</h2>
          <ol>
            <li>{t('secondFactor.stepScan')}</li>
            <li>{t('secondFactor.stepConfirm')}</li>
          </ol>
          <div
            className="qr-code"
            role="img"
            aria-label={t('secondFactor.qrLabel')}
            dangerouslySetInnerHTML={{ __html: pending.qr }}
          />
          <p>
            {t('secondFactor.secretText')}{' '}
            <code className="totp-secret" data-testid="totp-secret">
              {pending.secret.replace(/(.{4})/g, '$1 ').trim()}
            </code>
          </p>
          <Form method="post" noValidate className="form">
            <input type="hidden" name="intent" value="confirm" />
            <TextField
              id={FIELDS.code}
              name="code"
              label={t('secondFactor.code')}
              hint={t('secondFactor.confirmHint')}
              autoComplete="one-time-code"
              inputMode="numeric"
              errors={errors.byField.code}
            />
            <div className="form__actions">
              <SubmitButton
                label={t('secondFactor.confirmSubmit')}
                pendingLabel={t('common.pleaseWait')}
                pendingWhen={{ intent: 'confirm' }}
              />
            </div>
          </Form>
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="start" />
            <button type="submit" className="link-button">
              {t('secondFactor.newSecret')}
            </button>
          </Form>
        </section>
      ) : (
        <section className="card" aria-labelledby="totp-off">
          <h2 id="totp-off">{t('secondFactor.statusOff')}</h2>
          <p>{t('secondFactor.offIntro')}</p>
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="start" />
            <div className="form__actions">
              <SubmitButton
                label={t('secondFactor.startSubmit')}
                pendingLabel={t('common.pleaseWait')}
                pendingWhen={{ intent: 'start' }}
              />
            </div>
          </Form>
        </section>
      )}
    </div>
  );
}

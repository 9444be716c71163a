import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { SelectField, TextAreaField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, mutate, notFound, requireMe } from '~/lib/api.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { keepValues, text, translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'support.link');

/** 15 minutes to 4 hours; one hour unless chosen otherwise. */
const DURATIONS = [15, 30, 60, 120, 240] as const;
const DEFAULT_DURATION = 60;

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const api = await apiFor(request);
  const town = await load(request, () => api.tenants.get.query({ tenant: params.slug ?? '' }));
  // Only those who may start a session see this page; for everyone else it does not exist.
  if (!town.can.startSupport) throw notFound();
  return { town: { slug: town.slug, name: town.name } };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const slug = params.slug ?? '';
  const form = await request.formData();
  const api = await apiFor(request);
  const minutes = Number(text(form, 'durationMinutes'));
  const result = await mutate(request, () =>
    api.support.start.mutate({
      tenant: slug,
      reason: text(form, 'reason'),
      durationMinutes: Number.isFinite(minutes) && minutes > 0 ? minutes : DEFAULT_DURATION,
    }),
  );
  if (!result.ok)
    return data(
      {
        errors: { formError: result.formError, fieldErrors: result.fieldErrors },
        values: keepValues(form, ['reason', 'durationMinutes']),
      },
      { status: 400 },
    );
  throw redirect(`/towns/${encodeURIComponent(slug)}`);
}

export default function TownSupport() {
  const { town } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const fields = { reason: 'support-reason', durationMinutes: 'support-duration' };
  const errors = translateErrors(tr, result?.errors ?? null, fields);
  const values: Record<string, string> = result?.values ?? {};
  const label = (m: number) =>
    m < 60
      ? t('support.minutes', { count: String(m) })
      : m === 60
        ? t('support.hour')
        : t('support.hours', { count: String(m / 60) });
  return (
    <>
      <PageHeader
        title={t('support.title', { town: town.name })}
        lead={t('support.intro')}
        actions={
          <Link className="button button--ghost" to={`/towns/${encodeURIComponent(town.slug)}`}>
            {t('common.back')}
          </Link>
        }
      />
      <ErrorSummary items={errors.summary} />
      <section className="card" aria-labelledby="support-form-title">
        <h2 id="support-form-title" className="visually-hidden">
          {t('support.submit')}
        </h2>
        <Form method="post" className="form" noValidate>
          <TextAreaField
            id={fields.reason}
            name="reason"
            label={t('support.reason')}
            hint={t('support.reasonHint')}
            errors={errors.byField.reason}
            rows={3}
            minLength={10}
            maxLength={500}
            defaultValue={values.reason ?? ''}
          />
          <SelectField
            id={fields.durationMinutes}
            name="durationMinutes"
            label={t('support.duration')}
            options={DURATIONS.map((m) => ({ value: String(m), label: label(m) }))}
            defaultValue={values.durationMinutes ?? String(DEFAULT_DURATION)}
            errors={errors.byField.durationMinutes}
          />
          <div className="form__actions">
            <SubmitButton label={t('support.submit')} pendingLabel={t('support.submitting')} />
          </div>
        </Form>
      </section>
    </>
  );
}

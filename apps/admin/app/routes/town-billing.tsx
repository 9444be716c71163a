import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { BillingBanner } from '~/components/billing-banner.tsx';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { SelectField, TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import type { MessageKey } from '~/i18n/index.ts';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, mutate, notFound, requireMe } from '~/lib/api.server.ts';
import { keepValues, optionalText, text, translateErrors, type FormErrorKeys } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';

export const meta: MetaFunction<typeof loader> = (args) =>
  args.data ? [{ title: `${args.data.town.name} – Abrechnung – Hubwerk` }] : pageTitle(args, 'notFound.title');

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const slug = params.slug ?? '';
  const api = await apiFor(request);
  const [town, billing, plans] = await Promise.all([
    load(request, () => api.tenants.get.query({ tenant: slug })),
    load(request, () => api.billing.get.query({ tenant: slug })),
    load(request, () => api.billing.plans.query({})),
  ]);
  return { town: { slug: town.slug, name: town.name }, billing, plans };
}

type Intent = 'checkout' | 'portal' | 'contact';
const CONTACT_FIELDS = ['contactName', 'contactEmail', 'street', 'postalCode', 'city', 'vatId'] as const;
const PLANS = ['basis', 'standard', 'plus'] as const;
const INTERVALS = ['month', 'year'] as const;
const oneOf = <T extends string>(values: readonly T[], value: string): T | null =>
  (values as readonly string[]).includes(value) ? (value as T) : null;

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const slug = params.slug ?? '';
  const form = await request.formData();
  const intent = text(form, 'intent') as Intent;
  const api = await apiFor(request);
  const failed = (errors: FormErrorKeys, values: Record<string, string>) =>
    data({ ok: false as const, intent, errors, values }, { status: 400 });

  switch (intent) {
    case 'checkout': {
      const plan = oneOf(PLANS, text(form, 'plan'));
      const interval = oneOf(INTERVALS, text(form, 'interval'));
      if (!plan || !interval)
        return failed(
          { formError: null, fieldErrors: { [plan ? 'interval' : 'plan']: ['validation.required'] } },
          keepValues(form, ['plan', 'interval']),
        );
      const result = await mutate(request, () => api.billing.startCheckout.mutate({ tenant: slug, plan, interval }));
      if (!result.ok) return failed(result, keepValues(form, ['plan', 'interval']));
      // Off to Stripe Checkout (or the fake one); it sends the user back to this page.
      throw redirect(result.data.url);
    }
    case 'portal': {
      const result = await mutate(request, () => api.billing.openPortal.mutate({ tenant: slug }));
      if (!result.ok) return failed(result, {});
      throw redirect(result.data.url);
    }
    case 'contact': {
      const fields = Object.fromEntries(CONTACT_FIELDS.map((name) => [name, optionalText(form, name) ?? '']));
      const result = await mutate(request, () => api.billing.updateContact.mutate({ tenant: slug, ...fields }));
      if (!result.ok) return failed(result, keepValues(form, CONTACT_FIELDS));
      return { ok: true as const, intent, errors: null, values: {} };
    }
    default:
      throw notFound();
  }
}

export default function TownBilling() {
  const { town, billing, plans } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [search] = useSearchParams();
  const tr = useT();
  const { t, formatDate, lang } = tr;
  const money = new Intl.NumberFormat(lang === 'de' ? 'de-DE' : 'en-GB', { style: 'currency', currency: 'EUR' });
  const euro = (cents: number) => money.format(cents / 100);
  const statusKey = (s: string) => `billing.statuses.${s === 'past-due' ? 'pastDue' : s}` as MessageKey;

  const contactIds = {
    contactName: 'billing-contact-name',
    contactEmail: 'billing-contact-email',
    street: 'billing-street',
    postalCode: 'billing-postal-code',
    city: 'billing-city',
    vatId: 'billing-vat-id',
  };
  const planIds = { plan: 'billing-plan-basis', interval: 'billing-interval' };
  const errorsFor = (intent: Intent, fields: Record<string, string>) =>
    translateErrors(tr, result && !result.ok && result.intent === intent ? result.errors : null, fields);
  const valuesFor = (intent: Intent): Record<string, string> =>
    result && !result.ok && result.intent === intent ? result.values : {};
  const contactErrors = errorsFor('contact', contactIds);
  const planErrors = errorsFor('checkout', planIds);
  const portalErrors = errorsFor('portal', {});
  const contactValues = valuesFor('contact');
  const locked = !billing.canManage;
  const checkout = search.get('checkout');

  return (
    <>
      <PageHeader
        title={t('billing.titleFor', { name: town.name })}
        lead={t('billing.lead')}
        actions={
          <Link to={`/towns/${encodeURIComponent(town.slug)}`} className="button button--ghost">
            {t('billing.backToTown')}
          </Link>
        }
      />
      {billing.fakeStripe ? (
        <p className="notice" role="note" data-testid="fake-stripe">
          {t('billing.fakeStripe')}
        </p>
      ) : null}
      <BillingBanner status={billing} slug={town.slug} showLink={false} />
      {checkout === 'success' ? (
        <p className="notice notice--success" role="status">
          {t('billing.checkoutSuccess')}
        </p>
      ) : checkout === 'cancelled' ? (
        <p className="notice" role="status">
          {t('billing.checkoutCancelled')}
        </p>
      ) : null}
      {result?.ok ? (
        <p className="notice notice--success" role="status">
          {t('billing.contactSaved')}
        </p>
      ) : null}
      <ErrorSummary items={[...planErrors.summary, ...portalErrors.summary, ...contactErrors.summary]} />

      <section aria-labelledby="current-title" className="card">
        <h2 id="current-title">{t('billing.current')}</h2>
        <dl className="facts">
          <div>
            <dt>{t('billing.plan')}</dt>
            <dd data-testid="billing-plan">{t(`billing.plans.${billing.plan}`)}</dd>
          </div>
          <div>
            <dt>{t('billing.status')}</dt>
            <dd>{t(statusKey(billing.status))}</dd>
          </div>
          <div>
            <dt>{t('billing.price')}</dt>
            <dd>
              {billing.price && billing.interval
                ? `${t('billing.priceLine', { net: euro(billing.price.netCents), vat: euro(billing.price.vatCents), gross: euro(billing.price.grossCents) })} (${t(`billing.intervals.${billing.interval}`)})`
                : t('billing.noPrice')}
            </dd>
          </div>
          <div>
            <dt>{t('billing.nextInvoice')}</dt>
            <dd>
              {billing.nextInvoiceAt
                ? formatDate(billing.nextInvoiceAt)
                : billing.cancelAtPeriodEnd
                  ? t('billing.cancelAtPeriodEnd')
                  : t('billing.noNextInvoice')}
            </dd>
          </div>
        </dl>
      </section>

      {locked ? <p className="notice">{t('billing.manageOnly')}</p> : null}

      <section aria-labelledby="change-title" className="card">
        <h2 id="change-title">{t('billing.changePlan')}</h2>
        <p className="muted">{t('billing.changePlanHint')}</p>
        <Form method="post" noValidate className="form">
          <input type="hidden" name="intent" value="checkout" />
          <fieldset disabled={locked} className="form">
            <legend>{t('billing.plan')}</legend>
            {plans.map((plan) => {
              const monthly = plan.prices.find((p) => p.interval === 'month');
              const yearly = plan.prices.find((p) => p.interval === 'year');
              return (
                <div key={plan.id} className="radio">
                  <input
                    type="radio"
                    id={`billing-plan-${plan.id}`}
                    name="plan"
                    value={plan.id}
                    defaultChecked={
                      (valuesFor('checkout').plan ??
                        (billing.plan === 'plus' ? 'plus' : billing.plan === 'basis' ? 'standard' : 'plus')) === plan.id
                    }
                  />{' '}
                  <label htmlFor={`billing-plan-${plan.id}`}>
                    {t('billing.planOption', {
                      plan: t(`billing.plans.${plan.id}`),
                      features: t(`billing.planFeatures.${plan.id}`),
                      monthly: euro(monthly?.grossCents ?? 0),
                      yearly: euro(yearly?.grossCents ?? 0),
                    })}
                  </label>
                </div>
              );
            })}
            {planErrors.byField.plan ? <p className="field__error">{planErrors.byField.plan.join(' ')}</p> : null}
            <SelectField
              id={planIds.interval}
              name="interval"
              label={t('billing.chooseInterval')}
              options={INTERVALS.map((i) => ({ value: i, label: t(`billing.intervals.${i}`) }))}
              defaultValue={valuesFor('checkout').interval ?? billing.interval ?? 'year'}
              errors={planErrors.byField.interval}
            />
            <div className="form__actions">
              <SubmitButton
                label={t('billing.changePlanSubmit')}
                pendingLabel={t('billing.changePlanSubmitting')}
                pendingWhen={{ intent: 'checkout' }}
              />
            </div>
          </fieldset>
        </Form>
      </section>

      <section aria-labelledby="portal-title" className="card">
        <h2 id="portal-title">{t('billing.portal')}</h2>
        <p className="muted">{t('billing.portalHint')}</p>
        <Form method="post" className="form">
          <input type="hidden" name="intent" value="portal" />
          <fieldset disabled={locked} className="form">
            <legend className="visually-hidden">{t('billing.portal')}</legend>
            <SubmitButton
              variant="secondary"
              label={t('billing.portalSubmit')}
              pendingLabel={t('billing.portalSubmitting')}
              pendingWhen={{ intent: 'portal' }}
            />
          </fieldset>
        </Form>
      </section>

      <section aria-labelledby="invoices-title" className="card">
        <h2 id="invoices-title">{t('billing.invoices')}</h2>
        {billing.invoices.length === 0 ? (
          <p className="empty">{t('billing.invoicesEmpty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">{t('billing.invoicesCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('billing.colNumber')}</th>
                  <th scope="col">{t('billing.colDate')}</th>
                  <th scope="col" className="num">
                    {t('billing.colNet')}
                  </th>
                  <th scope="col" className="num">
                    {t('billing.colVat')}
                  </th>
                  <th scope="col" className="num">
                    {t('billing.colGross')}
                  </th>
                  <th scope="col">{t('billing.colStatus')}</th>
                  <th scope="col">{t('billing.colLink')}</th>
                </tr>
              </thead>
              <tbody>
                {billing.invoices.map((invoice, i) => (
                  <tr key={invoice.number ?? i}>
                    <th scope="row" className="mono">
                      {invoice.number ?? t('common.none')}
                    </th>
                    <td>{formatDate(invoice.createdAt)}</td>
                    <td className="num">{euro(invoice.netCents)}</td>
                    <td className="num">{euro(invoice.vatCents)}</td>
                    <td className="num">{euro(invoice.totalCents)}</td>
                    <td>{tr.tOr(`billing.invoiceStatuses.${invoice.status}`, invoice.status)}</td>
                    <td>
                      {invoice.url ? (
                        <a href={invoice.url} rel="noreferrer">
                          {t('billing.openInvoice', { number: invoice.number ?? '' })}
                        </a>
                      ) : (
                        t('common.none')
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="contact-title" className="card">
        <h2 id="contact-title">{t('billing.contact')}</h2>
        <Form method="post" noValidate className="form">
          <input type="hidden" name="intent" value="contact" />
          <fieldset disabled={locked} className="form">
            <legend className="visually-hidden">{t('billing.contact')}</legend>
            <TextField
              id={contactIds.contactName}
              name="contactName"
              label={t('billing.contactName')}
              optional
              defaultValue={contactValues.contactName ?? billing.contact.contactName ?? ''}
              errors={contactErrors.byField.contactName}
              autoComplete="organization"
            />
            <TextField
              id={contactIds.contactEmail}
              name="contactEmail"
              type="email"
              label={t('billing.contactEmail')}
              optional
              defaultValue={contactValues.contactEmail ?? billing.contact.contactEmail ?? ''}
              errors={contactErrors.byField.contactEmail}
              autoComplete="email"
            />
            <TextField
              id={contactIds.street}
              name="street"
              label={t('billing.street')}
              optional
              defaultValue={contactValues.street ?? billing.contact.street ?? ''}
              errors={contactErrors.byField.street}
              autoComplete="street-address"
            />
            <div className="form__row">
              <TextField
                id={contactIds.postalCode}
                name="postalCode"
                label={t('billing.postalCode')}
                optional
                inputMode="numeric"
                defaultValue={contactValues.postalCode ?? billing.contact.postalCode ?? ''}
                errors={contactErrors.byField.postalCode}
                autoComplete="postal-code"
              />
              <TextField
                id={contactIds.city}
                name="city"
                label={t('billing.city')}
                optional
                defaultValue={contactValues.city ?? billing.contact.city ?? ''}
                errors={contactErrors.byField.city}
                autoComplete="address-level2"
              />
            </div>
            <TextField
              id={contactIds.vatId}
              name="vatId"
              label={t('billing.vatId')}
              hint={t('billing.vatIdHint')}
              optional
              defaultValue={contactValues.vatId ?? billing.contact.vatId ?? ''}
              errors={contactErrors.byField.vatId}
              autoComplete="off"
            />
            <div className="form__actions">
              <SubmitButton
                label={t('billing.contactSubmit')}
                pendingLabel={t('billing.contactSubmitting')}
                pendingWhen={{ intent: 'contact' }}
              />
            </div>
          </fieldset>
        </Form>
      </section>
    </>
  );
}

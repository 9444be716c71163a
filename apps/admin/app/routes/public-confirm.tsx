import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, mutate } from '~/lib/api.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'publicPage.confirmTitle');

/**
 * The emailed link opens this page; only its button confirms. Mail filters
 * that open links to scan them would otherwise use up the single-use link.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const api = await apiFor(request);
  const page = await load(request, () =>
    api.publicBookings.hub.query({ town: params.town ?? '', hub: params.hub ?? '' }),
  );
  return { hubName: page.hubName };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const api = await apiFor(request);
  const result = await mutate(request, () =>
    api.publicBookings.confirm.mutate({ town: params.town ?? '', hub: params.hub ?? '', token: params.token ?? '' }),
  );
  if (!result.ok)
    return data(
      { ok: false as const, errors: { formError: result.formError, fieldErrors: result.fieldErrors }, booking: null },
      { status: 400 },
    );
  return { ok: true as const, errors: null, booking: result.data };
}

export default function PublicConfirm() {
  const { hubName } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t, formatDate } = tr;
  const errors = translateErrors(tr, result && !result.ok ? result.errors : null, {});
  return (
    <>
      <PageHeader title={t('publicPage.confirmTitle')} lead={hubName} />
      <ErrorSummary items={errors.summary} />
      {result?.ok && result.booking ? (
        <p className="notice notice--success" role="status">
          {t(result.booking.status === 'pending' ? 'publicPage.confirmedPending' : 'publicPage.confirmed', {
            space: [result.booking.spaceName, result.booking.deskName].filter(Boolean).join(' – '),
            when: formatDate(result.booking.startsAt, 'dateTime'),
          })}
        </p>
      ) : (
        <section aria-labelledby="confirm-title" className="card">
          <h2 id="confirm-title">{t('publicPage.confirmQuestion')}</h2>
          <Form method="post">
            <SubmitButton label={t('publicPage.confirmSubmit')} pendingLabel={t('common.pleaseWait')} />
          </Form>
        </section>
      )}
    </>
  );
}

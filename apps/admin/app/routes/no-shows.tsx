import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, mutate, notFound, requireMe } from '~/lib/api.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { text, translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';

export const meta: MetaFunction<typeof loader> = (args) =>
  pageTitle(args, 'noShows.title', { hub: args.data?.hub.name ?? '' });

/** Hub staff record the no-shows of their hub right away (docs/decisions/013); the API's worker also does it every minute (docs/decisions/020). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const api = await apiFor(request);
  const town = await load(request, () => api.tenants.get.query({ tenant: params.slug ?? '' }));
  const hub = town.hubs.find((h) => h.id === params.hubId);
  if (!hub) throw notFound();
  return { hub: { id: hub.id, name: hub.name } };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const form = await request.formData();
  if (text(form, 'intent') !== 'record') throw notFound();
  const api = await apiFor(request);
  const result = await mutate(request, () =>
    api.checkIn.recordNoShows.mutate({ tenant: params.slug ?? '', hubId: params.hubId ?? '' }),
  );
  if (!result.ok)
    return {
      ok: false as const,
      recorded: 0,
      errors: { formError: result.formError, fieldErrors: result.fieldErrors },
    };
  return { ok: true as const, recorded: result.data.recorded, errors: null };
}

export default function NoShows() {
  const { hub } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const errors = translateErrors(tr, result && !result.ok ? result.errors : null, {});
  return (
    <>
      <PageHeader title={t('noShows.title', { hub: hub.name })} lead={t('noShows.lead')} />
      <ErrorSummary items={errors.summary} />
      {result?.ok ? (
        <p className="notice notice--success" role="status">
          {t('noShows.recorded', { count: String(result.recorded) })}
        </p>
      ) : null}
      <section className="card" aria-label={t('noShows.link')}>
        <Form method="post">
          <input type="hidden" name="intent" value="record" />
          <SubmitButton label={t('noShows.submit')} pendingLabel={t('noShows.submitting')} />
        </Form>
      </section>
    </>
  );
}

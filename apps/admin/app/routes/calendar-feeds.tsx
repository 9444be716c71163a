import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { env } from '~/env.server.ts';
import { useT } from '~/i18n/use-t.ts';
import { apiErrorInfo, apiFor, load, mutate, notFound, requireMe } from '~/lib/api.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { text, translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args, 'feeds.title');

/**
 * Private iCal feed URLs (docs/decisions/013): one's own bookings, and for
 * hub staff every booking of a hub. Only a hash of the token is stored, so
 * a URL is shown once, right after it is made; afterwards it can be made
 * anew (which revokes the old one) or revoked.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const me = await requireMe(request);
  const slug = params.slug ?? '';
  const api = await apiFor(request);
  // Hub calendars are for the hub's staff: members are not offered them.
  const role = me.tenants.find((m) => m.slug === slug)?.role;
  const staff =
    me.user.platformRole === 'platform-admin' || me.partners.length > 0 || (role !== undefined && role !== 'member');
  const [town, feeds] = await Promise.all([
    load(request, () => api.tenants.get.query({ tenant: slug })),
    load(request, () => api.calendarFeeds.list.query({ tenant: slug, limit: 100 })),
  ]);
  return {
    town: { name: town.name, hubs: staff ? town.hubs.map((h) => ({ id: h.id, name: h.name })) : [] },
    feeds: feeds.items,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const form = await request.formData();
  const intent = text(form, 'intent');
  const api = await apiFor(request);
  const tenant = params.slug ?? '';
  if (intent === 'create') {
    const kind = text(form, 'kind');
    const hubId = text(form, 'hubId');
    const spaceId = text(form, 'spaceId');
    const input =
      kind === 'hub'
        ? { tenant, kind: 'hub' as const, hubId }
        : kind === 'space'
          ? { tenant, kind: 'space' as const, spaceId }
          : { tenant, kind: 'member' as const };
    // A hub this person may not follow (e.g. a hub manager's other hub): say so on the page, not as a 404.
    const result = await mutate(request, () =>
      api.calendarFeeds.create.mutate(input).catch((error: unknown) => {
        if (apiErrorInfo(error)?.code === 'FORBIDDEN') return null;
        throw error;
      }),
    );
    if (!result.ok)
      return {
        ok: false as const,
        created: null,
        revoked: false,
        errors: { formError: result.formError, fieldErrors: result.fieldErrors },
      };
    const made = result.data;
    if (made === null)
      return {
        ok: false as const,
        created: null,
        revoked: false,
        errors: { formError: 'errors.forbidden', fieldErrors: {} },
      };
    return {
      ok: true as const,
      created: { url: `${env.PUBLIC_API_URL}${made.path}`, feed: made.feed },
      revoked: false,
      errors: null,
    };
  }
  if (intent === 'revoke') {
    const result = await mutate(request, () =>
      api.calendarFeeds.revoke.mutate({ tenant, feedId: text(form, 'feedId') }),
    );
    if (!result.ok)
      return {
        ok: false as const,
        created: null,
        revoked: false,
        errors: { formError: result.formError, fieldErrors: result.fieldErrors },
      };
    return { ok: true as const, created: null, revoked: true, errors: null };
  }
  throw notFound();
}

export default function CalendarFeeds() {
  const { town, feeds } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const errors = translateErrors(tr, result && !result.ok ? result.errors : null, {});
  const nameOf = (f: { kind: string; targetName: string | null }) =>
    f.kind === 'member'
      ? t('feeds.mine')
      : f.kind === 'hub'
        ? t('feeds.hub', { name: f.targetName ?? '' })
        : t('feeds.space', { name: f.targetName ?? '' });
  return (
    <>
      <PageHeader title={t('feeds.title')} lead={t('feeds.lead')} />
      <ErrorSummary items={errors.summary} />
      {result?.revoked ? (
        <p className="notice notice--success" role="status">
          {t('feeds.revoked')}
        </p>
      ) : null}
      {result?.created ? (
        <section className="card" aria-labelledby="feed-created-title">
          <h2 id="feed-created-title">{t('feeds.created')}</h2>
          <p id="feed-created-hint">{t('feeds.createdHint')}</p>
          <label htmlFor="feed-url" className="field__label">
            {t('feeds.url', { what: nameOf(result.created.feed) })}
          </label>
          <input
            id="feed-url"
            className="input mono"
            readOnly
            value={result.created.url}
            aria-describedby="feed-created-hint"
            onFocus={(e) => e.currentTarget.select()}
          />
        </section>
      ) : null}
      <section className="card" aria-labelledby="feeds-title">
        <h2 id="feeds-title">{t('feeds.listTitle')}</h2>
        {feeds.length === 0 ? (
          <p className="empty">{t('feeds.empty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">{t('feeds.listTitle')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('feeds.colCalendar')}</th>
                  <th scope="col">{t('feeds.colCreated')}</th>
                  <th scope="col">{t('feeds.colAction')}</th>
                </tr>
              </thead>
              <tbody>
                {feeds.map((f) => (
                  <tr key={f.id}>
                    <th scope="row">{nameOf(f)}</th>
                    <td>{tr.formatDate(f.createdAt, 'dateTime')}</td>
                    <td>
                      <Form
                        method="post"
                        className="inline-form"
                        aria-label={t('feeds.revokeLabel', { what: nameOf(f) })}
                      >
                        <input type="hidden" name="intent" value="revoke" />
                        <input type="hidden" name="feedId" value={f.id} />
                        <SubmitButton
                          variant="secondary"
                          label={t('feeds.revoke')}
                          pendingLabel={t('feeds.revoking')}
                          pendingWhen={{ intent: 'revoke', feedId: f.id }}
                        />
                      </Form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="card" aria-labelledby="feeds-new-title">
        <h2 id="feeds-new-title">{t('feeds.regenerate')}</h2>
        <Form method="post" className="inline-form" aria-label={t('feeds.createMine')}>
          <input type="hidden" name="intent" value="create" />
          <input type="hidden" name="kind" value="member" />
          <SubmitButton
            label={t('feeds.createMine')}
            pendingLabel={t('feeds.creating')}
            pendingWhen={{ intent: 'create', kind: 'member' }}
          />
        </Form>
        {town.hubs.map((h) => (
          <Form key={h.id} method="post" className="inline-form" aria-label={t('feeds.createHub', { name: h.name })}>
            <input type="hidden" name="intent" value="create" />
            <input type="hidden" name="kind" value="hub" />
            <input type="hidden" name="hubId" value={h.id} />
            <SubmitButton
              variant="secondary"
              label={t('feeds.createHub', { name: h.name })}
              pendingLabel={t('feeds.creating')}
              pendingWhen={{ intent: 'create', hubId: h.id }}
            />
          </Form>
        ))}
      </section>
    </>
  );
}

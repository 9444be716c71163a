import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { TextAreaField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import type { Translator } from '~/i18n/index.ts';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, mutate, notFound, requireMe } from '~/lib/api.server.ts';
import { hhmm } from '~/lib/booking-format.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { text, translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';

/**
 * The approval inbox (docs/decisions/037) of one hub (`hubId` in the URL) or
 * of the whole town: every request waiting for the caller's decision, with
 * its conflicts; approve or reject one or several in one form post.
 */
export const meta: MetaFunction<typeof loader> = (args) =>
  pageTitle(args, 'approvals.title', { place: args.data?.place ?? '' });

const isId = (v: string | null): v is string => v !== null && /^[0-9a-f-]{36}$/i.test(v);

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const slug = params.slug ?? '';
  const hubId = params.hubId;
  const cursor = new URL(request.url).searchParams.get('cursor');
  const api = await apiFor(request);
  const [town, pending] = await Promise.all([
    load(request, () => api.tenants.get.query({ tenant: slug })),
    load(request, () =>
      api.approvals.pending.query({
        tenant: slug,
        ...(hubId ? { hubId } : {}),
        ...(isId(cursor) ? { cursor } : {}),
      }),
    ),
  ]);
  const hub = hubId ? town.hubs.find((h) => h.id === hubId) : null;
  if (hubId && !hub) throw notFound();
  return { slug, hubId: hub?.id ?? null, place: hub?.name ?? town.name, pending };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const form = await request.formData();
  const tenant = params.slug ?? '';
  const api = await apiFor(request);
  const intent = text(form, 'intent');
  if (intent === 'setDigest') {
    const result = await mutate(request, () =>
      api.approvals.setDigest.mutate({ tenant, digest: text(form, 'digest') === 'daily' }),
    );
    if (!result.ok) return { intent, ok: false as const, errors: result, decided: null };
    return { intent, ok: true as const, errors: null, decided: null };
  }
  // One row's own button decides that row; the buttons below the list decide the ticked rows.
  const one = text(form, 'approveOne');
  const decision = one ? 'approve' : intent;
  if (decision !== 'approve' && decision !== 'reject') throw notFound();
  const bookingIds = one ? [one] : form.getAll('bookingId').filter((v): v is string => typeof v === 'string');
  const reason = text(form, 'reason');
  const result = await mutate(request, () =>
    api.approvals.decide.mutate({ tenant, bookingIds, decision, ...(reason ? { reason } : {}) }),
  );
  if (!result.ok) return { intent: decision, ok: false as const, errors: result, decided: null };
  return { intent: decision, ok: true as const, errors: null, decided: result.data };
}

type Pending = ReturnType<typeof useLoaderData<typeof loader>>['pending'];
type PendingRequest = Pending['items'][number];

const whenText = (tr: Translator, r: { startsAt: string; endsAt: string }) =>
  `${tr.formatDate(r.startsAt)}, ${hhmm(r.startsAt)}–${hhmm(r.endsAt)}`;

function Conflicts({ request }: { request: PendingRequest }) {
  const tr = useT();
  const { t } = tr;
  if (request.conflicts.length === 0) return <>{t('approvals.noConflicts')}</>;
  return (
    <ul className="link-list">
      {request.conflicts.map((c) => (
        <li key={c.bookingId}>
          {t(c.status === 'pending' ? 'approvals.conflictPending' : 'approvals.conflictBooked', {
            name: c.forName ?? t('approvals.someone'),
            when: whenText(tr, c),
          })}
        </li>
      ))}
    </ul>
  );
}

export default function Approvals() {
  const { slug, hubId, place, pending } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const firstId = pending.items[0] ? `approve-${pending.items[0].id}` : 'approvals-title';
  const errors = translateErrors(tr, result && !result.ok ? result.errors : null, {
    bookingIds: firstId,
    reason: 'approval-reason',
    digest: 'digest-each',
  });
  const decided = result?.ok ? result.decided : null;
  const base = hubId ? `/towns/${encodeURIComponent(slug)}/hubs/${hubId}` : `/towns/${encodeURIComponent(slug)}`;
  return (
    <>
      <PageHeader
        title={t('approvals.title', { place })}
        lead={t('approvals.lead')}
        actions={
          <Link className="button button--secondary" to={base}>
            {t('approvals.back', { place })}
          </Link>
        }
      />
      <ErrorSummary items={errors.summary} />
      {decided ? (
        <div className={`notice ${decided.failed.length > 0 ? 'notice--warning' : 'notice--success'}`} role="status">
          <p>
            {result?.intent === 'approve'
              ? t('approvals.approvedCount', { count: String(decided.approved) })
              : t('approvals.rejectedCount', { count: String(decided.rejected) })}
          </p>
          {decided.failed.length > 0 ? (
            <>
              <p>{t('approvals.failedIntro', { count: String(decided.failed.length) })}</p>
              <ul>
                {decided.failed.map((f) => (
                  <li key={f.bookingId}>
                    {t('approvals.failedItem', { name: f.forName, what: f.spaceName, when: whenText(tr, f) })}{' '}
                    {f.messageKey === 'errors.approvals.conflict'
                      ? t('errors.approvals.conflict', {
                          name: f.params.name ?? '',
                          when: whenText(tr, { startsAt: f.params.startsAt ?? '', endsAt: f.params.endsAt ?? '' }),
                        })
                      : tr.tKey(f.messageKey, 'errors.generic')}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ) : null}
      {result?.ok && result.intent === 'setDigest' ? (
        <p className="notice notice--success" role="status">
          {t('approvals.digestSaved')}
        </p>
      ) : null}

      <section aria-labelledby="approvals-title" className="card">
        <h2 id="approvals-title">{t('approvals.listTitle', { count: String(pending.total) })}</h2>
        {!pending.mayApprove ? (
          <p className="empty">{t('approvals.notYours')}</p>
        ) : pending.items.length === 0 ? (
          <p className="empty">{t('approvals.empty')}</p>
        ) : (
          <Form method="post">
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">{t('approvals.caption', { place })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('approvals.colSelect')}</th>
                    <th scope="col">{t('approvals.colWho')}</th>
                    <th scope="col">{t('approvals.colWhat')}</th>
                    <th scope="col">{t('approvals.colWhen')}</th>
                    <th scope="col">{t('approvals.colConflicts')}</th>
                    <th scope="col">{t('approvals.colAction')}</th>
                  </tr>
                </thead>
                <tbody>
                  {pending.items.map((r) => {
                    const what = [hubId ? null : r.hubName, r.spaceName, r.deskName].filter(Boolean).join(' · ');
                    const when = whenText(tr, r);
                    return (
                      <tr key={r.id}>
                        <td>
                          <input
                            type="checkbox"
                            id={`approve-${r.id}`}
                            name="bookingId"
                            value={r.id}
                            aria-label={t('approvals.selectLabel', { name: r.forName, when })}
                          />
                        </td>
                        <th scope="row">
                          {r.forName}
                          {r.isPublic ? <span className="badge">{t('approvals.public')}</span> : null}
                          {r.email ? <div className="muted">{r.email}</div> : null}
                          {r.organisationName ? <div className="muted">{r.organisationName}</div> : null}
                        </th>
                        <td>
                          {what}
                          {r.purpose ? <div className="muted">{r.purpose}</div> : null}
                          <div className="muted">{t('approvals.attendees', { count: String(r.attendees) })}</div>
                        </td>
                        <td>
                          {when}
                          <div className="muted">
                            {t('approvals.requestedAt', { when: tr.formatDate(r.requestedAt) })}
                          </div>
                        </td>
                        <td>
                          <Conflicts request={r} />
                        </td>
                        <td>
                          <button
                            type="submit"
                            name="approveOne"
                            value={r.id}
                            className="button button--secondary"
                            aria-label={t('approvals.approveOneLabel', { name: r.forName, when })}
                          >
                            {t('approvals.approveOne')}
                          </button>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <TextAreaField
              id="approval-reason"
              name="reason"
              label={t('approvals.reason')}
              hint={t('approvals.reasonHint')}
              errors={errors.byField.reason}
              optional
              rows={3}
              maxLength={500}
            />
            <div className="actions">
              <button type="submit" name="intent" value="approve" className="button button--primary">
                {t('approvals.approveSelected')}
              </button>{' '}
              <button type="submit" name="intent" value="reject" className="button button--secondary">
                {t('approvals.rejectSelected')}
              </button>
            </div>
          </Form>
        )}
        {pending.nextCursor ? (
          <p>
            <Link to={`?cursor=${pending.nextCursor}`}>{t('approvals.more')}</Link>
          </p>
        ) : null}
      </section>

      {pending.mayApprove && pending.digest !== null ? (
        <section aria-labelledby="digest-title" className="card">
          <h2 id="digest-title">{t('approvals.digestTitle')}</h2>
          <Form method="post" className="form">
            <input type="hidden" name="intent" value="setDigest" />
            <fieldset className="fieldset">
              <legend>{t('approvals.digestLegend')}</legend>
              <div className="radio">
                <input type="radio" id="digest-each" name="digest" value="each" defaultChecked={!pending.digest} />{' '}
                <label htmlFor="digest-each">{t('approvals.digestEach')}</label>
              </div>
              <div className="radio">
                <input type="radio" id="digest-daily" name="digest" value="daily" defaultChecked={pending.digest} />{' '}
                <label htmlFor="digest-daily">{t('approvals.digestDaily')}</label>
              </div>
            </fieldset>
            <SubmitButton
              label={t('approvals.digestSave')}
              pendingLabel={t('approvals.digestSaving')}
              pendingWhen={{ intent: 'setDigest' }}
              variant="secondary"
            />
          </Form>
        </section>
      ) : null}
    </>
  );
}

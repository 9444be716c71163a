import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { addDays, localParts } from '@hubwerk/domain';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { TextField } from '~/components/field.tsx';
import { OpeningHoursList } from '~/components/opening-hours.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { DISPLAY_TIME_ZONE, type MessageKey } from '~/i18n/index.ts';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, notFound, requireMe } from '~/lib/api.server.ts';
import { clipToMax, conflictItem, hhmm, suggestionText, type Conflict } from '~/lib/booking-format.ts';
import { mutateBooking } from '~/lib/bookings.server.ts';
import { idempotencyKeyOf, keepValues, text, translateErrors, type FormErrorKeys } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';

export const meta: MetaFunction<typeof loader> = (args) =>
  args.data ? [{ title: `${args.data.hub.name} – Hubwerk` }] : pageTitle(args, 'notFound.title');

const isDate = (v: string | null): v is string => v !== null && /^\d{4}-\d{2}-\d{2}$/.test(v);

/** The hub: its spaces, opening hours, and free desks for a day (tomorrow unless chosen). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const slug = params.slug ?? '';
  const hubId = params.hubId ?? '';
  const url = new URL(request.url);
  const tomorrow = addDays(localParts(new Date(), DISPLAY_TIME_ZONE).date, 1);
  const deskDate = isDate(url.searchParams.get('day')) ? url.searchParams.get('day')! : tomorrow;
  const api = await apiFor(request);
  const [spaces, hours, desks] = await Promise.all([
    load(request, () => api.spaces.list.query({ tenant: slug, hubId })),
    load(request, () => api.spaces.openingHours.query({ tenant: slug, hubId })),
    load(request, () => api.bookings.availability.query({ tenant: slug, hubId, date: deskDate, days: 1 })),
  ]);
  return {
    slug,
    hub: spaces.hub,
    canConfigure: spaces.canConfigure,
    spaces: spaces.items,
    archivedSpaces: spaces.archived,
    hours,
    deskDate,
    // One key per desk form as rendered: a double click books once (docs/decisions/033).
    freeDesks: desks.resources
      .filter((r) => r.free.length > 0)
      .map((r) => ({ ...r, idempotencyKey: crypto.randomUUID() })),
    suggestionKey: crypto.randomUUID(),
    // Just created on its own page (hub-new-space): named here once.
    created: spaces.items.find((s) => s.id === url.searchParams.get('created'))?.name ?? null,
  };
}

type Intent = 'bookDesk';

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const slug = params.slug ?? '';
  const form = await request.formData();
  const intent = text(form, 'intent') as Intent;
  const api = await apiFor(request);
  const failed = (errors: FormErrorKeys, values: Record<string, string>, conflict: Conflict | null = null) =>
    data({ ok: false as const, intent, errors, values, conflict, notice: null }, { status: conflict ? 409 : 400 });
  const done = (notice: { key: MessageKey; params: Record<string, string> }) => ({
    ok: true as const,
    intent,
    errors: null,
    values: {},
    conflict: null,
    notice,
  });

  switch (intent) {
    case 'bookDesk': {
      const result = await mutateBooking(request, () =>
        api.bookings.create.mutate({
          tenant: slug,
          spaceId: text(form, 'spaceId'),
          deskId: text(form, 'deskId'),
          startsAt: text(form, 'startsAt'),
          endsAt: text(form, 'endsAt'),
          attendees: 1,
          ...idempotencyKeyOf(form),
        }),
      );
      if (!result.ok) return failed(result, keepValues(form, ['spaceId', 'deskId']), result.conflict);
      const b = result.data;
      return done({
        key: 'hub.deskBooked',
        params: {
          desk: b.deskName ? `${b.spaceName}, ${b.deskName}` : b.spaceName,
          date: b.startsAt,
          from: b.startsAt,
          to: b.endsAt,
        },
      });
    }
    default:
      throw notFound();
  }
}

export default function Hub() {
  const { slug, hub, canConfigure, spaces, archivedSpaces, hours, deskDate, freeDesks, created, suggestionKey } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const failedFor = (intent: Intent) => (result && !result.ok && result.intent === intent ? result : null);
  const deskFailure = failedFor('bookDesk');
  const deskErrors = translateErrors(tr, deskFailure?.errors, {});
  const deskConflict = deskFailure?.conflict ? [conflictItem(tr, deskFailure.conflict, 'desk-day')] : [];

  const notice = result?.ok ? result.notice : null;
  const noticeText = notice
    ? notice.key === 'hub.deskBooked'
      ? t(notice.key, {
          desk: notice.params.desk ?? '',
          date: tr.formatDate(notice.params.date ?? ''),
          from: hhmm(notice.params.from ?? ''),
          to: hhmm(notice.params.to ?? ''),
        })
      : t(notice.key, notice.params)
    : null;

  return (
    <>
      <PageHeader title={hub.name} />
      {noticeText || created ? (
        <p className="notice notice--success" role="status">
          {noticeText ?? t('hub.spaceCreated', { name: created ?? '' })}
        </p>
      ) : null}
      <ErrorSummary items={[...deskConflict, ...deskErrors.summary]} />

      <section aria-labelledby="desk-title" className="card">
        <h2 id="desk-title">{t('hub.deskTomorrow')}</h2>
        <Form method="get" className="form form--inline">
          <TextField id="desk-day" name="day" type="date" label={t('hub.deskDate')} defaultValue={deskDate} />
          <SubmitButton
            variant="secondary"
            label={t('hub.showDesks')}
            pendingLabel={t('common.pleaseWait')}
            pendingWhen={{ never: 'x' }}
          />
        </Form>
        {deskFailure?.conflict?.suggestion ? (
          <Form method="post" className="inline-form suggestion">
            <input type="hidden" name="intent" value="bookDesk" />
            <input type="hidden" name="idempotencyKey" value={suggestionKey} />
            <input type="hidden" name="spaceId" value={deskFailure.values.spaceId ?? ''} />
            <input type="hidden" name="deskId" value={deskFailure.values.deskId ?? ''} />
            <input type="hidden" name="startsAt" value={deskFailure.conflict.suggestion.startsAt} />
            <input type="hidden" name="endsAt" value={deskFailure.conflict.suggestion.endsAt} />
            <SubmitButton
              label={suggestionText(tr, deskFailure.conflict.suggestion, 'errors.booking.bookSuggestion')}
              pendingLabel={t('space.submitting')}
              pendingWhen={{ intent: 'bookDesk', startsAt: deskFailure.conflict.suggestion.startsAt }}
            />
          </Form>
        ) : null}
        <h3>{t('hub.desksFree', { date: tr.formatDate(`${deskDate}T12:00:00Z`) })}</h3>
        {freeDesks.length === 0 ? (
          <p className="empty">{t('hub.desksNone')}</p>
        ) : (
          <ul className="desk-list">
            {freeDesks.map((desk) => {
              const first = desk.free[0]!;
              const slot = {
                startsAt: first.startsAt,
                endsAt: clipToMax(first.startsAt, first.endsAt, desk.maxDurationMinutes),
              };
              const label = t('hub.bookDesk', {
                desk: desk.deskName ? `${desk.spaceName}, ${desk.deskName}` : desk.spaceName,
                from: hhmm(slot.startsAt),
                to: hhmm(slot.endsAt),
              });
              return (
                <li key={desk.deskId ?? desk.spaceId}>
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="intent" value="bookDesk" />
                    <input type="hidden" name="idempotencyKey" value={desk.idempotencyKey} />
                    <input type="hidden" name="spaceId" value={desk.spaceId} />
                    <input type="hidden" name="deskId" value={desk.deskId ?? ''} />
                    <input type="hidden" name="startsAt" value={slot.startsAt} />
                    <input type="hidden" name="endsAt" value={slot.endsAt} />
                    <SubmitButton
                      variant="secondary"
                      label={label}
                      pendingLabel={t('space.submitting')}
                      pendingWhen={{ intent: 'bookDesk', deskId: desk.deskId ?? '' }}
                    />
                  </Form>
                </li>
              );
            })}
          </ul>
        )}
      </section>

      <section aria-labelledby="spaces-title" className="card">
        <h2 id="spaces-title">{t('hub.spaces')}</h2>
        {spaces.length === 0 ? (
          <p className="empty">{t('hub.spacesEmpty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">{t('hub.spacesCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('hub.colSpace')}</th>
                  <th scope="col">{t('hub.colKind')}</th>
                  <th scope="col" className="num">
                    {t('hub.colCapacity')}
                  </th>
                  <th scope="col" className="num">
                    {t('hub.colDesks')}
                  </th>
                  <th scope="col">{t('hub.colRules')}</th>
                  {canConfigure ? <th scope="col">{t('space.colEdit')}</th> : null}
                </tr>
              </thead>
              <tbody>
                {spaces.map((space) => (
                  <tr key={space.id}>
                    <th scope="row">
                      <Link to={`/towns/${encodeURIComponent(slug)}/spaces/${space.id}`}>{space.name}</Link>
                    </th>
                    <td>{t(`hub.kind.${space.kind}`)}</td>
                    <td className="num">{space.capacity}</td>
                    <td className="num">{space.desks.length}</td>
                    <td>
                      {t('hub.rulesSummary', {
                        granularity: space.rules.granularityMinutes,
                        min: space.rules.minDurationMinutes,
                        max: space.rules.maxDurationMinutes,
                        buffer: space.rules.bufferMinutes,
                        horizon: space.rules.horizonDays,
                      })}
                      , {space.rules.approvalRequired ? t('hub.approval') : t('hub.instant')}
                    </td>
                    {canConfigure ? (
                      <td>
                        <Link
                          to={`/towns/${encodeURIComponent(slug)}/spaces/${space.id}/edit`}
                          aria-label={t('space.editNamed', { name: space.name })}
                        >
                          {t('space.edit')}
                        </Link>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {archivedSpaces.length > 0 ? (
        <section aria-labelledby="archived-spaces-title" className="card">
          <h2 id="archived-spaces-title">{t('space.archivedTitle')}</h2>
          <p>{t('space.archivedSpacesIntro')}</p>
          <ul>
            {archivedSpaces.map((space) => (
              <li key={space.id}>
                <Link to={`/towns/${encodeURIComponent(slug)}/spaces/${space.id}/edit`}>{space.name}</Link> (
                {t(`hub.kind.${space.kind}`)})
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="hours-title" className="card">
        <h2 id="hours-title">{t('hub.openingHours')}</h2>
        {hours.week.length === 0 ? <p className="empty">{t('hub.openingHoursEmpty')}</p> : null}
        <OpeningHoursList week={hours.week} />
        <h3>{t('hub.closedDays')}</h3>
        {hours.closedDays.length === 0 ? (
          <p className="empty">{t('hub.closedDaysEmpty')}</p>
        ) : (
          <ul>
            {hours.closedDays.map((c) => (
              <li key={c.date}>
                {tr.formatDate(`${c.date}T12:00:00Z`)}
                {c.note ? ` – ${c.note}` : ''}
              </li>
            ))}
          </ul>
        )}
        {canConfigure ? (
          <p>
            <Link to={`/towns/${encodeURIComponent(slug)}/hubs/${hub.id}/settings`}>{t('hubNav.changeHours')}</Link>
          </p>
        ) : null}
      </section>
    </>
  );
}

import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { addDays, localParts } from '@hubwerk/domain';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { SelectField, TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { DISPLAY_TIME_ZONE, type MessageKey } from '~/i18n/index.ts';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, mutate, notFound, requireMe } from '~/lib/api.server.ts';
import { clipToMax, conflictItem, hhmm, suggestionText, type Conflict } from '~/lib/booking-format.ts';
import { mutateBooking } from '~/lib/bookings.server.ts';
import { idempotencyKeyOf, keepValues, text, translateErrors, type FormErrorKeys } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';

export const meta: MetaFunction<typeof loader> = (args) =>
  args.data ? [{ title: `${args.data.hub.name} – Hubwerk` }] : pageTitle(args, 'notFound.title');

const KINDS = ['event-room', 'showroom', 'coworking', 'meeting-room'] as const;
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
const RULE_FIELDS = [
  'granularityMinutes',
  'minDurationMinutes',
  'maxDurationMinutes',
  'leadTimeMinutes',
  'horizonDays',
  'bufferMinutes',
] as const;
const RULE_DEFAULTS: Record<(typeof RULE_FIELDS)[number], string> = {
  granularityMinutes: '30',
  minDurationMinutes: '30',
  maxDurationMinutes: '240',
  leadTimeMinutes: '0',
  horizonDays: '90',
  bufferMinutes: '0',
};
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
  const [spaces, hours, desks, approvals] = await Promise.all([
    load(request, () => api.spaces.list.query({ tenant: slug, hubId })),
    load(request, () => api.spaces.openingHours.query({ tenant: slug, hubId })),
    load(request, () => api.bookings.availability.query({ tenant: slug, hubId, date: deskDate, days: 1 })),
    load(request, () => api.approvals.pending.query({ tenant: slug, hubId, limit: 1 })),
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
    // Only for those who decide this hub's requests.
    pendingApprovals: approvals.mayApprove ? approvals.total : null,
  };
}

type Intent = 'createSpace' | 'setOpeningHours' | 'addClosedDay' | 'bookDesk';
const int = (form: FormData, name: string) => {
  const value = text(form, name);
  return /^-?\d+$/.test(value) ? Number.parseInt(value, 10) : Number.NaN;
};

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const slug = params.slug ?? '';
  const hubId = params.hubId ?? '';
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
    case 'createSpace': {
      const kind = text(form, 'kind') as (typeof KINDS)[number];
      const amenities = text(form, 'amenities')
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean);
      const notes = text(form, 'accessibilityNotes');
      const result = await mutate(request, () =>
        api.spaces.create.mutate({
          tenant: slug,
          hubId,
          kind,
          name: text(form, 'name'),
          capacity: int(form, 'capacity'),
          amenities,
          ...(notes ? { accessibilityNotes: notes } : {}),
          deskCount: kind === 'coworking' ? int(form, 'deskCount') || 0 : 0,
          rules: {
            granularityMinutes: int(form, 'granularityMinutes'),
            minDurationMinutes: int(form, 'minDurationMinutes'),
            maxDurationMinutes: int(form, 'maxDurationMinutes'),
            leadTimeMinutes: int(form, 'leadTimeMinutes'),
            horizonDays: int(form, 'horizonDays'),
            bufferMinutes: int(form, 'bufferMinutes'),
            approvalRequired: form.get('approvalRequired') === 'on',
          },
        }),
      );
      if (!result.ok)
        return failed(
          result,
          keepValues(form, [
            'kind',
            'name',
            'capacity',
            'deskCount',
            'amenities',
            'accessibilityNotes',
            ...RULE_FIELDS,
          ]),
        );
      return done({ key: 'hub.spaceCreated', params: { name: result.data.name } });
    }
    case 'setOpeningHours': {
      const week = WEEKDAYS.flatMap((weekday) => {
        const opensAt = text(form, `opens-${weekday}`);
        const closesAt = text(form, `closes-${weekday}`);
        return opensAt || closesAt ? [{ weekday, opensAt, closesAt }] : [];
      });
      const result = await mutate(request, () => api.spaces.setOpeningHours.mutate({ tenant: slug, hubId, week }));
      if (!result.ok)
        return failed(
          result,
          keepValues(
            form,
            WEEKDAYS.flatMap((d) => [`opens-${d}`, `closes-${d}`]),
          ),
        );
      return done({ key: 'hub.openingHoursSaved', params: {} });
    }
    case 'addClosedDay': {
      const note = text(form, 'note');
      const result = await mutate(request, () =>
        api.spaces.addClosedDay.mutate({ tenant: slug, hubId, date: text(form, 'date'), ...(note ? { note } : {}) }),
      );
      if (!result.ok) return failed(result, keepValues(form, ['date', 'note']));
      return done({ key: 'hub.closedDayAdded', params: {} });
    }
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
  const {
    slug,
    hub,
    canConfigure,
    spaces,
    archivedSpaces,
    hours,
    deskDate,
    freeDesks,
    pendingApprovals,
    suggestionKey,
  } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const failedFor = (intent: Intent) => (result && !result.ok && result.intent === intent ? result : null);
  const spaceFields: Record<string, string> = {
    kind: 'space-kind',
    name: 'space-name',
    capacity: 'space-capacity',
    deskCount: 'space-desks',
    amenities: 'space-amenities',
    accessibilityNotes: 'space-a11y',
    ...Object.fromEntries(RULE_FIELDS.map((f) => [`rules.${f}`, `space-${f}`])),
  };
  const spaceErrors = translateErrors(tr, failedFor('createSpace')?.errors, spaceFields);
  const spaceValues = failedFor('createSpace')?.values ?? {};
  const hoursFields = Object.fromEntries(
    WEEKDAYS.flatMap((d, i) => [
      [`week.${i}.opensAt`, `opens-${d}`],
      [`week.${i}.closesAt`, `closes-${d}`],
    ]),
  );
  const hoursErrors = translateErrors(tr, failedFor('setOpeningHours')?.errors, hoursFields);
  const hoursValues = failedFor('setOpeningHours')?.values;
  const closedErrors = translateErrors(tr, failedFor('addClosedDay')?.errors, {
    date: 'closed-date',
    note: 'closed-note',
  });
  const deskFailure = failedFor('bookDesk');
  const deskErrors = translateErrors(tr, deskFailure?.errors, {});
  const deskConflict = deskFailure?.conflict ? [conflictItem(tr, deskFailure.conflict, 'desk-day')] : [];
  const weekByDay = new Map(hours.week.map((w) => [w.weekday, w]));

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
      <PageHeader
        title={hub.name}
        actions={
          <>
            {pendingApprovals !== null ? (
              <Link
                className="button button--secondary"
                to={`/towns/${encodeURIComponent(slug)}/hubs/${hub.id}/approvals`}
              >
                {t('approvals.link', { count: String(pendingApprovals) })}
              </Link>
            ) : null}
            <Link className="button button--secondary" to={`/towns/${encodeURIComponent(slug)}/hubs/${hub.id}/week`}>
              {t('hubWeek.link')}
            </Link>
            <Link className="button button--secondary" to={`/towns/${encodeURIComponent(slug)}/hubs/${hub.id}/staff`}>
              {t('hubStaff.link')}
            </Link>
            <Link
              className="button button--secondary"
              to={`/towns/${encodeURIComponent(slug)}/hubs/${hub.id}/settings`}
            >
              {t('hubSettings.link')}
            </Link>
            {canConfigure ? (
              <Link
                className="button button--secondary"
                to={`/towns/${encodeURIComponent(slug)}/hubs/${hub.id}/occupancy`}
              >
                {t('occupancy.link')}
              </Link>
            ) : null}
            {canConfigure ? (
              <Link
                className="button button--secondary"
                to={`/towns/${encodeURIComponent(slug)}/hubs/${hub.id}/no-shows`}
              >
                {t('noShows.link')}
              </Link>
            ) : null}
            <Link className="button button--secondary" to={`/towns/${encodeURIComponent(slug)}/bookings`}>
              {t('hub.myBookings')}
            </Link>
          </>
        }
      />
      {noticeText ? (
        <p className="notice notice--success" role="status">
          {noticeText}
        </p>
      ) : null}
      <ErrorSummary
        items={[
          ...deskConflict,
          ...deskErrors.summary,
          ...spaceErrors.summary,
          ...hoursErrors.summary,
          ...closedErrors.summary,
        ]}
      />

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
        {canConfigure ? (
          <Form
            method="post"
            noValidate
            className="form"
            key={result?.ok && result.intent === 'setOpeningHours' ? 'saved' : 'hours'}
          >
            <input type="hidden" name="intent" value="setOpeningHours" />
            <p className="field__hint">{t('hub.openingHoursHint')}</p>
            {WEEKDAYS.map((d) => {
              const day = t(`hub.weekday.${d}`);
              const current = weekByDay.get(d);
              return (
                <div className="form__row" key={d}>
                  <TextField
                    id={`opens-${d}`}
                    name={`opens-${d}`}
                    type="time"
                    optional
                    label={t('hub.opensAt', { day })}
                    defaultValue={hoursValues?.[`opens-${d}`] ?? current?.opensAt ?? ''}
                    errors={hoursErrors.byField[`week.${d - 1}.opensAt`]}
                  />
                  <TextField
                    id={`closes-${d}`}
                    name={`closes-${d}`}
                    type="time"
                    optional
                    label={t('hub.closesAt', { day })}
                    defaultValue={hoursValues?.[`closes-${d}`] ?? current?.closesAt ?? ''}
                    errors={hoursErrors.byField[`week.${d - 1}.closesAt`]}
                  />
                </div>
              );
            })}
            <div className="form__actions">
              <SubmitButton
                label={t('hub.saveOpeningHours')}
                pendingLabel={t('hub.savingOpeningHours')}
                pendingWhen={{ intent: 'setOpeningHours' }}
              />
            </div>
          </Form>
        ) : (
          <dl className="facts">
            {WEEKDAYS.map((d) => {
              const current = weekByDay.get(d);
              return (
                <div key={d}>
                  <dt>{t(`hub.weekday.${d}`)}</dt>
                  <dd>{current ? `${current.opensAt}–${current.closesAt}` : t('hub.closed')}</dd>
                </div>
              );
            })}
          </dl>
        )}
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
          <Form
            method="post"
            noValidate
            className="form form--inline"
            key={result?.ok && result.intent === 'addClosedDay' ? `closed-${hours.closedDays.length}` : 'closed'}
          >
            <input type="hidden" name="intent" value="addClosedDay" />
            <TextField
              id="closed-date"
              name="date"
              type="date"
              label={t('hub.closedDay')}
              defaultValue={failedFor('addClosedDay')?.values.date}
              errors={closedErrors.byField.date}
            />
            <TextField
              id="closed-note"
              name="note"
              optional
              label={t('hub.closedDayNote')}
              defaultValue={failedFor('addClosedDay')?.values.note}
              errors={closedErrors.byField.note}
              autoComplete="off"
            />
            <SubmitButton
              variant="secondary"
              label={t('hub.addClosedDay')}
              pendingLabel={t('hub.addingClosedDay')}
              pendingWhen={{ intent: 'addClosedDay' }}
            />
          </Form>
        ) : null}
      </section>

      {canConfigure ? (
        <section aria-labelledby="create-space-title" className="card">
          <h2 id="create-space-title">{t('hub.createSpace')}</h2>
          <Form
            method="post"
            noValidate
            className="form"
            key={result?.ok && result.intent === 'createSpace' ? `created-${spaces.length}` : 'create'}
          >
            <input type="hidden" name="intent" value="createSpace" />
            <div className="form__row">
              <SelectField
                id={spaceFields.kind!}
                name="kind"
                label={t('hub.spaceKind')}
                options={KINDS.map((k) => ({ value: k, label: t(`hub.kind.${k}`) }))}
                defaultValue={spaceValues.kind ?? 'coworking'}
                errors={spaceErrors.byField.kind}
              />
              <TextField
                id={spaceFields.name!}
                name="name"
                label={t('hub.spaceName')}
                defaultValue={spaceValues.name}
                errors={spaceErrors.byField.name}
                autoComplete="off"
              />
            </div>
            <div className="form__row">
              <TextField
                id={spaceFields.capacity!}
                name="capacity"
                type="number"
                min={1}
                inputMode="numeric"
                label={t('hub.capacity')}
                defaultValue={spaceValues.capacity}
                errors={spaceErrors.byField.capacity}
              />
              <TextField
                id={spaceFields.deskCount!}
                name="deskCount"
                type="number"
                min={0}
                inputMode="numeric"
                optional
                label={t('hub.deskCount')}
                hint={t('hub.deskCountHint')}
                defaultValue={spaceValues.deskCount ?? '0'}
                errors={spaceErrors.byField.deskCount}
              />
            </div>
            <TextField
              id={spaceFields.amenities!}
              name="amenities"
              optional
              label={t('hub.amenities')}
              hint={t('hub.amenitiesHint')}
              defaultValue={spaceValues.amenities}
              errors={spaceErrors.byField.amenities}
              autoComplete="off"
            />
            <TextField
              id={spaceFields.accessibilityNotes!}
              name="accessibilityNotes"
              optional
              label={t('hub.accessibilityNotes')}
              defaultValue={spaceValues.accessibilityNotes}
              errors={spaceErrors.byField.accessibilityNotes}
              autoComplete="off"
            />
            <fieldset className="fieldset">
              <legend>{t('hub.rules')}</legend>
              <div className="form__row">
                {RULE_FIELDS.map((f) => (
                  <TextField
                    key={f}
                    id={`space-${f}`}
                    name={f}
                    type="number"
                    min={0}
                    inputMode="numeric"
                    label={t(RULE_LABELS[f])}
                    defaultValue={spaceValues[f] ?? RULE_DEFAULTS[f]}
                    errors={spaceErrors.byField[`rules.${f}`]}
                  />
                ))}
              </div>
              <div className="field field--checkbox">
                <input id="space-approval" name="approvalRequired" type="checkbox" />
                <label htmlFor="space-approval">{t('hub.approvalRequired')}</label>
              </div>
            </fieldset>
            <div className="form__actions">
              <SubmitButton
                label={t('hub.createSpaceSubmit')}
                pendingLabel={t('hub.createSpaceSubmitting')}
                pendingWhen={{ intent: 'createSpace' }}
              />
            </div>
          </Form>
        </section>
      ) : null}
    </>
  );
}

const RULE_LABELS: Record<(typeof RULE_FIELDS)[number], MessageKey> = {
  granularityMinutes: 'hub.granularity',
  minDurationMinutes: 'hub.minDuration',
  maxDurationMinutes: 'hub.maxDuration',
  leadTimeMinutes: 'hub.leadTime',
  horizonDays: 'hub.horizon',
  bufferMinutes: 'hub.buffer',
};

import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { addDays, localParts, mondayOf } from '@hubwerk/domain';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { SelectField, TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { DISPLAY_TIME_ZONE } from '~/i18n/index.ts';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, mutate, notFound, requireMe } from '~/lib/api.server.ts';
import { clipToMax, conflictItem, hhmm, localDate, suggestionText, whoText } from '~/lib/booking-format.ts';
import { mutateBooking, toInstant } from '~/lib/bookings.server.ts';
import { BOOKING_RULE_FIELDS, RULE_LABELS } from '~/lib/space-rules.ts';
import { idempotencyKeyOf, integer, keepValues, text, translateErrors } from '~/lib/forms.ts';
import { allowance } from '~/lib/organisations.ts';
import { pageTitle } from '~/lib/meta.ts';
import { photoUrl } from '~/lib/photos.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';

export const meta: MetaFunction<typeof loader> = (args) =>
  args.data ? [{ title: `${args.data.space.name} – Hubwerk` }] : pageTitle(args, 'notFound.title');

const isDate = (v: string | null): v is string => v !== null && /^\d{4}-\d{2}-\d{2}$/.test(v);

/** The week view of one space: its bookings and free time, Monday to Sunday, server-rendered. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const slug = params.slug ?? '';
  const spaceId = params.spaceId ?? '';
  const url = new URL(request.url);
  const today = localParts(new Date(), DISPLAY_TIME_ZONE).date;
  const week = mondayOf(isDate(url.searchParams.get('week')) ? url.searchParams.get('week')! : today);
  const api = await apiFor(request);
  const spaceP = load(request, () => api.spaces.get.query({ tenant: slug, spaceId }));
  // Staff who may book for others choose for whom: the town's people (searched on the server, so it works without JavaScript) and organisations.
  const memberQuery = (url.searchParams.get('memberQuery') ?? '').trim().slice(0, 100);
  const forWhomP = spaceP.then(async (s) => {
    if (!s.canBookForOthers) return null;
    const [members, organisations] = await Promise.all([
      load(request, () => api.organisations.searchMembers.query({ tenant: slug, query: memberQuery })),
      load(request, () => api.organisations.list.query({ tenant: slug, limit: 100 })),
    ]);
    return {
      members: members.items.map((m) => ({ value: m.userId, label: m.email ? `${m.name} (${m.email})` : m.name })),
      moreMembers: members.nextCursor !== null,
      organisations: organisations.items.map((o) => ({ value: o.id, label: o.name })),
    };
  });
  const [space, bookings, free, forWhom, photos] = await Promise.all([
    spaceP,
    load(request, () => api.bookings.week.query({ tenant: slug, spaceId, date: week })),
    load(request, () => api.bookings.availability.query({ tenant: slug, spaceId, date: week, days: 7 })),
    forWhomP,
    load(request, () => api.spacePhotos.list.query({ tenant: slug, spaceId })),
  ]);
  // Pre-filled by a "book this time" link, or kept across a member search (a GET of the form; works without JavaScript).
  const param = (name: string) => url.searchParams.get(name) ?? '';
  const prefill = {
    date: param('date'),
    start: param('start'),
    end: param('end'),
    deskId: param('desk') || param('deskId'),
    attendees: param('attendees'),
    purpose: param('purpose'),
    forWhom: param('forWhom'),
    forUserId: param('forUserId'),
    organisationId: param('organisationId'),
    memberQuery,
  };
  return {
    slug,
    space,
    week,
    // The booking forms' idempotency keys, new with each rendering (docs/decisions/033).
    bookingKey: crypto.randomUUID(),
    suggestionKey: crypto.randomUUID(),
    prev: addDays(week, -7),
    next: addDays(week, 7),
    bookings: bookings.items,
    free: free.resources,
    prefill,
    forWhom,
    photos: photos.items,
  };
}

const FOR_WHOM = ['self', 'member', 'organisation'] as const;

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const slug = params.slug ?? '';
  const spaceId = params.spaceId ?? '';
  const form = await request.formData();
  const api = await apiFor(request);
  if (text(form, 'intent') === 'decide') {
    const decision = text(form, 'decision') === 'approve' ? ('approve' as const) : ('reject' as const);
    const decided = await mutateBooking(request, () =>
      api.bookings.decide.mutate({ tenant: slug, bookingId: text(form, 'bookingId'), decision }),
    );
    if (!decided.ok)
      return data(
        {
          ok: false as const,
          errors: { formError: decided.formError, fieldErrors: decided.fieldErrors },
          conflict: null,
          values: {} as Record<string, string>,
          booking: null,
          decided: null,
          intent: 'decide',
          notice: null,
        },
        { status: 400 },
      );
    return {
      ok: true as const,
      errors: null,
      conflict: null,
      values: {},
      booking: null,
      decided: decision,
      intent: 'decide',
      notice: null,
    };
  }
  const intent = text(form, 'intent');
  if (intent === 'updateRules' || intent === 'addDesk') {
    const saved =
      intent === 'updateRules'
        ? await mutate(request, () =>
            api.spaces.updateRules.mutate({
              tenant: slug,
              spaceId,
              rules: {
                ...Object.fromEntries(RULE_FIELDS.map((f) => [f, integer(form, f)])),
                approvalRequired: form.get('approvalRequired') === 'on',
                // Per-member limit (empty: none) and the public page (ADR 015).
                memberDaysPerWeek: allowance(form, 'memberDaysPerWeek'),
                publicBookable: form.get('publicBookable') === 'on',
              } as { [K in (typeof RULE_FIELDS)[number]]: number } & {
                approvalRequired: boolean;
                memberDaysPerWeek: number | null;
                publicBookable: boolean;
              },
            }),
          ).then((r) => (r.ok ? { ok: true as const, name: r.data.name } : r))
        : await mutate(request, () =>
            api.spaces.addDesk.mutate({
              tenant: slug,
              spaceId,
              name: text(form, 'name'),
              attributes: text(form, 'attributes')
                .split(',')
                .map((a) => a.trim())
                .filter(Boolean),
            }),
          ).then((r) => (r.ok ? { ok: true as const, name: r.data.name } : r));
    if (!saved.ok) {
      return data(
        {
          ok: false as const,
          errors: { formError: saved.formError, fieldErrors: saved.fieldErrors },
          conflict: null,
          values: keepValues(form, [...RULE_FIELDS, 'memberDaysPerWeek', 'name', 'attributes']),
          booking: null,
          decided: null,
          intent,
          notice: null,
        },
        { status: 400 },
      );
    }
    const notice = {
      key: intent === 'updateRules' ? ('space.rulesSaved' as const) : ('space.deskAdded' as const),
      name: saved.name,
    };
    return {
      ok: true as const,
      errors: null,
      conflict: null,
      values: {},
      booking: null,
      decided: null,
      intent,
      notice,
    };
  }
  if (intent !== 'book') throw notFound();
  const date = text(form, 'date');
  const deskId = text(form, 'deskId');
  const attendees = Number.parseInt(text(form, 'attendees') || '1', 10);
  const purpose = text(form, 'purpose');
  const kept = [
    'date',
    'start',
    'end',
    'deskId',
    'attendees',
    'purpose',
    'forWhom',
    'forUserId',
    'organisationId',
    'memberQuery',
  ];
  // For whom (staff only; the API refuses it from anyone else): the chosen person or organisation must be named.
  const forWhom = text(form, 'forWhom');
  const forUserId = forWhom === 'member' ? text(form, 'forUserId') : '';
  const organisationId = forWhom === 'organisation' ? text(form, 'organisationId') : '';
  const missing: Record<string, string[]> | null =
    forWhom === 'member' && !forUserId
      ? { forUserId: ['forWhom.chooseMember'] }
      : forWhom === 'organisation' && !organisationId
        ? { organisationId: ['forWhom.chooseOrganisation'] }
        : null;
  if (missing) {
    return data(
      {
        ok: false as const,
        errors: { formError: null, fieldErrors: missing },
        conflict: null,
        values: keepValues(form, kept),
        booking: null,
        decided: null,
        intent,
        notice: null,
      },
      { status: 400 },
    );
  }
  const result = await mutateBooking(request, () =>
    api.bookings.create.mutate({
      tenant: slug,
      spaceId,
      ...(deskId ? { deskId } : {}),
      startsAt: toInstant(date, text(form, 'start')),
      endsAt: toInstant(date, text(form, 'end')),
      attendees: Number.isFinite(attendees) ? attendees : 0,
      ...(purpose ? { purpose } : {}),
      ...(forUserId ? { forUserId } : {}),
      ...(organisationId ? { organisationId } : {}),
      ...idempotencyKeyOf(form),
    }),
  );
  if (!result.ok) {
    return data(
      {
        ok: false as const,
        errors: { formError: result.formError, fieldErrors: result.fieldErrors },
        conflict: result.conflict,
        values: keepValues(form, kept),
        booking: null,
        decided: null,
        intent,
        notice: null,
      },
      { status: result.conflict ? 409 : 400 },
    );
  }
  return {
    ok: true as const,
    errors: null,
    conflict: null,
    values: {},
    booking: result.data,
    decided: null,
    intent,
    notice: null,
  };
}

const RULE_FIELDS = [...BOOKING_RULE_FIELDS, 'checkInGraceMinutes'] as const;

const FIELDS = {
  forUserId: 'booking-for-member',
  organisationId: 'booking-for-organisation',
  date: 'booking-date',
  start: 'booking-start',
  end: 'booking-end',
  deskId: 'booking-desk',
  attendees: 'booking-attendees',
  purpose: 'booking-purpose',
  endsAt: 'booking-end',
  startsAt: 'booking-start',
};

export default function SpaceWeek() {
  const { slug, space, week, prev, next, bookings, free, prefill, forWhom, photos, bookingKey, suggestionKey } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const bookingFailed = result && !result.ok && (result.intent === 'book' || result.intent === 'decide');
  const errors = translateErrors(tr, bookingFailed ? result.errors : null, FIELDS);
  const rulesFields = {
    ...Object.fromEntries(RULE_FIELDS.map((f) => [`rules.${f}`, `rules-${f}`])),
    'rules.memberDaysPerWeek': 'rules-memberDaysPerWeek',
  };
  const rulesErrors = translateErrors(
    tr,
    result && !result.ok && result.intent === 'updateRules' ? result.errors : null,
    rulesFields,
  );
  const deskErrors = translateErrors(tr, result && !result.ok && result.intent === 'addDesk' ? result.errors : null, {
    name: 'desk-name',
    attributes: 'desk-attributes',
  });
  const configValues: Record<string, string> =
    result && !result.ok && (result.intent === 'updateRules' || result.intent === 'addDesk') ? result.values : {};
  const conflict = result && !result.ok && result.conflict ? conflictItem(tr, result.conflict, FIELDS.start) : null;
  const summary = [...(conflict ? [conflict] : []), ...errors.summary, ...rulesErrors.summary, ...deskErrors.summary];
  const startErrors = conflict ? [conflict.message, ...(errors.byField.startsAt ?? [])] : errors.byField.startsAt;
  const values: Record<string, string> = bookingFailed ? result.values : {};
  const isCoworking = space.kind === 'coworking';
  const days = Array.from({ length: 7 }, (_, i) => addDays(week, i));
  const dayLabel = (date: string) => tr.formatDate(`${date}T12:00:00Z`);
  const deskName = new Map(space.desks.map((d) => [d.id, d.name]));

  return (
    <>
      <PageHeader
        title={space.name}
        lead={t(`hub.kind.${space.kind}`)}
        actions={
          space.canConfigure ? (
            <Link to={`/towns/${encodeURIComponent(slug)}/spaces/${space.id}/edit`}>{t('space.editSpace')}</Link>
          ) : undefined
        }
      />
      {space.archived ? (
        <p className="notice" role="status">
          {t('space.isArchived')}
        </p>
      ) : null}
      {result?.ok && result.booking ? (
        <p className="notice notice--success" role="status">
          {t(result.booking.status === 'pending' ? 'space.pending' : 'space.booked_ok', {
            date: tr.formatDate(result.booking.startsAt),
            from: hhmm(result.booking.startsAt),
            to: hhmm(result.booking.endsAt),
          })}
          {whoText(tr, result.booking) ? ` (${whoText(tr, result.booking)})` : ''}
        </p>
      ) : null}
      {result?.ok && result.notice ? (
        <p className="notice notice--success" role="status">
          {t(result.notice.key, { name: result.notice.name })}
        </p>
      ) : null}
      {result?.ok && result.decided ? (
        <p className="notice notice--success" role="status">
          {t(result.decided === 'approve' ? 'space.approved' : 'space.rejected')}
        </p>
      ) : null}
      <ErrorSummary items={summary} />

      <section aria-labelledby="space-facts" className="card">
        <h2 id="space-facts" className="visually-hidden">
          {t('town.facts')}
        </h2>
        <dl className="facts">
          <div>
            <dt>{t('hub.colCapacity')}</dt>
            <dd>{space.capacity}</dd>
          </div>
          <div>
            <dt>{t('space.amenities')}</dt>
            <dd>{space.amenities.length > 0 ? space.amenities.join(', ') : t('common.none')}</dd>
          </div>
          <div>
            <dt>{t('space.accessibility')}</dt>
            <dd>{space.accessibilityNotes ?? t('common.none')}</dd>
          </div>
          <div>
            <dt>{t('hub.colRules')}</dt>
            <dd>
              {t('hub.rulesSummary', {
                granularity: space.rules.granularityMinutes,
                min: space.rules.minDurationMinutes,
                max: space.rules.maxDurationMinutes,
                buffer: space.rules.bufferMinutes,
                horizon: space.rules.horizonDays,
              })}
              , {space.rules.approvalRequired ? t('hub.approval') : t('hub.instant')}
            </dd>
          </div>
        </dl>
      </section>

      <section aria-labelledby="space-photos" className="card">
        <h2 id="space-photos">{t('photos.title')}</h2>
        {photos.length === 0 ? (
          <p className="empty">{t('photos.none')}</p>
        ) : (
          <ul className="photo-strip">
            {photos.map((photo) => (
              <li key={photo.id}>
                <a href={photoUrl(slug, photo.id, 'full')}>
                  <img
                    src={photoUrl(slug, photo.id, 'thumb')}
                    alt={photo.altText}
                    width={photo.thumbWidth}
                    height={photo.thumbHeight}
                    loading="lazy"
                  />
                </a>
              </li>
            ))}
          </ul>
        )}
        {space.canConfigure ? (
          <Link to={`/towns/${encodeURIComponent(slug)}/spaces/${space.id}/photos`}>{t('photos.manage')}</Link>
        ) : null}
      </section>

      <section aria-labelledby="week-title" className="card">
        <h2 id="week-title">{t('space.week', { date: dayLabel(week) })}</h2>
        <nav aria-label={t('space.weekNav')} className="pager">
          <Link to={`?week=${prev}`}>{t('space.previousWeek')}</Link>{' '}
          <Link to={`?week=${next}`}>{t('space.nextWeek')}</Link>
        </nav>
        {days.map((date, index) => {
          const dayBookings = bookings.filter((b) => localDate(b.startsAt) === date);
          const dayFree = free.flatMap((r) =>
            r.free
              .filter((s) => localDate(s.startsAt) === date)
              .map((s) => ({ ...s, deskId: r.deskId, deskName: r.deskName })),
          );
          const rows = [
            ...dayBookings.map((b) => ({
              kind: 'booked' as const,
              id: b.id,
              pending: b.status === 'pending',
              startsAt: b.startsAt,
              endsAt: b.endsAt,
              desk: b.deskName,
              mine: b.mine,
              purpose: b.purpose,
              deskId: b.deskId,
              who: whoText(tr, b),
            })),
            ...dayFree.map((s) => ({
              kind: 'free' as const,
              id: '',
              pending: false,
              startsAt: s.startsAt,
              endsAt: s.endsAt,
              desk: s.deskName,
              mine: false,
              purpose: null,
              deskId: s.deskId,
              who: '',
            })),
          ].sort((a, b) => (a.desk ?? '').localeCompare(b.desk ?? '') || a.startsAt.localeCompare(b.startsAt));
          const captionId = `day-${index}`;
          return (
            <div key={date} className="table-wrap">
              <table className="table" aria-labelledby={captionId}>
                <caption id={captionId}>
                  {t('space.dayCaption', { day: `${t(`hub.weekday.${(index + 1) as 1}`)}, ${dayLabel(date)}` })}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{t('space.colTime')}</th>
                    {isCoworking ? <th scope="col">{t('space.desk')}</th> : null}
                    <th scope="col">{t('space.colWhat')}</th>
                    <th scope="col">{t('space.colAction')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.length === 0 ? (
                    <tr>
                      <td colSpan={isCoworking ? 4 : 3} className="muted">
                        {t('space.closed')}
                      </td>
                    </tr>
                  ) : (
                    rows.map((row) => {
                      const from = hhmm(row.startsAt);
                      const to = hhmm(row.endsAt);
                      // A free slot may be longer than one booking may last: suggest the longest allowed.
                      const suggestedEnd = hhmm(clipToMax(row.startsAt, row.endsAt, space.rules.maxDurationMinutes));
                      const params = new URLSearchParams({
                        week,
                        date,
                        start: from,
                        end: suggestedEnd,
                        ...(row.deskId ? { desk: row.deskId } : {}),
                      });
                      return (
                        <tr key={`${row.kind}-${row.deskId ?? ''}-${row.startsAt}`}>
                          <th scope="row" className="mono">
                            {from}–{to}
                          </th>
                          {isCoworking ? <td>{row.desk ?? (row.deskId ? deskName.get(row.deskId) : '')}</td> : null}
                          <td>
                            {row.kind === 'free'
                              ? t('space.free')
                              : row.mine
                                ? t('space.bookedMine')
                                : t('space.booked')}
                            {row.pending ? ` (${t('bookings.status.pending')})` : ''}
                            {row.purpose ? ` – ${row.purpose}` : ''}
                            {row.who ? ` (${row.who})` : ''}
                          </td>
                          <td>
                            {row.kind === 'booked' && (row.mine || space.canConfigure) ? (
                              // Owner or the hub's staff: change it (the API decides; hub staff without configuration rights use "Meine Buchungen" or the hub's week).
                              <>
                                <Link
                                  to={`/towns/${encodeURIComponent(slug)}/bookings/${row.id}/change`}
                                  aria-label={t('bookingChange.linkLabel', {
                                    what: row.desk ?? space.name,
                                    when: `${dayLabel(date)}, ${from}–${to}`,
                                  })}
                                >
                                  {t('bookingChange.link')}
                                </Link>{' '}
                              </>
                            ) : null}
                            {row.kind === 'free' ? (
                              <Link to={`?${params.toString()}#booking-title`}>
                                {t('space.bookThis', { from, to })}
                              </Link>
                            ) : row.pending && space.canConfigure ? (
                              <Form
                                method="post"
                                className="inline-form"
                                aria-label={t('space.decideLabel', { from, to })}
                              >
                                <input type="hidden" name="intent" value="decide" />
                                <input type="hidden" name="bookingId" value={row.id} />
                                <button
                                  type="submit"
                                  name="decision"
                                  value="approve"
                                  className="button button--secondary"
                                >
                                  {t('space.approve')}
                                </button>{' '}
                                <button type="submit" name="decision" value="reject" className="button button--ghost">
                                  {t('space.reject')}
                                </button>
                              </Form>
                            ) : null}
                          </td>
                        </tr>
                      );
                    })
                  )}
                </tbody>
              </table>
            </div>
          );
        })}
      </section>

      <section aria-labelledby="booking-title" className="card">
        <h2 id="booking-title" tabIndex={-1}>
          {t('space.bookingForm')}
        </h2>
        {bookingFailed && result.conflict?.suggestion ? (
          // The next free slot of the same length, booked with one click (same desk, attendees and purpose).
          <Form method="post" className="inline-form suggestion">
            <input type="hidden" name="intent" value="book" />
            <input type="hidden" name="idempotencyKey" value={suggestionKey} />
            <input type="hidden" name="date" value={localDate(result.conflict.suggestion.startsAt)} />
            <input type="hidden" name="start" value={hhmm(result.conflict.suggestion.startsAt)} />
            <input type="hidden" name="end" value={hhmm(result.conflict.suggestion.endsAt)} />
            <input type="hidden" name="deskId" value={values.deskId ?? ''} />
            <input type="hidden" name="attendees" value={values.attendees ?? '1'} />
            <input type="hidden" name="purpose" value={values.purpose ?? ''} />
            <SubmitButton
              label={suggestionText(tr, result.conflict.suggestion, 'errors.booking.bookSuggestion')}
              pendingLabel={t('space.submitting')}
              pendingWhen={{ intent: 'book', start: hhmm(result.conflict.suggestion.startsAt) }}
            />
          </Form>
        ) : null}
        <Form
          method="post"
          noValidate
          className="form"
          key={
            result?.ok
              ? `booked-${result.booking?.id}`
              : `form-${prefill.date}-${prefill.start}-${prefill.deskId}-${prefill.memberQuery}`
          }
        >
          <input type="hidden" name="intent" value="book" />
          <input type="hidden" name="idempotencyKey" value={bookingKey} />
          <input type="hidden" name="week" value={week} />
          {forWhom ? (
            <ForWhomFields choices={forWhom} values={values} prefill={prefill} errors={errors.byField} />
          ) : null}
          {isCoworking ? (
            <SelectField
              id={FIELDS.deskId}
              name="deskId"
              label={t('space.desk')}
              placeholder={t('space.deskPlaceholder')}
              options={space.desks.map((d) => ({ value: d.id, label: d.name }))}
              defaultValue={values.deskId ?? prefill.deskId}
              errors={errors.byField.deskId}
            />
          ) : null}
          <div className="form__row">
            <TextField
              id={FIELDS.date}
              name="date"
              type="date"
              label={t('space.date')}
              defaultValue={values.date ?? prefill.date}
              errors={errors.byField.date}
            />
            <TextField
              id={FIELDS.start}
              name="start"
              type="time"
              label={t('space.start')}
              hint={t('space.timeHint')}
              defaultValue={values.start ?? prefill.start}
              errors={startErrors}
              step={60}
            />
            <TextField
              id={FIELDS.end}
              name="end"
              type="time"
              label={t('space.end')}
              defaultValue={values.end ?? prefill.end}
              errors={errors.byField.endsAt}
              step={60}
            />
          </div>
          {isCoworking ? (
            <input type="hidden" name="attendees" value="1" />
          ) : (
            <TextField
              id={FIELDS.attendees}
              name="attendees"
              type="number"
              min={1}
              max={space.capacity}
              label={t('space.attendees')}
              defaultValue={values.attendees ?? (prefill.attendees || '1')}
              errors={errors.byField.attendees}
              inputMode="numeric"
            />
          )}
          <TextField
            id={FIELDS.purpose}
            name="purpose"
            label={t('space.purpose')}
            optional
            defaultValue={values.purpose ?? prefill.purpose}
            errors={errors.byField.purpose}
            autoComplete="off"
          />
          <div className="form__actions">
            <SubmitButton
              label={t('space.submit')}
              pendingLabel={t('space.submitting')}
              pendingWhen={{ intent: 'book' }}
            />
            <Link to={`/towns/${encodeURIComponent(slug)}/bookings`}>{t('hub.myBookings')}</Link>
            <Link to={`/towns/${encodeURIComponent(slug)}/spaces/${space.id}/series`}>{t('series.newSeries')}</Link>
          </div>
        </Form>
      </section>
      {space.canConfigure ? (
        <section aria-labelledby="rules-title" className="card">
          <h2 id="rules-title">{t('space.editRules')}</h2>
          <Form
            method="post"
            noValidate
            className="form"
            key={result?.ok && result.intent === 'updateRules' ? 'rules-saved' : 'rules'}
          >
            <input type="hidden" name="intent" value="updateRules" />
            <div className="form__row">
              {RULE_FIELDS.map((f) => (
                <TextField
                  key={f}
                  id={`rules-${f}`}
                  name={f}
                  type="number"
                  min={0}
                  inputMode="numeric"
                  label={t(RULE_LABELS[f])}
                  defaultValue={configValues[f] ?? String(space.rules[f] ?? '')}
                  errors={rulesErrors.byField[`rules.${f}`]}
                />
              ))}
            </div>
            <div className="field field--checkbox">
              <input
                id="rules-approval"
                name="approvalRequired"
                type="checkbox"
                defaultChecked={space.rules.approvalRequired}
              />
              <label htmlFor="rules-approval">{t('hub.approvalRequired')}</label>
            </div>
            <TextField
              id="rules-memberDaysPerWeek"
              name="memberDaysPerWeek"
              type="number"
              min={1}
              max={7}
              inputMode="numeric"
              optional
              label={t('space.memberDaysPerWeek')}
              hint={t('space.memberDaysPerWeekHint')}
              defaultValue={configValues.memberDaysPerWeek ?? (space.rules.memberDaysPerWeek ?? '').toString()}
              errors={rulesErrors.byField['rules.memberDaysPerWeek']}
            />
            <div className="field field--checkbox">
              <input
                id="rules-public"
                name="publicBookable"
                type="checkbox"
                defaultChecked={space.rules.publicBookable ?? false}
              />
              <label htmlFor="rules-public">{t('space.publicBookable')}</label>
            </div>
            <div className="form__actions">
              <SubmitButton
                label={t('space.saveRules')}
                pendingLabel={t('space.savingRules')}
                pendingWhen={{ intent: 'updateRules' }}
              />
            </div>
          </Form>
        </section>
      ) : null}
      {space.canConfigure && isCoworking ? (
        <section aria-labelledby="add-desk-title" className="card">
          <h2 id="add-desk-title">{t('space.addDesk')}</h2>
          <Form
            method="post"
            noValidate
            className="form form--inline"
            key={result?.ok && result.intent === 'addDesk' ? `desk-${space.desks.length}` : 'desk'}
          >
            <input type="hidden" name="intent" value="addDesk" />
            <TextField
              id="desk-name"
              name="name"
              label={t('space.deskName')}
              defaultValue={configValues.name}
              errors={deskErrors.byField.name}
              autoComplete="off"
            />
            <TextField
              id="desk-attributes"
              name="attributes"
              optional
              label={t('space.deskAttributes')}
              hint={t('space.deskAttributesHint')}
              defaultValue={configValues.attributes}
              errors={deskErrors.byField.attributes}
              autoComplete="off"
            />
            <SubmitButton
              variant="secondary"
              label={t('space.addDesk')}
              pendingLabel={t('space.addingDesk')}
              pendingWhen={{ intent: 'addDesk' }}
            />
          </Form>
        </section>
      ) : null}
    </>
  );
}

type ForWhomChoices = {
  members: Array<{ value: string; label: string }>;
  moreMembers: boolean;
  organisations: Array<{ value: string; label: string }>;
};

/**
 * "Für mich / für ein Mitglied / für eine Organisation", for staff who may
 * book for others. The member search is a GET of the whole booking form
 * (the button's formMethod), so what was typed stays and it works without
 * JavaScript; the list shows the server's matches (at most 20).
 */
function ForWhomFields({
  choices,
  values,
  prefill,
  errors,
}: {
  choices: ForWhomChoices;
  values: Record<string, string>;
  prefill: Record<string, string>;
  errors: Record<string, string[]>;
}) {
  const { t } = useT();
  const chosen =
    values.forWhom ?? (FOR_WHOM.includes(prefill.forWhom as (typeof FOR_WHOM)[number]) ? prefill.forWhom : 'self');
  return (
    <fieldset className="fieldset">
      <legend>{t('forWhom.legend')}</legend>
      {FOR_WHOM.map((option) => (
        <div key={option} className="radio">
          <input
            type="radio"
            id={`for-whom-${option}`}
            name="forWhom"
            value={option}
            defaultChecked={chosen === option}
          />{' '}
          <label htmlFor={`for-whom-${option}`}>{t(`forWhom.${option}`)}</label>
        </div>
      ))}
      <div className="form__row">
        <TextField
          id="booking-member-query"
          name="memberQuery"
          type="search"
          optional
          label={t('forWhom.memberSearch')}
          hint={t('forWhom.memberSearchHint')}
          defaultValue={values.memberQuery ?? prefill.memberQuery}
          autoComplete="off"
        />
        <div className="field">
          <button type="submit" formMethod="get" formNoValidate className="button button--secondary">
            {t('forWhom.search')}
          </button>
        </div>
      </div>
      {choices.members.length === 0 ? <p className="muted">{t('forWhom.noMembers')}</p> : null}
      {choices.moreMembers ? <p className="muted">{t('forWhom.moreMembers')}</p> : null}
      <SelectField
        id={FIELDS.forUserId}
        name="forUserId"
        optional
        label={t('forWhom.memberLabel')}
        placeholder={t('forWhom.choose')}
        options={choices.members}
        defaultValue={values.forUserId ?? prefill.forUserId}
        errors={errors.forUserId}
      />
      <SelectField
        id={FIELDS.organisationId}
        name="organisationId"
        optional
        label={t('forWhom.organisationLabel')}
        placeholder={t('forWhom.choose')}
        options={choices.organisations}
        defaultValue={values.organisationId ?? prefill.organisationId}
        errors={errors.organisationId}
      />
    </fieldset>
  );
}

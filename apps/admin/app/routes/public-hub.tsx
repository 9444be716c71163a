import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { addDays, localParts, weekdayOf } from '@hubwerk/domain';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { SelectField, TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { DISPLAY_TIME_ZONE } from '~/i18n/index.ts';
import { useT } from '~/i18n/use-t.ts';
import { apiErrorInfo, apiFor, load, mutate } from '~/lib/api.server.ts';
import { clipToMax, hhmm, localDate } from '~/lib/booking-format.ts';
import { toInstant } from '~/lib/bookings.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { idempotencyKeyOf, keepValues, optionalText, text, translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { publicPhotoUrl } from '~/lib/photos.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'publicPage.title');

/** A hub's public page (no sign-in): request a space open to the public; the booking exists once the emailed link is confirmed. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const where = { town: params.town ?? '', hub: params.hub ?? '' };
  const url = new URL(request.url);
  const param = (name: string) => url.searchParams.get(name) ?? '';
  // Seven days from `week` (today at the earliest), one of them chosen.
  const today = localParts(new Date(), DISPLAY_TIME_ZONE).date;
  const week = isDate(param('week')) && param('week') > today ? param('week') : today;
  const days = Array.from({ length: 7 }, (_, i) => addDays(week, i));
  const day = days.includes(param('day')) ? param('day') : week;
  const api = await apiFor(request);
  const [page, slots, gallery] = await Promise.all([
    load(request, () => api.publicBookings.hub.query(where)),
    freeSlots(api, { ...where, date: week }),
    load(request, () => api.spacePhotos.publicGallery.query(where)),
  ]);
  // A co-working space is requested desk by desk: one choice per desk.
  const choices = page.spaces.flatMap((s) =>
    s.desks.length > 0
      ? s.desks.map((d) => ({ value: `${s.id}:${d.id}`, label: `${s.name} – ${d.name}` }))
      : [{ value: s.id, label: s.name }],
  );
  // Pre-filled by a free slot's link (works without JavaScript).
  const prefill = { resource: param('resource'), date: param('date'), from: param('from'), to: param('to') };
  return {
    townName: page.townName,
    hubName: page.hubName,
    choices,
    week,
    days,
    day,
    prev: week > today ? addDays(week, -7) : null,
    next: addDays(week, 7),
    slots,
    prefill,
    where,
    gallery: gallery.spaces,
    // One per rendered form: a resubmission after a lost answer does not request twice (docs/decisions/033).
    idempotencyKey: crypto.randomUUID(),
  };
}

const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v);

/**
 * The free time of the hub's public spaces for the seven days: none to show
 * for a hub that is not public (the API says "not found"), a notice when the
 * API declines (rate limit, busy) — requesting still works then.
 */
async function freeSlots(api: Awaited<ReturnType<typeof apiFor>>, input: { town: string; hub: string; date: string }) {
  try {
    const answer = await api.publicBookings.availability.query({ ...input, days: 7 });
    return { state: 'shown' as const, resources: answer.resources };
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.code === 'NOT_FOUND') return { state: 'hidden' as const, resources: [] };
    if (info) return { state: 'unavailable' as const, resources: [] };
    throw error;
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const form = await request.formData();
  const [spaceId = '', deskId] = text(form, 'resource').split(':');
  const date = text(form, 'date');
  const api = await apiFor(request);
  const result = await mutate(request, () =>
    api.publicBookings.request.mutate({
      town: params.town ?? '',
      hub: params.hub ?? '',
      spaceId,
      ...(deskId ? { deskId } : {}),
      startsAt: toInstant(date, text(form, 'from')),
      endsAt: toInstant(date, text(form, 'to')),
      name: text(form, 'name'),
      email: text(form, 'email'),
      purpose: optionalText(form, 'purpose'),
      ...idempotencyKeyOf(form),
    }),
  );
  if (!result.ok) {
    return data(
      {
        ok: false as const,
        errors: { formError: result.formError, fieldErrors: result.fieldErrors },
        values: keepValues(form, ['resource', 'date', 'from', 'to', 'name', 'email', 'purpose']),
      },
      { status: 400 },
    );
  }
  return { ok: true as const, errors: null, values: {} as Record<string, string>, hours: result.data.expiresInHours };
}

export default function PublicHub() {
  const { townName, hubName, choices, week, days, day, prev, next, slots, prefill, where, gallery, idempotencyKey } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const fields = {
    spaceId: 'pub-resource',
    startsAt: 'pub-date',
    endsAt: 'pub-to',
    name: 'pub-name',
    email: 'pub-email',
    purpose: 'pub-purpose',
  };
  const errors = translateErrors(tr, result && !result.ok ? result.errors : null, fields);
  const values: Record<string, string> = result && !result.ok ? result.values : {};
  const dayLabel = (date: string) =>
    `${t(`hub.weekday.${weekdayOf(date) as 1}`)}, ${tr.formatDate(`${date}T12:00:00Z`)}`;
  const choiceLabel = new Map(choices.map((c) => [c.value, c.label]));
  const dayFree = slots.resources.flatMap((r) => {
    const resource = r.deskId ? `${r.spaceId}:${r.deskId}` : r.spaceId;
    const free = r.free.filter((s) => localDate(s.startsAt) === day);
    return free.length > 0
      ? [{ resource, label: choiceLabel.get(resource) ?? r.spaceName, maxMinutes: r.maxDurationMinutes, free }]
      : [];
  });
  const slotsSection =
    slots.state === 'hidden' || choices.length === 0 ? null : (
      <section aria-labelledby="slots-title" className="card">
        <h2 id="slots-title">{t('publicSlots.title')}</h2>
        <p>
          {t('publicSlots.intro', {
            from: tr.formatDate(`${week}T12:00:00Z`),
            to: tr.formatDate(`${days[6]}T12:00:00Z`),
          })}
        </p>
        <nav aria-label={t('publicSlots.weekNav')} className="pager">
          {prev ? <Link to={`?week=${prev}`}>{t('publicSlots.previous')}</Link> : null}{' '}
          <Link to={`?week=${next}`}>{t('publicSlots.next')}</Link>
        </nav>
        <nav aria-label={t('publicSlots.days')}>
          <ul className="desk-list">
            {days.map((d) => (
              <li key={d}>
                <Link
                  className={d === day ? 'button' : 'button button--secondary'}
                  aria-current={d === day ? 'date' : undefined}
                  to={`?week=${week}&day=${d}#slots-day`}
                >
                  {dayLabel(d)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <h3 id="slots-day" tabIndex={-1}>
          {t('publicSlots.dayTitle', { day: dayLabel(day) })}
        </h3>
        {slots.state === 'unavailable' ? (
          <p className="notice">{t('publicSlots.busy')}</p>
        ) : dayFree.length === 0 ? (
          <p className="empty">{t('publicSlots.none')}</p>
        ) : (
          <dl className="public-slots">
            {dayFree.map((r) => (
              <div key={r.resource}>
                <dt>{r.label}</dt>
                <dd>
                  <ul className="desk-list">
                    {r.free.map((slot) => {
                      const from = hhmm(slot.startsAt);
                      const to = hhmm(clipToMax(slot.startsAt, slot.endsAt, r.maxMinutes));
                      const query = new URLSearchParams({ week, day, resource: r.resource, date: day, from, to });
                      return (
                        <li key={slot.startsAt}>
                          <Link
                            to={`?${query.toString()}#request-title`}
                            aria-label={t('publicSlots.slotLabel', { resource: r.label, day: dayLabel(day), from, to })}
                          >
                            {t('publicSlots.slot', { from, to: hhmm(slot.endsAt) })}
                          </Link>
                        </li>
                      );
                    })}
                  </ul>
                </dd>
              </div>
            ))}
          </dl>
        )}
      </section>
    );
  return (
    <>
      <PageHeader title={hubName} lead={t('publicPage.intro', { town: townName })} />
      <ErrorSummary items={errors.summary} />
      {result?.ok ? (
        <p className="notice notice--success" role="status">
          {t('publicPage.sent', { hours: String(result.hours) })}
        </p>
      ) : null}
      {gallery.length > 0 ? (
        <section aria-labelledby="gallery-title" className="card">
          <h2 id="gallery-title">{t('photos.publicTitle')}</h2>
          {gallery.map((space) => (
            <figure key={space.spaceId} className="gallery">
              <ul className="photo-strip">
                {space.photos.map((photo) => (
                  <li key={photo.id}>
                    <a href={publicPhotoUrl(where.town, where.hub, photo.id, 'full')}>
                      <img
                        src={publicPhotoUrl(where.town, where.hub, photo.id, 'thumb')}
                        alt={photo.altText}
                        width={photo.thumbWidth}
                        height={photo.thumbHeight}
                        loading="lazy"
                      />
                    </a>
                  </li>
                ))}
              </ul>
              <figcaption>{space.name}</figcaption>
            </figure>
          ))}
        </section>
      ) : null}
      {slotsSection}
      {choices.length === 0 ? (
        <p className="empty">{t('publicPage.none')}</p>
      ) : (
        <section aria-labelledby="request-title" className="card">
          <h2 id="request-title" tabIndex={-1}>
            {t('publicPage.request')}
          </h2>
          <Form method="post" noValidate key={`${prefill.resource}-${prefill.date}-${prefill.from}`}>
            <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
            <SelectField
              id={fields.spaceId}
              name="resource"
              label={t('publicPage.space')}
              errors={errors.byField.spaceId}
              options={choices}
              defaultValue={
                values.resource ?? (choiceLabel.has(prefill.resource) ? prefill.resource : (choices[0]?.value ?? ''))
              }
            />
            <TextField
              id={fields.startsAt}
              name="date"
              type="date"
              label={t('publicPage.date')}
              errors={errors.byField.startsAt}
              defaultValue={values.date ?? prefill.date}
            />
            <TextField
              id="pub-from"
              name="from"
              type="time"
              step={900}
              label={t('publicPage.from')}
              defaultValue={values.from ?? (prefill.from || '10:00')}
            />
            <TextField
              id={fields.endsAt}
              name="to"
              type="time"
              step={900}
              label={t('publicPage.to')}
              errors={errors.byField.endsAt}
              defaultValue={values.to ?? (prefill.to || '11:00')}
            />
            <TextField
              id={fields.name}
              name="name"
              label={t('publicPage.name')}
              autoComplete="name"
              errors={errors.byField.name}
              defaultValue={values.name ?? ''}
            />
            <TextField
              id={fields.email}
              name="email"
              type="email"
              label={t('publicPage.email')}
              autoComplete="email"
              errors={errors.byField.email}
              defaultValue={values.email ?? ''}
            />
            <TextField
              id={fields.purpose}
              name="purpose"
              optional
              label={t('publicPage.purpose')}
              errors={errors.byField.purpose}
              defaultValue={values.purpose ?? ''}
            />
            <SubmitButton label={t('publicPage.submit')} pendingLabel={t('common.pleaseWait')} />
          </Form>
        </section>
      )}
    </>
  );
}

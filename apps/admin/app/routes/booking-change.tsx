import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { SelectField, TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, requireMe } from '~/lib/api.server.ts';
import { conflictItem, hhmm, localDate, suggestionText } from '~/lib/booking-format.ts';
import { mutateBooking, toInstant } from '~/lib/bookings.server.ts';
import { keepValues, text, translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args, 'bookingChange.title');

/** A space, or one desk of a co-working space, as one choice: "spaceId" or "spaceId:deskId". */
const placeValue = (spaceId: string, deskId: string | null) => (deskId ? `${spaceId}:${deskId}` : spaceId);

/**
 * "Buchung ändern": time, place (any space or desk of the booking's hub),
 * attendees and purpose of one booking, prefilled; for its owner and the
 * hub's staff (the API decides; others get its not-found).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const slug = params.slug ?? '';
  const api = await apiFor(request);
  const booking = await load(request, () =>
    api.bookings.get.query({ tenant: slug, bookingId: params.bookingId ?? '' }),
  );
  const spaces = await load(request, () => api.spaces.list.query({ tenant: slug, hubId: booking.hubId }));
  const places = spaces.items.flatMap((s) =>
    s.kind === 'coworking'
      ? s.desks.map((d) => ({ value: placeValue(s.id, d.id), label: `${s.name} – ${d.name}` }))
      : [{ value: placeValue(s.id, null), label: s.name }],
  );
  return { slug, booking, hubName: spaces.hub.name, places };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const slug = params.slug ?? '';
  const form = await request.formData();
  const api = await apiFor(request);
  const [spaceId = '', deskId] = text(form, 'place').split(':');
  const date = text(form, 'date');
  const attendees = Number.parseInt(text(form, 'attendees') || '1', 10);
  const result = await mutateBooking(request, () =>
    api.bookings.update.mutate({
      tenant: slug,
      bookingId: params.bookingId ?? '',
      spaceId,
      ...(deskId ? { deskId } : {}),
      startsAt: toInstant(date, text(form, 'start')),
      endsAt: toInstant(date, text(form, 'end')),
      attendees: Number.isFinite(attendees) ? attendees : 0,
      purpose: text(form, 'purpose'),
    }),
  );
  if (!result.ok) {
    return data(
      {
        ok: false as const,
        errors: { formError: result.formError, fieldErrors: result.fieldErrors },
        conflict: result.conflict,
        values: keepValues(form, ['place', 'date', 'start', 'end', 'attendees', 'purpose']),
        booking: null,
      },
      { status: result.conflict ? 409 : 400 },
    );
  }
  return {
    ok: true as const,
    errors: null,
    conflict: null,
    values: {} as Record<string, string>,
    booking: result.data,
  };
}

const FIELDS = {
  spaceId: 'change-place',
  deskId: 'change-place',
  date: 'change-date',
  startsAt: 'change-start',
  endsAt: 'change-end',
  attendees: 'change-attendees',
  purpose: 'change-purpose',
};

export default function BookingChange() {
  const { slug, booking, hubName, places } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const failed = result && !result.ok ? result : null;
  const errors = translateErrors(tr, failed?.errors ?? null, FIELDS);
  const conflict = failed?.conflict ? conflictItem(tr, failed.conflict, FIELDS.startsAt) : null;
  const summary = [...(conflict ? [conflict] : []), ...errors.summary];
  const startErrors = conflict ? [conflict.message, ...(errors.byField.startsAt ?? [])] : errors.byField.startsAt;
  const placeErrors = [...(errors.byField.spaceId ?? []), ...(errors.byField.deskId ?? [])];
  const values: Record<string, string> = failed?.values ?? {};
  const what = booking.deskName ? `${booking.spaceName}, ${booking.deskName}` : booking.spaceName;
  const when = `${tr.formatDate(booking.startsAt)}, ${hhmm(booking.startsAt)}–${hhmm(booking.endsAt)}`;
  const changeable = booking.status !== 'cancelled' && new Date(booking.startsAt).getTime() > Date.now();
  const bookingsHref = `/towns/${encodeURIComponent(slug)}/bookings`;
  const spaceHref = `/towns/${encodeURIComponent(slug)}/spaces/${booking.spaceId}?week=${localDate(booking.startsAt)}`;

  return (
    <>
      <PageHeader title={t('bookingChange.title')} lead={t('bookingChange.lead', { what, when, hub: hubName })} />
      {result?.ok && result.booking ? (
        <p className="notice notice--success" role="status">
          {t(result.booking.status === 'pending' ? 'bookingChange.changedPending' : 'bookingChange.changed', {
            date: tr.formatDate(result.booking.startsAt),
            from: hhmm(result.booking.startsAt),
            to: hhmm(result.booking.endsAt),
          })}
        </p>
      ) : null}
      <ErrorSummary items={summary} />
      <section aria-labelledby="change-title" className="card">
        <h2 id="change-title" tabIndex={-1}>
          {t('bookingChange.formTitle')}
        </h2>
        {!changeable ? (
          <p className="notice">
            {t(booking.status === 'cancelled' ? 'errors.booking.changeCancelled' : 'errors.booking.changeStarted')}
          </p>
        ) : (
          <>
            {failed?.conflict?.suggestion ? (
              // The next free slot of the same length, taken with one click (same place, attendees and purpose).
              <Form method="post" className="inline-form suggestion">
                <input type="hidden" name="place" value={values.place ?? ''} />
                <input type="hidden" name="date" value={localDate(failed.conflict.suggestion.startsAt)} />
                <input type="hidden" name="start" value={hhmm(failed.conflict.suggestion.startsAt)} />
                <input type="hidden" name="end" value={hhmm(failed.conflict.suggestion.endsAt)} />
                <input type="hidden" name="attendees" value={values.attendees ?? '1'} />
                <input type="hidden" name="purpose" value={values.purpose ?? ''} />
                <SubmitButton
                  label={suggestionText(tr, failed.conflict.suggestion, 'bookingChange.takeSuggestion')}
                  pendingLabel={t('bookingChange.submitting')}
                  pendingWhen={{ start: hhmm(failed.conflict.suggestion.startsAt) }}
                />
              </Form>
            ) : null}
            <Form
              method="post"
              noValidate
              className="form"
              key={result?.ok ? `changed-${result.booking.startsAt}-${result.booking.spaceId}` : 'change'}
            >
              <SelectField
                id={FIELDS.spaceId}
                name="place"
                label={t('bookingChange.place')}
                options={places}
                defaultValue={values.place ?? placeValue(booking.spaceId, booking.deskId)}
                errors={placeErrors.length > 0 ? placeErrors : undefined}
              />
              <div className="form__row">
                <TextField
                  id={FIELDS.date}
                  name="date"
                  type="date"
                  label={t('space.date')}
                  defaultValue={values.date ?? localDate(booking.startsAt)}
                  errors={errors.byField.date}
                />
                <TextField
                  id={FIELDS.startsAt}
                  name="start"
                  type="time"
                  label={t('space.start')}
                  hint={t('space.timeHint')}
                  defaultValue={values.start ?? hhmm(booking.startsAt)}
                  errors={startErrors}
                  step={60}
                />
                <TextField
                  id={FIELDS.endsAt}
                  name="end"
                  type="time"
                  label={t('space.end')}
                  defaultValue={values.end ?? hhmm(booking.endsAt)}
                  errors={errors.byField.endsAt}
                  step={60}
                />
              </div>
              <TextField
                id={FIELDS.attendees}
                name="attendees"
                type="number"
                min={1}
                label={t('space.attendees')}
                defaultValue={values.attendees ?? String(booking.attendees)}
                errors={errors.byField.attendees}
                inputMode="numeric"
              />
              <TextField
                id={FIELDS.purpose}
                name="purpose"
                label={t('space.purpose')}
                optional
                defaultValue={values.purpose ?? booking.purpose ?? ''}
                errors={errors.byField.purpose}
                autoComplete="off"
              />
              <p className="field__hint">{t('bookingChange.approvalHint')}</p>
              <div className="form__actions">
                <SubmitButton label={t('bookingChange.submit')} pendingLabel={t('bookingChange.submitting')} />
                <Link to={bookingsHref}>{t('hub.myBookings')}</Link>
                <Link to={spaceHref}>{t('bookingChange.toWeek', { name: booking.spaceName })}</Link>
              </div>
            </Form>
          </>
        )}
      </section>
    </>
  );
}

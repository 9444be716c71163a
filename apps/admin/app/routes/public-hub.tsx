import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { SelectField, TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, mutate } from '~/lib/api.server.ts';
import { toInstant } from '~/lib/bookings.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { keepValues, optionalText, text, translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { publicPhotoUrl } from '~/lib/photos.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'publicPage.title');

/** A hub's public page (no sign-in): request a space open to the public; the booking exists once the emailed link is confirmed. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const where = { town: params.town ?? '', hub: params.hub ?? '' };
  const api = await apiFor(request);
  const [page, gallery] = await Promise.all([load(request, () => api.publicBookings.hub.query(where)), load(request, () => api.spacePhotos.publicGallery.query(where))]);
  // A co-working space is requested desk by desk: one choice per desk.
  const choices = page.spaces.flatMap((s) =>
    s.desks.length > 0 ? s.desks.map((d) => ({ value: `${s.id}:${d.id}`, label: `${s.name} – ${d.name}` })) : [{ value: s.id, label: s.name }],
  );
  return { townName: page.townName, hubName: page.hubName, choices, where, gallery: gallery.spaces };
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
    }),
  );
  if (!result.ok) {
    return data({ ok: false as const, errors: { formError: result.formError, fieldErrors: result.fieldErrors }, values: keepValues(form, ['resource', 'date', 'from', 'to', 'name', 'email', 'purpose']) }, { status: 400 });
  }
  return { ok: true as const, errors: null, values: {} as Record<string, string>, hours: result.data.expiresInHours };
}

export default function PublicHub() {
  const { townName, hubName, choices, where, gallery } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const fields = { spaceId: 'pub-resource', startsAt: 'pub-date', endsAt: 'pub-to', name: 'pub-name', email: 'pub-email', purpose: 'pub-purpose' };
  const errors = translateErrors(tr, result && !result.ok ? result.errors : null, fields);
  const values: Record<string, string> = result && !result.ok ? result.values : {};
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
                      <img src={publicPhotoUrl(where.town, where.hub, photo.id, 'thumb')} alt={photo.altText} width={photo.thumbWidth} height={photo.thumbHeight} loading="lazy" />
                    </a>
                  </li>
                ))}
              </ul>
              <figcaption>{space.name}</figcaption>
            </figure>
          ))}
        </section>
      ) : null}
      {choices.length === 0 ? (
        <p className="empty">{t('publicPage.none')}</p>
      ) : (
        <section aria-labelledby="request-title" className="card">
          <h2 id="request-title">{t('publicPage.request')}</h2>
          <Form method="post" noValidate>
            <SelectField id={fields.spaceId} name="resource" label={t('publicPage.space')} errors={errors.byField.spaceId} options={choices} defaultValue={values.resource ?? choices[0]?.value ?? ''} />
            <TextField id={fields.startsAt} name="date" type="date" label={t('publicPage.date')} errors={errors.byField.startsAt} defaultValue={values.date ?? ''} />
            <TextField id="pub-from" name="from" type="time" step={900} label={t('publicPage.from')} defaultValue={values.from ?? '10:00'} />
            <TextField id={fields.endsAt} name="to" type="time" step={900} label={t('publicPage.to')} errors={errors.byField.endsAt} defaultValue={values.to ?? '11:00'} />
            <TextField id={fields.name} name="name" label={t('publicPage.name')} autoComplete="name" errors={errors.byField.name} defaultValue={values.name ?? ''} />
            <TextField id={fields.email} name="email" type="email" label={t('publicPage.email')} autoComplete="email" errors={errors.byField.email} defaultValue={values.email ?? ''} />
            <TextField id={fields.purpose} name="purpose" optional label={t('publicPage.purpose')} errors={errors.byField.purpose} defaultValue={values.purpose ?? ''} />
            <SubmitButton label={t('publicPage.submit')} pendingLabel={t('common.pleaseWait')} />
          </Form>
        </section>
      )}
    </>
  );
}

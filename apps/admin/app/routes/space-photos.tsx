import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { TextField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import type { MessageKey } from '~/i18n/index.ts';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, mutate, notFound, requireMe } from '~/lib/api.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { keepValues, text, translateErrors, type FormErrorKeys } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { readPhotoUpload } from '~/lib/photo-upload.server.ts';
import { photoUrl } from '~/lib/photos.ts';

export const meta: MetaFunction<typeof loader> = (args) =>
  args.data ? [{ title: `${args.data.space.name} – Hubwerk` }] : pageTitle(args, 'notFound.title');

/** The photos of one space (docs/decisions/019): upload with a description, order, describe, remove. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const slug = params.slug ?? '';
  const spaceId = params.spaceId ?? '';
  const api = await apiFor(request);
  const [space, photos] = await Promise.all([
    load(request, () => api.spaces.get.query({ tenant: slug, spaceId })),
    load(request, () => api.spacePhotos.list.query({ tenant: slug, spaceId })),
  ]);
  return { slug, space: { id: space.id, name: space.name }, photos };
}

type Intent = 'upload' | 'updateAltText' | 'move' | 'remove';

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const slug = params.slug ?? '';
  const spaceId = params.spaceId ?? '';
  const api = await apiFor(request);
  const failed = (intent: Intent, errors: FormErrorKeys, values: Record<string, string> = {}, photoId = '') =>
    data({ ok: false as const, intent, photoId, errors, values, notice: null }, { status: 400 });
  const done = (intent: Intent, notice: MessageKey) => ({
    ok: true as const,
    intent,
    photoId: '',
    errors: null,
    values: {} as Record<string, string>,
    notice,
  });

  // The upload is the page's only multipart form; the others are plain forms.
  if ((request.headers.get('content-type') ?? '').startsWith('multipart/form-data')) {
    const upload = await readPhotoUpload(request);
    if (!upload.ok)
      return failed(
        'upload',
        { formError: null, fieldErrors: { image: [upload.errorKey] } },
        upload.form ? keepValues(upload.form, ['altText']) : {},
      );
    const result = await mutate(request, () =>
      api.spacePhotos.add.mutate({
        tenant: slug,
        spaceId,
        altText: text(upload.form, 'altText'),
        imageBase64: upload.imageBase64,
      }),
    );
    if (!result.ok) return failed('upload', result, keepValues(upload.form, ['altText']));
    return done('upload', 'photos.uploaded');
  }

  const form = await request.formData();
  const intent = text(form, 'intent') as Intent;
  const photoId = text(form, 'photoId');
  switch (intent) {
    case 'updateAltText': {
      const result = await mutate(request, () =>
        api.spacePhotos.updateAltText.mutate({ tenant: slug, photoId, altText: text(form, 'altText') }),
      );
      return result.ok
        ? done(intent, 'photos.altSaved')
        : failed(intent, result, keepValues(form, ['altText']), photoId);
    }
    case 'move': {
      const direction = text(form, 'direction') === 'up' ? ('up' as const) : ('down' as const);
      const result = await mutate(request, () => api.spacePhotos.move.mutate({ tenant: slug, photoId, direction }));
      return result.ok ? done(intent, 'photos.moved') : failed(intent, result, {}, photoId);
    }
    case 'remove': {
      const result = await mutate(request, () => api.spacePhotos.remove.mutate({ tenant: slug, photoId }));
      return result.ok ? done(intent, 'photos.removed') : failed(intent, result, {}, photoId);
    }
    default:
      throw notFound();
  }
}

export default function SpacePhotos() {
  const { slug, space, photos } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const uploadFailed = result && !result.ok && result.intent === 'upload';
  const uploadErrors = translateErrors(tr, uploadFailed ? result.errors : null, {
    altText: 'photo-alt',
    imageBase64: 'photo-file',
    image: 'photo-file',
  });
  const rowErrors = translateErrors(tr, result && !result.ok && result.intent !== 'upload' ? result.errors : null, {});
  const full = photos.items.length >= photos.maxPhotos;
  const spaceUrl = `/towns/${encodeURIComponent(slug)}/spaces/${space.id}`;
  const fileErrors = [...(uploadErrors.byField.imageBase64 ?? []), ...(uploadErrors.byField.image ?? [])];

  return (
    <>
      <PageHeader
        title={t('photos.pageTitle', { space: space.name })}
        lead={t('photos.lead', { max: String(photos.maxPhotos) })}
        actions={<Link to={spaceUrl}>{t('photos.back')}</Link>}
      />
      {result?.ok ? (
        <p className="notice notice--success" role="status">
          {t(result.notice)}
        </p>
      ) : null}
      <ErrorSummary items={[...uploadErrors.summary, ...rowErrors.summary]} />

      <section aria-labelledby="photo-list-title" className="card">
        <h2 id="photo-list-title">
          {t('photos.listTitle', { count: String(photos.items.length), max: String(photos.maxPhotos) })}
        </h2>
        {photos.items.length === 0 ? (
          <p className="empty">{t('photos.none')}</p>
        ) : (
          <ol className="photo-list">
            {photos.items.map((photo, index) => {
              const n = String(index + 1);
              const altId = `photo-alt-${photo.id}`;
              const altValue = result && !result.ok && result.photoId === photo.id ? result.values.altText : undefined;
              return (
                <li key={photo.id} className="photo-list__item">
                  <a href={photoUrl(slug, photo.id, 'full')}>
                    <img
                      src={photoUrl(slug, photo.id, 'thumb')}
                      alt={photo.altText}
                      width={photo.thumbWidth}
                      height={photo.thumbHeight}
                      loading="lazy"
                      className="photo-list__thumb"
                    />
                  </a>
                  <div className="photo-list__body">
                    <h3 className="photo-list__title">{t('photos.position', { n })}</h3>
                    <p className="muted">
                      {t('photos.size', {
                        width: String(photo.width),
                        height: String(photo.height),
                        kb: String(Math.max(1, Math.round(photo.byteSize / 1024))),
                      })}
                    </p>
                    {photos.canManage ? (
                      <>
                        <Form method="post" className="form" aria-label={t('photos.position', { n })}>
                          <input type="hidden" name="intent" value="updateAltText" />
                          <input type="hidden" name="photoId" value={photo.id} />
                          <TextField
                            id={altId}
                            name="altText"
                            label={t('photos.alt')}
                            defaultValue={altValue ?? photo.altText}
                            maxLength={300}
                            autoComplete="off"
                          />
                          <SubmitButton
                            variant="secondary"
                            label={t('photos.saveAlt')}
                            pendingLabel={t('common.pleaseWait')}
                            pendingWhen={{ intent: 'updateAltText', photoId: photo.id }}
                          />
                        </Form>
                        <Form method="post" className="inline-form">
                          <input type="hidden" name="photoId" value={photo.id} />
                          <input type="hidden" name="intent" value="move" />
                          {index > 0 ? (
                            <button
                              type="submit"
                              name="direction"
                              value="up"
                              className="button button--ghost"
                              aria-label={t('photos.moveUpLabel', { n })}
                            >
                              {t('photos.moveUp')}
                            </button>
                          ) : null}{' '}
                          {index < photos.items.length - 1 ? (
                            <button
                              type="submit"
                              name="direction"
                              value="down"
                              className="button button--ghost"
                              aria-label={t('photos.moveDownLabel', { n })}
                            >
                              {t('photos.moveDown')}
                            </button>
                          ) : null}
                        </Form>
                        <Form method="post" className="inline-form">
                          <input type="hidden" name="photoId" value={photo.id} />
                          <button
                            type="submit"
                            name="intent"
                            value="remove"
                            className="button button--ghost"
                            aria-label={t('photos.removeLabel', { n })}
                          >
                            {t('photos.remove')}
                          </button>
                        </Form>
                      </>
                    ) : (
                      <p>{photo.altText}</p>
                    )}
                  </div>
                </li>
              );
            })}
          </ol>
        )}
      </section>

      {photos.canManage ? (
        <section aria-labelledby="photo-upload-title" className="card">
          <h2 id="photo-upload-title">{t('photos.upload')}</h2>
          {full ? (
            <p className="notice">{t('photos.limitReached', { max: String(photos.maxPhotos) })}</p>
          ) : (
            <Form
              method="post"
              encType="multipart/form-data"
              noValidate
              className="form"
              key={result?.ok && result.intent === 'upload' ? `uploaded-${photos.items.length}` : 'upload'}
            >
              <TextField
                id="photo-file"
                name="photo"
                type="file"
                accept="image/jpeg,image/png,image/webp,image/avif"
                label={t('photos.file')}
                hint={t('photos.fileHint')}
                errors={fileErrors.length > 0 ? fileErrors : undefined}
              />
              <TextField
                id="photo-alt"
                name="altText"
                label={t('photos.alt')}
                hint={t('photos.altHint')}
                maxLength={300}
                autoComplete="off"
                defaultValue={uploadFailed ? result.values.altText : undefined}
                errors={uploadErrors.byField.altText}
              />
              <div className="form__actions">
                <SubmitButton label={t('photos.submit')} pendingLabel={t('photos.submitting')} />
              </div>
            </Form>
          )}
        </section>
      ) : null}
    </>
  );
}

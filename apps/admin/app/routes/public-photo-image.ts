import type { LoaderFunctionArgs } from '@remix-run/node';
import { apiFor, load, notFound } from '~/lib/api.server.ts';
import { photoResponse } from '~/lib/photo-response.server.ts';
import { variantOf } from '~/lib/photos.ts';

/** A photo of a public hub's space, without sign-in; a hub that is not public has none to serve (404). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const variant = variantOf(params.variant);
  if (!variant) throw notFound();
  const api = await apiFor(request);
  const image = await load(request, () =>
    api.spacePhotos.publicImage.query({
      town: params.town ?? '',
      hub: params.hub ?? '',
      photoId: params.photoId ?? '',
      variant,
    }),
  );
  return photoResponse(request, image, 'public');
}

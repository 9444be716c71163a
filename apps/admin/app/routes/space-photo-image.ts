import type { LoaderFunctionArgs } from '@remix-run/node';
import { apiFor, load, notFound, requireMe } from '~/lib/api.server.ts';
import { photoResponse } from '~/lib/photo-response.server.ts';
import { variantOf } from '~/lib/photos.ts';

/** A space's photo or thumbnail for a signed-in user who may read the space; another town's or a made-up id is the 404. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const variant = variantOf(params.variant);
  if (!variant) throw notFound();
  const api = await apiFor(request);
  const image = await load(request, () =>
    api.spacePhotos.image.query({ tenant: params.slug ?? '', photoId: params.photoId ?? '', variant }),
  );
  return photoResponse(request, image, 'private');
}

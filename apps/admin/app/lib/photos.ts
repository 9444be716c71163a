/** Where a photo's bytes are served: in the town's scope with the session's rights (routes/space-photo-image.ts). */
export const photoUrl = (slug: string, photoId: string, variant: 'thumb' | 'full') =>
  `/towns/${encodeURIComponent(slug)}/photos/${photoId}/${variant}.webp`;

/** A public hub's photo, for anyone (routes/public-photo-image.ts). */
export const publicPhotoUrl = (town: string, hub: string, photoId: string, variant: 'thumb' | 'full') =>
  `/p/${encodeURIComponent(town)}/${encodeURIComponent(hub)}/photos/${photoId}/${variant}.webp`;

/** `thumb.webp` / `full.webp` from the URL; anything else is no photo of ours. */
export function variantOf(param: string | undefined): 'thumb' | 'full' | null {
  if (param === 'thumb.webp') return 'thumb';
  if (param === 'full.webp') return 'full';
  return null;
}

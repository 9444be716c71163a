/**
 * A photo as an HTTP response: the re-encoded WebP the API holds
 * (docs/decisions/019), never sniffed as anything else, revalidated by
 * ETag. `cache` is `private` for everything behind a sign-in; only a public
 * hub's photos on its public page may be kept by shared caches.
 */
export function photoResponse(
  request: Request,
  image: { contentType: 'image/webp'; etag: string; dataBase64: string },
  cache: 'private' | 'public',
): Response {
  const headers = new Headers({
    'Content-Type': image.contentType,
    'X-Content-Type-Options': 'nosniff',
    ETag: image.etag,
    // Short: a removed photo or a hub made private stops being served soon after; the ETag makes revalidating cheap.
    'Cache-Control': cache === 'public' ? 'public, max-age=300' : 'private, max-age=300',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  const match = request.headers.get('if-none-match');
  if (match && match.split(',').some((tag) => tag.trim() === image.etag))
    return new Response(null, { status: 304, headers });
  const body = Buffer.from(image.dataBase64, 'base64');
  headers.set('Content-Length', String(body.length));
  return new Response(body, { status: 200, headers });
}

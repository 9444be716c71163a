import type { LoaderFunctionArgs } from '@remix-run/node';
import { apiFor, load, requireMe } from '~/lib/api.server.ts';

/**
 * The export's ZIP, streamed to the browser chunk by chunk as the API hands
 * them out (1 MiB each), so neither process holds a large archive at once.
 * Someone else's export, another town's, or an expired one: the 404 page.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const tenant = params.slug ?? '';
  const exportId = params.id ?? '';
  const api = await apiFor(request);
  const first = await load(request, () => api.exports.download.query({ tenant, exportId, offset: 0 }));
  let next = first.nextOffset;

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(Buffer.from(first.chunkBase64, 'base64'));
      if (next === null) controller.close();
    },
    async pull(controller) {
      if (next === null) return;
      try {
        const chunk = await api.exports.download.query({ tenant, exportId, offset: next });
        controller.enqueue(Buffer.from(chunk.chunkBase64, 'base64'));
        next = chunk.nextOffset;
        if (next === null) controller.close();
      } catch (error) {
        controller.error(error);
      }
    },
  });

  return new Response(body, {
    headers: {
      'Content-Type': 'application/zip',
      'Content-Length': String(first.sizeBytes),
      'Content-Disposition': `attachment; filename="${first.fileName.replace(/[^a-z0-9.-]/gi, '')}"`,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

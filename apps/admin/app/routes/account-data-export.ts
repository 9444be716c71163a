import { redirect, type ActionFunctionArgs } from '@remix-run/node';
import { apiFor, load, requireMe } from '~/lib/api.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';

/**
 * The signed-in person's data as one ZIP (docs/decisions/027). A POST, not a
 * link: producing it reads every town and writes audit entries, so no
 * prefetch or crawler should trigger it.
 */
export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const api = await apiFor(request);
  const archive = await load(request, () => api.account.exportData.query({}));
  const bytes = Buffer.from(archive.archiveBase64, 'base64');
  return new Response(bytes, {
    headers: {
      'Content-Type': 'application/zip',
      'Content-Length': String(bytes.length),
      'Content-Disposition': `attachment; filename="${archive.fileName.replace(/[^a-z0-9.-]/gi, '')}"`,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

export function loader() {
  throw redirect('/account/data');
}

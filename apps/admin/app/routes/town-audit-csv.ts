import type { LoaderFunctionArgs } from '@remix-run/node';
import { createTranslator } from '~/i18n/index.ts';
import { apiFor, load, requireMe } from '~/lib/api.server.ts';
import { auditCsvHeader, auditCsvLine, auditFiltersFrom, auditInput } from '~/lib/audit.server.ts';
import { resolveLang } from '~/lib/session.server.ts';

/** Rows per export: the API pages at most 100; a town's yearly log fits. */
const MAX_ROWS = 50_000;

/** The town's audit log as CSV (UTF-8 with BOM, semicolons), with the page's filters. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const slug = params.slug ?? '';
  const api = await apiFor(request);
  const tr = createTranslator(await resolveLang(request));
  const input = { tenant: slug, limit: 100, ...auditInput(auditFiltersFrom(new URL(request.url))) };

  const lines = [auditCsvHeader(tr, false)];
  let cursor: string | undefined;
  let rows = 0;
  do {
    // Foreign, forbidden or a bad filter in the link: the not-found page, like every loader.
    const page = await load(request, () => api.audit.list.query({ ...input, ...(cursor ? { cursor } : {}) }));
    for (const e of page.items) {
      lines.push(auditCsvLine(tr, e, false));
    }
    rows += page.items.length;
    cursor = page.nextCursor ?? undefined;
  } while (cursor && rows < MAX_ROWS);

  const day = new Date().toISOString().slice(0, 10);
  return new Response(`\uFEFF${lines.join('\r\n')}\r\n`, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="protokoll-${slug.replace(/[^a-z0-9-]/g, '')}-${day}.csv"`,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

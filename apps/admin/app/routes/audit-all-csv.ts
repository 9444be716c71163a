import type { LoaderFunctionArgs } from '@remix-run/node';
import { createTranslator } from '~/i18n/index.ts';
import { apiFor, load, notFound, requireMe } from '~/lib/api.server.ts';
import { auditAcrossInput, auditCsvHeader, auditCsvLine, auditFiltersFrom } from '~/lib/audit.server.ts';
import { resolveLang } from '~/lib/session.server.ts';

/** Rows per export: the API pages at most 100. */
const MAX_ROWS = 50_000;

/** The cross-town audit log as CSV (UTF-8 with BOM, semicolons), with the page's filters and a town column. */
export async function loader({ request }: LoaderFunctionArgs) {
  const me = await requireMe(request);
  if (!me.user.platformRole && me.partners.length === 0) throw notFound();
  const api = await apiFor(request);
  const tr = createTranslator(await resolveLang(request));
  const input = { limit: 100, ...auditAcrossInput(auditFiltersFrom(new URL(request.url))) };
  const lines = [auditCsvHeader(tr, true)];
  let cursor: string | undefined;
  let rows = 0;
  do {
    const page = await load(request, () =>
      api.audit.listAcrossTowns.query({ ...input, ...(cursor ? { cursor } : {}) }),
    );
    for (const e of page.items) lines.push(auditCsvLine(tr, e, true));
    rows += page.items.length;
    cursor = page.nextCursor ?? undefined;
  } while (cursor && rows < MAX_ROWS);

  const day = new Date().toISOString().slice(0, 10);
  return new Response(`\uFEFF${lines.join('\r\n')}\r\n`, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="protokoll-alle-${day}.csv"`,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

import type { LoaderFunctionArgs } from '@remix-run/node';
import { createTranslator } from '~/i18n/index.ts';
import { apiFor, load, requireMe } from '~/lib/api.server.ts';
import { hours, toCsv, utilisation, weeksParam } from '~/lib/occupancy.ts';
import { resolveLang } from '~/lib/session.server.ts';

/** A resource route: the occupancy figures of the page as CSV, in the user's language. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const api = await apiFor(request);
  const occupancy = await load(request, () =>
    api.occupancy.hub.query({ tenant: params.slug ?? '', hubId: params.hubId ?? '', weeks: weeksParam(request) }),
  );
  const lang = await resolveLang(request);
  const { t } = createTranslator(lang);
  const rows: Array<Array<string | number>> = [
    [
      t('occupancy.colSpace'),
      t('occupancy.colWeekday'),
      t('occupancy.colBookable'),
      t('occupancy.colBooked'),
      t('occupancy.colUtilisation'),
      t('occupancy.colFrom'),
      t('occupancy.colTo'),
    ],
    ...occupancy.spaces.flatMap((space) =>
      space.weekdays.map((d) => [
        space.spaceName,
        t(`hub.weekday.${d.weekday}` as 'hub.weekday.1'),
        hours(d.bookableMinutes),
        hours(d.bookedMinutes),
        utilisation(d) ?? '',
        occupancy.from,
        occupancy.to,
      ]),
    ),
  ];
  return new Response(toCsv(rows, lang), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="auslastung-${occupancy.from}-${occupancy.to}.csv"`,
      'cache-control': 'private, no-store',
    },
  });
}

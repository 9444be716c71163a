import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { OccupancyChart } from '~/components/occupancy-chart.tsx';
import { SelectField } from '~/components/field.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, requireMe } from '~/lib/api.server.ts';
import { pageTitle } from '~/lib/meta.ts';
import { hours, utilisation, WEEK_CHOICES, weeksParam } from '~/lib/occupancy.ts';

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args, 'occupancy.title');

/** Utilisation of a hub's spaces by weekday; members get the 404 page like for a foreign hub. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const slug = params.slug ?? '';
  const api = await apiFor(request);
  const weeks = weeksParam(request);
  const occupancy = await load(request, () =>
    api.occupancy.hub.query({ tenant: slug, hubId: params.hubId ?? '', weeks }),
  );
  return { slug, occupancy };
}

export default function Occupancy() {
  const { slug, occupancy } = useLoaderData<typeof loader>();
  const tr = useT();
  const { t } = tr;
  const hubPath = `/towns/${encodeURIComponent(slug)}/hubs/${occupancy.hubId}`;
  const day = (iso: string) => tr.formatDate(`${iso}T12:00:00Z`);
  return (
    <>
      <PageHeader
        title={t('occupancy.title')}
        lead={t('occupancy.lead', { hub: occupancy.hubName, from: day(occupancy.from), to: day(occupancy.to) })}
        actions={
          <>
            <a className="button button--secondary" href={`${hubPath}/occupancy.csv?weeks=${occupancy.weeks}`} download>
              {t('occupancy.csv')}
            </a>
            <Link className="button button--secondary" to={hubPath}>
              {t('occupancy.backToHub')}
            </Link>
          </>
        }
      />
      <section aria-labelledby="period-title" className="card">
        <h2 id="period-title">{t('occupancy.period')}</h2>
        <Form method="get" className="form form--inline">
          <SelectField
            id="weeks"
            name="weeks"
            label={t('occupancy.weeks')}
            defaultValue={String(occupancy.weeks)}
            options={WEEK_CHOICES.map((w) => ({ value: String(w), label: t('occupancy.weeksOption', { weeks: w }) }))}
          />
          <SubmitButton
            variant="secondary"
            label={t('occupancy.show')}
            pendingLabel={t('common.pleaseWait')}
            pendingWhen={{ never: 'x' }}
          />
        </Form>
        <p className="field__hint">{t('occupancy.explain')}</p>
      </section>
      {occupancy.spaces.length === 0 ? (
        <p className="empty">{t('occupancy.empty')}</p>
      ) : (
        occupancy.spaces.map((space) => (
          <section key={space.spaceId} aria-labelledby={`space-${space.spaceId}`} className="card">
            <h2 id={`space-${space.spaceId}`}>
              {space.units > 1
                ? t('occupancy.spaceWithDesks', { space: space.spaceName, desks: space.units })
                : space.spaceName}
            </h2>
            <OccupancyChart
              id={`chart-${space.spaceId}`}
              title={t('occupancy.chartCaption', { space: space.spaceName })}
              space={space.spaceName}
              days={space.weekdays}
            />
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">{t('occupancy.tableCaption', { space: space.spaceName })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('occupancy.colWeekday')}</th>
                    <th scope="col" className="num">
                      {t('occupancy.colBookable')}
                    </th>
                    <th scope="col" className="num">
                      {t('occupancy.colBooked')}
                    </th>
                    <th scope="col" className="num">
                      {t('occupancy.colUtilisation')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {space.weekdays.map((d) => {
                    const pct = utilisation(d);
                    return (
                      <tr key={d.weekday}>
                        <th scope="row">{t(`hub.weekday.${d.weekday}` as 'hub.weekday.1')}</th>
                        <td className="num">{tr.formatNumber(hours(d.bookableMinutes))}</td>
                        <td className="num">{tr.formatNumber(hours(d.bookedMinutes))}</td>
                        <td className="num">{pct === null ? t('occupancy.closed') : `${pct} %`}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </section>
        ))
      )}
    </>
  );
}

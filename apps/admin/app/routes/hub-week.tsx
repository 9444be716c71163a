import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { addDays, localParts, mondayOf } from '@hubwerk/domain';
import { PageHeader } from '~/components/page-header.tsx';
import { DISPLAY_TIME_ZONE } from '~/i18n/index.ts';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, requireMe } from '~/lib/api.server.ts';
import { clipToMax, hhmm, localDate, whoText } from '~/lib/booking-format.ts';
import { pageTitle } from '~/lib/meta.ts';

export const meta: MetaFunction<typeof loader> = (args) => pageTitle(args, 'hubWeek.link');

const isDate = (v: string | null): v is string => v !== null && /^\d{4}-\d{2}-\d{2}$/.test(v);

/** The whole hub's week: one row per room (or desk), one column per day, bookings and free time. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const slug = params.slug ?? '';
  const hubId = params.hubId ?? '';
  const url = new URL(request.url);
  const today = localParts(new Date(), DISPLAY_TIME_ZONE).date;
  const week = mondayOf(isDate(url.searchParams.get('week')) ? url.searchParams.get('week')! : today);
  const api = await apiFor(request);
  const plan = await load(request, () => api.hubCalendar.week.query({ tenant: slug, hubId, date: week }));
  return { slug, plan, prev: addDays(week, -7), next: addDays(week, 7) };
}

export default function HubWeek() {
  const { slug, plan, prev, next } = useLoaderData<typeof loader>();
  const tr = useT();
  const { t } = tr;
  const town = encodeURIComponent(slug);
  const dayLabel = (date: string, index: number) =>
    `${t(`hub.weekday.${(index + 1) as 1}`)}, ${tr.formatDate(`${date}T12:00:00Z`)}`;
  return (
    <>
      <PageHeader
        title={t('hubWeek.title', { hub: plan.hub.name })}
        lead={t('hubWeek.intro', { date: tr.formatDate(`${plan.weekStart}T12:00:00Z`) })}
        actions={
          <Link className="button button--secondary" to={`/towns/${town}/hubs/${plan.hub.id}`}>
            {plan.hub.name}
          </Link>
        }
      />
      <section aria-labelledby="week-plan-title" className="card">
        <h2 id="week-plan-title" className="visually-hidden">
          {t('hubWeek.caption')}
        </h2>
        <nav aria-label={t('hubWeek.nav')} className="pager">
          <Link to={`?week=${prev}`}>{t('hubWeek.previous')}</Link>{' '}
          <Link to={`?week=${next}`}>{t('hubWeek.next')}</Link>
        </nav>
        <div className="table-wrap">
          <table className="table table--week">
            <caption className="visually-hidden">{t('hubWeek.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('hubWeek.colResource')}</th>
                {plan.days.map((date, index) => (
                  <th scope="col" key={date}>
                    {dayLabel(date, index)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {plan.resources.map((r) => {
                const resource = r.deskName ? `${r.spaceName}, ${r.deskName}` : r.spaceName;
                return (
                  <tr key={r.deskId ?? r.spaceId}>
                    <th scope="row">
                      <Link to={`/towns/${town}/spaces/${r.spaceId}?week=${plan.weekStart}`}>{resource}</Link>
                    </th>
                    {plan.days.map((date, index) => {
                      const booked = plan.items.filter(
                        (b) => b.spaceId === r.spaceId && b.deskId === r.deskId && localDate(b.startsAt) === date,
                      );
                      const free = r.free.filter((s) => localDate(s.startsAt) === date);
                      if (booked.length === 0 && free.length === 0)
                        return (
                          <td key={date} className="muted">
                            {t('hubWeek.closed')}
                          </td>
                        );
                      const entries = [
                        ...booked.map((b) => ({ key: b.id, at: b.startsAt, booking: b, slot: null })),
                        ...free.map((s) => ({ key: `free-${s.startsAt}`, at: s.startsAt, booking: null, slot: s })),
                      ].sort((a, b) => a.at.localeCompare(b.at));
                      return (
                        <td key={date}>
                          <ul className="week-cell">
                            {entries.map(({ key, booking, slot }) => {
                              if (booking) {
                                const when = { from: hhmm(booking.startsAt), to: hhmm(booking.endsAt) };
                                const who = whoText(tr, booking);
                                return (
                                  <li key={key} className="week-cell__booked">
                                    {booking.mine
                                      ? t('hubWeek.mine', when)
                                      : booking.purpose
                                        ? t('hubWeek.bookedWith', { ...when, purpose: booking.purpose })
                                        : t('hubWeek.booked', when)}
                                    {who ? ` (${who})` : ''}
                                    {booking.mine ? (
                                      <>
                                        {' '}
                                        <Link
                                          to={`/towns/${town}/bookings/${booking.id}/change`}
                                          aria-label={t('bookingChange.linkLabel', {
                                            what: resource,
                                            when: `${dayLabel(date, index)}, ${when.from}–${when.to}`,
                                          })}
                                        >
                                          {t('bookingChange.link')}
                                        </Link>
                                      </>
                                    ) : null}
                                  </li>
                                );
                              }
                              const end = clipToMax(slot!.startsAt, slot!.endsAt, r.maxDurationMinutes);
                              const params = new URLSearchParams({
                                week: plan.weekStart,
                                date,
                                start: hhmm(slot!.startsAt),
                                end: hhmm(end),
                                ...(r.deskId ? { desk: r.deskId } : {}),
                              });
                              return (
                                <li key={key}>
                                  <Link to={`/towns/${town}/spaces/${r.spaceId}?${params.toString()}#booking-title`}>
                                    {t('hubWeek.free', { from: hhmm(slot!.startsAt), to: hhmm(slot!.endsAt) })}
                                    <span className="visually-hidden">
                                      {' '}
                                      –{' '}
                                      {t('hubWeek.bookFree', {
                                        resource,
                                        day: dayLabel(date, index),
                                        from: hhmm(slot!.startsAt),
                                        to: hhmm(end),
                                      })}
                                    </span>
                                  </Link>
                                </li>
                              );
                            })}
                          </ul>
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}

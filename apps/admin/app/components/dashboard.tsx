import { Form, Link } from '@remix-run/react';
import { useT } from '~/i18n/use-t.ts';
import { hhmm } from '~/lib/booking-format.ts';
import type { Step } from '~/lib/dashboard.ts';

interface Today {
  date: string;
  pendingApprovals: number | null;
  arrivals: { arrived: number; noShows: number; expected: number };
  hubs: Array<{
    id: string;
    name: string;
    bookings: Array<{
      id: string;
      place: string;
      startsAt: string;
      endsAt: string;
      forName: string | null;
      state: 'pending' | 'arrived' | 'noShow' | 'expected';
    }>;
  }>;
}

/** "Heute": the day in the hubs one looks after, for the town's staff. */
export function TodayPanel({ today, slug }: { today: Today; slug: string }) {
  const tr = useT();
  const { t } = tr;
  const base = `/towns/${encodeURIComponent(slug)}`;
  const total = today.hubs.reduce((n, h) => n + h.bookings.length, 0);
  return (
    <section aria-labelledby="today-title" className="card">
      <h2 id="today-title">{t('today.title', { date: tr.formatDate(`${today.date}T12:00:00Z`) })}</h2>
      <ul className="stats">
        <li>
          <span className="stats__value">{total}</span> {t('today.bookings')}
        </li>
        <li>
          <span className="stats__value">{today.arrivals.arrived}</span> {t('today.arrived')}
        </li>
        <li>
          <span className="stats__value">{today.arrivals.expected}</span> {t('today.expected')}
        </li>
        <li>
          <span className="stats__value">{today.arrivals.noShows}</span> {t('today.noShows')}
        </li>
        {today.pendingApprovals !== null ? (
          <li>
            <span className="stats__value">{today.pendingApprovals}</span>{' '}
            <Link to={`${base}/approvals`}>{t('today.pending')}</Link>
          </li>
        ) : null}
      </ul>
      {today.hubs.length === 0 ? <p className="empty">{t('today.noHubs')}</p> : null}
      {today.hubs.map((hub) => (
        <div key={hub.id}>
          <h3 id={`today-hub-${hub.id}`}>{hub.name}</h3>
          {hub.bookings.length === 0 ? (
            <p className="empty">{t('today.none')}</p>
          ) : (
            // Scrolls sideways on a phone: focusable and named, so a keyboard reaches all of it.
            <div className="table-wrap" role="region" aria-label={t('today.caption', { hub: hub.name })} tabIndex={0}>
              <table className="table">
                <caption className="visually-hidden">{t('today.caption', { hub: hub.name })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('today.colTime')}</th>
                    <th scope="col">{t('today.colPlace')}</th>
                    <th scope="col">{t('today.colFor')}</th>
                    <th scope="col">{t('today.colState')}</th>
                  </tr>
                </thead>
                <tbody>
                  {hub.bookings.map((b) => (
                    <tr key={b.id}>
                      <td className="nowrap">
                        {hhmm(b.startsAt)}–{hhmm(b.endsAt)}
                      </td>
                      <th scope="row">{b.place}</th>
                      <td>{b.forName ?? <span className="muted">{t('common.none')}</span>}</td>
                      <td>{t(`today.state.${b.state}`)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <p>
            <Link to={`${base}/hubs/${encodeURIComponent(hub.id)}/week`} aria-describedby={`today-hub-${hub.id}`}>
              {t('today.week')}
            </Link>
          </p>
        </div>
      ))}
    </section>
  );
}

/** A new town's first steps, each ticked from the town's data; the admin may put the list away. */
export function FirstSteps({ steps }: { steps: Step[] }) {
  const { t } = useT();
  const done = steps.filter((s) => s.done).length;
  return (
    <section aria-labelledby="steps-title" className="card">
      <h2 id="steps-title">{t('checklist.title')}</h2>
      <p>{t('checklist.progress', { done: String(done), total: String(steps.length) })}</p>
      <ol className="checklist">
        {steps.map((step) => (
          <li key={step.id} className={step.done ? 'checklist__item checklist__item--done' : 'checklist__item'}>
            <span className="checklist__mark" aria-hidden="true">
              {step.done ? '✓' : ''}
            </span>
            <Link to={step.to}>{t(step.label)}</Link>{' '}
            <span className={step.done ? 'checklist__state' : 'visually-hidden'}>
              {step.done ? t('checklist.done') : t('checklist.open')}
            </span>
          </li>
        ))}
      </ol>
      <Form method="post" className="inline-form">
        <input type="hidden" name="intent" value="dismissChecklist" />
        <button type="submit" className="link-button">
          {t('checklist.dismiss')}
        </button>
      </Form>
    </section>
  );
}

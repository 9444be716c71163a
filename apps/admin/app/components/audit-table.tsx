import { Link } from '@remix-run/react';
import { useT } from '~/i18n/use-t.ts';

export interface AuditRow {
  id: string;
  createdAt: string;
  action: string;
  actor: { name: string; email: string } | null;
  targetType: string | null;
  targetId: string | null;
  reason: string | null;
  supportSession: { reason: string; via: 'provider' | 'partner'; expiresAt: string; endedAt: string | null } | null;
  town?: { slug: string; name: string } | null;
}

/**
 * Audit entries as a table: time, action (with its reason and, for entries
 * written in a support session, on whose behalf and why), who, and what.
 * `withTown` adds the town column of the cross-town views.
 */
export function AuditTable({ events, caption, withTown = false }: { events: AuditRow[]; caption: string; withTown?: boolean }) {
  const { t, tOr, formatDate } = useT();
  return (
    <div className="table-wrap card">
      <table className="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('audit.colTime')}</th>
            {withTown ? <th scope="col">{t('auditAll.colTown')}</th> : null}
            <th scope="col">{t('audit.colAction')}</th>
            <th scope="col">{t('audit.colActor')}</th>
            <th scope="col">{t('audit.colTarget')}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id}>
              <td>
                <time dateTime={event.createdAt}>{formatDate(event.createdAt, 'dateTime')}</time>
              </td>
              {withTown ? (
                <td>{event.town ? <Link to={`/towns/${encodeURIComponent(event.town.slug)}/audit`}>{event.town.name}</Link> : <span className="muted">{t('auditAll.platform')}</span>}</td>
              ) : null}
              <th scope="row">
                {tOr(`auditActions.${event.action}`, event.action)}
                {event.reason && !event.supportSession ? <div className="muted">{t('audit.reason', { reason: event.reason })}</div> : null}
                {event.supportSession ? (
                  <div className="muted">
                    {t('audit.onBehalf', { via: t(`audit.via.${event.supportSession.via}`), reason: event.supportSession.reason })}
                    {event.action === 'support.started' ? (
                      <>
                        {' · '}
                        {event.supportSession.endedAt
                          ? t('audit.sessionEnded', { until: formatDate(event.supportSession.endedAt, 'dateTime') })
                          : t('audit.sessionUntil', { until: formatDate(event.supportSession.expiresAt, 'dateTime') })}
                      </>
                    ) : null}
                  </div>
                ) : null}
              </th>
              <td>{event.actor ? `${event.actor.name} (${event.actor.email})` : <span className="muted">{t('audit.system')}</span>}</td>
              <td className="mono">{event.targetType ? `${event.targetType} ${event.targetId ?? ''}` : <span className="muted">{t('common.none')}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

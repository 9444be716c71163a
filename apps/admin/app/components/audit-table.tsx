import { Form, Link } from '@remix-run/react';
import { AUDIT_ACTIONS } from '@hubwerk/domain';
import { SelectField, TextField } from '~/components/field.tsx';
import { useT } from '~/i18n/use-t.ts';
import type { TranslatedErrors } from '~/lib/forms.ts';
import type { AuditFilters } from '~/lib/audit.server.ts';

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
export function AuditTable({
  events,
  caption,
  withTown = false,
}: {
  events: AuditRow[];
  caption: string;
  withTown?: boolean;
}) {
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
                <td>
                  {event.town ? (
                    <Link to={`/towns/${encodeURIComponent(event.town.slug)}/audit`}>{event.town.name}</Link>
                  ) : (
                    <span className="muted">{t('auditAll.platform')}</span>
                  )}
                </td>
              ) : null}
              <th scope="row">
                {tOr(`auditActions.${event.action}`, event.action)}
                {event.reason && !event.supportSession ? (
                  <div className="muted">{t('audit.reason', { reason: event.reason })}</div>
                ) : null}
                {event.supportSession ? (
                  <div className="muted">
                    {t('audit.onBehalf', {
                      via: t(`audit.via.${event.supportSession.via}`),
                      reason: event.supportSession.reason,
                    })}
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
              <td>
                {event.actor ? (
                  `${event.actor.name} (${event.actor.email})`
                ) : (
                  <span className="muted">{t('audit.system')}</span>
                )}
              </td>
              <td className="mono">
                {event.targetType ? (
                  `${event.targetType} ${event.targetId ?? ''}`
                ) : (
                  <span className="muted">{t('common.none')}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The input ids of the filter form; `translateErrors` maps the API's field errors onto them. */
export const AUDIT_FILTER_FIELDS = {
  tenant: 'audit-town',
  action: 'audit-action',
  actorEmail: 'audit-actor',
  from: 'audit-from',
  to: 'audit-to',
  changesOnly: 'audit-changes-only',
};

/**
 * The filter form of an audit log page (a GET form: the filters live in the
 * URL). `withTown` adds the town filter of the cross-town views; `resetTo` is
 * the unfiltered page.
 */
export function AuditFilterForm({
  filters,
  errors,
  resetTo,
  filtered,
  withTown = false,
}: {
  filters: AuditFilters;
  errors: TranslatedErrors;
  resetTo: string;
  filtered: boolean;
  withTown?: boolean;
}) {
  const { t, tOr, lang } = useT();
  const F = AUDIT_FILTER_FIELDS;
  const actionOptions = Object.keys(AUDIT_ACTIONS)
    .map((action) => ({ value: action, label: tOr(`auditActions.${action}`, action) }))
    .sort((a, b) => a.label.localeCompare(b.label, lang));
  return (
    <section aria-labelledby="audit-filter-title" className="card">
      <h2 id="audit-filter-title">{t('audit.filterTitle')}</h2>
      <Form method="get" className="form" noValidate>
        {withTown ? (
          <div className="form__row">
            <TextField
              id={F.tenant}
              name="town"
              label={t('auditAll.town')}
              hint={t('auditAll.townHint')}
              optional
              defaultValue={filters.town}
              errors={errors.byField.tenant}
              autoComplete="off"
            />
          </div>
        ) : null}
        <div className="form__row">
          <SelectField
            id={F.action}
            name="action"
            label={t('audit.action')}
            optional
            placeholder={t('audit.anyAction')}
            options={actionOptions}
            defaultValue={filters.action}
            errors={errors.byField.action}
          />
          <TextField
            id={F.actorEmail}
            name="actor"
            type="email"
            label={t('audit.actor')}
            optional
            defaultValue={filters.actor}
            errors={errors.byField.actorEmail}
            autoComplete="off"
          />
        </div>
        <div className="form__row">
          <TextField
            id={F.from}
            name="from"
            type="date"
            label={t('audit.from')}
            optional
            defaultValue={filters.from}
            errors={errors.byField.from}
          />
          <TextField
            id={F.to}
            name="to"
            type="date"
            label={t('audit.to')}
            optional
            defaultValue={filters.to}
            errors={errors.byField.to}
          />
        </div>
        <input type="hidden" name="f" value="1" />
        <div className="field field--checkbox">
          <input
            id={F.changesOnly}
            type="checkbox"
            name="changes"
            value="1"
            defaultChecked={filters.changesOnly}
            aria-describedby={`${F.changesOnly}-hint`}
          />
          <label htmlFor={F.changesOnly}>{t('audit.changesOnly')}</label>
        </div>
        <p id={`${F.changesOnly}-hint`} className="field__hint">
          {t('audit.changesOnlyHint')}
        </p>
        <div className="form__actions">
          <button type="submit" className="button button--primary">
            {t('audit.filterSubmit')}
          </button>
          {filtered ? <Link to={resetTo}>{t('audit.filterReset')}</Link> : null}
        </div>
      </Form>
    </section>
  );
}

/** "Weitere laden": the next keyset page with the same filters. */
export function AuditPager({ query, nextCursor }: { query: string; nextCursor: string | null }) {
  const { t } = useT();
  if (!nextCursor) return null;
  return (
    <p className="pager">
      <Link
        to={`?${query ? `${query}&` : ''}cursor=${encodeURIComponent(nextCursor)}`}
        className="button button--secondary"
      >
        {t('audit.loadMore')}
      </Link>
    </p>
  );
}

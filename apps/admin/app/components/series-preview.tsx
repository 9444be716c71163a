import type { MessageKey, Translator } from '~/i18n/index.ts';
import { useT } from '~/i18n/use-t.ts';
import { hhmm } from '~/lib/booking-format.ts';

export interface SeriesPreviewOccurrence {
  date: string;
  startsAt: string;
  endsAt: string;
  conflict: {
    reason: 'taken' | 'closed' | 'outside-opening-hours' | 'rule';
    messageKey: string;
    params: Record<string, string>;
  } | null;
}

/** What is in the way of one date, translated (a colliding booking with its time). */
export function conflictMessage(tr: Translator, conflict: NonNullable<SeriesPreviewOccurrence['conflict']>): string {
  return conflict.params.startsAt && conflict.params.endsAt
    ? tr.t(conflict.messageKey as MessageKey, {
        from: `${tr.formatDate(conflict.params.startsAt)} ${hhmm(conflict.params.startsAt)}`,
        to: hhmm(conflict.params.endsAt),
      })
    : tr.t(conflict.messageKey as MessageKey, conflict.params);
}

/** Every date a series would book, with what is in the way of each (new series and series edits alike). */
export function SeriesPreviewTable({
  occurrences,
  caption,
}: {
  occurrences: SeriesPreviewOccurrence[];
  caption: string;
}) {
  const tr = useT();
  const { t } = tr;
  return (
    // On a phone the table scrolls sideways: a keyboard user reaches the scrolling region by Tab.
    <div className="table-wrap" role="region" aria-label={caption} tabIndex={0}>
      <table className="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('series.colDate')}</th>
            <th scope="col">{t('series.colTime')}</th>
            <th scope="col">{t('series.colResult')}</th>
          </tr>
        </thead>
        <tbody>
          {occurrences.map((o) => (
            <tr key={o.startsAt}>
              <th scope="row">{tr.formatDate(o.startsAt)}</th>
              <td>
                {hhmm(o.startsAt)}–{hhmm(o.endsAt)}
              </td>
              <td>
                {o.conflict ? (
                  <>
                    <strong>{t(`series.reason.${o.conflict.reason}`)}</strong>
                    {': '}
                    {conflictMessage(tr, o.conflict)}
                  </>
                ) : (
                  t('series.free')
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

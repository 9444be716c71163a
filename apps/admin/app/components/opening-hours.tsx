import { useT } from '~/i18n/use-t.ts';

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** A hub's weekly opening hours, read-only (who books sees when; who configures edits them in the settings). */
export function OpeningHoursList({
  week,
}: {
  week: ReadonlyArray<{ weekday: number; opensAt: string; closesAt: string }>;
}) {
  const { t } = useT();
  const byDay = new Map(week.map((w) => [w.weekday, w]));
  return (
    <dl className="facts">
      {WEEKDAYS.map((d) => {
        const current = byDay.get(d);
        return (
          <div key={d}>
            <dt>{t(`hub.weekday.${d}`)}</dt>
            <dd>{current ? `${current.opensAt}–${current.closesAt}` : t('hub.closed')}</dd>
          </div>
        );
      })}
    </dl>
  );
}

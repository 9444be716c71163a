import { useT } from '~/i18n/use-t.ts';
import { type OccupancyDay, utilisation } from '~/lib/occupancy.ts';

const WIDTH = 640;
const ROW = 28;
const LABEL = 110;
const BAR = WIDTH - LABEL - 70;

/**
 * A horizontal bar chart of one space's utilisation by weekday, drawn on the
 * server as SVG (no script, no chart library). It is an image with a name
 * and a description for screen readers; the table below it carries the
 * same figures for everyone who prefers numbers.
 */
export function OccupancyChart({
  id,
  title,
  space,
  days,
}: {
  id: string;
  title: string;
  space: string;
  days: OccupancyDay[];
}) {
  const { t } = useT();
  const height = days.length * ROW + 8;
  const name = t('occupancy.chartTitle', { space });
  const summary = days
    .map((d) => {
      const pct = utilisation(d);
      return `${t(`hub.weekday.${d.weekday}` as 'hub.weekday.1')}: ${pct === null ? t('occupancy.closed') : `${pct} %`}`;
    })
    .join('; ');
  return (
    <figure className="occupancy-chart">
      <figcaption id={`${id}-caption`}>{title}</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        width="100%"
        role="img"
        aria-label={name}
        aria-describedby={`${id}-desc`}
        focusable="false"
      >
        <title>{name}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        {days.map((d, i) => {
          const pct = utilisation(d);
          const y = i * ROW + 4;
          return (
            <g key={d.weekday} aria-hidden="true">
              <text x={LABEL - 8} y={y + 17} textAnchor="end" className="occupancy-chart__label">
                {t(`hub.weekday.${d.weekday}` as 'hub.weekday.1')}
              </text>
              <rect x={LABEL} y={y + 2} width={BAR} height={ROW - 8} className="occupancy-chart__track" />
              {pct ? (
                <rect
                  x={LABEL}
                  y={y + 2}
                  width={(BAR * Math.min(pct, 100)) / 100}
                  height={ROW - 8}
                  className="occupancy-chart__bar"
                />
              ) : null}
              <text x={LABEL + BAR + 8} y={y + 17} className="occupancy-chart__value">
                {pct === null ? t('occupancy.closed') : `${pct} %`}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

import { DISPLAY_TIME_ZONE, type Translator } from '../i18n/index.ts';

/** The audit filters as they travel in the page's URL (a GET form: filtering changes nothing). */
export interface AuditFilters {
  /** Cross-town views only: one town's slug. */
  town: string;
  action: string;
  actor: string;
  from: string;
  to: string;
  /** Only entries that change something; on unless the form was sent without it (or the URL says `all=1`). */
  changesOnly: boolean;
}

export function auditFiltersFrom(url: URL): AuditFilters {
  const get = (name: string) => (url.searchParams.get(name) ?? '').trim().slice(0, 254);
  // A sent form (`f=1`) without the box ticked means "everything"; a plain link keeps the default.
  const changesOnly = get('all') !== '1' && !(get('f') === '1' && get('changes') !== '1');
  return {
    town: get('town'),
    action: get('action'),
    actor: get('actor'),
    from: get('from'),
    to: get('to'),
    changesOnly,
  };
}

/** The filters as a query string (for the CSV link and the next page); the default view is the empty string. */
export function auditQuery(filters: AuditFilters): string {
  const params = new URLSearchParams();
  const { changesOnly, ...texts } = filters;
  for (const [key, value] of Object.entries(texts)) if (value) params.set(key, value);
  if (!changesOnly) params.set('all', '1');
  return params.toString();
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Milliseconds the zone is ahead of UTC at `instant`. */
function zoneOffset(instant: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: DISPLAY_TIME_ZONE,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - instant;
}

/**
 * Midnight of a calendar day in Europe/Berlin as an ISO instant; `plusDays`
 * moves to a later day (the end of a range is the start of the day after).
 * A value that is no real date becomes the invalid string itself, which the
 * API answers with a field error.
 */
export function berlinMidnight(day: string, plusDays = 0): string {
  const match = DAY.exec(day);
  if (!match) return day;
  const utc = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + plusDays);
  if (Number.isNaN(utc)) return day;
  // The offset at midnight itself (twice: the guess may sit across a DST change).
  const first = utc - zoneOffset(utc);
  return new Date(utc - zoneOffset(first)).toISOString();
}

/** The cross-town view's input: the same filters, plus one town. */
export function auditAcrossInput(filters: AuditFilters) {
  return { ...(filters.town ? { tenant: filters.town } : {}), ...auditInput(filters) };
}

/** The API's filter input for these URL filters. */
export function auditInput(filters: AuditFilters) {
  return {
    ...(filters.action ? { action: filters.action } : {}),
    ...(filters.changesOnly ? { changesOnly: true } : {}),
    ...(filters.actor ? { actorEmail: filters.actor } : {}),
    ...(filters.from ? { from: berlinMidnight(filters.from) } : {}),
    ...(filters.to ? { to: berlinMidnight(filters.to, 1) } : {}),
  };
}

/**
 * One CSV cell: quoted, quotes doubled, and a leading = + - @ (or tab/CR)
 * neutralised so that a spreadsheet never runs it as a formula (CSV injection).
 */
export function csvCell(value: string | null | undefined): string {
  let text = value ?? '';
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replaceAll('"', '""')}"`;
}

export function csvRow(values: Array<string | null | undefined>): string {
  // Semicolons: what German spreadsheet software expects by default.
  return values.map(csvCell).join(';');
}

/** An audit entry as the CSV exports need it (town and cross-town views). */
export interface AuditCsvEntry {
  createdAt: string;
  action: string;
  actor: { name: string; email: string } | null;
  targetType: string | null;
  targetId: string | null;
  reason: string | null;
  data?: unknown;
  requestId: string | null;
  supportSession: { id: string; reason: string } | null;
  town?: { slug: string; name: string } | null;
}

export function auditCsvHeader(tr: Translator, withTown: boolean): string {
  const { t } = tr;
  return csvRow([
    t('audit.csv.time'),
    ...(withTown ? [t('audit.csv.town')] : []),
    t('audit.csv.action'),
    t('audit.csv.actionText'),
    t('audit.csv.actorName'),
    t('audit.csv.actorEmail'),
    t('audit.csv.targetType'),
    t('audit.csv.targetId'),
    t('audit.csv.reason'),
    t('audit.csv.supportSession'),
    t('audit.csv.supportReason'),
    t('audit.csv.data'),
    t('audit.csv.requestId'),
  ]);
}

export function auditCsvLine(tr: Translator, e: AuditCsvEntry, withTown: boolean): string {
  return csvRow([
    e.createdAt,
    ...(withTown ? [e.town?.slug ?? ''] : []),
    e.action,
    tr.tOr(`auditActions.${e.action}`, e.action),
    e.actor?.name,
    e.actor?.email,
    e.targetType,
    e.targetId,
    e.reason,
    e.supportSession?.id,
    e.supportSession?.reason,
    e.data === null || e.data === undefined ? '' : JSON.stringify(e.data),
    e.requestId,
  ]);
}

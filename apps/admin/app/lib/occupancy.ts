/** Figures of the occupancy view, shared by the chart, the table and the CSV. */
export interface OccupancyDay {
  weekday: number;
  bookableMinutes: number;
  bookedMinutes: number;
}

/** Whole percent booked, or null where nothing was bookable (closed). */
export function utilisation(day: Pick<OccupancyDay, 'bookableMinutes' | 'bookedMinutes'>): number | null {
  if (day.bookableMinutes === 0) return null;
  return Math.round((day.bookedMinutes / day.bookableMinutes) * 100);
}

export const hours = (minutes: number) => Math.round((minutes / 60) * 10) / 10;

/**
 * One CSV cell. Quoted always; a leading =, +, -, @ (or tab/CR) is
 * defused with an apostrophe so a space name cannot become a spreadsheet
 * formula when the file is opened in Excel or LibreOffice.
 */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replaceAll('"', '""')}"`;
}

/**
 * German spreadsheets expect `;` between cells and a decimal comma; English
 * ones `,` and a decimal point. The BOM makes Excel read UTF-8 (umlauts).
 */
export function toCsv(rows: Array<Array<string | number>>, lang: 'de' | 'en'): string {
  const separator = lang === 'de' ? ';' : ',';
  const format = (v: string | number) => (typeof v === 'number' && lang === 'de' ? String(v).replace('.', ',') : v);
  return `\uFEFF${rows.map((row) => row.map((v) => csvCell(format(v))).join(separator)).join('\r\n')}\r\n`;
}

export const WEEK_CHOICES = [4, 8, 12, 26] as const;
/** The period from the URL (?weeks=); anything else falls back to 8 weeks. */
export function weeksParam(request: Request): number {
  const value = Number(new URL(request.url).searchParams.get('weeks'));
  return (WEEK_CHOICES as readonly number[]).includes(value) ? value : 8;
}

/**
 * A hub's exceptions to its weekly hours, as availability and booking read
 * them: a date is either closed all day (closing day, public holiday) or open
 * only for its special hours (e.g. 10:00–14:00 on Christmas Eve), which
 * replace the weekly hours of that date.
 */
export interface ExceptionRow {
  date: string;
  opensAt: number | null;
  closesAt: number | null;
}

export interface Exceptions {
  closed: Set<string>;
  /** Local date → [opensAt, closesAt) in minutes after local midnight. */
  special: Map<string, [number, number]>;
}

export function exceptionsOf(rows: readonly ExceptionRow[]): Exceptions {
  const closed = new Set<string>();
  const special = new Map<string, [number, number]>();
  for (const row of rows) {
    if (row.opensAt === null || row.closesAt === null) closed.add(row.date);
    else special.set(row.date, [row.opensAt, row.closesAt]);
  }
  return { closed, special };
}

/** A Prisma row (date as a UTC-midnight Date) → an ExceptionRow. */
export const exceptionRowOf = (e: { date: Date; opensAt: number | null; closesAt: number | null }): ExceptionRow => ({
  date: e.date.toISOString().slice(0, 10),
  opensAt: e.opensAt,
  closesAt: e.closesAt,
});

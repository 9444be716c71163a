/**
 * CSV files the provider uploads (the municipality register, bulk
 * onboarding), read with csv-parse: a header line names the columns (any
 * letter case), values are trimmed, empty lines skipped, a BOM ignored.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { DomainError } from './errors.ts';
import { PROTOTYPE_KEYS } from './schemas.ts';

/** Records of a CSV file as objects by header name, each with its line number (csv-parse). */
export function readCsv(text: string): Array<{ line: number; record: Record<string, string> }> {
  try {
    const records = parse(text, {
      bom: true,
      // A header such as "__proto__" would reach the record's prototype: it names no column of ours anyway.
      columns: (header: string[]) => header.map((h) => (PROTOTYPE_KEYS.has(h.trim()) ? false : h.trim().toLowerCase())),
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as Array<{ record: Record<string, string>; info: { lines: number } }>;
    return records.map((r) => ({
      line: r.info.lines,
      record: r.record,
    }));
  } catch (error) {
    if (error instanceof CsvError)
      throw new DomainError(
        'BAD_REQUEST',
        'errors.csv.unreadable',
        { csv: ['errors.csv.unreadable'] },
        { line: String((error as CsvError & { lines?: number }).lines ?? 0) },
      );
    throw error;
  }
}

/** The columns of `names` missing from the first record, as a refusal naming them. */
export function requireColumns(first: Record<string, string>, names: readonly string[]): void {
  const missing = names.filter((c) => !(c in first));
  if (missing.length > 0)
    throw new DomainError(
      'BAD_REQUEST',
      'errors.csv.missingColumns',
      { csv: ['errors.csv.missingColumns'] },
      { columns: missing.join(', ') },
    );
}

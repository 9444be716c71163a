/**
 * The file of towns for bulk onboarding: one town per line, with the
 * columns ags, hub_name, admin_email, partner (an IT partner's name or id,
 * may be empty) and optionally name (the town's name; else the register's).
 * Only the file's shape is checked here; each row is checked (against the
 * register, too) when the job onboards it, and refused on its own.
 */
import { readCsv, requireColumns } from '../../csv.ts';
import { DomainError } from '../../errors.ts';

export const BULK_COLUMNS = ['ags', 'hub_name', 'admin_email', 'partner'] as const;
/** The whole country fits in one file. */
export const MAX_BULK_ROWS = 12_000;
/** Longer values are refused per row anyway; this keeps a hostile file from filling the table. */
const MAX_VALUE_CHARS = 500;

export interface BulkFileRow {
  line: number;
  ags: string;
  name: string;
  hubName: string;
  adminEmail: string;
  partner: string;
}

export function parseBulkFile(text: string): BulkFileRow[] {
  const records = readCsv(text);
  const first = records[0];
  if (!first) throw new DomainError('BAD_REQUEST', 'errors.bulk.empty', { csv: ['errors.bulk.empty'] });
  requireColumns(first.record, BULK_COLUMNS);
  if (records.length > MAX_BULK_ROWS)
    throw new DomainError('BAD_REQUEST', 'errors.bulk.tooManyRows', { csv: ['errors.bulk.tooManyRows'] });
  const value = (record: Record<string, string>, column: string) => (record[column] ?? '').slice(0, MAX_VALUE_CHARS);
  return records.map(({ line, record }) => ({
    line,
    ags: value(record, 'ags'),
    name: value(record, 'name'),
    hubName: value(record, 'hub_name'),
    adminEmail: value(record, 'admin_email'),
    partner: value(record, 'partner'),
  }));
}

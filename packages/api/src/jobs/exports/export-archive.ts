/**
 * The ZIP of a town's data export, written as a stream (fflate): each table
 * goes in page by page, as JSON (every field, nested values intact) and —
 * for tabular data — as CSV for the spreadsheet a data-protection officer
 * opens. Nothing here knows the database; `export-tables.ts` feeds the rows.
 */
import { Zip, ZipDeflate, strToU8 } from 'fflate';

export type Cell = string | number | boolean | null | undefined | Date | readonly string[] | Record<string, unknown>;
export type ExportRow = Record<string, Cell>;

/** One table of the archive: JSON always, CSV when `csv` is set. */
export interface ArchiveTable {
  file: string;
  columns: readonly string[];
  csv: boolean;
}

/** Semicolon-separated, quoted where needed, formula-leading cells defused: opens cleanly in German spreadsheet software. */
export function csvLine(values: readonly Cell[]): string {
  return values
    .map((value) => {
      let text =
        value === null || value === undefined
          ? ''
          : value instanceof Date
            ? value.toISOString()
            : typeof value === 'object'
              ? Array.isArray(value)
                ? value.join(', ')
                : JSON.stringify(value)
              : String(value);
      // A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
      if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
      return /[";\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
    })
    .join(';');
}

const jsonValue = (value: Cell) => (value instanceof Date ? value.toISOString() : value === undefined ? null : value);

export interface ArchiveWriter {
  /** Starts a table; returns a sink for its rows, page by page. */
  table(spec: ArchiveTable): { rows(rows: readonly ExportRow[]): void; end(): number };
  /** A small file written at once (README, manifest, a single record). */
  file(name: string, content: string): void;
  /** Ends the archive; resolves with its bytes. */
  finish(): Promise<Buffer>;
}

export function createArchiveWriter(): ArchiveWriter {
  const chunks: Uint8Array[] = [];
  let failed: Error | null = null;
  let resolveDone: (value: Buffer) => void = () => undefined;
  let rejectDone: (error: Error) => void = () => undefined;
  const done = new Promise<Buffer>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  const zip = new Zip((error, chunk, final) => {
    if (error) {
      failed = error;
      rejectDone(error);
      return;
    }
    chunks.push(chunk);
    if (final) resolveDone(Buffer.concat(chunks));
  });
  const open = (name: string) => {
    const entry = new ZipDeflate(name, { level: 6 });
    zip.add(entry);
    return entry;
  };

  return {
    table(spec) {
      const json = open(`${spec.file}.json`);
      const csv = spec.csv ? open(`${spec.file}.csv`) : null;
      json.push(strToU8('['), false);
      // UTF-8 BOM: spreadsheet software then reads umlauts correctly.
      csv?.push(strToU8(`\uFEFF${csvLine(spec.columns)}\r\n`), false);
      let count = 0;
      return {
        rows(rows) {
          if (rows.length === 0) return;
          const objects = rows.map((row) =>
            JSON.stringify(Object.fromEntries(spec.columns.map((c) => [c, jsonValue(row[c])])), null, 2),
          );
          json.push(strToU8(`${count === 0 ? '\n' : ',\n'}${objects.join(',\n')}`), false);
          csv?.push(strToU8(rows.map((row) => `${csvLine(spec.columns.map((c) => row[c]))}\r\n`).join('')), false);
          count += rows.length;
        },
        end() {
          json.push(strToU8(count === 0 ? ']\n' : '\n]\n'), true);
          csv?.push(new Uint8Array(0), true);
          return count;
        },
      };
    },
    file(name, content) {
      open(name).push(strToU8(content), true);
    },
    finish() {
      if (failed) return Promise.reject(failed);
      zip.end();
      return done;
    },
  };
}

/**
 * Reads a municipality register in the columns of Destatis' extract
 * (ags, name, land, kreis, population, plz; others such as ars, area_km2,
 * lon, lat are ignored). The whole file is checked before anything is
 * written: the first problem is reported with its line and column, and an
 * import either takes every row or none (docs/decisions/034).
 */
import { isBundeslandCode } from '@hubwerk/domain';
import { readCsv, requireColumns } from '../csv.ts';
import { DomainError } from '../errors.ts';

export interface RegisterRow {
  ags: string;
  name: string;
  land: string;
  kreis: string | null;
  postalCode: string | null;
  population: number | null;
}

/** Germany has about 11,000 municipalities; anything far beyond is not a register. */
export const MAX_REGISTER_ROWS = 50_000;
export const REQUIRED_COLUMNS = ['ags', 'name', 'land', 'kreis', 'population', 'plz'] as const;

type Problem = { line: number; column: string; key: string };

const problem = (p: Problem) =>
  new DomainError(
    'BAD_REQUEST',
    'errors.register.invalidRow',
    { csv: [p.key] },
    { line: String(p.line), column: p.column },
  );

export function parseRegister(text: string): RegisterRow[] {
  const records = readCsv(text);
  const first = records[0];
  if (!first) throw new DomainError('BAD_REQUEST', 'errors.register.empty', { csv: ['errors.register.empty'] });
  requireColumns(first.record, REQUIRED_COLUMNS);
  if (records.length > MAX_REGISTER_ROWS)
    throw new DomainError('BAD_REQUEST', 'errors.register.tooManyRows', { csv: ['errors.register.tooManyRows'] });

  const seen = new Set<string>();
  return records.map(({ line, record }) => {
    const at = (column: string, key: string) => problem({ line, column, key });
    const ags = record.ags ?? '';
    if (!/^\d{8}$/.test(ags)) throw at('ags', 'validation.ags.format');
    if (seen.has(ags)) throw at('ags', 'errors.register.duplicateAgs');
    seen.add(ags);
    const land = record.land ?? '';
    if (!isBundeslandCode(land)) throw at('land', 'validation.bundesland');
    if (ags.slice(0, 2) !== land) throw at('land', 'validation.ags.mismatch');
    const name = record.name ?? '';
    if (name === '' || name.length > 200) throw at('name', name === '' ? 'validation.required' : 'validation.tooLong');
    const kreis = record.kreis ?? '';
    if (kreis.length > 200) throw at('kreis', 'validation.tooLong');
    const plz = record.plz ?? '';
    if (plz !== '' && !/^\d{5}$/.test(plz)) throw at('plz', 'validation.postalCode');
    const population = record.population ?? '';
    if (population !== '' && !/^\d{1,9}$/.test(population)) throw at('population', 'validation.invalid');
    return {
      ags,
      name,
      land,
      kreis: kreis === '' ? null : kreis,
      postalCode: plz === '' ? null : plz,
      population: population === '' ? null : Number(population),
    };
  });
}

/**
 * The official municipality register (docs/decisions/034): imported as a
 * whole by the provider, searched by onboarding, consulted for every AGS a
 * town is onboarded with.
 */
import type { AppClient, PlatformClient, PlatformTx, Prisma } from '@hubwerk/db';
import { parseRegister, type RegisterRow } from './register-file.ts';

/** Rows per INSERT: a few statements for the whole country, each well below PostgreSQL's parameter limits. */
const INSERT_BATCH = 4_000;

export interface RegisterInfo {
  effectiveDate: string;
  source: string;
  rowCount: number;
  importedAt: string;
}

export interface ImportRequest {
  csv: string;
  effectiveDate: string;
  source: string;
  actorUserId: string | null;
  requestId: string | null;
}

/** The register in force (the newest import), or null when none was ever imported. */
export async function currentRegister(db: PlatformTx | AppClient): Promise<RegisterInfo | null> {
  // The app client's model API is the platform transaction's, extended with the scope: the same call on both.
  const row = await (db as PlatformTx).municipalityRegisterImport.findFirst({
    orderBy: [{ importedAt: 'desc' }, { id: 'desc' }],
    select: { effectiveDate: true, source: true, rowCount: true, importedAt: true },
  });
  return row
    ? {
        effectiveDate: row.effectiveDate.toISOString().slice(0, 10),
        source: row.source,
        rowCount: row.rowCount,
        importedAt: row.importedAt.toISOString(),
      }
    : null;
}

/**
 * Validates the whole file, then replaces the register in one audited
 * transaction: a failed import leaves the previous register as it was.
 */
export async function importRegister(platform: PlatformClient, request: ImportRequest): Promise<RegisterInfo> {
  const rows = parseRegister(request.csv);
  const effectiveDate = new Date(`${request.effectiveDate}T00:00:00Z`);
  const created = await platform.run(
    async (tx) => {
      // Two imports at once take turns (the second replaces the first's register); searches read on meanwhile.
      await tx.$executeRaw`LOCK TABLE "Municipality" IN SHARE ROW EXCLUSIVE MODE`;
      await tx.$executeRaw`DELETE FROM "Municipality"`;
      for (let start = 0; start < rows.length; start += INSERT_BATCH)
        await insertBatch(tx, rows.slice(start, start + INSERT_BATCH));
      return tx.municipalityRegisterImport.create({
        data: {
          effectiveDate,
          source: request.source,
          rowCount: rows.length,
          importedById: request.actorUserId,
        },
        select: { id: true, effectiveDate: true, source: true, rowCount: true, importedAt: true },
      });
    },
    (r) => ({
      action: 'register.imported',
      actorUserId: request.actorUserId,
      targetType: 'MunicipalityRegister',
      targetId: r.id,
      requestId: request.requestId,
      data: { effectiveDate: request.effectiveDate, source: request.source, rowCount: r.rowCount },
    }),
    // The whole country in one transaction: more than the default 15 s on a slow disk must not abort it.
    { timeout: 120_000 },
  );
  return {
    effectiveDate: created.effectiveDate.toISOString().slice(0, 10),
    source: created.source,
    rowCount: created.rowCount,
    importedAt: created.importedAt.toISOString(),
  };
}

function insertBatch(tx: PlatformTx, rows: RegisterRow[]) {
  // One statement per batch: the columns as arrays, unnested into rows on the server.
  return tx.$executeRaw`
    INSERT INTO "Municipality" (ags, name, land, kreis, "postalCode", population)
    SELECT * FROM unnest(
      ${rows.map((r) => r.ags)}::text[], ${rows.map((r) => r.name)}::text[], ${rows.map((r) => r.land)}::text[],
      ${rows.map((r) => r.kreis)}::text[], ${rows.map((r) => r.postalCode)}::text[], ${rows.map((r) => r.population)}::int[])`;
}

export interface Municipality {
  ags: string;
  name: string;
  land: string;
  kreis: string | null;
  postalCode: string | null;
  population: number | null;
}

const municipalitySelect = {
  ags: true,
  name: true,
  land: true,
  kreis: true,
  postalCode: true,
  population: true,
} satisfies Prisma.MunicipalitySelect;

/** One municipality by its key, or null (not in the register, or no register). */
export function findMunicipality(db: Pick<PlatformTx, 'municipality'>, ags: string): Promise<Municipality | null> {
  return db.municipality.findUnique({ where: { ags }, select: municipalitySelect });
}

export const SEARCH_LIMIT = 20;

/**
 * Search by key (a full AGS, or its first digits), postal code (5 digits, or
 * its first digits) or name (any part, any letter case). Larger
 * municipalities first: the one meant is usually the bigger of equal names.
 */
export function searchRegister(db: AppClient, query: string): Promise<Municipality[]> {
  const q = query.trim();
  const where: Prisma.MunicipalityWhereInput = /^\d+$/.test(q)
    ? { OR: [{ ags: { startsWith: q } }, { postalCode: { startsWith: q } }] }
    : { name: { contains: q, mode: 'insensitive' } };
  return db.municipality.findMany({
    where,
    select: municipalitySelect,
    orderBy: [{ population: { sort: 'desc', nulls: 'last' } }, { ags: 'asc' }],
    take: SEARCH_LIMIT,
  });
}

/** Strips Destatis' suffix from a name ("Einbeck, Stadt" → "Einbeck"): how a town calls itself. */
export function townName(registerName: string): string {
  return registerName.split(',')[0]!.trim();
}

/**
 * The job that writes a town's data export (docs/decisions/016, ADR 032):
 * queued by the request, run by whichever API process fetches it, in the
 * town's database scope (the app client under RLS — never the platform
 * client). Progress goes to the export row page by page, so the admin page
 * can show it. A worker that dies stops beating its job's heartbeat; the
 * queue hands the job to another worker, which starts the export again.
 */
import { type AppClient, runInScope } from '@hubwerk/db';
import type { Logger } from 'pino';
import { createArchiveWriter } from './export-archive.ts';
import { EXPORT_TABLES, PAGE_SIZE, townRecord } from './export-tables.ts';

/** How long a finished archive may be downloaded. */
export const EXPORT_TTL_HOURS = 24;
/** A job that has not moved for this long will not finish (its retries ran out, or the queue is not worked). */
export const STALE_AFTER_MS = 10 * 60_000;

/** A job's data: the town it runs in, the export row and who asked. */
export interface ExportJob {
  tenantId: string;
  exportId: string;
  userId: string;
}

/** Runs one attempt of the export in the town's scope; throws when it fails (the queue retries it). */
export function runExportJob(db: AppClient, job: ExportJob): Promise<void> {
  return runInScope({ tenantId: job.tenantId, userId: job.userId }, () => runExport(db, job));
}

/** The last attempt failed, or the job ran out of retries: the export says so instead of staying RUNNING. */
export async function markExportFailed(db: AppClient, logger: Logger, job: ExportJob, error: unknown): Promise<void> {
  logger.error({ err: error, exportId: job.exportId, tenantId: job.tenantId }, 'data export failed');
  await runInScope({ tenantId: job.tenantId, userId: job.userId }, () =>
    db.tenantExport.updateMany({
      where: { tenantId: job.tenantId, id: job.exportId, status: { in: ['QUEUED', 'RUNNING'] } },
      data: { status: 'FAILED', errorKey: 'errors.export.failed', step: null },
    }),
  );
}

async function runExport(db: AppClient, job: ExportJob): Promise<void> {
  const where = { tenantId: job.tenantId, id: job.exportId };
  let lastPercent = -1;
  const progress = async (percent: number, step: string) => {
    if (percent === lastPercent) return;
    lastPercent = percent;
    await db.tenantExport.updateMany({ where, data: { status: 'RUNNING', progress: percent, step } });
  };

  // Taken only while queued or running: a retry of an export that finished (or failed for good) does nothing.
  const { count } = await db.tenantExport.updateMany({
    where: { ...where, status: { in: ['QUEUED', 'RUNNING'] } },
    data: { status: 'RUNNING', progress: 1, step: 'counting' },
  });
  if (count === 0) {
    const row = await db.tenantExport.findFirst({ where, select: { status: true } });
    // Not visible yet: the request's transaction may not have committed; the queue retries the job shortly.
    if (!row) throw new Error(`export ${job.exportId} not found in its town`);
    return;
  }
  lastPercent = 1;
  const counts = await Promise.all(EXPORT_TABLES.map((t) => t.count(db, job.tenantId)));
  const total = counts.reduce((a, b) => a + b, 0) || 1;
  const startedAt = new Date();
  const zip = createArchiveWriter();

  const { town, billing } = await townRecord(db, job.tenantId);
  zip.file('town.json', `${JSON.stringify(town, null, 2)}\n`);
  zip.file('billing.json', `${JSON.stringify(billing, null, 2)}\n`);

  let written = 0;
  const files: Array<{ file: string; rows: number }> = [];
  for (const table of EXPORT_TABLES) {
    const sink = zip.table({ file: table.file, columns: table.columns, csv: true });
    let cursor: string | null = null;
    for (;;) {
      const rows = await table.page(db, job.tenantId, cursor);
      sink.rows(rows);
      written += rows.length;
      // 2–95 % for the rows; the last steps (packing, storing) take the rest.
      await progress(2 + Math.min(93, Math.floor((written / total) * 93)), table.file);
      const last = rows.at(-1);
      if (!last || rows.length < PAGE_SIZE) break;
      cursor = last.id;
    }
    files.push({ file: table.file, rows: sink.end() });
  }

  zip.file(
    'manifest.json',
    `${JSON.stringify({ format: 'hubwerk-town-export', version: 1, town: { id: town.id, slug: town.slug, name: town.name }, requestedByUserId: job.userId, startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), files: [{ file: 'town.json', rows: 1 }, { file: 'billing.json', rows: billing ? 1 : 0 }, ...files.map((f) => ({ file: `${f.file}.json`, csv: `${f.file}.csv`, rows: f.rows }))] }, null, 2)}\n`,
  );
  zip.file('LIESMICH.txt', readme(town.name, startedAt));
  await progress(97, 'packing');
  const archive = await zip.finish();
  const finishedAt = new Date();
  await db.tenantExport.updateMany({
    where,
    data: {
      status: 'READY',
      progress: 100,
      step: null,
      archive: new Uint8Array(archive),
      sizeBytes: archive.length,
      finishedAt,
      expiresAt: new Date(finishedAt.getTime() + EXPORT_TTL_HOURS * 3_600_000),
    },
  });
}

function readme(townName: string, at: Date): string {
  return [
    `Datenexport der Kommune ${townName} (Hubwerk)`,
    `Erstellt: ${at.toISOString()}`,
    '',
    'Inhalt: town.json (Kommune), billing.json (Abrechnungsdaten), je Tabelle eine JSON- und eine CSV-Datei',
    '(Semikolon-getrennt, UTF-8): Hubs, Räume, Fotos der Räume (Beschreibung, Größe, Prüfsumme), Arbeitsplätze,',
    'Öffnungszeiten, Schließtage, Buchungen, Mitglieder, Hub-Zuordnungen, Einladungen und das Protokoll (Audit-Log).',
    'manifest.json nennt die Zeilenzahlen.',
    '',
    'Nicht enthalten: Passwort-Hashes, Sitzungen, Einladungs- und Rücksetz-Token sowie Stripe-Kennungen.',
    'Die Bilddateien der Fotos sind nicht im Archiv (nur ihre Angaben in space-photos.*); jedes Foto lässt sich',
    'in Hubwerk auf der Fotoseite des Raums in voller Größe öffnen und speichern.',
    'Die Tabellen werden nacheinander gelesen; Änderungen während des Exports können in späteren Tabellen schon enthalten sein.',
    '',
  ].join('\r\n');
}

/**
 * The worker that writes a town's data export (docs/decisions/016): it runs
 * in the API process, after the request that queued the job has answered,
 * one export at a time per process, in the town's database scope (the app
 * client under RLS — never the platform client). Progress goes to the job
 * row page by page, so the admin page can show it.
 */
import { type AppClient, runInScope } from '@hubwerk/db';
import type { Logger } from 'pino';
import { createArchiveWriter } from './export-archive.ts';
import { EXPORT_TABLES, PAGE_SIZE, townRecord } from './export-tables.ts';

/** How long a finished archive may be downloaded. */
export const EXPORT_TTL_HOURS = 24;
/** A job that has not moved for this long died with its process. */
export const STALE_AFTER_MS = 10 * 60_000;

export interface ExportJob {
  tenantId: string;
  exportId: string;
  userId: string;
}

// One queue per app client (= per API process, or per test API): exports are
// heavy reads, so they run one after the other instead of crowding the pool.
const queues = new WeakMap<AppClient, Promise<void>>();

/** Queues the job; the returned promise settles when it has run (tests may await it, requests do not). */
export function scheduleExport(db: AppClient, logger: Logger, job: ExportJob): Promise<void> {
  const previous = queues.get(db) ?? Promise.resolve();
  const next = previous.then(() =>
    runInScope({ tenantId: job.tenantId, userId: job.userId }, () => runExport(db, job)).catch(
      async (error: unknown) => {
        logger.error({ err: error, exportId: job.exportId, tenantId: job.tenantId }, 'data export failed');
        await runInScope({ tenantId: job.tenantId, userId: job.userId }, () =>
          db.tenantExport.updateMany({
            where: { tenantId: job.tenantId, id: job.exportId },
            data: { status: 'FAILED', errorKey: 'errors.export.failed', step: null },
          }),
        ).catch(() => undefined);
      },
    ),
  );
  queues.set(db, next);
  return next;
}

async function runExport(db: AppClient, job: ExportJob): Promise<void> {
  const where = { tenantId: job.tenantId, id: job.exportId };
  let lastPercent = -1;
  const progress = async (percent: number, step: string) => {
    if (percent === lastPercent) return;
    lastPercent = percent;
    await db.tenantExport.updateMany({ where, data: { status: 'RUNNING', progress: percent, step } });
  };

  await progress(1, 'counting');
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

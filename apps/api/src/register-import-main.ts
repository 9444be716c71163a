/**
 * Imports the official municipality register (docs/decisions/034, docs/operations.md):
 *
 *   npm run register:import -- <file.csv> --date 2019-12-31 [--source "…"]
 *   node dist/register-import.js <file.csv> --date 2019-12-31   (in the API image)
 *
 * The file has the columns of Destatis' extract; --date is its territorial
 * status (Gebietsstand). Reads only PLATFORM_DATABASE_URL. The whole file is
 * checked first; the register is then replaced in one audited transaction,
 * so a refused file leaves the previous register in force. Exits 0 on
 * success, 1 on a refused file or a failure, 2 on wrong usage.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DomainError, importRegister, isoDate } from '@hubwerk/api';
import { createPlatformClient } from '@hubwerk/db';
import { z } from 'zod';

const DEFAULT_SOURCE = 'Statistisches Bundesamt (Destatis), Gemeindeverzeichnis';
const log = (level: 'info' | 'error', msg: string, fields: Record<string, unknown> = {}) =>
  (level === 'error' ? console.error : console.log)(
    JSON.stringify({ level, service: 'hubwerk-register-import', msg, ...fields }),
  );

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { date: { type: 'string' }, source: { type: 'string', default: DEFAULT_SOURCE } },
});
const file = positionals[0];
const date = isoDate.safeParse(values.date);
const env = z.object({ PLATFORM_DATABASE_URL: z.url() }).safeParse(process.env);
if (!file || !date.success || !env.success) {
  log('error', 'usage: register:import <file.csv> --date YYYY-MM-DD [--source "…"] (needs PLATFORM_DATABASE_URL)');
  process.exit(2);
}

const platform = createPlatformClient({ url: env.data.PLATFORM_DATABASE_URL, poolSize: 1 });
try {
  const started = process.hrtime.bigint();
  const csv = readFileSync(file, 'utf8');
  log('info', `read ${file} (${csv.length} characters), importing`);
  const result = await importRegister(platform, {
    csv,
    effectiveDate: date.data,
    source: values.source ?? DEFAULT_SOURCE,
    actorUserId: null,
    requestId: null,
  });
  const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
  log('info', `imported ${result.rowCount} municipalities (Gebietsstand ${result.effectiveDate}) in ${ms} ms`, {
    ...result,
    ms,
  });
} catch (error) {
  if (error instanceof DomainError)
    log('error', 'the file was refused; the register in force is unchanged', {
      messageKey: error.messageKey,
      fieldErrors: error.fieldErrors,
      params: error.params,
    });
  else log('error', (error as Error).message);
  process.exitCode = 1;
} finally {
  await platform.close();
}

// @ts-check
/**
 * The one-shot mode: `schema-engine --datasource '{"url":…}' cli <command>`.
 * Success is exit code 0. Failure is exit code 1 plus an error line on
 * stderr that the CLI picks out by its target and turns into
 * "<error_code>: <message>".
 */
import { canConnect, createDatabase, dropDatabase } from './databases.mjs';
import { log } from './log.mjs';

/** The log target the CLI reads errors from (see log.mjs). */
const ERROR_TARGET = 'schema_engine::logger';

/**
 * @param {string} command
 * @param {import('./args.mjs').Datasource} datasource
 * @returns {Promise<number>} the exit code
 */
export async function runCliCommand(command, datasource) {
  try {
    const { url } = datasource;
    if (url === undefined) throw new Error('cli commands need --datasource with a url');
    switch (command) {
      case 'can-connect-to-database':
        await canConnect(url);
        break;
      case 'create-database':
        log('INFO', `Database '${await createDatabase(url)}' was successfully created.`);
        break;
      case 'drop-database':
        await dropDatabase(url);
        log('INFO', 'The database was successfully dropped.');
        break;
      default:
        throw new Error(`unknown cli command: ${command}`);
    }
    return 0;
  } catch (error) {
    const { message, code } = /** @type {{ message?: unknown, code?: unknown }} */ (error ?? {});
    log(
      'ERROR',
      typeof message === 'string' ? message : String(error),
      typeof code === 'string' && /^P\d{4}$/.test(code) ? { error_code: code } : {},
      ERROR_TARGET,
    );
    return 1;
  }
}

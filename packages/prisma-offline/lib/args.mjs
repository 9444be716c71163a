// @ts-check
/**
 * The command line the Prisma CLI gives its schema engine (7.x):
 *
 *   schema-engine --version
 *   schema-engine --datasource '{"url":…}' cli can-connect-to-database|create-database|drop-database
 *   schema-engine [--datamodels <file>]… [--datasource '{"url":…,"shadowDatabaseUrl":…}']
 *                 [--enabled-preview-features a,b] [--extension-types '{…}']     (RPC on stdin/stdout)
 */

/**
 * @typedef {object} Datasource
 * @property {string} [url]
 * @property {string} [shadowDatabaseUrl]
 */

/**
 * @typedef {object} EngineArgs
 * @property {boolean} version
 * @property {string | undefined} cliCommand   set for `cli <command>`
 * @property {string[]} datamodelPaths
 * @property {Datasource} datasource
 * @property {string[]} previewFeatures
 * @property {string[]} ignored                 flags we accept but do not use
 */

export class UsageError extends Error {
  /** @override */
  name = 'UsageError';
}

/**
 * @param {string} json
 * @returns {Datasource}
 */
function parseDatasource(json) {
  /** @type {unknown} */
  let value;
  try {
    value = JSON.parse(json);
  } catch {
    throw new UsageError('--datasource must be a JSON object like {"url":"postgresql://…"}');
  }
  if (value === null || typeof value !== 'object') {
    throw new UsageError('--datasource must be a JSON object like {"url":"postgresql://…"}');
  }
  const { url, shadowDatabaseUrl } = /** @type {Record<string, unknown>} */ (value);
  /** @type {Datasource} */
  const datasource = {};
  if (typeof url === 'string' && url !== '') datasource.url = url;
  if (typeof shadowDatabaseUrl === 'string' && shadowDatabaseUrl !== '')
    datasource.shadowDatabaseUrl = shadowDatabaseUrl;
  return datasource;
}

/**
 * @param {readonly string[]} argv process.argv.slice(2)
 * @returns {EngineArgs}
 */
export function parseArgs(argv) {
  /** @type {EngineArgs} */
  const args = {
    version: false,
    cliCommand: undefined,
    datamodelPaths: [],
    datasource: {},
    previewFeatures: [],
    ignored: [],
  };
  const takeValue = (/** @type {number} */ i, /** @type {string} */ flag) => {
    const value = argv[i + 1];
    if (value === undefined) throw new UsageError(`${flag} needs a value`);
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    switch (arg) {
      case '--version':
      case '-V':
        args.version = true;
        break;
      case '--datamodels':
        args.datamodelPaths.push(takeValue(i++, arg));
        break;
      case '--datasource':
        args.datasource = parseDatasource(takeValue(i++, arg));
        break;
      case '--enabled-preview-features':
        args.previewFeatures = takeValue(i++, arg).split(',').filter(Boolean);
        break;
      case '--extension-types':
        // Extension types need the native engine's extension support, which
        // the wasm constructor does not take; Hubwerk uses none.
        args.ignored.push(`${arg} ${takeValue(i++, arg)}`);
        break;
      case 'cli': {
        const command = argv[i + 1];
        if (command === undefined) throw new UsageError('cli needs a command');
        args.cliCommand = command;
        i = argv.length; // the command is the last word
        break;
      }
      default:
        throw new UsageError(`unknown argument: ${arg}`);
    }
  }
  return args;
}

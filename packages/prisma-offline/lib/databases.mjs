// @ts-check
/**
 * Whole-database operations the CLI asks for outside the wasm engine (which
 * has no createDatabase): can we connect, create, drop. Errors carry the
 * Prisma error codes the CLI acts on — `migrate dev` creates the database
 * only when it hears P1003 ("does not exist").
 */
import { databaseOf, isServerError, quoteIdent, serverOf, withClient, withDatabase } from './postgres.mjs';

/** An error with a Prisma error code (P1xxx), shown to the user as it is. */
export class UserFacingError extends Error {
  /** @override */
  name = 'UserFacingError';
  /**
   * @param {string} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Translate a pg connection error into the code and wording of the native engine.
 * @param {unknown} error
 * @param {string} url
 * @returns {Error}
 */
export function toUserFacingError(error, url) {
  const server = serverOf(url);
  const database = databaseOf(url);
  if (isServerError(error)) {
    switch (error.code) {
      case '3D000':
        return new UserFacingError(
          'P1003',
          `Database \`${database}\` does not exist on the database server at \`${server}\`.`,
        );
      case '42P04':
        return new UserFacingError(
          'P1009',
          `Database \`${database}\` already exists on the database server at \`${server}\``,
        );
      case '28P01':
        return new UserFacingError(
          'P1000',
          `Authentication failed against the database server at \`${server}\`, the provided database credentials are not valid.`,
        );
      case '28000':
      case '42501':
        return new UserFacingError('P1010', `User was denied access on the database \`${database}\`: ${error.message}`);
      default:
        return error;
    }
  }
  const code = /** @type {{ code?: unknown }} */ (error)?.code;
  if (typeof code === 'string' && UNREACHABLE.has(code)) {
    return new UserFacingError(
      'P1001',
      `Can't reach database server at \`${server}\`\n\nPlease make sure your database server is running at \`${server}\`.`,
    );
  }
  if (code === 'ETIMEDOUT') {
    return new UserFacingError('P1002', `The database server at \`${server}\` was reached but timed out.`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** @param {string} url */
export async function canConnect(url) {
  try {
    await withClient(url, (client) => client.query('SELECT 1'));
  } catch (error) {
    throw toUserFacingError(error, url);
  }
}

/**
 * CREATE/DROP DATABASE cannot run inside the database concerned, so connect
 * to the server's maintenance database (`postgres`, else `template1`).
 * @template T
 * @param {string} url
 * @param {(client: import('pg').Client) => Promise<T>} work
 */
async function withMaintenanceClient(url, work) {
  try {
    return await withClient(withDatabase(url, 'postgres'), work);
  } catch (error) {
    if (isServerError(error) && error.code === '3D000') return withClient(withDatabase(url, 'template1'), work);
    throw error;
  }
}

/**
 * @param {string} url
 * @returns {Promise<string>} the name of the created database
 */
export async function createDatabase(url) {
  const name = databaseOf(url);
  try {
    await withMaintenanceClient(url, (client) => client.query(`CREATE DATABASE ${quoteIdent(name)}`));
  } catch (error) {
    throw toUserFacingError(error, url);
  }
  return name;
}

/** @param {string} url */
export async function dropDatabase(url) {
  const name = databaseOf(url);
  try {
    await withMaintenanceClient(url, (client) => client.query(`DROP DATABASE ${quoteIdent(name)}`));
  } catch (error) {
    throw toUserFacingError(error, url);
  }
}

// @ts-check
/**
 * Line-delimited JSON-RPC 2.0 between the Prisma CLI (stdin → us, us →
 * stdout), as the native schema engine speaks it:
 *
 * - one JSON object per line, both ways;
 * - requests are answered one at a time, in order (the wasm engine is not
 *   re-entrant, and the CLI awaits each call anyway);
 * - the engine may itself send requests to the CLI (`print` for
 *   `migrate diff`), so responses arrive on stdin too;
 * - failures are `{"code":4466,"message":…,"data":{"is_panic","message","error_code","meta"}}`;
 *   the CLI shows `data.message`, prefixed by `data.error_code` when set.
 */
import readline from 'node:readline';
import { isWasmTrap, panicRegistry } from './wasm-engine.mjs';

/** The error code the native engine uses for every failed call. */
export const ENGINE_ERROR = 4466;
const METHOD_NOT_FOUND = -32601;
const PARSE_ERROR = -32700;

export class MethodNotFoundError extends Error {
  /** @override */
  name = 'MethodNotFoundError';
}

/**
 * @typedef {object} Peer
 * @property {(method: string, params: unknown) => Promise<unknown>} request send a request to the CLI, resolve with its result
 */

/**
 * @typedef {object} RpcError
 * @property {number} code
 * @property {string} message
 * @property {Record<string, unknown>} [data]
 */

/**
 * A wasm trap means the engine panicked; its message was left in the panic
 * registry by the Rust panic hook.
 * @param {unknown} error
 */
export function isPanic(error) {
  return isWasmTrap(error);
}

/**
 * @param {unknown} error
 * @returns {RpcError}
 */
export function toRpcError(error) {
  if (error instanceof MethodNotFoundError) return { code: METHOD_NOT_FOUND, message: error.message };
  if (isPanic(error)) {
    const message = panicRegistry.get() ?? /** @type {Error} */ (error).message;
    // The CLI shows `message` as the panic and `data.message` as its details.
    return { code: ENGINE_ERROR, message, data: { is_panic: true, message, backtrace: null } };
  }
  const { message, code, meta } = /** @type {{ message?: unknown, code?: unknown, meta?: unknown }} */ (
    error !== null && typeof error === 'object' ? error : { message: String(error) }
  );
  /** @type {Record<string, unknown>} */
  const data = { is_panic: false, message: typeof message === 'string' ? message : String(error) };
  // Only Prisma's own codes (P1000…P4999): the CLI branches on them.
  if (typeof code === 'string' && /^P\d{4}$/.test(code)) {
    data.error_code = code;
    data.meta = meta ?? {};
  }
  return { code: ENGINE_ERROR, message: 'An error happened. Check the data field for details.', data };
}

/**
 * Serve requests from `input` until it ends.
 *
 * @param {object} options
 * @param {NodeJS.ReadableStream} options.input
 * @param {NodeJS.WritableStream} options.output
 * @param {(method: string, params: unknown, peer: Peer) => Promise<unknown>} options.handle
 * @param {(error: unknown) => void} [options.onPanic] called after a panic was reported
 * @returns {{ done: Promise<void>, abort(error: unknown): void }} `done` settles once the input
 *   has ended and every request was answered; `abort` answers the request in progress with an error
 */
export function serveJsonRpc({ input, output, handle, onPanic }) {
  /** @param {Record<string, unknown>} message */
  const send = (message) => {
    output.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
  };

  let nextOutgoingId = 1;
  /** @type {Map<unknown, { resolve(value: unknown): void, reject(error: Error): void }>} */
  const pending = new Map();
  /** @type {Peer} */
  const peer = {
    request(method, params) {
      const id = `engine-${nextOutgoingId++}`;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        send({ id, method, params });
      });
    },
  };

  /** The request being worked on, to answer it if we have to stop mid-way. */
  /** @type {{ id: unknown } | undefined} */
  let current;

  /**
   * @param {unknown} id
   * @param {string} method
   * @param {unknown} params
   */
  const answer = async (id, method, params) => {
    current = { id };
    try {
      const result = await handle(method, params, peer);
      // `result` must be present for the CLI to accept the answer; void calls answer null.
      send({ id, result: result ?? null });
    } catch (error) {
      send({ id, error: toRpcError(error) });
      if (isPanic(error)) onPanic?.(error);
    } finally {
      current = undefined;
    }
  };

  /**
   * Answer the request in progress with `error` (for a crash outside any
   * call we await, e.g. a panic in an engine callback). Without an answer
   * the CLI can end with exit code 0 and no message at all.
   * @param {unknown} error
   */
  const abort = (error) => {
    if (current === undefined) return;
    send({ id: current.id, error: toRpcError(error) });
    current = undefined;
  };

  /** Requests run one after another, in the order they came in. */
  let queue = Promise.resolve();

  /** @param {string} line */
  const onLine = (line) => {
    if (line.trim() === '') return;
    /** @type {any} */
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      send({ id: null, error: { code: PARSE_ERROR, message: 'Parse error' } });
      return;
    }
    if (typeof message?.method === 'string') {
      const { id, method, params } = message;
      queue = queue.then(() => answer(id, method, params));
      return;
    }
    // A response to one of our own requests (e.g. `print`).
    const waiting = pending.get(message?.id);
    if (!waiting) return;
    pending.delete(message.id);
    if (message.error !== undefined) waiting.reject(new Error(`the CLI answered ${JSON.stringify(message.error)}`));
    else waiting.resolve(message.result);
  };

  const done = new Promise((resolve) => {
    const lines = readline.createInterface({ input, crlfDelay: Infinity });
    lines.on('line', onLine);
    lines.once('close', () => {
      // Nobody will answer our own requests any more; fail them first so
      // that the request waiting for one can finish.
      for (const { reject } of pending.values()) reject(new Error('the CLI closed the connection'));
      pending.clear();
      queue.then(() => resolve(undefined));
    });
  });
  return { done, abort };
}

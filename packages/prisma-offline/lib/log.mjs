// @ts-check
/**
 * Diagnostics of the stand-in engine. They go to stderr only: stdout carries
 * the JSON-RPC protocol, and one stray line there breaks the Prisma CLI.
 *
 * Every line is a JSON object in the shape of the native engine's tracing
 * output (`{"level","fields":{"message",…},"target"}`), because the CLI
 * parses stderr: in RPC mode it keeps `fields.message` of each line and
 * remembers the last `level: "ERROR"` line for its error report; in the
 * one-shot `cli …` mode it skips the first line and parses every other line
 * as JSON (a plain-text line there makes it fail).
 */

const TARGET = 'hubwerk_schema_engine';

/** @typedef {'ERROR' | 'WARN' | 'INFO' | 'DEBUG'} Level */

/**
 * Write one line to stderr; a closed pipe (the CLI already gone) is not an
 * error worth crashing for.
 * @param {string} line
 */
export function writeStderrLine(line) {
  try {
    process.stderr.write(line.endsWith('\n') ? line : `${line}\n`);
  } catch {
    // stderr closed: nobody is listening any more.
  }
}

/**
 * @param {Level} level
 * @param {string} message
 * @param {Record<string, unknown>} [fields] extra fields, e.g. `error_code`
 * @param {string} [target] the CLI looks for errors of `schema_engine::logger` in `cli` mode
 */
export function log(level, message, fields = {}, target = TARGET) {
  writeStderrLine(
    JSON.stringify({ timestamp: new Date().toISOString(), level, fields: { message, ...fields }, target }),
  );
}

/**
 * The wasm engine logs through a callback, already as JSON lines in the
 * native shape; pass them on unchanged.
 * @param {unknown} line
 */
export function forwardEngineLog(line) {
  writeStderrLine(String(line).trimEnd());
}

/**
 * Keep dependencies' console output off stdout (see the top of this file).
 */
export function routeConsoleToStderr() {
  const toStderr = (/** @type {unknown[]} */ ...args) => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
}

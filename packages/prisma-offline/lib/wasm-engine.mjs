// @ts-check
/**
 * Load Prisma's schema engine compiled to WebAssembly
 * (@prisma/schema-engine-wasm) in plain Node.
 *
 * The package's entry does `import * as wasm from "./schema_engine_bg.wasm"`,
 * which needs the ESM-wasm integration Node 20 does not have. So we do what
 * that entry would: instantiate the .wasm with the wasm-bindgen glue module
 * as its import object, hand the instance back to the glue, then run the
 * module's start function.
 */
import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';

/** @typedef {import('@prisma/schema-engine-wasm').SchemaEngine} SchemaEngine */

/**
 * The part of the WebAssembly global we use (the TypeScript lib for Node 20
 * has no WebAssembly types).
 * @type {{
 *   instantiate(bytes: Uint8Array, imports: Record<string, object>): Promise<{ instance: { exports: Record<string, unknown> } }>,
 *   RuntimeError: new (...args: any[]) => Error,
 * }}
 */
const wasmApi = /** @type {any} */ (globalThis).WebAssembly;

/**
 * A wasm trap: the engine panicked (its message is in the panic registry).
 * @param {unknown} error
 */
export function isWasmTrap(error) {
  return error instanceof wasmApi.RuntimeError;
}
/** @typedef {typeof import('@prisma/schema-engine-wasm')} WasmModule */

/**
 * Where panics leave their message. The glue calls
 * `PRISMA_WASM_PANIC_REGISTRY.set_message()` from the Rust panic hook; the
 * trap itself only says "unreachable".
 */
export const panicRegistry = {
  /** @type {string | undefined} */
  message: undefined,
  /** @param {string} message */
  set_message(message) {
    this.message = message;
  },
  get() {
    return this.message;
  },
};

/** @type {Promise<WasmModule> | undefined} */
let loading;

/** @returns {Promise<WasmModule>} */
export function loadWasmModule() {
  loading ??= (async () => {
    Object.assign(globalThis, { PRISMA_WASM_PANIC_REGISTRY: panicRegistry });
    const glueUrl = import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    /** @type {WasmModule & { __wbg_set_wasm(exports: object): void }} */
    const glue = await import(glueUrl);
    const bytes = await fs.readFile(fileURLToPath(new URL('./schema_engine_bg.wasm', glueUrl)));
    const { instance } = await wasmApi.instantiate(bytes, { './schema_engine_bg.js': glue });
    glue.__wbg_set_wasm(instance.exports);
    /** @type {() => void} */ (instance.exports.__wbindgen_start)();
    return glue;
  })();
  return loading;
}

/** The engine's git hash, as the native binary prints it with --version. */
export async function engineVersion() {
  return (await loadWasmModule()).version();
}

/**
 * @param {object} options
 * @param {Array<[path: string, content: string]>} options.datamodels the schema files from --datamodels
 * @param {import('@prisma/driver-adapter-utils').SqlMigrationAwareDriverAdapterFactory} options.adapterFactory
 * @param {(line: string) => void} options.onLog the engine's own log lines (JSON)
 * @returns {Promise<SchemaEngine>}
 */
export async function createSchemaEngine({ datamodels, adapterFactory, onLog }) {
  const { SchemaEngine } = await loadWasmModule();
  return SchemaEngine.new(
    // Pitfall 4: an empty list panics ("the schemas array can not be empty");
    // no schema at all (e.g. `migrate diff --from-empty --to-migrations`) is `undefined`.
    { datamodels: datamodels.length > 0 ? datamodels : undefined },
    onLog,
    // The engine expects the error-capturing wrapper (results as { ok, value | error }).
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  );
}

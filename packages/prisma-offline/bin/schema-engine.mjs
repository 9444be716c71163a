#!/usr/bin/env node
// @ts-check
/**
 * Stand-in for Prisma's native `schema-engine` binary, for machines that
 * cannot download it. The Prisma CLI runs it when PRISMA_SCHEMA_ENGINE_BINARY
 * points here (prisma.config.ts does that for PRISMA_OFFLINE=1). It speaks
 * the binary's protocol and forwards to the same engine compiled to
 * WebAssembly (@prisma/schema-engine-wasm), connected to PostgreSQL through
 * @prisma/adapter-pg. See ../README.md.
 *
 * Plain ESM with JSDoc types, no build step: the CLI spawns this file directly.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { createAdapterFactory } from '../lib/adapter-factory.mjs';
import { parseArgs, UsageError } from '../lib/args.mjs';
import { runCliCommand } from '../lib/cli-commands.mjs';
import { canConnect } from '../lib/databases.mjs';
import { createMethodHandler } from '../lib/engine-methods.mjs';
import { isPanic, serveJsonRpc } from '../lib/json-rpc.mjs';
import { forwardEngineLog, log, routeConsoleToStderr } from '../lib/log.mjs';
import { createSchemaEngine, engineVersion, panicRegistry } from '../lib/wasm-engine.mjs';

/** The native engine's exit code after a panic; the CLI reports it as one. */
const EXIT_PANIC = 101;

/** Answers the RPC request in progress with an error (set once serving). */
let abortRequest = (/** @type {unknown} */ _error) => {};

/**
 * @param {import('../lib/args.mjs').EngineArgs} args
 * @returns {Promise<number>} the exit code
 */
async function serveRpc(args) {
  const datamodels = /** @type {Array<[string, string]>} */ (
    await Promise.all(
      args.datamodelPaths.map(async (file) => [file, await fs.readFile(path.resolve(file), 'utf8')]),
    )
  );
  const adapterFactory = createAdapterFactory(args.datasource);

  // The wasm engine connects (and queries) as it is created, so we create it
  // on the first call: a missing or unreachable database then becomes that
  // call's error, with the native engine's code, instead of a crash before
  // the CLI has asked anything (which the CLI reports as nothing at all).
  /** @type {Promise<import('../lib/wasm-engine.mjs').SchemaEngine> | undefined} */
  let engine;
  const getEngine = () => {
    engine ??= (async () => {
      const { url } = args.datasource;
      if (url === undefined) {
        throw new Error(
          'This command needs a database: the stand-in engine connects to one even for `migrate diff` between schema files. Set the datasource url in prisma.config.ts.',
        );
      }
      await canConnect(url);
      return createSchemaEngine({ datamodels, adapterFactory, onLog: forwardEngineLog });
    })();
    return engine;
  };

  let exitCode = 0;
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    // Temporary shadow databases must not outlive us, even when the CLI
    // stops us in the middle of a call.
    await adapterFactory.close();
    process.exit(exitCode);
  };
  // The CLI ends stdin and sends SIGTERM right after its last call.
  for (const signal of /** @type {const} */ (['SIGTERM', 'SIGINT', 'SIGHUP'])) process.once(signal, shutdown);

  const server = serveJsonRpc({
    input: process.stdin,
    output: process.stdout,
    handle: createMethodHandler({ getEngine, datasource: args.datasource }),
    onPanic: () => {
      // A trapped wasm instance cannot be trusted with another call.
      exitCode = EXIT_PANIC;
      void shutdown();
    },
  });
  abortRequest = server.abort;
  await server.done;
  await shutdown();
  return exitCode;
}

async function main() {
  routeConsoleToStderr();
  const args = parseArgs(process.argv.slice(2));
  if (args.version) {
    // The CLI shows this line in `prisma -v`; the hash is the wasm engine's,
    // which matches the native engine of the same Prisma release.
    process.stdout.write(`schema-engine-cli ${await engineVersion()} (wasm stand-in, @hubwerk/prisma-offline)\n`);
    return 0;
  }
  // The CLI skips the first stderr line in `cli` mode; make it this one.
  log('INFO', `Starting the schema engine stand-in (wasm ${await engineVersion()})`);
  for (const ignored of args.ignored) log('WARN', `Ignoring ${ignored}`);
  if (args.cliCommand !== undefined) return runCliCommand(args.cliCommand, args.datasource);
  return serveRpc(args);
}

// A panic inside a callback the engine runs on its own (not in a call we
// await) surfaces here; report it like the native engine would and stop.
process.on('uncaughtException', (error) => {
  log('ERROR', `${panicRegistry.get() ?? ''}\n${String(error?.stack ?? error)}`.trim(), { is_panic: isPanic(error) });
  abortRequest(error);
  process.exit(isPanic(error) ? EXIT_PANIC : 1);
});

main().then(
  (code) => process.exit(code),
  (error) => {
    log('ERROR', error instanceof UsageError ? `usage: ${error.message}` : String(error?.stack ?? error));
    process.exit(1);
  },
);

/**
 * Which schema engine the Prisma CLI should run: its native binary (which it
 * downloads on first use) or our wasm stand-in (bin/schema-engine.mjs).
 * Called from the root prisma.config.ts, which the CLI loads before it looks
 * for its engine — so setting PRISMA_SCHEMA_ENGINE_BINARY here is enough.
 *
 *   PRISMA_OFFLINE=1   the stand-in
 *   PRISMA_OFFLINE=0   the native engine (the CLI downloads it if needed)
 *   unset              the native engine if it is already installed or can
 *                      be downloaded, else the stand-in
 *
 * A PRISMA_SCHEMA_ENGINE_BINARY set by the user always wins.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The stand-in executable (plain Node, no build step). */
export const STAND_IN_ENGINE_PATH = fileURLToPath(new URL('../bin/schema-engine.mjs', import.meta.url));

export type EngineChoice =
  | { readonly engine: 'stand-in'; readonly reason: string }
  | { readonly engine: 'native'; readonly reason: string }
  | { readonly engine: 'user-binary'; readonly reason: string };

export interface SelectSchemaEngineOptions {
  /** Read, and written when the stand-in is chosen; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Where the project's `prisma` package resolves from; default process.cwd(). */
  readonly projectRoot?: string;
  /** Probes, replaceable in tests. */
  readonly isNativeEngineInstalled?: (env: NodeJS.ProcessEnv, projectRoot: string) => boolean;
  readonly canResolveHost?: (host: string) => boolean;
  /** Where to say why the stand-in was chosen automatically; default stderr. */
  readonly notify?: (message: string) => void;
}

const ON = new Set(['1', 'true', 'yes', 'on']);
const OFF = new Set(['0', 'false', 'no', 'off']);

/** @returns true, false, or undefined for "decide automatically" */
export function parseOfflineSetting(value: string | undefined): boolean | undefined {
  const normalised = value?.trim().toLowerCase() ?? '';
  if (normalised === '') return undefined;
  if (ON.has(normalised)) return true;
  if (OFF.has(normalised)) return false;
  throw new Error(
    `PRISMA_OFFLINE=${value} is not understood: use 1 (stand-in engine), 0 (native engine) or leave it unset (automatic).`,
  );
}

/** The host the CLI downloads its engines from (the mirror variables are Prisma's own). */
export function engineDownloadHost(env: NodeJS.ProcessEnv): string {
  const base = env.PRISMA_BINARIES_MIRROR || env.PRISMA_ENGINES_MIRROR || 'https://binaries.prisma.sh';
  try {
    return new URL(base).hostname;
  } catch {
    return 'binaries.prisma.sh';
  }
}

/**
 * Is Prisma's native schema engine for this Prisma version already on disk,
 * where the CLI looks before downloading: next to @prisma/engines
 * (`schema-engine-<platform>`), or in Prisma's cache
 * (`<cache>/prisma/master/<engines hash>/<platform>/schema-engine`)?
 */
export function isNativeEngineInstalled(env: NodeJS.ProcessEnv, projectRoot: string): boolean {
  try {
    const fromProject = createRequire(path.join(projectRoot, 'package.json'));
    const enginesManifest = createRequire(fromProject.resolve('prisma/package.json')).resolve(
      '@prisma/engines/package.json',
    );
    const enginesDir = path.dirname(enginesManifest);
    if (fs.readdirSync(enginesDir).some((name) => name.startsWith('schema-engine-'))) return true;

    const versionManifest = createRequire(enginesManifest).resolve('@prisma/engines-version/package.json');
    const hash: unknown = JSON.parse(fs.readFileSync(versionManifest, 'utf8'))?.prisma?.enginesVersion;
    if (typeof hash !== 'string') return false;
    const cacheRoot = env.XDG_CACHE_HOME
      ? path.join(env.XDG_CACHE_HOME, 'prisma')
      : process.platform === 'win32' && env.APPDATA
        ? path.join(env.APPDATA, 'Prisma')
        : path.join(os.homedir(), '.cache', 'prisma');
    const versionDir = path.join(cacheRoot, 'master', hash);
    if (!fs.existsSync(versionDir)) return false;
    return fs
      .readdirSync(versionDir)
      .some((platform) =>
        ['schema-engine', 'schema-engine.exe'].some((file) => fs.existsSync(path.join(versionDir, platform, file))),
      );
  } catch {
    // Prisma not installed where we expect it: nothing cached we could find.
    return false;
  }
}

/** How long a name lookup may take before we call the host unreachable. */
const DNS_TIMEOUT_MS = 2000;

/**
 * Does `host` resolve? prisma.config.ts is loaded synchronously enough that
 * we want a synchronous answer, so a child Node does the lookup (the same
 * resolver the CLI's download would use; ~50 ms), with a hard timeout for
 * machines whose DNS server never answers.
 */
export function canResolveHost(host: string): boolean {
  const lookup = 'require("node:dns").lookup(process.argv[1], (error) => process.exit(error ? 1 : 0))';
  const result = spawnSync(process.execPath, ['-e', lookup, host], { stdio: 'ignore', timeout: DNS_TIMEOUT_MS });
  return result.status === 0;
}

/** A checkout that lost the executable bit (zip download, some editors) would make the CLI's spawn fail. */
function ensureExecutable(file: string): void {
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    try {
      fs.chmodSync(file, 0o755);
    } catch {
      // Read-only checkout: the CLI's own error will say what is wrong.
    }
  }
}

/**
 * Decide, and point PRISMA_SCHEMA_ENGINE_BINARY at the stand-in when it is
 * chosen. Never throws for lack of a database or network.
 */
export function selectSchemaEngine(options: SelectSchemaEngineOptions = {}): EngineChoice {
  const env = options.env ?? process.env;
  const projectRoot = options.projectRoot ?? process.cwd();
  const notify = options.notify ?? ((message: string) => process.stderr.write(`${message}\n`));

  if (env.PRISMA_SCHEMA_ENGINE_BINARY) {
    return { engine: 'user-binary', reason: `PRISMA_SCHEMA_ENGINE_BINARY is set (${env.PRISMA_SCHEMA_ENGINE_BINARY})` };
  }

  const useStandIn = (reason: string): EngineChoice => {
    ensureExecutable(STAND_IN_ENGINE_PATH);
    env.PRISMA_SCHEMA_ENGINE_BINARY = STAND_IN_ENGINE_PATH;
    return { engine: 'stand-in', reason };
  };

  const offline = parseOfflineSetting(env.PRISMA_OFFLINE);
  if (offline === true) return useStandIn('PRISMA_OFFLINE=1');
  if (offline === false) return { engine: 'native', reason: 'PRISMA_OFFLINE=0' };

  if ((options.isNativeEngineInstalled ?? isNativeEngineInstalled)(env, projectRoot)) {
    return { engine: 'native', reason: 'the native schema engine is already installed' };
  }
  const host = engineDownloadHost(env);
  if ((options.canResolveHost ?? canResolveHost)(host)) {
    return { engine: 'native', reason: `${host} resolves, so the CLI can download the native schema engine` };
  }
  notify(
    `prisma.config.ts: ${host} is unreachable and Prisma's native schema engine is not installed; ` +
      'using the air-gapped stand-in engine (@hubwerk/prisma-offline). Set PRISMA_OFFLINE=1 to skip this check, PRISMA_OFFLINE=0 to force the native engine.',
  );
  return useStandIn(`${host} does not resolve and the native engine is not installed`);
}

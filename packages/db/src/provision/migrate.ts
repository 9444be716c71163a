/**
 * Apply migrations with the real Prisma CLI (`prisma migrate deploy`), as a
 * child process, exactly as an operator would. With `offline: true` the CLI
 * uses the air-gapped schema engine (packages/prisma-offline, switched on by
 * PRISMA_OFFLINE=1 in prisma.config.ts).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { redactUrl } from './urls.ts';

export interface MigrateDeployOptions {
  /** Repository root: where prisma.config.ts and prisma/ live. */
  readonly cwd: string;
  /** MIGRATOR_DATABASE_URL for the CLI (the role that owns the schema). */
  readonly migratorUrl: string;
  /** Pass PRISMA_OFFLINE=1 to the CLI (no engine download). Unset: inherit from baseEnv. */
  readonly offline?: boolean;
  /** Further variables for the child (e.g. DATABASE_URL of the same database). */
  readonly env?: Readonly<Record<string, string>>;
  /** The environment the child inherits (PATH, HOME, …); default: this process's. */
  readonly baseEnv?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

export interface MigrateDeployResult {
  readonly output: string;
  readonly durationMs: number;
}

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly output: string,
    readonly exitCode: number | null,
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

function prismaCliPath(cwd: string): string {
  const require = createRequire(path.join(cwd, 'package.json'));
  const manifest = require.resolve('prisma/package.json');
  return path.join(path.dirname(manifest), 'build', 'index.js');
}

/** Run `prisma migrate deploy`; resolves with its output, rejects with a MigrationError carrying it. */
export function migrateDeploy(options: MigrateDeployOptions): Promise<MigrateDeployResult> {
  const started = performance.now();
  const baseEnv = options.baseEnv ?? process.env;
  const env: NodeJS.ProcessEnv = {
    ...baseEnv,
    ...options.env,
    MIGRATOR_DATABASE_URL: options.migratorUrl,
    // No update checks or telemetry from an air-gapped machine.
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  };
  if (options.offline === true) env.PRISMA_OFFLINE = '1';
  if (options.offline === false) delete env.PRISMA_OFFLINE;

  const cli = prismaCliPath(options.cwd);
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'migrate', 'deploy'], {
      cwd: options.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new MigrationError(`Could not run the Prisma CLI (${cli}): ${error.message}`, output, null));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const durationMs = Math.round(performance.now() - started);
      if (code === 0) {
        resolve({ output, durationMs });
        return;
      }
      const why = signal === 'SIGKILL' ? `timed out after ${timeoutMs} ms` : `exited with ${code ?? signal}`;
      // The CLI downloads its schema engine unless PRISMA_OFFLINE selects the stand-in.
      const hint =
        env.PRISMA_OFFLINE === undefined && /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|fetch failed/.test(output)
          ? '\nHint: on a machine without internet access set PRISMA_OFFLINE=1 (air-gapped schema engine).'
          : '';
      reject(
        new MigrationError(
          `prisma migrate deploy ${why} (database ${redactUrl(options.migratorUrl)}, ` +
            `PRISMA_OFFLINE=${env.PRISMA_OFFLINE ?? ''}):\n${output.trim()}${hint}`,
          output,
          code,
        ),
      );
    });
  });
}

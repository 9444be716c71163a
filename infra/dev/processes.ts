/**
 * Child processes of `npm run dev` (API, admin): output prefixed per line,
 * each in its own process group so that stopping it stops npm, tsx/vite and
 * whatever they started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import readline from 'node:readline';

export interface DevProcess {
  readonly name: string;
  /** Resolves with the exit code (or signal) when the process ends. */
  readonly exited: Promise<number | string>;
  stop(): Promise<void>;
}

export interface StartProcessOptions {
  readonly name: string;
  readonly color: number;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly write: (line: string) => void;
}

export function startProcess(options: StartProcessOptions): DevProcess {
  const child: ChildProcess = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const label = `\u001b[${options.color}m${options.name.padEnd(5)}\u001b[0m │ `;
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) readline.createInterface({ input: stream }).on('line', (line) => options.write(label + line));
  }
  const exited = new Promise<number | string>((resolve) => {
    child.once('error', (error) => {
      options.write(`${label}could not start: ${error.message}`);
      resolve(1);
    });
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 1));
  });

  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // group already gone
    }
  };
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        signalGroup('SIGTERM'); // grandchildren may outlive npm
        return;
      }
      signalGroup('SIGTERM');
      const killed = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 10_000)),
      ]);
      if (killed) signalGroup('SIGKILL');
      await exited;
    })();
    return stopping;
  };
  return { name: options.name, exited, stop };
}

export function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

/** Poll an HTTP URL until it answers (any status) or the time is up. */
export async function waitForHttp(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
  return false;
}

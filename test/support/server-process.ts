import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The `pointbook` command as a real process, for crash tests (RELIABILITY.md C1): a server to
 * SIGKILL and start again, or a CLI command (an import) to kill half-way. Each runs in a process
 * of its own, so a kill takes the server's pool, timers and open transactions with it, as a crash
 * would.
 */

/**
 * The compiled CLI (what `npm ci` builds and production runs) when it is newer than every source
 * file, else the sources through tsx. Starting through tsx costs about 2 s more per start, and
 * crash tests start servers dozens of times; a stale build would test old code, hence the check.
 */
export const pointbookCommand: readonly string[] = builtIsFresh() ? ['bin/pointbook.js'] : ['--import', 'tsx', 'src/cli/main.ts'];
/** Output kept for error messages: the end of it, where a failure says why. */
const KEEP_CHARS = 64_000;

/** The environment a child gets: ours, with `env` on top; an undefined value removes a variable. */
export type ChildEnv = Record<string, string | undefined>;

export interface PointbookProcess {
  readonly pid: number;
  /** Resolves when the process has exited: its exit code, or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What it wrote to stdout and stderr so far (the last 64 kB). */
  output(): string;
  /** SIGKILL, then waits for the exit: nothing runs after this, not even an exit handler. */
  kill(): Promise<void>;
  /** SIGTERM (a graceful stop), then waits for the exit. */
  stop(): Promise<void>;
}

export interface ServerProcess extends PointbookProcess {
  /** `http://127.0.0.1:<port>`, as the server printed it. */
  readonly url: string;
}

/** Runs `pointbook <args>` in a new process; see `startServer` for one that serves. */
export function spawnPointbook(args: readonly string[], env: ChildEnv): PointbookProcess {
  const child = spawn(process.execPath, [...pointbookCommand, ...args], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`pointbook ${args.join(' ')} did not start`);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-KEEP_CHARS);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return { pid, exited, output: () => output, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}

export interface StartServerOptions {
  /** Arguments after `serve`: `--test-clock …`, `--data DIR`. `--port 0` is added. */
  args: readonly string[];
  env: ChildEnv;
  /** How long start-up may take before it counts as failed (tsx compiles on a loaded machine). */
  timeoutMs?: number;
}

/**
 * Starts `pointbook serve --port 0 …` and resolves once it prints "Pointbook is serving on
 * http://…", with the port it chose. A process that exits first, or takes longer than
 * `timeoutMs`, fails with everything it printed.
 */
export async function startServer(options: StartServerOptions): Promise<ServerProcess> {
  const timeoutMs = options.timeoutMs ?? 180_000;
  const started = performance.now();
  const proc = spawnPointbook(['serve', '--port', '0', ...options.args], options.env);
  const url = await new Promise<string>((resolve, reject) => {
    const poll = setInterval(() => {
      const found = /Pointbook is serving on (http:\/\/[^\s]+)/.exec(proc.output())?.[1];
      if (found) {
        clearInterval(poll);
        resolve(found);
      } else if (performance.now() - started > timeoutMs) {
        clearInterval(poll);
        void proc.kill();
        reject(new Error(`pointbook serve did not start within ${timeoutMs} ms; it printed:\n${proc.output()}`));
      }
    }, 20);
    void proc.exited.then(({ code, signal }) => {
      clearInterval(poll);
      reject(new Error(`pointbook serve exited (${signal ?? code}) before serving; it printed:\n${proc.output()}`));
    });
  });
  return { ...proc, url };
}

function childEnv(env: ChildEnv): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

function builtIsFresh(): boolean {
  const built = modified('dist/cli/main.js');
  return built !== undefined && newest('src') < built;
}

function newest(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return newest(path);
      return entry.name.endsWith('.test.ts') ? 0 : (modified(path) ?? 0);
    }),
  );
}

function modified(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

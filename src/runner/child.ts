// The one process runner: every lesson server and client the tutorial starts
// for a learner is a real child process, spawned here and tracked until it ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

const TSX_LOADER = import.meta.resolve('tsx');
/** What the tutorial attaches to a lesson process from outside its code (see src/instrument/attach.ts). */
export const ATTACH = new URL('../instrument/attach.ts', import.meta.url).href;

export type Stream = 'stdout' | 'stderr';

export interface ChildHandlers {
  onLine(stream: Stream, line: string): void;
  onMessage?(message: unknown): void;
  onExit(code: number | null, signal: NodeJS.Signals | null): void;
}

const running = new Set<ChildProcess>();

/**
 * Starts a lesson's server.ts or client.ts as its own program, as
 * `npx tsx <file>` would, with the tutorial's instruments preloaded and an IPC
 * channel for what they report.
 */
export function spawnLessonFile(
  path: string,
  args: string[],
  handlers: ChildHandlers,
  env: NodeJS.ProcessEnv = {},
  { stdin = 'ignore' }: { stdin?: 'ignore' | 'pipe' } = {},
): ChildProcess {
  return spawnScript(path, args, handlers, { preload: [ATTACH], env, stdin });
}

/**
 * Starts a TypeScript file of the project as a tracked child; `ipc: false`
 * leaves out the IPC channel, `env` adds to the environment, `stdin: 'pipe'`
 * gives it a stdin to write lines to (see writeLine).
 */
export function spawnScript(
  path: string,
  args: string[],
  handlers: ChildHandlers,
  { ipc = true, preload = [] as string[], env = {} as NodeJS.ProcessEnv, stdin = 'ignore' as 'ignore' | 'pipe' } = {},
): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--import', TSX_LOADER, ...preload.flatMap((url) => ['--import', url]), path, ...args],
    {
      stdio: ipc ? [stdin, 'pipe', 'pipe', 'ipc'] : [stdin, 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0', ...env },
    },
  );
  running.add(child);
  // A child that exited closes its end of stdin: a line written just then is
  // lost (EPIPE), which must not take the parent down with it.
  child.stdin?.on('error', () => {});
  let openStreams = 2;
  let exit: [number | null, NodeJS.Signals | null] | undefined;
  // Report the exit only after the last output line: 'exit' can come before the pipes drain.
  const finish = () => {
    if (openStreams === 0 && exit) handlers.onExit(...exit);
  };
  for (const stream of ['stdout', 'stderr'] as const) {
    const lines = createInterface({ input: child[stream]!, crlfDelay: Infinity });
    lines.on('line', (line) => handlers.onLine(stream, line));
    lines.on('close', () => {
      openStreams -= 1;
      finish();
    });
  }
  if (handlers.onMessage) child.on('message', handlers.onMessage);
  child.on('exit', (code, signal) => {
    running.delete(child);
    exit = [code, signal];
    finish();
  });
  child.on('error', (error) => handlers.onLine('stderr', `cannot start ${path}: ${error.message}`));
  return child;
}

/** Asks a child to stop (SIGTERM), then kills it if it has not exited after `graceMs`. */
export function stopChild(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Writes one line to a child's stdin; false if it has no stdin open (not piped, ended, or exited). */
export function writeLine(child: ChildProcess, line: string): boolean {
  const stdin = child.stdin;
  if (!stdin || stdin.destroyed || stdin.writableEnded || child.exitCode !== null || child.signalCode !== null)
    return false;
  stdin.write(`${line}\n`);
  return true;
}

/**
 * Ends a child's stdin, the polite way to say "no more": an interactive client
 * half-closes its call and exits once the server ends the call too. If it has
 * not exited after `graceMs`, stopChild (SIGTERM, then SIGKILL); `onStop` is
 * told just before.
 */
export function endStdinThenStop(child: ChildProcess, graceMs = 2_000, onStop?: () => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = setTimeout(() => {
      onStop?.();
      void stopChild(child).then(resolve);
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(stop);
      resolve();
    });
    child.stdin?.end();
  });
}

/** Every child still running, for a last-moment cleanup. */
export function killAllChildrenNow(): void {
  for (const child of running) child.kill('SIGKILL');
}

process.on('exit', killAllChildrenNow);

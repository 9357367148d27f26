// Shared test helpers: real servers on ephemeral loopback ports, real child
// processes, and waiting for conditions with a deadline instead of sleeping.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { findLesson, type Lesson, type LessonClientModule, type LessonServerModule } from '../src/lessons.js';
import { loadHelloWorld } from '../src/proto.js';
import { installWireTap } from '../src/instrument/wiretap.js';
import type { WireEvent } from '../src/instrument/events.js';
import { listen, shutdown } from '../src/runtime/serve.js';
import type { HelloWorldServiceClient } from '../src/generated/rpc_package/HelloWorldService.js';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));

export function lesson(ref: string): Lesson {
  const found = findLesson(ref);
  if (!found) throw new Error(`no lesson ${ref}`);
  return found;
}

/** Polls `check` until it returns a truthy value or the deadline passes. */
export async function waitFor<T>(check: () => T | undefined | null | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface RunningServer {
  port: number;
  server: grpc.Server;
  stop(): Promise<void>;
}

/** A lesson's server, in this process, on a free loopback port. */
export async function startLessonServer(ref: string, options?: grpc.ServerOptions): Promise<RunningServer> {
  const { createServer } = (await import(pathToFileURL(lesson(ref).serverPath).href)) as LessonServerModule;
  const server = createServer(options);
  const port = await listen(server, '127.0.0.1', 0);
  return { port, server, stop: () => shutdown(server, 500) };
}

export function helloClient(port: number): HelloWorldServiceClient {
  const { rpc_package } = loadHelloWorld();
  return new rpc_package.HelloWorldService(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}

export function deadlineIn(ms = 5_000): grpc.CallOptions {
  return { deadline: Date.now() + ms };
}

/** A spawned command whose output is collected as it arrives. */
export interface Spawned {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnProcess(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Spawned {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Runs one of the project's commands (server, client, lesson) the way npm run would, minus npm. */
export function spawnCli(command: 'server' | 'client' | 'lesson', args: string[], env: NodeJS.ProcessEnv = {}): Spawned {
  return spawnProcess(process.execPath, ['--import', 'tsx', `src/cli/${command}.ts`, ...args], env);
}

/** Starts `npm run server` for a lesson on a free port; resolves once it prints its listening line. */
export async function startServerCli(ref: string, host = '127.0.0.1'): Promise<Spawned & { port: number }> {
  const spawned = spawnCli('server', [ref, '--host', host, '--port', '0']);
  let exitedEarly = false;
  void spawned.exited.then(() => (exitedEarly = true));
  const match = await waitFor(() => {
    if (exitedEarly) throw new Error(`server exited early: ${spawned.stderr()}`);
    return /listening on .*:(\d+)/.exec(spawned.stdout());
  }, 'the listening line', 20_000);
  return { ...spawned, port: Number(match![1]) };
}

export async function stopProcess(spawned: Spawned): Promise<void> {
  if (spawned.child.exitCode === null && spawned.child.signalCode === null) spawned.child.kill('SIGTERM');
  await spawned.exited;
}

/** The Debian python3 with grpcio, or the reason it cannot be used. */
export const PYTHON = '/usr/bin/python3';
export function pythonGrpcMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import grpc, grpc_tools'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    return `Python grpcio/grpc_tools not available at ${PYTHON} (apt-get install python3-grpcio python3-grpc-tools)`;
  }
  return undefined;
}

/** Runs `work` with the wire tap on and returns what it saw (and the error, if the work failed). */
export async function tapped(work: () => Promise<unknown>): Promise<{ events: WireEvent[]; error?: unknown }> {
  const events: WireEvent[] = [];
  const uninstall = installWireTap((event) => events.push(event));
  try {
    await work();
    return { events };
  } catch (error) {
    return { events, error };
  } finally {
    uninstall();
  }
}

/** Runs a lesson's own client with the wire tap on and returns what the tap saw. */
export async function tappedRun(ref: string, port: number, names?: string[]): Promise<WireEvent[]> {
  const { runClient } = (await import(pathToFileURL(lesson(ref).clientPath).href)) as LessonClientModule;
  const originalLog = console.log;
  console.log = () => {};
  try {
    const { events, error } = await tapped(() => runClient({ target: `127.0.0.1:${port}`, names }));
    if (error) throw error;
    return events;
  } finally {
    console.log = originalLog;
  }
}

/** Whether nothing listens on 127.0.0.1:port (tries to bind it, then lets go). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** Polls until the port is free (a process that just ended may take a moment to release it). */
export async function waitForFreePort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await portIsFree(port))) {
    if (Date.now() > deadline) throw new Error(`port ${port} is still in use after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// Shared test helpers: real servers on ephemeral loopback ports, real child
// processes, and waiting for conditions with a deadline instead of sleeping.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http2 from 'node:http2';
import { createServer, type AddressInfo, type Socket } from 'node:net';
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
export async function waitFor<T>(
  check: () => T | undefined | null | false,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export type TextPattern = string | RegExp | ((text: string) => boolean);

/** Polls `read` (a frame, a tmux capture) until its text matches `pattern`; resolves with that text. */
export function waitForText(
  read: () => string,
  pattern: TextPattern,
  what = `text with ${String(pattern)}`,
  timeoutMs = 10_000,
): Promise<string> {
  return waitFor(
    () => {
      const text = read();
      const found =
        typeof pattern === 'string'
          ? text.includes(pattern)
          : pattern instanceof RegExp
            ? pattern.test(text)
            : pattern(text);
      return found && text;
    },
    what,
    timeoutMs,
  );
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

/**
 * Children a test started and that have not ended. A test that times out never
 * reaches its own cleanup: whatever it started is killed as the file's process exits.
 */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function spawnProcess(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Spawned {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.on('close', () => running.delete(child));
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
export function spawnCli(
  command: 'server' | 'client' | 'lesson',
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Spawned {
  return spawnProcess(process.execPath, ['--import', 'tsx', `src/cli/${command}.ts`, ...args], env);
}

/** Starts `npm run server` for a lesson on a free port; resolves once it prints its listening line. */
export async function startServerCli(ref: string, host = '127.0.0.1'): Promise<Spawned & { port: number }> {
  const spawned = spawnCli('server', [ref, '--host', host, '--port', '0']);
  let exitedEarly = false;
  void spawned.exited.then(() => (exitedEarly = true));
  const match = await waitFor(
    () => {
      if (exitedEarly) throw new Error(`server exited early: ${spawned.stderr()}`);
      return /listening on .*:(\d+)/.exec(spawned.stdout());
    },
    'the listening line',
    20_000,
  );
  return { ...spawned, port: Number(match![1]) };
}

export async function stopProcess(spawned: Spawned): Promise<void> {
  if (spawned.child.exitCode === null && spawned.child.signalCode === null) spawned.child.kill('SIGTERM');
  await spawned.exited;
}

// The Python peer: one implementation, shared with the bench.
export { PYTHON, generatePythonCode, pythonGrpcMissing } from '../src/python.js';

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

// ---- Hostile clients and what the server did about them ----

/** Whether this run is CI (`CI` set to anything but 0 or false), where a missing tool is a failure, not a skip. */
export function isCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false';
}

/** A test's `skip` option for a missing tool: a visible skip with the reason locally; in CI the test runs, and fails. */
export function skipWhenMissing(missing: string | undefined): string | false {
  return missing && !isCI() ? missing : false;
}

export function tmuxMissing(): string | undefined {
  return spawnSync('tmux', ['-V']).status === 0 ? undefined : 'tmux is not installed (apt-get install tmux)';
}

/** What one call's handler did, seen from inside the server. */
export interface HandlerRecord {
  method: string;
  /** The handler's own call object (a ServerWritableStream, ServerDuplexStream, ...). */
  call: NodeJS.EventEmitter & { cancelled: boolean; writableLength?: number; isPaused?(): boolean };
  startedAt: number;
  /** Requests the handler's call emitted ('data' events). */
  received: number;
  writes: number;
  /** write() calls the handler made after its call was cancelled: producing for nobody. */
  writesAfterCancel: number;
  /** The most replies the call held in its buffer, waiting for the client (call.writableLength after each write). */
  maxBuffered: number;
  /** The last write() returned false and no 'drain' has come since: the handler should be waiting. */
  full: boolean;
  cancelledAt?: number;
  /** When a handler that returns a promise (an async handler) settled. */
  settledAt?: number;
}

export interface ObservedServer extends RunningServer {
  /** One record per call that reached a handler, in arrival order. */
  calls: HandlerRecord[];
}

/**
 * A lesson's server, in this process, whose handlers are watched from outside:
 * each is wrapped as createServer adds it, so the lesson code runs unchanged.
 */
export async function startObservedLessonServer(ref: string, options?: grpc.ServerOptions): Promise<ObservedServer> {
  const { createServer } = (await import(pathToFileURL(lesson(ref).serverPath).href)) as LessonServerModule;
  const calls: HandlerRecord[] = [];
  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (this: grpc.Server, service, implementation) {
    const watched: grpc.UntypedServiceImplementation = {};
    for (const [name, handler] of Object.entries(implementation))
      watched[name] = watchHandler(name, handler as (...args: unknown[]) => unknown, calls);
    addService.call(this, service, watched);
  };
  let server: grpc.Server;
  try {
    server = createServer(options);
  } finally {
    grpc.Server.prototype.addService = addService;
  }
  const port = await listen(server, '127.0.0.1', 0);
  return { port, server, calls, stop: () => shutdown(server, 500) };
}

function watchHandler(
  method: string,
  handler: (...args: unknown[]) => unknown,
  calls: HandlerRecord[],
): grpc.UntypedHandleCall {
  return ((
    call: HandlerRecord['call'] & NodeJS.EventEmitter & { write?(...args: unknown[]): boolean },
    ...rest: unknown[]
  ) => {
    const record: HandlerRecord = {
      method,
      call,
      startedAt: Date.now(),
      received: 0,
      writes: 0,
      writesAfterCancel: 0,
      maxBuffered: 0,
      full: false,
    };
    calls.push(record);
    // Registered before the handler's own listeners, so these run first.
    call.on('cancelled', () => (record.cancelledAt ??= Date.now()));
    if (typeof call.write === 'function') {
      const write = call.write;
      call.write = function (this: unknown, ...args: unknown[]) {
        record.writes += 1;
        if (record.cancelledAt !== undefined) record.writesAfterCancel += 1;
        const ok = write.apply(this, args);
        record.full = !ok;
        record.maxBuffered = Math.max(record.maxBuffered, call.writableLength ?? 0);
        return ok;
      };
      call.on('drain', () => (record.full = false));
    }
    if (typeof call.isPaused === 'function') call.on('data', () => (record.received += 1));
    const result = handler(call, ...rest);
    if (result instanceof Promise) {
      void result.then(
        () => (record.settledAt = Date.now()),
        () => (record.settledAt = Date.now()),
      );
    }
    return result;
  }) as grpc.UntypedHandleCall;
}

const identity = (bytes: Buffer) => bytes;

/** A client that sends whatever bytes it is given (identity serializers): what no generated stub would send. */
export function rawClient(port: number): grpc.Client {
  return new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}

/** One unary call with raw request bytes; resolves with the status (and the reply's bytes on OK). */
export function rawUnary(
  client: grpc.Client,
  path: string,
  request: Buffer,
  options: grpc.CallOptions = deadlineIn(),
): Promise<{ code: grpc.status; details: string; reply?: Buffer }> {
  return new Promise((resolve) =>
    client.makeUnaryRequest(path, identity, identity, request, new grpc.Metadata(), options, (error, reply) =>
      resolve(error ? { code: error.code, details: error.details } : { code: grpc.status.OK, details: '', reply }),
    ),
  );
}

/** A bidi call with raw request bytes, for sending a malformed message in the middle of a stream. */
export function rawBidi(
  client: grpc.Client,
  path: string,
  options: grpc.CallOptions = deadlineIn(),
): grpc.ClientDuplexStream<Buffer, Buffer> {
  return client.makeBidiStreamRequest(path, identity, identity, new grpc.Metadata(), options);
}

/** A gRPC message on the wire: a 5-byte prefix (not compressed, then the length, big-endian) and the bytes. */
export function grpcFrame(message: Buffer, declaredLength = message.length): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(declaredLength, 1);
  return Buffer.concat([prefix, message]);
}

/**
 * A gRPC call made over a bare node:http2 stream that never reads what the
 * server sends: the replies pile up against HTTP/2 flow control, as with a
 * client that stopped reading. (A grpc-js client keeps reading into its own
 * memory, so it cannot play this part.)
 */
export function stalledCall(port: number, path: string) {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  session.on('error', () => {});
  const stream = session.request({
    ':method': 'POST',
    ':path': path,
    'content-type': 'application/grpc',
    te: 'trailers',
  });
  stream.on('error', () => {});
  stream.pause();
  let status: string | undefined;
  stream.on('trailers', (trailers) => (status ??= String(trailers['grpc-status'])));
  stream.on('response', (headers) => {
    if (headers['grpc-status'] !== undefined) status ??= String(headers['grpc-status']);
  });
  let received = 0;
  return {
    stream,
    /** Writes one framed message, waiting while the stream's own buffer is full; false once the stream is gone. */
    async send(message: Buffer): Promise<boolean> {
      if (stream.destroyed || stream.closed) return false;
      if (!stream.write(grpcFrame(message))) await Promise.race([once(stream, 'drain'), once(stream, 'close')]);
      return !stream.destroyed && !stream.closed;
    },
    /** Starts reading (and counting bytes), as a client that came back would. */
    resume(): void {
      stream.on('data', (chunk: Buffer) => (received += chunk.length));
      stream.resume();
    },
    receivedBytes: () => received,
    /** The grpc-status the server sent, once it has. */
    status: () => status,
    /** Resets the stream with CANCEL: what a client's call.cancel() sends. */
    cancel: () => stream.close(http2.constants.NGHTTP2_CANCEL),
    close: () => session.destroy(),
  };
}

/** A TCP server that accepts every connection and never sends a byte: a peer that hangs. */
export async function startSilentServer(): Promise<{ port: number; accepted(): number; close(): void }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    accepted: () => accepted,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

/** Whether a process is still running. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every process below `root` (children, grandchildren...), with its command line, from one `ps` listing. */
export function descendants(root: number): { pid: number; args: string }[] {
  const table = spawnSync('ps', ['-e', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ pid: Number(match[1]), ppid: Number(match[2]), args: match[3] }));
  const found: { pid: number; args: string }[] = [];
  const walk = (pid: number) => {
    for (const entry of table.filter((row) => row.ppid === pid)) {
      found.push({ pid: entry.pid, args: entry.args });
      walk(entry.pid);
    }
  };
  walk(root);
  return found;
}

// Runs one lesson live: its server as a child process on a free loopback port,
// and its client, as often as asked, against that server. Everything that
// happens is reported as plain events, for the UI's store or a transcript.
// Faults come from outside the lesson code too: the client applies them to its
// calls when asked over IPC (see wiretap.ts), and the server is killed from here.
import type { ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { Lesson } from '../lessons.js';
import type { WireEvent } from '../instrument/events.js';
import {
  DEADLINE_ENV,
  decodeBatch,
  isEventBatch,
  isFaultAppliedMessage,
  isListeningMessage,
  type ClientFault,
  type ParentMessage,
} from '../instrument/ipc-sink.js';
import { escapeControlChars } from '../runtime/control-chars.js';
import { spawnLessonFile, stopChild, type Stream } from './child.js';

export type Side = 'server' | 'client';

export type SessionEvent =
  | { type: 'output'; side: Side; stream: Stream; line: string }
  | { type: 'server-listening'; port: number }
  | { type: 'client-start'; run: number; names?: string[]; deadlineMs?: number }
  | { type: 'exit'; side: Side; run?: number; code: number | null; signal: NodeJS.Signals | null; expected: boolean }
  | { type: 'wire'; run: number; events: WireEvent[] };

export interface SessionOptions {
  host?: string;
  /** How long a server may take to start listening. */
  startTimeoutMs?: number;
}

export interface RunOptions {
  /** A deadline for every call of the run, in ms from its start; the lesson's own applies if it is sooner. */
  deadlineMs?: number;
}

/** How long a kill waits for the client to mark its calls before it kills anyway. */
const FAULT_MARK_TIMEOUT_MS = 500;

export class LessonSession {
  readonly lesson: Lesson;
  private readonly host: string;
  private readonly startTimeoutMs: number;
  private readonly listeners = new Set<(event: SessionEvent) => void>();
  private server?: ChildProcess;
  /** Settles once the current server's exit has been handled (and reported). */
  private serverGone: Promise<void> = Promise.resolve();
  private client?: ChildProcess;
  /** When the current client process started (performance.now()), for a fault with no call to time it by. */
  private clientStartedAt = 0;
  /** The current client's reading is paused (see pauseReading). */
  private readingPaused = false;
  /** Waiting for the client to say a fault is applied. */
  private readonly faultWaiters = new Set<(fault: ClientFault) => void>();
  private stoppingServer = false;
  /** Clients stopped on purpose (a new run replaced them): their exit is no failure. */
  private readonly stoppedClients = new WeakSet<ChildProcess>();
  private runs = 0;
  port?: number;
  /** Lessons with a REST endpoint too: its port. */
  restPort?: number;

  constructor(lesson: Lesson, options: SessionOptions = {}) {
    this.lesson = lesson;
    this.host = options.host ?? '127.0.0.1';
    this.startTimeoutMs = options.startTimeoutMs ?? 20_000;
  }

  get serverPid(): number | undefined {
    return this.server?.pid;
  }

  subscribe(listener: (event: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // Every event reaches a terminal (the UI, a transcript). Lesson processes
  // print what peers sent them, so escape control characters here, once, for all.
  private emit(event: SessionEvent): void {
    const safe = terminalSafe(event);
    for (const listener of this.listeners) listener(safe);
  }

  /** Starts the server and resolves with its port once it accepts calls. */
  startServer(): Promise<number> {
    if (this.server) return Promise.reject(new Error('server already running'));
    this.stoppingServer = false;
    this.port = undefined;
    this.restPort = undefined;
    let gone!: () => void;
    this.serverGone = new Promise((resolve) => (gone = resolve));
    return new Promise((resolve, reject) => {
      let lastError = '';
      const timer = setTimeout(() => {
        reject(new Error(`server did not start listening within ${this.startTimeoutMs} ms`));
        void this.stopServer();
      }, this.startTimeoutMs);
      const args = ['--host', this.host, '--port', '0', ...(this.lesson.rest ? ['--rest-port', '0'] : [])];
      const server = spawnLessonFile(this.lesson.serverPath, args, {
        onLine: (stream, line) => {
          if (stream === 'stderr') lastError = line;
          this.emit({ type: 'output', side: 'server', stream, line });
        },
        onMessage: (message) => {
          if (!isListeningMessage(message)) return;
          if (message.protocol === 'grpc') this.port = message.port;
          else this.restPort = message.port;
          // Ready once every endpoint the lesson serves is bound.
          if (this.port === undefined || (this.lesson.rest && this.restPort === undefined)) return;
          clearTimeout(timer);
          this.emit({ type: 'server-listening', port: this.port });
          resolve(this.port);
        },
        onExit: (code, signal) => {
          clearTimeout(timer);
          if (this.server === server) this.server = undefined;
          this.port = undefined;
          this.emit({ type: 'exit', side: 'server', code, signal, expected: this.stoppingServer });
          gone();
          reject(new Error(lastError || `server exited with code ${code ?? signal}`));
        },
      });
      this.server = server;
    });
  }

  async stopServer(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.stoppingServer = true;
    await stopChild(server);
  }

  async restartServer(): Promise<number> {
    await this.stopServer();
    return this.startServer();
  }

  async stopClient(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.stoppedClients.add(client);
    await stopChild(client);
  }

  /**
   * Kills the server with SIGKILL, as a crash would, in the middle of whatever
   * the client is doing; resolves once it is gone (restart it with startServer).
   * The client's calls in flight get a 'kill-server' row first, timed on each call.
   */
  async killServer(): Promise<void> {
    const server = this.server;
    if (!server) throw new Error('the server is not running');
    if ((await this.clientFault('kill-server')) === 'no-client') {
      this.emit({
        type: 'wire',
        run: this.runs,
        events: [this.faultWithoutClient('server killed (SIGKILL): no client running')],
      });
    }
    this.stoppingServer = true;
    server.kill('SIGKILL');
    await this.serverGone;
  }

  /** A fault row the session writes itself: no client to time it, so ms counts from the last run's start. */
  private faultWithoutClient(detail: string): WireEvent {
    return {
      type: 'fault',
      ms: this.runs ? performance.now() - this.clientStartedAt : 0,
      fault: 'kill-server',
      detail,
    };
  }

  /** Cancels the client's calls in flight (CANCELLED); false if no client is running. */
  async cancelCalls(): Promise<boolean> {
    return (await this.clientFault('cancel')) !== 'no-client';
  }

  /**
   * Pauses the client's reading of replies, or resumes it if paused: HTTP/2
   * flow control then stops the server's writes. Resolves with whether reading
   * is now paused, or undefined if no client is running.
   */
  async toggleReading(): Promise<boolean | undefined> {
    // Decided now, so a second press before the first is applied resumes.
    const pause = !this.readingPaused;
    this.readingPaused = pause;
    if ((await this.clientFault(pause ? 'pause' : 'resume')) !== 'no-client') return pause;
    this.readingPaused = false;
    return undefined;
  }

  /**
   * Asks the client to apply a fault. Resolves once it has and its rows are out;
   * with 'timeout' if it has not answered soon (it still gets the message), or
   * 'no-client' if no client is running to ask.
   */
  private clientFault(fault: ClientFault): Promise<'applied' | 'timeout' | 'no-client'> {
    const client = this.client;
    if (!client?.connected) return Promise.resolve('no-client');
    return new Promise((resolve) => {
      const done = (outcome: 'applied' | 'timeout' | 'no-client') => {
        clearTimeout(timer);
        this.faultWaiters.delete(onApplied);
        client.off('exit', onExit);
        resolve(outcome);
      };
      const onApplied = (applied: ClientFault) => applied === fault && done('applied');
      // Ending right now: the fault found nothing to act on.
      const onExit = () => done('no-client');
      // A client too busy to answer does not hold the fault up for long.
      const timer = setTimeout(() => done('timeout'), FAULT_MARK_TIMEOUT_MS);
      this.faultWaiters.add(onApplied);
      client.once('exit', onExit);
      const message: ParentMessage = { type: 'fault', fault };
      client.send(message, (error: Error | null) => {
        if (error) done('no-client');
      });
    });
  }

  /** Runs the client once against the server; resolves with its exit code. */
  async runClient(names?: string[], options: RunOptions = {}): Promise<number> {
    await this.stopClient();
    if (this.port === undefined) throw new Error('the server is not running');
    const run = ++this.runs;
    const args = ['--target', `${this.host}:${this.port}`, ...(names ?? []).flatMap((name) => ['--name', name])];
    if (this.restPort !== undefined) args.push('--rest-target', `${this.host}:${this.restPort}`);
    this.emit({ type: 'client-start', run, names, deadlineMs: options.deadlineMs });
    return new Promise((resolve) => {
      // Always set, so a value in the UI's own environment never reaches a run that has none.
      const env = { [DEADLINE_ENV]: options.deadlineMs?.toString() };
      this.clientStartedAt = performance.now();
      this.readingPaused = false;
      const client = spawnLessonFile(
        this.lesson.clientProgramPath,
        args,
        {
          onLine: (stream, line) => this.emit({ type: 'output', side: 'client', stream, line }),
          onMessage: (message) => {
            if (isEventBatch(message)) this.emit({ type: 'wire', run, events: decodeBatch(message) });
            else if (isFaultAppliedMessage(message) && this.client === client)
              for (const waiter of [...this.faultWaiters]) waiter(message.fault);
          },
          onExit: (code, signal) => {
            if (this.client === client) this.client = undefined;
            this.emit({ type: 'exit', side: 'client', run, code, signal, expected: this.stoppedClients.has(client) });
            resolve(code ?? 1);
          },
        },
        env,
      );
      this.client = client;
    });
  }

  /** Ends every process this session started. */
  async stop(): Promise<void> {
    await Promise.all([this.stopClient(), this.stopServer()]);
  }
}

/** The event with every control character in its text escaped (see escapeControlChars). */
export function terminalSafe(event: SessionEvent): SessionEvent {
  switch (event.type) {
    case 'output':
      return { ...event, line: escapeControlChars(event.line) };
    case 'client-start':
      return event.names ? { ...event, names: event.names.map(escapeControlChars) } : event;
    case 'wire':
      return { ...event, events: event.events.map(terminalSafeWireEvent) };
    default:
      return event;
  }
}

/**
 * Status details, header values and the method name come from the peer. Message
 * content needs nothing here: it is shown as JSON, which escapes control
 * characters, or byte by byte in the wire view.
 */
function terminalSafeWireEvent(event: WireEvent): WireEvent {
  switch (event.type) {
    case 'call':
      return { ...event, method: escapeControlChars(event.method) };
    case 'status':
      return { ...event, details: escapeControlChars(event.details) };
    case 'headers':
      return {
        ...event,
        headers: event.headers.map(([name, value]) => [escapeControlChars(name), escapeControlChars(value)]),
      };
    case 'connectivity':
      return { ...event, state: escapeControlChars(event.state) };
    default:
      return event;
  }
}

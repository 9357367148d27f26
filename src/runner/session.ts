// Runs one lesson live: its server as a child process on a free loopback port,
// and its client, as often as asked, against that server. Everything that
// happens is reported as plain events, for the UI's store or a transcript.
import type { ChildProcess } from 'node:child_process';
import type { Lesson } from '../lessons.js';
import type { WireEvent } from '../instrument/events.js';
import { decodeBatch, isEventBatch, isListeningMessage } from '../instrument/ipc-sink.js';
import { escapeControlChars } from '../runtime/control-chars.js';
import { spawnLessonFile, stopChild, type Stream } from './child.js';

export type Side = 'server' | 'client';

export type SessionEvent =
  | { type: 'output'; side: Side; stream: Stream; line: string }
  | { type: 'server-listening'; port: number }
  | { type: 'client-start'; run: number; names?: string[] }
  | { type: 'exit'; side: Side; run?: number; code: number | null; signal: NodeJS.Signals | null; expected: boolean }
  | { type: 'wire'; run: number; events: WireEvent[] };

export interface SessionOptions {
  host?: string;
  /** How long a server may take to start listening. */
  startTimeoutMs?: number;
}

export class LessonSession {
  readonly lesson: Lesson;
  private readonly host: string;
  private readonly startTimeoutMs: number;
  private readonly listeners = new Set<(event: SessionEvent) => void>();
  private server?: ChildProcess;
  private client?: ChildProcess;
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

  /** Runs the client once against the server; resolves with its exit code. */
  async runClient(names?: string[]): Promise<number> {
    await this.stopClient();
    if (this.port === undefined) throw new Error('the server is not running');
    const run = ++this.runs;
    const args = ['--target', `${this.host}:${this.port}`, ...(names ?? []).flatMap((name) => ['--name', name])];
    if (this.restPort !== undefined) args.push('--rest-target', `${this.host}:${this.restPort}`);
    this.emit({ type: 'client-start', run, names });
    return new Promise((resolve) => {
      const client = spawnLessonFile(this.lesson.clientProgramPath, args, {
        onLine: (stream, line) => this.emit({ type: 'output', side: 'client', stream, line }),
        onMessage: (message) => {
          if (isEventBatch(message)) this.emit({ type: 'wire', run, events: decodeBatch(message) });
        },
        onExit: (code, signal) => {
          if (this.client === client) this.client = undefined;
          this.emit({ type: 'exit', side: 'client', run, code, signal, expected: this.stoppedClients.has(client) });
          resolve(code ?? 1);
        },
      });
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

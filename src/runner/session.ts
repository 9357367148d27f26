// Runs one lesson live: its server as a child process on a free loopback port,
// and its client, as often as asked, against that server. Everything that
// happens is reported as plain events, for the UI's store or a transcript.
// Faults come from outside the lesson code too: the client applies them to its
// calls when asked over IPC (see wiretap.ts), and the server is killed from here.
// A lesson that lists `clients` runs them all at once instead, each its own
// process with a stdin to type into; their events carry the client's label.
// A lesson that lists `servers` runs each as its own server.ts process on its
// own port, and its client gets one target naming them all; their events carry
// the server's label.
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
  type KilledServer,
  type ParentMessage,
} from '../instrument/ipc-sink.js';
import { escapeControlChars } from '../runtime/control-chars.js';
import { multiAddressTarget } from '../address.js';
import { endStdinThenStop, spawnLessonFile, stopChild, writeLine, type Stream } from './child.js';

export type Side = 'server' | 'client';

/**
 * `client`: which of the lesson's clients (its label), in a lesson that runs several (Lesson.clients);
 * `server`: which of its servers, in a lesson that runs several (Lesson.servers).
 */
export type SessionEvent =
  | { type: 'output'; side: Side; stream: Stream; line: string; client?: string; server?: string }
  | { type: 'server-listening'; port: number; server?: string }
  | { type: 'client-start'; run: number; names?: string[]; deadlineMs?: number; args?: string[]; client?: string }
  | {
      type: 'exit';
      side: Side;
      run?: number;
      code: number | null;
      signal: NodeJS.Signals | null;
      expected: boolean;
      client?: string;
      server?: string;
    }
  | { type: 'wire'; run: number; events: WireEvent[]; client?: string };

export interface SessionOptions {
  host?: string;
  /** How long a server may take to start listening. */
  startTimeoutMs?: number;
}

export interface RunOptions {
  /** A deadline for every call of the run, in ms from its start; the lesson's own applies if it is sooner. */
  deadlineMs?: number;
  /** More args for the client (the lesson's switches that are on). */
  args?: string[];
}

/** How long a kill waits for the client to mark its calls before it kills anyway. */
const FAULT_MARK_TIMEOUT_MS = 500;
/** How long a client that was told to leave (its stdin ended) gets to finish its call before it is stopped. */
export const LEAVE_GRACE_MS = 2_000;

/** A client process of the session: the lesson's one client, or one of the clients it lists. */
interface RunningClient {
  child: ChildProcess;
  /** Its reading of replies is paused (see toggleReading). */
  readingPaused: boolean;
  /** Waiting for it to say a fault is applied. */
  faultWaiters: Set<(fault: ClientFault) => void>;
  /** Told to leave (its stdin ended): resolves once it is gone. */
  leaving?: Promise<void>;
}

/** The key of the lesson's one client in the session's map of clients. */
const ONE_CLIENT = '';
/** The key of the lesson's one server in the session's map of servers. */
const ONE_SERVER = '';

/** A server process of the session: the lesson's one server, or one of the servers it lists. */
interface ServerSlot {
  /** Its label, for one of a lesson's several servers; undefined for the lesson's one server. */
  label?: string;
  /** What the lesson's entry gives it besides --host and --port. */
  args: string[];
  child?: ChildProcess;
  /** The port it listens on, while it does. */
  port?: number;
  /** The port it last listened on: a restart asks for it again. */
  lastPort?: number;
  /** Lessons with a REST endpoint too: its port. */
  restPort?: number;
  /** Stopped on purpose: its exit is no failure. */
  stopping: boolean;
  /** Settles once its process's exit has been handled (and reported). */
  gone: Promise<void>;
}

export class LessonSession {
  readonly lesson: Lesson;
  private readonly host: string;
  private readonly startTimeoutMs: number;
  private readonly listeners = new Set<(event: SessionEvent) => void>();
  /** The server processes, by label (ONE_SERVER for a lesson's one server), in the lesson's order. */
  private readonly servers = new Map<string, ServerSlot>();
  /** The client processes running, by label (ONE_CLIENT for a lesson's one client). */
  private readonly clients = new Map<string, RunningClient>();
  /** When the last client process started (performance.now()), for a fault with no call to time it by. */
  private clientStartedAt = 0;
  /** Clients stopped on purpose (a new run replaced them): their exit is no failure. */
  private readonly stoppedClients = new WeakSet<ChildProcess>();
  private runs = 0;

  constructor(lesson: Lesson, options: SessionOptions = {}) {
    this.lesson = lesson;
    this.host = options.host ?? '127.0.0.1';
    this.startTimeoutMs = options.startTimeoutMs ?? 20_000;
    const listed = lesson.servers ?? [{ label: undefined, args: [] }];
    for (const { label, args } of listed)
      this.servers.set(label ?? ONE_SERVER, { label, args, stopping: false, gone: Promise.resolve() });
  }

  /** The port the lesson's one server (the first of several) listens on, while it does. */
  get port(): number | undefined {
    return this.firstServer().port;
  }

  /** Set by a test whose client runs against a server it started itself. */
  set port(port: number | undefined) {
    const slot = this.firstServer();
    slot.port = port;
    slot.lastPort = port;
  }

  /** Lessons with a REST endpoint too: its port. */
  get restPort(): number | undefined {
    return this.firstServer().restPort;
  }

  get serverPid(): number | undefined {
    return this.firstServer().child?.pid;
  }

  /** The process id of the server with this label (or of the lesson's one server), while it runs. */
  serverPidOf(label?: string): number | undefined {
    return this.serverSlot(label).child?.pid;
  }

  /** Whether the server with this label (or the lesson's one server) is running. */
  isServerRunning(label?: string): boolean {
    return this.serverSlot(label).child !== undefined;
  }

  /** The port the server with this label listens on, or last listened on if it is stopped. */
  serverPort(label?: string): number | undefined {
    const slot = this.serverSlot(label);
    return slot.port ?? slot.lastPort;
  }

  private firstServer(): ServerSlot {
    return this.servers.values().next().value!;
  }

  /** The server with this label; without one, the lesson's one server. Throws for a label the lesson does not list. */
  private serverSlot(label?: string): ServerSlot {
    if (label === undefined) return this.firstServer();
    const slot = this.servers.get(label);
    if (!slot || slot.label === undefined) throw new Error(`lesson ${this.lesson.slug} lists no server "${label}"`);
    return slot;
  }

  /** The server with this label, or every server. */
  private serverTargets(label?: string): ServerSlot[] {
    return label === undefined ? [...this.servers.values()] : [this.serverSlot(label)];
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

  /**
   * Starts the server and resolves with its port once it accepts calls; in a
   * lesson with several servers, the one with this label, or without a label
   * every one that is not running (resolving with the first's port). A server
   * comes back on the port it last had, so a client that keeps its target (a
   * stream that reconnects, lesson 11; a channel that balances over several
   * backends, lesson 18) finds it again; on any free port if that one has been
   * taken meanwhile.
   */
  async startServer(label?: string): Promise<number> {
    if (label === undefined && this.lesson.servers) {
      const slots = [...this.servers.values()];
      const ports = await Promise.all(
        slots.map((slot) => (slot.child ? Promise.resolve(slot.port!) : this.startSlot(slot))),
      );
      return ports[0];
    }
    return this.startSlot(this.serverSlot(label));
  }

  private async startSlot(slot: ServerSlot): Promise<number> {
    const previous = slot.lastPort;
    if (previous === undefined) return this.spawnServer(slot, 0);
    try {
      return await this.spawnServer(slot, previous);
    } catch (error) {
      if (!/cannot listen on/.test((error as Error).message)) throw error;
      return this.spawnServer(slot, 0);
    }
  }

  private spawnServer(slot: ServerSlot, port: number): Promise<number> {
    if (slot.child) return Promise.reject(new Error(`${this.serverName(slot)} already running`));
    slot.stopping = false;
    slot.port = undefined;
    slot.restPort = undefined;
    let gone!: () => void;
    slot.gone = new Promise((resolve) => (gone = resolve));
    const tagged = slot.label === undefined ? {} : { server: slot.label };
    return new Promise((resolve, reject) => {
      let lastError = '';
      const timer = setTimeout(() => {
        reject(new Error(`${this.serverName(slot)} did not start listening within ${this.startTimeoutMs} ms`));
        void this.stopSlot(slot);
      }, this.startTimeoutMs);
      const args = [
        '--host',
        this.host,
        '--port',
        String(port),
        ...(this.lesson.rest ? ['--rest-port', '0'] : []),
        ...slot.args,
      ];
      const server = spawnLessonFile(this.lesson.serverPath, args, {
        onLine: (stream, line) => {
          if (stream === 'stderr') lastError = line;
          this.emit({ type: 'output', side: 'server', stream, line, ...tagged });
        },
        onMessage: (message) => {
          if (!isListeningMessage(message)) return;
          if (message.protocol === 'grpc') slot.port = message.port;
          // An HTTP port is the lesson's REST side only where it has one (lesson 05);
          // elsewhere it is the server's own business (lesson 17's metrics).
          else if (this.lesson.rest) slot.restPort = message.port;
          // Ready once every endpoint the lesson serves is bound.
          if (slot.port === undefined || (this.lesson.rest && slot.restPort === undefined)) return;
          clearTimeout(timer);
          slot.lastPort = slot.port;
          this.emit({ type: 'server-listening', port: slot.port, ...tagged });
          resolve(slot.port);
        },
        onExit: (code, signal) => {
          clearTimeout(timer);
          if (slot.child === server) slot.child = undefined;
          slot.port = undefined;
          this.emit({ type: 'exit', side: 'server', code, signal, expected: slot.stopping, ...tagged });
          gone();
          reject(new Error(lastError || `${this.serverName(slot)} exited with code ${code ?? signal}`));
        },
      });
      slot.child = server;
    });
  }

  /** "server", or "server b" in a lesson with several. */
  private serverName(slot: ServerSlot): string {
    return slot.label === undefined ? 'server' : `server ${slot.label}`;
  }

  /** Stops the server with this label, or every server if none is given. */
  async stopServer(label?: string): Promise<void> {
    await Promise.all(this.serverTargets(label).map((slot) => this.stopSlot(slot)));
  }

  private async stopSlot(slot: ServerSlot): Promise<void> {
    const server = slot.child;
    if (!server) return;
    slot.stopping = true;
    await stopChild(server);
    await slot.gone;
  }

  async restartServer(): Promise<number> {
    await this.stopServer();
    return this.startServer();
  }

  /** Stops the client with this label, or every client if none is given. */
  async stopClient(label?: string): Promise<void> {
    await Promise.all(
      this.targets(label).map(({ child }) => {
        this.stoppedClients.add(child);
        return stopChild(child);
      }),
    );
  }

  /** The clients running, or the one with this label (none if it is not running). */
  private targets(label?: string): RunningClient[] {
    if (label === undefined) return [...this.clients.values()];
    const client = this.clients.get(label);
    return client ? [client] : [];
  }

  /** The process id of the client with this label (or of the lesson's one client), while it runs. */
  clientPid(label = ONE_CLIENT): number | undefined {
    return this.clients.get(label)?.child.pid;
  }

  /** Whether the client with this label (or the lesson's one client) is running. */
  isClientRunning(label = ONE_CLIENT): boolean {
    return this.clients.has(label);
  }

  /**
   * Kills the server with SIGKILL, as a crash would, in the middle of whatever
   * the client is doing; resolves once it is gone (restart it with startServer).
   * In a lesson with several servers, the one with this label, or every one.
   * The client's calls in flight on it get a 'kill-server' row first, timed on each call.
   */
  async killServer(label?: string): Promise<void> {
    const slots = this.serverTargets(label).filter((slot) => slot.child);
    if (slots.length === 0)
      throw new Error(label === undefined ? 'the server is not running' : `server ${label} is not running`);
    // Every client's calls are hit: they all talk to these servers.
    for (const slot of slots) {
      const killed = slot.label === undefined ? undefined : { label: slot.label, port: slot.port };
      const outcomes = await Promise.all(
        this.targets().map((client) => this.clientFault(client, 'kill-server', killed)),
      );
      if (outcomes.every((outcome) => outcome === 'no-client')) {
        this.emit({
          type: 'wire',
          run: this.runs,
          events: [this.faultWithoutClient(`${this.serverName(slot)} killed (SIGKILL): no client running`)],
        });
      }
    }
    await Promise.all(
      slots.map((slot) => {
        slot.stopping = true;
        slot.child!.kill('SIGKILL');
        return slot.gone;
      }),
    );
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

  /**
   * Cancels the calls in flight (CANCELLED) of the client with this label, or
   * of every client; false if none is running.
   */
  async cancelCalls(label?: string): Promise<boolean> {
    const outcomes = await Promise.all(this.targets(label).map((client) => this.clientFault(client, 'cancel')));
    return outcomes.some((outcome) => outcome !== 'no-client');
  }

  /**
   * Pauses the reading of replies of the client with this label, or of every
   * client, or resumes it if paused (all of them paused, for every client):
   * HTTP/2 flow control then stops the server's writes. Resolves with whether
   * reading is now paused, or undefined if no client is running.
   */
  async toggleReading(label?: string): Promise<boolean | undefined> {
    const targets = this.targets(label);
    if (targets.length === 0) return undefined;
    // Decided now, so a second press before the first is applied resumes.
    const pause = !targets.every((client) => client.readingPaused);
    for (const client of targets) client.readingPaused = pause;
    const outcomes = await Promise.all(targets.map((client) => this.clientFault(client, pause ? 'pause' : 'resume')));
    if (outcomes.some((outcome) => outcome !== 'no-client')) return pause;
    for (const client of targets) client.readingPaused = false;
    return undefined;
  }

  /**
   * Asks a client to apply a fault. Resolves once it has and its rows are out;
   * with 'timeout' if it has not answered soon (it still gets the message), or
   * 'no-client' if it is no longer there to ask.
   */
  private clientFault(
    client: RunningClient,
    fault: ClientFault,
    server?: KilledServer,
  ): Promise<'applied' | 'timeout' | 'no-client'> {
    const { child, faultWaiters } = client;
    if (!child.connected) return Promise.resolve('no-client');
    return new Promise((resolve) => {
      const done = (outcome: 'applied' | 'timeout' | 'no-client') => {
        clearTimeout(timer);
        faultWaiters.delete(onApplied);
        child.off('exit', onExit);
        resolve(outcome);
      };
      const onApplied = (applied: ClientFault) => applied === fault && done('applied');
      // Ending right now: the fault found nothing to act on.
      const onExit = () => done('no-client');
      // A client too busy to answer does not hold the fault up for long.
      const timer = setTimeout(() => done('timeout'), FAULT_MARK_TIMEOUT_MS);
      faultWaiters.add(onApplied);
      child.once('exit', onExit);
      const message: ParentMessage = server ? { type: 'fault', fault, server } : { type: 'fault', fault };
      child.send(message, (error: Error | null) => {
        if (error) done('no-client');
      });
    });
  }

  /**
   * Whether a client has somewhere to go: the server listens; in a lesson
   * with several, each has listened once (a stopped one stays in the target).
   */
  hasTarget(): boolean {
    if (this.lesson.servers) return [...this.servers.values()].every((slot) => slot.lastPort !== undefined);
    return this.port !== undefined;
  }

  /**
   * The client's arguments that say where the server is; in a lesson with
   * several servers, one target naming every one of them, running or not (a
   * stopped backend stays in the client's list, as a crashed one would).
   */
  private targetArgs(): string[] {
    if (this.lesson.servers) {
      const slots = [...this.servers.values()];
      const missing = slots.filter((slot) => slot.lastPort === undefined).map((slot) => slot.label);
      if (missing.length) throw new Error(`server ${missing.join(', ')} has not started yet`);
      return [
        '--target',
        multiAddressTarget(
          this.host,
          slots.map((slot) => slot.lastPort!),
        ),
      ];
    }
    if (this.port === undefined) throw new Error('the server is not running');
    const args = ['--target', `${this.host}:${this.port}`];
    if (this.restPort !== undefined) args.push('--rest-target', `${this.host}:${this.restPort}`);
    return args;
  }

  /** Runs the client once against the server; resolves with its exit code. */
  async runClient(names?: string[], options: RunOptions = {}): Promise<number> {
    await this.stopClient();
    const args = [...this.targetArgs(), ...(names ?? []).flatMap((name) => ['--name', name]), ...(options.args ?? [])];
    const run = ++this.runs;
    this.emit({ type: 'client-start', run, names, deadlineMs: options.deadlineMs, args: options.args });
    return this.launchClient(this.lesson.clientProgramPath, args, run, options);
  }

  /** The lesson's listed client with this label; throws if it lists none such. */
  private listedClient(label: string) {
    const listed = this.lesson.clients?.find((client) => client.label === label);
    if (!listed) throw new Error(`lesson ${this.lesson.slug} lists no client "${label}"`);
    return listed;
  }

  /**
   * Starts every client the lesson lists (Lesson.clients), stopping whatever
   * client runs first; resolves once they are started, not when they end (an
   * interactive client ends when its stdin does: see leaveClient).
   */
  async startClients(options: RunOptions = {}): Promise<void> {
    const listed = this.lesson.clients ?? [];
    if (listed.length === 0) throw new Error(`lesson ${this.lesson.slug} lists no clients`);
    await this.stopClient();
    this.targetArgs();
    const run = ++this.runs;
    for (const { label } of listed) this.startListedClient(label, run, options);
  }

  /** Starts one of the lesson's listed clients again (it joins), if it is not running; part of the latest run. */
  async startClient(label: string, options: RunOptions = {}): Promise<void> {
    this.listedClient(label);
    await this.clients.get(label)?.leaving;
    if (this.clients.has(label)) return;
    this.targetArgs();
    this.startListedClient(label, this.runs || ++this.runs, options);
  }

  private startListedClient(label: string, run: number, options: RunOptions): void {
    const args = [...this.targetArgs(), ...this.listedClient(label).args, ...(options.args ?? [])];
    this.emit({ type: 'client-start', run, deadlineMs: options.deadlineMs, args: options.args, client: label });
    void this.launchClient(this.lesson.clientPath, args, run, options, label);
  }

  /**
   * Makes the client with this label leave: ends its stdin, so an interactive
   * client half-closes its call; stopped if it has not exited after
   * LEAVE_GRACE_MS. Resolves once it is gone.
   */
  leaveClient(label: string): Promise<void> {
    const client = this.clients.get(label);
    if (!client) return Promise.resolve();
    // Stopped after the grace, its exit is no failure; one that exits by itself says how it ended.
    client.leaving ??= endStdinThenStop(client.child, LEAVE_GRACE_MS, () => this.stoppedClients.add(client.child));
    return client.leaving;
  }

  /** Writes a line to the stdin of the client with this label; false if it is not running or has no stdin. */
  sendLine(label: string, line: string): boolean {
    const client = this.clients.get(label);
    return client !== undefined && !client.leaving && writeLine(client.child, line);
  }

  /** Starts one client process; resolves with its exit code once it has ended. */
  private launchClient(
    program: string,
    args: string[],
    run: number,
    options: RunOptions,
    label?: string,
  ): Promise<number> {
    const key = label ?? ONE_CLIENT;
    const tagged = label === undefined ? {} : { client: label };
    return new Promise((resolve) => {
      // Always set, so a value in the UI's own environment never reaches a run that has none.
      const env = { [DEADLINE_ENV]: options.deadlineMs?.toString() };
      this.clientStartedAt = performance.now();
      const child = spawnLessonFile(
        program,
        args,
        {
          onLine: (stream, line) => this.emit({ type: 'output', side: 'client', stream, line, ...tagged }),
          onMessage: (message) => {
            if (isEventBatch(message)) this.emit({ type: 'wire', run, events: decodeBatch(message), ...tagged });
            else if (isFaultAppliedMessage(message) && this.clients.get(key) === client)
              for (const waiter of [...client.faultWaiters]) waiter(message.fault);
          },
          onExit: (code, signal) => {
            if (this.clients.get(key) === client) this.clients.delete(key);
            const expected = this.stoppedClients.has(child);
            this.emit({ type: 'exit', side: 'client', run, code, signal, expected, ...tagged });
            resolve(code ?? 1);
          },
        },
        env,
        // A listed client reads the lines the learner types; the lesson's one client reads nothing.
        { stdin: label === undefined ? 'ignore' : 'pipe' },
      );
      const client: RunningClient = { child, readingPaused: false, faultWaiters: new Set() };
      this.clients.set(key, client);
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

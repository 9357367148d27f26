// The UI's state, outside React: fed by lesson sessions and key actions,
// read by components. Notifies at most once a frame, so a burst of a
// thousand events costs one render.
import { LESSONS, type Lesson } from '../lessons.js';
import type { TlsBytes, WireEvent } from '../instrument/events.js';
import type { SessionEvent, Side } from '../runner/session.js';
import { RingBuffer } from './ring.js';
import {
  EXERCISE_PANES,
  contentRows,
  exerciseLayout,
  exerciseRectOf,
  helpRect,
  isExercisePane,
  layoutFor,
  rectOf,
  wireRect,
  type ExercisePane,
} from './layout.js';
import type { ExerciseView } from './exercise-store.js';
import type { ExerciseProgress } from './progress.js';
import type { Mode } from './keymap.js';
import { CallBackends, type TransportEvent } from '../runner/format.js';
import { formatNames } from './names.js';
import { usefulErrorLine } from './crash.js';
import { catalog, type Catalog } from '../i18n/catalog.js';
import type { Language } from '../i18n/lang.js';
import type { UiWords } from '../i18n/ui-words.js';

/** Enough of a process's stderr to hold a whole Node crash report. */
const STDERR_KEPT = 100;

/** The pane of one of the clients a lesson runs at once (Lesson.clients), by its label. */
export type ClientPane = `client:${string}`;
/** The pane of one of the servers a lesson runs at once (Lesson.servers), by its label. */
export type ServerPane = `server:${string}`;
/** The panes Tab moves between; the wire view and the help open over them. */
export type TabPane = 'text' | 'source' | 'server' | 'client' | 'timeline' | ClientPane | ServerPane;
export type PaneId = TabPane | 'wire' | 'help' | ExercisePane;
/** The panes of a lesson with one client. */
export const PANES: readonly TabPane[] = ['text', 'source', 'server', 'client', 'timeline'];
const ALL_PANES: readonly PaneId[] = [...PANES, 'wire', 'help', ...EXERCISE_PANES];

export const clientPane = (label: string): ClientPane => `client:${label}`;
export const serverPane = (label: string): ServerPane => `server:${label}`;

/** The label of the client whose pane this is, if it is one of a lesson's several clients. */
export function clientLabelOf(pane: PaneId): string | undefined {
  return pane.startsWith('client:') ? pane.slice('client:'.length) : undefined;
}

/** The label of the server whose pane this is, if it is one of a lesson's several servers. */
export function serverLabelOf(pane: PaneId): string | undefined {
  return pane.startsWith('server:') ? pane.slice('server:'.length) : undefined;
}

/** The panes of the clients a lesson runs at once, in its order; none for a lesson with one client. */
export function clientPanesOf(lesson: Lesson): ClientPane[] {
  return (lesson.clients ?? []).map((client) => clientPane(client.label));
}

/** The panes of the servers a lesson runs at once, in its order; none for a lesson with one server. */
export function serverPanesOf(lesson: Lesson): ServerPane[] {
  return (lesson.servers ?? []).map((server) => serverPane(server.label));
}

/**
 * The panes Tab moves between in this lesson: its clients' panes take the
 * place of the one client pane; its servers' panes, of the one server pane,
 * after the timeline (one Tab from it reaches the first server).
 */
export function panesOf(lesson: Lesson): TabPane[] {
  const clients = clientPanesOf(lesson);
  if (clients.length) return ['text', 'source', 'server', ...clients, 'timeline'];
  const servers = serverPanesOf(lesson);
  if (servers.length) return ['text', 'source', 'client', 'timeline', ...servers];
  return [...PANES];
}

export interface LogLine {
  /** The line as written (a program's own output), or as the UI first said it. */
  text: string;
  tone: 'normal' | 'error' | 'info';
  /** A line the UI writes itself, in the language the UI speaks when it is drawn. */
  say?: (words: UiWords) => string;
}

export interface TimelineRow {
  run: number;
  event: WireEvent;
  /** The call's method path, for decoding its messages. */
  method?: string;
  /** The label of the client whose call it is, in a lesson that runs several. */
  client?: string;
  /** The connection the call went on, once known: for the wire view to say what TLS did with the bytes. */
  transport?: CallTransport;
}

/** A call's connection, for the wire view of its rows. */
export interface CallTransport {
  /** The connection's row: TLS and what its handshake agreed, or plaintext. */
  connection: TransportEvent;
  /** On TLS: the bytes in and out of TLS on that connection while the call was open, set when it ends. */
  tlsBytes?: TlsBytes;
}

export interface ScrollState {
  offset: number;
  follow: boolean;
}

export type ServerState =
  | { state: 'stopped' }
  | { state: 'starting' }
  | { state: 'listening'; port: number }
  | { state: 'exited'; code: number | null; signal: string | null; expected: boolean };

export type ClientState =
  | { state: 'idle' }
  | { state: 'running'; run: number }
  | { state: 'exited'; run: number; code: number | null; signal: string | null };

/** One of the clients a lesson runs at once: its pane's lines, its process, whether it reads replies. */
export interface ListedClientState {
  log: RingBuffer<LogLine>;
  client: ClientState;
  readingPaused: boolean;
}

/** One of the servers a lesson runs at once: its pane's lines and its process. */
export interface ListedServerState {
  log: RingBuffer<LogLine>;
  server: ServerState;
  /** The port it listens on, or last listened on: calls that went there are its. */
  port?: number;
}

/** What one of several servers is doing, in a word or two (its pane's title is short at 80 columns). */
export function listedServerStatus({ server }: ListedServerState, words: UiWords): string {
  switch (server.state) {
    case 'listening':
      return `:${server.port}`;
    case 'exited':
      return server.signal === 'SIGKILL'
        ? words.listedServer.killed
        : server.expected
          ? words.listedServer.stopped
          : words.listedExited(server.code, server.signal);
    default:
      return words.listedServer[server.state];
  }
}

/** What one of several clients is doing, in a word or two (its pane's title is short at 80 columns). */
export function listedClientStatus({ client, readingPaused }: ListedClientState, words: UiWords): string {
  if (client.state === 'running') return words.listedClient[readingPaused ? 'paused' : 'running'];
  if (client.state === 'exited') return words.listedExited(client.code, client.signal);
  return words.listedClient['not-started'];
}

export interface UiState {
  /** The language the UI speaks (t switches it). */
  language: Language;
  screen: 'picker' | 'lesson';
  pickerIndex: number;
  lesson: Lesson;
  /** Slugs of the lessons whose client has run and exited 0 in the UI (this run or, with a progress file, an earlier one). */
  completed: Set<string>;
  focus: TabPane;
  /** The focused pane takes the whole body. */
  maximized: boolean;
  sourceTab: 'server' | 'client';
  scroll: Record<PaneId, ScrollState>;
  help: boolean;
  /** The timeline row under the cursor, counted from the first row ever pushed (see RingBuffer.total). */
  selected?: number;
  /** The wire view of the selected message is open. */
  wireView: boolean;
  /** The names being typed, while the name editor is open. */
  nameDraft?: string;
  names?: string[];
  /** The line being typed for a client's stdin (e on a client pane), while the line prompt is open. */
  linePrompt?: { client: string; text: string };
  /** The deadline being typed (digits), while the deadline prompt is open. */
  deadlineDraft?: string;
  /** A deadline (ms) the UI gives every call of the client's runs; the lesson's own when unset. */
  deadlineMs?: number;
  /** The keys of the open lesson's switches that are on (Lesson.switches). */
  switchesOn: Set<string>;
  /** The running client's reading of replies is paused (a fault from the UI). */
  readingPaused: boolean;
  server: ServerState;
  client: ClientState;
  serverLog: RingBuffer<LogLine>;
  clientLog: RingBuffer<LogLine>;
  /** A lesson that runs several clients (Lesson.clients): each one's state, by label, in the lesson's order. */
  listedClients: Map<string, ListedClientState>;
  /** A lesson that runs several servers (Lesson.servers): each one's state, by label, in the lesson's order. */
  listedServers: Map<string, ListedServerState>;
  /**
   * A lesson that runs several servers: how many calls of the client's
   * latest run each served (ended OK on a connection to it), by label.
   */
  served: Map<string, number>;
  timeline: RingBuffer<TimelineRow>;
  /** The lesson's text and source, as last read from disk. */
  files: { text: string; server: string; client: string };
  notice: string;
  size: { columns: number; rows: number };
  /** The exercise view, while it is open over the lesson (see exercise-store.ts). */
  exercise?: ExerciseView;
  /** What the learner has done in each exercise, by key (this run or, with a progress file, an earlier one). */
  exerciseProgress: Map<string, ExerciseProgress>;
}

export interface StoreOptions {
  logCapacity?: number;
  timelineCapacity?: number;
  /** Minimum time between two notifications: the frame budget. */
  frameMs?: number;
  /**
   * Frame budget while events flood in (more than `floodEvents` in one frame).
   * A full-screen frame costs Ink ~10 ms of CPU whatever changed; during a
   * stream of thousands of messages a second nobody can read 30 frames of it,
   * and those milliseconds would be taken from the lesson's own processes.
   */
  floodFrameMs?: number;
  floodEvents?: number;
}

const FOLLOWING: Record<Exclude<PaneId, ClientPane | ServerPane>, boolean> = {
  text: false,
  source: false,
  server: true,
  client: true,
  timeline: true,
  wire: false,
  help: false,
  'exercise-file': false,
  'exercise-hints': true,
  'exercise-checks': false,
  'exercise-timeline': true,
  'exercise-output': true,
};

/** Whether a pane follows new lines at the bottom (logs and the timeline), rather than being read from the top. */
const follows = (pane: PaneId): boolean =>
  clientLabelOf(pane) !== undefined || serverLabelOf(pane) !== undefined
    ? true
    : FOLLOWING[pane as keyof typeof FOLLOWING];

function freshScroll(lesson?: Lesson): Record<PaneId, ScrollState> {
  const panes = [...ALL_PANES, ...(lesson ? [...clientPanesOf(lesson), ...serverPanesOf(lesson)] : [])];
  return Object.fromEntries(panes.map((pane) => [pane, { offset: 0, follow: follows(pane) }])) as Record<
    PaneId,
    ScrollState
  >;
}

export class UiStore {
  readonly state: UiState;
  /** How many lines each pane had when it last rendered (reported after the frame, never during it). */
  private readonly renderedLines: Partial<Record<PaneId, number>> = {};
  /** Bumped on every change; what React subscribes to. */
  version = 0;
  private readonly listeners = new Set<() => void>();
  private readonly frameMs: number;
  private readonly floodFrameMs: number;
  private readonly floodEvents: number;
  private nextFrameMs: number;
  private eventsThisFrame = 0;
  private lastNotify = 0;
  /** Stderr of each side's current process (and of each listed client's, by its pane), to say why it failed. */
  private readonly stderr: Record<string, string[]> = { server: [], client: [] };
  /** Why each side's last process failed (and each listed client's), if it did. */
  private readonly failures: Record<string, string> = {};
  private readonly logCapacity: number;
  /** Method path of each call of the open lesson, keyed by run and call. */
  private readonly methods = new Map<string, string>();
  /** A lesson with several servers: where each call went, keyed as `methods`. */
  private readonly backends = new CallBackends();
  /** Each connection's row, by run, client and connection number. */
  private readonly connections = new Map<string, TransportEvent>();
  /** Each call's connection, keyed as `methods`. */
  private readonly transports = new Map<string, CallTransport>();
  private pending?: NodeJS.Timeout;

  constructor(options: StoreOptions = {}) {
    this.frameMs = options.frameMs ?? 33;
    this.floodFrameMs = options.floodFrameMs ?? 500;
    this.floodEvents = options.floodEvents ?? 1_000;
    this.nextFrameMs = this.frameMs;
    this.logCapacity = options.logCapacity ?? 1_000;
    this.state = {
      language: 'en',
      screen: 'picker',
      pickerIndex: 0,
      lesson: LESSONS[0],
      completed: new Set(),
      focus: 'timeline',
      maximized: false,
      sourceTab: 'server',
      scroll: freshScroll(),
      help: false,
      wireView: false,
      switchesOn: new Set(),
      readingPaused: false,
      server: { state: 'stopped' },
      client: { state: 'idle' },
      serverLog: new RingBuffer(options.logCapacity ?? 1_000),
      clientLog: new RingBuffer(options.logCapacity ?? 1_000),
      listedClients: new Map(),
      listedServers: new Map(),
      served: new Map(),
      timeline: new RingBuffer(options.timelineCapacity ?? 2_000),
      files: { text: '', server: '', client: '' },
      notice: '',
      size: { columns: 100, rows: 30 },
      exerciseProgress: new Map(),
    };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  /** A line the UI writes itself: kept as it reads now, and said again in whatever language the UI speaks when drawn. */
  said(say: (words: UiWords) => string, tone: LogLine['tone']): LogLine {
    return { text: say(this.words.ui), tone, say };
  }

  /** The words of the language the UI speaks. */
  get words(): Catalog {
    return catalog(this.state.language);
  }

  /** Which keys apply now: a prompt or the help takes every key while it is open. */
  mode(): Mode {
    const { nameDraft, deadlineDraft, linePrompt, help, screen, wireView, lesson } = this.state;
    if (nameDraft !== undefined) return 'names';
    if (deadlineDraft !== undefined) return 'deadline';
    if (linePrompt !== undefined) return 'line';
    if (help) return 'help';
    if (screen === 'picker') return 'picker';
    if (this.state.exercise) return this.state.exercise.confirming ? 'solution' : 'exercise';
    if (wireView) return 'wire';
    return lesson.clients ? 'clients' : lesson.servers ? 'servers' : 'lesson';
  }

  /** Marks the state changed; listeners hear of it once per frame at most. */
  changed(): void {
    this.version += 1;
    if (this.pending) return;
    const wait = Math.max(0, this.lastNotify + this.nextFrameMs - Date.now());
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.lastNotify = Date.now();
      this.nextFrameMs = this.eventsThisFrame > this.floodEvents ? this.floodFrameMs : this.frameMs;
      this.eventsThisFrame = 0;
      for (const listener of this.listeners) listener();
    }, wait);
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    this.listeners.clear();
  }

  update(change: (state: UiState) => void): void {
    change(this.state);
    this.changed();
  }

  /** Opens a lesson: clears what belonged to the previous one. */
  openLesson(lesson: Lesson): void {
    this.update((state) => {
      state.screen = 'lesson';
      state.lesson = lesson;
      state.pickerIndex = Math.max(0, LESSONS.indexOf(lesson));
      state.scroll = freshScroll(lesson);
      state.serverLog.clear();
      state.clientLog.clear();
      state.listedClients = new Map(
        (lesson.clients ?? []).map(({ label }) => [
          label,
          { log: new RingBuffer(this.logCapacity), client: { state: 'idle' }, readingPaused: false },
        ]),
      );
      state.listedServers = new Map(
        (lesson.servers ?? []).map(({ label }) => [
          label,
          { log: new RingBuffer(this.logCapacity), server: { state: 'stopped' } },
        ]),
      );
      state.served = new Map((lesson.servers ?? []).map(({ label }) => [label, 0]));
      state.linePrompt = undefined;
      // A focused client pane this lesson does not have: its clients' first pane, or the one client pane.
      const panes = panesOf(lesson);
      if (!panes.includes(state.focus))
        state.focus = state.focus === 'client' || clientLabelOf(state.focus) ? (panes[3] ?? 'timeline') : 'timeline';
      state.timeline.clear();
      state.selected = undefined;
      state.wireView = false;
      this.methods.clear();
      this.backends.clear();
      this.connections.clear();
      this.transports.clear();
      state.server = { state: 'stopped' };
      state.client = { state: 'idle' };
      state.switchesOn = new Set();
      // Like a switch, a deadline from the UI is a fault for this lesson's runs: another lesson starts without it.
      state.deadlineMs = undefined;
      state.readingPaused = false;
      state.notice = '';
    });
    this.forget('server');
    this.forget('client');
    for (const label of this.state.listedClients.keys()) this.forget(clientPane(label));
    for (const label of this.state.listedServers.keys()) this.forget(serverPane(label));
  }

  /** A new process on this side (or of this listed client or server): what the last one printed and why it failed no longer apply. */
  private forget(who: Side | ClientPane | ServerPane): void {
    this.stderr[who] = [];
    delete this.failures[who];
  }

  /** The server is being started (again); in a lesson with several, the one with this label, or every one. */
  serverStarting(label?: string): void {
    const { lesson } = this.state;
    if (!lesson.servers) {
      this.forget('server');
      this.update((state) => (state.server = { state: 'starting' }));
      return;
    }
    const labels = label === undefined ? lesson.servers.map((server) => server.label) : [label];
    for (const one of labels) this.forget(serverPane(one));
    this.update(() => {
      for (const one of labels) this.listedServer(one).server = { state: 'starting' };
    });
  }

  /**
   * Why this side's last process failed (or that of the listed client or
   * server with this pane): its exit and the useful line of what it printed.
   */
  failure(who: Side | ClientPane | ServerPane): string | undefined {
    return this.failures[who];
  }

  /** The state of the listed server with this label (made on the spot for one the lesson does not list). */
  listedServer(label: string): ListedServerState {
    const { listedServers } = this.state;
    let found = listedServers.get(label);
    if (!found) {
      found = { log: new RingBuffer(this.logCapacity), server: { state: 'stopped' } };
      listedServers.set(label, found);
    }
    return found;
  }

  /**
   * A timeline row's backend, in a lesson with several servers: the label of
   * the server that served its call ("b", or "b via 127.0.0.1:50060" through
   * a proxy), or the address the call went to while that is not known.
   */
  backendOf(row: TimelineRow): string | undefined {
    return this.backends.text(`${row.run}/${row.client ?? ''}/${row.event.call}`, this.words);
  }

  /** The state of the listed client with this label (made on the spot for one the lesson does not list). */
  listedClient(label: string): ListedClientState {
    const { listedClients } = this.state;
    let found = listedClients.get(label);
    if (!found) {
      found = { log: new RingBuffer(this.logCapacity), client: { state: 'idle' }, readingPaused: false };
      listedClients.set(label, found);
    }
    return found;
  }

  /** Folds one event of the lesson's session into the state. */
  apply(event: SessionEvent): void {
    const state = this.state;
    // An event of one of several clients goes to that client's pane and state; of one of several servers, to its.
    const listed = 'client' in event && event.client !== undefined ? this.listedClient(event.client) : undefined;
    const server = 'server' in event && event.server !== undefined ? this.listedServer(event.server) : undefined;
    const who =
      'client' in event && event.client !== undefined
        ? clientPane(event.client)
        : 'server' in event && event.server !== undefined
          ? serverPane(event.server)
          : undefined;
    switch (event.type) {
      case 'output': {
        const log = event.side === 'server' ? (server?.log ?? state.serverLog) : (listed?.log ?? state.clientLog);
        log.push({ text: event.line, tone: event.stream === 'stderr' ? 'error' : 'normal' });
        if (event.stream === 'stderr') {
          const kept = (this.stderr[who ?? event.side] ??= []);
          kept.push(event.line);
          if (kept.length > STDERR_KEPT) kept.shift();
        }
        break;
      }
      case 'server-listening':
        if (server) {
          server.server = { state: 'listening', port: event.port };
          server.port = event.port;
        } else state.server = { state: 'listening', port: event.port };
        break;
      case 'client-start':
        // The bars count the calls of the latest run.
        for (const label of state.served.keys()) state.served.set(label, 0);
        if (listed && who) {
          this.forget(who);
          listed.client = { state: 'running', run: event.run };
          listed.readingPaused = false;
          listed.log.push(
            this.said((words) => words.runLine(event.run, undefined, event.deadlineMs, event.args?.join(' ')), 'info'),
          );
          break;
        }
        this.forget('client');
        state.client = { state: 'running', run: event.run };
        state.readingPaused = false;
        state.clientLog.push(
          this.said((words) => {
            const names = event.names?.length ? formatNames(event.names) : undefined;
            return words.runLine(event.run, names, event.deadlineMs, event.args?.join(' '));
          }, 'info'),
        );
        break;
      case 'exit': {
        const failed = event.code !== 0 && !event.expected;
        const nameIn = (words: UiWords) =>
          event.client ?? (event.server === undefined ? words[event.side] : words.serverName(event.server));
        const key = who ?? event.side;
        // The first thing a learner reads: the error and where, not the end of a stack.
        // The notice is short (the header already says how it exited), so the reason fits at 60 columns.
        // A process killed by a signal never said why: earlier stderr (a handled error) is not the reason.
        const why = failed && !event.signal ? usefulErrorLine(this.stderr[key] ?? []) : undefined;
        const exited = (words: UiWords) =>
          `${words.exitedLine(nameIn(words), words.exitedHow(event.code, event.signal))}${why ? words.reason(why) : ''}`;
        if (failed) {
          const words = this.words.ui;
          this.failures[key] = why ? words.failedLine(nameIn(words), why) : exited(words);
          state.notice = this.failures[key];
        }
        this.stderr[key] = [];
        const line = this.said(exited, failed ? 'error' : 'info');
        if (listed) {
          listed.client = { state: 'exited', run: event.run ?? 0, code: event.code, signal: event.signal };
          listed.readingPaused = false;
          listed.log.push(line);
          if (event.code === 0) state.completed.add(state.lesson.slug);
        } else if (server) {
          server.server = { state: 'exited', code: event.code, signal: event.signal, expected: event.expected };
          server.log.push(line);
        } else if (event.side === 'server') {
          state.server = { state: 'exited', code: event.code, signal: event.signal, expected: event.expected };
          state.serverLog.push(line);
        } else {
          state.client = { state: 'exited', run: event.run ?? 0, code: event.code, signal: event.signal };
          state.readingPaused = false;
          state.clientLog.push(line);
          if (event.code === 0) state.completed.add(state.lesson.slug);
        }
        break;
      }
      case 'wire':
        this.eventsThisFrame += event.events.length;
        for (const wire of event.events) {
          const key = `${event.run}/${event.client ?? ''}/${wire.call}`;
          if (wire.type === 'call') this.methods.set(key, wire.method);
          this.noteTransport(`${event.run}/${event.client ?? ''}`, key, wire);
          if (wire.type === 'headers' && state.lesson.servers) {
            const ports = new Map(
              [...state.listedServers].flatMap(([label, { port }]) => (port === undefined ? [] : [[label, port]])),
            );
            this.backends.note(key, wire, ports);
          }
          // The bars count by the server that served the call (see CallBackends): through a proxy too.
          if (wire.type === 'status' && wire.code === 0) {
            const backend = this.backends.label(key);
            if (backend !== undefined && state.served.has(backend))
              state.served.set(backend, state.served.get(backend)! + 1);
          }
          if (wire.type === 'fault' && (wire.fault === 'pause' || wire.fault === 'resume')) {
            if (listed) listed.readingPaused = wire.fault === 'pause';
            else state.readingPaused = wire.fault === 'pause';
          }
          const row: TimelineRow = { run: event.run, event: wire, method: this.methods.get(key) };
          if (event.client !== undefined) row.client = event.client;
          const transport = this.transports.get(key);
          if (transport && (wire.type === 'message' || wire.type === 'headers')) row.transport = transport;
          state.timeline.push(row);
        }
        break;
    }
    this.changed();
  }

  /**
   * Which connection a call went on: the connection's own row names its
   * first call, later calls' request headers name it; a call's status on TLS
   * brings the bytes TLS carried meanwhile.
   */
  private noteTransport(process: string, key: string, wire: WireEvent): void {
    if (wire.type === 'transport') {
      this.connections.set(`${process}/${wire.connection}`, wire);
      this.transports.set(key, { connection: wire });
    } else if (wire.type === 'headers' && wire.kind === 'request' && wire.connection !== undefined) {
      const connection = this.connections.get(`${process}/${wire.connection}`);
      if (connection) this.transports.set(key, { connection });
    } else if (wire.type === 'status' && wire.tlsBytes) {
      const transport = this.transports.get(key);
      if (transport) transport.tlsBytes = wire.tlsBytes;
    }
  }

  /** The selected timeline row, if it is still kept. */
  selectedRow(): TimelineRow | undefined {
    const { timeline, selected } = this.state;
    return selected === undefined ? undefined : timeline.at(selected - (timeline.total - timeline.length));
  }

  /** Moves the timeline cursor by `step` rows (starting from the newest) and scrolls it into view. */
  select(step: number): void {
    const { timeline } = this.state;
    if (timeline.length === 0) return;
    const first = timeline.total - timeline.length;
    const last = timeline.total - 1;
    const current = this.state.selected ?? last + (step < 0 ? 1 : 0);
    const selected = Math.min(last, Math.max(first, current + step));
    const index = selected - first;
    const height = this.paneRows('timeline');
    const offset = this.visibleOffset('timeline', timeline.length, height);
    const top = index < offset ? index : index >= offset + height ? index - height + 1 : offset;
    this.update((state) => {
      state.selected = selected;
      state.scroll.timeline = { offset: top, follow: false };
    });
  }

  /** A pane says how many lines it rendered, once the frame is out; scrolling by pages and to the end needs it. */
  reportLines(pane: PaneId, lines: number): void {
    this.renderedLines[pane] = lines;
  }

  /** Lines a pane holds: the buffers' own length, else what the pane last rendered. */
  lineCount(pane: PaneId): number {
    const { serverLog, clientLog, timeline, listedClients, listedServers } = this.state;
    if (pane === 'server') return serverLog.length;
    if (pane === 'client') return clientLog.length;
    if (pane === 'timeline') return timeline.length;
    const label = clientLabelOf(pane);
    if (label !== undefined) return listedClients.get(label)?.log.length ?? 0;
    const serverLabel = serverLabelOf(pane);
    if (serverLabel !== undefined) return listedServers.get(serverLabel)?.log.length ?? 0;
    return this.renderedLines[pane] ?? 0;
  }

  /** Rows of content a pane shows at the terminal's size, from the layout. */
  paneRows(pane: PaneId): number {
    const { size, focus, maximized, lesson } = this.state;
    if (pane === 'help') return contentRows(helpRect(size.columns, size.rows));
    if (pane === 'wire') return contentRows(wireRect(size.columns, size.rows));
    if (isExercisePane(pane)) {
      const { exercise } = this.state;
      const layout = exerciseLayout(size.columns, size.rows, exercise?.focus ?? pane, (exercise?.hints ?? 0) > 0);
      return contentRows(exerciseRectOf(layout, pane) ?? { width: 0, height: 0 });
    }
    const rect = rectOf(
      layoutFor(size.columns, size.rows, focus, maximized, clientPanesOf(lesson), serverPanesOf(lesson)),
      pane,
    );
    return rect ? contentRows(rect) : 1;
  }

  /** The first visible line of a pane, given its content length and height. */
  visibleOffset(pane: PaneId, lines: number, height: number): number {
    const { offset, follow } = this.state.scroll[pane] ?? { offset: 0, follow: follows(pane) };
    const bottom = Math.max(0, lines - height);
    return follow ? bottom : Math.min(Math.max(0, offset), bottom);
  }

  /** Scrolls a pane by lines (negative: up), or to its top or bottom. Follow turns off above the bottom. */
  scroll(pane: PaneId, how: number | 'top' | 'bottom' | 'page-up' | 'page-down'): void {
    const lines = this.lineCount(pane);
    const height = this.paneRows(pane);
    const bottom = Math.max(0, lines - height);
    const current = this.visibleOffset(pane, lines, height);
    const page = Math.max(1, height - 1);
    const target =
      how === 'top'
        ? 0
        : how === 'bottom'
          ? bottom
          : how === 'page-up'
            ? current - page
            : how === 'page-down'
              ? current + page
              : current + how;
    const offset = Math.min(Math.max(0, target), bottom);
    this.update((state) => {
      state.scroll[pane] = { offset, follow: follows(pane) ? offset >= bottom : false };
    });
  }
}

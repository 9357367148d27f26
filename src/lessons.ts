// The lesson registry: one list (lessons/lessons.json) that the command line,
// the terminal UI and the tests all read. GRPC_TUTORIAL_LESSONS names another
// list to read instead (the tests' fixture lessons); each lesson's folder sits
// next to the list it is in.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RpcKind } from './instrument/events.js';
import { checkExercises, type ExerciseEntry } from './exercises/entry.js';

export const LESSONS_DIR = fileURLToPath(new URL('../lessons/', import.meta.url));
/** The environment variable that names a lesson list to read instead of lessons/lessons.json. */
export const LESSONS_ENV = 'GRPC_TUTORIAL_LESSONS';

/** One of the clients a lesson runs at once (`clients` in lessons.json), each in its own pane. */
export interface LessonClient {
  /** Short and unique in the lesson: the title of its pane and the tag of its timeline rows. */
  label: string;
  /** What client.ts gets besides --target (an interactive client reads lines on stdin). */
  args: string[];
}

/**
 * One of the server processes a lesson runs at once (`servers` in lessons.json):
 * each its own server.ts process on its own port, with its own pane; the client
 * gets one target that names them all.
 */
export interface LessonServer {
  /** Short and unique in the lesson: the title of its pane and what the timeline calls it. */
  label: string;
  /** What server.ts gets besides --host and --port. */
  args: string[];
}

/**
 * A key the lesson's UI adds (`switches` in lessons.json): pressed, it turns
 * these args on or off for the client's next runs, and runs the client again.
 * The same args work on the command line, so every switch is also a command.
 */
export interface LessonSwitch {
  /** One character, not one of the lesson screen's own keys (a test holds them apart). */
  key: string;
  /** Short: the footer hint, and the header while it is on. */
  label: string;
  /** One sentence for the help screen. */
  help: string;
  args: string[];
}

/** How many clients a lesson may run at once: enough for a conversation, few enough to fit on 80 columns. */
export const MIN_CLIENTS = 2;
export const MAX_CLIENTS = 4;
/** How many servers a lesson may run at once: a strip of their panes still reads at 80 columns. */
export const MIN_SERVERS = 2;
export const MAX_SERVERS = 4;
const LABEL = /^[a-z0-9][a-z0-9_-]{0,9}$/i;

export interface Lesson {
  number: number;
  slug: string;
  title: string;
  summary: string;
  kinds: RpcKind[];
  methods: string[];
  /** What the lesson's client.ts prints, line by line, with its own default names. */
  output: string[];
  /** The "What to try" items of the lesson text, each doable from the UI or naming its command. */
  tryIt: string[];
  /** The lesson serves a REST endpoint beside gRPC (lesson 05). */
  rest?: boolean;
  /**
   * The UI runs these clients at once, each its own client.ts process with its
   * own pane, and stdin the learner types into; `r` starts them all. The
   * transcript and `npm run client` still run client.ts once with no args.
   */
  clients?: LessonClient[];
  /**
   * The lesson runs these servers at once (the UI, the transcript and
   * `npm run server`), each its own server.ts process on its own port; the
   * client's --target names them all (see multiAddressTarget).
   */
  servers?: LessonServer[];
  /** Keys that turn client args on and off in the UI (see LessonSwitch). */
  switches?: LessonSwitch[];
  /** Programs for the learner to finish, verified against the reference side (see src/exercises/). */
  exercises?: ExerciseEntry[];
  /**
   * What the lesson UI and `npm run client` run as the client side: the
   * lesson's client.ts, unless the entry names a program that drives it
   * (lesson 05's measurements, which call its client's functions).
   */
  clientProgramPath: string;
  dir: string;
  textPath: string;
  serverPath: string;
  clientPath: string;
}

type LessonEntry = Pick<
  Lesson,
  | 'slug'
  | 'title'
  | 'summary'
  | 'kinds'
  | 'methods'
  | 'output'
  | 'tryIt'
  | 'rest'
  | 'clients'
  | 'servers'
  | 'switches'
  | 'exercises'
> & {
  clientProgram?: string;
};

/**
 * A lesson entry's `clients`, checked: 2 to 4 of them, each a short label
 * (letters, digits, - and _, at most 10) unique in the lesson, and args that are
 * strings. Throws with what is wrong, naming the lesson.
 */
export function checkClients(slug: string, clients: unknown): LessonClient[] | undefined {
  return checkProcesses(slug, 'clients', clients, MIN_CLIENTS, MAX_CLIENTS);
}

/** A lesson entry's `servers`, checked as its clients are: 2 to 4, short unique labels, args that are strings. */
export function checkServers(slug: string, servers: unknown): LessonServer[] | undefined {
  return checkProcesses(slug, 'servers', servers, MIN_SERVERS, MAX_SERVERS);
}

function checkProcesses(
  slug: string,
  field: 'clients' | 'servers',
  entries: unknown,
  min: number,
  max: number,
): { label: string; args: string[] }[] | undefined {
  if (entries === undefined) return undefined;
  const fail = (problem: string): never => {
    throw new Error(`lesson ${slug}: ${field} ${problem}`);
  };
  if (!Array.isArray(entries) || entries.length < min || entries.length > max)
    fail(`must be a list of ${min} to ${max} entries`);
  const labels = new Set<string>();
  return (entries as unknown[]).map((entry, index) => {
    const { label, args } = (entry ?? {}) as Partial<LessonClient>;
    if (typeof label !== 'string' || !LABEL.test(label))
      fail(`entry ${index + 1}: label must be 1 to 10 letters, digits, - or _ (got ${JSON.stringify(label)})`);
    if (labels.has(label!)) fail(`entry ${index + 1}: label "${label}" is used twice`);
    labels.add(label!);
    if (!Array.isArray(args) || !args.every((arg) => typeof arg === 'string'))
      fail(`entry ${index + 1} ("${label}"): args must be a list of strings`);
    return { label: label!, args: [...args!] };
  });
}

/** A lesson entry's `switches`, checked: one-character keys used once, a label, a help line and string args. */
export function checkSwitches(slug: string, switches: unknown): LessonSwitch[] | undefined {
  if (switches === undefined) return undefined;
  const fail = (problem: string): never => {
    throw new Error(`lesson ${slug}: switches ${problem}`);
  };
  if (!Array.isArray(switches) || switches.length === 0) fail('must be a list of at least one entry');
  const keys = new Set<string>();
  return (switches as unknown[]).map((entry, index) => {
    const { key, label, help, args } = (entry ?? {}) as Partial<LessonSwitch>;
    if (typeof key !== 'string' || !/^[!-~]$/.test(key))
      fail(`entry ${index + 1}: key must be one printable character`);
    if (keys.has(key!)) fail(`entry ${index + 1}: key "${key}" is used twice`);
    keys.add(key!);
    if (typeof label !== 'string' || label === '' || typeof help !== 'string' || help === '')
      fail(`entry ${index + 1} ("${key}"): label and help must be text`);
    if (!Array.isArray(args) || args.length === 0 || !args.every((arg) => typeof arg === 'string'))
      fail(`entry ${index + 1} ("${key}"): args must be a list of strings`);
    return { key: key!, label: label!, help: help!, args: [...args!] };
  });
}

/** The lessons of a list file (lessons.json or a fixture list); their folders sit next to it. */
export function loadLessons(listPath: string): Lesson[] {
  const base = dirname(resolve(listPath));
  const entries = JSON.parse(readFileSync(listPath, 'utf8')) as LessonEntry[];
  return entries.map((entry) => {
    const dir = `${base}/${entry.slug}/`;
    const { clientProgram, clients, servers, switches, exercises, ...rest } = entry;
    const checked = checkClients(entry.slug, clients);
    const checkedServers = checkServers(entry.slug, servers);
    const checkedSwitches = checkSwitches(entry.slug, switches);
    const checkedExercises = checkExercises(entry.slug, exercises);
    // One or the other: no lesson needs both yet, and the UI lays out one strip.
    if (checked && checkedServers) throw new Error(`lesson ${entry.slug}: lists both clients and servers`);
    if (checkedServers && entry.rest) throw new Error(`lesson ${entry.slug}: servers cannot serve REST too`);
    return {
      ...rest,
      ...(checked ? { clients: checked } : {}),
      ...(checkedServers ? { servers: checkedServers } : {}),
      ...(checkedSwitches ? { switches: checkedSwitches } : {}),
      ...(checkedExercises ? { exercises: checkedExercises } : {}),
      number: Number.parseInt(entry.slug, 10),
      dir,
      textPath: `${dir}README.md`,
      serverPath: `${dir}server.ts`,
      clientPath: `${dir}client.ts`,
      clientProgramPath: clientProgram
        ? fileURLToPath(new URL(`../${clientProgram}`, import.meta.url))
        : `${dir}client.ts`,
    };
  });
}

export const LESSONS: readonly Lesson[] = loadLessons(process.env[LESSONS_ENV] || `${LESSONS_DIR}lessons.json`);

/** Finds a lesson by number ("1", "01") or slug ("01-unary", "unary"). */
export function findLesson(ref: string): Lesson | undefined {
  const wanted = ref.trim().toLowerCase();
  if (/^\d+$/.test(wanted)) return LESSONS.find((lesson) => lesson.number === Number(wanted));
  return LESSONS.find((lesson) => lesson.slug === wanted || lesson.slug.replace(/^\d+-/, '') === wanted);
}

/** A lesson's number as the lists show it: 01, 13. */
export function lessonNumberText(number: number): string {
  return String(number).padStart(2, '0');
}

export function lessonLabel(lesson: Lesson): string {
  return `${lessonNumberText(lesson.number)}  ${lesson.title}`;
}

export function unknownLessonMessage(ref: string): string {
  return `unknown lesson "${ref}"; choose one of: ${LESSONS.map((lesson) => lesson.slug).join(', ')}`;
}

/** What a lesson's server.ts and client.ts export, besides running as programs of their own. */
export interface LessonServerModule {
  createServer(options?: import('@grpc/grpc-js').ServerOptions): import('@grpc/grpc-js').Server;
}
export interface LessonClientModule {
  runClient(options: { target: string; restTarget?: string; names?: string[] }): Promise<void>;
}

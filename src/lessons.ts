// The lesson registry: one list (lessons/lessons.json) that the command line,
// the terminal UI and the tests all read.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RpcKind } from './instrument/events.js';

export const LESSONS_DIR = fileURLToPath(new URL('../lessons/', import.meta.url));

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
  /** Client processes the UI runs side by side, one pane each, with their own arguments (lesson 13's members). */
  clients?: { label: string; args: string[] }[];
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

type LessonEntry = Pick<Lesson, 'slug' | 'title' | 'summary' | 'kinds' | 'methods' | 'output' | 'tryIt' | 'rest'> & {
  clientProgram?: string;
};

const entries = JSON.parse(readFileSync(`${LESSONS_DIR}lessons.json`, 'utf8')) as LessonEntry[];

export const LESSONS: readonly Lesson[] = entries.map((entry) => {
  const dir = `${LESSONS_DIR}${entry.slug}/`;
  const { clientProgram, ...rest } = entry;
  return {
    ...rest,
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

/** Finds a lesson by number ("1", "01") or slug ("01-unary", "unary"). */
export function findLesson(ref: string): Lesson | undefined {
  const wanted = ref.trim().toLowerCase();
  if (/^\d+$/.test(wanted)) return LESSONS.find((lesson) => lesson.number === Number(wanted));
  return LESSONS.find((lesson) => lesson.slug === wanted || lesson.slug.replace(/^\d+-/, '') === wanted);
}

export function lessonLabel(lesson: Lesson): string {
  return `${String(lesson.number).padStart(2, '0')}  ${lesson.title}`;
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

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
  dir: string;
  textPath: string;
  serverPath: string;
  clientPath: string;
}

type LessonEntry = Pick<Lesson, 'slug' | 'title' | 'summary' | 'kinds' | 'methods'>;

const entries = JSON.parse(readFileSync(`${LESSONS_DIR}lessons.json`, 'utf8')) as LessonEntry[];

export const LESSONS: readonly Lesson[] = entries.map((entry) => {
  const dir = `${LESSONS_DIR}${entry.slug}/`;
  return {
    ...entry,
    number: Number.parseInt(entry.slug, 10),
    dir,
    textPath: `${dir}README.md`,
    serverPath: `${dir}server.ts`,
    clientPath: `${dir}client.ts`,
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

/** The shape every lesson's server.ts and client.ts export. */
export interface LessonServerModule {
  createServer(options?: import('@grpc/grpc-js').ServerOptions): import('@grpc/grpc-js').Server;
  /** Lessons that compare gRPC with a REST API serve that too. */
  createRestServer?(): import('node:http').Server;
}
export interface LessonClientModule {
  runClient(options: { target: string; restTarget?: string; names?: string[] }): Promise<void>;
}

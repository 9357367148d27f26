// A plain-text run of one lesson: for pipes, CI logs and anyone without a
// full-screen terminal. No escape codes, one event a line, in arrival order.
import { lessonNumberText, type Lesson } from '../lessons.js';
import { catalog, CATALOGS, type Catalog } from '../i18n/catalog.js';
import type { Language } from '../i18n/lang.js';
import { lessonSummary, lessonTitle } from '../i18n/lessons.js';
import { CallBackends, formatWireEvent } from './format.js';
import { LessonSession, type SessionEvent } from './session.js';

/** A transcript shows the start of a long timeline, not all of a benchmark's thousands of calls. */
const TIMELINE_LINES = 200;

export function formatSessionEvent(event: SessionEvent, words: Catalog = CATALOGS.en): string[] {
  switch (event.type) {
    case 'output':
      return [`${who(event)} │ ${event.line}`];
    case 'server-listening':
      return [];
    case 'client-start':
      return [`${who({ side: 'client', ...event })} │ ${words.run(event.run, event.names)}`];
    case 'exit':
      return [`${who(event)} │ ${words.exited(event.code, event.signal)}`];
    case 'wire':
      return [];
  }
}

/** The side a line is from, or the label of one of the clients (or servers) a lesson runs at once. */
const who = (event: { side: string; client?: string; server?: string }) =>
  (event.client ?? event.server ?? event.side).padEnd(6);

/** Runs the lesson's server and client once, writing each event as a line; resolves with the client's exit code. */
export async function runTranscript(
  lesson: Lesson,
  names: string[] | undefined,
  write: (line: string) => void,
  language: Language = 'en',
): Promise<number> {
  const words = catalog(language);
  const session = new LessonSession(lesson);
  write(words.lessonHeading(lessonNumberText(lesson.number), lessonTitle(lesson, language)));
  write(lessonSummary(lesson, language));
  write('');
  // Output is written as it arrives; the timeline, whole and in order, after the run.
  const timeline: (string | (() => string))[] = [];
  const methods = new Map<number, string>();
  // A lesson with several servers: which one each call went to, by the port it listens on.
  const ports = new Map<string, number>();
  const backends = new CallBackends();
  session.subscribe((event) => {
    formatSessionEvent(event, words).forEach(write);
    if (event.type === 'server-listening' && event.server !== undefined) ports.set(event.server, event.port);
    if (event.type !== 'wire') return;
    for (const wire of event.events) {
      if (wire.type === 'call') methods.set(wire.call, wire.method);
      if (lesson.servers) backends.note(String(wire.call), wire, ports);
      const line = formatWireEvent(wire, wire.call === undefined ? undefined : methods.get(wire.call), words);
      // The call's line says where it went, known once its request is on a connection.
      timeline.push(
        wire.type === 'call' && lesson.servers
          ? () => {
              const backend = backends.text(String(wire.call), words);
              return `${line}${backend === undefined ? '' : ` → ${backend}`}`;
            }
          : line,
      );
    }
  });
  try {
    await session.startServer();
    return await session.runClient(names);
  } catch (error) {
    write(`error: ${(error as Error).message}`);
    return 1;
  } finally {
    await session.stop();
    write('');
    write(words.timelineHeading);
    for (const line of timeline.slice(0, TIMELINE_LINES)) write(`  ${typeof line === 'string' ? line : line()}`);
    if (timeline.length > TIMELINE_LINES) write(`  ${words.moreEvents(timeline.length - TIMELINE_LINES)}`);
  }
}

// `npm run server` for a lesson that lists several servers (Lesson.servers):
// each is its own server.ts process, as the lesson UI runs them, on ports P,
// P+1, ... (every one on a free port for --port 0), its lines tagged with its
// label. Ctrl-C or SIGTERM stops them all; if one exits by itself, the rest
// are stopped too and the command fails.
import type { ChildProcess } from 'node:child_process';
import type { Lesson } from '../lessons.js';
import { spawnLessonFile, stopChild } from '../runner/child.js';

export async function runListedServers(lesson: Lesson, host: string, port: number): Promise<never> {
  const listed = lesson.servers!;
  const children: ChildProcess[] = [];
  let stopping = false;
  let failed = false;
  const exits = listed.map(
    ({ label, args }, index) =>
      new Promise<void>((resolve) => {
        const child = spawnLessonFile(
          lesson.serverPath,
          ['--host', host, '--port', String(port === 0 ? 0 : port + index), ...args],
          {
            onLine: (stream, line) => (stream === 'stderr' ? console.error : console.log)(`${label} │ ${line}`),
            onExit: (code, signal) => {
              if (!stopping) {
                failed = true;
                console.error(`${label} │ exited with ${signal ?? `code ${code}`}: stopping the others`);
                void stopAll();
              }
              resolve();
            },
          },
        );
        children.push(child);
      }),
  );
  const stopAll = async () => {
    stopping = true;
    await Promise.all(children.map((child) => stopChild(child)));
  };
  // The terminal sends Ctrl-C to every process of the group: the servers shut
  // down by themselves; this one waits for them, and stops any that linger.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopAll());
  await Promise.all(exits);
  process.exit(failed ? 1 : 0);
}

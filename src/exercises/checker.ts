// The checker process: runs an exercise's checks against a file and reports
// each step to its parent (the lesson UI or `npm run verify`) over IPC. It is
// a process of its own so that the calls our reference client makes can be
// tapped like a lesson client's, and shown on a timeline, without touching
// the parent.
//   node --import tsx src/exercises/checker.ts <lesson-slug/exercise-id> <file>
import { killAllChildrenNow } from '../runner/child.js';
import { createIpcSink } from '../instrument/ipc-sink.js';
import { installWireTap } from '../instrument/wiretap.js';
import { allExercises } from './exercises.js';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runChecks, type CheckReport } from './run-checks.js';
import type { CheckerMessage } from './verify.js';

async function main(): Promise<void> {
  const [key, file] = process.argv.slice(2);
  const exercise = allExercises().find((candidate) => candidate.key === key);
  if (!exercise || !file) {
    console.error(`error: usage: checker.ts <lesson-slug/exercise-id> <file> (got ${key ?? 'nothing'})`);
    process.exit(2);
  }
  // Stopped by the parent: the learner's program goes with this process.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
    process.once(signal, () => {
      killAllChildrenNow();
      process.exit(1);
    });
  process.once('disconnect', () => {
    killAllChildrenNow();
    process.exit(1);
  });
  const send = (report: CheckReport) =>
    new Promise<void>((resolve) =>
      process.send!({ type: 'check-report', report } satisfies CheckerMessage, undefined, undefined, () => resolve()),
    );
  // A server exercise: our client calls the learner's server from here, so tap this process's channels.
  const sink = createIpcSink();
  if (exercise.side === 'server') installWireTap(sink.emit, { preview: false });
  let sent = Promise.resolve();
  await runChecks(exercise, file, (report) => void (sent = sent.then(() => send(report))), {
    // A check's calls reach the parent before its result does.
    afterCheck: () => sink.flush(),
  });
  await sent;
  process.exit(0);
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await main();

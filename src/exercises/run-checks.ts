// Runs an exercise's checks against a file: the learner's copy, the starting
// file or the reference solution. The file always runs as its own program, as
// the learner would run it, with the tutorial's instruments attached; the
// reference side (our client's calls, or our recording server) runs here.
import type { ChildProcess } from 'node:child_process';
import { spawnLessonFile, stopChild, type Stream } from '../runner/child.js';
import { decodeBatch, isEventBatch, isListeningMessage } from '../instrument/ipc-sink.js';
import type { WireEvent } from '../instrument/events.js';
import { listen, shutdown } from '../runtime/serve.js';
import { usefulErrorLine } from '../ui/crash.js';
import { STARTS_CHECK, type Exercise } from './exercises.js';

export { STARTS_CHECK };
import {
  CheckFailure,
  type Check,
  type ClientExercise,
  type ClientRun,
  type LessonChecks,
  type ServerExercise,
} from './kit.js';

/** What a run of checks reports as it goes, in order. */
export type CheckReport =
  | { type: 'check'; name: string; state: 'running' }
  | { type: 'check'; name: string; state: 'pass'; ms: number }
  | { type: 'check'; name: string; state: 'fail'; ms: number; expected: string; actual: string }
  | { type: 'output'; stream: Stream; line: string }
  /** Calls of the learner's client (client exercises); our own client's, when this runs as the checker process. */
  | { type: 'wire'; events: WireEvent[] }
  | { type: 'done'; passed: boolean };

/** How long a learner's server gets to start listening (tsx compiles it first). */
const START_TIMEOUT_MS = 20_000;
/** How long one check may take before it fails as stuck. */
const CHECK_TIMEOUT_MS = 15_000;
/** How long a run of the learner's client may take. */
const CLIENT_TIMEOUT_MS = 10_000;

/** The checks of an exercise, from src/exercises/checks/<slug>.ts. */
export async function checksOf(exercise: Exercise): Promise<ServerExercise | ClientExercise<unknown>> {
  const module = (await import(`./checks/${exercise.lesson.slug}.js`)) as { checks: LessonChecks };
  const checks = module.checks[exercise.id];
  if (!checks)
    throw new Error(`no checks for exercise ${exercise.key} in src/exercises/checks/${exercise.lesson.slug}.ts`);
  return checks;
}

/** The names of an exercise's checks, in the order they run (the starting check included). */
export async function checkNames(exercise: Exercise): Promise<string[]> {
  const checks = await checksOf(exercise);
  return [...(checks.side === 'server' ? [STARTS_CHECK] : []), ...checks.checks.map((check) => check.name)];
}

/** Runs every check of the exercise against `file`; resolves with whether all passed. */
export async function runChecks(
  exercise: Exercise,
  file: string,
  report: (report: CheckReport) => void,
  { afterCheck = async () => {} }: { afterCheck?: () => Promise<void> } = {},
): Promise<boolean> {
  const checks = await checksOf(exercise);
  const passed =
    checks.side === 'server'
      ? await runServerChecks(checks, file, report, afterCheck)
      : await runClientChecks(checks, file, report, afterCheck);
  report({ type: 'done', passed });
  return passed;
}

async function runCheck<Context>(
  check: Check<Context>,
  context: Context,
  report: (report: CheckReport) => void,
  afterCheck: () => Promise<void>,
): Promise<boolean> {
  report({ type: 'check', name: check.name, state: 'running' });
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CheckFailure(`an answer within ${CHECK_TIMEOUT_MS / 1000} s`, 'none (the check gave up)')),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([check.run(context), stuck]);
    await afterCheck();
    report({ type: 'check', name: check.name, state: 'pass', ms: performance.now() - started });
    return true;
  } catch (error) {
    await afterCheck();
    const { expected, actual } =
      error instanceof CheckFailure ? error : { expected: 'no error in the check', actual: String(error) };
    report({ type: 'check', name: check.name, state: 'fail', ms: performance.now() - started, expected, actual });
    return false;
  } finally {
    clearTimeout(timer);
  }
}

async function runServerChecks(
  exercise: ServerExercise,
  file: string,
  report: (report: CheckReport) => void,
  afterCheck: () => Promise<void>,
): Promise<boolean> {
  const output: string[] = [];
  const stderr: string[] = [];
  let child: ChildProcess | undefined;
  let exited: string | undefined;
  const start: Check<undefined> = {
    name: STARTS_CHECK,
    run: () =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new CheckFailure(`"listening on" within ${START_TIMEOUT_MS / 1000} s`, 'no listening port')),
          START_TIMEOUT_MS,
        );
        child = spawnLessonFile(file, ['--host', '127.0.0.1', '--port', '0', ...(exercise.args ?? [])], {
          onLine(stream, line) {
            output.push(line);
            if (stream === 'stderr') stderr.push(line);
            report({ type: 'output', stream, line });
          },
          onMessage(message) {
            if (isListeningMessage(message) && message.protocol === 'grpc' && port === undefined) {
              port = message.port;
              clearTimeout(timer);
              resolve();
            }
          },
          onExit(code, signal) {
            exited = signal ? `signal ${signal}` : `code ${code}`;
            clearTimeout(timer);
            reject(new CheckFailure('a server that keeps running', `it exited with ${exited}${firstError(stderr)}`));
          },
        });
      }),
  };
  let port: number | undefined;
  try {
    if (!(await runCheck(start, undefined, report, afterCheck))) {
      for (const check of exercise.checks) skip(check.name, report, `a server to call (${STARTS_CHECK} failed)`);
      return false;
    }
    const context = { target: `127.0.0.1:${port}`, serverOutput: () => [...output] };
    let passed = true;
    for (const check of exercise.checks) {
      if (exited !== undefined) {
        skip(check.name, report, `a server to call (it exited with ${exited}${firstError(stderr)})`);
        passed = false;
        continue;
      }
      passed = (await runCheck(check, context, report, afterCheck)) && passed;
    }
    return passed;
  } finally {
    if (child) await stopChild(child);
  }
}

function skip(name: string, report: (report: CheckReport) => void, expected: string): void {
  report({ type: 'check', name, state: 'fail', ms: 0, expected, actual: 'none' });
}

/** ": file.ts:3:7: SyntaxError: …": the line that says why a program died, from its stderr. */
function firstError(stderr: string[]): string {
  const line = usefulErrorLine(stderr);
  return line ? `: ${line}` : '';
}

async function runClientChecks(
  exercise: ClientExercise<unknown>,
  file: string,
  report: (report: CheckReport) => void,
  afterCheck: () => Promise<void>,
): Promise<boolean> {
  const { server, reference, reset } = exercise.reference();
  const port = await listen(server, '127.0.0.1', 0);
  const target = `127.0.0.1:${port}`;
  const running = new Set<ChildProcess>();
  const runClient = (args: string[] = [], { timeoutMs = CLIENT_TIMEOUT_MS, stdin = [] as string[] } = {}) =>
    new Promise<ClientRun>((resolve) => {
      const run: ClientRun = { code: null, stdout: [], stderr: [], timedOut: false };
      const child = spawnLessonFile(
        file,
        ['--target', target, ...args],
        {
          onLine(stream, line) {
            run[stream].push(line);
            report({ type: 'output', stream, line });
          },
          onMessage(message) {
            if (isEventBatch(message)) report({ type: 'wire', events: decodeBatch(message) });
          },
          onExit(code) {
            running.delete(child);
            clearTimeout(timer);
            run.code = code;
            resolve(run);
          },
        },
        {},
        { stdin: 'pipe' },
      );
      running.add(child);
      for (const line of stdin) child.stdin?.write(`${line}\n`);
      child.stdin?.end();
      const timer = setTimeout(() => {
        run.timedOut = true;
        void stopChild(child, 500);
      }, timeoutMs);
    });
  try {
    let passed = true;
    for (const check of exercise.checks) {
      reset();
      passed = (await runCheck(check, { target, reference, runClient }, report, afterCheck)) && passed;
      await Promise.all([...running].map((child) => stopChild(child, 500)));
    }
    return passed;
  } finally {
    await Promise.all([...running].map((child) => stopChild(child, 500)));
    await shutdown(server, 500);
  }
}

// Verifying an exercise from the lesson UI or the command line: the checks run
// in a checker process of their own (checker.ts), and each step comes back
// here as it happens, with the calls of each check for its timeline.
import { fileURLToPath } from 'node:url';
import { spawnScript, stopChild } from '../runner/child.js';
import { decodeBatch, isEventBatch } from '../instrument/ipc-sink.js';
import type { WireEvent } from '../instrument/events.js';
import type { Exercise } from './exercises.js';
import type { CheckReport } from './run-checks.js';

export const CHECKER_PATH = fileURLToPath(new URL('./checker.ts', import.meta.url));

/** Checker to parent: one step of the run (its wire events come as ipc-sink batches). */
export interface CheckerMessage {
  type: 'check-report';
  report: CheckReport;
}

export function isCheckerMessage(message: unknown): message is CheckerMessage {
  return typeof message === 'object' && message !== null && (message as CheckerMessage).type === 'check-report';
}

export interface CheckResult {
  name: string;
  state: 'pending' | 'running' | 'pass' | 'fail';
  ms?: number;
  expected?: string;
  actual?: string;
  /** The calls made while the check ran, for its timeline. */
  events: WireEvent[];
  /** What the learner's program printed while it ran. */
  output: string[];
}

export interface Verification {
  exercise: Exercise;
  file: string;
  checks: CheckResult[];
  /** Lines the learner's program printed outside any check (before the first, after the last). */
  output: string[];
  /** Set once the run is over: every check passed. */
  passed?: boolean;
  /** The checker itself failed (not the learner's file): why. */
  error?: string;
}

export interface RunningVerification {
  /** Resolves when the run is over (or stopped). */
  done: Promise<Verification>;
  /** Stops the run and everything it started. */
  stop(): Promise<void>;
}

/** Starts verifying `file` (the learner's copy by default); `onUpdate` sees the result grow. */
export function verifyExercise(
  exercise: Exercise,
  checkNames: string[],
  { file = exercise.workPath, onUpdate = () => {} }: { file?: string; onUpdate?: (result: Verification) => void } = {},
): RunningVerification {
  const result: Verification = {
    exercise,
    file,
    checks: checkNames.map((name) => ({ name, state: 'pending', events: [], output: [] })),
    output: [],
  };
  let current: CheckResult | undefined;
  const apply = (report: CheckReport) => {
    switch (report.type) {
      case 'check': {
        let check = result.checks.find((candidate) => candidate.name === report.name);
        if (!check) {
          check = { name: report.name, state: 'pending', events: [], output: [] };
          result.checks.push(check);
        }
        check.state = report.state;
        if (report.state === 'running') current = check;
        else {
          check.ms = report.ms;
          if (report.state === 'fail') Object.assign(check, { expected: report.expected, actual: report.actual });
          current = undefined;
        }
        break;
      }
      case 'output':
        (current?.output ?? result.output).push(report.line);
        break;
      case 'wire':
        current?.events.push(...report.events);
        break;
      case 'done':
        result.passed = report.passed;
        break;
    }
    onUpdate(result);
  };
  let resolveDone!: (result: Verification) => void;
  const done = new Promise<Verification>((resolve) => (resolveDone = resolve));
  const stderr: string[] = [];
  const child = spawnScript(CHECKER_PATH, [exercise.key, file], {
    onLine(stream, line) {
      if (stream === 'stderr') stderr.push(line);
    },
    onMessage(message) {
      if (isCheckerMessage(message)) apply(message.report);
      else if (isEventBatch(message)) apply({ type: 'wire', events: decodeBatch(message) });
    },
    onExit(code, signal) {
      if (result.passed === undefined) {
        result.passed = false;
        result.error = signal
          ? `the checker stopped (${signal})`
          : `the checker exited with code ${code}${stderr.length ? `: ${stderr.find((line) => /error/i.test(line)) ?? stderr[0]}` : ''}`;
        onUpdate(result);
      }
      resolveDone(result);
    },
  });
  return { done, stop: () => stopChild(child, 1_000) };
}

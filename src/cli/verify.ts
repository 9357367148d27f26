// npm run verify -- <lesson> [--exercise N]: runs an exercise's checks against
// the learner's copy and says which pass; exit 0 when all do, 1 otherwise.
import { existsSync, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { EXIT_FAILURE, EXIT_USAGE, fail, parseCommandLine } from './args.js';
import {
  allExercises,
  ensureWorkingCopy,
  exerciseLabel,
  findExercise,
  listedCheckNames,
  type Exercise,
} from '../exercises/exercises.js';
import { checkLines, checkTimeline, exerciseHeading, projectPath, summaryLine } from '../exercises/report.js';
import { verifyExercise, type Verification } from '../exercises/verify.js';
import { ProgressFile } from '../ui/progress.js';

const USAGE = `
Usage: npm run verify -- <lesson> [--exercise N] [--watch]
       npm run verify -- --all

Runs an exercise's checks against your copy of it (exercises/<lesson>/<id>.ts,
made from the starting file the first time): the tutorial's client calls your
server, or your client calls the tutorial's server, over real gRPC. Each check
says what it expected and what arrived; a failing check shows its calls.
Exit 0 when every check passes, 1 when one fails.

  <lesson>        lesson number (1, 01) or slug (01-unary)
  --exercise N    which of the lesson's exercises (number or id); needed when it has several
  --watch         verify again each time the file is saved (Ctrl-C to stop)
  --all           verify every exercise you have started and print a table of progress
  --file F        verify another file instead of your copy
  --solution      verify the reference solution instead of your copy
  --start         verify the untouched starting file (it fails)
  -h, --help      show this help

  npm run exercise -- hint <lesson>    the next hint; see npm run exercise -- --help
`;

const { values, positionals } = parseCommandLine(USAGE, {
  exercise: { type: 'string' },
  watch: { type: 'boolean' },
  all: { type: 'boolean' },
  file: { type: 'string' },
  solution: { type: 'boolean' },
  start: { type: 'boolean' },
});
const progress = new ProgressFile();
// `| head`: the reader left; nothing more to say.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const write = (line = '') => process.stdout.write(`${line}\n`);

if (values.all) {
  if (positionals.length > 0 || values.exercise || values.watch || values.file || values.solution || values.start)
    fail('--all takes nothing else', EXIT_USAGE);
  process.exit(await verifyAll());
}
if (positionals.length !== 1) fail('name one lesson (see --help)', EXIT_USAGE);
const found = findExercise(positionals[0], values.exercise as string | undefined);
if (typeof found === 'string') fail(found, EXIT_USAGE);
const exercise = found;
const chosen = [values.file, values.solution, values.start].filter(Boolean).length;
if (chosen > 1) fail('choose one of --file, --solution and --start', EXIT_USAGE);
let file = exercise.workPath;
if (values.file) {
  file = resolve(values.file as string);
  if (!existsSync(file)) fail(`no such file: ${values.file}`, EXIT_USAGE);
} else if (values.solution) file = exercise.solutionPath;
else if (values.start) file = exercise.startPath;
else if (ensureWorkingCopy(exercise)) write(`made your copy: ${projectPath(file)} (edit it, then verify again)`);

if (!values.watch) process.exit((await verifyOnce(exercise, file)) ? 0 : EXIT_FAILURE);
await watchAndVerify(exercise, file);

/** Verifies, printing each check as it ends; records a pass of the learner's own copy. */
async function verifyOnce(exercise: Exercise, file: string, quiet = false): Promise<boolean> {
  if (!quiet) {
    write(exerciseHeading(exercise));
    write(`file ${projectPath(file)}`);
  }
  const printed = new Set<string>();
  const names = listedCheckNames(exercise);
  const { done } = verifyExercise(exercise, names, {
    file,
    onUpdate(result) {
      if (quiet) return;
      for (const check of result.checks) {
        if (printed.has(check.name) || (check.state !== 'pass' && check.state !== 'fail')) continue;
        printed.add(check.name);
        checkLines(check).forEach((line) => write(line));
        if (check.state === 'fail' && check.events.length > 0) {
          write('          its calls:');
          checkTimeline(check).forEach((line) => write(`            ${line}`));
        }
      }
    },
  });
  const result = await done;
  if (result.passed && file === exercise.workPath)
    progress.updateExercise(exercise.key, (state) => ({ ...state, passed: true }));
  if (!quiet) writeSummary(result);
  return result.passed === true;
}

function writeSummary(result: Verification): void {
  write(summaryLine(result));
  const { exercise } = result;
  const which = (exercise.lesson.exercises?.length ?? 0) > 1 ? ` --exercise ${exercise.number}` : '';
  if (result.passed) {
    if (result.file === exercise.workPath)
      write(`passed; the reference solution: ${projectPath(exercise.solutionPath)}`);
  } else if (!result.error && result.file === exercise.workPath) {
    write(`stuck? npm run exercise -- hint ${exercise.lesson.number}${which}`);
  }
}

/** Verifies on every save of the file, until Ctrl-C. */
async function watchAndVerify(exercise: Exercise, file: string): Promise<never> {
  let running: Promise<unknown> = verifyOnce(exercise, file);
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  // Editors save by renaming a new file over the old one: watch the folder, not the file.
  watch(dirname(file), (_event, name) => {
    if (name !== basename(file)) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (again) return;
      again = true;
      running = running.then(() => {
        again = false;
        write('');
        write(`saved: verifying ${projectPath(file)} again`);
        return verifyOnce(exercise, file);
      });
    }, 150);
  });
  write(`watching ${projectPath(file)}: save it to verify again, Ctrl-C to stop`);
  process.once('SIGINT', () => process.exit(0));
  return new Promise<never>(() => {});
}

/** Verifies every started exercise and prints one row each; exit 0 (a report, not a check). */
async function verifyAll(): Promise<number> {
  const exercises = allExercises();
  const rows: string[][] = [['exercise', 'side', 'status', 'hints', 'title']];
  for (const exercise of exercises) {
    const started = existsSync(exercise.workPath);
    const passedNow = started ? await verifyOnce(exercise, exercise.workPath, true) : undefined;
    const state = progress.exercises().get(exercise.key) ?? {};
    const status =
      passedNow === undefined ? (state.passed ? 'passed before' : 'not started') : passedNow ? 'passes' : 'fails';
    rows.push([
      exerciseLabel(exercise),
      exercise.side,
      status,
      `${state.hints ?? 0}/${exercise.hints.length}`,
      exercise.title,
    ]);
  }
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows)
    write(
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd(),
    );
  const passing = rows.slice(1).filter((row) => row[2] === 'passes').length;
  write('');
  write(`${passing} of ${exercises.length} exercises pass; npm run verify -- <lesson> shows why one fails`);
  return 0;
}

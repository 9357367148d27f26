// npm run exercise -- [start|reset|hint|solution|list] <lesson>: the learner's
// side of an exercise, besides verifying it (npm run verify).
import { existsSync, readFileSync } from 'node:fs';
import { EXIT_USAGE, fail, languageFrom, parseCommandLine } from './args.js';
import {
  allExercises,
  ensureWorkingCopy,
  exerciseLabel,
  findExercise,
  listedCheckNames,
  resetWorkingCopy,
  type Exercise,
} from '../exercises/exercises.js';
import { exerciseHeading, projectPath } from '../exercises/report.js';
import { catalog } from '../i18n/catalog.js';
import { exerciseTexts } from '../i18n/lessons.js';
import { padEndColumns } from '../ui/width.js';
import { ProgressFile } from '../ui/progress.js';

const USAGE = `
Usage: npm run exercise -- [start] <lesson> [--exercise N]
       npm run exercise -- reset|hint|solution <lesson> [--exercise N]
       npm run exercise -- list

Exercises are lesson files with their essential part taken out. You write it
back in your copy, exercises/<lesson>/<id>.ts, and npm run verify checks it
over real gRPC against the tutorial's own client or server.

  start      make your copy (if you have none) and say what to write and how it is checked
  reset      put the starting file back in place of your copy
  hint       the next hint (each is more specific than the last)
  solution   print the reference solution: after your copy passes, or with --yes
  list       every exercise, with what you have done of it
  --exercise N  which of the lesson's exercises (number or id); needed when it has several
  --yes      show the solution before you have passed
  --lang L   en or zh-CN (简体中文) for the titles, hints and what is said
             around them; without it, LC_ALL / LC_MESSAGES / LANG decide
             (errors stay English)
  -h, --help show this help
`;

const ACTIONS = ['start', 'reset', 'hint', 'solution', 'list'] as const;
type Action = (typeof ACTIONS)[number];

const { values, positionals } = parseCommandLine(USAGE, {
  exercise: { type: 'string' },
  yes: { type: 'boolean' },
  lang: { type: 'string' },
});
const language = languageFrom(values.lang);
const said = catalog(language).exercise.command;
const action: Action = (ACTIONS as readonly string[]).includes(positionals[0])
  ? (positionals.shift() as Action)
  : 'start';
const progress = new ProgressFile();
// `| head`: the reader left; nothing more to say.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const write = (line = '') => process.stdout.write(`${line}\n`);

if (action === 'list') {
  if (positionals.length > 0) fail('list takes no lesson', EXIT_USAGE);
  list();
  process.exit(0);
}
if (positionals.length !== 1) fail(`name one lesson (see --help)`, EXIT_USAGE);
const found = findExercise(positionals[0], values.exercise as string | undefined);
if (typeof found === 'string') fail(found, EXIT_USAGE);
const exercise = found;
const which = (exercise.lesson.exercises?.length ?? 0) > 1 ? ` --exercise ${exercise.number}` : '';
const ref = `${exercise.lesson.number}${which}`;

switch (action) {
  case 'start':
    await start(exercise);
    break;
  case 'reset':
    resetWorkingCopy(exercise);
    write(said.reset(projectPath(exercise.workPath)));
    break;
  case 'hint':
    hint(exercise);
    break;
  case 'solution':
    solution(exercise);
    break;
}

async function start(exercise: Exercise): Promise<void> {
  const made = ensureWorkingCopy(exercise);
  write(exerciseHeading(exercise, language));
  write(said.copy(made, projectPath(exercise.workPath)));
  write(said.checksIntro[exercise.side]);
  for (const name of listedCheckNames(exercise)) write(`  - ${name}`);
  write('');
  write(said.verify(ref));
  write(said.hint(ref));
  write(said.startOver(ref));
}

function hint(exercise: Exercise): void {
  const seen = progress.exercises().get(exercise.key)?.hints ?? 0;
  const next = Math.min(seen + 1, exercise.hints.length);
  exerciseTexts(exercise, language)
    .hints.slice(0, next)
    .forEach((text, index) => write(said.hintLine(index + 1, exercise.hints.length, text)));
  if (next === exercise.hints.length && seen >= next) write(said.lastHint);
  progress.updateExercise(exercise.key, (state) => ({ ...state, hints: next }));
}

function solution(exercise: Exercise): void {
  const passed = progress.exercises().get(exercise.key)?.passed === true;
  if (!passed && !values.yes)
    fail(
      `exercise ${exerciseLabel(exercise)} has not passed yet; npm run exercise -- solution ${ref} --yes shows it anyway`,
    );
  write(`// ${projectPath(exercise.solutionPath)}`);
  process.stdout.write(readFileSync(exercise.solutionPath, 'utf8'));
}

function list(): void {
  const states = progress.exercises();
  for (const exercise of allExercises()) {
    const state = states.get(exercise.key) ?? {};
    const status = state.passed ? said.status.passed : existsSync(exercise.workPath) ? said.status.started : '';
    write(
      `${exerciseLabel(exercise).padEnd(6)} ${padEndColumns(said.side[exercise.side], 7)} ${padEndColumns(status, 8)} ${exerciseTexts(exercise, language).title}${state.hints ? said.hintsSeen(state.hints) : ''}`,
    );
  }
}

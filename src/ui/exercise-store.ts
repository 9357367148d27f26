// The exercise view's state and what the panes derive from it: the learner's
// file, the checks of the latest verification with what each expected and
// got, the calls of the selected check as timeline rows, the hints seen. Pure
// functions of the state, so the controller (to scroll) and the view (to
// draw) compute the same lines.
import type { Exercise } from '../exercises/exercises.js';
import type { CheckResult, Verification } from '../exercises/verify.js';
import { exerciseLayout, exerciseRectOf, contentColumns, type ExercisePane } from './layout.js';
import { timelineLine } from './timeline.js';
import { wrapWords } from './help-lines.js';
import type { StyledLine } from './styled.js';
import type { TimelineRow } from './store.js';
import { columns, graphemes, pad } from './width.js';
import { CATALOGS, catalog, type Catalog } from '../i18n/catalog.js';
import type { Language } from '../i18n/lang.js';
import { exerciseTexts } from '../i18n/lessons.js';

export interface ExerciseView {
  exercise: Exercise;
  /** The learner's file, as last read from disk. */
  source: string;
  /** The reference solution, while the file pane shows it in place of the learner's file. */
  solution?: string;
  /** Asking whether to show the solution before the learner's copy has passed. */
  confirming: boolean;
  /** The checks' names, in order, before the first verification reports. */
  checkNames: string[];
  /** The latest verification, growing as its checks run. */
  verification?: Verification;
  verifying: boolean;
  /** Verifications started since the view opened: the run number on the timeline's call rows. */
  runs: number;
  /** Hints seen (remembered across runs with a progress file). */
  hints: number;
  /** The learner's copy has passed every check, now or in an earlier run. */
  passed: boolean;
  /** The check whose calls the timeline shows, chosen with the arrows; unset: the first failing one. */
  selected?: number;
  focus: ExercisePane;
}

export function newExerciseView(exercise: Exercise, source: string, hints: number, passed: boolean): ExerciseView {
  return {
    exercise,
    source,
    confirming: false,
    checkNames: [],
    verifying: false,
    runs: 0,
    hints,
    passed,
    focus: 'exercise-checks',
  };
}

/** The checks as they stand: the verification's, or the names, pending, before it reports. */
export function checksOf(view: ExerciseView): CheckResult[] {
  return (
    view.verification?.checks ??
    view.checkNames.map((name) => ({ name, state: 'pending' as const, events: [], output: [] }))
  );
}

/** The check whose calls the timeline shows: the one chosen, else the first failing, else the one running, else the last. */
export function selectedCheck(view: ExerciseView): number | undefined {
  const checks = checksOf(view);
  if (checks.length === 0) return undefined;
  if (view.selected !== undefined) return Math.min(view.selected, checks.length - 1);
  const failing = checks.findIndex((check) => check.state === 'fail');
  if (failing >= 0) return failing;
  const running = checks.findIndex((check) => check.state === 'running');
  if (running >= 0) return running;
  // All passed (or none ran yet): the last one that ran.
  const ran = checks.map((check) => check.state).lastIndexOf('pass');
  return ran >= 0 ? ran : undefined;
}

const MARK_COLOR: Record<CheckResult['state'], string | undefined> = {
  pending: undefined,
  running: 'yellow',
  pass: 'green',
  fail: 'red',
};

/** How much of `text` (in UTF-16 units) fits in `width` columns, whole characters only, at least one. */
function fittingLength(text: string, width: number): number {
  let used = 0;
  let length = 0;
  for (const character of graphemes(text)) {
    used += columns(character);
    if (used > width && length > 0) break;
    length += character.length;
  }
  return length;
}

/** A check's mark in a column four wide, in the words of the language (a pending check has none). */
function markCell(state: CheckResult['state'], words: Catalog): StyledLine {
  const text = state === 'pending' ? '' : words.exercise.mark[state];
  return pad([{ text, color: MARK_COLOR[state], bold: state === 'fail' }], 4);
}

/** Lines of at most `width` columns, broken at a space where one is near; other spaces kept (a name of spaces is the point). */
function wrapKeepingSpaces(text: string, width: number): string[] {
  const lines: string[] = [];
  let rest = text;
  while (columns(rest) > width) {
    const fits = fittingLength(rest, width);
    const space = rest.lastIndexOf(' ', fits);
    const cut = space > 0 && columns(rest.slice(0, space)) > width / 2 ? space : fits;
    lines.push(rest.slice(0, cut));
    rest = rest.slice(space === cut ? cut + 1 : cut);
  }
  lines.push(rest);
  return lines;
}

/** A failure's "expected …" or "got …", wrapped under its own column: the check's own English, in every language. */
function detailLines(label: string, text: string, width: number): StyledLine[] {
  const lead = `    ${label.padEnd(9)}`;
  const wrapped = wrapKeepingSpaces(text, Math.max(8, width - lead.length));
  return wrapped.map((part, index) => [
    { text: index === 0 ? lead : ' '.repeat(lead.length), dim: true },
    { text: part, color: label === 'expected' ? 'green' : 'red' },
  ]);
}

/** The checks pane's lines at `width`, and the line each check starts on. */
export function checkBlocks(
  view: ExerciseView,
  width: number,
  words: Catalog = CATALOGS.en,
): { lines: StyledLine[]; starts: number[] } {
  const lines: StyledLine[] = [];
  const starts: number[] = [];
  for (const check of checksOf(view)) {
    starts.push(lines.length);
    const time = check.ms !== undefined && check.state === 'pass' ? `  ${Math.round(check.ms)} ms` : '';
    lines.push([...markCell(check.state, words), { text: `  ${check.name}` }, { text: time, dim: true }]);
    if (check.state === 'fail') {
      lines.push(...detailLines('expected', check.expected ?? '', width));
      lines.push(...detailLines('got', check.actual ?? '', width));
    }
  }
  if (view.verification?.error)
    for (const part of wrapWords(words.exercise.couldNotVerify(view.verification.error), width))
      lines.push([{ text: part, color: 'red' }]);
  return { lines, starts };
}

/** The calls of the selected check, as the lesson's timeline shows rows. */
export function checkTimelineRows(view: ExerciseView): TimelineRow[] {
  const index = selectedCheck(view);
  const check = index === undefined ? undefined : checksOf(view)[index];
  const methods = new Map<number, string>();
  return (check?.events ?? []).map((event) => {
    if (event.type === 'call') methods.set(event.call, event.method);
    const method = event.call === undefined ? undefined : methods.get(event.call);
    return { run: view.runs, event, method };
  });
}

export function checkTimelineLines(view: ExerciseView, words: Catalog = CATALOGS.en): StyledLine[] {
  return checkTimelineRows(view).map((row) => timelineLine(row, words));
}

/** The hints seen so far, in the language, each wrapped at `width`, numbered, a blank line between them. */
export function hintLines(view: ExerciseView, width: number, language: Language): StyledLine[] {
  const { hints } = exerciseTexts(view.exercise, language);
  const words = catalog(language).exercise;
  return hints
    .slice(0, view.hints)
    .flatMap((hint, index) => [
      ...(index ? [[] as StyledLine] : []),
      [{ text: words.hintHeading(index + 1, hints.length), bold: true, color: 'yellow' }],
      ...wrapWords(hint, width).map((line): StyledLine => [{ text: line }]),
    ]);
}

/** What the learner's program printed during the latest verification, check by check. */
export function outputLines(view: ExerciseView): StyledLine[] {
  const checks = view.verification?.checks ?? [];
  return [...checks.flatMap((check) => check.output), ...(view.verification?.output ?? [])].map((line) => [
    { text: line },
  ]);
}

/** A verification's standing, for the view's title row. */
export function exerciseStatus(view: ExerciseView, words: Catalog): { text: string; color: string } {
  const { verification } = view;
  const checks = checksOf(view);
  const passing = checks.filter((check) => check.state === 'pass').length;
  const said = words.exercise;
  if (verification?.error) return { text: said.couldNotVerify(verification.error), color: 'red' };
  if (view.verifying || !verification || verification.passed === undefined)
    return { text: said.verifyingStatus(passing, checks.length), color: 'yellow' };
  if (verification.passed) return { text: said.passedStatus(checks.length), color: 'green' };
  return { text: said.failingStatus(passing, checks.length), color: 'red' };
}

/** The panes Tab moves between: the hints once one has been seen. */
export function exercisePanes(view: ExerciseView): ExercisePane[] {
  return [
    'exercise-file',
    ...(view.hints > 0 ? ['exercise-hints' as const] : []),
    'exercise-checks',
    'exercise-timeline',
    'exercise-output',
  ];
}

/** Columns of content of a pane of the exercise view at this terminal size. */
export function exercisePaneColumns(
  view: ExerciseView,
  size: { columns: number; rows: number },
  pane: ExercisePane,
): number {
  const layout = exerciseLayout(size.columns, size.rows, view.focus, view.hints > 0);
  return contentColumns(exerciseRectOf(layout, pane) ?? { width: size.columns, height: 0 });
}

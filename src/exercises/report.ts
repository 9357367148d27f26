// Text forms of a verification, for `npm run verify` and the lesson UI.
import { relative } from 'node:path';
import { formatWireEvent } from '../runner/format.js';
import { ROOT } from '../paths.js';
import { exerciseLabel, type Exercise } from './exercises.js';
import type { CheckResult, Verification } from './verify.js';
import { catalog } from '../i18n/catalog.js';
import { exerciseTexts } from '../i18n/lessons.js';
import type { Language } from '../i18n/lang.js';

/** How a check's state is written in front of its name. */
export const MARK: Record<CheckResult['state'], string> = {
  pending: '    ',
  running: ' .. ',
  pass: 'pass',
  fail: 'FAIL',
};

/** A path as the learner would type it from the project's folder. */
export function projectPath(path: string): string {
  return relative(ROOT, path) || path;
}

/** "exercise 01/1: Greet by name (you write the server)", in the language (English for npm run verify). */
export function exerciseHeading(exercise: Exercise, language: Language = 'en'): string {
  const title = exerciseTexts(exercise, language).title;
  return catalog(language).exercise.command.heading(exerciseLabel(exercise), title, exercise.side);
}

/** One line a check: its mark, name and time; the expected/got lines under a failure. */
export function checkLines(check: CheckResult): string[] {
  const time = check.ms !== undefined && check.state !== 'fail' ? `  ${Math.round(check.ms)} ms` : '';
  const lines = [`  ${MARK[check.state]}  ${check.name}${time}`];
  if (check.state === 'fail') lines.push(`          expected ${check.expected}`, `          got      ${check.actual}`);
  return lines;
}

/** The calls a check made, as transcript lines (the timeline of a failing check). */
export function checkTimeline(check: CheckResult): string[] {
  const methods = new Map<number, string>();
  return check.events.map((event) => {
    if (event.type === 'call') methods.set(event.call, event.method);
    const method = 'call' in event && event.call !== undefined ? methods.get(event.call) : undefined;
    return formatWireEvent(event, method);
  });
}

export function summaryLine(result: Verification): string {
  const passed = result.checks.filter((check) => check.state === 'pass').length;
  if (result.error) return `could not verify: ${result.error}`;
  return result.passed
    ? `all ${result.checks.length} checks pass`
    : `${passed} of ${result.checks.length} checks pass; first failing: ${result.checks.find((check) => check.state === 'fail')?.name ?? '?'}`;
}

// Every exercise, checked both ways, as rustlings checks its own: the untouched
// starting file fails verification, the reference solution passes, and the
// metadata (checks, hints) matches the code. Split over three test files by
// lesson, so that they run side by side and each stays within its time limit.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { allExercises, type Exercise } from '../src/exercises/exercises.js';
import { checkNames, runChecks, STARTS_CHECK, type CheckReport } from '../src/exercises/run-checks.js';

/** Runs the checks in this process; resolves with pass/fail per check name. */
async function verify(exercise: Exercise, file: string) {
  const results = new Map<string, CheckReport & { type: 'check' }>();
  const passed = await runChecks(exercise, file, (report) => {
    if (report.type === 'check' && report.state !== 'running') results.set(report.name, report);
  });
  return { passed, results };
}

/** The both-ways tests of the exercises of lessons `from` to `to`. */
export function checkExercisesOfLessons(from: number, to: number): void {
  const exercises = allExercises().filter(({ lesson }) => lesson.number >= from && lesson.number <= to);
  describe(`the exercises of lessons ${from} to ${to}, both ways`, { concurrency: 2 }, () => {
    test('there are some', () => assert.ok(exercises.length > 0));
    for (const exercise of exercises) {
      test(`${exercise.key}: metadata matches the checks, every hint says something`, async () => {
        assert.ok(existsSync(exercise.startPath), `${exercise.startPath} exists`);
        assert.ok(existsSync(exercise.solutionPath), `${exercise.solutionPath} exists`);
        assert.ok(exercise.hints.length >= 2 && exercise.hints.every((hint) => hint.trim().length > 10));
        assert.match(readFileSync(exercise.startPath, 'utf8'), /TODO/);
        const names = (await checkNames(exercise)).filter((name) => name !== STARTS_CHECK);
        assert.deepEqual(names, exercise.checks);
      });

      test(`${exercise.key}: the untouched starting file fails`, async () => {
        const { passed, results } = await verify(exercise, exercise.startPath);
        assert.equal(passed, false);
        const failed = [...results.values()].filter((result) => result.state === 'fail');
        assert.ok(failed.length > 0);
        for (const result of failed) if (result.state === 'fail') assert.ok(result.expected && result.actual);
      });

      test(`${exercise.key}: the reference solution passes`, async () => {
        const { passed, results } = await verify(exercise, exercise.solutionPath);
        const failures = [...results.values()].filter((result) => result.state === 'fail');
        assert.deepEqual(failures, []);
        assert.equal(passed, true);
      });
    }
  });
}

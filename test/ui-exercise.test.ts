// The exercise view's state, driven through the controller as keys would
// drive it, with real verifications: a checker process, the learner's server
// started from the copy, our client calling it over loopback.
import { after, afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, lesson, waitFor } from './helpers.js';

// The copies stay in the project, as deep as exercises/ is, so that their
// imports resolve (see test/exercises.test.ts); progress goes to a folder of the test's own.
const home = mkdtempSync(join(tmpdir(), 'ui-exercise-test-'));
const copies = mkdtempSync(join(ROOT, '.exercises-test-ui-'));
process.env.GRPC_TUTORIAL_EXERCISES_DIR = copies;
after(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(copies, { recursive: true, force: true });
});

const { LessonController } = await import('../src/ui/controller.js');
const { UiStore } = await import('../src/ui/store.js');
const { ProgressFile } = await import('../src/ui/progress.js');
const { findExercise } = await import('../src/exercises/exercises.js');
const { checkBlocks, checkTimelineLines, checksOf } = await import('../src/ui/exercise-store.js');
const { lineText } = await import('../src/ui/styled.js');
type Controller = InstanceType<typeof LessonController>;
type Store = InstanceType<typeof UiStore>;

const exercise = findExercise('1', 'server');
if (typeof exercise === 'string') throw new Error(exercise);
const START = readFileSync(exercise.startPath, 'utf8');
const SOLUTION = readFileSync(exercise.solutionPath, 'utf8');
/** A wrong answer: a reply, but not the one asked for, and no refusal of an empty name. */
const WRONG = START.replace(
  "callback({ code: grpc.status.UNIMPLEMENTED, details: 'SayHello is not written yet' });",
  'callback(null, { message: `Hi, ${call.request.name}!` });',
);
assert.notEqual(WRONG, START, 'the starting file changed: update the wrong answer');

const controllers: Controller[] = [];
afterEach(async () => {
  await Promise.all(controllers.splice(0).map((controller) => controller.shutdown()));
  rmSync(join(copies, '01-unary'), { recursive: true, force: true });
});

let progressFiles = 0;
/** A store on lesson 01 (its own processes not started) and a controller with a progress file of its own. */
function setup({ watch = true, progressPath = join(home, `progress-${++progressFiles}.json`) } = {}) {
  const store = new UiStore({ frameMs: 0 });
  store.state.size = { columns: 120, rows: 40 };
  store.openLesson(lesson('1'));
  const progress = new ProgressFile(progressPath);
  const controller = new LessonController(store, { watch, progress });
  controllers.push(controller);
  return { store, controller, progress };
}

const view = (store: Store) => store.state.exercise!;
/** Waits for the verification number `run` to be over. */
const verified = (store: Store, run: number, timeoutMs = 30_000) =>
  waitFor(
    () => {
      const current = store.state.exercise;
      return current?.runs === run && !current.verifying && current.verification?.passed !== undefined && current;
    },
    `verification ${run} to end`,
    timeoutMs,
  );

/** Processes started from the test's copies (the learner's server) or verifying them (the checker). */
function processesOfCopies(): string[] {
  try {
    return execFileSync('pgrep', ['-af', `${copies}/`], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean);
  } catch {
    return [];
  }
}

describe('the exercise view', () => {
  test('E makes the copy and verifies it: a wrong answer fails with what was expected, what arrived, and the call as timeline rows', async () => {
    const { store, controller } = setup({ watch: false });
    controller.handle('open-exercise');
    await waitFor(() => store.state.exercise, 'the view to open');
    assert.equal(store.mode(), 'exercise');
    assert.equal(readFileSync(exercise.workPath, 'utf8'), START, 'the copy is made from the starting file');
    const untouched = await verified(store, 1);
    assert.match(checksOf(untouched)[1].actual!, /UNIMPLEMENTED/);

    writeFileSync(exercise.workPath, WRONG);
    controller.handle('exercise-verify');
    const shown = await verified(store, 2);
    assert.equal(shown.verification!.passed, false);
    assert.equal(shown.source, WRONG, 'the file pane shows what was verified');
    const checks = checksOf(shown);
    assert.deepEqual(
      checks.map((check) => [check.name, check.state]),
      [
        ['starts and listens', 'pass'],
        ['greets Ada by name', 'fail'],
        ['greets any name it is sent', 'fail'],
        ['rejects an empty name with INVALID_ARGUMENT', 'fail'],
        ['rejects a name of only spaces', 'fail'],
      ],
    );
    assert.equal(checks[1].expected, 'the reply "Hello, Ada!"');
    assert.match(checks[1].actual!, /Hi, Ada!/);
    // The checks pane at 80 columns: each failure's expected and got lines, wrapped, spaces kept.
    const pane = checkBlocks(shown, 36).lines.map(lineText);
    assert.ok(pane.includes('FAIL  greets Ada by name'), pane.join('\n'));
    assert.ok(pane.includes('    expected the reply "Hello, Ada!"'), pane.join('\n'));
    assert.ok(pane.includes('    got      "Hi, Ada!"'), pane.join('\n'));
    assert.ok(
      pane.some((line) => line.endsWith('the name "   "')),
      pane.join('\n'),
    );
    // The timeline shows the first failing check's call, as the lesson's timeline shows rows.
    const rows = checkTimelineLines(shown).map(lineText);
    assert.match(rows[0], /^run 2 · call \d+ SayHello unary$/);
    assert.ok(
      rows.some((row) => /──▶ +\d+ B {2}\{"name":"Ada"\}/.test(row)),
      rows.join('\n'),
    );
    assert.ok(
      rows.some((row) => /◀── +\d+ B {2}\{"message":"Hi, Ada!"\}/.test(row)),
      rows.join('\n'),
    );
    assert.match(rows.at(-1)!, /status OK$/);
    // Down in the checks pane: the next check, and its call in the timeline.
    controller.handle('scroll-down');
    assert.equal(view(store).selected, 2);
    assert.ok(
      checkTimelineLines(view(store))
        .map(lineText)
        .some((row) => /"name":"Grace-/.test(row)),
    );
  });

  test('saving the right answer re-verifies without a key: it passes, progress is saved, the solution is offered', async () => {
    const { store, controller, progress } = setup();
    controller.handle('open-exercise');
    await verified(store, 1);
    assert.equal(view(store).verification!.passed, false);
    writeFileSync(exercise.workPath, SOLUTION);
    const passed = await verified(store, 2);
    assert.equal(passed.verification!.passed, true);
    assert.ok(checksOf(passed).every((check) => check.state === 'pass'));
    assert.equal(passed.passed, true);
    assert.match(store.state.notice, /passed! s shows the reference solution/);
    assert.deepEqual(progress.exercises().get(exercise.key), { passed: true });
    assert.deepEqual(store.state.exerciseProgress.get(exercise.key), { passed: true });
    // After a pass, s shows the solution at once; s again, the learner's file.
    controller.handle('exercise-solution');
    assert.equal(store.mode(), 'exercise');
    assert.equal(view(store).solution, SOLUTION);
    controller.handle('exercise-solution');
    assert.equal(view(store).solution, undefined);
  });

  test('before a pass, s asks first: n keeps the file, y shows the solution', async () => {
    const { store, controller } = setup({ watch: false });
    controller.handle('open-exercise');
    await verified(store, 1);
    controller.handle('exercise-solution');
    assert.equal(store.mode(), 'solution');
    assert.equal(view(store).solution, undefined);
    controller.handle('solution-no');
    assert.equal(store.mode(), 'exercise');
    assert.equal(view(store).solution, undefined);
    controller.handle('exercise-solution');
    controller.handle('solution-yes');
    assert.equal(store.mode(), 'exercise');
    assert.equal(view(store).solution, SOLUTION);
  });

  test('h shows one more hint at a time, up to the last; the count is saved and shown again when the view reopens', async () => {
    const progressPath = join(home, 'hints.json');
    const first = setup({ watch: false, progressPath });
    first.controller.handle('open-exercise');
    await waitFor(() => first.store.state.exercise, 'the view to open');
    first.controller.handle('exercise-hint');
    first.controller.handle('exercise-hint');
    assert.equal(view(first.store).hints, 2);
    assert.deepEqual(first.progress.exercises().get(exercise.key), { hints: 2 });
    first.controller.handle('close-exercise');
    await waitFor(() => first.store.state.exercise === undefined, 'the view to close');
    first.controller.handle('open-exercise');
    await waitFor(() => first.store.state.exercise, 'the view to open again');
    assert.equal(view(first.store).hints, 2, 'reopened in the same run');

    // Another run of the UI, on the same progress file.
    await first.controller.shutdown();
    const second = setup({ watch: false, progressPath });
    second.controller.handle('open-exercise');
    await waitFor(() => second.store.state.exercise, 'the view to open in a new run');
    assert.equal(view(second.store).hints, 2);
    second.controller.handle('exercise-hint');
    second.controller.handle('exercise-hint');
    assert.equal(view(second.store).hints, exercise.hints.length, 'no more hints than there are');
    assert.match(second.store.state.notice, /that was the last hint/);
    assert.deepEqual(second.progress.exercises().get(exercise.key), { hints: exercise.hints.length });
  });

  test('a second exercise is one number key away; quitting mid-verification leaves nothing running', async () => {
    const { store, controller } = setup({ watch: false });
    controller.handle('open-exercise');
    await waitFor(() => store.state.exercise, 'the view to open');
    controller.handle('pick-exercise', '2');
    await waitFor(() => store.state.exercise?.exercise.id === 'client' && store.state.exercise, 'exercise 2');
    controller.handle('pick-exercise', '1');
    // The learner's server is up, the checker calling it.
    await waitFor(
      () => store.state.exercise?.exercise.id === 'server' && checksOf(view(store))[0]?.state === 'running',
      'the first check to run',
    );
    await waitFor(() => processesOfCopies().length >= 2, 'the checker and the learner server', 20_000);
    await controller.shutdown();
    assert.equal(store.state.exercise, undefined);
    assert.deepEqual(processesOfCopies(), []);
  });
});

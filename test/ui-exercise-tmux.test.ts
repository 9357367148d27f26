// An exercise as a new learner does it, in a real terminal at 80x24: open
// lesson 01's first exercise, save a wrong answer (the failing check says what
// it expected and what arrived, and its call's rows show), ask for two hints,
// save the right answer (it passes, the solution is offered), quit (nothing
// left running), start again (the lesson list shows the exercise passed).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, waitFor } from './helpers.js';
import { DONE, STATE_DIR, hasTmux, killSessions, paneLines, screenWith, startApp } from './tmux.js';

// The learner's copies, in the project as deep as exercises/ (their imports resolve from there).
const copies = mkdtempSync(join(ROOT, '.exercises-test-tmux-'));
const WORK = join(copies, '01-unary', 'server.ts');
const START = readFileSync(join(ROOT, 'lessons/01-unary/exercise-server.ts'), 'utf8');
const SOLUTION = readFileSync(join(ROOT, 'lessons/01-unary/server.ts'), 'utf8');
const WRONG = START.replace(
  "callback({ code: grpc.status.UNIMPLEMENTED, details: 'SayHello is not written yet' });",
  'callback(null, { message: `Hi, ${call.request.name}!` });',
);

/**
 * The checker and the learner's server: both have the copy's path on their
 * command line (the tmux server may have the folder's, from the session it started with).
 */
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

describe('an exercise in the lesson UI, in tmux', { skip: !hasTmux }, () => {
  after(() => {
    killSessions();
    rmSync(STATE_DIR, { recursive: true, force: true });
    rmSync(copies, { recursive: true, force: true });
  });

  test('80x24: a wrong answer fails with its call shown, hints, the right answer passes, progress kept', async () => {
    assert.notEqual(WRONG, START, 'the starting file changed: update the wrong answer');
    const command = `GRPC_TUTORIAL_EXERCISES_DIR=${copies} node --import tsx src/cli/lesson.ts`;
    const app = startApp(`${command} 1`, { columns: 80, rows: 24 });
    // A lesson with exercises offers E in its footer.
    await screenWith(app, (text) => /^01 Hello, gRPC/m.test(text) && /E exercise/.test(text), 30_000);
    app.keys('E');
    let screen = await screenWith(app, /checks pass · Greet by name/, 30_000);
    assert.ok(existsSync(WORK), 'E made the copy');
    assert.ok(paneLines(screen, 'Your file: '), screen);

    // A wrong answer, saved: verified again without a key.
    writeFileSync(WORK, WRONG);
    // A capture can catch Ink halfway through a frame: wait for one that shows the failure and its call whole.
    const callsOf = (text: string) => paneLines(text, 'Calls of "greets Ada') ?? [];
    screen = await screenWith(
      app,
      (text) => /got +"Hi, Ada!"/.test(text) && callsOf(text).some((line) => /status OK$/.test(line)),
      30_000,
    );
    const checks = paneLines(screen, 'Checks · ') ?? [];
    assert.ok(checks.includes('FAIL  greets Ada by name'), screen);
    assert.ok(
      checks.some((line) => /^expected +the reply "Hello, Ada!"$/.test(line)),
      screen,
    );
    // The failing call as timeline rows, down to its status.
    const calls = callsOf(screen);
    assert.ok(
      calls.some((line) => /status OK$/.test(line)),
      screen,
    );
    for (const line of screen.split('\n')) assert.ok([...line].length <= 80, `wider than 80: ${line}`);

    app.keys('h');
    await screenWith(app, /hint 1 of 3/);
    app.keys('h');
    screen = await screenWith(app, /Hints · 2 of 3/);
    assert.match(screen, /hint 2 of 3/);

    writeFileSync(WORK, SOLUTION);
    screen = await screenWith(app, (text) => /passed: all 5 checks pass/.test(text), 30_000);
    assert.match(screen, /s shows the (reference )?solution/);
    app.keys('s');
    screen = await screenWith(app, /│ Solution, read-only/);
    assert.match(screen, /the reference solution: lessons\/01-unary\/server\.ts/);
    assert.deepEqual(JSON.parse(readFileSync(join(STATE_DIR, 'progress.json'), 'utf8')).exercises, {
      '01-unary/server': { hints: 2, passed: true },
    });

    app.keys('q');
    await screenWith(app, `${DONE} 0`);
    await waitFor(() => processesOfCopies().length === 0, 'no checker or learner server after q');

    // Back another day: the lesson list shows the exercise passed, the hints are still there.
    const again = startApp(command, { columns: 80, rows: 24 });
    screen = await screenWith(again, /01 Hello, gRPC.* ex 1\/2 \[unary\]/, 30_000);
    // Keys typed before Ink reads the terminal in raw mode can be lost: move down and back first.
    again.keys('j');
    await screenWith(again, /> +02 /);
    again.keys('k', 'Enter');
    await screenWith(again, /E exercise/, 30_000);
    again.keys('E');
    // The first exercise not yet passed: the second one.
    await screenWith(again, /exercise 01\/2/, 30_000);
    again.keys('1');
    screen = await screenWith(again, /exercise 01\/1 passed: all 5 checks pass/, 30_000);
    assert.match(screen, /Hints · 2 of 3/);
    again.keys('q');
    await screenWith(again, `${DONE} 0`);
    await waitFor(() => processesOfCopies().length === 0, 'nothing left running after the second q');
  });
});

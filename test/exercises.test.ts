// The exercises as a whole, and the learner's commands. Each exercise is
// checked both ways in test/exercises-lessons-*.test.ts (see exercise-checks.ts).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from './helpers.js';

// The learner's copies and progress go to folders of the test's own, never to
// the learner's. The copies stay in the project, as deep as exercises/ is, so
// that their imports resolve (node_modules, ../../protos).
const home = mkdtempSync(join(tmpdir(), 'exercises-test-'));
const copies = mkdtempSync(join(ROOT, '.exercises-test-'));
process.env.GRPC_TUTORIAL_EXERCISES_DIR = copies;
process.env.GRPC_TUTORIAL_STATE_DIR = join(home, 'state');
after(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(copies, { recursive: true, force: true });
});

const { allExercises, findExercise } = await import('../src/exercises/exercises.js');
const exercises = allExercises();

test('an exercise is found by the label the list prints, 03/2, as by its lesson and --exercise', () => {
  const byLabel = findExercise('03/2');
  const byFlag = findExercise('3', '2');
  assert.ok(typeof byLabel !== 'string', String(byLabel));
  assert.deepEqual(byLabel, byFlag);
  assert.match(String(findExercise('03/9')), /has no exercise "9"/);
});

test('there are at least 12 exercises, and both sides are written by the learner', () => {
  assert.ok(exercises.length >= 12, `${exercises.length} exercises`);
  assert.deepEqual(new Set(exercises.map((exercise) => exercise.side)), new Set(['server', 'client']));
});

test("a lesson 02 server that ignores the cancel fails the check made for it, from the server's own log", async () => {
  const { runChecks } = await import('../src/exercises/run-checks.js');
  const server = findExercise('2', 'server');
  if (typeof server === 'string') throw new Error(server);
  // The lesson's own server, without its three looks at the cancel.
  const ignoring = readFileSync(server.solutionPath, 'utf8')
    .replace('if (call.cancelled) return;', '')
    .replace("call.once('cancelled', () => cancelled.abort());", '')
    .replace('if (cancelled.signal.aborted) return;', '');
  mkdirSync(dirname(server.workPath), { recursive: true });
  writeFileSync(server.workPath, ignoring);
  const failed = new Map<string, string>();
  await runChecks(server, server.workPath, (report) => {
    if (report.type === 'check' && report.state === 'fail') failed.set(report.name, report.actual);
  });
  assert.match(
    failed.get('stops writing once the call is cancelled') ?? 'passed',
    /LotsOfReplies handler went on writing after its call was cancelled: \d+ messages? for nobody/,
  );
  assert.ok(!failed.has('streams reply_count numbered replies, then OK'), 'the rest of it works');
});

describe('the learner commands', () => {
  // English whatever the machine's locale: the commands follow LANG.
  const env = { ...process.env, CI: '', LC_ALL: '', LC_MESSAGES: '', LANG: '' };
  const run = (script: string, ...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', `src/cli/${script}.ts`, ...args], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
  const server = findExercise('1', 'server');
  if (typeof server === 'string') throw new Error(server);

  test('exercise makes the copy, verify fails it with the failing check and its calls, exit 1', () => {
    const made = run('exercise', '1', '--exercise', 'server');
    assert.equal(made.status, 0, made.stderr);
    assert.match(made.stdout, /made your copy: .*01-unary\/server\.ts/);
    assert.equal(readFileSync(server.workPath, 'utf8'), readFileSync(server.startPath, 'utf8'));
    const verified = run('verify', '1', '--exercise', '1');
    assert.equal(verified.status, 1);
    assert.match(verified.stdout, /pass {2}starts and listens/);
    assert.match(
      verified.stdout,
      /FAIL {2}greets Ada by name\n {10}expected the reply "Hello, Ada!"\n {10}got {6}UNIMPLEMENTED/,
    );
    // The failing call, as the reference client saw it cross the wire.
    assert.match(verified.stdout, /client → server +10 B {2}\{"name":"Ada"\}/);
    assert.match(verified.stdout, /status UNIMPLEMENTED: SayHello is not written yet/);
    assert.match(verified.stdout, /npm run exercise -- hint 1 --exercise 1/);
  });

  test('hints come one more at a time and are remembered; the solution waits for a pass', () => {
    const first = run('exercise', 'hint', '1', '--exercise', '1');
    assert.match(first.stdout, /^hint 1 of 3: /);
    assert.doesNotMatch(first.stdout, /hint 2/);
    const second = run('exercise', 'hint', '1', '--exercise', '1');
    assert.match(second.stdout, /hint 2 of 3: /);
    const early = run('exercise', 'solution', '1', '--exercise', '1');
    assert.equal(early.status, 1);
    assert.match(early.stderr, /has not passed yet; .* --yes shows it anyway/);
  });

  test('a right answer passes, exit 0, progress marked, solution offered; reset restores the start', () => {
    writeFileSync(server.workPath, readFileSync(server.solutionPath, 'utf8'));
    const verified = run('verify', '1', '--exercise', '1');
    assert.equal(verified.status, 0, verified.stdout);
    assert.match(verified.stdout, /all 5 checks pass\npassed; the reference solution: lessons\/01-unary\/server\.ts/);
    const progress = JSON.parse(readFileSync(join(home, 'state', 'progress.json'), 'utf8'));
    assert.deepEqual(progress.exercises['01-unary/server'], { hints: 2, passed: true });
    const listed = run('exercise', 'list');
    assert.match(listed.stdout, /01\/1 +server +passed +Greet by name/);
    const solution = run('exercise', 'solution', '1', '--exercise', '1');
    assert.equal(solution.status, 0);
    assert.equal(solution.stdout, `// lessons/01-unary/server.ts\n${readFileSync(server.solutionPath, 'utf8')}`);
    assert.equal(run('exercise', 'reset', '1', '--exercise', '1').status, 0);
    assert.equal(readFileSync(server.workPath, 'utf8'), readFileSync(server.startPath, 'utf8'));
  });

  test('verify --all prints a row per exercise', () => {
    const all = run('verify', '--all');
    assert.equal(all.status, 0, all.stderr);
    assert.match(all.stdout, /^exercise +side +status +hints +title/);
    assert.match(all.stdout, /01\/1 +server +fails +2\/3 +Greet by name/);
    assert.match(all.stdout, /01\/2 +client +not started +0\/3/);
  });

  test('bad input: one clear line and exit 2', () => {
    for (const [args, message] of [
      [['99'], /unknown lesson "99"/],
      [['1'], /lesson 01-unary has 2 exercises; choose one with --exercise: 1 \(server\), 2 \(client\)/],
      [['1', '--exercise', '7'], /no exercise "7"/],
      [['1', '--exercise', '1', '--solution', '--start'], /choose one of --file, --solution and --start/],
      [['--bogus'], /Unknown option '--bogus'/],
    ] as const) {
      const result = run('verify', ...args);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split('\n').length, 1);
    }
  });
});

describe('the learner commands in Chinese', () => {
  const run = (args: string[], locale: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/exercise.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, CI: '', LC_ALL: '', LC_MESSAGES: '', LANG: '', ...locale },
      encoding: 'utf8',
      timeout: 60_000,
    });
  const exercise = findExercise('3', 'client');
  if (typeof exercise === 'string') throw new Error(exercise);

  test('--lang zh-CN: the exercise, its hints and the list in Chinese; commands and paths as they are', async () => {
    const { exerciseTexts } = await import('../src/i18n/lessons.js');
    const chinese = exerciseTexts(exercise, 'zh-CN');
    const started = run(['3', '--exercise', 'client', '--lang', 'zh-CN']);
    assert.equal(started.status, 0, started.stderr);
    assert.ok(started.stdout.includes(`练习 03/2：${chinese.title}（由你编写客户端）`), started.stdout);
    assert.match(started.stdout, /^已生成你的副本：.*03-client-streaming\/client\.ts（找 TODO）$/m);
    assert.match(started.stdout, /^验证：npm run verify -- 3 --exercise 2 {3}/m);
    const hinted = run(['hint', '3', '--exercise', 'client', '--lang', 'zh-CN']);
    assert.equal(hinted.status, 0, hinted.stderr);
    assert.equal(hinted.stdout, `提示 1/${exercise.hints.length}：${chinese.hints[0]}\n`);
    // A zh locale alone chooses Chinese, as npm run lesson does.
    const listed = run(['list'], { LANG: 'zh_CN.UTF-8' });
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(
      listed.stdout,
      new RegExp(`^03/2 +客户端 +进行中 +${chinese.title.replace(/[()（）]/g, '.')}  （看过 1 条提示）$`, 'm'),
    );
    const bad = run(['list', '--lang', 'fr']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--lang must be en or zh-CN, got "fr"/);
  });
});

// The exercise view in Simplified Chinese, rendered in memory with
// ink-testing-library at 80x24, keys through stdin, a real verification (the
// checker's client calling the learner's server over loopback): its pane
// titles, status, marks, hints, prompt and notices in Chinese, check names
// and what the checks printed as they are, t back to English while it is
// open, and every frame's borders where they belong.
import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createElement } from 'react';
import { cleanup, render } from 'ink-testing-library';
import { ROOT, lesson, waitFor, waitForText, type TextPattern } from './helpers.js';

// The copies stay in the project, as deep as exercises/ is, so that their
// imports resolve (see test/exercises.test.ts); progress goes to a folder of the test's own.
const home = mkdtempSync(join(tmpdir(), 'ui-zh-exercise-test-'));
const copies = mkdtempSync(join(ROOT, '.exercises-test-ui-zh-'));
process.env.GRPC_TUTORIAL_EXERCISES_DIR = copies;
after(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(copies, { recursive: true, force: true });
});

const { App } = await import('../src/ui/App.js');
const { LessonController } = await import('../src/ui/controller.js');
const { UiStore } = await import('../src/ui/store.js');
const { ProgressFile } = await import('../src/ui/progress.js');
const { findExercise } = await import('../src/exercises/exercises.js');
const { columns } = await import('../src/ui/width.js');
const { checkBlocks, newExerciseView } = await import('../src/ui/exercise-store.js');
const { CATALOGS } = await import('../src/i18n/catalog.js');
const { lineText } = await import('../src/ui/styled.js');

const exercise = findExercise('1', 'server');
if (typeof exercise === 'string') throw new Error(exercise);
const SOLUTION = readFileSync(exercise.solutionPath, 'utf8');
const zh = JSON.parse(readFileSync(join(ROOT, 'lessons/lessons.zh-CN.json'), 'utf8'))['01-unary'].exercises.server as {
  title: string;
  hints: string[];
};

const controllers: InstanceType<typeof LessonController>[] = [];
afterEach(async () => {
  cleanup();
  await Promise.all(controllers.splice(0).map((controller) => controller.shutdown()));
  rmSync(join(copies, '01-unary'), { recursive: true, force: true });
});

const SIZE = { columns: 80, rows: 24 };
const BORDER = /^[╭│╰]/;

/**
 * A frame whose panes keep their borders: no line wider than the terminal,
 * every line of a pane exactly as wide, closed on the right. A line one column
 * too wide wraps on a real terminal and scrolls the whole screen.
 */
function assertFrameFits(frame: string): void {
  const lines = frame.split('\n');
  assert.ok(lines.length <= SIZE.rows - 1, `${lines.length} lines:\n${frame}`);
  for (const line of lines) {
    const width = columns(line);
    assert.ok(width <= SIZE.columns, `${width} columns: "${line}"`);
    if (BORDER.test(line)) {
      assert.equal(width, SIZE.columns, `a pane line ${width} columns wide: "${line}"`);
      assert.match(line, /[╮│╯]$/, `a pane line not closed on the right: "${line}"`);
    }
  }
}

function setup() {
  const store = new UiStore({ frameMs: 0 });
  store.state.size = SIZE;
  store.state.language = 'zh-CN';
  store.openLesson(lesson('1'));
  const progress = new ProgressFile(join(home, 'progress.json'));
  const controller = new LessonController(store, { watch: false, progress });
  controllers.push(controller);
  const app = render(createElement(App, { store, controller, trackTerminalSize: false }));
  const frame = () => app.lastFrame() ?? '';
  /** Waits for a frame with `pattern`; checks its borders. */
  const until = async (pattern: TextPattern, what = String(pattern), timeoutMs?: number) => {
    const shown = await waitForText(frame, pattern, `a frame with ${what}`, timeoutMs);
    assertFrameFits(shown);
    return shown;
  };
  return { store, app, until };
}

test('in Chinese, the exercise view says its own words in Chinese, keeps check names and check output as printed, and t turns it to English', async () => {
  const { store, app, until } = setup();
  await until('你好，gRPC：一元调用', 'the lesson in Chinese');
  app.stdin.write('E');
  // The untouched copy: it starts and listens, and answers nothing else.
  let shown = await until('5 项检查通过了 1 项', 'the first verification over', 30_000);
  assert.match(shown, /^练习 01\/1 5 项检查通过了 1 项 · 按名字问候，拒绝空名字（由你编写服务端）/);
  assert.match(shown, /│ 你的文件：/);
  assert.match(shown, /│ 检查 · 通过 1\/5 /);
  assert.match(shown, /│ 检查“greets Ada by/);
  assert.match(shown, /│ 你的服务端输出 /);
  assert.match(shown, /│ 通过 {2}starts and listens/);
  assert.match(shown, /│ 失败 {2}greets Ada by name/);
  assert.match(shown, /expected the reply "Hello, Ada!"/, "the check's own words stay");
  assert.match(shown, /ms ──▶ 半关闭 /, "the check's call as timeline rows, in Chinese");
  assert.match(shown, /^已生成你的副本：编辑、保存，自动验证/m);
  assert.doesNotMatch(shown, /Your file|Checks ·|Calls|output|FAIL|pass /);

  app.stdin.write('h');
  shown = await until('│ 提示 · 1/3 · h：下一条', 'the hints pane');
  assert.match(shown, /│ 提示 1\/3 +│/);
  assert.match(shown, new RegExp(`│ ${zh.hints[0].slice(0, 8)}`), 'the first hint, in Chinese');
  assert.match(shown, /^提示 1\/3 /m, 'the notice');
  assert.doesNotMatch(shown, /The request is/);

  app.stdin.write('s');
  shown = await until('你的副本还没通过，现在就看参考答案吗？ y 显示 · n 或 esc 再试试', 'the question');
  app.stdin.write('n');
  await until('练习 01/1', 'the question answered');

  // The right answer, verified on r: the longest status row, cut at the terminal's edge.
  writeFileSync(exercise.workPath, SOLUTION);
  app.stdin.write('r');
  shown = await until('练习 01/1 通过：5 项检查全部通过 · s 查看参考答案', 'a pass', 30_000);
  assert.match(shown, /^通过了！s 查看参考答案/m);
  assert.match(shown.split('\n')[0], /…$/, 'the status row is cut, not wrapped');
  assert.equal(store.state.language, 'zh-CN');

  app.stdin.write('t');
  shown = await until('exercise 01/1 passed: all 5 checks pass · s shows the solution', 'the view in English');
  assert.match(shown, /│ Your file: /);
  assert.match(shown, /│ Checks · 5 of 5 pass /);
  assert.match(shown, /│ Hints · 1 of 3 · h: next/);
  assert.match(shown, /│ hint 1 of 3 +│/);
  assert.match(shown, /│ The request is `call\.request`/);
  assert.match(shown, /│ pass {2}starts and listens/);
  assert.match(shown, /│ Your server's output /);
  assert.match(shown, /ms ──▶ half-close /);
  const [footer, ...above] = shown.split('\n').reverse();
  assert.match(footer, /^English \(t: 中文\)/, 'the notice says how to go back');
  assert.doesNotMatch(above.join('\n'), /[\u4e00-\u9fff]/, 'no Chinese left above it');
});

test('in Chinese, a failing verification clears the notice it makes stale and keeps the one about the copy', async () => {
  const store = new UiStore({ frameMs: 0 });
  store.state.size = SIZE;
  store.state.language = 'zh-CN';
  store.openLesson(lesson('1'));
  const controller = new LessonController(store, { watch: false });
  controllers.push(controller);
  const verified = (run: number) =>
    waitFor(
      () => {
        const view = store.state.exercise;
        return view?.runs === run && !view.verifying && view.verification?.passed === false;
      },
      `verification ${run} to fail`,
      30_000,
    );
  controller.handle('open-exercise');
  await verified(1);
  assert.equal(store.state.notice, '已生成你的副本：编辑、保存，自动验证', 'the notice about the copy stays');
  controller.handle('exercise-verify');
  assert.equal(store.state.notice, store.words.ui.verifyingAgain);
  await verified(2);
  assert.equal(store.state.notice, '');
});

test("a failing check's got wraps by columns: Chinese that the learner's program answered stays inside the pane, none of it lost", () => {
  const view = newExerciseView(exercise, '', 0, false);
  const actual = '"你好，Ada！欢迎来到 gRPC 的世界，这是一条比检查窗格宽得多的中文应答"';
  const check = { name: 'greets Ada by name', state: 'fail' as const, events: [], output: [] };
  view.verification = { exercise, file: '', output: [], passed: false, checks: [{ ...check, expected: 'x', actual }] };
  for (const width of [36, 24]) {
    const lines = checkBlocks(view, width, CATALOGS['zh-CN']).lines.map(lineText);
    for (const line of lines) assert.ok(columns(line) <= width, `${columns(line)} columns at ${width}: "${line}"`);
    const got = lines.slice(lines.findIndex((line) => line.startsWith('    got')));
    assert.ok(got.length > 2, got.join('\n'));
    // Each line after its 13 columns of label; a space where a line broke is the one thing dropped.
    const text = got.map((line) => line.slice(13)).join('');
    assert.equal(text.replace(/ /g, ''), actual.replace(/ /g, ''));
  }
});

// The live UI in Chinese, in memory: the language the store holds decides every
// word drawn, t switches it at once, and lines the UI wrote earlier are said
// again in the new language; the lesson text is read in the learner's language.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanup, render } from 'ink-testing-library';
import { App } from '../src/ui/App.js';
import { LessonController } from '../src/ui/controller.js';
import { UiStore } from '../src/ui/store.js';
import { lesson, waitForText, type TextPattern } from './helpers.js';
import { columns } from '../src/ui/width.js';

const controllers: LessonController[] = [];

function setup(language: 'en' | 'zh-CN', size = { columns: 100, rows: 40 }) {
  const store = new UiStore({ frameMs: 0 });
  store.state.size = size;
  store.state.language = language;
  const controller = new LessonController(store, { watch: false, onQuit: () => {} });
  controllers.push(controller);
  const app = render(<App store={store} controller={controller} trackTerminalSize={false} />);
  const frame = () => app.lastFrame() ?? '';
  const until = (check: TextPattern, what = String(check)) => waitForText(frame, check, `a frame with ${what}`);
  return { store, controller, app, frame, until };
}

afterEach(async () => {
  cleanup();
  await Promise.all(controllers.splice(0).map((controller) => controller.shutdown()));
});

test('the lesson list speaks the store’s language, and t switches it at once', async () => {
  const { app, until } = setup('zh-CN', { columns: 80, rows: 24 });
  const chinese = await until('gRPC 实况：选一课');
  assert.match(chinese, /01 你好，gRPC：一元调用/);
  assert.match(chinese, /\[一元调用\]/);
  app.stdin.write('t');
  const english = await until('gRPC, live: pick a lesson');
  assert.match(english, /01 Hello, gRPC: a unary call/);
  assert.match(english, /English \(t: 中文\)/, 'the notice says what the language is now');
  app.stdin.write('t');
  await until('gRPC 实况：选一课');
});

test('a lesson in Chinese: its text, header, panes, output lines and timeline; t says them all again in English', async () => {
  const { controller, app, until, frame } = setup('zh-CN', { columns: 120, rows: 40 });
  await controller.open(lesson('1'));
  const chinese = await until(/客户端已退出，退出码 0[\s\S]*状态 OK|状态 OK[\s\S]*客户端已退出，退出码 0/);
  assert.match(chinese, /^01 你好，gRPC：一元调用 · 服务端：正在监听 127\.0\.0\.1:\d+/m);
  assert.match(chinese, /│ 课文 /);
  assert.match(chinese, /什么是 RPC/, 'the lesson text is the Chinese one');
  assert.match(chinese, /── 第 1 次运行 ──/);
  assert.match(chinese, /第 1 次运行 · 调用 1 SayHello 一元调用/);
  assert.match(chinese, /──▶ 半关闭/);
  for (const line of chinese.split('\n')) assert.ok(columns(line) <= 120, `wider than 120: ${line}`);

  app.stdin.write('t');
  const english = await until(/│ Lesson /);
  assert.match(english, /^01 Hello, gRPC: a unary call · server listening on/m);
  assert.match(english, /What RPC is/, 'the lesson text is read again in English');
  // Lines written while the UI spoke Chinese are said in English now.
  assert.match(english, /── run 1 ──/);
  assert.match(english, /client exited with code 0/);
  assert.match(english, /run 1 · call 1 SayHello unary/);
  assert.doesNotMatch(frame(), /第 1 次运行/);
});

test('a long Chinese notice and header are cut at the terminal’s edge by columns, never a column past it', async () => {
  const { store, controller, until, frame } = setup('zh-CN', { columns: 80, rows: 24 });
  await controller.open(lesson('1'));
  await until(/状态 OK/);
  // Narrow characters first, zero to three of them, so that one time a wide character straddles column 80.
  for (const narrow of ['', 'x', 'xx', 'xxx']) {
    const notice = `${narrow}|${'服务端没有在运行：按 s 启动它'.repeat(6)}`;
    store.update((state) => (state.notice = notice));
    const lines = (await until(new RegExp(`(^|\\n)${narrow}\\|服务端`))).split('\n');
    for (const line of lines) assert.ok(columns(line) <= 80, `${columns(line)} columns: ${line}`);
    assert.match(lines.at(-1)!, /…$/);
  }
  assert.match(frame().split('\n')[0], /^01 你好，gRPC：一元调用 .*…$/);
});

test('a prompt longer than its row shows the end of what is typed, with the cursor, in columns', async () => {
  const { store, controller, until } = setup('zh-CN', { columns: 80, rows: 24 });
  await controller.open(lesson('1'));
  await until(/状态 OK/);
  const typed = `${'张三，李四，王五，赵六，'.repeat(6)}最后一个`;
  store.update((state) => (state.nameDraft = typed));
  const row = (await until(/名字 › /)).split('\n')[0];
  assert.ok(columns(row) <= 80, `${columns(row)} columns: ${row}`);
  assert.match(row, /^名字 › …[^…]*最后一个 /, 'the end of the text, then the cursor');
});

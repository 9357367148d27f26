// The keys in Simplified Chinese: the footer and the help speak the UI's
// language, fit the terminal by columns (a CJK character is two), and follow
// t from one language to the other at once.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanup, render } from 'ink-testing-library';
import { App } from '../src/ui/App.js';
import { LessonController } from '../src/ui/controller.js';
import { UiStore } from '../src/ui/store.js';
import { KEYMAP, footerKeyText, hintsFor, shown, type Mode } from '../src/ui/keymap.js';
import { hintsThatFit } from '../src/ui/Footer.js';
import { helpLines } from '../src/ui/help-lines.js';
import { contentColumns, contentRows, helpRect } from '../src/ui/layout.js';
import { lineText } from '../src/ui/styled.js';
import { columns } from '../src/ui/width.js';
import { KEY_WORDS } from '../src/i18n/key-words.js';
import type { Language } from '../src/i18n/lang.js';
import { LESSONS, type Lesson } from '../src/lessons.js';
import { lesson, waitForText, type TextPattern } from './helpers.js';

const KEY = { esc: '\x1b', pageDown: '\x1b[6~' };
const CJK = /[\u4e00-\u9fff]/;

const controllers: LessonController[] = [];

function setup(size: { columns: number; rows: number }, language: Language) {
  const store = new UiStore({ frameMs: 0 });
  store.state.size = size;
  store.state.language = language;
  const controller = new LessonController(store, { watch: false, onQuit: () => {} });
  controllers.push(controller);
  const app = render(<App store={store} controller={controller} trackTerminalSize={false} />);
  const frame = () => app.lastFrame() ?? '';
  const until = (check: TextPattern, what = String(check)) => waitForText(frame, check, `a frame with ${what}`);
  return { store, app, frame, until };
}

afterEach(async () => {
  cleanup();
  await Promise.all(controllers.splice(0).map((controller) => controller.shutdown()));
});

const footerOf = (text: string) => text.split('\n').at(-1) ?? '';
const hintText = (hints: ReturnType<typeof hintsFor>) =>
  hints.map((binding) => `${footerKeyText(binding)} ${binding.label}`).join('  ');
const modeOf = (entry: Lesson): Mode => (entry.clients ? 'clients' : entry.servers ? 'servers' : 'lesson');

describe('the keys in Chinese', () => {
  test('every row of every key table has a Chinese label and help; t is named by the other language', () => {
    const rows = Object.values(KEYMAP).flat();
    for (const binding of rows) {
      const { label, help } = shown(binding, 'zh-CN');
      assert.match(help, CJK, `${binding.text}: help in Chinese`);
      if (binding.action === 'switch-language') continue;
      assert.match(label, CJK, `${binding.text}: label in Chinese`);
      // One to four Chinese characters: the footer drops what does not fit at 80 columns.
      assert.ok(columns(label) <= 8, `${binding.text}: "${label}" is too long for the footer`);
    }
    const language = rows.find((binding) => binding.action === 'switch-language')!;
    assert.deepEqual(
      [shown(language, 'en').label, shown(language, 'zh-CN').label],
      ['zh-CN', 'English'],
      'each language names the other',
    );
    assert.match(shown(language, 'zh-CN').help, /英文.*中文/);
    // No words without a row: each named set of words is some row's.
    const named = new Set(rows.map((binding) => binding.text));
    for (const language of ['en', 'zh-CN'] as const)
      assert.deepEqual(Object.keys(KEY_WORDS[language].bindings).sort(), [...named].sort(), language);
    // A lesson's switches too, from the Chinese lesson list.
    for (const entry of LESSONS.filter((candidate) => candidate.switches)) {
      for (const hint of hintsFor(modeOf(entry), entry, 'zh-CN').filter((row) => row.action === 'toggle-switch')) {
        assert.match(hint.label, CJK, `${entry.slug}: switch label`);
        assert.match(hint.help, /开启或关闭后/, `${entry.slug}: switch help`);
      }
    }
  });

  test('at 80 columns the Chinese footer keeps every hint the English one keeps, on every lesson', () => {
    for (const entry of LESSONS) {
      const mode = modeOf(entry);
      const kept = (language: Language) =>
        hintsThatFit(hintsFor(mode, entry, language), 80).map(
          (binding) => `${footerKeyText(binding)}:${binding.action}`,
        );
      const english = kept('en');
      const chinese = kept('zh-CN');
      const chineseText = hintText(hintsThatFit(hintsFor(mode, entry, 'zh-CN'), 80));
      assert.ok(columns(chineseText) <= 80, `${entry.slug}: ${chineseText}`);
      for (const hint of english) assert.ok(chinese.includes(hint), `${entry.slug}: the Chinese footer lacks ${hint}`);
    }
    assert.equal(
      hintText(hintsThatFit(hintsFor('lesson', undefined, 'zh-CN'), 80)),
      'q 退出  ? 帮助  r 运行  e 名字  x 取消  d 截止时间  K 杀掉  space 暂停  w 线路',
    );
  });

  test('with the UI in Chinese, the footer shows the Chinese labels', async () => {
    const { store, until } = setup({ columns: 80, rows: 24 }, 'zh-CN');
    const picker = footerOf(await until('t English'));
    assert.equal(picker, 'q 退出  ? 帮助  enter 打开  0-9 选课  t English');
    store.openLesson(lesson('1'));
    const footer = footerOf(await until('K 杀掉'));
    // Lesson 01 has an exercise: E comes second.
    assert.equal(footer, 'q 退出  ? 帮助  E 练习  r 运行  e 名字  x 取消  d 截止时间  K 杀掉  space 暂停');
    assert.ok(columns(footer) <= 80);
  });

  for (const size of [
    { columns: 80, rows: 24 },
    { columns: 60, rows: 20 },
  ]) {
    test(`at ${size.columns}x${size.rows} the Chinese help shows its lines as laid out: nothing overlaps, is cut or crosses the border`, async () => {
      const { app, until } = setup(size, 'zh-CN');
      const rect = helpRect(size.columns, size.rows);
      const width = contentColumns(rect);
      const lines = helpLines(width, false, undefined, 'zh-CN').map(lineText);
      const rows = contentRows(rect);
      assert.ok(lines.length > rows, 'the help fits without scrolling: this test checks nothing');
      for (const line of lines) assert.ok(columns(line) <= width, `wider than the pane: "${line}"`);
      await until('t English');
      app.stdin.write('?');
      await until('按键 · ? 或 esc 关闭');
      const seen: string[] = [];
      for (let offset = 0; ; offset = Math.min(offset + rows - 1, lines.length - rows)) {
        const shownFrame = await until(`${offset + 1}-${offset + rows}/${lines.length}`);
        const frameLines = shownFrame.split('\n');
        const body = frameLines.slice(2, 2 + rows);
        assert.deepEqual(
          body,
          lines.slice(offset, offset + rows).map((line) => `│ ${line}${' '.repeat(width - columns(line))} │`),
        );
        // The border: a top and a bottom edge as wide as the pane, and a side on every row between.
        assert.equal(columns(frameLines[0]), rect.width);
        assert.match(frameLines[0], /^╭─+╮$/);
        assert.match(frameLines[1], /^│ 按键 · \? 或 esc 关闭 +\d+-\d+\/\d+ │$/);
        assert.match(frameLines[2 + rows], /^╰─+╯$/);
        assert.ok(frameLines.length <= size.rows - 1, 'taller than the terminal');
        assert.ok(
          frameLines.every((line) => columns(line) <= size.columns),
          'wider than the terminal',
        );
        seen.push(...body);
        if (offset + rows >= lines.length) break;
        app.stdin.write(KEY.pageDown);
      }
      // Every section title, row and note of the Chinese words was on screen (wrapped rows joined back).
      const joined = seen.join('').replace(/[│\s]+/g, '');
      const words = KEY_WORDS['zh-CN'];
      const modes: Mode[] = ['picker', 'lesson', 'wire', 'names', 'deadline', 'exercise', 'solution', 'help'];
      const expected = [
        words.everywhere,
        ...modes.map((mode) => words.modeTitle[mode]),
        ...modes.flatMap((mode) => KEYMAP[mode].map((binding) => words.bindings[binding.text].help)),
        ...words.notes,
      ];
      for (const text of expected) assert.ok(joined.includes(text.replace(/\s+/g, '')), `the help lacks "${text}"`);
    });
  }

  test('t switches the footer and the open help between English and Chinese at once', async () => {
    const { app, store, until } = setup({ columns: 120, rows: 30 }, 'en');
    store.openLesson(lesson('1'));
    await until((text) => footerOf(text).includes('K kill'), 'the English lesson footer');
    app.stdin.write('t');
    const chinese = footerOf(await until((text) => footerOf(text).includes('K 杀掉'), 'the Chinese lesson footer'));
    assert.doesNotMatch(chinese, /K kill|x cancel/);
    app.stdin.write('?');
    const help = await until('按键 · ? 或 esc 关闭');
    assert.match(help, /q ctrl-c +退出（停止所有服务端和客户端）/);
    assert.equal(footerOf(help), hintText(hintsFor('help', lesson('1'), 'zh-CN')));
    // t in the help: the help and its footer speak English, and back.
    app.stdin.write('t');
    const english = await until('Keys · ? or esc to close');
    assert.match(english, /q ctrl-c +quit \(stops every server and client\)/);
    assert.doesNotMatch(english, /退出|按键/);
    assert.equal(footerOf(english), 'q quit  ? close  ↑ up  ↓ down  t zh-CN');
    app.stdin.write('t');
    const again = await until('按键 · ? 或 esc 关闭');
    assert.equal(footerOf(again), 'q 退出  ? 关闭  ↑ 向上  ↓ 向下  t English');
    app.stdin.write(KEY.esc);
    await until((text) => footerOf(text).includes('K 杀掉') && !text.includes('按键'), 'the lesson again, in Chinese');
  });
});

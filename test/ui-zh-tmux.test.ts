// The Chinese UI in a real terminal at 80x24 and 120x40: a Chinese character
// takes two columns, and a line one column too wide wraps and pushes the whole
// frame down a row. Read off tmux's screen, every box stays closed with its
// sides in their columns, no row runs past the edge, no character is cut, and
// the lesson text shows every Chinese character of its prose.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, lesson, waitFor } from './helpers.js';
import { DONE, STATE_DIR, hasTmux, killSessions, screenWith, startApp, type TmuxApp } from './tmux.js';
import { columns as textColumns, graphemes } from '../src/ui/width.js';
import { lessonTextPath } from '../src/i18n/lessons.js';

/** A screen row as cells: the character that starts at each column (a wide one leaves the next column empty). */
function cells(row: string): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  for (const character of graphemes(row)) {
    out.push(character);
    for (let extra = 1; extra < textColumns(character); extra++) out.push(undefined);
  }
  return out;
}

/**
 * Every box on the screen is whole: its top corners on one row, then rows with
 * `│` in both corners' columns, then its bottom corners in the same columns.
 * No row is wider than the terminal; no character was replaced for being cut.
 */
function assertFramed(screen: string, columns: number, what: string): void {
  const rows = screen.split('\n').map(cells);
  let boxes = 0;
  rows.forEach((row, index) => {
    assert.ok(row.length <= columns, `${what}: row ${index} is ${row.length} columns wide:\n${screen}`);
    assert.ok(!row.includes('\ufffd'), `${what}: row ${index} holds a cut character:\n${screen}`);
    row.forEach((character, left) => {
      if (character !== '╭') return;
      const right = row.indexOf('╮', left + 1);
      assert.ok(right > left, `${what}: a box opened at row ${index}, column ${left} has no right corner:\n${screen}`);
      let bottom = index + 1;
      for (; bottom < rows.length && rows[bottom][left] !== '╰'; bottom++) {
        assert.equal(rows[bottom][left], '│', `${what}: the left side of a box at row ${bottom}:\n${screen}`);
        assert.equal(rows[bottom][right], '│', `${what}: the right side of a box at row ${bottom}:\n${screen}`);
      }
      assert.ok(bottom < rows.length, `${what}: a box opened at row ${index} never closes:\n${screen}`);
      assert.equal(rows[bottom][right], '╯', `${what}: the bottom right corner at row ${bottom}:\n${screen}`);
      boxes++;
    });
  });
  assert.ok(boxes > 0 || what.includes('list'), `${what}: no box on the screen:\n${screen}`);
}

/** The screen once a frame is drawn whole: two equal captures in a row. */
async function settled(app: TmuxApp): Promise<string> {
  let last = app.screen();
  return waitFor(() => {
    const now = app.screen();
    const same = now === last;
    last = now;
    return same && now;
  }, 'a settled screen');
}

/** A settled screen that shows `pattern`, checked whole. */
async function framed(app: TmuxApp, pattern: RegExp, columns: number, what: string): Promise<string> {
  await screenWith(app, pattern);
  const screen = await settled(app);
  assertFramed(screen, columns, what);
  return screen;
}

const position = (screen: string) => {
  const match = / (\d+)-(\d+)\/(\d+)/.exec(screen);
  return match ? { to: Number(match[2]), of: Number(match[3]) } : undefined;
};

// The learner's exercise copies, in the project as deep as exercises/ (their imports resolve from there).
const copies = mkdtempSync(join(ROOT, '.exercises-test-zh-'));
const UI = `GRPC_TUTORIAL_EXERCISES_DIR=${copies} node --import tsx src/cli/lesson.ts`;

const han = (text: string) => text.match(/\p{Script=Han}/gu) ?? [];

describe('the Chinese UI at 80x24 and 120x40, in tmux', { skip: !hasTmux }, () => {
  after(() => {
    killSessions();
    rmSync(STATE_DIR, { recursive: true, force: true });
    rmSync(copies, { recursive: true, force: true });
  });

  for (const [columns, rows] of [
    [80, 24],
    [120, 40],
  ] as const) {
    test(`${columns}x${rows}: lesson 01 in Chinese keeps every box whole, shows all its text, and t switches it live`, async () => {
      const app = startApp(`${UI} 1 --lang zh-CN`, { columns, rows });
      const first = await framed(app, /客户端已退出，退出码 0/, columns, 'lesson 01');
      // The header is the first row: a row one column too wide would have pushed it off the screen.
      assert.match(first.split('\n')[0], /^01 你好，gRPC：一元调用/);
      assert.match(first, /│ 课文 /);
      assert.match(first, /状态 OK/);

      // t: English at once, the lesson text too; t again: Chinese.
      app.keys('t');
      await framed(app, /│ Lesson .*│ Server output/, columns, 'lesson 01 switched to English');
      app.keys('t');
      await framed(app, /│ 课文 .*│ 服务端输出/, columns, 'lesson 01 switched back');

      // The help, the wire view of a message and the exercise view.
      app.keys('?');
      await framed(app, /Keys|按键/, columns, 'the help');
      app.keys('Escape');
      await screenWith(app, /│ 课文 /);
      app.keys('k', 'w');
      await framed(app, /线路视图/, columns, 'the wire view');
      app.keys('w');
      await screenWith(app, /│ 课文 /);
      app.keys('E');
      // The exercise view's own keys in the footer: h (a hint), then s (the solution).
      await framed(app, /\bh \S+ {2}s \S+/, columns, 'the exercise view');
      app.keys('Escape');
      await screenWith(app, /│ 课文 /);

      // The lesson text maximized, page by page: every Chinese character of its prose, in order.
      // Tab from the timeline (focused at the start) goes round to the lesson text.
      app.keys('Tab');
      app.keys('z');
      await screenWith(app, (text) => /│ 课文 /.test(text) && !/│ 时间线 ·/.test(text));
      const screens = [await framed(app, /│ 课文 /, columns, 'the lesson text maximized')];
      for (let page = 0; page < 200; page++) {
        const at = position(screens.at(-1)!);
        if (!at || at.to >= at.of) break;
        const before = screens.at(-1)!;
        app.keys('NPage');
        await waitFor(() => app.screen() !== before, 'the next page');
        screens.push(await settled(app));
        assertFramed(screens.at(-1)!, columns, `the lesson text, page ${page + 2}`);
      }
      const prose = readFileSync(lessonTextPath(lesson('1'), 'zh-CN'), 'utf8').replace(/```[\s\S]*?```/g, '');
      // Each screen shows the pane's title (课文) above its lines: read only what is under it.
      const shown = screens.flatMap((screen) => han(screen.split('\n').slice(2).join('\n')));
      const expected = han(prose);
      let at = 0;
      const missing = expected.filter((character) => {
        const found = shown.indexOf(character, at);
        if (found < 0) return true;
        at = found + 1;
        return false;
      });
      assert.deepEqual(missing, [], 'characters of the lesson text not on screen, in order');

      // The lesson list in Chinese.
      app.keys('z', 'l');
      const list = await framed(app, /gRPC 实况：选一课/, columns, 'the lesson list');
      assert.match(list, /01 你好，gRPC：一元调用/);
      app.keys('q');
      await screenWith(app, `${DONE} 0`);
    });

    test(`${columns}x${rows}: lessons with several clients and several servers keep their strips whole in Chinese`, async () => {
      // Without --lang, a zh locale chooses Chinese.
      const clients = startApp(`LC_ALL= LC_MESSAGES= LANG=zh_CN.UTF-8 ${UI} 13`, { columns, rows });
      await framed(clients, /ada · 运行中/, columns, 'lesson 13');
      clients.keys('q');
      await screenWith(clients, `${DONE} 0`);

      const servers = startApp(`${UI} 18 --lang zh-CN`, { columns, rows });
      await framed(servers, /状态 OK/, columns, 'lesson 18');
      servers.keys('q');
      await screenWith(servers, `${DONE} 0`, 30_000);
    });
  }
});

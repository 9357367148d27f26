// The UI read in a real terminal at the sizes learners have, 80x24 and
// 120x40: the help, the maximized source pane and the lesson text show every
// word, page by page, and no line runs past the screen's edge.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { lesson, waitFor } from './helpers.js';
import { DONE, STATE_DIR, hasTmux, killSessions, screenWith, startApp, type TmuxApp } from './tmux.js';
import { helpSections } from '../src/ui/keymap.js';

const words = (text: string) => text.match(/[A-Za-z0-9]+/g) ?? [];

/** Whether every word of `expected` appears in `seen`, in the same order. */
function missingWords(expected: string[], seen: string[]): string[] {
  const missing: string[] = [];
  let at = 0;
  for (const word of expected) {
    const found = seen.indexOf(word, at);
    if (found < 0) missing.push(word);
    else at = found + 1;
  }
  return missing;
}

/** The focused pane's position indicator, "from-to/of", from its title row. */
function position(screen: string): { to: number; of: number } | undefined {
  const match = / (\d+)-(\d+)\/(\d+)/.exec(screen);
  return match ? { to: Number(match[2]), of: Number(match[3]) } : undefined;
}

/**
 * The screen once a frame has been drawn whole: a capture taken while Ink is
 * still writing a frame can hold half of it, so wait for two equal captures.
 */
async function settled(app: TmuxApp): Promise<string> {
  let last = app.screen();
  return waitFor(() => {
    const now = app.screen();
    const same = now === last;
    last = now;
    return same && now;
  }, 'a settled screen');
}

/** Pages through the focused (maximized) pane with PgDn and returns every screen it showed. */
async function pageThrough(app: TmuxApp): Promise<string[]> {
  const screens = [await settled(app)];
  for (let page = 0; page < 100; page++) {
    const at = position(screens.at(-1)!);
    if (!at || at.to >= at.of) return screens;
    app.keys('NPage');
    const before = screens.at(-1)!;
    await waitFor(() => app.screen() !== before, 'the next page');
    screens.push(await settled(app));
  }
  throw new Error('more than 100 pages');
}

const assertFits = (screens: string[], columns: number) => {
  for (const screen of screens) {
    for (const line of screen.split('\n')) assert.ok([...line].length <= columns, `wider than ${columns}: ${line}`);
  }
};

describe('the UI at 80x24 and 120x40, in tmux', { skip: !hasTmux }, () => {
  after(() => {
    killSessions();
    rmSync(STATE_DIR, { recursive: true, force: true });
  });

  for (const [columns, rows] of [
    [80, 24],
    [120, 40],
  ] as const) {
    test(`${columns}x${rows}: help, maximized source and lesson text show every word`, async () => {
      const app = startApp('node --import tsx src/cli/lesson.ts 1', { columns, rows });
      await screenWith(app, /status OK/);

      // The help, every page of it.
      app.keys('?');
      await screenWith(app, 'Keys');
      const help = await pageThrough(app);
      assertFits(help, columns);
      const helpWords = help.flatMap((screen) => words(screen));
      // Every binding's description, as the key tables give it (the keys themselves are symbols).
      const expectedHelp = helpSections()
        .flatMap((section) => [section.title, ...section.bindings.map((binding) => binding.help)])
        .flatMap(words);
      assert.deepEqual(missingWords(expectedHelp, helpWords), [], 'help words not on screen');
      app.keys('?');
      await waitFor(() => !/^.*Keys \(/m.test(app.screen()) || undefined, 'the help closed');

      // The source pane, maximized: every comment word of server.ts.
      const source = readFileSync(lesson('1').serverPath, 'utf8');
      const commentWords = source
        .split('\n')
        .filter((line) => line.trim().startsWith('//'))
        .flatMap((line) => words(line));
      app.keys('Tab', 'Tab');
      await screenWith(app, /Source: server\.ts/);
      app.keys('z');
      await screenWith(app, (text) => /Source: server\.ts/.test(text) && !/Server output|Timeline/.test(text));
      const sourceScreens = await pageThrough(app);
      assertFits(sourceScreens, columns);
      assert.deepEqual(
        missingWords(
          commentWords,
          sourceScreens.flatMap((screen) => words(screen)),
        ),
        [],
      );

      // The lesson text, maximized: every word of its prose.
      app.keys('z');
      await screenWith(app, /Timeline/);
      app.keys('BTab');
      await screenWith(app, /Lesson/);
      app.keys('z');
      await screenWith(app, (text) => /Lesson/.test(text) && !/Source:|Server output|Timeline/.test(text));
      const textScreens = await pageThrough(app);
      assertFits(textScreens, columns);
      const prose = readFileSync(lesson('1').textPath, 'utf8').replace(/```[\s\S]*?```/g, '');
      assert.deepEqual(
        missingWords(
          words(prose),
          textScreens.flatMap((screen) => words(screen)),
        ),
        [],
      );

      app.keys('q');
      await screenWith(app, `${DONE} 0`);
    });
  }
});

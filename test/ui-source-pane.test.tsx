// The source pane as Ink draws it at 80x24 and 120x40: every row is the laid-out
// line, whole. A width that disagreed with the pane's real border and padding
// would show here as rows cut with "…".
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cleanup, render } from 'ink-testing-library';
import { App } from '../src/ui/App.js';
import { LessonController } from '../src/ui/controller.js';
import { UiStore } from '../src/ui/store.js';
import { contentColumns, layoutFor, rectOf } from '../src/ui/layout.js';
import { renderSource } from '../src/ui/source.js';
import { lineText } from '../src/ui/styled.js';
import { lesson, waitFor } from './helpers.js';

afterEach(() => cleanup());

/** The rows inside the source pane (the left column, below its title). */
function sourceRows(frame: string, columns: number): string[] {
  const rows = frame.split('\n');
  const left = Math.floor(columns * 0.5);
  const title = rows.findIndex((row) => row.includes('server.ts (c: '));
  const rest = rows.slice(title + 1);
  const end = rest.findIndex((row) => row.startsWith('╰'));
  return rest.slice(0, end).map((row) => row.slice(2, left - 2).trimEnd());
}

for (const size of [
  { columns: 80, rows: 24 },
  { columns: 120, rows: 40 },
]) {
  test(`at ${size.columns}x${size.rows} the source pane shows every laid-out row of lesson 01's server.ts, none cut`, async () => {
    const store = new UiStore({ frameMs: 0 });
    store.state.size = size;
    const controller = new LessonController(store, { watch: false });
    const app = render(<App store={store} controller={controller} trackTerminalSize={false} />);
    const chosen = lesson('1');
    const server = readFileSync(chosen.serverPath, 'utf8');
    store.openLesson(chosen);
    store.update((state) => {
      state.files = { text: '# Lesson', server, client: '' };
      state.focus = 'source';
    });
    const expected = renderSource(
      server,
      contentColumns(rectOf(layoutFor(size.columns, size.rows, 'source'), 'source')!),
    ).map((line) => lineText(line).trimEnd());
    const seen: string[] = [];
    for (;;) {
      const frame = await waitFor(() => {
        const text = app.lastFrame() ?? '';
        return /server\.ts \(c:.* \d+-\d+\/\d+/.test(text) && text;
      }, 'the source pane with its position').catch((error: Error) => {
        throw new Error(`${error.message}; last frame:\n${app.lastFrame()}`);
      });
      const [, from, to, total] = /server\.ts \(c:.* (\d+)-(\d+)\/(\d+)/.exec(frame)!.map(Number);
      assert.equal(total, expected.length);
      const rows = sourceRows(frame, size.columns);
      assert.deepEqual(rows, expected.slice(from - 1, to), `rows ${from}-${to}`);
      seen.push(...rows.slice(seen.length - (from - 1)));
      if (to === total) break;
      store.scroll('source', 'page-down');
      await waitFor(() => !(app.lastFrame() ?? '').includes(` ${from}-${to}/`), 'the next page');
    }
    assert.deepEqual(seen, expected);
    assert.ok(
      expected.some((row) => /^ {3,}\/\/ /.test(row)),
      'some comment continues on an unnumbered row',
    );
    await controller.shutdown();
  });
}

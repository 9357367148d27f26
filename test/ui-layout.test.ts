// Pane geometry is a pure function of the terminal size, the focus and whether a pane is maximized.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHROME_ROWS, layoutFor } from '../src/ui/layout.js';
import { PANES } from '../src/ui/store.js';

test('the panes tile the body at every size, and a maximized pane takes all of it', () => {
  for (const [columns, rows] of [
    [60, 20],
    [80, 24],
    [120, 40],
    [200, 60],
  ]) {
    const body = rows - CHROME_ROWS;
    for (const focus of PANES) {
      const layout = layoutFor(columns, rows, focus);
      const widths = layout.columns.map((column) => column[0].rect.width);
      assert.equal(
        widths.reduce((sum, width) => sum + width, 0),
        columns,
        `${columns}x${rows}: widths`,
      );
      for (const column of layout.columns) {
        const height = column.reduce((sum, entry) => sum + entry.rect.height, 0);
        assert.equal(
          height,
          layout.compact ? body - 1 : body,
          `${columns}x${rows}: heights (the compact tab row takes one)`,
        );
      }
      if (layout.compact)
        assert.deepEqual(
          layout.columns.flat().map((entry) => entry.pane),
          [focus],
        );
      assert.deepEqual(layoutFor(columns, rows, focus, true), {
        compact: false,
        columns: [[{ pane: focus, rect: { width: columns, height: body } }]],
      });
    }
  }
});

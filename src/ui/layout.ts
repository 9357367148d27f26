// Where each pane goes for a terminal size. Wide terminals get two columns;
// small ones show the focused pane alone, with a tab row to say which.
import type { PaneId } from './store.js';

export interface Rect {
  width: number;
  height: number;
}

export interface Layout {
  compact: boolean;
  /** Panes per column, top to bottom, with their sizes. */
  columns: { pane: PaneId; rect: Rect }[][];
}

/** Rows taken by the header and the footer; one more row stays free so Ink never fills the screen. */
export const CHROME_ROWS = 3;

export function layoutFor(columns: number, rows: number, focus: PaneId): Layout {
  const body = Math.max(4, rows - CHROME_ROWS);
  if (columns < 80 || rows < 22) {
    return { compact: true, columns: [[{ pane: focus, rect: { width: columns, height: body - 1 } }]] };
  }
  const left = Math.floor(columns * 0.5);
  const right = columns - left;
  const textHeight = Math.floor(body * 0.45);
  const logHeight = Math.max(5, Math.floor(body * 0.25));
  return {
    compact: false,
    columns: [
      [
        { pane: 'text', rect: { width: left, height: textHeight } },
        { pane: 'source', rect: { width: left, height: body - textHeight } },
      ],
      [
        { pane: 'server', rect: { width: right, height: logHeight } },
        { pane: 'client', rect: { width: right, height: logHeight } },
        { pane: 'timeline', rect: { width: right, height: body - 2 * logHeight } },
      ],
    ],
  };
}

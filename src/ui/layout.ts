// Where each pane goes for a terminal size: the one place geometry is decided.
// Wide terminals get two columns; small ones show the focused pane alone, with
// a tab row to say which; a maximized pane takes the whole body. Components
// render these sizes and the store scrolls by them: neither measures anything.
import type { TabPane } from './store.js';

export interface Rect {
  width: number;
  height: number;
}

export interface Layout {
  /** One pane at a time, with a tab row above it naming every pane. */
  compact: boolean;
  /** Panes per column, top to bottom, with their sizes. */
  columns: { pane: TabPane; rect: Rect }[][];
}

/** Rows taken by the header and the footer; one more row stays free so Ink never fills the screen. */
export const CHROME_ROWS = 3;
/** A pane's border (top and bottom) and its title row. */
const PANE_CHROME_ROWS = 3;
/** The help is easier to read as a column than across a wide screen. */
const HELP_MAX_WIDTH = 96;

function bodyRows(rows: number): number {
  return Math.max(4, rows - CHROME_ROWS);
}

export function layoutFor(columns: number, rows: number, focus: TabPane, maximized = false): Layout {
  const body = bodyRows(rows);
  if (maximized) return { compact: false, columns: [[{ pane: focus, rect: { width: columns, height: body } }]] };
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

/** The wire view: the whole body, under the header. */
export function wireRect(columns: number, rows: number): Rect {
  return { width: columns, height: bodyRows(rows) };
}

/** The help: everything above the footer (it replaces the header too). */
export function helpRect(columns: number, rows: number): Rect {
  return { width: Math.min(columns, HELP_MAX_WIDTH), height: Math.max(4, rows - 2) };
}

/** Rows of content a pane of this size shows. */
export function contentRows(rect: Rect): number {
  return Math.max(1, rect.height - PANE_CHROME_ROWS);
}

/** Columns of content a pane of this size shows (inside the border and its padding). */
export function contentColumns(rect: Rect): number {
  return Math.max(1, rect.width - 4);
}

/** Where `pane` is in the layout, if it is shown. */
export function rectOf(layout: Layout, pane: TabPane): Rect | undefined {
  return layout.columns.flat().find((entry) => entry.pane === pane)?.rect;
}

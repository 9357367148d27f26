// Where each pane goes for a terminal size: the one place geometry is decided.
// Wide terminals get two columns; small ones show the focused pane alone, with
// a tab row to say which; a maximized pane takes the whole body. A lesson that
// runs several clients shows their panes side by side in a strip across the
// bottom, full width, so each keeps a readable width at 80 columns; a lesson
// that runs several servers does the same with their panes, under one row of
// bars (the calls each served), each above its server's pane. Components
// render these sizes and the store scrolls by them: neither measures anything.
import type { ClientPane, ServerPane, TabPane } from './store.js';

export interface Rect {
  width: number;
  height: number;
}

export interface Layout {
  /** One pane at a time, with a tab row above it naming every pane. */
  compact: boolean;
  /** Panes per column, top to bottom, with their sizes. */
  columns: { pane: TabPane; rect: Rect }[][];
  /** Below the columns, left to right: the panes of a lesson's several clients or servers (absent for one). */
  strip?: { pane: TabPane; rect: Rect }[];
  /** Rows between the columns and the strip for the bars of a lesson's several servers (1), when it has them. */
  barRows?: number;
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

/**
 * `clients`: the panes of a lesson's several clients, in the place of the one
 * client pane; `servers`: of its several servers, in the place of the one server pane.
 */
export function layoutFor(
  columns: number,
  rows: number,
  focus: TabPane,
  maximized = false,
  clients: readonly ClientPane[] = [],
  servers: readonly ServerPane[] = [],
): Layout {
  const body = bodyRows(rows);
  if (maximized) return { compact: false, columns: [[{ pane: focus, rect: { width: columns, height: body } }]] };
  if (columns < 80 || rows < 22) {
    return { compact: true, columns: [[{ pane: focus, rect: { width: columns, height: body - 1 } }]] };
  }
  if (clients.length) return withClientStrip(columns, body, clients);
  if (servers.length) return withServerStrip(columns, body, servers);
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

/** Two columns over a strip of client panes: four rows of each client's output at 80x24. */
function withClientStrip(columns: number, body: number, clients: readonly ClientPane[]): Layout {
  const stripHeight = Math.max(7, Math.floor(body * 0.3));
  const top = body - stripHeight;
  const left = Math.floor(columns * 0.5);
  const right = columns - left;
  const textHeight = Math.floor(top * 0.45);
  const serverHeight = Math.max(5, Math.floor(top * 0.25));
  return {
    compact: false,
    columns: [
      [
        { pane: 'text', rect: { width: left, height: textHeight } },
        { pane: 'source', rect: { width: left, height: top - textHeight } },
      ],
      [
        { pane: 'server', rect: { width: right, height: serverHeight } },
        { pane: 'timeline', rect: { width: right, height: top - serverHeight } },
      ],
    ],
    strip: stripOf(columns, stripHeight, clients),
  };
}

/**
 * Two columns (the lesson and its source; the client and the timeline) over a
 * row of bars and a strip of server panes: three rows of each server's output
 * at 80x24.
 */
function withServerStrip(columns: number, body: number, servers: readonly ServerPane[]): Layout {
  const barRows = 1;
  const stripHeight = Math.max(6, Math.floor(body * 0.28));
  const top = body - stripHeight - barRows;
  const left = Math.floor(columns * 0.5);
  const right = columns - left;
  const textHeight = Math.floor(top * 0.45);
  const clientHeight = Math.max(5, Math.floor(top * 0.3));
  return {
    compact: false,
    columns: [
      [
        { pane: 'text', rect: { width: left, height: textHeight } },
        { pane: 'source', rect: { width: left, height: top - textHeight } },
      ],
      [
        { pane: 'client', rect: { width: right, height: clientHeight } },
        { pane: 'timeline', rect: { width: right, height: top - clientHeight } },
      ],
    ],
    barRows,
    strip: stripOf(columns, stripHeight, servers),
  };
}

/** Panes side by side across the whole width, the first ones a column wider when it does not divide evenly. */
function stripOf(columns: number, height: number, panes: readonly TabPane[]): { pane: TabPane; rect: Rect }[] {
  const width = Math.floor(columns / panes.length);
  const extra = columns - width * panes.length;
  return panes.map((pane, index) => ({ pane, rect: { width: width + (index < extra ? 1 : 0), height } }));
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
  return [...layout.columns.flat(), ...(layout.strip ?? [])].find((entry) => entry.pane === pane)?.rect;
}

/** The panes of the exercise view: the learner's file and the hints seen; the checks, a check's calls, the program's output. */
export type ExercisePane =
  'exercise-file' | 'exercise-hints' | 'exercise-checks' | 'exercise-timeline' | 'exercise-output';
export const EXERCISE_PANES: readonly ExercisePane[] = [
  'exercise-file',
  'exercise-hints',
  'exercise-checks',
  'exercise-timeline',
  'exercise-output',
];

export const isExercisePane = (pane: string): pane is ExercisePane =>
  (EXERCISE_PANES as readonly string[]).includes(pane);

export interface ExerciseLayout {
  /** One pane at a time, with a tab row above it naming every pane. */
  compact: boolean;
  columns: { pane: ExercisePane; rect: Rect }[][];
}

/**
 * The exercise view, under its one title row: the learner's file on the left
 * (with the hints seen below it, when there are any), the checks, the selected
 * check's calls and the program's output on the right. A small terminal shows
 * the focused pane alone.
 */
export function exerciseLayout(columns: number, rows: number, focus: ExercisePane, withHints: boolean): ExerciseLayout {
  const body = bodyRows(rows);
  if (columns < 80 || rows < 22)
    return { compact: true, columns: [[{ pane: focus, rect: { width: columns, height: body - 1 } }]] };
  const left = Math.floor(columns * 0.5);
  const right = columns - left;
  const hintsHeight = withHints ? Math.max(5, Math.floor(body * 0.4)) : 0;
  const outputHeight = Math.max(4, Math.floor(body * 0.15));
  const checksHeight = Math.max(6, Math.floor(body * 0.4));
  return {
    compact: false,
    columns: [
      [
        { pane: 'exercise-file', rect: { width: left, height: body - hintsHeight } },
        ...(withHints ? [{ pane: 'exercise-hints' as const, rect: { width: left, height: hintsHeight } }] : []),
      ],
      [
        { pane: 'exercise-checks', rect: { width: right, height: checksHeight } },
        { pane: 'exercise-timeline', rect: { width: right, height: body - checksHeight - outputHeight } },
        { pane: 'exercise-output', rect: { width: right, height: outputHeight } },
      ],
    ],
  };
}

/** Where `pane` is in the exercise view, if it is shown. */
export function exerciseRectOf(layout: ExerciseLayout, pane: ExercisePane): Rect | undefined {
  return layout.columns.flat().find((entry) => entry.pane === pane)?.rect;
}

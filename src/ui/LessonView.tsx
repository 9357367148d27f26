import { useMemo } from 'react';
import { Box } from 'ink';
import type { UiStore, PaneId, LogLine, TabPane } from './store.js';
import type { StyledLine } from './styled.js';
import {
  clientLabelOf,
  clientPanesOf,
  listedClientStatus,
  listedServerStatus,
  panesOf,
  serverLabelOf,
  serverPanesOf,
} from './store.js';
import { contentColumns, layoutFor, rectOf, wireRect, type ExercisePane } from './layout.js';
import { wireLines } from './wire-lines.js';
import { useRenderers } from './useRenderers.js';
import { timelineLine, withBackend, withClientLabel } from './timeline.js';
import { BackendBars } from './BackendBars.js';
import { Pane, type LineSource } from './Pane.js';
import { StyledText } from './StyledText.js';
import type { RingBuffer } from './ring.js';
import type { UiWords } from '../i18n/ui-words.js';

type LessonPane = Exclude<PaneId, 'help' | ExercisePane>;
type NamedPane = Exclude<LessonPane, `client:${string}` | `server:${string}`>;
const LOG_COLOR = { normal: undefined, error: 'red', info: 'gray' } as const;

/** A ring buffer seen as lines, turning only the requested slice into styled text. */
function ringLines<T>(ring: RingBuffer<T>, toLine: (item: T) => StyledLine): LineSource {
  return { length: ring.length, slice: (from, to) => ring.slice(from, to).map(toLine) };
}

const logLine =
  (words: UiWords) =>
  (line: LogLine): StyledLine => [{ text: line.say ? line.say(words) : line.text, color: LOG_COLOR[line.tone] }];

export function LessonView({ store }: { store: UiStore }) {
  const { state } = store;
  const { size, focus, files, sourceTab, maximized, lesson } = state;
  const words = store.words;
  const ui = words.ui;
  const toLogLine = logLine(ui);
  const layout = layoutFor(size.columns, size.rows, focus, maximized, clientPanesOf(lesson), serverPanesOf(lesson));
  // Timeline rows of a lesson with several clients lead with the client's label, in a column this wide.
  const labelWidth = Math.max(0, ...(lesson.clients ?? []).map((client) => client.label.length));
  // A pane not shown (one at a time on a small terminal) is laid out for the full width.
  const textWidth = contentColumns(rectOf(layout, 'text') ?? { width: size.columns, height: 0 });
  const sourceWidth = contentColumns(rectOf(layout, 'source') ?? { width: size.columns, height: 0 });

  // marked and highlight.js load with the first lesson shown, not at start-up.
  const renderers = useRenderers();
  const text = useMemo(
    () => renderers?.renderMarkdown(files.text, textWidth) ?? [],
    [renderers, files.text, textWidth],
  );
  const sourceText = sourceTab === 'server' ? files.server : files.client;
  const source = useMemo(
    () => renderers?.renderSource(sourceText, sourceWidth) ?? [],
    [renderers, sourceText, sourceWidth],
  );
  // Decoding a message field by field is done once per selection and width, not on every frame.
  const selectedRow = state.wireView ? store.selectedRow() : undefined;
  const wireWidth = contentColumns(wireRect(size.columns, size.rows));
  const wire = useMemo(() => wireLines(selectedRow, words, wireWidth), [selectedRow, words, wireWidth]);

  const linesOf = (pane: LessonPane): LineSource => {
    switch (pane) {
      case 'text':
        return text;
      case 'source':
        return source;
      case 'server':
        return ringLines(state.serverLog, toLogLine);
      case 'client':
        return ringLines(state.clientLog, toLogLine);
      case 'timeline':
        return ringLines(state.timeline, (row) =>
          withClientLabel(row, withBackend(row, timelineLine(row, words), store.backendOf(row)), labelWidth),
        );
      case 'wire':
        return wire;
      default: {
        // The pane of one of several clients, or of one of several servers.
        const server = serverLabelOf(pane);
        if (server !== undefined) return ringLines(store.listedServer(server).log, toLogLine);
        return ringLines(store.listedClient(clientLabelOf(pane)!).log, toLogLine);
      }
    }
  };
  const titleOf = (pane: LessonPane): string => {
    const label = clientLabelOf(pane);
    if (label !== undefined) {
      // The label first: what gives way on a narrow pane is the end of the title.
      return `${label} · ${listedClientStatus(store.listedClient(label), ui)}`;
    }
    const server = serverLabelOf(pane);
    if (server !== undefined) return `${server} · ${listedServerStatus(store.listedServer(server), ui)}`;
    if (pane === 'source')
      return ui.sourceTitle(`${sourceTab}.ts`, `${sourceTab === 'server' ? 'client' : 'server'}.ts`);
    if (pane === 'timeline') {
      const kept =
        state.timeline.total > state.timeline.length
          ? ui.timelineKept(state.timeline.length, state.timeline.total)
          : '';
      return `${ui.paneTitle.timeline} ·${kept} ${ui.timelineLegend}`;
    }
    return ui.paneTitle[pane as NamedPane];
  };
  /** A pane's name in the tab row of a small terminal: a client's or a server's is its label. */
  const tabName = (pane: TabPane) => clientLabelOf(pane) ?? serverLabelOf(pane) ?? ui.paneTitle[pane as NamedPane];
  const paneAt = ({ pane, rect }: { pane: TabPane; rect: { width: number; height: number } }) => (
    <Pane
      key={pane}
      store={store}
      id={pane}
      title={titleOf(pane)}
      lines={linesOf(pane)}
      width={rect.width}
      height={rect.height}
      focused={pane === focus}
      highlight={pane === 'timeline' ? highlight : undefined}
    />
  );

  if (state.wireView) {
    const { width, height } = wireRect(size.columns, size.rows);
    return (
      <Pane
        store={store}
        id="wire"
        title={ui.paneTitle.wire}
        lines={linesOf('wire')}
        width={width}
        height={height}
        focused
      />
    );
  }
  const highlight =
    state.selected === undefined ? undefined : state.selected - (state.timeline.total - state.timeline.length);

  return (
    <Box flexDirection="column">
      {layout.compact ? (
        <StyledText
          width={size.columns}
          line={panesOf(lesson).map((pane) => ({
            text: ` ${tabName(pane)} `,
            inverse: pane === focus,
            color: pane === focus ? 'cyan' : undefined,
          }))}
        />
      ) : null}
      <Box flexDirection="row">
        {layout.columns.map((column, index) => (
          <Box key={index} flexDirection="column">
            {column.map(paneAt)}
          </Box>
        ))}
      </Box>
      {layout.barRows ? (
        <BackendBars
          store={store}
          slots={(layout.strip ?? []).map(({ pane, rect }) => ({ label: serverLabelOf(pane) ?? pane, rect }))}
        />
      ) : null}
      {layout.strip ? <Box flexDirection="row">{layout.strip.map(paneAt)}</Box> : null}
    </Box>
  );
}

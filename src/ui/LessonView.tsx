import { useMemo } from 'react';
import { Box, Text } from 'ink';
import type { UiStore, PaneId, LogLine } from './store.js';
import type { StyledLine } from './styled.js';
import { PANES } from './store.js';
import { contentColumns, layoutFor, rectOf, wireRect } from './layout.js';
import { wireLines } from './wire-lines.js';
import { useRenderers } from './useRenderers.js';
import { TIMELINE_LEGEND, timelineLine } from './timeline.js';
import { Pane, type LineSource } from './Pane.js';
import type { RingBuffer } from './ring.js';

type LessonPane = Exclude<PaneId, 'help'>;
const PANE_TITLE: Record<LessonPane, string> = {
  text: 'Lesson',
  source: 'Source',
  server: 'Server output',
  client: 'Client output',
  timeline: 'Timeline',
  wire: 'Wire view (w or esc to close)',
};
const LOG_COLOR = { normal: undefined, error: 'red', info: 'gray' } as const;

/** A ring buffer seen as lines, turning only the requested slice into styled text. */
function ringLines<T>(ring: RingBuffer<T>, toLine: (item: T) => StyledLine): LineSource {
  return { length: ring.length, slice: (from, to) => ring.slice(from, to).map(toLine) };
}

const logLine = (line: LogLine): StyledLine => [{ text: line.text, color: LOG_COLOR[line.tone] }];

export function LessonView({ store }: { store: UiStore }) {
  const { state } = store;
  const { size, focus, files, sourceTab, maximized } = state;
  const layout = layoutFor(size.columns, size.rows, focus, maximized);
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
  // Decoding a message field by field is done once per selection, not on every frame.
  const selectedRow = state.wireView ? store.selectedRow() : undefined;
  const wire = useMemo(() => wireLines(selectedRow), [selectedRow]);

  const linesOf = (pane: LessonPane): LineSource => {
    switch (pane) {
      case 'text':
        return text;
      case 'source':
        return source;
      case 'server':
        return ringLines(state.serverLog, logLine);
      case 'client':
        return ringLines(state.clientLog, logLine);
      case 'timeline':
        return ringLines(state.timeline, timelineLine);
      case 'wire':
        return wire;
    }
  };
  const titleOf = (pane: LessonPane): string => {
    if (pane === 'source') return `Source: ${sourceTab}.ts (c: ${sourceTab === 'server' ? 'client' : 'server'}.ts)`;
    if (pane === 'timeline') {
      const kept =
        state.timeline.total > state.timeline.length
          ? ` last ${state.timeline.length} of ${state.timeline.total} ·`
          : '';
      return `Timeline ·${kept} ${TIMELINE_LEGEND}`;
    }
    return PANE_TITLE[pane];
  };

  if (state.wireView) {
    const { width, height } = wireRect(size.columns, size.rows);
    return (
      <Pane
        store={store}
        id="wire"
        title={PANE_TITLE.wire}
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
        <Text wrap="truncate-end">
          {PANES.map((pane) => (
            <Text key={pane} inverse={pane === focus} color={pane === focus ? 'cyan' : undefined}>
              {` ${PANE_TITLE[pane]} `}
            </Text>
          ))}
        </Text>
      ) : null}
      <Box flexDirection="row">
        {layout.columns.map((column, index) => (
          <Box key={index} flexDirection="column">
            {column.map(({ pane, rect }) => (
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
            ))}
          </Box>
        ))}
      </Box>
    </Box>
  );
}

import { useLayoutEffect } from 'react';
import { Box, Text } from 'ink';
import type { PaneId, UiStore } from './store.js';
import type { StyledLine } from './styled.js';
import { StyledText } from './StyledText.js';
import { fitTitleRow } from './title-row.js';
import { contentRows } from './layout.js';

/** Lines a pane can show: only the visible slice is ever built. */
export interface LineSource {
  length: number;
  slice(from: number, to: number): StyledLine[];
}

export interface PaneProps {
  store: UiStore;
  id: PaneId;
  title: string;
  lines: LineSource;
  width: number;
  height: number;
  focused: boolean;
  /** Index of a line to show highlighted (the timeline's cursor). */
  highlight?: number;
}

/** A bordered, scrollable pane that renders only its visible slice of lines. */
export function Pane({ store, id, title, lines, width, height, focused, highlight }: PaneProps) {
  const inner = contentRows({ width, height });
  // After the frame, not during it: rendering stays free of side effects.
  useLayoutEffect(() => store.reportLines(id, lines.length), [store, id, lines.length]);
  const offset = store.visibleOffset(id, lines.length, inner);
  const visible = lines.slice(offset, offset + inner);
  const { follow } = store.state.scroll[id];
  // A narrow pane (one of a strip at 80 columns) keeps room for its title: "56/56 ↓".
  const narrow = width - 4 < 30;
  const position =
    lines.length > inner ? `${narrow ? '' : `${offset + 1}-`}${offset + visible.length}/${lines.length}` : '';
  const following = follow && lines.length > inner ? (narrow ? ' ↓' : ` ${store.words.ui.following}`) : '';
  // Exactly one row: a title that wrapped would push the content down a line.
  const row = fitTitleRow(title, `${position}${following}`, width - 4);
  return (
    <Box
      flexDirection="column"
      width={width}
      height={height}
      borderStyle="round"
      borderColor={focused ? 'cyan' : 'gray'}
      paddingX={1}
      overflow="hidden"
    >
      <Text wrap="truncate-end">
        <Text bold color={focused ? 'cyan' : undefined}>
          {row.title}
        </Text>
        {row.gap}
        <Text dimColor>{row.indicator}</Text>
      </Text>
      {visible.map((line, index) => (
        <StyledText key={index} line={line} width={width - 4} inverse={offset + index === highlight} />
      ))}
    </Box>
  );
}

import { Text } from 'ink';
import type { StyledLine } from './styled.js';
import { clipLine } from './width.js';

/** One line of styled segments, cut at `width` columns (the pane's edge) rather than wrapped. */
export function StyledText({ line, width, inverse = false }: { line: StyledLine; width?: number; inverse?: boolean }) {
  const shown = width === undefined ? line : clipLine(line, width);
  return (
    <Text wrap="truncate-end" inverse={inverse}>
      {shown.length === 0
        ? ' '
        : shown.map((segment, index) => (
            <Text
              key={index}
              color={segment.color}
              bold={segment.bold}
              italic={segment.italic}
              dimColor={segment.dim}
              inverse={segment.inverse}
            >
              {segment.text}
            </Text>
          ))}
    </Text>
  );
}

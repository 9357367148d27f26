import { Text } from 'ink';
import type { StyledLine } from './styled.js';

/** One line of styled segments, cut at the pane's edge rather than wrapped. */
export function StyledText({ line, inverse = false }: { line: StyledLine; inverse?: boolean }) {
  return (
    <Text wrap="truncate-end" inverse={inverse}>
      {line.length === 0
        ? ' '
        : line.map((segment, index) => (
            <Text key={index} color={segment.color} bold={segment.bold} italic={segment.italic} dimColor={segment.dim}>
              {segment.text}
            </Text>
          ))}
    </Text>
  );
}

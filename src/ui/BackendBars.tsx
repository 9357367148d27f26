import { Box, Text } from 'ink';
import type { UiStore } from './store.js';
import type { Rect } from './layout.js';
import { columns } from './width.js';

/**
 * One row over the server panes of a lesson with several servers: above each
 * pane, a bar of how many calls of the client's latest run that server served,
 * scaled to the busiest, so the spread reads at a glance.
 */
export function BackendBars({ store, slots }: { store: UiStore; slots: { label: string; rect: Rect }[] }) {
  const { served } = store.state;
  const most = Math.max(0, ...served.values());
  return (
    <Box flexDirection="row">
      {slots.map(({ label, rect }) => {
        const count = served.get(label) ?? 0;
        const after = ` ${store.words.ui.served(count)}`;
        const room = Math.max(1, rect.width - columns(label) - columns(after) - 3);
        const filled = most === 0 ? 0 : Math.round((count / most) * room);
        return (
          <Box key={label} width={rect.width}>
            <Text wrap="truncate-end">
              <Text bold>{` ${label} `}</Text>
              <Text color="green">{'█'.repeat(filled)}</Text>
              <Text dimColor>{'░'.repeat(room - filled)}</Text>
              <Text>{after}</Text>
            </Text>
          </Box>
        );
      })}
    </Box>
  );
}

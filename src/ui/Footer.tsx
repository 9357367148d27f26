import { Box, Text } from 'ink';
import { hintsFor } from './keymap.js';
import type { UiStore } from './store.js';

export function Footer({ store }: { store: UiStore }) {
  const { nameDraft, screen, notice } = store.state;
  if (nameDraft !== undefined) {
    return (
      <Box>
        <Text color="cyan" bold>
          names (comma-separated, empty for the lesson's own):{' '}
        </Text>
        <Text>{nameDraft}</Text>
        <Text inverse> </Text>
        <Text dimColor>  enter run · esc cancel</Text>
      </Box>
    );
  }
  return (
    <Box>
      <Text wrap="truncate-end">
        {notice ? <Text color="yellow">{notice}  </Text> : null}
        {hintsFor(screen).map((binding) => (
          <Text key={binding.action}>
            <Text bold color="cyan">
              {binding.keys.split(' ')[0]}
            </Text>
            <Text dimColor> {binding.hint}  </Text>
          </Text>
        ))}
      </Text>
    </Box>
  );
}

import { Box, Text } from 'ink';
import { KEYMAP } from './keymap.js';

const SCOPE_TITLE = { always: 'Everywhere', picker: 'Lesson list', lesson: 'Lesson' } as const;

/** Every key binding, from the same table the key handler uses. */
export function Help({ width }: { width: number }) {
  return (
    <Box flexDirection="column" borderStyle="double" borderColor="cyan" paddingX={1} width={Math.min(width, 96)}>
      <Text bold color="cyan">
        Keys (? or esc to close)
      </Text>
      {(['always', 'picker', 'lesson'] as const).map((scope) => (
        <Box key={scope} flexDirection="column" marginTop={1}>
          <Text bold>{SCOPE_TITLE[scope]}</Text>
          {KEYMAP.filter((binding) => binding.scope === scope).map((binding) => (
            <Text key={binding.action} wrap="truncate-end">
              <Text color="cyan">{binding.keys.padEnd(12)}</Text>
              {binding.description}
            </Text>
          ))}
        </Box>
      ))}
      <Box marginTop={1}>
        <Text dimColor wrap="wrap">
          Saving the lesson's server.ts or client.ts restarts that side and runs the client again.
        </Text>
      </Box>
    </Box>
  );
}

import { Box, Text } from 'ink';
import { helpSections, keysText } from './keymap.js';

/** Every key of every mode, from the same tables the key handler uses. */
export function Help({ width }: { width: number }) {
  return (
    <Box flexDirection="column" borderStyle="double" borderColor="cyan" paddingX={1} width={Math.min(width, 96)}>
      <Text bold color="cyan">
        Keys (? or esc to close)
      </Text>
      {helpSections().map((section) => (
        <Box key={section.title} flexDirection="column" marginTop={1}>
          <Text bold>{section.title}</Text>
          {section.bindings.map((binding) => (
            <Text key={binding.action} wrap="truncate-end">
              <Text color="cyan">{keysText(binding.keys).padEnd(12)}</Text>
              {binding.help}
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

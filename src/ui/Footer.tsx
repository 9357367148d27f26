import { Text } from 'ink';
import { footerKeyText, hintsFor } from './keymap.js';
import type { UiStore } from './store.js';

/** The keys of the mode the UI is in, from its key table; a notice first, except over the prompt and the help, whose keys matter more. */
export function Footer({ store }: { store: UiStore }) {
  const mode = store.mode();
  const { notice } = store.state;
  return (
    <Text wrap="truncate-end">
      {notice && mode !== 'names' && mode !== 'help' ? <Text color="yellow">{`${notice}  `}</Text> : null}
      {hintsFor(mode).map((binding) => (
        <Text key={binding.action}>
          <Text bold color="cyan">
            {footerKeyText(binding)}
          </Text>
          <Text dimColor>{` ${binding.label}  `}</Text>
        </Text>
      ))}
    </Text>
  );
}

import { useEffect, useSyncExternalStore } from 'react';
import { Box, useInput, useStdin, useStdout } from 'ink';
import type { UiStore } from './store.js';
import type { LessonController } from './controller.js';
import { Picker } from './Picker.js';
import { LessonView } from './LessonView.js';
import { Header } from './Header.js';
import { Footer } from './Footer.js';
import { Help } from './Help.js';
import { ExerciseView } from './ExerciseView.js';

export interface AppProps {
  store: UiStore;
  controller: LessonController;
  /** Follow the real terminal's size (off in tests, which set the size in the store). */
  trackTerminalSize?: boolean;
}

export function App({ store, controller, trackTerminalSize = true }: AppProps) {
  useSyncExternalStore(store.subscribe, store.getVersion);
  const { isRawModeSupported } = useStdin();
  const { stdout } = useStdout();
  // Raw-mode input only where there is a terminal to read keys from.
  useInput((input, key) => controller.handleKey(input, key), { isActive: isRawModeSupported === true });

  useEffect(() => {
    if (!trackTerminalSize) return;
    // Ink re-lays out on resize but does not re-render: keep the size in the store.
    const onResize = () =>
      store.update((state) => (state.size = { columns: stdout.columns || 80, rows: stdout.rows || 24 }));
    onResize();
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, store, trackTerminalSize]);

  const { screen, help, size, exercise } = store.state;
  // One row short of the terminal: a frame as tall as the screen makes Ink clear the scrollback.
  // The picker takes only the rows it needs: Ink's cost per frame grows with its area, and the
  // picker is the first frame a learner waits for.
  const picker = !help && screen === 'picker';
  return (
    <Box flexDirection="column" width={size.columns} height={picker ? undefined : Math.max(1, size.rows - 1)}>
      {help ? (
        <Help store={store} />
      ) : picker ? (
        <Picker store={store} />
      ) : exercise ? (
        <ExerciseView store={store} />
      ) : (
        <Box flexDirection="column" flexGrow={1}>
          <Header store={store} />
          <LessonView store={store} />
        </Box>
      )}
      <Footer store={store} />
    </Box>
  );
}

import { useEffect, useState, useSyncExternalStore } from 'react';
import { Box, useInput, useStdin, useStdout } from 'ink';
import type { UiStore } from './store.js';
import type { LessonController } from './controller.js';
import { Picker } from './Picker.js';
import { Footer } from './Footer.js';
import type { LessonView } from './LessonView.js';
import type { Header } from './Header.js';
import type { Help } from './Help.js';
import type { ExerciseView } from './ExerciseView.js';

export interface AppProps {
  store: UiStore;
  controller: LessonController;
  /** Follow the real terminal's size (off in tests, which set the size in the store). */
  trackTerminalSize?: boolean;
}

/** What the UI shows besides the picker: loaded after the picker's first frame, which needs none of it. */
interface Views {
  LessonView: typeof LessonView;
  Header: typeof Header;
  Help: typeof Help;
  ExerciseView: typeof ExerciseView;
}

let loadedViews: Views | undefined;
let loadingViews: Promise<Views> | undefined;

export function loadViews(): Promise<Views> {
  loadingViews ??= Promise.all([
    import('./LessonView.js'),
    import('./Header.js'),
    import('./Help.js'),
    import('./ExerciseView.js'),
  ]).then(
    ([lessonView, header, help, exerciseView]) =>
      (loadedViews = {
        LessonView: lessonView.LessonView,
        Header: header.Header,
        Help: help.Help,
        ExerciseView: exerciseView.ExerciseView,
      }),
  );
  return loadingViews;
}

export function App({ store, controller, trackTerminalSize = true }: AppProps) {
  useSyncExternalStore(store.subscribe, store.getVersion);
  const { isRawModeSupported } = useStdin();
  const { stdout } = useStdout();
  // Raw-mode input only where there is a terminal to read keys from.
  useInput((input, key) => controller.handleKey(input, key), { isActive: isRawModeSupported === true });

  // Effects run once the first frame is on screen: the lesson view loads while the picker waits for a key.
  const [views, setViews] = useState(loadedViews);
  useEffect(() => {
    if (views) return;
    let current = true;
    void loadViews().then((ready) => current && setViews(ready));
    return () => {
      current = false;
    };
  }, [views]);

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
      {picker ? (
        <Picker store={store} />
      ) : !views ? (
        // Only in the moment before the views have loaded (a lesson named on the command line).
        <Box flexGrow={1} />
      ) : help ? (
        <views.Help store={store} />
      ) : exercise ? (
        <views.ExerciseView store={store} />
      ) : (
        <Box flexDirection="column" flexGrow={1}>
          <views.Header store={store} />
          <views.LessonView store={store} />
        </Box>
      )}
      <Footer store={store} />
    </Box>
  );
}

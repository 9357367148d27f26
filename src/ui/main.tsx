// The full-screen lesson UI: alternate screen in, Ink app, and a cleanup that
// runs on every way out (q, Ctrl-C, SIGTERM, SIGHUP) and leaves nothing running.
import { render } from 'ink';
import type { Lesson } from '../lessons.js';
import { App } from './App.js';
import { LessonController } from './controller.js';
import { UiStore } from './store.js';
import { ProgressFile } from './progress.js';
import { loadRenderers } from './useRenderers.js';
import type { Language } from '../i18n/lang.js';

// The alternate screen keeps the cursor where it was: start the frame at the top left.
const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';
const SHOW_CURSOR = '\x1b[?25h';

export async function runUi(lesson?: Lesson, names?: string[], language: Language = 'en'): Promise<void> {
  const store = new UiStore();
  store.state.language = language;
  store.state.names = names;
  store.state.size = { columns: process.stdout.columns || 80, rows: process.stdout.rows || 24 };

  let finishing: Promise<void> | undefined;
  const finish = (code: number) => {
    finishing ??= (async () => {
      await controller.shutdown();
      app.unmount();
      store.dispose();
      try {
        process.stdout.write(LEAVE_ALT_SCREEN + SHOW_CURSOR);
      } catch {
        // The terminal may already be gone (SIGHUP).
      }
      process.exit(code);
    })();
    return finishing;
  };

  const controller = new LessonController(store, { onQuit: () => void finish(0), progress: new ProgressFile() });
  process.stdout.write(ENTER_ALT_SCREEN);
  const app = render(<App store={store} controller={controller} />, {
    exitOnCtrlC: false,
    maxFps: 30,
    incrementalRendering: false,
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void finish(0));
  // Ink has written the first frame by now: load the lesson text and source
  // renderers while the picker waits for a key, so a lesson opens with them ready.
  setTimeout(() => void loadRenderers(), 0);

  if (lesson) await controller.open(lesson);
  await app.waitUntilExit();
}

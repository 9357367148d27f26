import { useMemo } from 'react';
import type { UiStore } from './store.js';
import { contentColumns, helpRect } from './layout.js';
import { helpLines } from './help-lines.js';
import { Pane } from './Pane.js';

/** Every key of every mode, from the same tables the key handler uses, in the UI's language; scrolls when taller than the screen. */
export function Help({ store }: { store: UiStore }) {
  const { size, screen, lesson, language } = store.state;
  const { width, height } = helpRect(size.columns, size.rows);
  const columns = contentColumns({ width, height });
  // The keys of a lesson with several clients, only while one is open.
  const withClients = screen === 'lesson' && lesson.clients !== undefined;
  // An open lesson's own switches get a section of their own.
  const open = screen === 'lesson' ? lesson : undefined;
  const lines = useMemo(() => helpLines(columns, withClients, open, language), [columns, withClients, open, language]);
  const source = useMemo(
    () => ({ length: lines.length, slice: (from: number, to: number) => lines.slice(from, to) }),
    [lines],
  );
  return (
    <Pane
      store={store}
      id="help"
      title={store.words.keys.helpTitle}
      lines={source}
      width={width}
      height={height}
      focused
    />
  );
}

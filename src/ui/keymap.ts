// One table of keys: the input handler, the footer's hints and the help
// overlay all read it, so they cannot disagree.
import type { Key } from 'ink';

export type Action =
  | 'quit'
  | 'help'
  | 'picker-up'
  | 'picker-down'
  | 'open'
  | 'back'
  | 'next-lesson'
  | 'prev-lesson'
  | 'focus-next'
  | 'focus-prev'
  | 'run-client'
  | 'restart-server'
  | 'edit-names'
  | 'toggle-source'
  | 'wire-view'
  | 'scroll-up'
  | 'scroll-down'
  | 'page-up'
  | 'page-down'
  | 'top'
  | 'bottom';

export type Scope = 'always' | 'picker' | 'lesson';

export interface Binding {
  action: Action;
  scope: Scope;
  /** How the keys are written in hints and help. */
  keys: string;
  description: string;
  /** A short label for the footer; bindings without one show only in help. */
  hint?: string;
  matches(input: string, key: Key): boolean;
}

const char = (...chars: string[]) => (input: string, key: Key) => !key.ctrl && !key.meta && chars.includes(input);

export const KEYMAP: readonly Binding[] = [
  { action: 'quit', scope: 'always', keys: 'q ctrl-c', description: 'quit (stops every server and client)', hint: 'quit', matches: (input, key) => char('q')(input, key) || (key.ctrl && input === 'c') },
  { action: 'help', scope: 'always', keys: '?', description: 'show or hide this help', hint: 'help', matches: char('?') },
  { action: 'picker-up', scope: 'picker', keys: '↑ k', description: 'previous lesson in the list', matches: (input, key) => key.upArrow || char('k')(input, key) },
  { action: 'picker-down', scope: 'picker', keys: '↓ j', description: 'next lesson in the list', matches: (input, key) => key.downArrow || char('j')(input, key) },
  { action: 'open', scope: 'picker', keys: 'enter', description: 'open the lesson', hint: 'open', matches: (_input, key) => key.return },
  { action: 'run-client', scope: 'lesson', keys: 'r', description: 'run the client again', hint: 'run', matches: char('r') },
  { action: 'restart-server', scope: 'lesson', keys: 's', description: 'restart the server', hint: 'restart server', matches: char('s') },
  { action: 'edit-names', scope: 'lesson', keys: 'e', description: 'edit the names the client sends', hint: 'names', matches: char('e') },
  { action: 'toggle-source', scope: 'lesson', keys: 'c', description: 'switch source between server.ts and client.ts', hint: 'server/client source', matches: char('c') },
  { action: 'wire-view', scope: 'lesson', keys: 'w', description: 'open or close the wire view of the selected timeline message', hint: 'wire view', matches: char('w') },
  { action: 'focus-next', scope: 'lesson', keys: 'tab', description: 'focus the next pane', hint: 'focus', matches: (_input, key) => key.tab && !key.shift },
  { action: 'focus-prev', scope: 'lesson', keys: 'shift-tab', description: 'focus the previous pane', matches: (_input, key) => key.tab && key.shift },
  { action: 'next-lesson', scope: 'lesson', keys: 'n', description: 'next lesson', hint: 'next', matches: char('n') },
  { action: 'prev-lesson', scope: 'lesson', keys: 'p', description: 'previous lesson', hint: 'prev', matches: char('p') },
  { action: 'back', scope: 'lesson', keys: 'esc l', description: 'back to the lesson list', matches: (input, key) => key.escape || char('l')(input, key) },
  { action: 'scroll-up', scope: 'lesson', keys: '↑ k', description: 'scroll the focused pane up (timeline: select the previous message)', matches: (input, key) => key.upArrow || char('k')(input, key) },
  { action: 'scroll-down', scope: 'lesson', keys: '↓ j', description: 'scroll the focused pane down (timeline: select the next message)', matches: (input, key) => key.downArrow || char('j')(input, key) },
  { action: 'page-up', scope: 'lesson', keys: 'pgup', description: 'scroll a page up', matches: (_input, key) => key.pageUp },
  { action: 'page-down', scope: 'lesson', keys: 'pgdn', description: 'scroll a page down', matches: (_input, key) => key.pageDown },
  { action: 'top', scope: 'lesson', keys: 'home g', description: 'scroll to the top', matches: (input, key) => key.home || char('g')(input, key) },
  { action: 'bottom', scope: 'lesson', keys: 'end G', description: 'scroll to the bottom and follow new lines', matches: (input, key) => key.end || char('G')(input, key) },
];

export function actionFor(input: string, key: Key, screen: 'picker' | 'lesson'): Action | undefined {
  return KEYMAP.find((binding) => (binding.scope === 'always' || binding.scope === screen) && binding.matches(input, key))?.action;
}

export function hintsFor(screen: 'picker' | 'lesson'): Binding[] {
  return KEYMAP.filter((binding) => binding.hint && (binding.scope === 'always' || binding.scope === screen));
}

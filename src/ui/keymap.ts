// Keys as data: one table per mode, each row a key (or several), a label and
// an action. The matcher, the footer's hints and the help screen are all made
// from these tables, so they cannot disagree.
import type { Key } from 'ink';
import { LESSONS, lessonNumberText, type Lesson } from '../lessons.js';

export type Action =
  | 'quit'
  | 'switch-language'
  | 'help'
  | 'picker-up'
  | 'picker-down'
  | 'open'
  | 'open-number'
  | 'back'
  | 'next-lesson'
  | 'prev-lesson'
  | 'focus-next'
  | 'focus-prev'
  | 'run-client'
  | 'toggle-switch'
  | 'restart-server'
  | 'edit-names'
  | 'cancel-calls'
  | 'edit-deadline'
  | 'kill-server'
  | 'toggle-server'
  | 'toggle-reading'
  | 'toggle-source'
  | 'wire-view'
  | 'maximize'
  | 'scroll-up'
  | 'scroll-down'
  | 'page-up'
  | 'page-down'
  | 'top'
  | 'bottom'
  | 'names-send'
  | 'names-cancel'
  | 'deadline-send'
  | 'deadline-cancel'
  | 'prompt-delete'
  | 'prompt-clear'
  | 'edit-line'
  | 'line-send'
  | 'line-cancel'
  | 'leave-join'
  | 'open-exercise'
  | 'close-exercise'
  | 'pick-exercise'
  | 'exercise-hint'
  | 'exercise-verify'
  | 'exercise-solution'
  | 'solution-yes'
  | 'solution-no';

/** Keys that are not characters, named as in the help. */
export type KeyName =
  'up' | 'down' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'return' | 'escape' | 'tab' | 'backspace';

/** One key: a character (`{input: 'r'}`, `{input: 'c', ctrl: true}`) or a named key (`{name: 'tab', shift: true}`). */
export interface KeyDescriptor {
  input?: string;
  name?: KeyName;
  ctrl?: boolean;
  shift?: boolean;
}

export interface Binding {
  keys: readonly KeyDescriptor[];
  /** A word or two for the footer. */
  label: string;
  /** What the help screen says the keys do. */
  help: string;
  action: Action;
  /** Shown in the footer too (every row is in the help). */
  footer?: boolean;
  /** In the footer only for a lesson with exercises, or with more than one. */
  needs?: 'exercises' | 'several-exercises';
}

/**
 * `clients`: a lesson that runs several clients (Lesson.clients); `servers`: one
 * that runs several servers (Lesson.servers); `line`: the prompt for a client's stdin;
 * `exercise`: the exercise view; `solution`: its question before showing a solution early.
 */
export type Mode =
  | 'picker'
  | 'lesson'
  | 'clients'
  | 'servers'
  | 'wire'
  | 'names'
  | 'deadline'
  | 'line'
  | 'help'
  | 'exercise'
  | 'solution';

const key = (input: string, more: Omit<KeyDescriptor, 'input'> = {}): KeyDescriptor => ({ input, ...more });
const named = (name: KeyName, more: Omit<KeyDescriptor, 'name'> = {}): KeyDescriptor => ({ name, ...more });

// Rows that several modes share are the same objects, so the help lists them once.
const QUIT: Binding = {
  keys: [key('q'), key('c', { ctrl: true })],
  label: 'quit',
  help: 'quit (stops every server and client)',
  action: 'quit',
  footer: true,
};
const HELP: Binding = { keys: [key('?')], label: 'help', help: 'show or hide this help', action: 'help', footer: true };
// Named by the other language, so a learner who reads only that one finds it:
// "zh-CN", not "中文", since a first frame of plain ASCII is measured on
// string-width's fast path (a CJK label costs the picker ~5% there).
const LANGUAGE: Binding = {
  keys: [key('t')],
  label: 'zh-CN',
  help: 'switch the UI between English and Chinese (中文)',
  action: 'switch-language',
  footer: true,
};
const PAGE_UP: Binding = { keys: [named('pageUp')], label: 'page up', help: 'scroll a page up', action: 'page-up' };
const PAGE_DOWN: Binding = {
  keys: [named('pageDown')],
  label: 'page down',
  help: 'scroll a page down',
  action: 'page-down',
};
const TOP: Binding = { keys: [named('home'), key('g')], label: 'top', help: 'scroll to the top', action: 'top' };
const UP = [named('up'), key('k')];
const DOWN = [named('down'), key('j')];
// The prompts' editing keys. Every other key is a character of the line, q
// included: only Ctrl-C quits there.
const PROMPT_CLEAR: Binding = {
  keys: [key('u', { ctrl: true })],
  label: 'clear',
  help: 'clear the line',
  action: 'prompt-clear',
  footer: true,
};
const PROMPT_DELETE: Binding = {
  keys: [named('backspace')],
  label: 'delete',
  help: 'delete the last character',
  action: 'prompt-delete',
};
const PROMPT_QUIT: Binding = {
  keys: [key('c', { ctrl: true })],
  label: 'quit',
  help: 'quit (stops every server and client)',
  action: 'quit',
  footer: true,
};

// The lesson's keys that a lesson with several clients changes.
const RUN: Binding = {
  keys: [key('r')],
  label: 'run',
  help: 'run the client again',
  action: 'run-client',
  footer: true,
};
const EDIT_NAMES: Binding = {
  keys: [key('e')],
  label: 'names',
  help: 'edit the names the client sends',
  action: 'edit-names',
  footer: true,
};
// Faults, injected from outside the lesson code into the run in flight.
const CANCEL: Binding = {
  keys: [key('x')],
  label: 'cancel',
  help: 'cancel the calls in flight (the client gets CANCELLED; the server sees it)',
  action: 'cancel-calls',
  footer: true,
};
const DEADLINE: Binding = {
  keys: [key('d')],
  label: 'deadline',
  help: "set a deadline in ms for each call and run the client (empty: the lesson's own)",
  action: 'edit-deadline',
  footer: true,
};
const KILL: Binding = {
  keys: [key('K')],
  label: 'kill',
  help: 'kill the server (SIGKILL) in the middle of a call, then start it again',
  action: 'kill-server',
  footer: true,
};
const PAUSE: Binding = {
  keys: [key(' ')],
  label: 'pause',
  help: "pause the client's reading of replies (backpressure); press again to resume",
  action: 'toggle-reading',
  footer: true,
};

const OPEN_EXERCISE: Binding = {
  keys: [key('E')],
  label: 'exercise',
  help: "open the lesson's exercise: your copy of a lesson file, verified on every save",
  action: 'open-exercise',
  footer: true,
  needs: 'exercises',
};

const LESSON_ROWS: readonly Binding[] = [
  QUIT,
  HELP,
  OPEN_EXERCISE,
  RUN,
  EDIT_NAMES,
  CANCEL,
  DEADLINE,
  KILL,
  PAUSE,
  {
    keys: [key('w')],
    label: 'wire',
    help: 'open the wire view of the selected timeline row (a message or headers)',
    action: 'wire-view',
    footer: true,
  },
  {
    keys: [key('c')],
    label: 'source',
    help: 'switch the source between server.ts and client.ts',
    action: 'toggle-source',
    footer: true,
  },
  { keys: [key('s')], label: 'restart', help: 'restart the server', action: 'restart-server', footer: true },
  { keys: [key('n')], label: 'next', help: 'next lesson', action: 'next-lesson', footer: true },
  { keys: [key('p')], label: 'prev', help: 'previous lesson', action: 'prev-lesson', footer: true },
  // Last in the footer: on a narrow terminal the footer drops the hints that do not fit from the end.
  { keys: [named('tab')], label: 'focus', help: 'focus the next pane', action: 'focus-next', footer: true },
  {
    keys: [key('z')],
    label: 'zoom',
    help: 'maximize the focused pane, or show every pane again',
    action: 'maximize',
    footer: true,
  },
  LANGUAGE,
  {
    keys: [named('tab', { shift: true })],
    label: 'focus back',
    help: 'focus the previous pane',
    action: 'focus-prev',
  },
  { keys: [named('escape'), key('l')], label: 'lessons', help: 'back to the lesson list', action: 'back' },
  {
    keys: UP,
    label: 'up',
    help: 'scroll the focused pane up (timeline: select the previous message)',
    action: 'scroll-up',
  },
  {
    keys: DOWN,
    label: 'down',
    help: 'scroll the focused pane down (timeline: select the next message)',
    action: 'scroll-down',
  },
  PAGE_UP,
  PAGE_DOWN,
  TOP,
  {
    keys: [named('end'), key('G')],
    label: 'follow',
    help: 'scroll to the bottom and follow new lines',
    action: 'bottom',
  },
];

/**
 * A lesson with several clients: the lesson's keys, but `e` types a line into
 * the focused client and `L` makes it leave or join; the faults act on the
 * focused client, or on every client when no client pane is focused.
 */
const CLIENTS_INSTEAD = new Map<Binding, Binding[]>([
  [RUN, [{ ...RUN, help: 'start every client again, each its own process with its own pane' }]],
  [
    EDIT_NAMES,
    [
      {
        keys: [key('e')],
        label: 'say',
        help: "type a line for the focused client's stdin (Tab to a client pane first)",
        action: 'edit-line',
        footer: true,
      },
      {
        keys: [key('L')],
        label: 'leave',
        help: 'the focused client leaves: its stdin ends, so it half-closes its calls (stopped if still running after 2 s); if it has left, it joins again',
        action: 'leave-join',
        footer: true,
      },
    ],
  ],
  [
    CANCEL,
    [
      {
        ...CANCEL,
        help: 'cancel the calls in flight of the focused client, or of every client if no client pane is focused',
      },
    ],
  ],
  [
    DEADLINE,
    [
      {
        ...DEADLINE,
        help: "set a deadline in ms for each call and start the focused client again, or every client if no client pane is focused (empty: the lesson's own)",
      },
    ],
  ],
  [KILL, [{ ...KILL, help: 'kill the server (SIGKILL) under every client, whatever the focus, then start it again' }]],
  [
    PAUSE,
    [
      {
        ...PAUSE,
        help: "pause the focused client's reading of replies, or every client's if no client pane is focused; press again to resume",
      },
    ],
  ],
]);
const CLIENTS_ROWS: readonly Binding[] = LESSON_ROWS.flatMap((row) => CLIENTS_INSTEAD.get(row) ?? [row]);

/**
 * A lesson with several servers: the lesson's keys, but `K` kills the focused
 * server (every server when no server pane is focused), `S` stops the focused
 * server or starts it again, and `s` restarts them all. K and S come right
 * after r, and E after them: at 80 columns the footer keeps only its first hints.
 */
const SERVER_KILL: Binding = {
  ...KILL,
  help: 'kill the focused server (SIGKILL) in the middle of its calls, then start it again on the same port; every server if no server pane is focused',
};
const STOP_START: Binding = {
  keys: [key('S')],
  label: 'stop/start',
  help: "stop the focused server (it shuts down as on Ctrl-C), or start it again on its port if stopped; it stays in the client's target either way (Tab to a server pane first)",
  action: 'toggle-server',
  footer: true,
};
const SERVERS_ROWS: readonly Binding[] = [
  ...LESSON_ROWS.slice(0, LESSON_ROWS.indexOf(RUN) + 1).filter((row) => row !== OPEN_EXERCISE),
  SERVER_KILL,
  STOP_START,
  OPEN_EXERCISE,
  ...LESSON_ROWS.slice(LESSON_ROWS.indexOf(RUN) + 1)
    .filter((row) => row !== KILL)
    .map((row) => (row.action === 'restart-server' ? { ...row, help: 'restart every server' } : row)),
];

export const KEYMAP: Readonly<Record<Mode, readonly Binding[]>> = {
  picker: [
    QUIT,
    HELP,
    { keys: [named('return')], label: 'open', help: 'open the lesson', action: 'open', footer: true },
    {
      // Every digit a lesson number is written with: 1 then 3 opens lesson 13.
      keys: [...new Set(LESSONS.flatMap((lesson) => [...lessonNumberText(lesson.number)]))]
        .sort()
        .map((digit) => key(digit)),
      label: 'lesson',
      help: 'open the lesson with that number (type both digits of 10 and up)',
      action: 'open-number',
      footer: true,
    },
    LANGUAGE,
    { keys: UP, label: 'up', help: 'previous lesson in the list', action: 'picker-up' },
    { keys: DOWN, label: 'down', help: 'next lesson in the list', action: 'picker-down' },
  ],
  lesson: LESSON_ROWS,
  clients: CLIENTS_ROWS,
  servers: SERVERS_ROWS,
  wire: [
    QUIT,
    HELP,
    {
      keys: [key('w'), named('escape')],
      label: 'close',
      help: 'close the wire view',
      action: 'wire-view',
      footer: true,
    },
    LANGUAGE,
    { keys: UP, label: 'up', help: 'scroll the wire view up', action: 'scroll-up', footer: true },
    { keys: DOWN, label: 'down', help: 'scroll the wire view down', action: 'scroll-down', footer: true },
    PAGE_UP,
    PAGE_DOWN,
    TOP,
    { keys: [named('end'), key('G')], label: 'bottom', help: 'scroll to the bottom', action: 'bottom' },
  ],
  names: [
    {
      keys: [named('return')],
      label: 'send',
      help: 'run the client with these names',
      action: 'names-send',
      footer: true,
    },
    {
      keys: [named('escape')],
      label: 'cancel',
      help: 'close the prompt, keep the names',
      action: 'names-cancel',
      footer: true,
    },
    PROMPT_CLEAR,
    PROMPT_DELETE,
    PROMPT_QUIT,
  ],
  deadline: [
    {
      keys: [named('return')],
      label: 'run',
      help: "run the client with this deadline (an empty line: the lesson's own)",
      action: 'deadline-send',
      footer: true,
    },
    {
      keys: [named('escape')],
      label: 'cancel',
      help: 'close the prompt, keep the deadline',
      action: 'deadline-cancel',
      footer: true,
    },
    PROMPT_CLEAR,
    PROMPT_DELETE,
    PROMPT_QUIT,
  ],
  line: [
    {
      keys: [named('return')],
      label: 'send',
      help: "write the line and a newline to the client's stdin; the prompt stays open for the next line",
      action: 'line-send',
      footer: true,
    },
    { keys: [named('escape')], label: 'close', help: 'close the prompt', action: 'line-cancel', footer: true },
    PROMPT_CLEAR,
    PROMPT_DELETE,
    PROMPT_QUIT,
  ],
  exercise: [
    QUIT,
    HELP,
    {
      keys: [key('h')],
      label: 'hint',
      help: 'show the next hint (each says more)',
      action: 'exercise-hint',
      footer: true,
    },
    {
      keys: [key('s')],
      label: 'solution',
      help: 'show the reference solution (asks first if your copy has not passed)',
      action: 'exercise-solution',
      footer: true,
    },
    {
      keys: [key('r')],
      label: 'verify',
      help: 'verify your file now (saving it does too)',
      action: 'exercise-verify',
      footer: true,
    },
    {
      keys: [named('escape'), key('E')],
      label: 'lesson',
      help: 'back to the lesson',
      action: 'close-exercise',
      footer: true,
    },
    {
      keys: ['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((digit) => key(digit)),
      label: 'exercise',
      help: "open the lesson's exercise with that number",
      action: 'pick-exercise',
      footer: true,
      needs: 'several-exercises',
    },
    { keys: [named('tab')], label: 'focus', help: 'focus the next pane', action: 'focus-next', footer: true },
    LANGUAGE,
    {
      keys: [named('tab', { shift: true })],
      label: 'focus back',
      help: 'focus the previous pane',
      action: 'focus-prev',
    },
    {
      keys: UP,
      label: 'up',
      help: 'scroll the focused pane up (checks: the previous check and its calls)',
      action: 'scroll-up',
    },
    {
      keys: DOWN,
      label: 'down',
      help: 'scroll the focused pane down (checks: the next check and its calls)',
      action: 'scroll-down',
    },
    PAGE_UP,
    PAGE_DOWN,
    TOP,
    { keys: [named('end'), key('G')], label: 'bottom', help: 'scroll to the bottom', action: 'bottom' },
  ],
  solution: [
    {
      keys: [key('y')],
      label: 'show it',
      help: 'show the reference solution now',
      action: 'solution-yes',
      footer: true,
    },
    {
      keys: [key('n'), named('escape')],
      label: 'keep trying',
      help: 'do not show it',
      action: 'solution-no',
      footer: true,
    },
    PROMPT_QUIT,
  ],
  help: [
    QUIT,
    { keys: [key('?'), named('escape')], label: 'close', help: 'close this help', action: 'help', footer: true },
    { keys: UP, label: 'up', help: 'scroll the help up', action: 'scroll-up', footer: true },
    { keys: DOWN, label: 'down', help: 'scroll the help down', action: 'scroll-down', footer: true },
    LANGUAGE,
    PAGE_UP,
    PAGE_DOWN,
    TOP,
    { keys: [named('end'), key('G')], label: 'bottom', help: 'scroll to the bottom', action: 'bottom' },
  ],
};

const IS_NAMED: Record<KeyName, (key: Key) => boolean> = {
  up: (key) => key.upArrow,
  down: (key) => key.downArrow,
  pageUp: (key) => key.pageUp,
  pageDown: (key) => key.pageDown,
  home: (key) => key.home,
  end: (key) => key.end,
  return: (key) => key.return,
  escape: (key) => key.escape,
  tab: (key) => key.tab,
  // Ink 6 reports the Backspace key (DEL, 0x7f) as `delete`; Ctrl-H (BS) as `backspace`.
  backspace: (key) => key.backspace || key.delete,
};

/** Whether Ink's (input, key) is this key. Shift counts for named keys; for characters it is in the character. */
export function matchesKey(descriptor: KeyDescriptor, input: string, key: Key): boolean {
  if (Boolean(descriptor.ctrl) !== key.ctrl) return false;
  // Ink marks Esc as meta too, so meta is not compared for named keys.
  if (descriptor.name) return IS_NAMED[descriptor.name](key) && Boolean(descriptor.shift) === key.shift;
  return !key.meta && input === descriptor.input;
}

export function bindingFor(mode: Mode, input: string, key: Key): Binding | undefined {
  return KEYMAP[mode].find((binding) => binding.keys.some((descriptor) => matchesKey(descriptor, input, key)));
}

export function actionFor(mode: Mode, input: string, key: Key): Action | undefined {
  return bindingFor(mode, input, key)?.action;
}

const KEY_TEXT: Record<KeyName, string> = {
  up: '↑',
  down: '↓',
  pageUp: 'pgup',
  pageDown: 'pgdn',
  home: 'home',
  end: 'end',
  return: 'enter',
  escape: 'esc',
  tab: 'tab',
  backspace: 'backspace',
};

/** How one key is written: `r`, `ctrl-c`, `shift-tab`, `↑`. */
export function keyText(descriptor: KeyDescriptor): string {
  const base = descriptor.name
    ? KEY_TEXT[descriptor.name]
    : descriptor.input === ' '
      ? 'space'
      : (descriptor.input ?? '');
  return `${descriptor.ctrl ? 'ctrl-' : ''}${descriptor.shift ? 'shift-' : ''}${base}`;
}

const isDigit = (descriptor: KeyDescriptor) =>
  !descriptor.ctrl && descriptor.input !== undefined && /^[0-9]$/.test(descriptor.input);

/** How a row's keys are written in the help: `↑ k`, `q ctrl-c`; a run of digits as `1-9`. */
export function keysText(keys: readonly KeyDescriptor[]): string {
  if (keys.length > 2 && keys.every(isDigit)) return `${keys[0].input}-${keys[keys.length - 1].input}`;
  return keys.map(keyText).join(' ');
}

/** How a row's keys are written in the footer: the first key (a run of digits whole). */
export function footerKeyText(binding: Binding): string {
  return binding.keys.length > 2 && binding.keys.every(isDigit) ? keysText(binding.keys) : keyText(binding.keys[0]);
}

/**
 * The footer's hints for a mode; on a lesson's screen, the lesson's own
 * switches (Lesson.switches) come right after `r`, since they change its runs.
 */
export function hintsFor(mode: Mode, lesson?: Lesson): Binding[] {
  const exercises = lesson?.exercises?.length ?? 0;
  const hints = KEYMAP[mode].filter(
    (binding) =>
      binding.footer && (binding.needs === undefined || exercises > (binding.needs === 'several-exercises' ? 1 : 0)),
  );
  if (!lesson?.switches || (mode !== 'lesson' && mode !== 'clients' && mode !== 'servers')) return hints;
  const after = hints.findIndex((binding) => binding.action === 'run-client') + 1;
  return [...hints.slice(0, after), ...switchBindings(lesson), ...hints.slice(after)];
}

/** A lesson's switches as key rows: each turns its args on or off and runs the client again. */
export function switchBindings(lesson: Lesson): Binding[] {
  return (lesson.switches ?? []).map((entry) => ({
    keys: [key(entry.key)],
    label: entry.label,
    help: `${entry.help} On or off, then the client runs again with or without: ${entry.args.join(' ')}`,
    action: 'toggle-switch',
    footer: true,
  }));
}

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** One character of a chunk as the keystroke Ink would have reported had it come alone. */
function keystroke(char: string): [string, Key] {
  if (char === '\x7f') return ['', { ...NO_KEY, delete: true }];
  if (char === '\b') return ['', { ...NO_KEY, backspace: true }];
  if (char === '\r' || char === '\n') return ['', { ...NO_KEY, return: true }];
  if (char === '\t') return ['', { ...NO_KEY, tab: true }];
  const code = char.codePointAt(0)!;
  // Ctrl-A to Ctrl-Z arrive as 0x01-0x1a; Ink reports them as the letter with ctrl.
  if (code >= 0x01 && code <= 0x1a) return [String.fromCharCode(code + 0x60), { ...NO_KEY, ctrl: true }];
  return [char, { ...NO_KEY, shift: /^[A-Z]$/.test(char) }];
}

/**
 * Keys typed faster than the terminal is read arrive from Ink as one input
 * ("nnn", "ab" then two backspaces as "ab\x7f\x7f"): split them into the
 * keystrokes they were. Escape sequences (arrows, Esc) come alone already.
 */
export function keystrokes(input: string, key: Key): [string, Key][] {
  const chars = [...input];
  if (chars.length <= 1 || key.ctrl || key.meta) return [[input, key]];
  return chars.map(keystroke);
}

const MODE_TITLE: Record<Mode, string> = {
  picker: 'Lesson list',
  lesson: 'Lesson',
  clients: 'Lesson with several clients',
  servers: 'Lesson with several servers',
  wire: 'Wire view',
  names: 'Names prompt (e)',
  deadline: 'Deadline prompt (d)',
  line: 'Line prompt (e on a client pane)',
  help: 'This help',
  exercise: 'Exercise view (E)',
  solution: 'Solution prompt (s)',
};

/**
 * The help's sections: the rows every screen shares, then each mode's own.
 * `withClients` (an open lesson that runs several clients): that lesson's keys
 * and its line prompt, in the place of the keys of a lesson with one client;
 * an open `lesson` that runs several servers: its keys in their place.
 */
export function helpSections(withClients = false, lesson?: Lesson): { title: string; bindings: Binding[] }[] {
  const everywhere = KEYMAP.picker.filter(
    (binding) => KEYMAP.lesson.includes(binding) && KEYMAP.wire.includes(binding),
  );
  const own = (mode: Mode) => KEYMAP[mode].filter((binding) => !everywhere.includes(binding));
  const modes: Mode[] = withClients
    ? ['picker', 'clients', 'wire', 'deadline', 'line', 'exercise', 'solution', 'help']
    : lesson?.servers
      ? ['picker', 'servers', 'wire', 'names', 'deadline', 'exercise', 'solution', 'help']
      : ['picker', 'lesson', 'wire', 'names', 'deadline', 'exercise', 'solution', 'help'];
  return [
    { title: 'Everywhere', bindings: everywhere },
    ...modes.map((mode) => ({ title: MODE_TITLE[mode], bindings: own(mode) })),
    ...(lesson?.switches ? [{ title: "This lesson's switches", bindings: switchBindings(lesson) }] : []),
  ];
}

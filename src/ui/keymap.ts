// Keys as data: one table per mode, each row a key (or several), an action and
// the name of its words (src/i18n/key-words.ts, one set per language). The
// matcher, the footer's hints and the help screen are all made from these
// tables, so they cannot disagree, in either language.
import type { Key } from 'ink';
import { LESSONS, lessonNumberText, type Lesson } from '../lessons.js';
import type { Language } from '../i18n/lang.js';
import { KEY_WORDS } from '../i18n/key-words.js';
import { switchWords } from '../i18n/lessons.js';

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

/**
 * Names a row's words in each language (KeyWords.bindings): a row that reads
 * differently in one mode, or for a lesson with several clients or servers,
 * has a name of its own even where its keys and action are the same.
 */
export type BindingText =
  | 'quit'
  | 'help'
  | 'language'
  | 'page-up'
  | 'page-down'
  | 'top'
  | 'bottom'
  | 'prompt-clear'
  | 'prompt-delete'
  | 'open'
  | 'open-number'
  | 'picker-up'
  | 'picker-down'
  | 'run'
  | 'names'
  | 'cancel'
  | 'deadline'
  | 'kill'
  | 'pause'
  | 'exercise'
  | 'wire'
  | 'source'
  | 'restart'
  | 'next'
  | 'prev'
  | 'focus'
  | 'zoom'
  | 'focus-back'
  | 'lessons'
  | 'pane-up'
  | 'pane-down'
  | 'follow'
  | 'clients-run'
  | 'clients-say'
  | 'clients-leave'
  | 'clients-cancel'
  | 'clients-deadline'
  | 'clients-kill'
  | 'clients-pause'
  | 'servers-kill'
  | 'servers-stop-start'
  | 'servers-restart'
  | 'wire-close'
  | 'wire-up'
  | 'wire-down'
  | 'names-send'
  | 'names-cancel'
  | 'deadline-send'
  | 'deadline-cancel'
  | 'line-send'
  | 'line-close'
  | 'exercise-hint'
  | 'exercise-solution'
  | 'exercise-verify'
  | 'exercise-close'
  | 'exercise-pick'
  | 'exercise-up'
  | 'exercise-down'
  | 'solution-yes'
  | 'solution-no'
  | 'help-close'
  | 'help-up'
  | 'help-down';

/** What a row does, whatever language it is said in. */
export interface KeyRow {
  keys: readonly KeyDescriptor[];
  action: Action;
  /** Shown in the footer too (every row is in the help). */
  footer?: boolean;
  /** In the footer only for a lesson with exercises, or with more than one. */
  needs?: 'exercises' | 'several-exercises';
}

/** A row of the key tables: its words are named, and said in the UI's language when shown. */
export interface Binding extends KeyRow {
  text: BindingText;
}

/** A row as the footer and the help show it, in one language. */
export interface ShownBinding extends KeyRow {
  /** A word or two for the footer. */
  label: string;
  /** What the help screen says the keys do. */
  help: string;
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
const QUIT: Binding = { keys: [key('q'), key('c', { ctrl: true })], text: 'quit', action: 'quit', footer: true };
const HELP: Binding = { keys: [key('?')], text: 'help', action: 'help', footer: true };
// Named by the other language, so a learner who reads only that one finds it:
// "zh-CN", not "中文", since a first frame of plain ASCII is measured on
// string-width's fast path (a CJK label costs the picker ~5% there).
const LANGUAGE: Binding = { keys: [key('t')], text: 'language', action: 'switch-language', footer: true };
const PAGE_UP: Binding = { keys: [named('pageUp')], text: 'page-up', action: 'page-up' };
const PAGE_DOWN: Binding = { keys: [named('pageDown')], text: 'page-down', action: 'page-down' };
const TOP: Binding = { keys: [named('home'), key('g')], text: 'top', action: 'top' };
const BOTTOM: Binding = { keys: [named('end'), key('G')], text: 'bottom', action: 'bottom' };
const UP = [named('up'), key('k')];
const DOWN = [named('down'), key('j')];
// The prompts' editing keys. Every other key is a character of the line, q
// included: only Ctrl-C quits there.
const PROMPT_CLEAR: Binding = {
  keys: [key('u', { ctrl: true })],
  text: 'prompt-clear',
  action: 'prompt-clear',
  footer: true,
};
const PROMPT_DELETE: Binding = { keys: [named('backspace')], text: 'prompt-delete', action: 'prompt-delete' };
const PROMPT_QUIT: Binding = { keys: [key('c', { ctrl: true })], text: 'quit', action: 'quit', footer: true };

// The lesson's keys that a lesson with several clients changes.
const RUN: Binding = { keys: [key('r')], text: 'run', action: 'run-client', footer: true };
const EDIT_NAMES: Binding = { keys: [key('e')], text: 'names', action: 'edit-names', footer: true };
// Faults, injected from outside the lesson code into the run in flight.
const CANCEL: Binding = { keys: [key('x')], text: 'cancel', action: 'cancel-calls', footer: true };
const DEADLINE: Binding = { keys: [key('d')], text: 'deadline', action: 'edit-deadline', footer: true };
const KILL: Binding = { keys: [key('K')], text: 'kill', action: 'kill-server', footer: true };
const PAUSE: Binding = { keys: [key(' ')], text: 'pause', action: 'toggle-reading', footer: true };

const OPEN_EXERCISE: Binding = {
  keys: [key('E')],
  text: 'exercise',
  action: 'open-exercise',
  footer: true,
  needs: 'exercises',
};
const RESTART: Binding = { keys: [key('s')], text: 'restart', action: 'restart-server', footer: true };

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
  { keys: [key('w')], text: 'wire', action: 'wire-view', footer: true },
  { keys: [key('c')], text: 'source', action: 'toggle-source', footer: true },
  RESTART,
  { keys: [key('n')], text: 'next', action: 'next-lesson', footer: true },
  { keys: [key('p')], text: 'prev', action: 'prev-lesson', footer: true },
  // Last in the footer: on a narrow terminal the footer drops the hints that do not fit from the end.
  { keys: [named('tab')], text: 'focus', action: 'focus-next', footer: true },
  { keys: [key('z')], text: 'zoom', action: 'maximize', footer: true },
  LANGUAGE,
  { keys: [named('tab', { shift: true })], text: 'focus-back', action: 'focus-prev' },
  { keys: [named('escape'), key('l')], text: 'lessons', action: 'back' },
  { keys: UP, text: 'pane-up', action: 'scroll-up' },
  { keys: DOWN, text: 'pane-down', action: 'scroll-down' },
  PAGE_UP,
  PAGE_DOWN,
  TOP,
  { keys: [named('end'), key('G')], text: 'follow', action: 'bottom' },
];

/**
 * A lesson with several clients: the lesson's keys, but `e` types a line into
 * the focused client and `L` makes it leave or join; the faults act on the
 * focused client, or on every client when no client pane is focused.
 */
const CLIENTS_INSTEAD = new Map<Binding, Binding[]>([
  [RUN, [{ ...RUN, text: 'clients-run' }]],
  [
    EDIT_NAMES,
    [
      { keys: [key('e')], text: 'clients-say', action: 'edit-line', footer: true },
      { keys: [key('L')], text: 'clients-leave', action: 'leave-join', footer: true },
    ],
  ],
  [CANCEL, [{ ...CANCEL, text: 'clients-cancel' }]],
  [DEADLINE, [{ ...DEADLINE, text: 'clients-deadline' }]],
  [KILL, [{ ...KILL, text: 'clients-kill' }]],
  [PAUSE, [{ ...PAUSE, text: 'clients-pause' }]],
]);
const CLIENTS_ROWS: readonly Binding[] = LESSON_ROWS.flatMap((row) => CLIENTS_INSTEAD.get(row) ?? [row]);

/**
 * A lesson with several servers: the lesson's keys, but `K` kills the focused
 * server (every server when no server pane is focused), `S` stops the focused
 * server or starts it again, and `s` restarts them all. K and S come right
 * after r, and E after them: at 80 columns the footer keeps only its first hints.
 */
const SERVER_KILL: Binding = { ...KILL, text: 'servers-kill' };
const STOP_START: Binding = { keys: [key('S')], text: 'servers-stop-start', action: 'toggle-server', footer: true };
const SERVERS_INSTEAD = new Map<Binding, Binding[]>([
  [OPEN_EXERCISE, []],
  [RUN, [RUN, SERVER_KILL, STOP_START, OPEN_EXERCISE]],
  [KILL, []],
  [RESTART, [{ ...RESTART, text: 'servers-restart' }]],
]);
const SERVERS_ROWS: readonly Binding[] = LESSON_ROWS.flatMap((row) => SERVERS_INSTEAD.get(row) ?? [row]);

export const KEYMAP: Readonly<Record<Mode, readonly Binding[]>> = {
  picker: [
    QUIT,
    HELP,
    { keys: [named('return')], text: 'open', action: 'open', footer: true },
    {
      // Every digit a lesson number is written with: 1 then 3 opens lesson 13.
      keys: [...new Set(LESSONS.flatMap((lesson) => [...lessonNumberText(lesson.number)]))]
        .sort()
        .map((digit) => key(digit)),
      text: 'open-number',
      action: 'open-number',
      footer: true,
    },
    LANGUAGE,
    { keys: UP, text: 'picker-up', action: 'picker-up' },
    { keys: DOWN, text: 'picker-down', action: 'picker-down' },
  ],
  lesson: LESSON_ROWS,
  clients: CLIENTS_ROWS,
  servers: SERVERS_ROWS,
  wire: [
    QUIT,
    HELP,
    { keys: [key('w'), named('escape')], text: 'wire-close', action: 'wire-view', footer: true },
    LANGUAGE,
    { keys: UP, text: 'wire-up', action: 'scroll-up', footer: true },
    { keys: DOWN, text: 'wire-down', action: 'scroll-down', footer: true },
    PAGE_UP,
    PAGE_DOWN,
    TOP,
    BOTTOM,
  ],
  names: [
    { keys: [named('return')], text: 'names-send', action: 'names-send', footer: true },
    { keys: [named('escape')], text: 'names-cancel', action: 'names-cancel', footer: true },
    PROMPT_CLEAR,
    PROMPT_DELETE,
    PROMPT_QUIT,
  ],
  deadline: [
    { keys: [named('return')], text: 'deadline-send', action: 'deadline-send', footer: true },
    { keys: [named('escape')], text: 'deadline-cancel', action: 'deadline-cancel', footer: true },
    PROMPT_CLEAR,
    PROMPT_DELETE,
    PROMPT_QUIT,
  ],
  line: [
    { keys: [named('return')], text: 'line-send', action: 'line-send', footer: true },
    { keys: [named('escape')], text: 'line-close', action: 'line-cancel', footer: true },
    PROMPT_CLEAR,
    PROMPT_DELETE,
    PROMPT_QUIT,
  ],
  exercise: [
    QUIT,
    HELP,
    { keys: [key('h')], text: 'exercise-hint', action: 'exercise-hint', footer: true },
    { keys: [key('s')], text: 'exercise-solution', action: 'exercise-solution', footer: true },
    { keys: [key('r')], text: 'exercise-verify', action: 'exercise-verify', footer: true },
    { keys: [named('escape'), key('E')], text: 'exercise-close', action: 'close-exercise', footer: true },
    {
      keys: ['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((digit) => key(digit)),
      text: 'exercise-pick',
      action: 'pick-exercise',
      footer: true,
      needs: 'several-exercises',
    },
    { keys: [named('tab')], text: 'focus', action: 'focus-next', footer: true },
    LANGUAGE,
    { keys: [named('tab', { shift: true })], text: 'focus-back', action: 'focus-prev' },
    { keys: UP, text: 'exercise-up', action: 'scroll-up' },
    { keys: DOWN, text: 'exercise-down', action: 'scroll-down' },
    PAGE_UP,
    PAGE_DOWN,
    TOP,
    BOTTOM,
  ],
  solution: [
    { keys: [key('y')], text: 'solution-yes', action: 'solution-yes', footer: true },
    { keys: [key('n'), named('escape')], text: 'solution-no', action: 'solution-no', footer: true },
    PROMPT_QUIT,
  ],
  help: [
    QUIT,
    { keys: [key('?'), named('escape')], text: 'help-close', action: 'help', footer: true },
    { keys: UP, text: 'help-up', action: 'scroll-up', footer: true },
    { keys: DOWN, text: 'help-down', action: 'scroll-down', footer: true },
    LANGUAGE,
    PAGE_UP,
    PAGE_DOWN,
    TOP,
    BOTTOM,
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
export function footerKeyText(row: KeyRow): string {
  return row.keys.length > 2 && row.keys.every(isDigit) ? keysText(row.keys) : keyText(row.keys[0]);
}

/** A row with its words in `language`. */
export function shown(binding: Binding, language: Language = 'en'): ShownBinding {
  const { text, ...row } = binding;
  return { ...row, ...KEY_WORDS[language].bindings[text] };
}

/**
 * The footer's hints for a mode, in `language`; on a lesson's screen, the lesson's own
 * switches (Lesson.switches) come right after `r`, since they change its runs.
 */
export function hintsFor(mode: Mode, lesson?: Lesson, language: Language = 'en'): ShownBinding[] {
  const exercises = lesson?.exercises?.length ?? 0;
  const hints = KEYMAP[mode]
    .filter(
      (binding) =>
        binding.footer && (binding.needs === undefined || exercises > (binding.needs === 'several-exercises' ? 1 : 0)),
    )
    .map((binding) => shown(binding, language));
  if (!lesson?.switches || (mode !== 'lesson' && mode !== 'clients' && mode !== 'servers')) return hints;
  const after = hints.findIndex((binding) => binding.action === 'run-client') + 1;
  return [...hints.slice(0, after), ...switchBindings(lesson, language), ...hints.slice(after)];
}

/** A lesson's switches as key rows, in `language`: each turns its args on or off and runs the client again. */
export function switchBindings(lesson: Lesson, language: Language = 'en'): ShownBinding[] {
  return (lesson.switches ?? []).map((entry) => {
    const { label, help } = switchWords(lesson, entry.key, language);
    return {
      keys: [key(entry.key)],
      label,
      help: KEY_WORDS[language].switchHelp(help, entry.args.join(' ')),
      action: 'toggle-switch',
      footer: true,
    };
  });
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

/**
 * The help's sections, in `language`: the rows every screen shares, then each mode's own.
 * `withClients` (an open lesson that runs several clients): that lesson's keys
 * and its line prompt, in the place of the keys of a lesson with one client;
 * an open `lesson` that runs several servers: its keys in their place.
 */
export function helpSections(
  withClients = false,
  lesson?: Lesson,
  language: Language = 'en',
): { title: string; bindings: ShownBinding[] }[] {
  const words = KEY_WORDS[language];
  const everywhere = KEYMAP.picker.filter(
    (binding) => KEYMAP.lesson.includes(binding) && KEYMAP.wire.includes(binding),
  );
  const own = (mode: Mode) => KEYMAP[mode].filter((binding) => !everywhere.includes(binding));
  const modes: Mode[] = withClients
    ? ['picker', 'clients', 'wire', 'deadline', 'line', 'exercise', 'solution', 'help']
    : lesson?.servers
      ? ['picker', 'servers', 'wire', 'names', 'deadline', 'exercise', 'solution', 'help']
      : ['picker', 'lesson', 'wire', 'names', 'deadline', 'exercise', 'solution', 'help'];
  const inWords = (bindings: Binding[]) => bindings.map((binding) => shown(binding, language));
  return [
    { title: words.everywhere, bindings: inWords(everywhere) },
    ...modes.map((mode) => ({ title: words.modeTitle[mode], bindings: inWords(own(mode)) })),
    ...(lesson?.switches ? [{ title: words.switchesTitle, bindings: switchBindings(lesson, language) }] : []),
  ];
}

// The help as lines for a given width: every key table, keys in a column,
// descriptions wrapped under their own column, never cut and never wider than
// the width. The help pane scrolls these like any other pane.
import type { Lesson } from '../lessons.js';
import { helpSections, keysText } from './keymap.js';
import type { StyledLine } from './styled.js';
import { columns, wrapSegments } from './width.js';

const NOTES = [
  'In the names prompt, names are comma-separated; "" is an empty name (lesson 01\'s server answers it with INVALID_ARGUMENT); an empty line sends the lesson\'s own names.',
  "Saving the lesson's server.ts or client.ts restarts that side and runs the client again.",
  'Faults (x, d, K, space) are applied from outside the lesson code; each shows in the timeline as a fault row, followed by the status it caused. A deadline stays for later runs until an empty line clears it.',
  "E opens a lesson's exercise: your copy of one of its files (exercises/<lesson>/<id>.ts, made on first use) beside its checks. Saving the copy verifies it again; a failing check says what it expected and what arrived, and the timeline under it shows that check's calls. Passes and hints seen are remembered, and the lesson list shows each lesson's exercises passed (ex 1/2).",
  "Space stops the client reading: replies stop at the client, and once unread ones fill the HTTP/2 window (64 KiB) the server's replies queue up unsent (its write() returns false once that queue is full). Small replies fit in the window: the server may finish before the client reads them.",
];

/** Said only in the help of a lesson that runs several clients. */
const CLIENTS_NOTES = [
  "In a lesson with several clients, each client is its own process with its own pane, and the timeline's rows start with the client's label. e writes a line to the focused client's stdin; L ends its stdin (it leaves) or starts it again (it joins). x, space and d act on the focused client, or on every client when the focus is on another pane; K kills the one server they all share.",
];

/** Said only in the help of a lesson that runs several servers. */
const SERVERS_NOTES = [
  "In a lesson with several servers, each server is its own process with its own pane, and the client gets one target that names them all (ipv4:127.0.0.1:p1,127.0.0.1:p2,...): its channel's load-balancing policy picks a backend for each call. The timeline's call rows end with the backend the call went to, and the bars above the server panes count the calls each served in the client's latest run. K kills the focused server and starts it again on the same port (every server if no server pane is focused); S stops it or starts it again.",
];

/**
 * Words of `text` in lines of at most `width` columns; a word longer than that
 * is split. Chinese text breaks between any two characters, each two columns wide.
 */
export function wrapWords(text: string, width: number): string[] {
  return wrapSegments([{ text }], Math.max(1, width)).map((line) => line.map((segment) => segment.text).join(''));
}

export function helpLines(width: number, withClients = false, lesson?: Lesson): StyledLine[] {
  const sections = helpSections(withClients, lesson);
  const widest = Math.max(
    ...sections.flatMap((section) => section.bindings.map((binding) => columns(keysText(binding.keys)))),
  );
  // The key column takes what the widest keys need, but never so much that descriptions get squeezed.
  const keyColumn = Math.min(widest + 2, Math.max(4, Math.floor(width / 3)));
  const textWidth = Math.max(1, width - keyColumn);
  const indent = { text: ' '.repeat(keyColumn) };
  const lines: StyledLine[] = [];
  for (const section of sections) {
    if (lines.length) lines.push([]);
    lines.push([{ text: section.title, bold: true }]);
    for (const binding of section.bindings) {
      const keys = keysText(binding.keys);
      const text = wrapWords(binding.help, textWidth);
      if (columns(keys) < keyColumn) {
        lines.push([{ text: keys + ' '.repeat(keyColumn - columns(keys)), color: 'cyan' }, { text: text[0] }]);
      } else {
        // Keys too wide for the column get a row of their own.
        lines.push([{ text: keys, color: 'cyan' }]);
        lines.push([indent, { text: text[0] }]);
      }
      for (const more of text.slice(1)) lines.push([indent, { text: more }]);
    }
  }
  const notes = withClients ? [...NOTES, ...CLIENTS_NOTES] : lesson?.servers ? [...NOTES, ...SERVERS_NOTES] : NOTES;
  for (const note of notes) {
    lines.push([]);
    for (const line of wrapWords(note, width)) lines.push([{ text: line, dim: true }]);
  }
  return lines;
}

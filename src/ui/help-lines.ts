// The help as lines for a given width: every key table, keys in a column,
// descriptions wrapped under their own column, never cut and never wider than
// the width, in either language. The help pane scrolls these like any other pane.
import type { Lesson } from '../lessons.js';
import type { Language } from '../i18n/lang.js';
import { KEY_WORDS } from '../i18n/key-words.js';
import { helpSections, keysText } from './keymap.js';
import type { StyledLine } from './styled.js';
import { columns, padEndColumns, wrapSegments } from './width.js';

/**
 * Words of `text` in lines of at most `width` columns; a word longer than that
 * is split. Chinese text breaks between any two characters, each two columns wide.
 */
export function wrapWords(text: string, width: number): string[] {
  return wrapSegments([{ text }], Math.max(1, width)).map((line) => line.map((segment) => segment.text).join(''));
}

export function helpLines(
  width: number,
  withClients = false,
  lesson?: Lesson,
  language: Language = 'en',
): StyledLine[] {
  const sections = helpSections(withClients, lesson, language);
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
        lines.push([{ text: padEndColumns(keys, keyColumn), color: 'cyan' }, { text: text[0] }]);
      } else {
        // Keys too wide for the column get a row of their own.
        lines.push([{ text: keys, color: 'cyan' }]);
        lines.push([indent, { text: text[0] }]);
      }
      for (const more of text.slice(1)) lines.push([indent, { text: more }]);
    }
  }
  const words = KEY_WORDS[language];
  // A lesson with several clients or servers gets a note on them after the others.
  const notes = [...words.notes, ...(withClients ? words.clientsNotes : lesson?.servers ? words.serversNotes : [])];
  for (const note of notes) {
    lines.push([]);
    for (const line of wrapWords(note, width)) lines.push([{ text: line, dim: true }]);
  }
  return lines;
}

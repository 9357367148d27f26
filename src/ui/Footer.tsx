import type { StyledLine } from './styled.js';
import { StyledText } from './StyledText.js';
import { footerKeyText, hintsFor, type ShownBinding } from './keymap.js';
import type { UiStore } from './store.js';
import { columns as textColumns } from './width.js';

const hintWidth = (binding: ShownBinding) => textColumns(`${footerKeyText(binding)} ${binding.label}`);

/**
 * The hints that fit in `columns`, in table order: a hint is shown whole or
 * not at all, so the last ones go first on a narrow terminal.
 */
export function hintsThatFit(bindings: ShownBinding[], columns: number): ShownBinding[] {
  const shown: ShownBinding[] = [];
  let used = 0;
  for (const binding of bindings) {
    const width = (shown.length ? 2 : 0) + hintWidth(binding);
    if (used + width > columns) break;
    shown.push(binding);
    used += width;
  }
  return shown;
}

/** The keys of the mode the UI is in, from its key table, in the UI's language; a notice first, except over the prompts and the help, whose keys matter more. */
export function Footer({ store }: { store: UiStore }) {
  const mode = store.mode();
  const { notice, size, language } = store.state;
  const showNotice = notice !== '' && mode !== 'names' && mode !== 'deadline' && mode !== 'help';
  const prefix = showNotice ? `${notice}  ` : '';
  const hints = hintsThatFit(
    hintsFor(mode, store.state.lesson, language),
    Math.max(0, size.columns - textColumns(prefix)),
  );
  // One styled row, cut by columns: a long notice in Chinese would make Ink's own cut overshoot the edge.
  const line: StyledLine = showNotice ? [{ text: prefix, color: 'yellow' }] : [];
  hints.forEach((binding, index) => {
    if (index) line.push({ text: '  ' });
    line.push({ text: footerKeyText(binding), bold: true, color: 'cyan' }, { text: ` ${binding.label}`, dim: true });
  });
  return <StyledText line={line} width={size.columns} />;
}

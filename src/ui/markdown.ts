// Lesson text as styled lines no wider than the pane: marked's lexer reads the
// Markdown, and each kind of token is laid out here, measured in columns.
import { Lexer, type Token, type Tokens } from 'marked';
import type { Segment, StyledLine } from './styled.js';
import { wrapCodeLine } from './source.js';
import { highlightTypeScript } from './highlight.js';
import { columns, lineColumns, pad, wrapSegments, type Style } from './width.js';

const HEADING: Style[] = [{ bold: true, color: 'cyan' }, { bold: true, color: 'magenta' }, { bold: true }];
const INLINE_CODE: Style = { color: 'yellow' };
const PLAIN_CODE: Style = { color: 'green' };
const LINK: Style = { color: 'blue' };
const RULE: Style = { color: 'gray' };
const QUOTE_BAR: Segment = { text: '│ ', color: 'gray' };
const CODE_MARGIN = '  ';
const HARD_BREAK = '\n';
const HIGHLIGHTED_LANGUAGES = new Set(['ts', 'typescript', 'tsx', 'js', 'javascript', 'jsx', 'mjs', 'cjs']);

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** The lexer keeps entities as written (`&amp;`); a terminal shows the character. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
    if (name[0] === '#') {
      const code = name[1].toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return ENTITIES[name.toLowerCase()] ?? entity;
  });
}

// Chinese text has no spaces between words: a line break in the source between
// two Chinese characters (or after Chinese punctuation) joins them without one.
const CJK_SOFT_BREAK =
  /(?<=[\p{Script=Han}\u3000-\u303f\uff00-\uffef])\n(?=[\p{Script=Han}\u3000-\u303f\uff00-\uffef])/gu;

/** A line break in the source is a space, or nothing between Chinese characters. */
function softBreaks(text: string): string {
  return text.replace(CJK_SOFT_BREAK, '').replace(/\n/g, ' ');
}

/** Inline tokens (text, code, emphasis, links) as styled segments. */
function inline(tokens: Token[] | undefined, style: Style = {}): Segment[] {
  const out: Segment[] = [];
  for (const token of tokens ?? []) {
    switch (token.type) {
      case 'strong':
        out.push(...inline(token.tokens, { ...style, bold: true }));
        break;
      case 'em':
        out.push(...inline(token.tokens, { ...style, italic: true }));
        break;
      case 'del':
        out.push(...inline(token.tokens, { ...style, dim: true }));
        break;
      case 'codespan':
        out.push({ ...style, ...INLINE_CODE, text: decodeEntities(token.text).replace(/\n/g, ' ') });
        break;
      case 'link':
        out.push(...inline(token.tokens, { ...style, ...LINK }));
        break;
      case 'image':
        out.push({ ...style, ...LINK, text: `[${token.text}]` });
        break;
      case 'br':
        out.push({ ...style, text: HARD_BREAK });
        break;
      case 'text':
        // A tight list item's text holds inline tokens of its own.
        if ('tokens' in token && token.tokens) out.push(...inline(token.tokens, style));
        // A line break in the source is a space (none between Chinese characters); only `br` breaks the line.
        else out.push({ ...style, text: softBreaks(decodeEntities(token.text)) });
        break;
      default:
        out.push({
          ...style,
          text: decodeEntities('text' in token && typeof token.text === 'string' ? token.text : token.raw).replace(
            /\n/g,
            ' ',
          ),
        });
    }
  }
  return out;
}

/** Prose wrapped to `width`; a hard line break (`br`) starts a new line. */
function paragraph(segments: Segment[], width: number): StyledLine[] {
  const lines: StyledLine[] = [];
  let current: Segment[] = [];
  for (const segment of segments) {
    if (segment.text !== HARD_BREAK) {
      current.push(segment);
      continue;
    }
    lines.push(...wrapSegments(current, width));
    current = [];
  }
  lines.push(...wrapSegments(current, width));
  return lines;
}

/** Lines with `first` in front of the first and `rest` in front of the others. */
function prefixed(lines: StyledLine[], first: Segment[], rest: Segment[]): StyledLine[] {
  return lines.map((line, index) => [...(index === 0 ? first : rest), ...line]);
}

function codeBlock(token: Tokens.Code, width: number): StyledLine[] {
  const language = (token.lang ?? '').split(/\s/)[0].toLowerCase();
  const lines = HIGHLIGHTED_LANGUAGES.has(language)
    ? highlightTypeScript(token.text)
    : token.text.split('\n').map((line): StyledLine => [{ ...PLAIN_CODE, text: line }]);
  const inner = Math.max(4, width - CODE_MARGIN.length);
  return lines.flatMap((line) => wrapCodeLine(line, inner)).map((line) => [{ text: CODE_MARGIN }, ...line]);
}

function list(token: Tokens.List, width: number): StyledLine[] {
  const start = typeof token.start === 'number' ? token.start : 1;
  const markers = token.items.map((item, index) => {
    if (item.task) return item.checked ? '[x] ' : '[ ] ';
    return token.ordered ? `${start + index}. ` : '• ';
  });
  const markerWidth = Math.max(...markers.map(columns));
  const out: StyledLine[] = [];
  token.items.forEach((item, index) => {
    if (index > 0 && token.loose) out.push([]);
    const body = blocks(
      item.tokens.filter((child) => !(child.type === 'checkbox')),
      width - markerWidth,
      item.loose,
    );
    const marker: Segment = { text: markers[index].padEnd(markerWidth), color: 'cyan' };
    out.push(...prefixed(body.length ? body : [[]], [marker], [{ text: ' '.repeat(markerWidth) }]));
  });
  return out;
}

const SEPARATOR = ' │ ';
const MIN_COLUMN = 6;

/**
 * Columns as wide as their widest cell when the table fits; narrower columns with
 * wrapped cells when it does not; one "header: value" block per row when even
 * that leaves too little room for each column.
 */
function table(token: Tokens.Table, width: number): StyledLine[] {
  const header = token.header.map((cell) => inline(cell.tokens, { bold: true }));
  const rows = token.rows.map((row) => row.map((cell) => inline(cell.tokens)));
  const count = header.length;
  const gaps = columns(SEPARATOR) * (count - 1);
  const natural = header.map((cell, column) =>
    Math.max(1, lineColumns(cell), ...rows.map((row) => lineColumns(row[column] ?? []))),
  );
  const room = width - gaps;

  // Columns narrower than MIN_COLUMN keep their width; wider ones may shrink to it.
  if (room < natural.reduce((sum, value) => sum + Math.min(value, MIN_COLUMN), 0)) {
    const out: StyledLine[] = [];
    rows.forEach((row, rowIndex) => {
      if (rowIndex > 0) out.push([{ ...RULE, text: '─'.repeat(Math.min(width, 8)) }]);
      row.forEach((cell, column) => {
        const label: Segment[] = [...header[column], { text: ': ' }];
        out.push(...wrapSegments(cell, width, { first: label, rest: [{ text: '  ' }] }));
      });
    });
    return out;
  }

  // Narrow columns keep their width; the widest give up a column at a time.
  const widths = [...natural];
  for (let excess = widths.reduce((sum, value) => sum + value, 0) - room; excess > 0; excess--) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest] <= MIN_COLUMN) break;
    widths[widest]--;
  }

  const renderRow = (cells: Segment[][]): StyledLine[] => {
    const wrapped = widths.map((columnWidth, column) => wrapSegments(cells[column] ?? [], columnWidth));
    const height = Math.max(...wrapped.map((cell) => cell.length));
    return Array.from({ length: height }, (_, line) =>
      wrapped.flatMap((cell, column) => {
        const content = cell[line] ?? [];
        const align = token.align[column];
        // No trailing spaces after a left-aligned last column.
        const lastAndLeft = column === count - 1 && align !== 'right' && align !== 'center';
        return [
          ...(column > 0 ? [{ ...RULE, text: SEPARATOR }] : []),
          ...(lastAndLeft ? content : pad(content, widths[column], align)),
        ];
      }),
    );
  };
  const rule: StyledLine = [{ ...RULE, text: widths.map((value) => '─'.repeat(value)).join('─┼─') }];
  return [...renderRow(header), rule, ...rows.flatMap(renderRow)];
}

function heading(token: Tokens.Heading, width: number): StyledLine[] {
  const style = HEADING[Math.min(token.depth, HEADING.length) - 1];
  const lines = wrapSegments(inline(token.tokens, style), width);
  if (token.depth === 1)
    lines.push([{ ...style, bold: false, text: '─'.repeat(Math.min(width, Math.max(...lines.map(lineColumns)))) }]);
  return lines;
}

function block(token: Token, width: number): StyledLine[] {
  switch (token.type) {
    case 'heading':
      return heading(token as Tokens.Heading, width);
    case 'paragraph':
      return paragraph(inline(token.tokens), width);
    case 'text':
      return paragraph(
        inline(
          'tokens' in token && token.tokens
            ? token.tokens
            : [{ type: 'text', raw: token.raw, text: token.text } as Tokens.Text],
        ),
        width,
      );
    case 'code':
      return codeBlock(token as Tokens.Code, width);
    case 'list':
      return list(token as Tokens.List, width);
    case 'table':
      return table(token as Tokens.Table, width);
    case 'blockquote':
      return prefixed(blocks(token.tokens ?? [], width - columns(QUOTE_BAR.text)), [QUOTE_BAR], [QUOTE_BAR]);
    case 'hr':
      return [[{ ...RULE, text: '─'.repeat(width) }]];
    case 'html':
      return paragraph([{ text: token.text }], width);
    default:
      return [];
  }
}

/**
 * Block tokens one after another, a blank line between them, except under a
 * section heading (it reads as the section's first line) and before a list
 * nested in a tight list item.
 */
function blocks(tokens: Token[], width: number, loose = true): StyledLine[] {
  const out: StyledLine[] = [];
  let previous: Token | undefined;
  for (const token of tokens) {
    if (token.type === 'space' || token.type === 'def') continue;
    const lines = block(token, Math.max(4, width));
    if (lines.length === 0) continue;
    const underHeading = previous?.type === 'heading' && (previous as Tokens.Heading).depth > 1;
    if (out.length && !underHeading && (loose || token.type !== 'list')) out.push([]);
    out.push(...lines);
    previous = token;
  }
  return out;
}

export function renderMarkdown(source: string, width: number): StyledLine[] {
  const tokens = new Lexer({ gfm: true }).lex(source.replace(/\r/g, ''));
  return blocks(tokens, Math.max(10, width));
}

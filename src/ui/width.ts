// Terminal columns, not string lengths: a CJK character or an emoji takes two
// columns, a combining mark none. Ink measures with the same string-width, so
// a line that fits here fits on screen.
import stringWidth from 'string-width';
import type { Segment, StyledLine } from './styled.js';

export type Style = Omit<Segment, 'text'>;

// Printable ASCII is one column a character: most text takes this fast path.
const ASCII = /^[\x20-\x7e]*$/;

export function columns(text: string): number {
  return ASCII.test(text) ? text.length : stringWidth(text);
}

export function lineColumns(line: StyledLine): number {
  return line.reduce((sum, segment) => sum + columns(segment.text), 0);
}

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** User-perceived characters: an emoji with modifiers or a letter with its accents stays whole. */
export function graphemes(text: string): string[] {
  return ASCII.test(text) ? [...text] : Array.from(graphemeSegmenter.segment(text), (part) => part.segment);
}

/** A run of text a line may not break inside, or a run of spaces it may break at. */
interface Piece extends Segment {
  width: number;
  space: boolean;
  /** One wide character on its own: a line may break before and after it. */
  wide: boolean;
}

// Punctuation that must not start a line: it stays with the piece before it. The
// curly quotes are one column wide (narrow pieces), so they are named here to
// stay with the Chinese character beside them.
const NO_BREAK_BEFORE = /^[，。、；：！？）」』】〉》〕］｝”’,.;:!?)\]}]/u;
// Punctuation that must not end a line: it stays with the piece after it.
const NO_BREAK_AFTER = /[（「『【〈《〔［｛“‘(\[{]$/u;

/**
 * Splits styled text into the pieces a line may break between: runs of spaces, runs
 * of narrow text, and each wide character alone (CJK text may break between any two
 * characters). Narrow pieces of neighbouring segments are grouped into one word, so
 * `**gRPC**,` never breaks before its comma.
 */
function words(segments: Segment[]): Piece[][] {
  const pieces: Piece[] = [];
  for (const { text, ...style } of segments) {
    if (ASCII.test(text)) {
      for (const [run] of text.matchAll(/ +|[^ ]+/g))
        pieces.push({ ...style, text: run, width: run.length, space: run[0] === ' ', wide: false });
      continue;
    }
    let run = '';
    let runSpace = false;
    const flush = (wide = false) => {
      if (run) pieces.push({ ...style, text: run, width: columns(run), space: runSpace, wide });
      run = '';
    };
    for (const character of graphemes(text)) {
      const space = /^\s+$/.test(character);
      const wide = !space && columns(character) > 1;
      if (run && (space !== runSpace || wide)) flush();
      run += space ? ' ' : character;
      runSpace = space;
      if (wide) flush(true);
    }
    flush();
  }
  const groups: Piece[][] = [];
  let previous: Piece | undefined;
  for (const piece of pieces) {
    const joins =
      previous !== undefined &&
      !piece.space &&
      !previous.space &&
      ((!piece.wide && !previous.wide) || NO_BREAK_BEFORE.test(piece.text) || NO_BREAK_AFTER.test(previous.text));
    if (joins) groups[groups.length - 1].push(piece);
    else groups.push([piece]);
    previous = piece;
  }
  return groups;
}

/** A word cut into parts after each character that `breakAfter` matches. */
function splitAfter(word: Piece[], breakAfter: RegExp): Piece[][] {
  const parts: Piece[][] = [[]];
  for (const piece of word) {
    let chunk = '';
    const flush = () => {
      if (chunk) parts[parts.length - 1].push({ ...piece, text: chunk, width: columns(chunk) });
      chunk = '';
    };
    for (const character of graphemes(piece.text)) {
      chunk += character;
      if (breakAfter.test(character)) {
        flush();
        parts.push([]);
      }
    }
    flush();
  }
  return parts.filter((part) => part.length > 0);
}

export const sameStyle = (a: Style, b: Style) =>
  a.color === b.color && a.bold === b.bold && a.italic === b.italic && a.dim === b.dim && a.inverse === b.inverse;

const groupWidth = (group: Piece[]) => group.reduce((sum, piece) => sum + piece.width, 0);
const toSegment = ({ width: _width, space: _space, wide: _wide, ...segment }: Piece): Segment => segment;

export interface WrapOptions {
  /** Segments that start the first line (a list marker, a comment's `//`). */
  first?: Segment[];
  /** Segments that start every following line (an indent, a continuation marker). */
  rest?: Segment[];
  /** Keep runs of spaces as they are (code), instead of one space each (prose). */
  keepSpaces?: boolean;
  /** Where a word too long for any line breaks first (`grpc.status.` / `INVALID_ARGUMENT`), before cutting between characters. */
  breakAfter?: RegExp;
}

/**
 * Greedy word wrap to `width` columns that keeps each word's style. A word wider
 * than a whole line breaks after `breakAfter` characters, or else between
 * characters; nothing is ever dropped.
 */
export function wrapSegments(segments: Segment[], width: number, options: WrapOptions = {}): StyledLine[] {
  const first = options.first ?? [];
  const rest = options.rest ?? [];
  const restWidth = lineColumns(rest);
  const lines: StyledLine[] = [];
  let line: Segment[] = [...first];
  let used = lineColumns(first);
  let content = false;
  let pendingSpace: Piece[] = [];

  const newLine = () => {
    lines.push(line);
    line = [...rest];
    used = restWidth;
    content = false;
    pendingSpace = [];
  };
  const put = (piece: Piece) => {
    const last = line[line.length - 1];
    // One segment per run of a style: fewer Ink elements to render.
    if (last && sameStyle(last, piece)) line[line.length - 1] = { ...last, text: last.text + piece.text };
    else line.push(toSegment(piece));
    used += piece.width;
    content = true;
  };
  /** Places `part` on this line if it fits, else on the next; cuts it between characters if it fits on none. */
  const place = (part: Piece[], spaces: Piece[]) => {
    const spaceWidth = spaces.reduce((sum, piece) => sum + piece.width, 0);
    if (content && used + spaceWidth + groupWidth(part) > width) newLine();
    else for (const piece of spaces) put(piece);
    for (const piece of part) {
      if (used + piece.width <= width) {
        put(piece);
        continue;
      }
      let chunk = '';
      let chunkWidth = 0;
      for (const character of graphemes(piece.text)) {
        const characterWidth = columns(character);
        if (used + chunkWidth + characterWidth > width && (content || chunk)) {
          if (chunk) put({ ...piece, text: chunk, width: chunkWidth });
          newLine();
          chunk = '';
          chunkWidth = 0;
        }
        chunk += character;
        chunkWidth += characterWidth;
      }
      if (chunk) put({ ...piece, text: chunk, width: chunkWidth });
    }
  };

  for (const group of words(segments)) {
    if (group[0].space) {
      // Spaces at a break are dropped; between words they are kept, or made one.
      if (content)
        pendingSpace = options.keepSpaces ? [...pendingSpace, ...group] : [{ ...group[0], text: ' ', width: 1 }];
      continue;
    }
    const tooLong = options.breakAfter && groupWidth(group) > width - restWidth;
    // It starts a line of its own rather than leave a scrap of itself at the end of this one.
    if (tooLong && content) newLine();
    const parts = tooLong ? splitAfter(group, options.breakAfter!) : [group];
    parts.forEach((part, index) => place(part, index === 0 ? pendingSpace : []));
    pendingSpace = [];
  }
  lines.push(line);
  return lines;
}

/** `line` padded with spaces to `width` columns, aligned left, right or centred. */
export function pad(line: StyledLine, width: number, align: 'left' | 'right' | 'center' | null = 'left'): StyledLine {
  const gap = Math.max(0, width - lineColumns(line));
  if (gap === 0) return line;
  const before = align === 'right' ? gap : align === 'center' ? Math.floor(gap / 2) : 0;
  const out: StyledLine = [];
  if (before) out.push({ text: ' '.repeat(before) });
  out.push(...line);
  if (gap - before) out.push({ text: ' '.repeat(gap - before) });
  return out;
}

/**
 * `line` cut to at most `width` columns, ending in an ellipsis when it was cut.
 * Ink's own truncation can overshoot by a column when a wide (CJK) character
 * straddles the edge, which pushes a terminal's frame down a row: lines that may
 * hold Chinese are cut here first.
 */
export function clipLine(line: StyledLine, width: number): StyledLine {
  if (lineColumns(line) <= width) return line;
  if (width <= 0) return [];
  const out: StyledLine = [];
  let used = 0;
  for (const segment of line) {
    let kept = '';
    for (const character of graphemes(segment.text)) {
      const size = columns(character);
      if (used + size > width - 1) {
        if (kept) out.push({ ...segment, text: kept });
        out.push({ ...segment, text: '…' });
        return out;
      }
      kept += character;
      used += size;
    }
    if (kept) out.push({ ...segment, text: kept });
  }
  return out;
}

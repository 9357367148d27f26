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

/** `text` padded with spaces at its end to `width` columns (a CJK character takes two), as padEnd does with characters. */
export const padEndColumns = (text: string, width: number): string =>
  text + ' '.repeat(Math.max(0, width - columns(text)));

/** `text` padded with spaces at its start to `width` columns. */
export const padStartColumns = (text: string, width: number): string =>
  ' '.repeat(Math.max(0, width - columns(text))) + text;

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
// The same, between two characters of a word that has to be cut; the ASCII forms
// only beside a wide character (`调用)` keeps its `)`, `a.b` may be cut before the `.`).
const NO_CUT_BEFORE = /^[，。、；：！？）」』】〉》〕］｝”’]$/u;
const NO_CUT_AFTER = /^[（「『【〈《〔［｛“‘]$/u;
const ASCII_NO_CUT_BEFORE = /^[,.;:!?)\]}]$/;
const ASCII_NO_CUT_AFTER = /^[(\[{]$/;

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

/** One character of a word that has to be cut, with the piece it belongs to. */
interface Character {
  piece: Piece;
  text: string;
  width: number;
}

/** Whether a word may be cut between these two characters without leaving punctuation where it may not be. */
function mayCutBetween(before: Character, after: Character): boolean {
  if (NO_CUT_BEFORE.test(after.text) || NO_CUT_AFTER.test(before.text)) return false;
  if (ASCII_NO_CUT_BEFORE.test(after.text) && before.width > 1) return false;
  return !(ASCII_NO_CUT_AFTER.test(before.text) && after.width > 1);
}

// Where a word cut to make room for its punctuation breaks, best first: after a
// path's `/`; after a name's `.`, `_`, `-` or `:`, between the words of a camelCase
// name, or between narrow and wide characters.
const PATH_BREAK_AFTER = /^[/\\]$/;
const NAME_BREAK_AFTER = /^[.\-_:,;=@]$/;
const WORD_BREAKS: ((before: Character, after: Character) => boolean)[] = [
  (before) => PATH_BREAK_AFTER.test(before.text),
  (before, after) =>
    NAME_BREAK_AFTER.test(before.text) ||
    (/^\p{Ll}$/u.test(before.text) && /^\p{Lu}$/u.test(after.text)) ||
    before.width > 1 !== after.width > 1,
];
/** Characters at least that go down with the punctuation. */
const FEW_CHARACTERS = 4;

/**
 * Where a word too wide for the line is cut, starting at `start` with `room` columns
 * left on this line and `lineRoom` on the next: after as many characters as fit. If
 * that would start the next line with `）：` (or end this one with `“`), the cut
 * moves back: to the word's last break (`server.ts）：` goes down whole) when what
 * follows it fits on the next line, else by a few characters. A character wider
 * than the whole line goes on it anyway: nothing is ever dropped.
 */
function cutIndex(characters: Character[], start: number, room: number, lineRoom: number): number {
  let end = start;
  for (let used = 0; end < characters.length && used + characters[end].width <= room; end++)
    used += characters[end].width;
  if (end === characters.length) return end;
  if (end === start) return start + 1;
  const mayCut = (index: number) => mayCutBetween(characters[index - 1], characters[index]);
  if (mayCut(end)) return end;
  // What has to go down together: up to the next place the word may be cut.
  let together = end + 1;
  while (together < characters.length && !mayCut(together)) together++;
  // The earliest cut that still leaves all that room on the next line.
  let carried = characters.slice(end, together).reduce((sum, { width }) => sum + width, 0);
  let earliest = end;
  while (earliest > start + 1 && carried + characters[earliest - 1].width <= lineRoom)
    carried += characters[--earliest].width;
  for (const isBreak of WORD_BREAKS)
    for (let index = end - 2; index >= earliest; index--)
      if (mayCut(index) && isBreak(characters[index - 1], characters[index])) return index;
  const few = Math.max(start + 1, end - FEW_CHARACTERS);
  for (let index = few; index > start; index--) if (mayCut(index)) return index;
  for (let index = few + 1; index < end; index++) if (mayCut(index)) return index;
  return end;
}

/** Consecutive characters of one piece joined back into a piece. */
function piecesOf(characters: Character[]): Piece[] {
  const pieces: Piece[] = [];
  characters.forEach(({ piece, text, width }, index) => {
    if (index > 0 && characters[index - 1].piece === piece) {
      const last = pieces[pieces.length - 1];
      last.text += text;
      last.width += width;
    } else pieces.push({ ...piece, text, width });
  });
  return pieces;
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
    if (used + groupWidth(part) <= width) {
      for (const piece of part) put(piece);
      return;
    }
    const characters = part.flatMap((piece) =>
      graphemes(piece.text).map((text): Character => ({ piece, text, width: columns(text) })),
    );
    for (let start = 0; start < characters.length;) {
      const end = cutIndex(characters, start, width - used, width - restWidth);
      for (const piece of piecesOf(characters.slice(start, end))) put(piece);
      start = end;
      if (start < characters.length) newLine();
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

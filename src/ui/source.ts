// Annotated source laid out for a pane of a given width. Comments are the point
// of lesson code, so none is ever cut: a long comment continues on lines of its
// own with the same indentation and marker, a long code line continues after a
// marker, and only a file's own lines get a number.
import type { Segment, StyledLine } from './styled.js';
import { highlightTypeScript, isCommentLine } from './highlight.js';
import { columns, wrapSegments } from './width.js';

/** Starts the continuation of a code line too long for the pane. */
export const CODE_CONTINUATION = '↳ ';

// A word too long for any line (a path, `grpc.status.INVALID_ARGUMENT`) breaks after
// one of these before it is cut between characters.
const BREAK_AFTER = /^[.,;(\[{/]$/;

// The marker that opens a comment line and the one its continuations repeat.
const COMMENT_MARKER = /^(\/\/+|\/\*+|\*\/|\*)\s?/;

function continuationMarker(marker: string): string {
  if (marker.startsWith('//')) return '// ';
  if (marker.startsWith('/*')) return ' * ';
  return marker ? '* ' : '';
}

/** Removes the first `count` characters from styled text. */
function dropCharacters(segments: Segment[], count: number): Segment[] {
  const out: Segment[] = [];
  let left = count;
  for (const segment of segments) {
    if (left >= segment.text.length) {
      left -= segment.text.length;
      continue;
    }
    out.push({ ...segment, text: segment.text.slice(left) });
    left = 0;
  }
  return out;
}

/** One line of highlighted code as one or more lines no wider than `width`. */
export function wrapCodeLine(line: StyledLine, width: number): StyledLine[] {
  const text = line.map((segment) => segment.text).join('');
  const indent = /^\s*/.exec(text)![0];
  let body = dropCharacters(line, indent.length);
  if (body.length === 0) return [indent ? [{ text: indent }] : []];
  // A deep indent on every continuation would leave no room: keep at most half the width.
  const restIndent: Segment[] = indent
    ? [{ text: columns(indent) > width / 2 ? ' '.repeat(Math.floor(width / 2)) : indent }]
    : [];
  const first: Segment[] = indent ? [{ text: indent }] : [];

  if (isCommentLine(line)) {
    const { text: _text, ...style } = body[0];
    const marker = COMMENT_MARKER.exec(body.map((segment) => segment.text).join(''))?.[0] ?? '';
    body = dropCharacters(body, marker.length);
    const again = continuationMarker(marker);
    return wrapSegments(body, width, {
      first: [...first, { ...style, text: marker }],
      rest: [...restIndent, ...(again ? [{ ...style, text: again }] : [])],
      breakAfter: BREAK_AFTER,
    });
  }
  return wrapSegments(body, width, {
    first,
    rest: [...restIndent, { text: CODE_CONTINUATION, dim: true }],
    keepSpaces: true,
    breakAfter: BREAK_AFTER,
  });
}

/** Highlighted lines, numbered, wrapped to `width` columns including the numbers. */
export function layoutSource(lines: StyledLine[], width: number): StyledLine[] {
  const digits = String(lines.length).length;
  const gutter = digits + 1;
  const blank: Segment = { text: ' '.repeat(gutter) };
  return lines.flatMap((line, index) =>
    wrapCodeLine(line, Math.max(8, width - gutter)).map((part, partIndex) => [
      partIndex === 0 ? { text: `${String(index + 1).padStart(digits)} `, dim: true } : blank,
      ...part,
    ]),
  );
}

/** A TypeScript file as the source pane shows it at `width` columns. */
export function renderSource(source: string, width: number): StyledLine[] {
  return layoutSource(highlightTypeScript(source), width);
}

// The source pane: highlighted, numbered, and every comment readable in full at
// the widths the pane really has. Lesson files are read from disk, so the checks
// follow the lessons as they change.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import stringWidth from 'string-width';
import ts from 'typescript';
import { CODE_CONTINUATION, renderSource } from '../src/ui/source.js';
import { contentColumns, layoutFor, rectOf } from '../src/ui/layout.js';
import { lineText, type StyledLine } from '../src/ui/styled.js';

const LESSONS_DIR = fileURLToPath(new URL('../lessons/', import.meta.url));
const LESSON_FILES = readdirSync(LESSONS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((entry) => ['server.ts', 'client.ts'].map((file) => join(LESSONS_DIR, entry.name, file)))
  .filter((path) => existsSync(path));

// The source pane's inner width in an 80x24 and a 120x40 terminal.
const sourceColumns = (columns: number, rows: number) =>
  contentColumns(rectOf(layoutFor(columns, rows, 'source'), 'source')!);
const PANE_WIDTHS = [sourceColumns(80, 24), sourceColumns(120, 40)];

/** Every comment in a file, with the line it starts on, found by TypeScript's own parser. */
function comments(source: string): { line: number; text: string }[] {
  const file = ts.createSourceFile('lesson.ts', source, ts.ScriptTarget.Latest, true);
  const ranges = new Map<number, ts.CommentRange>();
  // Comments are trivia before or after tokens: visiting every node and token finds them all.
  const visit = (node: ts.Node) => {
    for (const range of [
      ...(ts.getLeadingCommentRanges(source, node.getFullStart()) ?? []),
      ...(ts.getTrailingCommentRanges(source, node.getEnd()) ?? []),
    ])
      ranges.set(range.pos, range);
    node.getChildren(file).forEach(visit);
  };
  visit(file);
  return [...ranges.values()]
    .sort((a, b) => a.pos - b.pos)
    .map((range) => ({
      line: file.getLineAndCharacterOfPosition(range.pos).line + 1,
      text: source.slice(range.pos, range.end),
    }));
}

/**
 * Rendered rows grouped by the numbered source line they belong to, each row
 * without its gutter and, on continuation rows, without the indentation and the
 * marker (`//`, `*`, the code continuation) that the layout added.
 */
function bySourceLine(rendered: StyledLine[]): Map<number, string[]> {
  const groups = new Map<number, string[]>();
  let current = 0;
  for (const line of rendered) {
    const text = lineText(line);
    const number = /^\s*(\d+) /.exec(text);
    if (number) current = Number(number[1]);
    const content = number
      ? text.slice(number[0].length)
      : text.replace(new RegExp(`^\\s*(// |\\* |${CODE_CONTINUATION})?`), '');
    groups.set(current, [...(groups.get(current) ?? []), content]);
  }
  return groups;
}

const words = (text: string) =>
  text
    .replace(/^\/\*+|\*+\/$|^\/\/+/g, '')
    .split(/\s+/)
    .map((word) => word.replace(/^\*$/, ''))
    .filter(Boolean);

describe('annotated source in the source pane', () => {
  test('the pane widths come from the layout: 36 columns at 80x24, 56 at 120x40', () => {
    assert.deepEqual(PANE_WIDTHS, [36, 56]);
  });

  test('lesson files are found on disk', () => {
    assert.ok(LESSON_FILES.length >= 8, `only ${LESSON_FILES.length} lesson files`);
  });

  for (const width of PANE_WIDTHS) {
    test(`every lesson file at ${width} columns: every comment word is shown in order, no code is lost, no row is wider than the pane`, () => {
      let commentsChecked = 0;
      for (const path of LESSON_FILES) {
        const source = readFileSync(path, 'utf8');
        const rendered = renderSource(source, width);
        const name = path.slice(LESSONS_DIR.length);
        for (const line of rendered) {
          const text = lineText(line);
          assert.ok(stringWidth(text) <= width, `${name} at ${width}: "${text}" is ${stringWidth(text)} columns`);
          assert.ok(!text.includes('…'), `${name} at ${width}: "${text}" is cut`);
        }
        const groups = bySourceLine(rendered);
        const sourceLines = source.replace(/\n$/, '').split('\n');
        assert.equal(groups.size, sourceLines.length, `${name}: one numbered row per source line`);
        // Code too: every character of every line is shown (only spaces at a break may go).
        sourceLines.forEach((line, index) => {
          assert.equal(
            groups
              .get(index + 1)
              ?.join('')
              .replace(/\s/g, ''),
            line.replace(/\s/g, ''),
            `${name} at ${width}: line ${index + 1}`,
          );
        });
        for (const comment of comments(source)) {
          // A block comment spans several source lines: read them together.
          const span = comment.text.split('\n').length;
          const rows = Array.from({ length: span }, (_, index) => groups.get(comment.line + index) ?? []).flat();
          // Rows joined as they were cut: a word too long for a row reads whole again.
          const shown = rows.join('');
          let from = 0;
          for (const word of words(comment.text)) {
            const at = shown.indexOf(word, from);
            assert.ok(
              at >= 0,
              `${name} at ${width}: comment on line ${comment.line} lost "${word}"\n${rows.join('\n')}`,
            );
            from = at + word.length;
            // A word that fits easily on a row is never split across two.
            if (stringWidth(word) <= width / 2)
              assert.ok(
                rows.some((row) => row.includes(word)),
                `${name} at ${width}: "${word}" is split\n${rows.join('\n')}`,
              );
          }
          commentsChecked++;
        }
      }
      assert.ok(commentsChecked >= 20, `only ${commentsChecked} comments found in the lesson files`);
    });
  }

  test('a long // comment continues with the same indentation and marker and no line number', () => {
    const source =
      'function f() {\n    // one two three four five six seven eight nine ten eleven twelve\n    return 1;\n}\n';
    const rows = renderSource(source, 30).map(lineText);
    assert.deepEqual(rows, [
      '1 function f() {',
      '2     // one two three four',
      '      // five six seven eight',
      '      // nine ten eleven',
      '      // twelve',
      '3     return 1;',
      '4 }',
    ]);
  });

  test('a long code line continues after a marker; a word too long for a row breaks at punctuation, nothing is cut', () => {
    const source = "  call.emit('error', { code: grpc.status.INVALID_ARGUMENT });\n";
    const rows = renderSource(source, 30).map(lineText);
    assert.deepEqual(rows, [
      "1   call.emit('error', { code:",
      `    ${CODE_CONTINUATION}grpc.status.`,
      `    ${CODE_CONTINUATION}INVALID_ARGUMENT });`,
    ]);
  });

  test('line numbers stay right-aligned in one gutter when there are ten lines or more', () => {
    const source = Array.from({ length: 12 }, (_, index) => `// line ${index + 1} with enough words to wrap once`).join(
      '\n',
    );
    const rows = renderSource(source, 24).map(lineText);
    for (const row of rows) assert.match(row, /^( \d|\d\d|  ) \/\/ /, row);
    assert.ok(rows.some((row) => row.startsWith(' 9 //')) && rows.some((row) => row.startsWith('12 //')));
  });

  test('a CJK comment wraps in columns (two per character), not in string length', () => {
    const source = '// 服务端流式 与 客户端流式：服务端流式 与 客户端流式\nconst x = 1;\n';
    for (const width of [12, 17, 20, 36]) {
      const rows = renderSource(source, width).map(lineText);
      for (const row of rows)
        assert.ok(stringWidth(row) <= width, `"${row}" is ${stringWidth(row)} columns, more than ${width}`);
      const commentRows = rows.slice(
        0,
        rows.findIndex((row) => row.startsWith('2 ')),
      );
      assert.ok(
        commentRows.slice(1).every((row) => row.startsWith('  // ')),
        commentRows.join('\n'),
      );
      const comment = commentRows
        .map((row, index) => row.slice(index === 0 ? '1 // '.length : '  // '.length))
        .join('');
      assert.equal(comment.replace(/ /g, ''), '服务端流式与客户端流式：服务端流式与客户端流式');
    }
  });
});

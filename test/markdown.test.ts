// Lesson text: Markdown read by marked's lexer and laid out in terminal columns.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import stringWidth from 'string-width';
import { Lexer } from 'marked';
import { renderMarkdown } from '../src/ui/markdown.js';
import { contentColumns, layoutFor, rectOf } from '../src/ui/layout.js';
import { lineText, type Segment, type StyledLine } from '../src/ui/styled.js';

const text = (lines: StyledLine[]) => lines.map(lineText);
const segmentOf = (lines: StyledLine[], wanted: string): Segment | undefined =>
  lines.flat().find((segment) => segment.text.includes(wanted));

function assertFits(lines: StyledLine[], width: number, what: string) {
  for (const row of text(lines))
    assert.ok(stringWidth(row) <= width, `${what} at ${width}: "${row}" is ${stringWidth(row)} columns`);
}

/** The visible characters, in order, without the spaces a layout adds or drops. */
const characters = (rows: string[]) => rows.join('').replace(/[\s│─┼•]/g, '');

const CJK = '服务端流式 与 客户端流式';
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);
const textColumns = (columns: number, rows: number) =>
  contentColumns(rectOf(layoutFor(columns, rows, 'text'), 'text')!);

// Chinese typesetting: punctuation that may not start a line (the ASCII forms only
// right after a Chinese character), and punctuation that may not end one.
const MAY_NOT_START = /^[，。、；：！？）」』】〉》”’]$/u;
const ASCII_MAY_NOT_START = /^[,.;:!?)\]}]$/;
const MAY_NOT_END = /^[（「『【〈《“‘]$/u;
const CHINESE = /^[\p{Script=Han}\u3000-\u303f\uff00-\uffef]$/u;

/** A rendered line's text, one string per table cell, without quote bars and list markers. */
function cellsOf(line: StyledLine): string[] {
  const cells = [''];
  for (const segment of line) {
    if (segment.color === 'gray' && segment.text === ' │ ') cells.push('');
    else if (segment.color === 'gray' && segment.text === '│ ') continue;
    else if (segment.color === 'cyan' && /^(• |\d+\. )\s*$/.test(segment.text)) continue;
    else cells[cells.length - 1] += segment.text;
  }
  return cells.map((cell) => cell.trim());
}

/** A block's lines of text in reading order: a table's cells column after column; rules and blank lines left out. */
function readingOrder(lines: StyledLine[]): string[] {
  const runs: string[] = [];
  const tableColumns: string[][] = [];
  for (const cells of lines.map(cellsOf)) {
    if (cells.length > 1) cells.forEach((cell, column) => cell && (tableColumns[column] ??= []).push(cell));
    else if (!/^[─┼]*$/.test(cells[0])) runs.push(cells[0]);
  }
  return [...runs, ...tableColumns.flat()];
}

/** The characters of `runs` without spaces; where each run starts; which characters had a space before them. */
function charactersOf(runs: string[]) {
  const out = { text: [] as string[], starts: new Set<number>(), spaced: [] as boolean[] };
  for (const run of runs) {
    out.starts.add(out.text.length);
    let space = false;
    for (const character of run) {
      if (/\s/.test(character)) space = true;
      else {
        out.text.push(character);
        out.spaced.push(space);
        space = false;
      }
    }
  }
  return out;
}

/**
 * Where `source` (one Markdown block) wraps at each of `widths` against Chinese line
 * breaking rules, or loses or reorders a character, or is wider than the width: the
 * block at an unlimited width is the reference. A table too narrow for columns is
 * compared with its rows as "header: value" lines.
 */
function lineBreakFaults(source: string, widths: number[]): string[] {
  const unwrapped = renderMarkdown(source, 100_000);
  const inColumns = charactersOf(readingOrder(unwrapped));
  const [header, ...rows] = unwrapped.map(cellsOf).filter((cells) => cells.length > 1);
  const inRows = header && charactersOf(rows.flatMap((row) => row.map((cell, column) => `${header[column]}: ${cell}`)));
  return widths.flatMap((width) => {
    const wrapped = renderMarkdown(source, width);
    const faults = text(wrapped)
      .filter((row) => stringWidth(row) > width)
      .map((row) => `"${row}" is wider than ${width}`);
    const reference = inRows && !wrapped.flat().some((segment) => segment.text === ' │ ') ? inRows : inColumns;
    const shown = charactersOf(readingOrder(wrapped));
    if (shown.text.join('') !== reference.text.join(''))
      return [...faults, `characters lost or out of order at ${width}:\n${text(wrapped).join('\n')}`];
    for (const index of shown.starts) {
      if (index === 0 || reference.starts.has(index)) continue;
      const [before, after] = [shown.text[index - 1], shown.text[index]];
      const asciiAfterChinese = ASCII_MAY_NOT_START.test(after) && CHINESE.test(before) && !reference.spaced[index];
      if (MAY_NOT_START.test(after) || asciiAfterChinese || MAY_NOT_END.test(before))
        faults.push(
          `at ${width}: …${shown.text.slice(Math.max(0, index - 12), index).join('')}⏎${shown.text.slice(index, index + 6).join('')}…`,
        );
    }
    return faults;
  });
}

describe('lesson text (Markdown)', () => {
  test('headings: the first level is underlined, the others stand out in colour with their section right under them', () => {
    const lines = renderMarkdown('# One\n\n## Two\n\nBody.', 40);
    assert.deepEqual(text(lines), ['One', '───', '', 'Two', 'Body.']);
    assert.equal(lines[0][0].bold, true);
    assert.equal(lines[3][0].color, 'magenta');
  });

  test('a paragraph joins its source lines and wraps at the width, keeping inline styles', () => {
    const lines = renderMarkdown(
      'Call `SayHello` with **one**\n*message* and read [the docs](https://grpc.io) &amp; more.',
      20,
    );
    assert.deepEqual(text(lines), ['Call SayHello with', 'one message and read', 'the docs & more.']);
    assert.equal(segmentOf(lines, 'SayHello')?.color, 'yellow');
    assert.equal(segmentOf(lines, 'one')?.bold, true);
    assert.equal(segmentOf(lines, 'message')?.italic, true);
    assert.equal(segmentOf(lines, 'the docs')?.color, 'blue');
  });

  test('bullet and numbered lists, nested, with wrapped items hanging under their text', () => {
    const lines = renderMarkdown(
      '- first item wraps here\n  - nested one\n    - deeper\n- second\n\n1. alpha\n2. beta',
      20,
    );
    assert.deepEqual(text(lines), [
      '• first item wraps',
      '  here',
      '  • nested one',
      '    • deeper',
      '• second',
      '',
      '1. alpha',
      '2. beta',
    ]);
  });

  test('a ts code block is highlighted, an sh block plain in its own colour; both indented, neither wrapped as prose', () => {
    const lines = renderMarkdown("Run:\n\n```ts\nconst a = 'x';\n```\n\n```sh\nnpm run lesson -- 1\n```", 40);
    assert.deepEqual(text(lines), ['Run:', '', "  const a = 'x';", '', '  npm run lesson -- 1']);
    assert.equal(segmentOf(lines, 'const')?.color, 'magenta');
    assert.equal(segmentOf(lines, "'x'")?.color, 'green');
    assert.equal(segmentOf(lines, 'npm run')?.color, 'green');
    assert.notEqual(segmentOf(lines, 'npm run')?.color, segmentOf(lines, 'Run:')?.color);
    const shell = segmentOf(renderMarkdown('```text\nplain output\n```', 40), 'plain');
    assert.equal(shell?.color, 'green');
  });

  test('a long line in a code block continues after a marker instead of being cut', () => {
    const lines = renderMarkdown('```sh\nnpm run client -- 4 --target 127.0.0.1:6000 --name Ada\n```', 30);
    assertFits(lines, 30, 'code block');
    assert.ok(text(lines)[1].trimStart().startsWith('↳ '), text(lines).join('\n'));
    assert.equal(
      characters(text(lines)).replace(/↳/g, ''),
      characters(['npm run client -- 4 --target 127.0.0.1:6000 --name Ada']),
    );
  });

  test('a table is laid out in aligned columns, honouring right alignment', () => {
    const lines = renderMarkdown(
      '| kind | requests | replies |\n|---|---|--:|\n| unary | one | 1 |\n| server streaming | one | many |',
      60,
    );
    assert.deepEqual(text(lines), [
      'kind             │ requests │ replies',
      '─────────────────┼──────────┼────────',
      'unary            │ one      │       1',
      'server streaming │ one      │    many',
    ]);
    assert.equal(segmentOf(lines, 'kind')?.bold, true);
  });

  test('a table wider than the pane wraps its cells; one with too many columns becomes "header: value" rows', () => {
    const source =
      '| kind | what the client sends | what the server sends |\n|---|---|---|\n| bidirectional streaming | a stream of requests | a stream of replies |';
    const narrow = renderMarkdown(source, 30);
    assertFits(narrow, 30, 'table');
    const separators = text(narrow)
      .filter((row) => !row.startsWith('─'))
      .map((row) => [...row.matchAll(/│/g)].map((match) => stringWidth(row.slice(0, match.index))));
    assert.ok(
      separators.every((columns) => JSON.stringify(columns) === JSON.stringify(separators[0])),
      `columns line up:\n${text(narrow).join('\n')}`,
    );
    assert.equal(
      characters(text(narrow)).length,
      characters([source.replace(/\|?-+\|/g, '').replace(/\|/g, '')]).length,
    );

    const many = renderMarkdown(
      '| a | b | c | d | e |\n|---|---|---|---|---|\n| one | two | three | four | five |',
      12,
    );
    assertFits(many, 12, 'table');
    assert.deepEqual(text(many), ['a: one', 'b: two', 'c: three', 'd: four', 'e: five']);
  });

  test('a block quote is set off by a bar on every line', () => {
    const lines = renderMarkdown('> gRPC is a high performance, open-source universal RPC framework.', 30);
    assert.ok(lines.length > 1);
    for (const row of text(lines)) assert.ok(row.startsWith('│ '), row);
  });

  test(`Chinese text ("${CJK}") takes two columns a character: no line is wider than the pane`, () => {
    const source = [
      `# ${CJK}`,
      '',
      `${CJK}：一次调用，多个回复。${CJK}，${CJK}。`,
      '',
      `- ${CJK} ${CJK}`,
      `  - ${CJK}`,
      '',
      `> ${CJK} ${CJK}`,
      '',
      '| 名称 | 说明 |',
      '|---|---|',
      `| ${CJK} | ${CJK} ${CJK} |`,
      '',
      'Emoji 👍 and 🚀 are two columns too 👍👍👍👍👍👍👍👍👍👍.',
    ].join('\n');
    for (const width of [10, 13, 20, 36, 56]) {
      const lines = renderMarkdown(source, width);
      assertFits(lines, width, 'CJK text');
      const shown = characters(text(lines)).replace(/[:]/g, '');
      for (const expected of ['服务端流式与客户端流式：一次调用，多个回复。', '👍👍👍👍👍👍👍👍👍👍']) {
        assert.ok(shown.includes(expected), `at ${width} "${expected}" is not shown whole:\n${text(lines).join('\n')}`);
      }
    }
  });

  test('a line break in the source between Chinese characters joins them without a space; between words it is a space', () => {
    const lines = text(renderMarkdown('远程过程调用\n让一个程序，\n可以调用 gRPC\nservers.', 80));
    assert.deepEqual(lines, ['远程过程调用让一个程序，可以调用 gRPC servers.']);
  });

  test('Chinese quotes stay with what they quote: a closing quote never starts a line, an opening one never ends a line', () => {
    const source = "proto3 分不清“缺失”和“为空”：名字以 `''` 到达。";
    assert.deepEqual(text(renderMarkdown(source, 26)), ['proto3 分不清“缺失”和“为', "空”：名字以 '' 到达。"]);
    assert.deepEqual(text(renderMarkdown(source, 22)), ['proto3 分不清“缺失”和', "“为空”：名字以 '' 到", '达。']);
    assert.deepEqual(lineBreakFaults(source, range(10, 40)), []);
  });

  test('a path too long for the line before Chinese punctuation is cut after its last "/": the punctuation never starts a line alone', () => {
    const source = '（调用 `npx tsx lessons/04-bidi-streaming/server.ts`）：动手试试';
    const lines = renderMarkdown(source, 36);
    assert.deepEqual(text(lines), ['（调用 npx tsx', 'lessons/04-bidi-streaming/', 'server.ts）：动手试试']);
    assert.equal(segmentOf(lines, 'server.ts')?.color, 'yellow');
    assert.equal(segmentOf(lines, '）：')?.color, undefined);
    // A word with no "/" or other break takes a few of its characters down with the punctuation.
    assert.deepEqual(text(renderMarkdown('（`abcdefghijklmnopqr`）：', 20)), ['（abcdefghijklmn', 'opqr）：']);
    assert.deepEqual(lineBreakFaults(source, range(10, 60)), []);
  });

  test("every Chinese lesson text at the text pane's width for 80, 100 and 120 columns: no line starts with punctuation that may not start one or ends with one that may not end one, nothing is lost, every line fits", () => {
    const dir = fileURLToPath(new URL('../lessons/', import.meta.url));
    const files = readdirSync(dir)
      .map((name) => join(dir, name, 'README.zh-CN.md'))
      .filter((path) => existsSync(path));
    assert.ok(files.length >= 21);
    const widths = [textColumns(80, 24), textColumns(100, 30), textColumns(120, 40)];
    const faults: string[] = [];
    for (const path of files) {
      // Block by block, as the pane lays them out; code blocks keep their own lines and are left out.
      const prose = readFileSync(path, 'utf8').replace(/^ *```[^\n]*\n[\s\S]*?^ *```$/gm, '');
      for (const block of new Lexer({ gfm: true }).lex(prose).filter((token) => token.type !== 'space'))
        faults.push(...lineBreakFaults(block.raw, widths).map((fault) => `${path.slice(dir.length)} ${fault}`));
    }
    assert.deepEqual(faults, []);
  });

  test('every lesson text, English and Chinese, fits its pane at 80 and 120 columns', () => {
    const dir = fileURLToPath(new URL('../lessons/', import.meta.url));
    const files = readdirSync(dir)
      .flatMap((name) => [join(dir, name, 'README.md'), join(dir, name, 'README.zh-CN.md')])
      .filter((path) => existsSync(path));
    assert.ok(files.filter((path) => path.endsWith('README.zh-CN.md')).length >= 21);
    for (const path of files) {
      for (const width of [textColumns(80, 24), textColumns(120, 40)]) {
        const lines = renderMarkdown(readFileSync(path, 'utf8'), width);
        assertFits(lines, width, path);
        assert.ok(lines.length > 10);
      }
    }
  });
});

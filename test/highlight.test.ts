// TypeScript highlighting from highlight.js's grammar, as styled lines.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { highlightTypeScript, isCommentLine } from '../src/ui/highlight.js';
import { lineText } from '../src/ui/styled.js';

const LESSONS_DIR = fileURLToPath(new URL('../lessons/', import.meta.url));

describe('TypeScript highlighting', () => {
  test('keywords, strings, numbers, types and comments get their own colours', () => {
    const [line] = highlightTypeScript("const name: string = 'Ada'; // who\n");
    const colorOf = (text: string) => line.find((segment) => segment.text.includes(text))?.color;
    assert.equal(colorOf('const'), 'magenta');
    assert.equal(colorOf("'Ada'"), 'green');
    assert.equal(colorOf('// who'), 'gray');
    assert.equal(highlightTypeScript('let n = 42;')[0].find((segment) => segment.text === '42')?.color, 'yellow');
    assert.equal(
      highlightTypeScript('new Promise<void>(() => {});')[0].find((segment) => segment.text === 'Promise')?.color,
      'cyan',
    );
  });

  test('a block comment and a template literal spanning lines keep their style on every line', () => {
    const lines = highlightTypeScript('/**\n * A doc comment\n */\nconst s = `one\ntwo`;\n');
    assert.equal(lines.length, 5);
    assert.ok(isCommentLine(lines[0]) && isCommentLine(lines[1]) && isCommentLine(lines[2]));
    assert.ok(!isCommentLine(lines[3]));
    assert.equal(lines[4].find((segment) => segment.text.includes('two'))?.color, 'green');
  });

  test('the text of every line is the source, character for character', () => {
    const files = readdirSync(LESSONS_DIR)
      .flatMap((name) => ['server.ts', 'client.ts'].map((file) => join(LESSONS_DIR, name, file)))
      .filter((path) => existsSync(path));
    assert.ok(files.length >= 8);
    for (const path of files) {
      const source = readFileSync(path, 'utf8');
      assert.deepEqual(highlightTypeScript(source).map(lineText), source.replace(/\n$/, '').split('\n'));
    }
  });
});

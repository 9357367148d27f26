// Names as typed in the prompt and as sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatNames, parseNames, withoutControlCharacters } from '../src/ui/names.js';

test('names are comma-separated; "" is an empty name; an empty line is the lesson\'s own', () => {
  assert.deepEqual(parseNames('Ada, Grace ,Linus'), ['Ada', 'Grace', 'Linus']);
  assert.deepEqual(parseNames('""'), ['']);
  assert.deepEqual(parseNames("Ada, ''"), ['Ada', '']);
  assert.deepEqual(parseNames('Ada,, ,'), ['Ada']);
  assert.equal(parseNames(''), undefined);
  assert.equal(parseNames('  , '), undefined);
  assert.equal(formatNames(['Ada', '']), 'Ada, ""');
  assert.deepEqual(parseNames(formatNames(['', 'Bob'])), ['', 'Bob']);
  // As a Chinese keyboard types them: full-width commas, and curly quotes for an empty name.
  assert.deepEqual(parseNames('张三，李四, Ada，“”'), ['张三', '李四', 'Ada', '']);
});

test('control characters never reach a name', () => {
  assert.equal(withoutControlCharacters('A\x7fd\ba\x00\x1b\u0085\u009b!'), 'Ada!');
  assert.deepEqual(parseNames('Eve\x7f\x7f, Bob\x08'), ['Eve', 'Bob']);
  assert.equal(withoutControlCharacters('Zoë 李'), 'Zoë 李');
});

// A pane's title row: one row, whatever the width; the legend gives way, the position does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitTitleRow, truncate } from '../src/ui/title-row.js';

const joined = (row: ReturnType<typeof fitTitleRow>) => row.title + row.gap + row.indicator;

test('a title that fits is padded so the indicator sits at the right edge', () => {
  const row = fitTitleRow('Client output', '2-5/5 follow', 30);
  assert.equal(joined(row), 'Client output     2-5/5 follow');
});

test('a long title is cut with an ellipsis; the indicator is kept whole', () => {
  const title = 'Timeline · ──▶ client to server  ◀── server to client';
  for (const width of [20, 36, 54]) {
    const row = fitTitleRow(title, '23-30/30 follow', width);
    assert.equal([...joined(row)].length, width, `width ${width}`);
    assert.ok(row.title.endsWith('…'), row.title);
    assert.equal(row.indicator, '23-30/30 follow');
    assert.ok(row.gap.length >= 1, 'a space between title and indicator');
  }
});

test('an indicator wider than the row is cut too, and nothing is ever wider than the row', () => {
  for (let width = 0; width < 40; width++) {
    const row = fitTitleRow('Source: server.ts (c: client.ts)', '100-120/2000 follow', width);
    assert.ok([...joined(row)].length <= width, `width ${width}: "${joined(row)}"`);
  }
  assert.equal(truncate('abcdef', 4), 'abc…');
  assert.equal(truncate('abc', 4), 'abc');
});

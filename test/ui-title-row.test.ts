// A pane's title row: one row, whatever the width; the legend gives way, the position does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitTitleRow, truncate } from '../src/ui/title-row.js';
import { clipLine, columns, lineColumns } from '../src/ui/width.js';

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

test('a Chinese title is measured in columns, two a character, and never cut through a character', () => {
  const title = '时间线 · 最近 2000 条，共 2400 条 · ──▶ 客户端到服务端  ◀── 服务端到客户端';
  for (let width = 0; width < 60; width++) {
    const row = fitTitleRow(title, '23-30/30 follow', width);
    const shown = columns(joined(row));
    assert.ok(shown <= width, `width ${width}: "${joined(row)}" takes ${shown} columns`);
    // As wide as the row whenever the indicator fits: a cut before a wide character leaves one column of gap.
    if (width >= 17) assert.ok(shown >= width - 1, `width ${width}: "${joined(row)}" takes only ${shown}`);
  }
  assert.equal(truncate('服务端输出', 6), '服务…');
  assert.equal(truncate('服务端输出', 5), '服务…');
  assert.equal(truncate('服务端输出', 10), '服务端输出');
});

test('a styled line with Chinese in it is clipped to its width in columns, with its styles kept', () => {
  const line = [
    { text: '01 你好', bold: true },
    { text: ' · 服务端 ', dim: true },
    { text: '正在监听', color: 'green' },
  ];
  for (let width = 1; width < 30; width++) {
    const clipped = clipLine(line, width);
    assert.ok(lineColumns(clipped) <= width, `width ${width}: ${JSON.stringify(clipped)}`);
    assert.ok(lineColumns(clipped) >= Math.min(width - 2, lineColumns(line)), `width ${width}: cut too short`);
  }
  assert.deepEqual(clipLine(line, 12), [
    { text: '01 你好', bold: true },
    { text: ' · ', dim: true },
    { text: '…', dim: true },
  ]);
  assert.equal(clipLine(line, 40), line);
});

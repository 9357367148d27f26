// The wire view in Simplified Chinese: the same bytes, values and headers as
// the English view, with Chinese words around them; every line it wraps fits
// the view's width (76 columns at 80, 116 at 120), counted as the terminal
// counts them (a CJK character is two), and a sentence runs on to the end of
// the line rather than break early on a wide terminal; and its columns (the
// field table, a certificate's fields, the bytes TLS added) still line up when
// their titles and labels are Chinese.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createElement } from 'react';
import { cleanup, render } from 'ink-testing-library';
import type { Server } from '@grpc/grpc-js';
import type { HeaderPair, WireEvent } from '../src/instrument/events.js';
import { protoRoot } from '../src/instrument/wire-format.js';
import { CATALOGS, type Catalog } from '../src/i18n/catalog.js';
import { UiStore, type TimelineRow } from '../src/ui/store.js';
import { lineText, type StyledLine } from '../src/ui/styled.js';
import { columns, lineColumns } from '../src/ui/width.js';
import { wireLines } from '../src/ui/wire-lines.js';
import { contentColumns, wireRect } from '../src/ui/layout.js';
import { LessonView } from '../src/ui/LessonView.js';
import { transportText } from '../src/runner/format.js';
import { listen } from '../src/runtime/serve.js';
import {
  clientFilesDir,
  createServer,
  issueCertificates,
  serverCredentials,
  writeClientFiles,
} from '../lessons/15-tls-and-auth/server.js';
import { lesson, startLessonServer, tappedRun, waitFor, type RunningServer } from './helpers.js';

const BOUND = { timeout: 60_000 };
const en = CATALOGS.en;
const zh = CATALOGS['zh-CN'];
const HELLO = '/rpc_package.HelloWorldService/SayHello';
/** The width the wire view wraps to: an 80-column terminal, inside the view's border. */
const VIEW_COLUMNS = 76;
/** The wire view's content width at 120 columns. */
const WIDE_COLUMNS = contentColumns(wireRect(120, 40));

const lines = (row: TimelineRow, words: Catalog, width?: number) => wireLines(row, words, width).map(lineText);
/** The view as one text without spaces: a sentence reads the same wherever it wrapped. */
const flat = (row: TimelineRow, words: Catalog) => lines(row, words).join('').replace(/\s+/g, '');
const has = (row: TimelineRow, phrase: string) => {
  const text = flat(row, zh);
  assert.ok(text.includes(phrase.replace(/\s+/g, '')), `no "${phrase}" in:\n${lines(row, zh).join('\n')}`);
};
const CJK = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/;

/** Every line with Chinese in it (every line the view wraps, and the table's titles) fits the view. */
function assertFits(row: TimelineRow, width = VIEW_COLUMNS): void {
  const view = lines(row, zh, width);
  assert.ok(
    view.some((line) => CJK.test(line)),
    'the view speaks Chinese',
  );
  for (const line of view)
    if (CJK.test(line)) assert.ok(columns(line) <= width, `${columns(line)} columns at ${width}: ${line}`);
}

/**
 * The view at 80 and at 120 columns: every Chinese line fits the view's width
 * at each, and at 120 `phrase` (part of a long sentence) is on one line wider
 * than the view at 80, so the prose uses the width it has. Wherever it wrapped,
 * it says the same; the English view keeps its lines whatever the width.
 */
function assertUsesWidth(row: TimelineRow, phrase: string): void {
  assert.deepEqual([VIEW_COLUMNS, WIDE_COLUMNS], [76, 116]);
  for (const width of [VIEW_COLUMNS, WIDE_COLUMNS]) assertFits(row, width);
  const wide = lines(row, zh, WIDE_COLUMNS);
  const line = wide.find((candidate) => candidate.includes(phrase));
  assert.ok(line, `"${phrase}" on one line at ${WIDE_COLUMNS} columns:\n${wide.join('\n')}`);
  assert.ok(columns(line) > VIEW_COLUMNS, `${columns(line)} columns at ${WIDE_COLUMNS}: ${line}`);
  const text = (width: number) => lines(row, zh, width).join('').replace(/\s+/g, '');
  assert.equal(text(WIDE_COLUMNS), text(VIEW_COLUMNS));
  assert.deepEqual(lines(row, en, WIDE_COLUMNS), lines(row, en));
}

/** The lines after the one `title` starts, up to the next blank line. */
function block(view: string[], title: string): string[] {
  const start = view.findIndex((line) => line.startsWith(title));
  assert.ok(start >= 0, `no line starting "${title}" in:\n${view.join('\n')}`);
  const end = view.indexOf('', start);
  return view.slice(start + 1, end < 0 ? undefined : end);
}

/** Where each segment of a line starts, in columns. */
function segmentStarts(line: StyledLine): number[] {
  const starts: number[] = [];
  let at = 0;
  for (const segment of line) {
    starts.push(at);
    at += columns(segment.text);
  }
  return starts;
}

function rowsOf(ref: string, events: WireEvent[]): TimelineRow[] {
  const store = new UiStore({ frameMs: 0 });
  try {
    store.openLesson(lesson(ref));
    store.apply({ type: 'wire', run: 1, events });
    return store.state.timeline.slice(0) as TimelineRow[];
  } finally {
    store.dispose();
  }
}

const find = (rows: TimelineRow[], match: (event: WireEvent) => boolean) => {
  const row = rows.find((candidate) => match(candidate.event));
  assert.ok(row, 'the row is on the timeline');
  return row;
};

describe('lesson 01 over loopback, in Chinese', () => {
  let server: RunningServer;
  let events: WireEvent[];
  let rows: TimelineRow[];
  before(async () => {
    server = await startLessonServer('1');
    events = await tappedRun('1', server.port, ['Ada']);
    rows = rowsOf('1', events);
  });
  after(() => server.stop());

  const request = () =>
    find(rows, (event) => event.type === 'message' && event.direction === 'client->server' && event.call === 1);

  test('a message row: Chinese words around the same prefix, fields and bytes as the English view', BOUND, () => {
    const row = request();
    has(row, '客户端 ──▶ 服务端');
    has(row, 'protobuf 5 B + 5 B gRPC 前缀 = 线路上 10 B');
    has(row, '同样内容用 JSON 是 14 B（2.8 倍）');
    has(row, '明文 h2c（没有 TLS）：路径上的任何人都能读到这些字节。这些字节正是以这个样子经过 TCP 连接的。');
    has(row, 'gRPC 前缀  00 00 00 00 05');
    has(row, '压缩标志 0（未压缩），后 4 个字节是长度 5（大端序）');
    const english = lines(row, en);
    const chinese = lines(row, zh);
    // The field table's rows and the bytes, line for line as in English.
    assert.deepEqual(block(chinese, '偏移'), block(english, 'offset'));
    assert.match(block(chinese, '偏移')[0], /^0 +0a 03 41 64 61 +1 name +2 LEN +"Ada" {2}string$/);
    assert.deepEqual(block(chinese, '全部字节'), block(english, 'all bytes'));
    assert.doesNotMatch(
      chinese.join('\n'),
      /client ──▶|on the wire|gRPC prefix|compressed flag|the same as JSON|all bytes|crossed the TCP/,
    );
    assertFits(row);
    // A row without a wire view says how to pick one.
    assert.deepEqual(wireLines(undefined, zh).map(lineText), [
      '在时间线中用 ↑/↓ 选中一条消息、一行头部或一行连接，然后按 w。',
    ]);
  });

  test("the field table's titles start where its columns do, in columns, and a field without a name keeps them", () => {
    // The request as the reply type would read it, with field 15 that no one declared (as lesson 14 shows).
    const event: WireEvent = {
      type: 'message',
      call: 1,
      ms: 1,
      direction: 'server->client',
      size: 7,
      wireSize: 12,
      compressed: false,
      bytes: Buffer.from('0a034164617801', 'hex').toString('base64'),
    };
    const view = wireLines({ run: 1, event, method: HELLO }, zh);
    const title = view.findIndex((line) => lineText(line).startsWith('偏移'));
    const header = lineText(view[title]);
    const { column } = zh.wire;
    const titleStarts = [column.offset, column.bytes, column.field, column.wireType, column.value].map((name) =>
      columns(header.slice(0, header.indexOf(name))),
    );
    const fields = view.slice(title + 1, view.indexOf(view.find((line, index) => index > title && !line.length)!));
    assert.equal(fields.length, 2);
    assert.match(lineText(fields[1]), /^5 +78 01 +15 （未知字段） +0 VARINT +1 {2}\?$/);
    for (const field of fields) assert.deepEqual(segmentStarts(field).slice(0, 5), titleStarts, lineText(field));
  });

  test('a headers row and a trailers row: Chinese titles over the same names and values', BOUND, () => {
    const headers = find(rows, (event) => event.type === 'headers' && event.kind === 'request');
    has(headers, '请求头：开启这次调用的 HTTP/2 HEADERS 帧');
    has(headers, '以“:”开头的名字是 HTTP/2 伪头部；grpc-* 开头的名字属于 gRPC；其余的都是元数据。');
    has(headers, '这些头部（经 HPACK 压缩，装在一个 HEADERS 帧里）正是以这个样子经过 TCP 连接的。');
    const trailers = find(rows, (event) => event.type === 'headers' && event.kind === 'trailers');
    has(trailers, '尾部元数据（trailers）：结束这次调用的 HEADERS 帧，带着调用的状态');
    for (const row of [headers, trailers]) {
      const english = lines(row, en);
      const chinese = lines(row, zh);
      // After the blank line that ends the prose: each header, name then value, as in English.
      assert.deepEqual(chinese.slice(chinese.indexOf('') + 1), english.slice(english.indexOf('') + 1));
      assertFits(row);
    }
    assert.ok(
      lines(headers, zh).some((line) => /^:path +\/rpc_package\.HelloWorldService\/SayHello$/.test(line)),
      lines(headers, zh).join('\n'),
    );
    assert.ok(
      lines(trailers, zh).some((line) => /^grpc-status +0$/.test(line)),
      lines(trailers, zh).join('\n'),
    );
  });

  test('a plaintext connection row: where it goes, and what plaintext means, in Chinese', BOUND, () => {
    const row = find(rows, (event) => event.type === 'transport');
    const { ms } = row.event as Extract<WireEvent, { type: 'transport' }>;
    const view = lines(row, zh);
    assert.equal(view[0], `连接 1  对端 127.0.0.1:${server.port}  在调用 1 开始后 +${ms.toFixed(1)} ms 首次使用`);
    has(row, '明文 h2c（没有 TLS）：路径上的任何人都能读到这些字节');
    has(
      row,
      'HTTP/2 直接跑在 TCP 上：头部、消息以及其中的任何令牌，都以线路视图显示的样子经过网络。第 15 课会加上 TLS。',
    );
    assertFits(row);
  });

  test("at 80 and 120 columns the prose fills the view's width and never passes it", BOUND, () => {
    const headers = find(rows, (event) => event.type === 'headers' && event.kind === 'request');
    // 79 columns: two lines at 80, one at 120.
    assertUsesWidth(headers, zh.wire.headerNames);
    const request = find(
      rows,
      (event) => event.type === 'message' && event.direction === 'client->server' && event.call === 1,
    );
    assertUsesWidth(request, '这些字节正是以这个样子经过 TCP 连接的。');
    assertUsesWidth(
      find(rows, (event) => event.type === 'transport'),
      zh.wire.plaintextConnection,
    );
  });

  test('the wire view on screen wraps its Chinese to the terminal, at 120 columns and again at 80', BOUND, async () => {
    const store = new UiStore({ frameMs: 0 });
    store.state.size = { columns: 120, rows: 40 };
    store.state.language = 'zh-CN';
    store.openLesson(lesson('1'));
    store.apply({ type: 'wire', run: 1, events });
    const selected = store.state.timeline
      .slice(0)
      .findIndex(({ event }) => event.type === 'headers' && event.kind === 'request');
    store.update((state) => {
      state.selected = selected;
      state.wireView = true;
    });
    const app = render(createElement(LessonView, { store }));
    try {
      // What the view shows inside its border (and its title row), line by line.
      const content = () =>
        (app.lastFrame() ?? '')
          .split('\n')
          .filter((line) => line.startsWith('│'))
          .map((line) => line.replace(/^│ /, '').replace(/ ?│$/, '').trimEnd());
      const wide = await waitFor(
        () => (content().includes(zh.wire.headerNames) ? content() : undefined),
        'the whole sentence on one line at 120 columns',
      );
      assert.ok(wide.every((line) => columns(line) <= WIDE_COLUMNS));

      store.update((state) => (state.size = { columns: 80, rows: 24 }));
      app.rerender(createElement(LessonView, { store }));
      const narrow = await waitFor(
        () => (columns(app.lastFrame()?.split('\n')[0] ?? '') === 80 ? content() : undefined),
        'the view redrawn at 80 columns',
      );
      for (const line of narrow) assert.ok(columns(line) <= VIEW_COLUMNS, `${columns(line)} columns: ${line}`);
      // Wrapped, not cut at the border: the sentence reads whole across its lines.
      assert.ok(
        narrow.join('').replace(/\s+/g, '').includes(zh.wire.headerNames.replace(/\s+/g, '')),
        narrow.join('\n'),
      );
    } finally {
      app.unmount();
      cleanup();
      store.dispose();
    }
  });
});

test('a trailers row with google.rpc.Status details: the same details under Chinese headings', () => {
  const statusType = protoRoot().lookupType('google.rpc.Status');
  const retryInfo = protoRoot().lookupType('google.rpc.RetryInfo');
  const status = statusType.encode(
    statusType.fromObject({
      code: 8,
      message: 'slow down',
      details: [
        {
          type_url: 'type.googleapis.com/google.rpc.RetryInfo',
          value: retryInfo.encode(retryInfo.fromObject({ retry_delay: { seconds: 1, nanos: 500_000_000 } })).finish(),
        },
      ],
    }),
  );
  const headers: HeaderPair[] = [
    ['grpc-status', '8'],
    ['grpc-status-details-bin', Buffer.from(status.finish()).toString('base64')],
  ];
  const row: TimelineRow = {
    run: 1,
    method: HELLO,
    event: { type: 'headers', call: 1, ms: 2, direction: 'server->client', kind: 'trailers', headers },
  };
  has(row, '尾部元数据（trailers）');
  const english = lines(row, en);
  const chinese = lines(row, zh);
  const details = block(chinese, 'grpc-status-details-bin，解码为 google.rpc.Status');
  assert.equal(details[0], '  code 8  message "slow down"');
  assert.match(details[1], /^ {2}RetryInfo {2}/);
  assert.equal(details[2], '    {"retry_delay":{"seconds":"1","nanos":500000000}}');
  assert.deepEqual(
    block(chinese, 'grpc-status-details-bin，解码为'),
    block(english, 'grpc-status-details-bin, decoded'),
  );
  // Bytes that are not a Status say so, in Chinese.
  const broken: TimelineRow = {
    ...row,
    event: { ...row.event, headers: [['grpc-status-details-bin', 'Dw==']] } as WireEvent,
  };
  assert.equal(lines(broken, zh).at(-1), 'grpc-status-details-bin 无法解码为 google.rpc.Status');
  assertFits(row);
});

describe('lesson 15 over loopback (TLS), in Chinese', () => {
  let server: Server;
  let port: number;
  let rows: TimelineRow[];
  before(async () => {
    const certificates = await issueCertificates();
    server = createServer();
    port = await listen(server, '127.0.0.1', 0, serverCredentials(certificates));
    writeClientFiles(clientFilesDir(port), certificates);
    rows = rowsOf('15', await tappedRun('15', port, ['Ada']));
  });
  after(() => {
    server.forceShutdown();
    rmSync(clientFilesDir(port), { recursive: true, force: true });
  });

  test("a TLS connection row: Chinese labels, in a column as wide as English's, before the same values", BOUND, () => {
    const row = find(rows, (event) => event.type === 'transport' && event.call === 1);
    has(row, '服务端出示的证书');
    has(row, '客户端自己的证书（mTLS）');
    has(row, '只有服务端要求时，TLS 才会发送它；服务端窗格会说明服务端有没有收到。');
    // A certificate's or the handshake's field: a label, then its value.
    const fields = (words: Catalog) =>
      wireLines(row, words).filter((line) => line.length === 2 && line[0].color === 'cyan');
    const chinese = fields(zh);
    assert.deepEqual(
      chinese.map((line) => line[1].text),
      fields(en).map((line) => line[1].text),
    );
    assert.deepEqual(
      chinese.slice(0, 4).map((line) => line[0].text.trim()),
      ['协议', '密码套件', 'ALPN', '主体'],
    );
    assert.ok(
      chinese.some((line) => /^(?:[0-9A-F]{2}:){15}[0-9A-F]{2}$/.test(line[1].text)),
      'the fingerprint',
    );
    for (const line of chinese) assert.equal(columns(line[0].text), 22, `"${line[0].text}" is 22 columns wide`);
    assertFits(row);
  });

  test('a message on TLS: what TLS did with its bytes, and the bytes TLS added in columns that line up', BOUND, () => {
    const request = find(
      rows,
      (event) => event.type === 'message' && event.call === 1 && event.direction === 'client->server',
    );
    has(request, 'TLS 1.3 TLS_AES_256_GCM_SHA384：这些字节是客户端在 TLS 加密之前写出的内容');
    has(request, '调用进行期间，在这个连接上测得：');
    const reply = find(
      rows,
      (event) => event.type === 'message' && event.call === 1 && event.direction === 'server->client',
    );
    has(reply, '这些字节是到达后由 TLS 解密得到的内容');
    for (const row of [request, reply]) {
      const measured = (words: Catalog) =>
        wireLines(row, words).filter((line) => [words.wire.sent, words.wire.received].includes(line[0]?.text.trim()));
      const chinese = measured(zh);
      const english = measured(en);
      assert.equal(chinese.length, 2);
      // The same counts as English, each column starting where the English one does.
      const counts = (line: StyledLine) => lineText(line).match(/\d[\d,]* B/g);
      assert.deepEqual(chinese.map(counts), english.map(counts));
      // The English view's columns: a label 11 wide, then the two counts right-aligned in 17 and 18.
      for (const line of chinese) assert.deepEqual(segmentStarts(line), [0, 11, 28, 46], lineText(line));
      assert.match(lineText(chinese[0]), /^ {2}发送 +HTTP\/2 [\d,]+ B +TCP 上 [\d,]+ B {2}TLS 多加了 [\d,]+ B$/);
      assert.ok(chinese.every((line) => lineColumns(line) <= VIEW_COLUMNS));
      assertFits(row);
    }
  });

  test("at 120 columns the handshake's line and what TLS did run to the view's width", BOUND, () => {
    const connection = find(rows, (event) => event.type === 'transport' && event.call === 1);
    // At 80 it broke after 签发者, before CN=lesson 15 CA.
    const handshake = transportText(connection.event as Extract<WireEvent, { type: 'transport' }>, zh);
    assertUsesWidth(connection, handshake.replace(/ +/g, ' '));
    const request = find(
      rows,
      (event) => event.type === 'message' && event.call === 1 && event.direction === 'client->server',
    );
    assertUsesWidth(request, 'TLS 给每条记录加上一个头部和一个认证标签，还会发送自己的消息（会话票据）；');
    assertUsesWidth(request, 'TLS 1.3 TLS_AES_256_GCM_SHA384：这些字节是客户端在 TLS 加密之前写出的内容；');
  });
});

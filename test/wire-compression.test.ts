// Compressed messages on the timeline: each row's size on the wire and its
// compressed flag are the ones a plain node:http2 proxy read off the DATA
// bytes, and its content is the message inflated, both ways (a grpc-js client
// compresses what it sends; a Python grpcio server, what it answers). Then
// what the rows, the wire view and the transcript make of them and of `bytes`
// fields, and what lesson 12's text quotes of them. Previews first: a `bytes`
// field as its length and first bytes, a big message in the time a small one
// takes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http2 from 'node:http2';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, inflateSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { loadDefinition, PROTO_DIR } from '../src/proto.js';
import type { MessageEvent, WireEvent } from '../src/instrument/events.js';
import { installWireTap, prefixReader } from '../src/instrument/wiretap.js';
import { messagePreview, previewText, decodePreview } from '../src/instrument/decode.js';
import { hexOf, messageTypeOf } from '../src/instrument/wire-format.js';
import { formatWireEvent } from '../src/runner/format.js';
import { runTranscript } from '../src/runner/transcript.js';
import { timelineLine } from '../src/ui/timeline.js';
import { wireLines } from '../src/ui/wire-lines.js';
import { lineText } from '../src/ui/styled.js';
import type { ProtoGrpcType } from '../src/generated/files.js';
import type { FileServiceClient } from '../src/generated/rpc_package/FileService.js';
import { download, upload } from '../lessons/12-large-payloads/client.js';
import {
  PYTHON,
  ROOT,
  generatePythonCode,
  lesson,
  pythonGrpcMissing,
  skipWhenMissing,
  spawnProcess,
  startLessonServer,
  stopProcess,
  waitFor,
  type RunningServer,
  type Spawned,
} from './helpers.js';

const BOUND = { timeout: 30_000 };
const KiB = 1024;

const { rpc_package } = grpc.loadPackageDefinition(
  loadDefinition(`${PROTO_DIR}files.proto`),
) as unknown as ProtoGrpcType;
const fileClient = (port: number, options?: grpc.ChannelOptions): FileServiceClient =>
  new rpc_package.FileService(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), options);
const deadlineIn = (ms = 10_000): grpc.CallOptions => ({ deadline: Date.now() + ms });

/** Text in 64 KiB chunks, which gzip shrinks many times. */
function* textChunks(size: number): Generator<Buffer> {
  for (let offset = 0, line = 0; offset < size; offset += 64 * KiB) {
    let text = '';
    while (text.length < 64 * KiB) text += `compressed line ${++line}: Hello, Ada!\n`;
    yield Buffer.from(text).subarray(0, Math.min(64 * KiB, size - offset));
  }
}

function put(client: FileServiceClient, data: Buffer): Promise<unknown> {
  const sha256 = createHash('sha256').update(data).digest('hex');
  return new Promise((resolve, reject) =>
    client.Put({ name: 'small.bin', data, sha256 }, deadlineIn(), (error, summary) =>
      error ? reject(error) : resolve(summary),
    ),
  );
}

interface CapturedStream {
  path: string;
  toServer: Buffer[];
  toClient: Buffer[];
}

/**
 * An HTTP/2 proxy on node:http2 alone, which keeps every DATA byte of every
 * stream, each way: what crossed the wire, in an account that shares no code
 * with grpc-js or the tap.
 */
async function capturingProxy(upstreamPort: number) {
  const streams: CapturedStream[] = [];
  const upstream = http2.connect(`http://127.0.0.1:${upstreamPort}`);
  const proxy = http2.createServer();
  proxy.on('stream', (downstream, headers) => {
    const captured: CapturedStream = { path: String(headers[':path']), toServer: [], toClient: [] };
    streams.push(captured);
    const forwarded = { ...headers };
    for (const name of [':scheme', ':authority']) delete forwarded[name];
    const outgoing = upstream.request(forwarded);
    downstream.on('data', (chunk: Buffer) => {
      captured.toServer.push(chunk);
      outgoing.write(chunk);
    });
    downstream.on('end', () => outgoing.end());
    outgoing.on('response', (responseHeaders) => {
      const { ':status': status, ...rest } = responseHeaders;
      downstream.respond({ ':status': status, ...rest }, { waitForTrailers: true });
    });
    outgoing.on('data', (chunk: Buffer) => {
      captured.toClient.push(chunk);
      downstream.write(chunk);
    });
    let trailers: http2.IncomingHttpHeaders = {};
    outgoing.on('trailers', (received) => (trailers = received));
    downstream.on('wantTrailers', () => downstream.sendTrailers(trailers));
    outgoing.on('end', () => downstream.end());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    port: (proxy.address() as AddressInfo).port,
    streams,
    close: () => {
      upstream.close();
      proxy.close();
    },
  };
}

/** gRPC messages as the DATA bytes hold them: the compressed flag, and the payload behind the prefix. */
function deframe(parts: Buffer[]): { flag: number; payload: Buffer }[] {
  const body = Buffer.concat(parts);
  const messages: { flag: number; payload: Buffer }[] = [];
  for (let at = 0; at + 5 <= body.length;) {
    const length = body.readUInt32BE(at + 1);
    messages.push({ flag: body[at], payload: body.subarray(at + 5, at + 5 + length) });
    at += 5 + length;
  }
  return messages;
}

/** A payload as the receiver decodes it: inflated when its flag says so, with the call's grpc-encoding. */
function inflated(flag: number, payload: Buffer, encoding: string | undefined): Buffer {
  if (flag === 0) return payload;
  if (encoding === 'gzip') return gunzipSync(payload);
  if (encoding === 'deflate') return inflateSync(payload);
  throw new Error(`flag 1 with grpc-encoding ${encoding}`);
}

/** Every event the tap reports while `work` runs, as the lesson UI's client process sets it up (no previews asked for). */
async function tap(work: () => Promise<unknown>): Promise<WireEvent[]> {
  const events: WireEvent[] = [];
  const uninstall = installWireTap((event) => events.push(event), { preview: false });
  try {
    await work();
  } finally {
    uninstall();
  }
  return events;
}

/** The message events of each call, in call order, with its method. */
function callsIn(events: WireEvent[]): { method: string; messages: MessageEvent[] }[] {
  return events
    .filter((event) => event.type === 'call')
    .map((call) => ({
      method: call.method,
      messages: events.filter((event): event is MessageEvent => event.type === 'message' && event.call === call.call),
    }));
}

/**
 * Holds one direction of one call's rows against the capture: a row per
 * message, its wire size the prefix plus the payload, its flag the prefix's,
 * its decoded size and kept bytes those of the payload inflated.
 */
function assertRowsMatchCapture(
  rows: MessageEvent[],
  captured: Buffer[],
  encoding: string | undefined,
  what: string,
): { flag: number; payload: Buffer }[] {
  const frames = deframe(captured);
  assert.equal(rows.length, frames.length, `${what}: one row per message on the wire`);
  for (const [index, { flag, payload }] of frames.entries()) {
    const row = rows[index];
    const decoded = inflated(flag, payload, encoding);
    const where = `${what}, message ${index}`;
    assert.equal(row.wireSize, 5 + payload.length, `${where}: size on the wire`);
    assert.equal(row.compressed, flag === 1, `${where}: compressed flag`);
    assert.equal(row.size, decoded.length, `${where}: decoded size`);
    if (row.bytes !== undefined) assert.equal(row.bytes, decoded.toString('base64'), `${where}: decoded bytes`);
  }
  // The rows add up to every DATA byte of that direction.
  assert.equal(
    rows.reduce((sum, row) => sum + row.wireSize, 0),
    Buffer.concat(captured).length,
    `${what}: bytes in all`,
  );
  return frames;
}

/** Lesson 12's server, in this process; what its handlers print stays out of the test report. */
async function quietLessonServer(): Promise<RunningServer> {
  const server = await startLessonServer('12');
  const log = console.log;
  console.log = () => {};
  return {
    ...server,
    stop: async () => {
      console.log = log;
      await server.stop();
    },
  };
}

const text = (lines: ReturnType<typeof wireLines>) => lines.map(lineText).join('\n');
const row = (method: string, event: MessageEvent) => lineText(timelineLine({ run: 1, event, method }));

describe('previews of big messages', () => {
  test('bytes fields of any size: the length, up to three bytes, and ".." only when more follow', () => {
    assert.equal(
      previewText({ a: Buffer.from([]), b: Buffer.from([1, 2]), c: new Uint8Array([0xab, 0xcd, 0xef, 1]) }),
      '{"a":<0 B>,"b":<2 B: 01 02>,"c":<4 B: ab cd ef ..>}',
    );
    assert.equal(previewText({ data: Buffer.alloc(5 * 1024 * 1024) }), '{"data":<5.0 MiB: 00 00 00 ..>}');
  });

  test('a message of thousands of repeated fields previews as its whole would, from its first fields only', () => {
    const REPORT = '/rpc_package.ReportService/SendReport';
    const type = messageTypeOf(REPORT, 'client->server')!;
    const readings = Array.from({ length: 40_000 }, (_, index) => ({
      sensor_id: index,
      timestamp_ms: String(1_764_000_000_000 + index),
      value: index / 3,
      ok: true,
      unit: 'C',
    }));
    const bytes = type.encode(type.fromObject({ name: 'Ada', readings })).finish();
    const whole = previewText(type.toObject(type.decode(bytes), { longs: String, enums: String }));
    assert.equal(decodePreview(bytes, REPORT, 'client->server'), whole);
    assert.match(whole, /^\{"name":"Ada","readings":\[\{"sensor_id":0,.*…$/);
    // The shortest fields there are: empty strings, three characters each ("",).
    const BATCH = '/rpc_package.FlowControlService/LotsOfGreetingBatches';
    const batchType = messageTypeOf(BATCH, 'client->server')!;
    const batch = batchType.encode({ names: Array(1_000).fill('') }).finish();
    const wholeBatch = previewText(batchType.toObject(batchType.decode(batch)));
    assert.equal(decodePreview(batch, BATCH, 'client->server'), wholeBatch);
    assert.match(wholeBatch, /^\{"names":\["",("",)+"?…$/);
    // A bytes field is skipped by its length, whatever it holds (here, what reads as 100 varint fields).
    const PUT = '/rpc_package.FileService/Put';
    const chunkType = messageTypeOf(PUT, 'client->server')!;
    const chunk = chunkType.encode({ data: Buffer.from('0801'.repeat(100), 'hex'), sha256: 'ab' }).finish();
    assert.equal(decodePreview(chunk, PUT, 'client->server'), '{"data":<200 B: 08 01 08 ..>,"sha256":"ab"}');
  });
});

describe('reading prefixes off the stream', () => {
  test('the prefixes of a body read the same however its chunks are cut', () => {
    const body = Buffer.concat([
      Buffer.from([1, 0, 0, 0, 3, 9, 9, 9]),
      Buffer.from([0, 0, 0, 0, 0]),
      Buffer.from([0, 0, 0, 1, 2]),
      Buffer.alloc(258, 7),
      Buffer.from([1, 0, 0, 0, 1, 4]),
    ]);
    const expected = [
      { compressed: true, length: 3 },
      { compressed: false, length: 0 },
      { compressed: false, length: 258 },
      { compressed: true, length: 1 },
    ];
    for (let first = 0; first <= body.length; first++) {
      for (const second of [first, Math.min(body.length, first + 1), Math.min(body.length, first + 6)]) {
        const prefixes: { compressed: boolean; length: number }[] = [];
        const read = prefixReader((prefix) => prefixes.push(prefix));
        for (const part of [body.subarray(0, first), body.subarray(first, second), body.subarray(second)]) read(part);
        assert.deepEqual(prefixes, expected, `cut at ${first} and ${second}`);
      }
    }
  });
});

describe('compressed requests: the rows hold what a raw HTTP/2 capture saw', () => {
  let server: RunningServer;
  let proxy: Awaited<ReturnType<typeof capturingProxy>>;
  before(async () => {
    server = await quietLessonServer();
    proxy = await capturingProxy(server.port);
  });
  after(async () => {
    proxy.close();
    await server.stop();
  });

  for (const [encoding, algorithm] of [
    ['gzip', grpc.compressionAlgorithms.gzip],
    ['deflate', grpc.compressionAlgorithms.deflate],
  ] as const) {
    test(
      `a ${encoding} channel: each row's wire size and flag are the capture's, its content the message inflated`,
      BOUND,
      async () => {
        const from = proxy.streams.length;
        const client = fileClient(proxy.port, { 'grpc.default_compression_algorithm': algorithm });
        let events: WireEvent[];
        try {
          events = await tap(async () => {
            await upload(client, 'notes.txt', textChunks(256 * KiB));
            await put(client, Buffer.alloc(100, 'x'));
          });
        } finally {
          client.close();
        }
        const [uploadCall, putCall] = callsIn(events);
        const [uploadStream, putStream] = proxy.streams.slice(from);
        assert.equal(uploadStream.path, '/rpc_package.FileService/Upload');
        const sent = uploadCall.messages.filter((event) => event.direction === 'client->server');
        const frames = assertRowsMatchCapture(sent, uploadStream.toServer, encoding, `Upload ${encoding}`);
        assert.equal(frames.length, 5);
        assert.ok(
          frames.every((frame) => frame.flag === 1),
          'grpc-js compressed every message',
        );
        for (const chunk of sent) assert.equal(chunk.encoding, encoding);
        for (const chunk of sent.slice(0, 4)) {
          assert.ok(chunk.wireSize * 5 < chunk.size, `${chunk.wireSize} B on the wire for ${chunk.size} B`);
          // Too big to keep its bytes: the tap made its preview, from the message inflated.
          assert.equal(chunk.bytes, undefined);
          assert.match(
            messagePreview(chunk, uploadCall.method),
            /^\{"name":"(notes\.txt)?","offset":"\d+","data":<64\.0 KiB: 63 6f 6d \.\.>\}$/,
          );
        }
        // The checksum message is small enough to keep: its bytes are protobuf, which the UI decodes itself.
        const checksum = sent[4];
        assert.ok(checksum.bytes !== undefined);
        assert.match(
          messagePreview(checksum, uploadCall.method),
          /^\{"name":"","offset":"262144","sha256":"[0-9a-f]{40}/,
        );
        // The reply: a grpc-js server does not compress, and says identity.
        const replies = uploadCall.messages.filter((event) => event.direction === 'server->client');
        assertRowsMatchCapture(replies, uploadStream.toClient, 'identity', `Upload ${encoding} reply`);
        assert.deepEqual(
          replies.map((reply) => [reply.compressed, reply.encoding, reply.wireSize - reply.size]),
          [[false, 'identity', 5]],
        );
        assertRowsMatchCapture(putCall.messages.slice(0, 1), putStream.toServer, encoding, `Put ${encoding}`);
      },
    );
  }

  test(
    'a message written with NoCompress on a gzip call goes out with flag 0, and its row says so',
    BOUND,
    async () => {
      const from = proxy.streams.length;
      const client = fileClient(proxy.port, { 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip });
      let events: WireEvent[];
      try {
        events = await tap(
          () =>
            new Promise((resolve, reject) => {
              const call = client.Upload(deadlineIn(), (error, summary) => (error ? reject(error) : resolve(summary)));
              const [first, second] = [...textChunks(128 * KiB)];
              call.write({ name: 'mixed.txt', offset: 0, data: first });
              // grpc-js's WriteFlags.NoCompress: this one message goes as it is.
              call.write({ offset: first.length, data: second }, 2);
              const sha256 = createHash('sha256').update(first).update(second).digest('hex');
              call.write({ offset: first.length + second.length, sha256 });
              call.end();
            }),
        );
      } finally {
        client.close();
      }
      const [call] = callsIn(events);
      const [stream] = proxy.streams.slice(from);
      const sent = call.messages.filter((event) => event.direction === 'client->server');
      const frames = assertRowsMatchCapture(sent, stream.toServer, 'gzip', 'Upload with one NoCompress');
      assert.deepEqual(
        frames.map((frame) => frame.flag),
        [1, 0, 1],
      );
      assert.deepEqual(
        sent.map((event) => [event.compressed, event.encoding]),
        [
          [true, 'gzip'],
          [false, 'gzip'],
          [true, 'gzip'],
        ],
      );
      assert.match(formatWireEvent(sent[0], call.method), / B gzip \(64\.0 KiB\)  \{/);
      assert.match(formatWireEvent(sent[1], call.method), new RegExp(`client → server +${sent[1].wireSize} B  \\{`));
    },
  );

  test(
    'without compression: flag 0, wire size the message and its prefix, no grpc-encoding on the request',
    BOUND,
    async () => {
      const from = proxy.streams.length;
      const client = fileClient(proxy.port);
      let events: WireEvent[];
      try {
        events = await tap(() => upload(client, 'notes.txt', textChunks(128 * KiB)));
      } finally {
        client.close();
      }
      const [call] = callsIn(events);
      const [stream] = proxy.streams.slice(from);
      const sent = call.messages.filter((event) => event.direction === 'client->server');
      assertRowsMatchCapture(sent, stream.toServer, undefined, 'Upload');
      for (const chunk of sent) {
        assert.equal(chunk.compressed, false);
        assert.equal(chunk.encoding, undefined);
        assert.equal(chunk.wireSize, chunk.size + 5);
      }
    },
  );
});

const missing = pythonGrpcMissing();
if (missing) console.log(`# SKIPPING the compressed-reply tests: ${missing}`);

describe('compressed replies (a Python grpcio server that gzips them)', { skip: skipWhenMissing(missing) }, () => {
  let genDir = '';
  let python: Spawned;
  let proxy: Awaited<ReturnType<typeof capturingProxy>>;
  before(async () => {
    genDir = mkdtempSync(join(tmpdir(), 'files-py-'));
    generatePythonCode(genDir, [join(PROTO_DIR, 'files.proto')]);
    python = spawnProcess(PYTHON, [join(ROOT, 'test/python/lesson_12.py'), genDir, 'server']);
    const match = await waitFor(
      () => /listening on 127\.0\.0\.1:(\d+)/.exec(python.stdout()),
      'the Python server',
      20_000,
    );
    proxy = await capturingProxy(Number(match[1]));
  });
  after(async () => {
    proxy?.close();
    if (python) await stopProcess(python);
    rmSync(genDir, { recursive: true, force: true });
  });

  test(
    "each reply row: the capture's size and flag, gzip from the response headers, the content inflated",
    BOUND,
    async () => {
      const client = fileClient(proxy.port);
      let events: WireEvent[];
      try {
        events = await tap(async () =>
          assert.deepEqual(await download(client, 'py.txt', 256 * KiB), { size: 256 * KiB, chunks: 4, matches: true }),
        );
      } finally {
        client.close();
      }
      const [call] = callsIn(events);
      const [stream] = proxy.streams;
      assert.equal(stream.path, '/rpc_package.FileService/Download');
      const response = events.find((event) => event.type === 'headers' && event.kind === 'response');
      assert.ok(response?.type === 'headers');
      assert.deepEqual(
        response.headers.filter(([name]) => name === 'grpc-encoding'),
        [['grpc-encoding', 'gzip']],
      );
      const replies = call.messages.filter((event) => event.direction === 'server->client');
      const frames = assertRowsMatchCapture(replies, stream.toClient, 'gzip', 'Download from Python');
      assert.equal(frames.length, 5);
      assert.ok(
        frames.slice(0, 4).every((frame) => frame.flag === 1),
        'the server compressed its chunks',
      );
      for (const [index, reply] of replies.entries()) {
        assert.equal(reply.encoding, 'gzip');
        assert.equal(reply.compressed, frames[index].flag === 1);
      }
      for (const chunk of replies.slice(0, 4)) {
        assert.ok(chunk.wireSize * 5 < chunk.size, `${chunk.wireSize} B on the wire for ${chunk.size} B`);
        assert.match(messagePreview(chunk, call.method), /"data":<64\.0 KiB: 70 79 2e \.\.>\}$/);
        assert.match(row(call.method, chunk), /◀── +\d+ B gzip \(64\.0 KiB\)  \{/);
      }
    },
  );
});

describe('what the rows, the wire view and the transcript show', () => {
  let server: RunningServer;
  let proxy: Awaited<ReturnType<typeof capturingProxy>>;
  let events: WireEvent[] = [];
  const UPLOAD = '/rpc_package.FileService/Upload';
  const PUT = '/rpc_package.FileService/Put';
  before(async () => {
    server = await quietLessonServer();
    proxy = await capturingProxy(server.port);
    const gzip = fileClient(proxy.port, { 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip });
    const plain = fileClient(proxy.port);
    try {
      events = await tap(async () => {
        await upload(gzip, 'notes.txt', textChunks(128 * KiB));
        await put(plain, Buffer.alloc(100, 'x'));
      });
    } finally {
      gzip.close();
      plain.close();
    }
  });
  after(async () => {
    proxy.close();
    await server.stop();
  });

  test(
    'a compressed row: its size on the wire, the encoding and its size inflated; a plain row as before',
    BOUND,
    () => {
      const [uploadCall, putCall] = callsIn(events);
      const [chunk, , checksum] = uploadCall.messages;
      assert.match(
        formatWireEvent(chunk, UPLOAD),
        new RegExp(
          `^ +\\+\\d+\\.\\d ms  client → server +${chunk.wireSize} B gzip \\(64\\.0 KiB\\)  \\{"name":"notes\\.txt","offset":"0","data":<64\\.0 KiB: 63 6f 6d \\.\\.>\\}$`,
        ),
      );
      assert.match(row(UPLOAD, chunk), new RegExp(` ──▶ +${chunk.wireSize} B gzip \\(64\\.0 KiB\\)  \\{"name"`));
      assert.match(
        formatWireEvent(checksum, UPLOAD),
        new RegExp(`client → server +${checksum.wireSize} B gzip \\(72 B\\)  \\{"name":"","offset"`),
      );
      const [request] = putCall.messages;
      assert.equal(request.wireSize, request.size + 5);
      assert.match(
        formatWireEvent(request, PUT),
        new RegExp(`client → server +${request.wireSize} B  \\{"name":"small\\.bin"`),
      );
      assert.doesNotMatch(formatWireEvent(request, PUT), /gzip|identity/);
      assert.doesNotMatch(row(PUT, request), /gzip|identity/);
    },
  );

  test('the wire view of a compressed message: the prefix as sent, flag 1, then the fields inflated', BOUND, () => {
    const [uploadCall] = callsIn(events);
    const checksum = uploadCall.messages[2];
    const [captured] = proxy.streams;
    const frames = deframe(captured.toServer);
    const prefixOnWire = Buffer.concat(captured.toServer).subarray(
      frames.slice(0, 2).reduce((sum, frame) => sum + 5 + frame.payload.length, 0),
    );
    const view = text(wireLines({ run: 1, event: checksum, method: UPLOAD }));
    assert.ok(
      view.includes(`gRPC prefix  ${hexOf(prefixOnWire.subarray(0, 5))}   compressed flag 1 (compressed: gzip)`),
      view,
    );
    assert.ok(
      view.includes(
        `protobuf 72 B, gzip ${frames[2].payload.length} B + 5 B gRPC prefix = ${checksum.wireSize} B on the wire`,
      ),
      view,
    );
    assert.match(view, new RegExp(`are gzip-compressed; the receiver inflates them to the 72 bytes of protobuf below`));
    const hash = rpc_package.FileService.service.Upload.requestDeserialize(gunzipSync(frames[2].payload)).sha256;
    assert.match(view, new RegExp(`4 sha256 +2 LEN +"${hash}"`));
    assert.match(view, /all bytes, inflated \(gzip\)/);

    // Too big to keep: the prefix still, and the content from the preview.
    const chunk = uploadCall.messages[0];
    const big = text(wireLines({ run: 1, event: chunk, method: UPLOAD }));
    const length = chunk.wireSize - 5;
    const lengthHex = hexOf(Buffer.from([1, length >>> 24, (length >>> 16) & 255, (length >>> 8) & 255, length & 255]));
    assert.ok(big.includes(`gRPC prefix  ${lengthHex}   compressed flag 1`), big);
    assert.match(big, /content  \{"name":"notes\.txt","offset":"0","data":<64\.0 KiB: 63 6f 6d \.\.>\}/);
  });

  test('a bytes field reads as its length and first bytes in the row, the transcript and the wire view', BOUND, () => {
    const [, putCall] = callsIn(events);
    const [request] = putCall.messages;
    const summary = '"data":<100 B: 78 78 78 ..>';
    assert.ok(formatWireEvent(request, PUT).includes(summary), formatWireEvent(request, PUT));
    assert.ok(row(PUT, request).includes(summary), row(PUT, request));
    const view = text(wireLines({ run: 1, event: request, method: PUT }));
    assert.match(view, /3 data +2 LEN +<100 B: 78 78 78 \.\.>  bytes/);
    assert.doesNotMatch(
      [formatWireEvent(request, PUT), row(PUT, request), view].join('\n'),
      /"type":"Buffer"|\[120,120/,
    );
  });
});

describe("lesson 12's transcript, through its client process", () => {
  test('the gzip upload shows each chunk as sent, gzip, and its size inflated, with its fields', BOUND, async () => {
    const lines: string[] = [];
    assert.equal(await runTranscript(lesson('12'), undefined, (line) => lines.push(line)), 0);
    const calls = lines.join('\n').split(/\n {2}call \d+: /);
    const zipped = calls.at(-1)!;
    assert.match(zipped, /^\/rpc_package\.FileService\/Upload/);
    const rows = zipped.split('\n').filter((line) => line.includes('client → server ') && !line.includes('headers'));
    assert.equal(rows.length, 17);
    for (const [index, line] of rows.slice(0, 16).entries()) {
      const name = index === 0 ? '"name":"notes\\.txt",' : '"name":"",';
      assert.match(
        line,
        new RegExp(
          `client → server +\\d{4} B gzip \\(64\\.0 KiB\\)  \\{${name}"offset":"${index * 64 * KiB}","data":<64\\.0 KiB: 6e 6f 74 \\.\\.>\\}$`,
        ),
      );
    }
    assert.match(rows[16], /client → server +\d\d B gzip \(72 B\)  \{"name":"","offset":"1048576","sha256":"/);
    // What the lesson text quotes of these rows is what they show.
    const readme = readFileSync(join(ROOT, 'lessons/12-large-payloads/README.md'), 'utf8').replace(/\s+/g, ' ');
    const quoted = [...readme.matchAll(/`(\d+ B gzip \([^)]+\))`/g)].map((match) => match[1]);
    assert.deepEqual(quoted, ['3017 B gzip (64.0 KiB)', '88 B gzip (72 B)']);
    assert.ok(rows[0].includes(`  ${quoted[0]}  `), rows[0]);
    assert.ok(rows[16].includes(`  ${quoted[1]}  `), rows[16]);
    assert.ok(readme.includes('the prefix is `01 00 00 00 53`'));
    assert.ok(readme.includes('`{"name":"","offset":"65536","data":<64.0 KiB: 6e 6f 74 ..>}`'));
    assert.ok(calls[2].includes('  {"name":"","offset":"65536","data":<64.0 KiB: 6e 6f 74 ..>}\n'));
    // The first Upload, without gzip: the same chunks, as they are.
    assert.match(
      calls[2],
      /client → server +65558 B  \{"name":"notes\.txt","offset":"0","data":<64\.0 KiB: 6e 6f 74 \.\.>\}/,
    );
  });
});

// Lesson 12: large payloads, judged where the work is done. The server's
// handlers are watched from outside (startObservedLessonServer): whether a
// call reached them, what they wrote and when they waited. The bytes on the
// wire are counted by plain node:http2 peers that parse gRPC's framing
// themselves, so gzip is measured by the side that receives it, not by
// grpc-js's word for it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import http2 from 'node:http2';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { countingProxy } from '../src/compare/proxy.js';
import { callLogger } from '../src/runtime/call-log.js';
import { loadDefinition, PROTO_DIR } from '../src/proto.js';
import type { WireEvent } from '../src/instrument/events.js';
import type { ProtoGrpcType } from '../src/generated/files.js';
import type { FileChunk__Output } from '../src/generated/rpc_package/FileChunk.js';
import type { FileServiceClient } from '../src/generated/rpc_package/FileService.js';
import type { FileSummary__Output } from '../src/generated/rpc_package/FileSummary.js';
import { download, upload } from '../lessons/12-large-payloads/client.js';
import {
  PYTHON,
  ROOT,
  grpcFrame,
  pythonGrpcMissing,
  skipWhenMissing,
  spawnProcess,
  stalledCall,
  startObservedLessonServer,
  stopProcess,
  tappedRun,
  waitFor,
  type ObservedServer,
  type Spawned,
  generatePythonCode,
} from './helpers.js';

/** Every test here ends in a few seconds; a hang fails by name. */
const BOUND = { timeout: 30_000 };
const MiB = 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;
/** grpc-js's default limit on a message it receives. */
const DEFAULT_LIMIT = 4 * MiB;

const { rpc_package } = grpc.loadPackageDefinition(
  loadDefinition(`${PROTO_DIR}files.proto`),
) as unknown as ProtoGrpcType;
const methods = rpc_package.FileService.service;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const fileClient = (target: string, options?: grpc.ChannelOptions): FileServiceClient =>
  new rpc_package.FileService(target, grpc.credentials.createInsecure(), options);
const gzipOption = { 'grpc.default_compression_algorithm': grpc.compressionAlgorithms.gzip };
const deadlineIn = (ms = 10_000): grpc.CallOptions => ({ deadline: Date.now() + ms });

/** Text in 64 KiB chunks, compressible as text is (not the lesson's own text). */
function* textChunks(size: number): Generator<Buffer> {
  for (let offset = 0; offset < size; offset += CHUNK_BYTES) {
    let text = '';
    for (let line = offset; text.length < CHUNK_BYTES; line += 1) text += `test file line ${line}: some text\n`;
    yield Buffer.from(text).subarray(0, Math.min(CHUNK_BYTES, size - offset));
  }
}

function put(client: FileServiceClient, data: Buffer, options = deadlineIn(), metadata = new grpc.Metadata()) {
  return new Promise<FileSummary__Output>((resolve, reject) =>
    client.Put({ name: 'whole.txt', data, sha256: sha256(data) }, metadata, options, (error, summary) =>
      error ? reject(error) : resolve(summary!),
    ),
  );
}

function get(client: FileServiceClient, size: number) {
  return new Promise<FileChunk__Output>((resolve, reject) =>
    client.Get({ name: 'whole.txt', size }, deadlineIn(), (error, file) => (error ? reject(error) : resolve(file!))),
  );
}

/** An Upload written by hand: what the lesson's upload() never sends (gaps, wrong hashes). */
function uploadChunks(client: FileServiceClient, chunks: { offset: number; data?: Buffer; sha256?: string }[]) {
  return new Promise<FileSummary__Output>((resolve, reject) => {
    const call = client.Upload(deadlineIn(), (error, summary) => (error ? reject(error) : resolve(summary!)));
    for (const chunk of chunks) call.write({ name: 'hand.txt', ...chunk });
    call.end();
  });
}

interface LessonServer extends ObservedServer {
  /** The call log, as `npm run server` prints it. */
  log: string[];
  /** What the lesson's handlers printed themselves. */
  printed: string[];
  restore(): void;
}

async function startServer(options: grpc.ServerOptions = {}): Promise<LessonServer> {
  const log: string[] = [];
  const printed: string[] = [];
  const server = await startObservedLessonServer('12', {
    ...options,
    interceptors: [callLogger((line) => log.push(line))],
  });
  const original = console.log;
  console.log = (...args: unknown[]) => void printed.push(args.join(' '));
  return Object.assign(server, { log, printed, restore: () => (console.log = original) });
}

const records = (server: ObservedServer, method: string) => server.calls.filter((call) => call.method === method);
const lineMatching = (lines: () => string[], pattern: RegExp, what: string) =>
  waitFor(() => lines().find((line) => pattern.test(line)), what).catch((error: Error) => {
    throw new Error(`${error.message}; have: ${lines().join(' | ')}`);
  });

/** gRPC messages as the receiver's bytes hold them: the compressed flag and the bytes behind the prefix. */
function deframe(bytes: Buffer): { compressed: boolean; bytes: Buffer }[] {
  const messages: { compressed: boolean; bytes: Buffer }[] = [];
  for (let at = 0; at + 5 <= bytes.length;) {
    const length = bytes.readUInt32BE(at + 1);
    messages.push({ compressed: bytes[at] === 1, bytes: bytes.subarray(at + 5, at + 5 + length) });
    at += 5 + length;
  }
  return messages;
}

interface RawRequest {
  path: string;
  headers: http2.IncomingHttpHeaders;
  /** Bytes of the request body (every message with its prefix), as they arrived. */
  bodyBytes: number;
  messages: { compressed: boolean; bytes: Buffer }[];
  /** The file the server rebuilt from the chunks, decompressed where the flag says so. */
  data: Buffer;
  claimed: string;
}

/**
 * A FileService of plain node:http2 that answers Put and Upload: it counts the
 * bytes it receives, reads each message's compressed flag, inflates what is
 * gzipped, and checks the SHA-256 itself. No grpc-js on this side.
 */
async function startRawFileServer(): Promise<{ port: number; requests: RawRequest[]; close(): void }> {
  const requests: RawRequest[] = [];
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    const parts: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => parts.push(chunk));
    stream.on('end', () => {
      const body = Buffer.concat(parts);
      const messages = deframe(body);
      const chunks = messages.map(({ compressed, bytes }) =>
        methods.Upload.requestDeserialize(compressed ? gunzipSync(bytes) : bytes),
      );
      const data = Buffer.concat(chunks.map((chunk) => chunk.data));
      const claimed = chunks.at(-1)?.sha256 ?? '';
      requests.push({ path: String(headers[':path']), headers, bodyBytes: body.length, messages, data, claimed });
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0', 'grpc-message': 'OK' }));
      const summary = { name: 'raw', size: data.length, chunks: chunks.length, sha256: sha256(data) };
      stream.end(grpcFrame(methods.Upload.responseSerialize(summary)));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, requests, close: () => server.close() };
}

/** One call over a bare node:http2 client, with the headers and framed body given; the response as bytes. */
async function rawCall(port: number, path: string, headers: http2.OutgoingHttpHeaders, body: Buffer) {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  try {
    const stream = session.request({
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...headers,
    });
    let response: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders = {};
    stream.on('response', (received) => (response = received));
    stream.on('trailers', (received) => (trailers = received));
    const parts: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => parts.push(chunk));
    stream.end(body);
    await once(stream, 'end');
    return { response, trailers, body: Buffer.concat(parts) };
  } finally {
    session.close();
  }
}

describe('lesson 12: the size limit, chunked streams and checksums, from the server side', () => {
  let server: LessonServer;
  let client: FileServiceClient;
  before(async () => {
    server = await startServer();
    client = fileClient(`127.0.0.1:${server.port}`);
  });
  after(async () => {
    server.restore();
    client.close();
    await server.stop();
  });

  test('a message over 4 MiB is refused with RESOURCE_EXHAUSTED, and its handler never runs', BOUND, async () => {
    const data = Buffer.alloc(5 * MiB, 'x');
    const proxy = await countingProxy(`127.0.0.1:${server.port}`);
    const proxied = fileClient(proxy.address);
    try {
      await assert.rejects(put(proxied, data), (error: grpc.ServiceError) => {
        assert.equal(error.code, grpc.status.RESOURCE_EXHAUSTED);
        assert.match(
          error.details,
          new RegExp(`^Received message larger than max \\(52429\\d\\d vs ${DEFAULT_LIMIT}\\)$`),
        );
        return true;
      });
      // Refused from its prefix, yet all of it crossed the wire: the limit saves memory, not bandwidth.
      await waitFor(() => proxy.bytes().up > 5 * MiB, 'the rest of the message to cross anyway');
    } finally {
      proxied.close();
      await proxy.close();
    }
    await lineMatching(() => server.log, /^Put .*: RESOURCE_EXHAUSTED: .*\(0 in, 0 out,/, 'the call-log line');
    assert.equal(records(server, 'Put').length, 0, 'the Put handler ran');
    // Under the limit, the same call reaches the handler, which checks the hash.
    const small = Buffer.alloc(MiB, 'x');
    const summary = await put(client, small);
    assert.equal(records(server, 'Put').length, 1);
    assert.equal(summary.sha256, sha256(small));
    await lineMatching(() => server.printed, /^Put whole\.txt: 1048576 bytes in 1 chunk, sha256 matches$/, 'its line');
  });

  test('a small gzip message that inflates past 4 MiB is refused too, and its handler never runs', BOUND, async () => {
    const seen = records(server, 'Put').length;
    const inflated = methods.Put.requestSerialize({ name: 'bomb.txt', data: Buffer.alloc(5 * MiB) });
    const compressed = gzipSync(inflated);
    assert.ok(compressed.length < 64 * 1024, `${compressed.length} bytes gzipped`);
    const frame = grpcFrame(compressed);
    frame[0] = 1;
    const { response, trailers } = await rawCall(
      server.port,
      '/rpc_package.FileService/Put',
      { 'grpc-encoding': 'gzip' },
      frame,
    );
    // Trailers-only: the status comes in the response headers.
    assert.equal(trailers['grpc-status'] ?? response['grpc-status'], String(grpc.status.RESOURCE_EXHAUSTED));
    assert.equal(
      decodeURIComponent(String(trailers['grpc-message'] ?? response['grpc-message'])),
      `Received message that decompresses to a size larger than ${DEFAULT_LIMIT}`,
    );
    assert.equal(records(server, 'Put').length, seen, 'the Put handler ran');
  });

  test(
    'Upload: the server hashes what arrived and says whether it matches; a wrong hash is DATA_LOSS',
    BOUND,
    async () => {
      const chunks = [...textChunks(MiB)];
      const result = await upload(client, 'notes.txt', chunks);
      assert.deepEqual(result, { size: MiB, chunks: 16, matches: true });
      const [record] = records(server, 'Upload');
      // Sixteen chunks and the checksum, each read by the handler.
      await waitFor(() => record.received === 17, 'the handler to read every chunk');
      await lineMatching(
        () => server.printed,
        /^Upload notes\.txt: 1048576 bytes in 16 chunks, sha256 matches$/,
        "the server's line",
      );

      const data = Buffer.concat(chunks);
      const damaged = Buffer.from(data);
      damaged[12_345] ^= 1;
      await assert.rejects(
        uploadChunks(client, [
          { offset: 0, data: damaged },
          { offset: data.length, sha256: sha256(data) },
        ]),
        (error: grpc.ServiceError) => {
          assert.equal(error.code, grpc.status.DATA_LOSS);
          assert.equal(error.details, `1048576 bytes received, sha256 ${sha256(damaged)}`);
          return true;
        },
      );
      await lineMatching(
        () => server.printed,
        /^Upload hand\.txt: 1048576 bytes in 1 chunk, sha256 DOES NOT MATCH$/,
        "the server's line for the damaged file",
      );
    },
  );

  test('Upload: a chunk that does not start where the last ended is refused at once', BOUND, async () => {
    const seen = records(server, 'Upload').length;
    const data = Buffer.alloc(1_000, 'x');
    await assert.rejects(
      uploadChunks(client, [
        { offset: 0, data },
        { offset: 2_000, data },
        { offset: 3_000, data },
        { offset: 4_000, sha256: sha256(data) },
      ]),
      { code: grpc.status.INVALID_ARGUMENT, details: 'chunk at offset 2000, expected 1000' },
    );
    const record = await waitFor(() => records(server, 'Upload')[seen], 'the call to reach its handler');
    assert.ok(record.received >= 2, 'the handler read the chunk it refused');
    assert.ok(!server.printed.some((line) => line.startsWith('Upload hand.txt: 4000 bytes')), 'it went on to the end');
  });

  test('Download: the lesson client checks every chunk and the hash the server sent last', BOUND, async () => {
    const seen = records(server, 'Download').length;
    assert.deepEqual(await download(client, 'notes.txt', MiB), { size: MiB, chunks: 16, matches: true });
    const record = records(server, 'Download')[seen];
    await waitFor(() => record.settledAt, 'the handler to return');
    assert.equal(record.writes, 17);
  });

  test('Download: the server waits while the client does not read, and stops on the cancel', BOUND, async () => {
    const seen = records(server, 'Download').length;
    const stalled = stalledCall(server.port, '/rpc_package.FileService/Download');
    try {
      await stalled.send(methods.Download.requestSerialize({ name: 'big.txt', size: 16 * MiB }));
      stalled.stream.end();
      const record = await waitFor(() => records(server, 'Download')[seen], 'the call to reach its handler');
      await waitFor(() => record.full, 'the handler to fill the window and wait for drain');
      // 16 MiB is 256 chunks: the handler stopped long before, holding a few at most.
      assert.ok(record.writes < 64, `the handler wrote ${record.writes} chunks to a client that reads none`);
      assert.ok(record.maxBuffered <= 32, `the call buffered ${record.maxBuffered} chunks`);
      stalled.cancel();
      await waitFor(() => record.settledAt, 'the handler to return after the cancel');
      assert.equal(record.writesAfterCancel, 0);
    } finally {
      stalled.close();
    }
  });

  test(
    'Get over the client limit: the server sends it, the default client refuses it, a raised limit takes it',
    BOUND,
    async () => {
      const logged = server.log.length;
      await assert.rejects(get(client, 5 * MiB), (error: grpc.ServiceError) => {
        assert.equal(error.code, grpc.status.RESOURCE_EXHAUSTED);
        assert.match(
          error.details,
          new RegExp(`^Received message larger than max \\(52429\\d\\d vs ${DEFAULT_LIMIT}\\)$`),
        );
        return true;
      });
      // The server sent its reply; the client stopped reading and reset the stream.
      await lineMatching(() => server.log.slice(logged), /^Get .*: CANCELLED: .*\(1 in, 1 out,/, 'the call-log line');
      const raised = fileClient(`127.0.0.1:${server.port}`, { 'grpc.max_receive_message_length': 8 * MiB });
      try {
        const file = await get(raised, 5 * MiB);
        assert.equal(file.data.length, 5 * MiB);
        assert.equal(sha256(file.data), file.sha256);
      } finally {
        raised.close();
      }
    },
  );

  test('a server given a higher limit in its options takes the same message', BOUND, async () => {
    const raised = await startObservedLessonServer('12', { 'grpc.max_receive_message_length': 8 * MiB });
    const to = fileClient(`127.0.0.1:${raised.port}`);
    try {
      const data = Buffer.alloc(5 * MiB, 'x');
      assert.equal((await put(to, data)).sha256, sha256(data));
      assert.equal(records(raised, 'Put').length, 1);
    } finally {
      to.close();
      await raised.stop();
    }
  });
});

describe('lesson 12: gzip, counted on the wire by a plain HTTP/2 peer', () => {
  let raw: Awaited<ReturnType<typeof startRawFileServer>>;
  before(async () => {
    raw = await startRawFileServer();
  });
  after(() => raw.close());

  test(
    'with gzip on the channel, an upload takes a fraction of the bytes, and the receiver gets the same file',
    BOUND,
    async () => {
      const chunks = [...textChunks(MiB)];
      const file = Buffer.concat(chunks);
      const plain = fileClient(`127.0.0.1:${raw.port}`);
      const gzip = fileClient(`127.0.0.1:${raw.port}`, gzipOption);
      try {
        await upload(plain, 'notes.txt', chunks);
        await upload(gzip, 'notes.txt', chunks);
      } finally {
        plain.close();
        gzip.close();
      }
      const [asIs, zipped] = raw.requests.slice(-2);
      assert.equal(asIs.headers['grpc-encoding'], undefined);
      assert.ok(asIs.messages.every((message) => !message.compressed));
      assert.ok(asIs.bodyBytes > MiB);
      assert.equal(zipped.headers['grpc-encoding'], 'gzip');
      assert.ok(
        zipped.messages.every((message) => message.compressed),
        'every message has its compressed flag set',
      );
      assert.ok(
        zipped.bodyBytes * 5 < asIs.bodyBytes,
        `gzip: ${zipped.bodyBytes} bytes on the wire, without: ${asIs.bodyBytes}`,
      );
      // What the receiver rebuilt, inflating each message, is the file the sender hashed.
      for (const request of [asIs, zipped]) {
        assert.equal(sha256(request.data), sha256(file));
        assert.equal(request.claimed, sha256(file));
      }
    },
  );

  test(
    "grpc-js has no per-call compression: grpc-encoding in a call's metadata does not reach the wire",
    BOUND,
    async () => {
      const plain = fileClient(`127.0.0.1:${raw.port}`);
      try {
        const metadata = new grpc.Metadata();
        metadata.set('grpc-encoding', 'gzip');
        await put(plain, Buffer.alloc(64 * 1024, 'x'), deadlineIn(), metadata);
      } finally {
        plain.close();
      }
      const request = raw.requests.at(-1)!;
      assert.equal(request.path, '/rpc_package.FileService/Put');
      assert.equal(request.headers['grpc-encoding'], undefined);
      assert.equal(request.messages.length, 1);
      assert.equal(request.messages[0].compressed, false);
    },
  );
});

describe("lesson 12: a grpc-js server's replies are never compressed", () => {
  let server: ObservedServer;
  before(async () => {
    // Asked to, in its own options: grpc-js reads this option on channels only.
    server = await startObservedLessonServer('12', gzipOption);
  });
  after(() => server.stop());

  test('a client that sends gzip and accepts gzip gets every reply uncompressed, flag 0', BOUND, async () => {
    const request = gzipSync(methods.Download.requestSerialize({ name: 'notes.txt', size: MiB }));
    const frame = Buffer.concat([Buffer.from([1, 0, 0, 0, 0]), request]);
    frame.writeUInt32BE(request.length, 1);
    const { response, trailers, body } = await rawCall(
      server.port,
      '/rpc_package.FileService/Download',
      { 'grpc-encoding': 'gzip', 'grpc-accept-encoding': 'gzip' },
      frame,
    );
    assert.equal(trailers['grpc-status'], '0');
    // The server inflated the gzipped request: it read the size it asked for.
    assert.equal(response['grpc-encoding'], 'identity');
    assert.equal(response['grpc-accept-encoding'], 'identity,deflate,gzip');
    const messages = deframe(body);
    assert.equal(messages.length, 17);
    assert.ok(
      messages.every((message) => !message.compressed),
      'a reply came compressed',
    );
    assert.ok(body.length > MiB, `${body.length} bytes for a 1 MiB file`);
    const chunks = messages.map((message) => methods.Download.responseDeserialize(message.bytes));
    const data = Buffer.concat(chunks.map((chunk) => chunk.data));
    assert.equal(chunks.at(-1)!.sha256, sha256(data));
  });
});

describe("lesson 12's client on the timeline", () => {
  let server: LessonServer;
  let events: WireEvent[] = [];
  const callsOf = (method: string) =>
    events
      .filter((event) => event.type === 'call' && event.method === `/rpc_package.FileService/${method}`)
      .map((call) => events.filter((event) => event.call === call.call));
  before(async () => {
    server = await startServer();
    events = await tappedRun('12', server.port);
  });
  after(async () => {
    server.restore();
    await server.stop();
  });

  const messages = (call: WireEvent[], direction: 'client->server' | 'server->client') =>
    call.filter(
      (event): event is Extract<WireEvent, { type: 'message' }> =>
        event.type === 'message' && event.direction === direction,
    );
  const header = (call: WireEvent[], kind: string, name: string) =>
    call
      .filter((event) => event.type === 'headers' && event.kind === kind)
      .flatMap((event) => (event.type === 'headers' ? event.headers : []))
      .find(([key]) => key === name)?.[1];
  const status = (call: WireEvent[]) => call.find((event) => event.type === 'status')?.codeName;

  test('the refused Put shows its 5 MiB going out and a trailers-only answer; no Put handler ran', BOUND, () => {
    const [putCall] = callsOf('Put');
    assert.deepEqual(
      messages(putCall, 'client->server').map((event) => event.size),
      [5 * MiB + 82],
    );
    assert.equal(header(putCall, 'trailers-only', 'grpc-status'), '8');
    assert.equal(status(putCall), 'RESOURCE_EXHAUSTED');
    assert.equal(records(server, 'Put').length, 0);
  });

  test('the Get the client refused has response headers and no reply row', BOUND, () => {
    const [refused, raised] = callsOf('Get');
    assert.equal(header(refused, 'response', 'grpc-encoding'), 'identity');
    assert.equal(messages(refused, 'server->client').length, 0);
    assert.equal(status(refused), 'RESOURCE_EXHAUSTED');
    assert.deepEqual(
      messages(raised, 'server->client').map((event) => event.size),
      [5 * MiB + 82],
    );
  });

  test(
    'the gzip upload: its rows are the compressed sizes, flagged gzip, and read as the chunks they carry',
    BOUND,
    () => {
      const [plain, zipped] = callsOf('Upload');
      assert.equal(header(plain, 'request', 'grpc-encoding'), undefined);
      assert.equal(header(zipped, 'request', 'grpc-encoding'), 'gzip');
      assert.equal(header(zipped, 'response', 'grpc-encoding'), 'identity');
      const plainChunks = messages(plain, 'client->server');
      const zippedChunks = messages(zipped, 'client->server');
      assert.equal(plainChunks.length, 17);
      assert.equal(zippedChunks.length, 17);
      for (const [index, chunk] of zippedChunks.entries()) {
        assert.deepEqual([chunk.compressed, chunk.encoding], [true, 'gzip'], `chunk ${index}`);
        assert.deepEqual([plainChunks[index].compressed, plainChunks[index].encoding], [false, undefined]);
        // The same message, decoded: only its size on the wire differs.
        assert.equal(chunk.size, plainChunks[index].size, `chunk ${index}`);
        assert.equal(chunk.preview, plainChunks[index].preview, `chunk ${index}`);
      }
      for (const [index, chunk] of zippedChunks.slice(0, 16).entries()) {
        assert.ok(
          chunk.wireSize * 5 < plainChunks[index].wireSize,
          `chunk ${index}: ${chunk.wireSize} vs ${plainChunks[index].wireSize}`,
        );
        assert.match(chunk.preview ?? '', new RegExp(`"offset":"${index * CHUNK_BYTES}","data":<64\\.0 KiB: `));
      }
      // The checksum message is bigger gzipped than as it is; its bytes kept are protobuf, not gzip.
      assert.ok(zippedChunks[16].wireSize > plainChunks[16].wireSize);
      assert.equal(zippedChunks[16].bytes, plainChunks[16].bytes);
      // The server checked the file both times (a wrong hash would have been DATA_LOSS).
      assert.equal(server.log.filter((line) => /^Upload .*: OK \(17 in, 1 out,/.test(line)).length, 2);
    },
  );
});

const missing = pythonGrpcMissing();
if (missing) console.log(`# SKIPPING lesson 12's Python interop tests: ${missing}`);

describe('lesson 12 with Python grpcio', { skip: skipWhenMissing(missing) }, () => {
  const PEER = join(ROOT, 'test/python/lesson_12.py');
  let genDir = '';
  before(() => {
    genDir = mkdtempSync(join(tmpdir(), 'files-py-'));
    generatePythonCode(genDir, [join(PROTO_DIR, 'files.proto')]);
  });
  after(() => rmSync(genDir, { recursive: true, force: true }));

  test(
    'a Python client: refused whole, uploads in chunks (once gzipped per call) and downloads, hashes checked on both sides',
    BOUND,
    async () => {
      const server = await startServer();
      try {
        const python = spawnProcess(PYTHON, [PEER, genDir, 'client', `127.0.0.1:${server.port}`]);
        const { code } = await python.exited;
        assert.equal(code, 0, python.stderr());
        assert.deepEqual(python.stdout().trim().split('\n'), [
          `Put: RESOURCE_EXHAUSTED Received message larger than max (5242960 vs ${DEFAULT_LIMIT})`,
          'Upload: 1048576 bytes in 16 chunks, sha256 matches: yes',
          'Upload gzip: 1048576 bytes in 16 chunks, sha256 matches: yes',
          'Download: 1048576 bytes in 16 chunks, sha256 matches: yes',
        ]);
        // The server checked both uploads itself, the gzipped one after inflating it.
        assert.deepEqual(
          server.printed.filter((line) => line.startsWith('Upload ')),
          Array(2).fill('Upload py.txt: 1048576 bytes in 16 chunks, sha256 matches'),
        );
        assert.equal(records(server, 'Put').length, 0);
      } finally {
        server.restore();
        await server.stop();
      }
    },
  );

  describe('a Python server, which compresses its replies', () => {
    let python: Spawned;
    let port = 0;
    before(async () => {
      python = spawnProcess(PYTHON, [PEER, genDir, 'server']);
      const match = await waitFor(
        () => /listening on 127\.0\.0\.1:(\d+)/.exec(python.stdout()),
        'the Python server',
        20_000,
      );
      port = Number(match[1]);
    });
    after(() => stopProcess(python));

    test(
      "the lesson's download() inflates gzipped chunks and checks the hash; the wire carried a fraction",
      BOUND,
      async () => {
        const proxy = await countingProxy(`127.0.0.1:${port}`);
        const client = fileClient(proxy.address);
        try {
          assert.deepEqual(await download(client, 'notes.txt', MiB), { size: MiB, chunks: 16, matches: true });
          assert.ok(proxy.bytes().down * 5 < MiB, `${proxy.bytes().down} bytes came down for a 1 MiB file`);
        } finally {
          client.close();
          await proxy.close();
        }
      },
    );

    test("the lesson's upload() over a gzip channel: the Python server inflates and checks it", BOUND, async () => {
      const client = fileClient(`127.0.0.1:${port}`, gzipOption);
      try {
        const result = await upload(client, 'to-python.txt', textChunks(MiB));
        assert.deepEqual(result, { size: MiB, chunks: 16, matches: true });
        await waitFor(
          () => python.stdout().includes('Upload to-python.txt: 1048576 bytes in 16 chunks, sha256 matches'),
          "the Python server's line",
        );
      } finally {
        client.close();
      }
    });
  });
});

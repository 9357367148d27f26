// Lesson 08, metadata: what its server puts in response headers and trailers,
// judged on the wire by a bare HTTP/2 client; what the timeline shows; that the
// client prints what came back; the "What to try" edits, made to a copy of the
// lesson; grpc-js's own metadata rules as the lesson text states them; and
// Python grpcio on either side.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { callLogger } from '../src/runtime/call-log.js';
import { listen, shutdown } from '../src/runtime/serve.js';
import { PROTO_DIR, loadHelloWorld } from '../src/proto.js';
import type { HeaderKind, WireEvent } from '../src/instrument/events.js';
import type { LessonClientModule, LessonServerModule } from '../src/lessons.js';
import {
  PYTHON,
  ROOT,
  deadlineIn,
  grpcFrame,
  lesson,
  pythonGrpcMissing,
  spawnProcess,
  startLessonServer,
  startObservedLessonServer,
  startServerCli,
  stopProcess,
  tapped,
  waitFor,
  type ObservedServer,
  type RunningServer,
  type Spawned,
  generatePythonCode,
  skipWhenMissing,
} from './helpers.js';

const BOUND = { timeout: 20_000 };
const LESSON = lesson('8');
const SERVICE = '/rpc_package.HelloWorldService';
const { rpc_package } = loadHelloWorld();
const methods = rpc_package.HelloWorldService.service;
const helloRequest = (request: { name?: string; reply_count?: number; interval_ms?: number }) =>
  methods.SayHello.requestSerialize(request) as Buffer;
const NUMBER = /^\d+\.\d{2}$/;

/** What a server put on one HTTP/2 stream, in the order it arrived. */
interface WireAnswer {
  order: ('headers' | 'trailers-only' | 'message' | 'trailers')[];
  response: http2.IncomingHttpHeaders;
  trailers?: http2.IncomingHttpHeaders;
}

/**
 * One gRPC call over a bare node:http2 stream: no gRPC library between the
 * server and what is seen, so the headers and trailers are the server's own.
 */
function wireCall(
  port: number,
  method: string,
  request: Buffer,
  headers: http2.OutgoingHttpHeaders = {},
): Promise<WireAnswer> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on('error', reject);
    const stream = session.request({
      ':method': 'POST',
      ':path': `${SERVICE}/${method}`,
      'content-type': 'application/grpc',
      te: 'trailers',
      'grpc-timeout': '5S',
      ...headers,
    });
    const answer: WireAnswer = { order: [], response: {} };
    let pending = Buffer.alloc(0);
    stream.on('response', (response) => {
      answer.response = response;
      answer.order.push('grpc-status' in response ? 'trailers-only' : 'headers');
    });
    stream.on('data', (chunk: Buffer) => {
      // Count whole gRPC messages (a 5-byte prefix, then that many bytes), however the chunks fall.
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 5 && pending.length >= 5 + pending.readUInt32BE(1)) {
        pending = pending.subarray(5 + pending.readUInt32BE(1));
        answer.order.push('message');
      }
    });
    stream.on('trailers', (trailers) => {
      answer.trailers = trailers;
      answer.order.push('trailers');
    });
    stream.on('error', reject);
    stream.on('close', () => {
      session.close();
      resolve(answer);
    });
    stream.end(grpcFrame(request));
  });
}

/** Runs `work` with console.log captured; resolves with the lines and the error, if any. */
async function printed(work: () => Promise<void>): Promise<{ lines: string[]; error?: grpc.ServiceError }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(' '));
  try {
    await work();
    return { lines };
  } catch (error) {
    return { lines, error: error as grpc.ServiceError };
  } finally {
    console.log = log;
  }
}

const importClient = async (path = LESSON.clientPath) => (await import(pathToFileURL(path).href)) as LessonClientModule;
const importServer = async (path = LESSON.serverPath) => (await import(pathToFileURL(path).href)) as LessonServerModule;

const headersOf = (events: WireEvent[], call: number, kind: HeaderKind) =>
  events.find(
    (event): event is Extract<WireEvent, { type: 'headers' }> =>
      event.type === 'headers' && event.call === call && event.kind === kind,
  );
const header = (event: Extract<WireEvent, { type: 'headers' }> | undefined, name: string) =>
  event?.headers.find(([key]) => key === name)?.[1];

describe('lesson 08 server, judged by what it puts on the wire', () => {
  let server: RunningServer;
  before(async () => (server = await startLessonServer('8')));
  after(() => server.stop());

  test('SayHello echoes every x- request header, each value, text and binary, and no other header', BOUND, async () => {
    const [first, second] = [randomBytes(8).toString('base64'), randomBytes(3).toString('base64')];
    const { response } = await wireCall(server.port, 'SayHello', helloRequest({ name: 'Ada' }), {
      'x-request-id': 'req-7',
      'x-trace-bin': [first, second],
      authorization: 'Bearer not-for-echoing',
      'grpc-foo': 'bar',
      'user-agent': 'bare-http2',
    });
    assert.equal(response['x-request-id'], 'req-7');
    assert.equal(response['x-trace-bin'], `${first}, ${second}`);
    for (const name of ['authorization', 'grpc-foo', 'user-agent'])
      assert.equal(response[name], undefined, `${name} was echoed`);
  });

  test('SayHello: response headers, the reply, then trailers with grpc-status 0 and x-handled-ms', BOUND, async () => {
    const answer = await wireCall(server.port, 'SayHello', helloRequest({ name: 'Ada' }), { 'x-request-id': 'r' });
    assert.deepEqual(answer.order, ['headers', 'message', 'trailers']);
    assert.equal(answer.response['x-request-id'], 'r');
    assert.equal(answer.trailers?.['grpc-status'], '0');
    assert.match(String(answer.trailers?.['x-handled-ms']), NUMBER);
  });

  test(
    'LotsOfReplies: echoed headers before the first reply, trailers after the last, x-handled-ms spans the stream',
    BOUND,
    async () => {
      const startedAt = performance.now();
      const answer = await wireCall(
        server.port,
        'LotsOfReplies',
        helloRequest({ name: 'Ada', reply_count: 3, interval_ms: 100 }),
        { 'x-request-id': 'stream-1' },
      );
      const elapsed = performance.now() - startedAt;
      assert.deepEqual(answer.order, ['headers', 'message', 'message', 'message', 'trailers']);
      assert.equal(answer.response['x-request-id'], 'stream-1');
      assert.equal(answer.trailers?.['grpc-status'], '0');
      const handled = String(answer.trailers?.['x-handled-ms']);
      assert.match(handled, NUMBER);
      // Two pauses of 100 ms happen inside the handler; the whole call took longer than the handler.
      assert.ok(Number(handled) >= 195 && Number(handled) <= elapsed, `x-handled-ms ${handled}, call ${elapsed} ms`);
    },
  );

  test('a request it refuses: one trailers-only response, and x-handled-ms rides in it', BOUND, async () => {
    for (const [method, request] of [
      ['SayHello', helloRequest({ name: '' })],
      ['LotsOfReplies', helloRequest({ name: 'Ada', reply_count: 11 })],
    ] as const) {
      const answer = await wireCall(server.port, method, request, { 'x-request-id': 'refused' });
      assert.deepEqual(answer.order, ['trailers-only'], method);
      assert.equal(answer.response['grpc-status'], String(grpc.status.INVALID_ARGUMENT), method);
      assert.match(String(answer.response['x-handled-ms']), NUMBER, method);
    }
  });
});

describe('lesson 08 server, judged from inside its handlers', () => {
  let server: ObservedServer;
  before(async () => (server = await startObservedLessonServer('8')));
  after(() => server.stop());

  test(
    'a cancel during the pause between replies ends the handler at once, with no write after it',
    BOUND,
    async () => {
      const client = new rpc_package.HelloWorldService(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
      try {
        const call = client.LotsOfReplies({ name: 'Ada', reply_count: 3, interval_ms: 5_000 }, deadlineIn(60_000));
        call.on('error', () => {});
        await new Promise((resolve) => call.once('data', resolve));
        const record = await waitFor(() => server.calls[0], 'the call to reach its handler');
        call.cancel();
        await waitFor(() => record.cancelledAt, 'the server to see the cancel');
        await waitFor(() => record.settledAt, 'the handler to return', 2_000);
        assert.equal(record.writes, 1);
        assert.equal(record.writesAfterCancel, 0);
      } finally {
        client.close();
      }
    },
  );
});

describe('lesson 08 on the timeline (the wire tap the lesson runner attaches)', () => {
  let server: RunningServer;
  before(async () => (server = await startLessonServer('8')));
  after(() => server.stop());

  test('each call: its x- request headers, the same echoed back, then trailers with x-handled-ms', BOUND, async () => {
    const { runClient } = await importClient();
    const { events, error } = await tapped(() => printed(() => runClient({ target: `127.0.0.1:${server.port}` })));
    assert.equal(error, undefined);
    for (const [call, requestId] of [
      [1, 'req-1'],
      [2, 'req-2'],
    ] as const) {
      const request = headersOf(events, call, 'request');
      const response = headersOf(events, call, 'response');
      const trailers = headersOf(events, call, 'trailers');
      assert.equal(header(request, 'x-request-id'), requestId);
      assert.equal(header(response, 'x-request-id'), requestId);
      // The same bytes, base64 on the wire both ways.
      assert.match(header(request, 'x-trace-bin') ?? '', /^[A-Za-z0-9+/]{11}=$/);
      assert.equal(header(response, 'x-trace-bin'), header(request, 'x-trace-bin'));
      assert.equal(header(response, 'user-agent'), undefined);
      assert.equal(header(trailers, 'grpc-status'), '0');
      assert.match(header(trailers, 'x-handled-ms') ?? '', NUMBER);
    }
    // On the stream: response headers, then every reply, then the trailers.
    const stream = events.filter((event) => event.call === 2 && event.type !== 'connectivity');
    const at = (found: WireEvent | undefined) => stream.indexOf(found!);
    const replies = stream.filter((event) => event.type === 'message' && event.direction === 'server->client');
    assert.equal(replies.length, 3);
    assert.ok(at(headersOf(events, 2, 'response')) < at(replies[0]));
    assert.ok(at(replies[2]) < at(headersOf(events, 2, 'trailers')));
  });

  test('an empty name: a trailers-only row holding grpc-status 3 and x-handled-ms, and no reply', BOUND, async () => {
    const { runClient } = await importClient();
    const { events } = await tapped(() => runClient({ target: `127.0.0.1:${server.port}`, names: [''] }));
    const call = events.find((event) => event.type === 'call')!.call;
    const only = headersOf(events, call, 'trailers-only');
    assert.equal(header(only, 'grpc-status'), '3');
    assert.match(header(only, 'x-handled-ms') ?? '', NUMBER);
    assert.equal(headersOf(events, call, 'response'), undefined);
    assert.ok(!events.some((event) => event.type === 'message' && event.direction === 'server->client'));
  });
});

describe('the lesson 08 client prints what came back, not what it expects', () => {
  let server: grpc.Server;
  let port = 0;
  before(async () => {
    // A server that gets the echo wrong: other bytes, a key left out, no trailer, a trailer that is no number.
    server = new grpc.Server();
    const wrongEcho = (call: { metadata: grpc.Metadata; sendMetadata(metadata: grpc.Metadata): void }) => {
      const headers = new grpc.Metadata();
      headers.set('x-trace-bin', Buffer.from('not the bytes sent'));
      call.sendMetadata(headers);
    };
    server.addService(methods, {
      SayHello: (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        wrongEcho(call);
        callback(null, { message: 'Hello, Ada!' });
      },
      LotsOfReplies: (call: grpc.ServerWritableStream<unknown, unknown>) => {
        wrongEcho(call);
        const trailers = new grpc.Metadata();
        trailers.set('x-handled-ms', 'soon');
        call.end(trailers);
      },
    });
    port = await listen(server, '127.0.0.1', 0);
  });
  after(() => shutdown(server, 500));

  test('a header not echoed, other bytes, a missing or non-numeric trailer: each is said so', BOUND, async () => {
    const { runClient } = await importClient();
    const { lines, error } = await printed(() => runClient({ target: `127.0.0.1:${port}` }));
    assert.equal(error, undefined);
    assert.deepEqual(lines, [
      'SayHello header x-request-id: not echoed',
      'SayHello header x-trace-bin: other bytes than sent',
      'Hello, Ada!',
      'SayHello trailer x-handled-ms: missing',
      'LotsOfReplies header x-request-id: not echoed',
      'LotsOfReplies header x-trace-bin: other bytes than sent',
      'LotsOfReplies trailer x-handled-ms: "soon"',
    ]);
  });
});

describe('lesson 08 "What to try", done to a copy of the lesson', () => {
  let project = '';
  const copy = (file: 'server.ts' | 'client.ts', find: string, add: string) => {
    const source = readFileSync(join(LESSON.dir, file), 'utf8');
    assert.ok(source.includes(find), `${file} no longer has: ${find}`);
    const path = join(project, 'lessons/08-metadata', file);
    writeFileSync(path, source.replace(find, `${find}\n${add}`));
    return path;
  };
  before(() => {
    // Laid out as in the repository, so '../../protos' is found; the packages linked, not installed.
    project = mkdtempSync(join(tmpdir(), 'lesson-08-try-'));
    mkdirSync(join(project, 'lessons/08-metadata'), { recursive: true });
    cpSync(PROTO_DIR, join(project, 'protos'), { recursive: true });
    mkdirSync(join(project, 'node_modules/@grpc'), { recursive: true });
    for (const name of ['@grpc/grpc-js', '@grpc/proto-loader'])
      symlinkSync(join(ROOT, 'node_modules', name), join(project, 'node_modules', name));
    writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
  });
  after(() => rmSync(project, { recursive: true, force: true }));

  test(
    'client.ts with :authority and grpc-status set: the wire keeps the real :authority and carries grpc-status: 13; neither is echoed',
    BOUND,
    async () => {
      const path = copy(
        'client.ts',
        "metadata.set('x-request-id', `req-${request}`);",
        "metadata.set(':authority', 'example.com');\nmetadata.set('grpc-status', '13');",
      );
      const { runClient } = await importClient(path);
      const server = await startLessonServer('8');
      try {
        let lines: string[] = [];
        const { events, error } = await tapped(async () => {
          const run = await printed(() => runClient({ target: `127.0.0.1:${server.port}` }));
          lines = run.lines;
          if (run.error) throw run.error;
        });
        assert.equal(error, undefined);
        for (const line of [
          'SayHello header :authority: not echoed',
          'SayHello header grpc-status: not echoed',
          'SayHello trailer x-handled-ms: a number',
        ])
          assert.ok(lines.includes(line), `no "${line}" in:\n${lines.join('\n')}`);
        const request = headersOf(events, 1, 'request');
        assert.equal(header(request, ':authority'), `127.0.0.1:${server.port}`);
        assert.equal(header(request, 'grpc-status'), '13');
        assert.equal(header(headersOf(events, 1, 'response'), 'grpc-status'), undefined);
      } finally {
        await server.stop();
      }
    },
  );

  test(
    'server.ts with grpc-status 13 in its trailers: the server logs OK, the client gets INTERNAL',
    BOUND,
    async () => {
      const path = copy(
        'server.ts',
        "trailers.set('x-handled-ms', (performance.now() - startedAt).toFixed(2));",
        "trailers.set('grpc-status', '13');",
      );
      const { createServer } = await importServer(path);
      const log: string[] = [];
      const server = createServer({ interceptors: [callLogger((line) => log.push(line))] });
      const port = await listen(server, '127.0.0.1', 0);
      try {
        const { runClient } = await importClient();
        const { lines, error } = await printed(() => runClient({ target: `127.0.0.1:${port}` }));
        assert.equal(error?.code, grpc.status.INTERNAL, lines.join('\n'));
        assert.ok(!lines.includes('Hello, Ada!'), 'the reply was printed as if the call succeeded');
        await waitFor(
          () => log.find((line) => /^SayHello from .*: OK /.test(line)),
          'the server to log SayHello as OK',
        );
      } finally {
        await shutdown(server, 500);
      }
    },
  );
});

describe("grpc-js's metadata rules, as the lesson text states them", () => {
  test('set() lowercases keys, and throws on an illegal key, a non-ASCII value, or a -bin mix-up', () => {
    const metadata = new grpc.Metadata();
    metadata.set('X-Request-Id', 'a');
    assert.deepEqual(Object.keys(metadata.getMap()), ['x-request-id']);
    assert.throws(() => metadata.set('x-request id', 'a'), /illegal characters/);
    assert.throws(() => metadata.set('x-name', 'Zoë'), /illegal characters/);
    assert.throws(() => metadata.set('x-name', 'a\nb'), /illegal characters/);
    assert.throws(() => metadata.set('x-trace-bin', 'text'), /must have Buffer values/);
    assert.throws(() => metadata.set('x-trace', Buffer.from([1])), /must have String values/);
  });

  test(
    'on the wire: a ":" key is left out, grpc- keys go as written; grpc-timeout, user-agent, content-type, te are grpc-js\'s',
    BOUND,
    async () => {
      // A bare HTTP/2 server records the request headers exactly as they arrive.
      const seen: http2.IncomingHttpHeaders[] = [];
      const bare = http2.createServer();
      bare.on('stream', (stream, headers) => {
        seen.push(headers);
        stream.respond(
          { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12' },
          { endStream: true },
        );
      });
      await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
      const { port } = bare.address() as AddressInfo;
      const client = new rpc_package.HelloWorldService(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
        'grpc.primary_user_agent': 'lesson-08/1.0',
      });
      try {
        const metadata = new grpc.Metadata();
        metadata.set(':authority', 'example.com');
        metadata.set(':forged', 'yes');
        metadata.set('grpc-status', '13');
        metadata.set('grpc-foo', 'bar');
        metadata.set('grpc-timeout', '99S');
        metadata.set('user-agent', 'mine');
        metadata.set('content-type', 'text/plain');
        metadata.set('te', 'gzip');
        await new Promise<void>((resolve) => client.SayHello({ name: 'Ada' }, metadata, deadlineIn(), () => resolve()));
        assert.equal(seen.length, 1, 'the call never reached the server');
        const [headers] = seen;
        assert.equal(headers[':authority'], `127.0.0.1:${port}`);
        assert.equal(headers[':forged'], undefined);
        assert.equal(headers['grpc-status'], '13');
        assert.equal(headers['grpc-foo'], 'bar');
        // The deadline's time left, in milliseconds, not the 99S set above.
        assert.match(String(headers['grpc-timeout']), /^\d+m$/);
        assert.match(String(headers['user-agent']), /^lesson-08\/1\.0 grpc-node-js\//);
        assert.equal(headers['content-type'], 'application/grpc');
        assert.equal(headers.te, 'trailers');
      } finally {
        client.close();
        bare.close();
      }
    },
  );
});

const missing = pythonGrpcMissing();
if (missing) console.log(`# SKIPPING lesson 08's Python interop tests: ${missing}`);

describe('lesson 08 and Python grpcio', { skip: skipWhenMissing(missing) }, () => {
  const PEER = join(ROOT, 'test/python/lesson_08.py');
  let genDir = '';
  before(() => {
    genDir = mkdtempSync(join(tmpdir(), 'lesson-08-py-'));
    generatePythonCode(genDir, [join(PROTO_DIR, 'helloworld.proto')]);
  });
  after(() => rmSync(genDir, { recursive: true, force: true }));

  test(
    'a Python client sends x- metadata and a -bin key, and reads them back with the x-handled-ms trailer',
    BOUND,
    async () => {
      const server = await startServerCli('8');
      try {
        const result = spawnSync(PYTHON, [PEER, genDir, 'client', `127.0.0.1:${server.port}`], {
          encoding: 'utf8',
          timeout: 20_000,
        });
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(result.stdout.trimEnd().split('\n'), [
          'SayHello header x-request-id: py-1',
          // Bytes no text header could carry (0x00, 0xff, 0x80, a newline) come back as they went.
          'SayHello header x-trace-bin: 00ff10800a',
          'SayHello header x-tag: one',
          'SayHello header client-lang: not echoed',
          'Hello, Ada!',
          'SayHello trailer x-handled-ms: a number',
          'LotsOfReplies header x-request-id: py-2',
          'LotsOfReplies header x-trace-bin: 00ff10800a',
          'Hello, Ada! (1 of 2)',
          'Hello, Ada! (2 of 2)',
          'LotsOfReplies trailer x-handled-ms: a number',
          // Where grpc-js drops a ':' key without a word, grpcio refuses the call.
          ':authority: refused (metadata was invalid)',
        ]);
      } finally {
        await stopProcess(server);
      }
    },
  );

  test(
    "the lesson client against a Python server that echoes the same way prints the lesson's output",
    BOUND,
    async () => {
      const server: Spawned = spawnProcess(PYTHON, [PEER, genDir, 'server']);
      try {
        const match = await waitFor(
          () => /listening on 127\.0\.0\.1:(\d+)/.exec(server.stdout()),
          'the Python server',
          20_000,
        );
        const { runClient } = await importClient();
        const { lines, error } = await printed(() => runClient({ target: `127.0.0.1:${match[1]}` }));
        assert.equal(error, undefined);
        assert.deepEqual(lines, LESSON.output);
      } finally {
        await stopProcess(server);
      }
    },
  );
});

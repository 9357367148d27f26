// Lesson 10: flow control. Judged where the work happens: the Download
// handler's writes, watched from outside the lesson code (what write()
// returned, how much the call held, what was written while it was full); the
// messages each call's server received by the time the client half-closed;
// and Python grpcio as the slow reader. Counters only: timings and memory
// figures belong to `npm run bench`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import type { LessonClientModule, LessonServerModule } from '../src/lessons.js';
import { PROTO_DIR, loadDefinition } from '../src/proto.js';
import { listen, shutdown } from '../src/runtime/serve.js';
import type { ProtoGrpcType } from '../src/generated/flowcontrol.js';
import type { Chunk__Output } from '../src/generated/rpc_package/Chunk.js';
import type { FlowControlServiceClient } from '../src/generated/rpc_package/FlowControlService.js';
import {
  PYTHON,
  ROOT,
  lesson,
  pythonGrpcMissing,
  stalledCall,
  waitFor,
  generatePythonCode,
  skipWhenMissing,
} from './helpers.js';

const LESSON = lesson('10');
const BOUND = { timeout: 20_000 };
/** What grpc-js's server call holds before write() returns false: its highWaterMark, in messages. */
const HIGH_WATER_MARK = 16;
const DOWNLOAD = '/rpc_package.FlowControlService/Download';

const { rpc_package } = grpc.loadPackageDefinition(
  loadDefinition(`${PROTO_DIR}flowcontrol.proto`),
) as unknown as ProtoGrpcType;
const downloadRequest = (request: { count: number; chunk_bytes: number; ignore_backpressure?: boolean }) =>
  rpc_package.FlowControlService.service.Download.requestSerialize(request) as Buffer;

/** What one Download handler did, seen from outside it. */
interface ProducerRecord {
  call: grpc.ServerWritableStream<unknown, unknown>;
  writes: number;
  /** write() calls made after one returned false and before 'drain'. */
  writesWhileFull: number;
  /** The most chunks the call held (writableLength after each write). */
  mostHeld: number;
  /** The last write() returned false and no 'drain' has come since. */
  full: boolean;
  cancelled: boolean;
  writesAfterCancel: number;
  /** The handler's promise settled: it has stopped producing. */
  settled: boolean;
}

/** What one Upload handler did: whether it ended, and whether it answered. */
interface ConsumerRecord {
  cancelled: boolean;
  settled: boolean;
  answered: boolean;
}

/** What the server received on one call, counted by an interceptor outside the lesson's code. */
interface Arrival {
  method: string;
  received: number;
}

interface FlowServer {
  port: number;
  downloads: ProducerRecord[];
  uploads: ConsumerRecord[];
  arrivals: Arrival[];
  /** What the lesson server printed (its progress lines). */
  log: string[];
  stop(): Promise<void>;
}

const importServer = async (path = LESSON.serverPath) => (await import(pathToFileURL(path).href)) as LessonServerModule;
const importClient = async (path = LESSON.clientPath) =>
  (await import(pathToFileURL(path).href)) as LessonClientModule & {
    greetOneByOne(client: unknown, names: string[]): Promise<string>;
  };

/** The lesson's server in this process, its Download handler watched, its arrivals counted, its lines kept. */
async function startFlowServer(module?: LessonServerModule): Promise<FlowServer> {
  const { createServer } = module ?? (await importServer());
  const downloads: ProducerRecord[] = [];
  const uploads: ConsumerRecord[] = [];
  const arrivals: Arrival[] = [];
  const countArrivals: grpc.ServerInterceptor = (methodDefinition, call) => {
    const arrival = { method: methodDefinition.path.slice(methodDefinition.path.lastIndexOf('/') + 1), received: 0 };
    arrivals.push(arrival);
    return new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMessage(message, nextMessage) {
            arrival.received += 1;
            nextMessage(message);
          },
        }),
    });
  };
  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (this: grpc.Server, service, implementation) {
    const download = implementation.Download as ((call: ProducerRecord['call']) => unknown) | undefined;
    addService.call(
      this,
      service,
      download
        ? {
            ...implementation,
            Download: watchProducer(download, downloads),
            Upload: watchConsumer(implementation.Upload as ConsumerHandler, uploads),
          }
        : implementation,
    );
  };
  let server: grpc.Server;
  try {
    server = createServer({ interceptors: [countArrivals] });
  } finally {
    grpc.Server.prototype.addService = addService;
  }
  const log: string[] = [];
  const consoleLog = console.log;
  console.log = (...args: unknown[]) => log.push(args.join(' '));
  const port = await listen(server, '127.0.0.1', 0);
  return {
    port,
    downloads,
    uploads,
    arrivals,
    log,
    stop: async () => {
      await shutdown(server, 500);
      console.log = consoleLog;
    },
  };
}

function watchProducer(handler: (call: ProducerRecord['call']) => unknown, records: ProducerRecord[]) {
  return (call: ProducerRecord['call']) => {
    const record: ProducerRecord = {
      call,
      writes: 0,
      writesWhileFull: 0,
      mostHeld: 0,
      full: false,
      cancelled: false,
      writesAfterCancel: 0,
      settled: false,
    };
    records.push(record);
    // Before the handler's own listeners, so these run first.
    call.on('cancelled', () => (record.cancelled = true));
    call.on('drain', () => (record.full = false));
    const write = call.write;
    call.write = function (this: unknown, ...args: unknown[]) {
      record.writes += 1;
      if (record.full) record.writesWhileFull += 1;
      if (record.cancelled) record.writesAfterCancel += 1;
      const ok = (write as (...all: unknown[]) => boolean).apply(this, args);
      if (!ok) record.full = true;
      record.mostHeld = Math.max(record.mostHeld, call.writableLength);
      return ok;
    } as typeof call.write;
    const result = handler(call);
    void Promise.resolve(result).finally(() => (record.settled = true));
    return result;
  };
}

type ConsumerHandler = (
  call: grpc.ServerReadableStream<unknown, unknown>,
  callback: grpc.sendUnaryData<unknown>,
) => unknown;

function watchConsumer(handler: ConsumerHandler, records: ConsumerRecord[]): ConsumerHandler {
  return (call, callback) => {
    const record: ConsumerRecord = { cancelled: false, settled: false, answered: false };
    records.push(record);
    call.on('cancelled', () => (record.cancelled = true));
    const result = handler(call, (...args: Parameters<typeof callback>) => {
      record.answered = true;
      callback(...args);
    });
    void Promise.resolve(result).finally(() => (record.settled = true));
    return result;
  };
}

/** Waits until the handler waits for 'drain' and has written nothing more for a while: the client is holding it back. */
async function stalled(record: ProducerRecord): Promise<void> {
  let last = -1;
  let still = 0;
  await waitFor(() => {
    if (!record.full || record.settled) still = 0;
    else still = record.writes === last ? still + 1 : 0;
    last = record.writes;
    return still >= 20;
  }, 'the server to wait for drain, its writes stopped');
}

/** The record of the first Download to arrive after the `earlier` ones. */
const nextDownload = (server: FlowServer, earlier: number) =>
  waitFor(() => server.downloads[earlier], 'the call to reach Download');

const flowClient = (port: number, options: grpc.ChannelOptions = {}): FlowControlServiceClient =>
  new rpc_package.FlowControlService(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), options);

describe('lesson 10: Download, the server producing for a client that stops reading', () => {
  let server: FlowServer;
  before(async () => (server = await startFlowServer()));
  after(() => server.stop());

  test(
    'respecting backpressure: the server stops writing, holds at most 16 chunks, and finishes once the client reads',
    BOUND,
    async () => {
      const count = 5_000;
      const earlier = server.downloads.length;
      const client = stalledCall(server.port, DOWNLOAD);
      try {
        await client.send(downloadRequest({ count, chunk_bytes: 1024 }));
        client.stream.end();
        const record = await nextDownload(server, earlier);
        await stalled(record);
        assert.ok(
          record.writes < count / 10,
          `${record.writes} of ${count} chunks written for a client that reads nothing`,
        );
        assert.ok(record.mostHeld <= HIGH_WATER_MARK, `the server held ${record.mostHeld} chunks`);
        assert.equal(record.writesWhileFull, 0);
        client.resume();
        await waitFor(() => client.status(), 'the stream to end');
        assert.equal(client.status(), String(grpc.status.OK));
        assert.equal(record.writes, count);
        assert.ok(record.mostHeld <= HIGH_WATER_MARK, `the server held ${record.mostHeld} chunks`);
        assert.equal(record.writesWhileFull, 0, 'chunks written after write() had said false');
      } finally {
        client.close();
      }
    },
  );

  test(
    'ignoring it (ignore_backpressure): every chunk is written at once and held, all but 16 after write() said false',
    BOUND,
    async () => {
      const count = 5_000;
      const earlier = server.downloads.length;
      const client = stalledCall(server.port, DOWNLOAD);
      try {
        await client.send(downloadRequest({ count, chunk_bytes: 1024, ignore_backpressure: true }));
        client.stream.end();
        const record = await nextDownload(server, earlier);
        await waitFor(() => record.settled, 'the handler to finish writing');
        assert.equal(record.writes, count, 'the client read nothing, and still every chunk was written');
        assert.equal(record.writesWhileFull, count - HIGH_WATER_MARK);
        assert.equal(record.mostHeld, count);
        client.resume();
        await waitFor(() => client.status(), 'the stream to end');
        assert.equal(client.status(), String(grpc.status.OK));
      } finally {
        client.close();
      }
    },
  );

  test(
    'a cancel while the server waits for drain: the handler returns at once, with no write after it',
    BOUND,
    async () => {
      const earlier = server.downloads.length;
      const client = stalledCall(server.port, DOWNLOAD);
      try {
        await client.send(downloadRequest({ count: 100_000, chunk_bytes: 1024 }));
        client.stream.end();
        const record = await nextDownload(server, earlier);
        await waitFor(() => record.full && record.writes > 3 * HIGH_WATER_MARK, 'the server to wait for drain');
        client.cancel();
        await waitFor(() => record.cancelled, 'the server to see the cancel');
        await waitFor(() => record.settled, 'the handler to return', 2_000);
        assert.equal(record.writesAfterCancel, 0);
        await waitFor(
          () => server.log.find((line) => /^Download \d+: cancelled after \d+ of 100000 written$/.test(line)),
          "the server's line for the cancelled download",
        );
      } finally {
        client.close();
      }
    },
  );

  test(
    'a grpc-js client that has not asked for a first chunk takes in everything: the server writes all of it',
    BOUND,
    async () => {
      const count = 2_000;
      const earlier = server.downloads.length;
      const client = flowClient(server.port);
      try {
        const call = client.Download({ count, chunk_bytes: 1024 }, { deadline: Date.now() + 10_000 });
        const record = await nextDownload(server, earlier);
        // Nothing has read the call: no 'data' listener, no iterator.
        await waitFor(() => record.settled, 'the server to finish writing for a client that read nothing');
        assert.equal(record.writes, count);
        assert.ok(record.mostHeld <= HIGH_WATER_MARK);
        let read = 0;
        for await (const _chunk of call as AsyncIterable<Chunk__Output>) read += 1;
        assert.equal(read, count);
      } finally {
        client.close();
      }
    },
  );
});

describe('lesson 10: Upload, the server as the slow consumer', () => {
  test('a client that cancels mid-upload: the handler stops reading at once and answers nobody', BOUND, async () => {
    const server = await startFlowServer();
    const client = flowClient(server.port, { 'grpc.per_rpc_retry_buffer_size': 1024 });
    try {
      let error: grpc.ServiceError | undefined;
      const call = client.Upload({ deadline: Date.now() + 10_000 }, (failed) => (error = failed ?? undefined));
      let stopped = false;
      void (async () => {
        for (let sequence = 1; !stopped && sequence <= 100_000; sequence++)
          if (!call.write({ sequence, data: Buffer.alloc(1024) })) await once(call, 'drain').catch(() => {});
      })();
      const arrival = await waitFor(() => server.arrivals.find((one) => one.method === 'Upload'), 'the upload');
      await waitFor(() => arrival.received > 3 * HIGH_WATER_MARK, 'the server to read some chunks');
      stopped = true;
      call.cancel();
      const record = server.uploads[0];
      await waitFor(() => record.cancelled, 'the server to see the cancel');
      await waitFor(() => record.settled, 'the handler to return', 2_000);
      assert.equal(record.answered, false, 'the handler answered a cancelled call');
      await waitFor(() => error, 'the client to see its call end');
      assert.equal(error!.code, grpc.status.CANCELLED);
      assert.ok(!server.log.some((line) => /^Upload \d+: \d+ chunks read \(/.test(line)), server.log.join('\n'));
    } finally {
      client.close();
      await server.stop();
    }
  });
});

describe("lesson 10: the client's streams wait for the server (the retry buffer)", () => {
  let server: FlowServer;
  /** What the server had received on a call when the client half-closed it, by method, in call order. */
  const atHalfClose: { method: string; received: number }[] = [];
  let createCall: typeof grpc.Channel.prototype.createCall;
  let lines: string[] = [];
  before(async () => {
    server = await startFlowServer();
    // The channel's call is below the client's Writable and the retry layer
    // above the transport: its halfClose() comes once grpc-js has accepted
    // every write, which is when the writer's own loop is done.
    createCall = grpc.Channel.prototype.createCall;
    grpc.Channel.prototype.createCall = function (this: grpc.Channel, path: string, ...rest: unknown[]) {
      const call = (createCall as (...all: unknown[]) => { halfClose(): void }).call(this, path, ...rest);
      const method = path.slice(path.lastIndexOf('/') + 1);
      // Calls are made one after another: this one is the first of its method to arrive from now on.
      const earlier = server.arrivals.length;
      const halfClose = call.halfClose.bind(call);
      call.halfClose = () => {
        const arrival = server.arrivals.slice(earlier).find((one) => one.method === method);
        atHalfClose.push({ method, received: arrival?.received ?? 0 });
        halfClose();
      };
      return call;
    } as typeof createCall;
    const { runClient } = await importClient();
    const from = server.log.length;
    await runClient({ target: `127.0.0.1:${server.port}` });
    lines = server.log.slice(from);
  });
  after(async () => {
    grpc.Channel.prototype.createCall = createCall;
    await server.stop();
  });

  test('the lesson client prints its lines (the list entry holds them) and the server read every chunk', () => {
    for (const line of LESSON.output) assert.ok(lines.includes(line), `missing: ${line}`);
    const uploads = server.arrivals.filter((arrival) => arrival.method === 'Upload');
    assert.deepEqual(
      uploads.map((arrival) => arrival.received),
      [200, 200],
    );
  });

  test("with the lesson's small retry buffer, each client stream half-closes after the server has received part of it", () => {
    const closes = atHalfClose.filter((close) => close.method === 'Upload' || close.method === 'LotsOfGreetings');
    assert.deepEqual(
      closes.map((close) => close.method),
      ['Upload', 'Upload', 'LotsOfGreetings'],
    );
    // 200 chunks of 1 KiB do not fit in the HTTP/2 window and the buffers
    // around it: a writer held back by the server half-closes after the
    // server has received some. One that runs ahead half-closes before.
    for (const close of closes)
      assert.ok(close.received > 0, `${close.method}: the client was done before the server received anything`);
  });

  test('the batched call carries the same names in a hundredth of the messages', () => {
    const batches = server.arrivals.filter((arrival) => arrival.method === 'LotsOfGreetingBatches').at(-1);
    const single = server.arrivals.filter((arrival) => arrival.method === 'LotsOfGreetings').at(-1);
    assert.equal(single?.received, 1_000);
    assert.equal(batches?.received, 10);
    assert.ok(lines.includes('LotsOfGreetingBatches, 10 messages: Hello, all 1000 of you!'));
  });

  test('a default channel accepts a whole stream of 1,000 names before the server has received one', async () => {
    const { greetOneByOne } = await importClient();
    const hello = new rpc_package.HelloWorldService(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
    try {
      const from = atHalfClose.length;
      const names = Array.from({ length: 1_000 }, (_, index) => `name ${index + 1}`);
      assert.equal(await greetOneByOne(hello, names), 'Hello, all 1000 of you!');
      assert.deepEqual(atHalfClose.slice(from), [{ method: 'LotsOfGreetings', received: 0 }]);
    } finally {
      hello.close();
    }
  });
});

const missing = pythonGrpcMissing();
if (missing) console.log(`# SKIPPING lesson 10's Python slow reader: ${missing}`);

describe('lesson 10 and Python grpcio as the slow reader', { skip: skipWhenMissing(missing) }, () => {
  let genDir = '';
  /** test/python/lesson_10.py, with a stdin of its own: a line there tells the slow reader to read on. */
  const spawnPython = (args: string[]) => {
    const child = spawn(PYTHON, [join(ROOT, 'test/python/lesson_10.py'), genDir, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (err += text));
    const exited = new Promise<{ code: number | null }>((resolve) => child.on('close', (code) => resolve({ code })));
    return { child, stdout: () => out, stderr: () => err, exited };
  };
  before(() => {
    genDir = mkdtempSync(join(tmpdir(), 'lesson-10-py-'));
    generatePythonCode(genDir, [join(PROTO_DIR, 'flowcontrol.proto'), join(PROTO_DIR, 'helloworld.proto')]);
  });
  after(() => rmSync(genDir, { recursive: true, force: true }));

  test(
    'a Python client that stops reading holds the server back; the server never holds more than 16 chunks',
    BOUND,
    async () => {
      const count = 20_000;
      const server = await startFlowServer();
      const reader = spawnPython(['slow-reader', `127.0.0.1:${server.port}`, String(count)]);
      try {
        await waitFor(() => reader.stdout().startsWith('first'), 'Python to read its first chunk');
        const record = server.downloads[0];
        await stalled(record);
        // grpcio reads ahead into a window of its own (a few MiB), then stops.
        assert.ok(record.writes < count, `all ${count} chunks were written while Python read one`);
        assert.ok(record.mostHeld <= HIGH_WATER_MARK, `the server held ${record.mostHeld} chunks`);
        reader.child.stdin!.write('go\n');
        const { code } = await reader.exited;
        assert.equal(code, 0, reader.stderr());
        assert.deepEqual(reader.stdout().trimEnd().split('\n'), [
          'first',
          `read ${count} chunks of 1024 bytes, in order`,
          `x-held-at-most: ${HIGH_WATER_MARK}`,
          `x-drain-waits: ${Math.floor(count / HIGH_WATER_MARK)}`,
          'x-written-while-full: 0',
        ]);
        assert.equal(record.writes, count);
        assert.equal(record.writesWhileFull, 0);
      } finally {
        reader.child.kill();
        await reader.exited;
        await server.stop();
      }
    },
  );
});

describe('lesson 10 "What to try": the live run, done to a copy of client.ts', () => {
  let project = '';
  before(() => {
    // Laid out as in the repository, so '../../protos' is found; the packages linked, not installed.
    project = mkdtempSync(join(tmpdir(), 'lesson-10-try-'));
    mkdirSync(join(project, 'lessons', LESSON.slug), { recursive: true });
    cpSync(PROTO_DIR, join(project, 'protos'), { recursive: true });
    mkdirSync(join(project, 'node_modules/@grpc'), { recursive: true });
    for (const name of ['@grpc/grpc-js', '@grpc/proto-loader'])
      symlinkSync(join(ROOT, 'node_modules', name), join(project, 'node_modules', name));
    writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
  });
  after(() => rmSync(project, { recursive: true, force: true }));

  /** client.ts with each `const NAME = value;` given a new value. */
  const copyClient = (values: Record<string, string>) => {
    let source = readFileSync(LESSON.clientPath, 'utf8');
    for (const [name, value] of Object.entries(values)) {
      const pattern = new RegExp(`^const ${name} = [^;]+;$`, 'm');
      assert.match(source, pattern, `client.ts no longer has const ${name}`);
      source = source.replace(pattern, `const ${name} = ${value};`);
    }
    const path = join(project, 'lessons', LESSON.slug, 'client.ts');
    writeFileSync(path, source);
    return path;
  };

  test(
    'WATCH_SECONDS and WATCH_IGNORING_BACKPRESSURE: both ends print as they go, and the held chunks climb past 16',
    BOUND,
    async () => {
      const { runClient } = await importClient(
        copyClient({ WATCH_SECONDS: '0.6', WATCH_IGNORING_BACKPRESSURE: 'true' }),
      );
      const server = await startFlowServer();
      try {
        await runClient({ target: `127.0.0.1:${server.port}` });
        const numbers = (pattern: RegExp) =>
          server.log.flatMap((line) => {
            const match = pattern.exec(line);
            return match ? [Number(match[1])] : [];
          });
        // The client's lines: the reader's rate, then the writer's backlog.
        assert.ok(numbers(/^Download: (\d+)\/600 read, \d+ waiting, \d+\/s$/).length > 0, server.log.join('\n'));
        assert.ok(server.log.includes('Download: all 600 read'));
        const clientHeld = numbers(/^Upload: holds (\d+), 600\/600 written, \d+\/s$/);
        assert.ok(Math.max(...clientHeld) > HIGH_WATER_MARK, `the client held ${clientHeld.join(', ')}`);
        assert.ok(server.log.includes('Upload: all 600 written and read'));
        // The server's: everything written at once, held while the client reads.
        const serverHeld = numbers(
          /^Download \d+ \(ignoring\): holds (\d+)\/16 \([\d.]+ [KM]iB\), 600\/600 written, \d+\/s$/,
        );
        assert.ok(Math.max(...serverHeld) > HIGH_WATER_MARK, `the server held ${serverHeld.join(', ')}`);
        assert.equal(server.downloads[0].writesWhileFull, 600 - HIGH_WATER_MARK);
      } finally {
        await server.stop();
      }
    },
  );
});

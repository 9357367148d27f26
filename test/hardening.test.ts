// Lesson servers against hostile clients, judged from the server's side: what
// each handler did after the client went away or stopped reading (seen by
// wrapping the lesson's handlers from outside, see startObservedLessonServer),
// and the call-log line every call leaves, however it ended.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request as httpRequest, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { callLogger } from '../src/runtime/call-log.js';
import { shutdown } from '../src/runtime/serve.js';
import { loadHelloWorld } from '../src/proto.js';
import { annotate, messageTypeOf } from '../src/instrument/wire-format.js';
import type { HelloWorldServiceClient } from '../src/generated/rpc_package/HelloWorldService.js';
import type { HelloReply__Output } from '../src/generated/rpc_package/HelloReply.js';
import {
  deadlineIn,
  grpcFrame,
  helloClient,
  lesson,
  rawBidi,
  rawClient,
  rawUnary,
  stalledCall,
  startObservedLessonServer,
  waitFor,
  type HandlerRecord,
  type ObservedServer,
} from './helpers.js';

/** Every test here ends in a few seconds; a hang fails by name. */
const BOUND = { timeout: 20_000 };
/** How long a handler may take to let go of a call that ended: "at once", with room for a loaded machine. */
const PROMPTLY_MS = 2_000;
/** Replies a server may hold for a client that stopped reading: the stream's own buffer (16), not the whole stream. */
const MAX_BUFFERED = 32;

const SERVICE = '/rpc_package.HelloWorldService';
const { rpc_package } = loadHelloWorld();
const methods = rpc_package.HelloWorldService.service;
const helloRequest = (request: { name?: string; reply_count?: number; interval_ms?: number }) =>
  methods.SayHello.requestSerialize(request) as Buffer;

/** A server whose call log goes to an array, with the logger first, where `npm run server` puts it. */
async function loggedServer(ref: string): Promise<ObservedServer & { log: string[] }> {
  const log: string[] = [];
  const server = await startObservedLessonServer(ref, { interceptors: [callLogger((line) => log.push(line))] });
  return Object.assign(server, { log });
}

/** The status that ends a call (events.once would reject on the 'error' event that comes first). */
const statusOf = (call: NodeJS.EventEmitter) =>
  new Promise<grpc.StatusObject>((resolve) => call.once('status', resolve));
const logLine = (server: { log: string[] }, pattern: RegExp) =>
  waitFor(() => server.log.find((line) => pattern.test(line)), `a call-log line matching ${pattern}`).catch(
    (error: Error) => {
      throw new Error(`${error.message}; the log has: ${server.log.join(' | ')}`);
    },
  );
const nextRecord = (server: ObservedServer, count: number) =>
  waitFor(() => server.calls[count], 'the call to reach its handler');
const ignoreErrors = <T extends NodeJS.EventEmitter>(call: T): T => {
  call.on('error', () => {});
  return call;
};

describe('lesson 02: a call that ends early frees its handler at once', () => {
  let server: ObservedServer & { log: string[] };
  let client: HelloWorldServiceClient;
  before(async () => {
    server = await loggedServer('02');
    client = helloClient(server.port);
  });
  after(async () => {
    client.close();
    await server.stop();
  });

  test(
    'a cancel during the pause between replies ends the handler at once, with no write after it',
    BOUND,
    async () => {
      const count = server.calls.length;
      const call = ignoreErrors(
        client.LotsOfReplies({ name: 'Ada', reply_count: 3, interval_ms: 60_000 }, deadlineIn(120_000)),
      );
      await once(call, 'data');
      const record = await nextRecord(server, count);
      call.cancel();
      await waitFor(() => record.cancelledAt, 'the server to see the cancel');
      await waitFor(() => record.settledAt, 'the handler to return', PROMPTLY_MS);
      assert.equal(record.writes, 1);
      assert.equal(record.writesAfterCancel, 0);
      assert.match(await logLine(server, /^LotsOfReplies .*: CANCELLED/), /\(0 in|1 in/);
    },
  );

  test(
    'a deadline that passes during a pause ends the handler at once, and the log says DEADLINE_EXCEEDED',
    BOUND,
    async () => {
      const count = server.calls.length;
      const call = ignoreErrors(
        client.LotsOfReplies({ name: 'Ada', reply_count: 3, interval_ms: 60_000 }, deadlineIn(300)),
      );
      const record = await nextRecord(server, count);
      const [error] = (await once(call, 'error')) as [grpc.ServiceError];
      assert.equal(error.code, grpc.status.DEADLINE_EXCEEDED);
      await waitFor(() => record.settledAt, 'the handler to return after the deadline', PROMPTLY_MS + 300);
      assert.equal(record.writesAfterCancel, 0);
      await logLine(server, /^LotsOfReplies from 127\.0\.0\.1:\d+: DEADLINE_EXCEEDED/);
    },
  );

  test(
    'a cancel while the handler waits for a client that stopped reading: no write after it, the handler returns',
    BOUND,
    async () => {
      const count = server.calls.length;
      const stalled = stalledCall(server.port, `${SERVICE}/LotsOfReplies`);
      try {
        await stalled.send(helloRequest({ name: 'Ada', reply_count: 1_000_000 }));
        stalled.stream.end();
        const record = await nextRecord(server, count);
        await waitFor(() => record.full && record.writes > 100, 'the server to fill the flow-control window and wait');
        stalled.cancel();
        await waitFor(() => record.cancelledAt, 'the server to see the cancel');
        await waitFor(() => record.settledAt, 'the handler to return', PROMPTLY_MS);
        assert.equal(record.writesAfterCancel, 0, 'the handler kept writing to a cancelled call');
      } finally {
        stalled.close();
      }
    },
  );

  test('shutdown with a call in flight: the paused handler is cut short, not left sleeping', BOUND, async () => {
    const own = await loggedServer('02');
    const ownClient = helloClient(own.port);
    try {
      const call = ignoreErrors(
        ownClient.LotsOfReplies({ name: 'Ada', reply_count: 3, interval_ms: 60_000 }, deadlineIn(120_000)),
      );
      await once(call, 'data');
      const record = await nextRecord(own, 0);
      const status = statusOf(call);
      await shutdown(own.server, 300);
      const { code } = await status;
      assert.notEqual(code, grpc.status.OK);
      await waitFor(() => record.settledAt, 'the handler to return after the shutdown', PROMPTLY_MS);
      assert.equal(record.writesAfterCancel, 0);
    } finally {
      ownClient.close();
      own.server.forceShutdown();
    }
  });
});

describe('a client that stops reading: the server holds a bounded number of replies', () => {
  for (const ref of ['02', '05']) {
    test(
      `lesson ${ref}: LotsOfReplies waits for the client instead of buffering the stream, and finishes once it reads again`,
      BOUND,
      async () => {
        const server = await startObservedLessonServer(ref);
        const stalled = stalledCall(server.port, `${SERVICE}/LotsOfReplies`);
        try {
          const count = 20_000;
          await stalled.send(helloRequest({ name: 'Ada', reply_count: count }));
          stalled.stream.end();
          const record = await nextRecord(server, 0);
          // Fixed code gets here with the HTTP/2 window full and waits for 'drain'; code
          // that ignores write()'s false wrote every reply into its buffer at once.
          await waitFor(
            () => record.settledAt || (record.full && record.writes > 100),
            'the server to wait for the client, or to finish',
          );
          assert.ok(
            record.maxBuffered <= MAX_BUFFERED,
            `the server buffered ${record.maxBuffered} replies for a client that reads nothing`,
          );
          assert.ok(record.writes < count, `all ${count} replies were written while the client read nothing`);
          stalled.resume();
          await waitFor(() => stalled.status(), 'the stream to end');
          assert.equal(stalled.status(), String(grpc.status.OK));
          assert.equal(record.writes, count);
          assert.ok(record.maxBuffered <= MAX_BUFFERED, `the server buffered ${record.maxBuffered} replies`);
        } finally {
          stalled.close();
          await server.stop();
        }
      },
    );
  }

  test(
    'lesson 04: BidiHello stops reading requests while its replies wait, and answers them all once the client reads',
    BOUND,
    async () => {
      const server = await startObservedLessonServer('04');
      const stalled = stalledCall(server.port, `${SERVICE}/BidiHello`);
      try {
        const count = 5_000;
        const request = helloRequest({ name: 'x'.repeat(1024) });
        let sent = 0;
        const sending = (async () => {
          for (; sent < count; sent++) if (!(await stalled.send(request))) return;
          stalled.stream.end();
        })();
        const record = await nextRecord(server, 0);
        // Fixed code pauses the request stream once its reply side is full; code
        // that does not keeps reading, and buffers a reply for every request.
        await waitFor(
          () => record.call.isPaused?.() || record.received === count,
          'the server to pause, or to read every request',
        );
        assert.ok(
          record.maxBuffered <= MAX_BUFFERED,
          `the server buffered ${record.maxBuffered} replies for a client that reads nothing`,
        );
        assert.ok(record.received < count, `the server read all ${count} requests while the client read nothing`);
        stalled.resume();
        await sending;
        await waitFor(() => stalled.status(), 'the stream to end');
        assert.equal(stalled.status(), String(grpc.status.OK));
        assert.equal(record.writes, count);
        assert.ok(record.maxBuffered <= MAX_BUFFERED, `the server buffered ${record.maxBuffered} replies`);
      } finally {
        stalled.close();
        await server.stop();
      }
    },
  );
});

describe('malformed, oversized and expired requests: a status for the client, a call-log line, and no handler run', () => {
  let server: ObservedServer & { log: string[] };
  let raw: grpc.Client;
  let client: HelloWorldServiceClient;
  before(async () => {
    server = await loggedServer('01');
    raw = rawClient(server.port);
    client = helloClient(server.port);
  });
  after(async () => {
    raw.close();
    client.close();
    await server.stop();
  });

  const stillAnswers = () =>
    new Promise<string>((resolve, reject) =>
      client.SayHello({ name: 'Ada' }, deadlineIn(), (error, reply) =>
        error ? reject(error) : resolve(reply!.message),
      ),
    );

  test('bytes that do not decode (wire type 7): INTERNAL, logged as INTERNAL', BOUND, async () => {
    const count = server.calls.length;
    const result = await rawUnary(raw, `${SERVICE}/SayHello`, Buffer.from('0f', 'hex'));
    assert.equal(result.code, grpc.status.INTERNAL);
    await logLine(server, /^SayHello from 127\.0\.0\.1:\d+: INTERNAL: Error deserializing request \(0 in, 0 out/);
    assert.equal(server.calls.length, count, 'the handler ran for bytes that do not decode');
    assert.equal(await stillAnswers(), 'Hello, Ada!');
  });

  test('a message over the 4 MiB limit: RESOURCE_EXHAUSTED, logged as RESOURCE_EXHAUSTED', BOUND, async () => {
    const count = server.calls.length;
    const result = await rawUnary(
      raw,
      `${SERVICE}/SayHello`,
      Buffer.concat([Buffer.from('0a8080c002', 'hex'), Buffer.alloc(5 * 1024 * 1024, 0x41)]),
    );
    assert.equal(result.code, grpc.status.RESOURCE_EXHAUSTED);
    await logLine(server, /^SayHello from 127\.0\.0\.1:\d+: RESOURCE_EXHAUSTED: .*larger than max/);
    assert.equal(server.calls.length, count);
    assert.equal(await stillAnswers(), 'Hello, Ada!');
  });

  test(
    'a prefix that declares 4 GiB: RESOURCE_EXHAUSTED at once, without waiting for (or buffering) the bytes',
    BOUND,
    async () => {
      const stalled = stalledCall(server.port, `${SERVICE}/SayHello`);
      try {
        stalled.stream.write(grpcFrame(Buffer.alloc(16), 0xffff_ffff));
        stalled.resume();
        await waitFor(() => stalled.status(), 'a status');
        assert.equal(stalled.status(), String(grpc.status.RESOURCE_EXHAUSTED));
        await logLine(server, /RESOURCE_EXHAUSTED: .*4294967295/);
      } finally {
        stalled.close();
      }
    },
  );

  test(
    'a truncated string (0a 64 61 62): protobufjs reads the 2 bytes there; the wire view marks the field TRUNCATED',
    BOUND,
    async () => {
      // The lesson servers use proto-loader's decoder like any grpc-js service,
      // and it accepts this: they do not reject it either. What the tutorial
      // owes the learner is to show it, which the wire view does.
      const bytes = Buffer.from('0a646162', 'hex');
      const result = await rawUnary(raw, `${SERVICE}/SayHello`, bytes);
      assert.equal(
        result.code,
        grpc.status.OK,
        'protobufjs now rejects truncated strings: the lesson text and this test can say so',
      );
      assert.equal(methods.SayHello.responseDeserialize(result.reply!).message, 'Hello, ab!');
      const [row, ...rest] = annotate(bytes, messageTypeOf(`${SERVICE}/SayHello`, 'client->server'));
      assert.deepEqual(rest, []);
      assert.equal(row.truncated, true);
      assert.match(row.value, /^"ab" TRUNCATED: the length says 100 bytes, 2 follow$/);
    },
  );

  test(
    'a deadline that passes while the handler waits (client stream never half-closed): logged as DEADLINE_EXCEEDED',
    BOUND,
    async () => {
      const streaming = await loggedServer('03');
      const streamingClient = helloClient(streaming.port);
      try {
        const call = streamingClient.LotsOfGreetings(deadlineIn(300), () => {});
        call.write({ name: 'Ada' });
        await logLine(streaming, /^LotsOfGreetings from 127\.0\.0\.1:\d+: DEADLINE_EXCEEDED.*\(1 in/);
      } finally {
        streamingClient.close();
        await streaming.stop();
      }
    },
  );
});

describe('cancelled client and bidi streams, seen from the server', () => {
  test(
    'lesson 03: a client stream cancelled midway is logged CANCELLED, and the client gets no reply',
    BOUND,
    async () => {
      const server = await loggedServer('03');
      const client = helloClient(server.port);
      try {
        let replied = false;
        const call = client.LotsOfGreetings(deadlineIn(), (error) => (replied = !error));
        call.write({ name: 'Ada' });
        call.write({ name: 'Grace' });
        const record = await nextRecord(server, 0);
        await waitFor(() => record.received === 2, 'both names at the server');
        call.cancel();
        await waitFor(() => record.cancelledAt, 'the server to see the cancel');
        await logLine(server, /^LotsOfGreetings from 127\.0\.0\.1:\d+: CANCELLED: .*\(2 in/);
        assert.equal(replied, false);
        assert.equal(server.log.length, 1, server.log.join('\n'));
      } finally {
        client.close();
        await server.stop();
      }
    },
  );

  test('lesson 04: a bidi stream cancelled midway: no write after the cancel, logged CANCELLED', BOUND, async () => {
    const server = await loggedServer('04');
    const client = helloClient(server.port);
    try {
      const call = ignoreErrors(client.BidiHello(deadlineIn()));
      call.write({ name: 'Ada' });
      const [reply] = (await once(call, 'data')) as [HelloReply__Output];
      assert.equal(reply.message, 'Hello, Ada!');
      const record = await nextRecord(server, 0);
      call.cancel();
      await waitFor(() => record.cancelledAt, 'the server to see the cancel');
      await logLine(server, /^BidiHello from 127\.0\.0\.1:\d+: CANCELLED: .*\(1 in, 1 out/);
      assert.equal(record.writesAfterCancel, 0);
    } finally {
      client.close();
      await server.stop();
    }
  });

  test(
    'lesson 04: a malformed message in the middle of a bidi stream ends it with INTERNAL, logged, after one reply',
    BOUND,
    async () => {
      const server = await loggedServer('04');
      const raw = rawClient(server.port);
      try {
        const call = ignoreErrors(rawBidi(raw, `${SERVICE}/BidiHello`));
        call.write(helloRequest({ name: 'Ada' }));
        await once(call, 'data');
        const status = statusOf(call);
        call.write(Buffer.from('0f', 'hex'));
        const { code } = await status;
        assert.equal(code, grpc.status.INTERNAL);
        const record: HandlerRecord = server.calls[0];
        assert.equal(record.writes, 1);
        assert.equal(record.writesAfterCancel, 0);
        await logLine(server, /^BidiHello from 127\.0\.0\.1:\d+: INTERNAL: Error deserializing request \(1 in, 1 out/);
      } finally {
        raw.close();
        await server.stop();
      }
    },
  );
});

describe('the same request limits in every lesson', () => {
  for (const ref of ['02', '05']) {
    for (const replyCount of [1_000_001, 2_000_000_000]) {
      test(
        `lesson ${ref}: LotsOfReplies with reply_count ${replyCount} is INVALID_ARGUMENT, and nothing is written`,
        BOUND,
        async () => {
          const server = await startObservedLessonServer(ref);
          const client = helloClient(server.port);
          try {
            const call = client.LotsOfReplies({ name: 'Ada', reply_count: replyCount }, deadlineIn());
            call.on('data', () => {});
            const [error] = (await once(call, 'error')) as [grpc.ServiceError];
            assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
            assert.match(error.details, /reply_count must be 1\.\.1000000/);
            assert.equal(server.calls[0].writes, 0);
          } finally {
            client.close();
            await server.stop();
          }
        },
      );
    }
  }
});

describe("lesson 05's REST endpoint: limits and errors", () => {
  let rest: HttpServer;
  let port = 0;
  before(async () => {
    const { createRestServer } = (await import(pathToFileURL(lesson('5').serverPath).href)) as {
      createRestServer(): HttpServer;
    };
    rest = createRestServer();
    rest.listen(0, '127.0.0.1');
    await once(rest, 'listening');
    port = (rest.address() as AddressInfo).port;
  });
  after(() => {
    rest.closeAllConnections();
    rest.close();
  });

  /** One request on its own connection; resolves with the status, the Allow header and the body. */
  function call(method: string, path: string, body?: string | Buffer, headers: Record<string, string | number> = {}) {
    return new Promise<{ status: number; allow?: string; body: string }>((resolve, reject) => {
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          agent: false,
          headers: { 'content-type': 'application/json', ...headers },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode!, allow: response.headers.allow, body: text }),
          );
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  const MAX = 4 * 1024 * 1024;
  /** A valid hello body of exactly `size` bytes. */
  const helloOfSize = (size: number) => JSON.stringify({ name: 'x'.repeat(size - '{"name":""}'.length) });

  test('a body of exactly 4 MiB is accepted', BOUND, async () => {
    const { status, body } = await call('POST', '/v1/hello', helloOfSize(MAX));
    assert.equal(status, 200);
    assert.match(body, /^\{"message":"Hello, x+!"\}$/);
  });

  test('a declared body one byte over 4 MiB is 413 before it is sent', BOUND, async () => {
    // Only the headers go out: the server must answer from content-length alone.
    const response = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/hello',
          agent: false,
          headers: { 'content-length': MAX + 1 },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      request.on('error', reject);
      request.flushHeaders();
    });
    assert.equal(response, 413);
  });

  test('a chunked body that grows past 4 MiB is 413 once it does, and the server stops reading', BOUND, async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let written = 0;
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/hello',
          agent: false,
          headers: { 'transfer-encoding': 'chunked' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      request.on('error', (error: NodeJS.ErrnoException) =>
        ['EPIPE', 'ECONNRESET'].includes(error.code ?? '') ? undefined : reject(error),
      );
      const pump = () => {
        // Far past the limit: a server that kept reading would take all of it.
        while (written < 64 * MAX && !request.destroyed) {
          written += chunk.length;
          if (!request.write(chunk)) return void request.once('drain', pump);
        }
      };
      pump();
    });
    assert.equal(status, 413);
    assert.ok(written < 4 * MAX, `the server read ${written} bytes before refusing`);
  });

  test('a wrong method is 405 with Allow: POST; an unknown path is 404', BOUND, async () => {
    const wrongMethod = await call('GET', '/v1/hello');
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.allow, 'POST');
    assert.equal((await call('POST', '/v1/nope', '{}')).status, 404);
  });

  test('a body of the wrong shape is 400 with a fixed message, never the error inside the server', BOUND, async () => {
    for (const [path, body] of [
      ['/v1/reports', '{"name":"Ada","readings":5}'],
      ['/v1/reports', '{"name":"Ada"}'],
      ['/v1/hello', 'null'],
      ['/v1/hello', '{"name":'],
    ] as const) {
      const response = await call('POST', path, body);
      assert.equal(response.status, 400, `${path} ${body}`);
      assert.doesNotMatch(
        response.body,
        /TypeError|Cannot read|is not a function|undefined|at \w+ \(|\.ts:/,
        `${path} ${body}: ${response.body}`,
      );
      assert.match(response.body, /^\{"error":"(the body does not have the expected shape|body is not JSON)"\}$/);
    }
    assert.equal((await call('POST', '/v1/hello', '{"name":"Ada"}')).body, '{"message":"Hello, Ada!"}');
  });
});

// The wire tap reports what crossed the wire, in order, for all four kinds of
// call, without any change to the lesson code: messages, headers, trailers,
// connection setup; and nothing that did not cross it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { loadHelloWorld } from '../src/proto.js';
import type { WireEvent } from '../src/instrument/events.js';
import type { HelloWorldServiceClient } from '../src/generated/rpc_package/HelloWorldService.js';
import { listen, shutdown } from '../src/runtime/serve.js';
import { installWireTap } from '../src/instrument/wiretap.js';
import { fileURLToPath } from 'node:url';
import { ATTACH, spawnScript, stopChild } from '../src/runner/child.js';
import { isListeningMessage } from '../src/instrument/ipc-sink.js';
import {
  deadlineIn,
  helloClient,
  startLessonServer,
  tapped,
  tappedRun,
  waitFor,
  type RunningServer,
} from './helpers.js';

/** The rows of a call in a compact form: what a learner reads down the timeline. */
function shape(events: WireEvent[]): string[] {
  return events.map((event) => {
    switch (event.type) {
      case 'message':
        return event.direction === 'client->server' ? 'send' : 'recv';
      case 'status':
        return `status ${event.codeName}`;
      case 'headers':
        return event.kind === 'request' ? 'request headers' : event.kind;
      case 'connectivity':
        return `channel ${event.state}`;
      default:
        return event.type;
    }
  });
}

const header = (event: WireEvent | undefined, name: string) =>
  event?.type === 'headers' ? event.headers.find(([key]) => key === name)?.[1] : undefined;

describe('wire tap: the four kinds of call', () => {
  const servers: RunningServer[] = [];
  const portOf: Record<string, number> = {};
  before(async () => {
    for (const ref of ['1', '2', '3', '4']) {
      const server = await startLessonServer(ref);
      servers.push(server);
      portOf[ref] = server.port;
    }
  });
  after(() => Promise.all(servers.map((server) => server.stop())));

  test('unary: connection setup, the connection, request headers, request, half-close, response headers, reply, trailers, status', async () => {
    const events = await tappedRun('1', portOf['1'], ['Ada']);
    assert.deepEqual(shape(events), [
      'call',
      'channel IDLE',
      'channel CONNECTING',
      'channel READY',
      'transport',
      'request headers',
      'send',
      'half-close',
      'response',
      'recv',
      'trailers',
      'status OK',
    ]);
    const [call] = events;
    assert.deepEqual(call, { ...call, method: '/rpc_package.HelloWorldService/SayHello', kind: 'unary' });
    const request = events.find((event) => event.type === 'message' && event.direction === 'client->server');
    assert.equal(request?.type === 'message' && request.preview, '{"name":"Ada"}');
    // HelloRequest{name:"Ada"} is field 1, wire type 2 (0x0a), length 3, then the UTF-8 bytes.
    assert.equal(request?.type === 'message' && Buffer.from(request.bytes!, 'base64').toString('hex'), '0a03416461');
    const reply = events.find((event) => event.type === 'message' && event.direction === 'server->client');
    // Only field 1 is encoded: proto3 leaves a zero sequence off the wire.
    assert.equal(reply?.type === 'message' && reply.size, 13);
    const requestHeaders = events.find((event) => event.type === 'headers' && event.kind === 'request');
    assert.equal(header(requestHeaders, ':path'), '/rpc_package.HelloWorldService/SayHello');
    assert.equal(header(requestHeaders, 'content-type'), 'application/grpc');
    assert.match(header(requestHeaders, 'grpc-timeout') ?? '', /^\d+m$/, 'the deadline travels as grpc-timeout');
    assert.equal(
      header(
        events.find((event) => event.type === 'headers' && event.kind === 'trailers'),
        'grpc-status',
      ),
      '0',
    );
  });

  test('server streaming: one request, five replies, then the trailers', async () => {
    const events = await tappedRun('2', portOf['2'], ['Ada']);
    assert.deepEqual(shape(events).slice(4), [
      'transport',
      'request headers',
      'send',
      'half-close',
      'response',
      'recv',
      'recv',
      'recv',
      'recv',
      'recv',
      'trailers',
      'status OK',
    ]);
    assert.equal(events[0].type === 'call' && events[0].kind, 'server-streaming');
    const times = events.filter((event) => event.type !== 'call').map((event) => (event as { ms: number }).ms);
    assert.deepEqual(
      [...times].sort((a, b) => a - b),
      times,
      'times are not increasing',
    );
  });

  test('client streaming: requests go out once the stream is open, then half-close, then the one reply', async () => {
    const events = await tappedRun('3', portOf['3'], ['Ada', 'Grace', 'Linus']);
    assert.deepEqual(shape(events).slice(4), [
      'transport',
      'request headers',
      'send',
      'send',
      'send',
      'half-close',
      'response',
      'recv',
      'trailers',
      'status OK',
    ]);
    assert.equal(events[0].type === 'call' && events[0].kind, 'client-streaming');
  });

  test('bidirectional ping-pong interleaves request and reply', async () => {
    const events = await tappedRun('4', portOf['4'], ['Ada', 'Grace', 'Linus']);
    assert.deepEqual(shape(events).slice(4), [
      'transport',
      'request headers',
      'send',
      'response',
      'recv',
      'send',
      'recv',
      'send',
      'recv',
      'half-close',
      'trailers',
      'status OK',
    ]);
    assert.equal(events[0].type === 'call' && events[0].kind, 'bidi-streaming');
  });

  test('a second call on a ready channel shows no connection setup', async () => {
    const client = helloClient(portOf['1']);
    try {
      const { events } = await tapped(async () => {
        for (const name of ['Ada', 'Grace']) {
          await new Promise<void>((resolve, reject) =>
            client.SayHello({ name }, deadlineIn(), (error) => (error ? reject(error) : resolve())),
          );
        }
      });
      const second = events.slice(events.map((event) => event.type).lastIndexOf('call'));
      assert.equal(second.filter((event) => event.type === 'connectivity').length, 0);
      assert.equal(events.filter((event) => event.type === 'connectivity').length, 3);
    } finally {
      client.close();
    }
  });
});

// Handlers that fail in each way a call can fail; each counts what it wrote,
// so the test can hold the timeline against what the server really sent.
function failingServer() {
  const written = { unary: 0, serverStream: 0, clientStream: 0, bidi: 0 };
  const { rpc_package } = loadHelloWorld();
  const server = new grpc.Server();
  server.addService(rpc_package.HelloWorldService.service, {
    SayHello: (call: grpc.ServerUnaryCall<{ name: string }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      if (call.request.name === 'silent') return; // never answers: the client's deadline ends the call
      if (call.request.name === 'throw') throw new Error('handler bug'); // grpc-js answers UNKNOWN
      callback({ code: grpc.status.INVALID_ARGUMENT, details: 'no' });
    },
    LotsOfReplies: (call: grpc.ServerWritableStream<unknown, unknown>) => {
      for (let sequence = 1; sequence <= 2; sequence++) {
        call.write({ message: `reply ${sequence}`, sequence });
        written.serverStream += 1;
      }
      call.emit('error', { code: grpc.status.ABORTED, details: 'stopped after two' });
    },
    LotsOfGreetings: (call: grpc.ServerReadableStream<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      call.once('data', () => callback({ code: grpc.status.FAILED_PRECONDITION, details: 'one is enough' }));
    },
    BidiHello: (call: grpc.ServerDuplexStream<unknown, unknown>) => {
      call.once('data', () => {
        call.write({ message: 'only one', sequence: 1 });
        written.bidi += 1;
        call.emit('error', { code: grpc.status.RESOURCE_EXHAUSTED, details: 'enough' });
      });
    },
  });
  return { server, written };
}

describe('wire tap: a failed call shows only what crossed the wire', () => {
  let port: number;
  let failing: ReturnType<typeof failingServer>;
  let client: HelloWorldServiceClient;
  // The tap sees the HTTP/2 streams of connections opened while it is on (as
  // in a lesson process, where it is on from the start): keep it on
  // throughout, and give each test the events of its own call.
  let all: WireEvent[] = [];
  let uninstall: () => void;
  const tapped = async (work: () => Promise<unknown>) => {
    const from = all.length;
    let error: unknown;
    await work().catch((caught: unknown) => (error = caught));
    return { events: all.slice(from), error };
  };
  before(async () => {
    uninstall = installWireTap((event) => all.push(event));
    failing = failingServer();
    port = await listen(failing.server, '127.0.0.1', 0);
    client = helloClient(port);
    // Connect first, so each test's timeline is that call alone.
    await new Promise<void>((resolve) => client.SayHello({ name: '' }, deadlineIn(), () => resolve()));
    all = [];
  });
  after(async () => {
    uninstall();
    client.close();
    await shutdown(failing.server, 200);
  });

  const received = (events: WireEvent[]) =>
    events.filter((event) => event.type === 'message' && event.direction === 'server->client').length;
  const unary = (name: string, ms = 5_000) =>
    new Promise<void>((resolve, reject) =>
      client.SayHello({ name }, deadlineIn(ms), (error) => (error ? reject(error) : resolve())),
    );

  test('unary error: a trailers-only response and no reply', async () => {
    const { events, error } = await tapped(() => unary(''));
    assert.equal((error as grpc.ServiceError).code, grpc.status.INVALID_ARGUMENT);
    assert.deepEqual(shape(events), [
      'call',
      'request headers',
      'send',
      'half-close',
      'trailers-only',
      'status INVALID_ARGUMENT',
    ]);
    assert.equal(header(events[4], 'grpc-status'), String(grpc.status.INVALID_ARGUMENT));
  });

  test('a handler that throws: UNKNOWN, trailers-only, no reply', async () => {
    const { events } = await tapped(() => unary('throw'));
    assert.equal(received(events), 0);
    assert.deepEqual(shape(events).slice(-2), ['trailers-only', 'status UNKNOWN']);
  });

  test('client-side deadline: the server sent nothing, and the timeline shows nothing from it', async () => {
    const { events, error } = await tapped(() => unary('silent', 300));
    assert.equal((error as grpc.ServiceError).code, grpc.status.DEADLINE_EXCEEDED);
    assert.deepEqual(
      events.filter((event) => event.type !== 'status' && 'direction' in event && event.direction === 'server->client'),
      [],
    );
    assert.equal(shape(events).at(-1), 'status DEADLINE_EXCEEDED');
  });

  test('server stream that fails after two replies: exactly the replies the server wrote, then the status', async () => {
    const before = failing.written.serverStream;
    const { events } = await tapped(
      () =>
        new Promise<void>((resolve, reject) => {
          const call = client.LotsOfReplies({ name: 'Ada' }, deadlineIn());
          call.on('data', () => {});
          call.on('error', reject);
          call.on('end', resolve);
        }),
    );
    assert.equal(received(events), failing.written.serverStream - before);
    assert.equal(received(events), 2);
    assert.deepEqual(shape(events).slice(-2), ['trailers', 'status ABORTED']);
  });

  test('client stream rejected after the first request: no reply on the timeline', async () => {
    const { events, error } = await tapped(
      () =>
        new Promise<void>((resolve, reject) => {
          const call = client.LotsOfGreetings(deadlineIn(), (error) => (error ? reject(error) : resolve()));
          call.write({ name: 'Ada' });
          call.end();
        }),
    );
    assert.equal((error as grpc.ServiceError).code, grpc.status.FAILED_PRECONDITION);
    assert.equal(received(events), 0);
    assert.equal(shape(events).at(-1), 'status FAILED_PRECONDITION');
  });

  test('bidi stream that fails after one reply: one reply, then the status', async () => {
    const before = failing.written.bidi;
    const { events } = await tapped(
      () =>
        new Promise<void>((resolve, reject) => {
          const call = client.BidiHello(deadlineIn());
          call.on('data', () => {});
          call.on('error', reject);
          call.on('end', resolve);
          call.write({ name: 'Ada' });
        }),
    );
    assert.equal(received(events), failing.written.bidi - before);
    assert.equal(received(events), 1);
    assert.equal(shape(events).at(-1), 'status RESOURCE_EXHAUSTED');
  });
});

/**
 * An HTTP/2 proxy written on node:http2 alone: it forwards each stream to the
 * lesson server and counts the DATA bytes that pass in each direction, an
 * account of the wire that shares no code with grpc-js or the tap.
 */
async function countingHttp2Proxy(upstreamPort: number) {
  const counted = { toServer: 0, toClient: 0 };
  const upstream = http2.connect(`http://127.0.0.1:${upstreamPort}`);
  const proxy = http2.createServer();
  proxy.on('stream', (downstream, headers) => {
    const forwarded = { ...headers };
    for (const name of [':scheme', ':authority']) delete forwarded[name];
    const outgoing = upstream.request(forwarded);
    downstream.on('data', (chunk: Buffer) => {
      counted.toServer += chunk.length;
      outgoing.write(chunk);
    });
    downstream.on('end', () => outgoing.end());
    outgoing.on('response', (responseHeaders) => {
      const { ':status': status, ...rest } = responseHeaders;
      downstream.respond({ ':status': status, ...rest }, { waitForTrailers: true });
    });
    outgoing.on('data', (chunk: Buffer) => {
      counted.toClient += chunk.length;
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
    counted,
    close: () => {
      upstream.close();
      proxy.close();
    },
  };
}

describe('wire tap: sizes are the DATA bytes on the HTTP/2 stream', () => {
  test('the timeline sums to what a raw node:http2 proxy counted, both ways, for every lesson', async () => {
    for (const [ref, names] of [
      ['1', ['Ada', 'Grace']],
      ['2', ['Ada']],
      ['3', ['Ada', 'Grace', '世界']],
      ['4', ['Ada', 'Grace', 'Linus']],
    ] as const) {
      const server = await startLessonServer(ref);
      const proxy = await countingHttp2Proxy(server.port);
      try {
        const events = await tappedRun(ref, proxy.port, [...names]);
        // Every message's size on the wire: its bytes plus its 5-byte prefix.
        const sum = (direction: string) =>
          events.reduce(
            (total, event) => total + (event.type === 'message' && event.direction === direction ? event.wireSize : 0),
            0,
          );
        await waitFor(
          () => proxy.counted.toClient >= sum('server->client'),
          'the proxy to count the last reply',
          2_000,
        ).catch(() => undefined);
        assert.ok(proxy.counted.toServer > 0, `lesson ${ref}: nothing counted`);
        assert.deepEqual(
          { toServer: sum('client->server'), toClient: sum('server->client') },
          proxy.counted,
          `lesson ${ref}`,
        );
      } finally {
        proxy.close();
        await server.stop();
      }
    }
  });
});

describe('a handler that throws', () => {
  test('the client gets UNKNOWN without detail; the server pane shows the error and where it was thrown', async () => {
    const output: string[] = [];
    let resolveListening!: (port: number) => void;
    let rejectListening!: (error: Error) => void;
    const listening = new Promise<number>(
      (resolve, reject) => ((resolveListening = resolve), (rejectListening = reject)),
    );
    const child = spawnScript(
      fileURLToPath(new URL('./fixtures/throwing-server.ts', import.meta.url)),
      [],
      {
        onLine: (_stream, line) => output.push(line),
        onMessage: (message) => {
          if (isListeningMessage(message)) resolveListening(message.port);
        },
        onExit: () => rejectListening(new Error(`the server exited: ${output.join('\n')}`)),
      },
      { preload: [ATTACH] },
    );
    try {
      const client = helloClient(await listening);
      const error = await new Promise<grpc.ServiceError | null>((resolve) =>
        client.SayHello({ name: 'Ada' }, deadlineIn(), resolve),
      );
      client.close();
      assert.equal(error?.code, grpc.status.UNKNOWN);
      assert.equal(error?.details, 'Unknown error');
      await waitFor(() => output.find((line) => line.includes('handler threw')), 'the error on the server side');
      assert.match(
        output.join('\n'),
        /SayHello handler threw TypeError: boom in SayHello \(at test\/fixtures\/throwing-server\.ts:\d+:\d+\)/,
      );
    } finally {
      await stopChild(child);
    }
  });
});

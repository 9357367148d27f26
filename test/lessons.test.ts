// Each lesson's server, called over loopback by a typed grpc-js client.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import type { HelloReply__Output } from '../src/generated/rpc_package/HelloReply.js';
import type { HelloWorldServiceClient } from '../src/generated/rpc_package/HelloWorldService.js';
import { deadlineIn, helloClient, startLessonServer, waitFor, type RunningServer } from './helpers.js';

function unary(client: HelloWorldServiceClient, name: string): Promise<HelloReply__Output> {
  return new Promise((resolve, reject) =>
    client.SayHello({ name }, deadlineIn(), (error, reply) => (error ? reject(error) : resolve(reply!))),
  );
}

function collect(stream: grpc.ClientReadableStream<HelloReply__Output>): Promise<HelloReply__Output[]> {
  return new Promise((resolve, reject) => {
    const replies: HelloReply__Output[] = [];
    stream.on('data', (reply: HelloReply__Output) => replies.push(reply));
    stream.on('error', reject);
    stream.on('end', () => resolve(replies));
  });
}

function greetings(client: HelloWorldServiceClient, names: string[]): Promise<HelloReply__Output> {
  return new Promise((resolve, reject) => {
    const call = client.LotsOfGreetings(deadlineIn(), (error, reply) => (error ? reject(error) : resolve(reply!)));
    for (const name of names) call.write({ name });
    call.end();
  });
}

/** Counts the requests a server has received, observed by a server interceptor. */
function requestCounter() {
  const counter = { received: 0, interceptor: undefined as unknown as grpc.ServerInterceptor };
  counter.interceptor = (_method, call) =>
    new grpc.ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMessage(message, nextMessage) {
            counter.received += 1;
            nextMessage(message);
          },
        });
      },
    });
  return counter;
}

describe('lesson 01: unary SayHello', () => {
  let server: RunningServer;
  let client: HelloWorldServiceClient;
  before(async () => {
    server = await startLessonServer('1');
    client = helloClient(server.port);
  });
  after(async () => {
    client.close();
    await server.stop();
  });

  test('greets the name it is sent', async () => {
    assert.equal((await unary(client, 'Ada')).message, 'Hello, Ada!');
    assert.equal((await unary(client, '世界')).message, 'Hello, 世界!');
  });

  test('rejects an empty name with INVALID_ARGUMENT', async () => {
    await assert.rejects(unary(client, ''), (error: grpc.ServiceError) => {
      assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
      assert.match(error.details, /name/);
      return true;
    });
  });

  test('answers UNIMPLEMENTED for the methods of later lessons', async () => {
    await assert.rejects(collect(client.LotsOfReplies({ name: 'Ada' }, deadlineIn())), {
      code: grpc.status.UNIMPLEMENTED,
    });
  });
});

describe('lesson 02: server streaming LotsOfReplies', () => {
  let server: RunningServer;
  let client: HelloWorldServiceClient;
  before(async () => {
    server = await startLessonServer('02');
    client = helloClient(server.port);
  });
  after(async () => {
    client.close();
    await server.stop();
  });

  test('with only a name set, sends three replies that contain it, in sequence', async () => {
    const replies = await collect(client.LotsOfReplies({ name: 'Ada' }, deadlineIn()));
    assert.equal(replies.length, 3);
    replies.forEach((reply, index) => {
      assert.match(reply.message, /Ada/);
      assert.equal(reply.sequence, index + 1);
    });
  });

  test('honours reply_count', async () => {
    const replies = await collect(client.LotsOfReplies({ name: 'Grace', reply_count: 250 }, deadlineIn()));
    assert.equal(replies.length, 250);
    assert.deepEqual(
      replies.map((reply) => reply.sequence),
      Array.from({ length: 250 }, (_, index) => index + 1),
    );
  });

  test('rejects a reply_count beyond its limit', async () => {
    await assert.rejects(collect(client.LotsOfReplies({ name: 'Ada', reply_count: 2_000_000 }, deadlineIn())), {
      code: grpc.status.INVALID_ARGUMENT,
    });
  });

  test('a client can cancel the stream midway', async () => {
    const call = client.LotsOfReplies({ name: 'Ada', reply_count: 1_000_000, interval_ms: 1 }, deadlineIn(10_000));
    const errored = once(call, 'error');
    await once(call, 'data');
    call.cancel();
    const [error] = (await errored) as [grpc.ServiceError];
    assert.equal(error.code, grpc.status.CANCELLED);
  });
});

describe('lesson 03: client streaming LotsOfGreetings', () => {
  let server: RunningServer;
  let client: HelloWorldServiceClient;
  const counter = requestCounter();
  before(async () => {
    server = await startLessonServer('03', { interceptors: [counter.interceptor] });
    client = helloClient(server.port);
  });
  after(async () => {
    client.close();
    await server.stop();
  });

  test('with no names, answers once anyway', async () => {
    assert.equal((await greetings(client, [])).message, 'Hello, nobody!');
  });

  test('with one name', async () => {
    assert.equal((await greetings(client, ['Ada'])).message, 'Hello, Ada!');
  });

  test('with many names, names every one in order', async () => {
    const names = Array.from({ length: 500 }, (_, index) => `n${index}`);
    const reply = await greetings(client, names);
    assert.equal(reply.message, `Hello, ${names.slice(0, -1).join(', ')} and n499!`);
  });

  test('replies only after the client half-closes', async () => {
    const before = counter.received;
    let replied = false;
    const reply = new Promise<HelloReply__Output>((resolve, reject) => {
      const call = client.LotsOfGreetings(deadlineIn(), (error, value) => {
        replied = true;
        if (error) reject(error);
        else resolve(value!);
      });
      call.write({ name: 'Ada' });
      call.write({ name: 'Grace' });
      // Both requests have reached the handler, and still no reply: it waits for end().
      void waitFor(() => counter.received === before + 2, 'both requests at the server').then(() => {
        assert.equal(replied, false, 'the server replied before the client half-closed');
        call.end();
      }, reject);
    });
    assert.equal((await reply).message, 'Hello, Ada and Grace!');
  });
});

describe('lesson 04: bidirectional BidiHello', () => {
  let server: RunningServer;
  let client: HelloWorldServiceClient;
  before(async () => {
    server = await startLessonServer('4');
    client = helloClient(server.port);
  });
  after(async () => {
    client.close();
    await server.stop();
  });

  test('ping-pong: each reply arrives before the next request is sent', async () => {
    const call = client.BidiHello(deadlineIn());
    const replies = (call as AsyncIterable<HelloReply__Output>)[Symbol.asyncIterator]();
    const names = ['Ada', 'Grace', 'Linus', 'Barbara'];
    for (const [index, name] of names.entries()) {
      call.write({ name });
      const next = await replies.next();
      assert.equal(next.done, false, `no reply for ${name}`);
      assert.equal(next.value.message, `Hello, ${name}!`);
      assert.equal(next.value.sequence, index + 1);
    }
    call.end();
    assert.equal((await replies.next()).done, true);
  });

  test('many requests written at once get replies in the same order', async () => {
    const call = client.BidiHello(deadlineIn());
    const names = Array.from({ length: 1_000 }, (_, index) => `name-${index}`);
    const done = collect(call as unknown as grpc.ClientReadableStream<HelloReply__Output>);
    for (const name of names) call.write({ name });
    call.end();
    const replies = await done;
    assert.deepEqual(
      replies.map((reply) => reply.message),
      names.map((name) => `Hello, ${name}!`),
    );
  });

  test('the stream ends with OK only after the client half-closes', async () => {
    const call = client.BidiHello(deadlineIn());
    let ended = false;
    call.on('end', () => (ended = true));
    const status = once(call, 'status');
    call.write({ name: 'Ada' });
    const [first] = (await once(call, 'data')) as [HelloReply__Output];
    assert.equal(first.message, 'Hello, Ada!');
    assert.equal(ended, false);
    call.end();
    const [{ code }] = (await status) as [grpc.StatusObject];
    assert.equal(code, grpc.status.OK);
  });
});

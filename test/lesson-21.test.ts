// Lesson 21: retries, hedging, rate limiting and outlier detection, judged by
// the servers. Each backend is the lesson's server.ts in this process, with a
// server interceptor (after the lesson's rate limiter) that records every
// attempt that reached a handler: its grpc-previous-rpc-attempts, when it
// came, whether it was cancelled, the status it ended with. The limiter's own
// decisions are recorded by watching its TokenBucket. The client side is the
// lesson's own service config. Python grpcio retries against the same server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { PROTO_DIR } from '../src/proto.js';
import { listen, shutdown } from '../src/runtime/serve.js';
import {
  BAD_ATTEMPTS,
  BUCKET_SIZE,
  STALL_MS,
  TokenBucket,
  createServer,
  type Backend,
} from '../lessons/21-retries-and-limits/server.js';
import {
  BASE_EJECTION_MS,
  OUTLIER_DETECTION,
  OUTLIER_INTERVAL_MS,
  SERVICE_CONFIG,
} from '../lessons/21-retries-and-limits/client.js';
import type { ProtoGrpcType } from '../src/generated/resilience.js';
import type { ResilientGreeterClient } from '../src/generated/rpc_package/ResilientGreeter.js';
import type { HelloWorldServiceClient } from '../src/generated/rpc_package/HelloWorldService.js';
import type { HelloReply__Output } from '../src/generated/rpc_package/HelloReply.js';
import { PYTHON, generatePythonCode, pythonGrpcMissing, skipWhenMissing, spawnProcess, waitFor } from './helpers.js';

const { rpc_package } = grpc.loadPackageDefinition(
  protoLoader.loadSync('resilience.proto', {
    includeDirs: [PROTO_DIR],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  }),
) as unknown as ProtoGrpcType;

/** One attempt that reached a handler, as the server saw it. */
interface Attempt {
  method: string;
  /** grpc-previous-rpc-attempts, as received (undefined on a first attempt). */
  previous?: string;
  peer: string;
  at: number;
  cancelledAt?: number;
  code?: number;
}

interface Observed {
  port: number;
  attempts: Attempt[];
  of(method: string): Attempt[];
  stop(): Promise<void>;
}

async function startBackend(backend: Backend = { name: 'a', failFirstCalls: 0 }): Promise<Observed> {
  const attempts: Attempt[] = [];
  const record: grpc.ServerInterceptor = (method, call) => {
    const attempt: Attempt = { method: method.path.split('/').pop()!, peer: '', at: performance.now() };
    const listener = new grpc.ServerListenerBuilder()
      .withOnReceiveMetadata((metadata, next) => {
        attempt.previous = metadata.get('grpc-previous-rpc-attempts')[0] as string | undefined;
        attempt.peer = call.getPeer();
        attempts.push(attempt);
        next(metadata);
      })
      .withOnCancel(() => (attempt.cancelledAt = performance.now()))
      .build();
    const responder = new grpc.ResponderBuilder()
      .withStart((next) => next(listener))
      .withSendStatus((status, next) => {
        attempt.code = status.code;
        next(status);
      })
      .build();
    return new grpc.ServerInterceptingCall(call, responder);
  };
  const server = createServer({ interceptors: [record] }, backend);
  const port = await listen(server, '127.0.0.1', 0);
  return {
    port,
    attempts,
    of: (method) => attempts.filter((attempt) => attempt.method === method),
    stop: () => shutdown(server, 500),
  };
}

/** What the rate limiter decided, call by call: when, and how long it said to wait (0: let through). */
function watchBuckets(): { takes: { at: number; waitMs: number; tokensAfter: number }[]; restore(): void } {
  const takes: { at: number; waitMs: number; tokensAfter: number }[] = [];
  const take = TokenBucket.prototype.take;
  TokenBucket.prototype.take = function (this: TokenBucket) {
    const waitMs = take.call(this);
    takes.push({ at: performance.now(), waitMs, tokensAfter: this.tokens() });
    return waitMs;
  };
  return { takes, restore: () => (TokenBucket.prototype.take = take) };
}

/** Polls an async check until it is true (waitFor takes synchronous ones). */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

const config = (serviceConfig?: object) =>
  serviceConfig ? { 'grpc.service_config': JSON.stringify(serviceConfig) } : {};

function greeter(port: number, serviceConfig?: object): ResilientGreeterClient {
  return new rpc_package.ResilientGreeter(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
    config(serviceConfig),
  );
}

function call(
  client: grpc.Client,
  method: string,
  name = 'Ada',
): Promise<{ reply?: HelloReply__Output; error?: grpc.ServiceError }> {
  return new Promise((resolve) =>
    (client as unknown as Record<string, grpc.requestCallback<HelloReply__Output> & Function>)[method].call(
      client,
      { name },
      { deadline: Date.now() + 5_000 },
      (error: grpc.ServiceError | null, reply?: HelloReply__Output) => resolve(error ? { error } : { reply }),
    ),
  );
}

// The lesson's log lines would only clutter the test's output: kept here instead.
const log = console.log;
const logged: string[] = [];
before(() => (console.log = (line: string) => logged.push(line)));
after(() => (console.log = log));

describe('lesson 21, judged by the servers', { timeout: 30_000 }, () => {
  test("retryPolicy: the server sees three attempts of one call, the later ones marked 1 and 2, after a backoff; the caller sees the third's answer", async () => {
    const server = await startBackend();
    const client = greeter(server.port, SERVICE_CONFIG);
    try {
      const { reply, error } = await call(client, 'SayHelloFlaky');
      assert.equal(error, undefined);
      assert.equal(reply!.message, 'Hello, Ada! (attempt 3)');
      const attempts = server.of('SayHelloFlaky');
      assert.deepEqual(
        attempts.map((attempt) => [attempt.previous, attempt.code]),
        [
          [undefined, grpc.status.UNAVAILABLE],
          ['1', grpc.status.UNAVAILABLE],
          ['2', grpc.status.OK],
        ],
      );
      // initialBackoff 0.1 s with jitter of at most 20%: at least 80 ms between the first two.
      assert.ok(attempts[1].at - attempts[0].at >= 80, `backoff ${attempts[1].at - attempts[0].at} ms`);
    } finally {
      client.close();
      await server.stop();
    }
  });

  test('without a service config the same call is sent once, and fails', async () => {
    const server = await startBackend();
    const client = greeter(server.port);
    try {
      const { error } = await call(client, 'SayHelloFlaky');
      assert.equal(error?.code, grpc.status.UNAVAILABLE);
      assert.equal(server.of('SayHelloFlaky').length, 1);
    } finally {
      client.close();
      await server.stop();
    }
  });

  test('hedgingPolicy: three copies reach the server 100 ms apart; the third answers, the two stalled ones are cancelled', async () => {
    const server = await startBackend();
    const client = greeter(server.port, SERVICE_CONFIG);
    try {
      const started = performance.now();
      const { reply } = await call(client, 'SayHelloSlow');
      const took = performance.now() - started;
      assert.equal(reply?.message, 'Hello, Ada! (copy 3)');
      assert.ok(took < STALL_MS, `took ${took} ms`);
      const copies = server.of('SayHelloSlow');
      assert.deepEqual(
        copies.map((copy) => copy.previous),
        [undefined, '1', '2'],
      );
      // hedgingDelay 0.1 s, timed from the call's start: copy 2 is sent 100 ms
      // in, copy 3 200 ms in (copy 1 may arrive late, behind the connection's setup).
      const sentAfter = copies.map((copy) => Math.round(copy.at - started));
      assert.ok(sentAfter[1] >= 95 && sentAfter[2] >= 195, `copies arrived ${sentAfter.join(', ')} ms in`);
      // The cancels reach the server right after the answer: wait for them, not a fixed time.
      await waitFor(
        () => copies.slice(0, BAD_ATTEMPTS).every((copy) => copy.cancelledAt),
        'the stalled copies cancelled',
      );
      // Cancelled, not answered: no status went out for them, and the cancels
      // came long before their stall would have ended.
      assert.equal(copies[2].code, grpc.status.OK);
      for (const copy of copies.slice(0, BAD_ATTEMPTS)) {
        assert.equal(copy.code, undefined, 'a stalled copy answered');
        assert.ok(copy.cancelledAt! - copy.at < STALL_MS, `cancelled ${copy.cancelledAt! - copy.at} ms in`);
      }
      // And they stopped: once their stall is over, neither has finished its work for nobody.
      await waitFor(() => performance.now() > copies[1].at + STALL_MS + 100, 'the stall to be over');
      assert.deepEqual(
        logged.filter((line) => line.startsWith('SayHelloSlow copy')),
        [
          'SayHelloSlow copy 3: OK at once',
          ...logged.filter((line) => /^SayHelloSlow copy [12]: cancelled after \d+ ms/.test(line)),
        ],
      );
      assert.equal(logged.filter((line) => /^SayHelloSlow copy [12]: cancelled/.test(line)).length, 2);
    } finally {
      client.close();
      await server.stop();
    }
  });

  test('token bucket: of 20 calls at once 10 reach the handler and 10 get RESOURCE_EXHAUSTED with grpc-retry-pushback-ms; a retry waits that long', async () => {
    const server = await startBackend();
    const buckets = watchBuckets();
    const plain = greeter(server.port);
    const resilient = greeter(server.port, SERVICE_CONFIG);
    try {
      const results = await Promise.all(Array.from({ length: 20 }, () => call(plain, 'SayHelloLimited')));
      const refused = results.filter((result) => result.error?.code === grpc.status.RESOURCE_EXHAUSTED);
      assert.equal(results.filter((result) => result.reply).length, BUCKET_SIZE);
      assert.equal(refused.length, 20 - BUCKET_SIZE);
      assert.equal(server.of('SayHelloLimited').length, BUCKET_SIZE, 'the handler ran for a refused call');
      assert.deepEqual(
        buckets.takes.map((take) => take.waitMs === 0),
        [...Array(BUCKET_SIZE).fill(true), ...Array(20 - BUCKET_SIZE).fill(false)],
      );
      assert.equal(buckets.takes.at(-1)!.tokensAfter, 0);
      for (const { error } of refused) {
        const [pushback] = error!.metadata.get('grpc-retry-pushback-ms');
        assert.match(String(pushback), /^\d+$/);
      }

      const before = buckets.takes.length;
      const { reply } = await call(resilient, 'SayHelloLimited');
      assert.equal(reply?.message, 'Hello, Ada! (attempt 2)');
      const [refusal, retry] = buckets.takes.slice(before);
      assert.ok(refusal.waitMs > 0 && retry.waitMs === 0, `waits ${refusal.waitMs}, then ${retry.waitMs}`);
      const pushbackMs = Math.ceil(refusal.waitMs) + 5;
      const waited = retry.at - refusal.at;
      // The retry comes no sooner than the pushback (a millisecond of timer
      // rounding aside) and not much later (the backoff alone would have been about 100 ms).
      assert.ok(
        waited >= pushbackMs - 1 && waited < pushbackMs + 250,
        `pushback ${pushbackMs} ms, waited ${waited} ms`,
      );
      assert.equal(server.of('SayHelloLimited').at(-1)!.previous, '1');
    } finally {
      buckets.restore();
      plain.close();
      resilient.close();
      await server.stop();
    }
  });

  test('outlier detection: c is ejected after its failures, gets nothing while out, and is let back in after base_ejection_time', async () => {
    const backends = await Promise.all(
      ['a', 'b', 'c'].map((name) => startBackend({ name, failFirstCalls: name === 'c' ? 3 : 0 })),
    );
    const [a, b, c] = backends;
    const target = `ipv4:${backends.map((backend) => `127.0.0.1:${backend.port}`).join(',')}`;
    const client = new rpc_package.HelloWorldService(
      target,
      grpc.credentials.createInsecure(),
      config(OUTLIER_DETECTION),
    ) as HelloWorldServiceClient;
    const sayHello = () => call(client, 'SayHello');
    const counts = () => backends.map((backend) => backend.of('SayHello').length);
    try {
      await until(async () => (await sayHello(), c.of('SayHello').length >= 3), "c's three failures");
      const failedAt = c.of('SayHello')[2].at;
      assert.deepEqual(
        c.of('SayHello').map((attempt) => attempt.code),
        [grpc.status.UNAVAILABLE, grpc.status.UNAVAILABLE, grpc.status.UNAVAILABLE],
      );
      // Ejected at the next look, at most one interval away. This wait is
      // the one thing not polled: a call meanwhile would be judged too (c
      // answers again by now), and enough of them would keep c in.
      await sleep(OUTLIER_INTERVAL_MS + 200);
      const [a0, b0, c0] = counts();
      for (let i = 0; i < 12; i++) assert.equal((await sayHello()).error, undefined);
      assert.deepEqual(counts(), [a0 + 6, b0 + 6, c0]);
      // Let back in: the first look after base_ejection_time.
      await until(
        async () => (await sayHello(), c.of('SayHello').length > c0),
        'c back',
        BASE_EJECTION_MS + 4 * OUTLIER_INTERVAL_MS,
      );
      const back = c.of('SayHello')[c0];
      assert.ok(back.at - failedAt >= BASE_EJECTION_MS, `c back ${back.at - failedAt} ms after its last failure`);
      assert.equal(back.code, grpc.status.OK);
      const [a1, b1, c1] = counts();
      for (let i = 0; i < 9; i++) await sayHello();
      assert.deepEqual(counts(), [a1 + 3, b1 + 3, c1 + 3]);
      assert.equal(
        a
          .of('SayHello')
          .concat(b.of('SayHello'))
          .filter((attempt) => attempt.code !== 0).length,
        0,
      );
    } finally {
      client.close();
      await Promise.all(backends.map((backend) => backend.stop()));
    }
  });

  test('outlier detection with its durations as strings: grpc-js drops the config and every call goes to the first backend', async () => {
    const backends = await Promise.all(['a', 'b'].map((name) => startBackend({ name, failFirstCalls: 0 })));
    const [od] = OUTLIER_DETECTION.loadBalancingConfig;
    const broken = {
      loadBalancingConfig: [{ outlier_detection: { ...od.outlier_detection, interval: '0.5s' } }],
    };
    const client = new rpc_package.HelloWorldService(
      `ipv4:${backends.map((backend) => `127.0.0.1:${backend.port}`).join(',')}`,
      grpc.credentials.createInsecure(),
      config(broken),
    ) as HelloWorldServiceClient;
    try {
      for (let i = 0; i < 6; i++) await call(client, 'SayHello');
      assert.deepEqual(
        backends.map((backend) => backend.of('SayHello').length),
        [6, 0],
      );
    } finally {
      client.close();
      await Promise.all(backends.map((backend) => backend.stop()));
    }
  });
});

const missing = pythonGrpcMissing();
if (missing) console.log(`# SKIPPING Python grpcio against lesson 21: ${missing}`);

describe('Python grpcio with the same retry policies, against lesson 21', { skip: skipWhenMissing(missing) }, () => {
  let generated = '';
  before(() => {
    generated = mkdtempSync(join(tmpdir(), 'lesson-21-py-'));
    generatePythonCode(generated, [join(PROTO_DIR, 'helloworld.proto'), join(PROTO_DIR, 'resilience.proto')]);
  });
  after(() => rmSync(generated, { recursive: true, force: true }));

  test('the server sees its attempts marked 1 and 2, its burst cut at 10, and its retry after the pushback', async () => {
    const server = await startBackend();
    const buckets = watchBuckets();
    try {
      // Asynchronously: the server answering it runs in this process.
      const python = spawnProcess(PYTHON, ['test/python/lesson_21.py', generated, `127.0.0.1:${server.port}`]);
      const { code } = await python.exited;
      assert.equal(code, 0, python.stderr());
      assert.deepEqual(python.stdout().trim().split('\n'), [
        'Hello, Ada! (attempt 3)',
        '10 OK, 2 RESOURCE_EXHAUSTED',
        'Hello, Ada! (attempt 2)',
      ]);
      // What grpcio sent, as the server received it.
      assert.deepEqual(
        server.of('SayHelloFlaky').map((attempt) => attempt.previous),
        [undefined, '1', '2'],
      );
      const [refusal, retry] = buckets.takes.slice(-2);
      const pushbackMs = Math.ceil(refusal.waitMs) + 5;
      assert.ok(refusal.waitMs > 0 && retry.waitMs === 0, `waits ${refusal.waitMs}, then ${retry.waitMs}`);
      assert.ok(
        retry.at - refusal.at >= pushbackMs - 1,
        `pushback ${pushbackMs} ms, waited ${retry.at - refusal.at} ms`,
      );
      assert.equal(server.of('SayHelloLimited').at(-1)!.previous, '1');
    } finally {
      buckets.restore();
      await server.stop();
    }
  });
});

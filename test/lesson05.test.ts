// Lesson 05: the comparison's figures are present and sane (never that they
// hit a number: timings belong to the machine), and the contract cases say
// what each side really did.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { LessonSession } from '../src/runner/session.js';
import { compareRestAndGrpc, contractChecks, type Connect } from '../src/compare/measure.js';
import { lesson, spawnCli, startServerCli, stopProcess, waitFor } from './helpers.js';

describe('lesson 05: gRPC vs REST', () => {
  const session = new LessonSession(lesson('5'));
  let targets = { grpc: '', rest: '' };
  let connect: Connect;
  before(async () => {
    const port = await session.startServer();
    assert.ok(session.restPort, 'the server did not report its REST port');
    targets = { grpc: `127.0.0.1:${port}`, rest: `127.0.0.1:${session.restPort}` };
    ({ connect } = (await import(pathToFileURL(lesson('5').clientPath).href)) as { connect: Connect });
  });
  after(() => session.stop());

  test('sizes and timings are measured, positive, and consistent with each other', async () => {
    const result = await compareRestAndGrpc(connect, targets, {
      byteCalls: [20, 5, 2],
      latencyCalls: 50,
      concurrentCalls: 200,
      inFlight: 20,
      streamMessages: 1_000,
      restStreamCalls: 100,
    });
    const [tiny, small, large] = result.payloads;
    // The encodings themselves are deterministic.
    assert.equal(tiny.protobufBytes, 5);
    assert.equal(tiny.jsonBytes, 14);
    assert.ok(
      small.protobufBytes >= 10 * 1024 && small.protobufBytes < 13 * 1024,
      `10 KiB report is ${small.protobufBytes} B`,
    );
    assert.ok(
      large.protobufBytes >= 1024 * 1024 && large.protobufBytes < 1.3 * 1024 * 1024,
      `1 MiB report is ${large.protobufBytes} B`,
    );
    for (const row of result.payloads) {
      assert.ok(row.protobufBytes < row.jsonBytes, `${row.payload}: protobuf is not smaller than JSON`);
      // A call carries at least its message, plus headers and framing.
      assert.ok(
        row.grpcWirePerCall > row.protobufBytes,
        `${row.payload}: gRPC wire ${row.grpcWirePerCall} <= message ${row.protobufBytes}`,
      );
      assert.ok(
        row.restWirePerCall > row.jsonBytes,
        `${row.payload}: REST wire ${row.restWirePerCall} <= message ${row.jsonBytes}`,
      );
    }
    const { latency, throughput, streaming } = result;
    for (const value of [
      latency.grpcP50,
      latency.restP50,
      throughput.grpcPerSec,
      throughput.restPerSec,
      streaming.grpcPerSec,
      streaming.restPerSec,
    ]) {
      assert.ok(Number.isFinite(value) && value > 0, `not a sane measurement: ${value}`);
    }
    assert.ok(latency.grpcP99 >= latency.grpcP50 && latency.restP99 >= latency.restP50);
    assert.equal(streaming.grpcMessages, 1_000);
  });

  test('the contract cases show what each side accepted or rejected', async () => {
    const [wrongType, wrongWireType, missing, unknown] = await contractChecks(targets);
    assert.equal(wrongType.rest, '200 {"message":"Hello, 42!"}');
    // protobufjs reads `08 2a` as an empty name; the handler's own check rejects it (as the lesson text says).
    assert.equal(wrongType.grpc, 'INVALID_ARGUMENT: name must not be empty');
    // ...and reads `08 03 41 64 61` as the string "Ada", wire type notwithstanding.
    assert.match(wrongWireType.grpc, /^OK \{"message":"Hello, Ada!"/);
    assert.equal(wrongWireType.rest, '200 {"message":"Hello, Ada!"}');
    assert.equal(missing.rest, '200 {"message":"Hello, undefined!"}');
    assert.equal(missing.grpc, 'INVALID_ARGUMENT: name must not be empty');
    assert.equal(unknown.rest, '200 {"message":"Hello, Ada!"}');
    assert.match(unknown.grpc, /^OK \{"message":"Hello, Ada!"/);
  });
});

test('npm run server -- 5 serves both protocols, and npm run client -- 5 prints the comparison', async () => {
  const server = await startServerCli('5');
  try {
    // The REST line follows the gRPC one, which is all startServerCli waits for.
    const restLine = await waitFor(
      () => /listening on 127\.0\.0\.1:(\d+) \(REST, JSON over HTTP\/1\.1\)/.exec(server.stdout()),
      'the REST listening line',
    );
    const restPort = Number(restLine[1]);
    const client = spawnCli('client', [
      '5',
      '--target',
      `127.0.0.1:${server.port}`,
      '--rest-target',
      `127.0.0.1:${restPort}`,
    ]);
    const { code } = await client.exited;
    assert.equal(code, 0, client.stderr());
    const out = client.stdout();
    for (const row of ['tiny (HelloRequest)', '10 KiB report', '1 MiB report'])
      assert.match(out, new RegExp(`${row.replace(/[()]/g, '\\$&')} +\\d+ B +\\d+ B +\\d+ B +\\d+ B +[\\d.]+x`));
    assert.match(out, /Latency, 300 sequential tiny calls: gRPC p50 [\d.]+ ms/);
    assert.match(out, /Throughput, 100 calls in flight: gRPC \d+ calls\/s, REST \d+ calls\/s/);
    assert.match(out, /Streaming: one gRPC server stream \d+ msg\/s/);
    assert.match(out, /What each side does with input outside the contract/);
  } finally {
    await stopProcess(server);
  }
});

test('the lesson 05 client without a REST endpoint to call fails with one clear line', async () => {
  const server = await startServerCli('1');
  try {
    const client = spawnCli('client', [
      '5',
      '--target',
      `127.0.0.1:${server.port}`,
      '--rest-target',
      `127.0.0.1:${server.port}`,
    ]);
    const { code } = await client.exited;
    assert.equal(code, 1);
    assert.equal(client.stderr().split('\n').length, 2, client.stderr());
    assert.match(client.stderr(), /^error: /);
  } finally {
    await stopProcess(server);
  }
});

// The wire tap reports what grpc-js really sent and received, in order, for
// all four kinds of call, without any change to the lesson code.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { HELLOWORLD_PROTO, loadProto } from '../src/proto.js';
import { createWireTap } from '../src/instrument/wiretap.js';
import type { WireEvent } from '../src/instrument/events.js';
import type { ProtoGrpcType } from '../src/generated/helloworld.js';
import { startLessonServer, tappedRun, type RunningServer } from './helpers.js';

function shape(events: WireEvent[]): string[] {
  return events.map((event) => {
    if (event.type === 'message') return event.direction === 'client->server' ? 'send' : 'recv';
    if (event.type === 'status') return `status ${event.codeName}`;
    return event.type;
  });
}

describe('wire tap', () => {
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

  test('unary: call, request, half-close, reply, status', async () => {
    const events = await tappedRun('1', portOf['1'], ['Ada']);
    assert.deepEqual(shape(events), ['call', 'send', 'half-close', 'recv', 'status OK']);
    const [call, request, , reply] = events;
    assert.deepEqual(call, { ...call, method: '/rpc_package.HelloWorldService/SayHello', kind: 'unary' });
    assert.equal(request.type === 'message' && request.preview, '{"name":"Ada"}');
    // HelloRequest{name:"Ada"} is field 1, wire type 2 (0x0a), length 3, then the UTF-8 bytes.
    assert.equal(request.type === 'message' && Buffer.from(request.bytes!, 'base64').toString('hex'), '0a03416461');
    assert.equal(request.type === 'message' && request.size, 5);
    assert.equal(reply.type === 'message' && reply.preview, '{"message":"Hello, Ada!","sequence":0}');
    // Only field 1 is encoded: proto3 leaves a zero sequence off the wire.
    assert.equal(reply.type === 'message' && reply.size, 13);
  });

  test('server streaming: one request, five replies, then the status', async () => {
    const events = await tappedRun('2', portOf['2'], ['Ada']);
    assert.deepEqual(shape(events), ['call', 'send', 'half-close', 'recv', 'recv', 'recv', 'recv', 'recv', 'status OK']);
    const times = events.filter((event) => event.type === 'message').map((event) => (event as { ms: number }).ms);
    assert.deepEqual([...times].sort((a, b) => a - b), times, 'times are not increasing');
  });

  test('client streaming: every request, half-close, then the one reply', async () => {
    const events = await tappedRun('3', portOf['3'], ['Ada', 'Grace', 'Linus']);
    assert.deepEqual(shape(events), ['call', 'send', 'send', 'send', 'half-close', 'recv', 'status OK']);
  });

  test('bidirectional ping-pong interleaves request and reply', async () => {
    const events = await tappedRun('4', portOf['4'], ['Ada', 'Grace', 'Linus']);
    assert.deepEqual(shape(events), ['call', 'send', 'recv', 'send', 'recv', 'send', 'recv', 'half-close', 'status OK']);
  });

  test('a failing call reports its status code and details', async () => {
    const events: WireEvent[] = [];
    const { rpc_package } = createWireTap((event) => events.push(event)).load(
      (await import('@grpc/proto-loader')).loadSync(HELLOWORLD_PROTO, { keepCase: true, defaults: true }),
    ) as unknown as ProtoGrpcType;
    const client = new rpc_package.HelloWorldService(`127.0.0.1:${portOf['1']}`, grpc.credentials.createInsecure());
    await new Promise<void>((resolve) => client.SayHello({ name: '' }, () => resolve()));
    client.close();
    const status = events.at(-1);
    assert.equal(status?.type, 'status');
    assert.deepEqual(status?.type === 'status' && [status.codeName, status.details], ['INVALID_ARGUMENT', 'name must not be empty']);
  });

  test('without a tap, loading gives plain grpc-js constructors', () => {
    const plain = loadProto(HELLOWORLD_PROTO) as unknown as ProtoGrpcType;
    assert.equal(Object.getPrototypeOf(plain.rpc_package.HelloWorldService), grpc.Client);
  });
});

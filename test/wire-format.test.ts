// The wire view's field-by-field decode, checked against encodings worked out
// by hand from the protobuf encoding rules, for the messages of lessons 01-05.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { annotate, jsonSize, messageTypeOf } from '../src/instrument/wire-format.js';

const HELLO = '/rpc_package.HelloWorldService/SayHello';
const fields = (hex: string, method: string, direction: 'client->server' | 'server->client') =>
  annotate(Buffer.from(hex, 'hex'), messageTypeOf(method, direction)).map(
    ({ depth, offset, hex: bytes, field, wireType, name, type, value }) => [
      depth,
      offset,
      bytes,
      field,
      wireType,
      name,
      type,
      value,
    ],
  );

test('HelloRequest{name:"Ada"} (lesson 01): one LEN field', () => {
  assert.deepEqual(fields('0a03416461', HELLO, 'client->server'), [
    [0, 0, '0a 03 41 64 61', 1, 2, 'name', 'string', '"Ada"'],
  ]);
  assert.equal(jsonSize(Buffer.from('0a03416461', 'hex'), messageTypeOf(HELLO, 'client->server')!), 14);
});

test('HelloRequest with reply_count 5 and interval_ms 200 (lesson 02): varints, one needing two bytes', () => {
  // 200 = 0b1_1001000: low seven bits 0x48 with the continuation bit (0xc8), then 0x01.
  assert.deepEqual(
    fields('0a05776f726c64100518c801', '/rpc_package.HelloWorldService/LotsOfReplies', 'client->server'),
    [
      [0, 0, '0a 05 77 6f 72 6c 64', 1, 2, 'name', 'string', '"world"'],
      [0, 7, '10 05', 2, 0, 'reply_count', 'int32', '5'],
      [0, 9, '18 c8 01', 3, 0, 'interval_ms', 'int32', '200'],
    ],
  );
});

test('HelloReply{message:"Hello, Ada!", sequence:1} (lessons 03, 04)', () => {
  assert.deepEqual(
    fields('0a0b48656c6c6f2c204164612110' + '01', '/rpc_package.HelloWorldService/BidiHello', 'server->client'),
    [
      [0, 0, '0a 0b 48 65 6c 6c 6f 2c 20 41 64 61 21', 1, 2, 'message', 'string', '"Hello, Ada!"'],
      [0, 13, '10 01', 2, 0, 'sequence', 'int32', '1'],
    ],
  );
});

test('a Report (lesson 05): a nested repeated message with int64, double and bool', () => {
  // readings[0] = {sensor_id: 3, timestamp_ms: 1764000000000, value: -1.5, ok: true, unit: "C"}
  const reading = '0803' + '10' + '80d0dfb4ab33' + '19' + '000000000000f8bf' + '2001' + '2a0143';
  const hex = '0a03416461' + '12' + (reading.length / 2).toString(16).padStart(2, '0') + reading;
  assert.deepEqual(fields(hex, '/rpc_package.ReportService/SendReport', 'client->server'), [
    [0, 0, '0a 03 41 64 61', 1, 2, 'name', 'string', '"Ada"'],
    [0, 5, '12 17', 2, 2, 'readings', 'repeated Reading', 'Reading (23 bytes)'],
    [1, 7, '08 03', 1, 0, 'sensor_id', 'uint32', '3'],
    [1, 9, '10 80 d0 df b4 ab 33', 2, 0, 'timestamp_ms', 'int64', '1764000000000'],
    [1, 16, '19 00 00 00 00 00 00 f8 bf', 3, 1, 'value', 'double', '-1.5'],
    [1, 25, '20 01', 4, 0, 'ok', 'bool', 'true'],
    [1, 27, '2a 01 43', 5, 2, 'unit', 'string', '"C"'],
  ]);
});

test('fields the contract does not know are shown by number', () => {
  assert.deepEqual(fields('0a034164617801', HELLO, 'client->server').at(-1), [
    0,
    5,
    '78 01',
    15,
    0,
    '(unknown field)',
    '?',
    '1',
  ]);
});

test('bytes that end mid-field are reported, not misread', () => {
  const [row, ...rest] = annotate(Buffer.from('0a05416461', 'hex'), messageTypeOf(HELLO, 'client->server'));
  assert.deepEqual(rest, []);
  assert.equal(row.truncated, true);
  assert.equal(row.value, '"Ada" TRUNCATED: the length says 5 bytes, 3 follow');
});

test('bytes that do not decode give a preview and a wire view that say so, never a throw', async () => {
  const { messagePreview } = await import('../src/instrument/decode.js');
  const { wireLines } = await import('../src/ui/wire-lines.js');
  const method = '/rpc_package.HelloWorldService/SayHello';
  // 0f: field 1, wire type 7, which does not exist.
  const event = {
    type: 'message' as const,
    call: 1,
    ms: 1,
    direction: 'server->client' as const,
    size: 1,
    wireSize: 6,
    compressed: false,
    bytes: Buffer.from('0f', 'hex').toString('base64'),
  };
  assert.match(messagePreview(event, method), /^\(1 bytes that do not decode as HelloReply: /);
  const text = wireLines({ run: 1, event, method })
    .map((line) => line.map((span) => span.text).join(''))
    .join('\n');
  assert.match(text, /protobuf 1 B \+ 5 B gRPC prefix = 6 B on the wire/);
  assert.doesNotMatch(text, /the same as JSON/);
});

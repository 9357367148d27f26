// Previews of messages, as the timeline and the transcript show them: a
// `bytes` field as its length and first bytes, and a message of any size in
// the time a small one takes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { previewText, decodePreview } from '../src/instrument/decode.js';
import { messageTypeOf } from '../src/instrument/wire-format.js';

describe('previews of big messages', () => {
  test('bytes fields of any size: the length, up to three bytes, and ".." only when more follow', () => {
    assert.equal(
      previewText({ a: Buffer.from([]), b: Buffer.from([1, 2]), c: new Uint8Array([0xab, 0xcd, 0xef, 1]) }),
      '{"a":<0 B>,"b":<2 B: 01 02>,"c":<4 B: ab cd ef ..>}',
    );
    assert.equal(previewText({ data: Buffer.alloc(5 * 1024 * 1024) }), '{"data":<5.0 MiB: 00 00 00 ..>}');
  });

  test('a message of thousands of repeated fields previews as its whole would, from its first fields only', () => {
    const REPORT = '/rpc_package.ReportService/SendReport';
    const type = messageTypeOf(REPORT, 'client->server')!;
    const readings = Array.from({ length: 40_000 }, (_, index) => ({
      sensor_id: index,
      timestamp_ms: String(1_764_000_000_000 + index),
      value: index / 3,
      ok: true,
      unit: 'C',
    }));
    const bytes = type.encode(type.fromObject({ name: 'Ada', readings })).finish();
    const whole = previewText(type.toObject(type.decode(bytes), { longs: String, enums: String }));
    assert.equal(decodePreview(bytes, REPORT, 'client->server'), whole);
    assert.match(whole, /^\{"name":"Ada","readings":\[\{"sensor_id":0,.*…$/);
    // The shortest fields there are: empty strings, three characters each ("",).
    const BATCH = '/rpc_package.FlowControlService/LotsOfGreetingBatches';
    const batchType = messageTypeOf(BATCH, 'client->server')!;
    const batch = batchType.encode({ names: Array(1_000).fill('') }).finish();
    const wholeBatch = previewText(batchType.toObject(batchType.decode(batch)));
    assert.equal(decodePreview(batch, BATCH, 'client->server'), wholeBatch);
    assert.match(wholeBatch, /^\{"names":\["",("",)+"?…$/);
    // A bytes field is skipped by its length, whatever it holds (here, what reads as 100 varint fields).
    const PUT = '/rpc_package.FileService/Put';
    const chunkType = messageTypeOf(PUT, 'client->server')!;
    const chunk = chunkType.encode({ data: Buffer.from('0801'.repeat(100), 'hex'), sha256: 'ab' }).finish();
    assert.equal(decodePreview(chunk, PUT, 'client->server'), '{"data":<200 B: 08 01 08 ..>,"sha256":"ab"}');
  });
});

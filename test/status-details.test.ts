// Rich error details on the timeline: the google.rpc.Status in a
// grpc-status-details-bin trailer, decoded with the project's protos.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { protoRoot } from '../src/instrument/wire-format.js';
import { statusDetailsSummary } from '../src/instrument/status-details.js';
import { formatWireEvent } from '../src/runner/format.js';
import { wireLines } from '../src/ui/wire-lines.js';
import type { HeaderPair, WireEvent } from '../src/instrument/events.js';

function any(typeName: string, fields: object) {
  const type = protoRoot().lookupType(typeName);
  return { type_url: `type.googleapis.com/${typeName}`, value: type.encode(type.fromObject(fields)).finish() };
}

const statusType = protoRoot().lookupType('google.rpc.Status');
const status = statusType
  .encode(
    statusType.fromObject({
      code: 8,
      message: 'slow down',
      details: [
        any('google.rpc.BadRequest', { field_violations: [{ field: 'name', description: 'must not be empty' }] }),
        any('google.rpc.RetryInfo', { retry_delay: { seconds: 1, nanos: 500_000_000 } }),
      ],
    }),
  )
  .finish();

const headers: HeaderPair[] = [
  ['grpc-status', '8'],
  ['grpc-status-details-bin', Buffer.from(status).toString('base64')],
];
const event: WireEvent = { type: 'headers', call: 1, ms: 2, direction: 'server->client', kind: 'trailers', headers };

test('a trailer with google.rpc.Status details reads as each detail, on a row and in the transcript', () => {
  assert.equal(statusDetailsSummary(headers), 'BadRequest (name: must not be empty); RetryInfo (retry in 1.5s)');
  assert.match(formatWireEvent(event), /trailers +error details: BadRequest \(name: must not be empty\); RetryInfo/);
});

test('the wire view decodes the Status and each detail under the headers', () => {
  const text = wireLines({ run: 1, event, method: '/rpc_package.HelloWorldService/BidiHello' })
    .map((line) => line.map((span) => span.text).join(''))
    .join('\n');
  assert.match(text, /grpc-status-details-bin, decoded: google\.rpc\.Status/);
  assert.match(text, /code 8 {2}message "slow down"/);
  assert.match(text, /RetryInfo {2}retry in 1\.5s/);
});

test('bytes that are not a Status say so; headers without details add nothing', () => {
  assert.equal(
    statusDetailsSummary([['grpc-status-details-bin', Buffer.from('0f', 'hex').toString('base64')]]),
    'details that do not decode as google.rpc.Status',
  );
  assert.equal(statusDetailsSummary([['grpc-status', '0']]), undefined);
});

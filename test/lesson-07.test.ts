// Lesson 07, errors: what the server puts on the wire when a call fails (read
// with a bare HTTP/2 client and decoded with this test's own loader, not the
// lesson's), what its handlers did, what the timeline shows, how the client
// reads details it did not make, and Python grpcio on both sides.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';
import { PROTO_DIR, loadDefinition } from '../src/proto.js';
import type { LessonClientModule } from '../src/lessons.js';
import type { ProtoGrpcType } from '../src/generated/batch.js';
import type { Status__Output } from '../src/generated/google/rpc/Status.js';
import type { HelloBatchServiceHandlers } from '../src/generated/rpc_package/HelloBatchService.js';
import type { HelloWorldServiceHandlers } from '../src/generated/rpc_package/HelloWorldService.js';
import { listen, shutdown } from '../src/runtime/serve.js';
import {
  PYTHON,
  ROOT,
  grpcFrame,
  lesson,
  pythonGrpcMissing,
  skipWhenMissing,
  spawnProcess,
  startObservedLessonServer,
  stopProcess,
  tappedRun,
  waitFor,
  type ObservedServer,
  type Spawned,
  generatePythonCode,
} from './helpers.js';

const LESSON = lesson('07');
const BOUND = { timeout: 20_000 };

// The test's own decoders, from protos/ (the lesson files load theirs themselves).
const definition = loadDefinition(`${PROTO_DIR}batch.proto`);
const { google, rpc_package } = grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
const messageType = <T>(name: string) => definition[name] as unknown as MessageTypeDefinition<T, T>;
const encodeRequest = (request: { name?: string; reply_count?: number; interval_ms?: number }) =>
  messageType<object>('rpc_package.HelloRequest').serialize(request);

const BAD_REQUEST = 'type.googleapis.com/google.rpc.BadRequest';
const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';

/** What came back on one HTTP/2 stream, in the order it arrived. */
interface RawResult {
  /** 'message' for each gRPC message, then 'trailers' or 'trailers-only'. */
  order: string[];
  messages: Buffer[];
  /** The headers that ended the call (grpc-status, grpc-message, grpc-status-details-bin...). */
  end: http2.IncomingHttpHeaders;
}

/** One call made with node:http2 alone: frames out, frames in, nothing of grpc-js on the client side. */
async function rawCall(port: number, path: string, requests: Buffer[]): Promise<RawResult> {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  session.on('error', () => {});
  try {
    const stream = session.request({
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/grpc',
      te: 'trailers',
      'grpc-timeout': '5S',
    });
    const order: string[] = [];
    const messages: Buffer[] = [];
    let pending = Buffer.alloc(0);
    stream.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 5 && pending.length >= 5 + pending.readUInt32BE(1)) {
        const length = pending.readUInt32BE(1);
        messages.push(pending.subarray(5, 5 + length));
        order.push('message');
        pending = pending.subarray(5 + length);
      }
    });
    const end = new Promise<http2.IncomingHttpHeaders>((resolve, reject) => {
      stream.on('response', (headers) => {
        if ('grpc-status' in headers) {
          order.push('trailers-only');
          resolve(headers);
        }
      });
      stream.on('trailers', (trailers) => {
        order.push('trailers');
        resolve(trailers);
      });
      stream.on('error', reject);
    });
    for (const request of requests) stream.write(grpcFrame(request));
    stream.end();
    const headers = await end;
    return { order, messages, end: headers };
  } finally {
    session.close();
  }
}

/** The google.rpc.Status in grpc-status-details-bin, decoded; undefined when there is none. */
function detailsOf(headers: http2.IncomingHttpHeaders): Status__Output | undefined {
  const value = headers['grpc-status-details-bin'];
  if (value === undefined) return undefined;
  return google.rpc.Status.deserialize(Buffer.from(String(value), 'base64'));
}

function detailOfType<T>(status: Status__Output, typeUrl: string, type: { deserialize(bytes: Buffer): T }): T {
  const found = status.details.filter((detail) => detail.type_url === typeUrl);
  assert.equal(found.length, 1, `expected one ${typeUrl} in ${JSON.stringify(status.details.map((d) => d.type_url))}`);
  return type.deserialize(found[0].value);
}

const grpcMessage = (headers: http2.IncomingHttpHeaders) => decodeURIComponent(String(headers['grpc-message']));
const SERVICE = '/rpc_package.HelloWorldService';

describe('lesson 07 server, seen on the wire and from inside its handlers', () => {
  let server: ObservedServer;
  before(async () => {
    server = await startObservedLessonServer('07');
  });
  after(() => server.stop());

  const nextRecord = (count: number) => waitFor(() => server.calls[count], 'the call to reach its handler');

  test(
    'SayHello with an empty name: trailers-only INVALID_ARGUMENT, and a google.rpc.Status with the same code and message and a BadRequest for name',
    BOUND,
    async () => {
      const result = await rawCall(server.port, `${SERVICE}/SayHello`, [encodeRequest({ name: '' })]);
      assert.deepEqual(result.order, ['trailers-only']);
      assert.equal(result.end['grpc-status'], String(grpc.status.INVALID_ARGUMENT));
      const status = detailsOf(result.end);
      assert.ok(status, 'no grpc-status-details-bin in the trailers');
      assert.equal(status.code, grpc.status.INVALID_ARGUMENT);
      assert.equal(status.message, grpcMessage(result.end));
      const badRequest = detailOfType(status, BAD_REQUEST, google.rpc.BadRequest);
      assert.deepEqual(badRequest.field_violations, [{ field: 'name', description: 'must not be empty' }]);
    },
  );

  test('SayHello with a name: OK, and no details trailer', BOUND, async () => {
    const result = await rawCall(server.port, `${SERVICE}/SayHello`, [encodeRequest({ name: 'Ada' })]);
    assert.deepEqual(result.order, ['message', 'trailers']);
    assert.equal(result.end['grpc-status'], '0');
    assert.equal(detailsOf(result.end), undefined);
  });

  test(
    'LotsOfReplies with two bad fields: every violation in one status, before the handler writes anything',
    BOUND,
    async () => {
      const count = server.calls.length;
      const request = encodeRequest({ name: 'Ada', reply_count: 1000, interval_ms: -1 });
      const result = await rawCall(server.port, `${SERVICE}/LotsOfReplies`, [request]);
      assert.deepEqual(result.order, ['trailers-only']);
      const status = detailsOf(result.end)!;
      assert.equal(status.code, grpc.status.INVALID_ARGUMENT);
      assert.deepEqual(
        detailOfType(status, BAD_REQUEST, google.rpc.BadRequest).field_violations.map((violation) => violation.field),
        ['reply_count', 'interval_ms'],
      );
      const record = await nextRecord(count);
      assert.equal(record.writes, 0);
    },
  );

  test(
    'BidiHello with four names at once: three replies cross the wire, then RESOURCE_EXHAUSTED with a RetryInfo of 1 s; the fourth is never answered',
    BOUND,
    async () => {
      const count = server.calls.length;
      const names = ['Ada', 'Grace', 'Linus', 'Barbara'].map((name) => encodeRequest({ name }));
      const result = await rawCall(server.port, `${SERVICE}/BidiHello`, names);
      assert.deepEqual(result.order, ['message', 'message', 'message', 'trailers']);
      const replies = result.messages.map(
        (bytes) => messageType<{ message: string }>('rpc_package.HelloReply').deserialize(bytes).message,
      );
      assert.deepEqual(replies, ['Hello, Ada!', 'Hello, Grace!', 'Hello, Linus!']);
      assert.equal(result.end['grpc-status'], String(grpc.status.RESOURCE_EXHAUSTED));
      const status = detailsOf(result.end)!;
      assert.equal(status.code, grpc.status.RESOURCE_EXHAUSTED);
      assert.equal(status.message, grpcMessage(result.end));
      const { retry_delay } = detailOfType(status, RETRY_INFO, google.rpc.RetryInfo);
      assert.deepEqual(retry_delay, { seconds: '1', nanos: 0 });
      const record = await nextRecord(count);
      assert.equal(record.writes, 3, 'the handler wrote a reply past its limit');
    },
  );

  test('BidiHello with three names: all answered, OK (the limit is three, not two)', BOUND, async () => {
    const names = ['Ada', 'Grace', 'Linus'].map((name) => encodeRequest({ name }));
    const result = await rawCall(server.port, `${SERVICE}/BidiHello`, names);
    assert.deepEqual(result.order, ['message', 'message', 'message', 'trailers']);
    assert.equal(result.end['grpc-status'], '0');
  });

  test(
    'BidiHello with an empty name second: the first reply arrives, then INVALID_ARGUMENT naming the field; nothing after it',
    BOUND,
    async () => {
      const count = server.calls.length;
      const names = ['Ada', '', 'Grace'].map((name) => encodeRequest({ name }));
      const result = await rawCall(server.port, `${SERVICE}/BidiHello`, names);
      assert.deepEqual(result.order, ['message', 'trailers']);
      const status = detailsOf(result.end)!;
      assert.equal(status.code, grpc.status.INVALID_ARGUMENT);
      assert.deepEqual(detailOfType(status, BAD_REQUEST, google.rpc.BadRequest).field_violations, [
        { field: 'name', description: 'must not be empty' },
      ]);
      const record = await nextRecord(count);
      assert.equal(record.writes, 1);
    },
  );

  test(
    'SayHelloToAll: the call ends OK, and the bad item carries its own google.rpc.Status inside the reply',
    BOUND,
    async () => {
      const batch = messageType<object>('rpc_package.HelloBatchRequest').serialize({
        requests: [{ name: 'Ada' }, { name: '' }, { name: 'Grace' }],
      });
      const result = await rawCall(server.port, '/rpc_package.HelloBatchService/SayHelloToAll', [batch]);
      assert.deepEqual(result.order, ['message', 'trailers']);
      assert.equal(result.end['grpc-status'], '0');
      assert.equal(detailsOf(result.end), undefined);
      type Result = { result: string; reply?: { message: string }; error?: Status__Output };
      const { results } = messageType<{ results: Result[] }>('rpc_package.HelloBatchReply').deserialize(
        result.messages[0],
      );
      assert.deepEqual(
        results.map((item) => item.result),
        ['reply', 'error', 'reply'],
      );
      assert.equal(results[0].reply!.message, 'Hello, Ada!');
      assert.equal(results[1].error!.code, grpc.status.INVALID_ARGUMENT);
      assert.deepEqual(detailOfType(results[1].error!, BAD_REQUEST, google.rpc.BadRequest).field_violations, [
        { field: 'name', description: 'must not be empty' },
      ]);
    },
  );

  test(
    'SayHelloToAll with more than 100 requests: the batch itself fails, with a BadRequest for requests',
    BOUND,
    async () => {
      const requests = Array.from({ length: 101 }, () => ({ name: 'Ada' }));
      const batch = messageType<object>('rpc_package.HelloBatchRequest').serialize({ requests });
      const result = await rawCall(server.port, '/rpc_package.HelloBatchService/SayHelloToAll', [batch]);
      assert.deepEqual(result.order, ['trailers-only']);
      const status = detailsOf(result.end)!;
      assert.equal(status.code, grpc.status.INVALID_ARGUMENT);
      assert.deepEqual(
        detailOfType(status, BAD_REQUEST, google.rpc.BadRequest).field_violations.map((violation) => violation.field),
        ['requests'],
      );
    },
  );

  test(
    'LotsOfGreetings throws: UNKNOWN "Unknown error", no details, the exception text nowhere on the wire, and the server goes on',
    BOUND,
    async () => {
      const result = await rawCall(server.port, `${SERVICE}/LotsOfGreetings`, [encodeRequest({ name: 'Ada' })]);
      assert.equal(result.end['grpc-status'], String(grpc.status.UNKNOWN));
      assert.equal(grpcMessage(result.end), 'Unknown error');
      assert.equal(detailsOf(result.end), undefined);
      assert.doesNotMatch(JSON.stringify(result.end), /not written/);
      const next = await rawCall(server.port, `${SERVICE}/SayHello`, [encodeRequest({ name: 'Ada' })]);
      assert.equal(next.end['grpc-status'], '0');
    },
  );
});

describe('lesson 07 client', () => {
  test(
    'the timeline sees BidiHello as the learner should: three replies, then trailers holding the status and its details',
    BOUND,
    async () => {
      const server = await startObservedLessonServer('07');
      try {
        const events = await tappedRun('07', server.port);
        const call = events.find((event) => event.type === 'call' && event.method.endsWith('/BidiHello'));
        assert.ok(call && call.type === 'call');
        const own = events.filter((event) => 'call' in event && event.call === call.call && event.type !== 'call');
        const shape = own
          .filter(
            (event) => (event.type === 'message' && event.direction === 'server->client') || event.type === 'headers',
          )
          .map((event) => (event.type === 'headers' ? event.kind : 'reply'));
        assert.deepEqual(shape, ['request', 'response', 'reply', 'reply', 'reply', 'trailers']);
        const trailers = own.find((event) => event.type === 'headers' && event.kind === 'trailers');
        assert.ok(trailers && trailers.type === 'headers');
        const header = (name: string) => trailers.headers.find(([key]) => key === name)?.[1];
        assert.equal(header('grpc-status'), String(grpc.status.RESOURCE_EXHAUSTED));
        assert.equal(detailsOf({ 'grpc-status-details-bin': header('grpc-status-details-bin') })?.code, 8);
      } finally {
        await server.stop();
      }
    },
  );

  test(
    'reads details a server it never saw sent: a type it does not know is named, and details whose code disagrees with grpc-status are ignored',
    BOUND,
    async () => {
      // A stand-in server, written here: SayHello answers with a trailer whose
      // code disagrees; BidiHello with a detail type the client does not decode.
      const trailer = (code: number, typeUrl: string) => {
        const metadata = new grpc.Metadata();
        const detail = { type_url: typeUrl, value: google.rpc.QuotaFailure.serialize({ violations: [] }) };
        metadata.set('grpc-status-details-bin', google.rpc.Status.serialize({ code, message: 'x', details: [detail] }));
        return metadata;
      };
      const greeter: Partial<HelloWorldServiceHandlers> = {
        SayHello: (_call, callback) =>
          callback({
            code: grpc.status.INVALID_ARGUMENT,
            details: 'wrong',
            metadata: trailer(grpc.status.NOT_FOUND, BAD_REQUEST),
          }),
        BidiHello: (call) => {
          call.on('data', () => {});
          call.on('end', () =>
            call.emit('error', {
              code: grpc.status.ABORTED,
              details: 'conflict',
              metadata: trailer(grpc.status.ABORTED, 'type.googleapis.com/google.rpc.QuotaFailure'),
            }),
          );
        },
      };
      const batch: Partial<HelloBatchServiceHandlers> = {};
      const standIn = new grpc.Server();
      standIn.addService(rpc_package.HelloWorldService.service, greeter as HelloWorldServiceHandlers);
      standIn.addService(rpc_package.HelloBatchService.service, batch as HelloBatchServiceHandlers);
      const port = await listen(standIn, '127.0.0.1', 0);
      const lines = await clientLines(port, ['Ada']);
      await shutdown(standIn, 500);
      assert.equal(lines[1], 'SayHello "": INVALID_ARGUMENT (status 3): wrong');
      assert.equal(
        lines[3],
        'BidiHello "Ada": ABORTED (status 10): conflict · type.googleapis.com/google.rpc.QuotaFailure (not decoded)',
      );
      assert.match(lines[4], /^SayHelloToAll "Ada" "": UNIMPLEMENTED \(status 12\)/);
    },
  );

  test('with no server, it stops at the first call: error: UNAVAILABLE (status 14), exit 1', BOUND, async () => {
    const client = spawnProcess(process.execPath, ['--import', 'tsx', LESSON.clientPath, '--target', '127.0.0.1:1']);
    const { code } = await client.exited;
    assert.equal(code, 1);
    assert.equal(client.stdout(), '');
    assert.match(client.stderr(), /^error: UNAVAILABLE \(status 14\): /);
  });
});

/** Runs the lesson's runClient in this process and returns the lines it printed. */
async function clientLines(port: number, names?: string[]): Promise<string[]> {
  const { runClient } = (await import(pathToFileURL(LESSON.clientPath).href)) as LessonClientModule;
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => lines.push(line);
  try {
    await runClient({ target: `127.0.0.1:${port}`, names });
  } finally {
    console.log = log;
  }
  return lines;
}

const missing = pythonGrpcMissing();
if (missing) console.log(`# SKIPPING lesson 07's Python interop: ${missing}`);

describe('lesson 07 and Python grpcio: the same details, either way round', { skip: skipWhenMissing(missing) }, () => {
  const PEER = join(ROOT, 'test/python/lesson_07.py');
  let genDir = '';
  before(() => {
    genDir = mkdtempSync(join(tmpdir(), 'lesson07-py-'));
    const protos = ['batch.proto', 'helloworld.proto', 'google/rpc/status.proto', 'google/rpc/error_details.proto'];
    generatePythonCode(genDir, [...protos.map((file) => join(PROTO_DIR, file))]);
  });
  after(() => rmSync(genDir, { recursive: true, force: true }));

  test(
    "a Python client decodes the lesson server's BadRequest and RetryInfo and prints the lesson client's lines",
    BOUND,
    async () => {
      const server = await startObservedLessonServer('07');
      try {
        // Not spawnSync: the server runs in this process and must keep answering.
        const python = spawnProcess(PYTHON, [PEER, genDir, 'client', `127.0.0.1:${server.port}`]);
        const { code } = await python.exited;
        assert.equal(code, 0, python.stderr());
        // The lesson client's lines for the calls Python makes too (all but the first and the last).
        assert.deepEqual(python.stdout().trimEnd().split('\n'), LESSON.output.slice(1, -1));
      } finally {
        await server.stop();
      }
    },
  );

  test(
    'the lesson client decodes the details a Python server encodes; only the thrown exception reads differently',
    BOUND,
    async () => {
      let python: Spawned | undefined;
      try {
        python = spawnProcess(PYTHON, [PEER, genDir, 'server']);
        const match = await waitFor(
          () => /listening on 127\.0\.0\.1:(\d+)/.exec(python!.stdout()),
          'the Python server',
          20_000,
        );
        const lines = await clientLines(Number(match[1]));
        assert.deepEqual(lines.slice(0, -1), LESSON.output.slice(0, -1));
        // grpcio sends the exception's text where grpc-js sends "Unknown error".
        assert.equal(
          lines.at(-1),
          'LotsOfGreetings "Ada" "Grace" "Linus" "Barbara": UNKNOWN (status 2): Exception calling application: LotsOfGreetings is not written yet',
        );
      } finally {
        if (python) await stopProcess(python);
      }
    },
  );
});

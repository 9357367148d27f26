// Lesson 09: interceptors. Judged from the server's side: which calls reached
// a handler (the lesson's handlers are watched from outside, see
// startObservedLessonServer), what headers each call arrived with (an
// interceptor of the test's, outside the lesson's own, as the tutorial's call
// log is), and the lines the lesson's interceptors print, in order.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import type { LessonClientModule } from '../src/lessons.js';
import { PROTO_DIR } from '../src/proto.js';
import { callLogger } from '../src/runtime/call-log.js';
import type { HelloReply__Output } from '../src/generated/rpc_package/HelloReply.js';
import type { HelloWorldServiceClient } from '../src/generated/rpc_package/HelloWorldService.js';
import {
  PYTHON,
  ROOT,
  deadlineIn,
  helloClient,
  lesson,
  pythonGrpcMissing,
  skipWhenMissing,
  spawnProcess,
  startObservedLessonServer,
  waitFor,
  type ObservedServer,
  generatePythonCode,
} from './helpers.js';

const TOKEN = 'Bearer lesson-09-token';
const BOUND = { timeout: 20_000 };

/** What headers each call arrived with, seen by a server interceptor put outside the lesson's own. */
interface Arrival {
  method: string;
  authorization?: string;
}

function arrivalRecorder(arrivals: Arrival[]): grpc.ServerInterceptor {
  return (methodDefinition, call) =>
    new grpc.ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, nextMetadata) {
            const [authorization] = metadata.get('authorization');
            const method = methodDefinition.path.slice(methodDefinition.path.lastIndexOf('/') + 1);
            arrivals.push({ method, ...(typeof authorization === 'string' ? { authorization } : {}) });
            nextMetadata(metadata);
          },
        });
      },
    });
}

/** Everything console.log prints in this process (the lesson's server and client print their lines with it). */
function captureConsoleLog() {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  return { lines, restore: () => (console.log = original) };
}

const authorized = (token = TOKEN) => {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', token);
  return metadata;
};

type Outcome = { code: grpc.status; details: string; message?: string };

function sayHello(client: HelloWorldServiceClient, name: string, metadata = new grpc.Metadata()): Promise<Outcome> {
  return new Promise((resolve) =>
    client.SayHello({ name }, metadata, deadlineIn(), (error, reply) =>
      resolve(error ? { code: error.code, details: error.details } : { code: 0, details: '', message: reply!.message }),
    ),
  );
}

/** Sends every name, half-closes, and collects the replies and the status. */
async function bidiHello(
  client: HelloWorldServiceClient,
  names: string[],
  metadata = new grpc.Metadata(),
): Promise<{ status: grpc.StatusObject; replies: string[] }> {
  const call = client.BidiHello(metadata, deadlineIn());
  const replies: string[] = [];
  call.on('data', (reply: HelloReply__Output) => replies.push(reply.message));
  call.on('error', () => {});
  const status = new Promise<grpc.StatusObject>((resolve) => call.once('status', resolve));
  for (const name of names) call.write({ name });
  call.end();
  return { status: await status, replies };
}

let server: ObservedServer;
let client: HelloWorldServiceClient;
const callLog: string[] = [];
const arrivals: Arrival[] = [];
let printed: ReturnType<typeof captureConsoleLog>;

before(async () => {
  printed = captureConsoleLog();
  // The tutorial's call log first, where the runner puts it, then the recorder: both outside the lesson's own.
  server = await startObservedLessonServer('9', {
    interceptors: [callLogger((line) => callLog.push(line)), arrivalRecorder(arrivals)],
  });
  client = helloClient(server.port);
});
after(async () => {
  client.close();
  await server.stop();
  printed.restore();
});

const handlerRuns = (method: string) => server.calls.filter((record) => record.method === method).length;

/**
 * Makes a call with the token and waits for its handler: any handler run for
 * a call made before it would have been recorded by then.
 */
async function settle(): Promise<void> {
  const runs = handlerRuns('SayHello');
  assert.equal((await sayHello(client, 'Check', authorized())).message, 'Hello, Check!');
  await waitFor(() => handlerRuns('SayHello') === runs + 1, 'the call with the token to reach its handler');
}

describe('lesson 09 server: the auth interceptor answers before any handler runs', () => {
  test(
    'SayHello without the token: UNAUTHENTICATED, the handler never runs, the request is never read',
    BOUND,
    async () => {
      const runs = handlerRuns('SayHello');
      const refused = await sayHello(client, 'Ada');
      assert.equal(refused.code, grpc.status.UNAUTHENTICATED);
      assert.equal(refused.details, 'missing or invalid token');
      await settle();
      assert.equal(handlerRuns('SayHello'), runs + 1, 'only the call with the token reached SayHello');
      // The tutorial's call log, outside the lesson's interceptors, saw the refusal and no message read or sent.
      await waitFor(
        () => callLog.some((line) => /^SayHello from .*: UNAUTHENTICATED: .*\(0 in, 0 out,/.test(line)),
        'the call-log line of the refused call',
      );
    },
  );

  test('a wrong token, or the token without its scheme, is refused the same way', BOUND, async () => {
    const runs = handlerRuns('SayHello');
    for (const token of ['Bearer not-the-token', 'lesson-09-token', `${TOKEN}x`, '']) {
      const refused = await sayHello(client, 'Ada', authorized(token));
      assert.equal(refused.code, grpc.status.UNAUTHENTICATED, `token ${JSON.stringify(token)}`);
    }
    await settle();
    assert.equal(handlerRuns('SayHello'), runs + 1);
  });

  test(
    'BidiHello without the token: UNAUTHENTICATED, no reply, and the stream handler never starts',
    BOUND,
    async () => {
      const { status, replies } = await bidiHello(client, ['Ada', 'Grace']);
      assert.equal(status.code, grpc.status.UNAUTHENTICATED);
      assert.deepEqual(replies, []);
      await settle();
      assert.equal(handlerRuns('BidiHello'), 0);
    },
  );

  test('with the token, BidiHello answers every name and its handler reads them all', BOUND, async () => {
    const { status, replies } = await bidiHello(client, ['Ada', 'Grace', 'Linus'], authorized());
    assert.equal(status.code, grpc.status.OK);
    assert.deepEqual(replies, ['Hello, Ada!', 'Hello, Grace!', 'Hello, Linus!']);
    const record = server.calls.filter((call) => call.method === 'BidiHello').at(-1)!;
    assert.equal(record.received, 3);
    assert.equal(record.writes, 3);
  });
});

describe("lesson 09 server: the log interceptor's lines", () => {
  const serverLines = (from: number) => printed.lines.slice(from).filter((line) => /^\[(log|auth)\] [A-Z]/.test(line));

  test(
    'it sits outside the auth check: a refused call is logged as started, refused, ended UNAUTHENTICATED',
    BOUND,
    async () => {
      const from = printed.lines.length;
      await sayHello(client, 'Ada');
      const lines = await waitFor(() => {
        const found = serverLines(from);
        return found.length >= 3 && found;
      }, 'three server lines for the refused call');
      assert.equal(lines[0], '[log] SayHello started');
      assert.equal(lines[1], '[auth] SayHello: refused, no valid token');
      assert.match(lines[2], /^\[log\] SayHello ended UNAUTHENTICATED \(\d+\.\d ms\)$/);
    },
  );

  test('a stream the handler never answers is logged when its deadline passes', BOUND, async () => {
    const from = printed.lines.length;
    // A bare HTTP/2 client that starts a BidiHello with a 300 ms deadline and then says nothing:
    // the handler waits for a request, and grpc-js answers DEADLINE_EXCEEDED by itself.
    const session = http2.connect(`http://127.0.0.1:${server.port}`);
    session.on('error', () => {});
    try {
      const stream = session.request({
        ':method': 'POST',
        ':path': '/rpc_package.HelloWorldService/BidiHello',
        'content-type': 'application/grpc',
        te: 'trailers',
        'grpc-timeout': '300m',
        authorization: TOKEN,
      });
      stream.on('error', () => {});
      const ended = await waitFor(
        () => serverLines(from).find((line) => line.startsWith('[log] BidiHello ended')),
        'the log line of the stream nobody answered',
      );
      assert.match(ended, /^\[log\] BidiHello ended before the handler answered \((\d+)\.\d ms\)$/);
      assert.ok(Number(/\((\d+)/.exec(ended)![1]) >= 250, `ended too early: ${ended}`);
    } finally {
      session.destroy();
    }
  });
});

describe('lesson 09 client: its interceptors, seen from the server', () => {
  const names = ['Bob', 'Eve', 'Lin'];
  let from = 0;
  let arrived: Arrival[] = [];
  let runs = { SayHello: 0, BidiHello: 0 };
  let clientLines: string[] = [];

  before(async () => {
    const { runClient } = (await import(pathToFileURL(lesson('9').clientPath).href)) as LessonClientModule;
    from = arrivals.length;
    runs = { SayHello: handlerRuns('SayHello'), BidiHello: handlerRuns('BidiHello') };
    const printedFrom = printed.lines.length;
    await runClient({ target: `127.0.0.1:${server.port}`, names });
    arrived = arrivals.slice(from);
    // The client's own lines: its log lines carry a call number, the server's do not.
    clientLines = printed.lines
      .slice(printedFrom)
      .filter((line) => !/^\[(log|auth)\] [A-Z]/.test(line) || line.startsWith('[log] call '));
  });

  test('the token interceptor puts the header on the calls of the client that has it, and only there', () => {
    assert.deepEqual(arrived, [
      { method: 'SayHello', authorization: TOKEN },
      { method: 'SayHello' },
      { method: 'BidiHello', authorization: TOKEN },
    ]);
    assert.equal(handlerRuns('SayHello'), runs.SayHello + 1, 'the call without the token reached SayHello');
    assert.equal(handlerRuns('BidiHello'), runs.BidiHello + 1);
  });

  test('the counting interceptor reports on each stream what the server handler really received and sent', () => {
    const record = server.calls.filter((call) => call.method === 'BidiHello').at(-1)!;
    assert.equal(record.received, names.length);
    assert.equal(record.writes, names.length);
    assert.ok(clientLines.includes(`[count] BidiHello: ${record.received} sent, ${record.writes} received`));
    // The refused call: its request went out, nothing came back (the null message grpc-js hands on is not a reply).
    assert.ok(clientLines.includes('[count] SayHello: 1 sent, 0 received'), clientLines.join('\n'));
  });

  test('going out the interceptors run in list order, coming back in reverse, and the reply comes last', () => {
    const at = (pattern: RegExp) => {
      const index = clientLines.findIndex((line) => pattern.test(line));
      assert.ok(index >= 0, `no line matching ${pattern} in:\n${clientLines.join('\n')}`);
      return index;
    };
    const order = [
      at(/^\[log\] call \d+: BidiHello started$/),
      at(/^\[token\] BidiHello: authorization added$/),
      at(/^BidiHello: Hello, Bob!$/),
      at(/^BidiHello: Hello, Lin!$/),
      at(/^\[count\] BidiHello: 3 sent, 3 received$/),
      at(/^\[log\] call \d+: BidiHello ended OK$/),
    ];
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
    );
    const unary = [
      at(/^\[log\] call \d+: SayHello started$/),
      at(/^\[token\] SayHello: authorization added$/),
      at(/^\[count\] SayHello: 1 sent, 1 received$/),
      at(/^\[log\] call \d+: SayHello ended OK$/),
      at(/^SayHello: Hello, Bob!$/),
    ];
    assert.deepEqual(
      [...unary].sort((a, b) => a - b),
      unary,
    );
  });
});

const pythonMissing = pythonGrpcMissing();
if (pythonMissing) console.log(`# SKIPPING the Python client of lesson 09: ${pythonMissing}`);

describe('a Python grpcio client against the lesson 09 server', { skip: skipWhenMissing(pythonMissing) }, () => {
  let genDir = '';
  before(() => {
    genDir = mkdtempSync(join(tmpdir(), 'helloworld-py-'));
    generatePythonCode(genDir, [join(PROTO_DIR, 'helloworld.proto')]);
  });
  after(() => rmSync(genDir, { recursive: true, force: true }));

  test('without the token or with a wrong one it gets UNAUTHENTICATED, with it the greetings', BOUND, async () => {
    const from = arrivals.length;
    const runs = { SayHello: handlerRuns('SayHello'), BidiHello: handlerRuns('BidiHello') };
    // Asynchronously: the server answering it runs in this process.
    const python = spawnProcess(PYTHON, [join(ROOT, 'test/python/lesson_09.py'), genDir, `127.0.0.1:${server.port}`]);
    const { code } = await python.exited;
    assert.equal(code, 0, python.stderr());
    assert.deepEqual(python.stdout().trim().split('\n'), [
      'no token: UNAUTHENTICATED missing or invalid token',
      'wrong token: UNAUTHENTICATED missing or invalid token',
      'token: Hello, Ada!',
      'stream: Hello, Ada!',
      'stream: Hello, Grace!',
    ]);
    assert.deepEqual(arrivals.slice(from), [
      { method: 'SayHello' },
      { method: 'SayHello', authorization: 'Bearer not-the-token' },
      { method: 'SayHello', authorization: TOKEN },
      { method: 'BidiHello', authorization: TOKEN },
    ]);
    assert.equal(handlerRuns('SayHello'), runs.SayHello + 1, 'a call without the token reached SayHello');
    assert.equal(handlerRuns('BidiHello'), runs.BidiHello + 1);
  });
});

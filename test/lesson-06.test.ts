// Lesson 06: deadlines and cancellation, judged from the server's side. Each
// handler is watched from outside (startObservedLessonServer): the deadline its
// call had, when its call was cancelled, every write it made after that, and
// when it returned. The lesson server logs its own line for a call cut short,
// and the call log one for every call; both are read here too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { callLogger } from '../src/runtime/call-log.js';
import { loadDefinition, loadHelloWorld, PROTO_DIR } from '../src/proto.js';
import type { LessonClientModule } from '../src/lessons.js';
import type { ProtoGrpcType as DeadlinesProto } from '../src/generated/deadlines.js';
import type { BackServiceClient } from '../src/generated/rpc_package/BackService.js';
import type { FrontServiceClient } from '../src/generated/rpc_package/FrontService.js';
import type { GreetingReply__Output } from '../src/generated/rpc_package/GreetingReply.js';
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
  stalledCall,
  startObservedLessonServer,
  stopProcess,
  waitFor,
  type HandlerRecord,
  type ObservedServer,
  type Spawned,
  generatePythonCode,
} from './helpers.js';

/** Every test here ends in a few seconds; a hang fails by name. */
const BOUND = { timeout: 30_000 };
/** How long a handler may take to let go of a call that ended: "at once", with room for a loaded machine. */
const PROMPTLY_MS = 2_000;
/** How far apart two views of one deadline may be: the header's transit and its whole-millisecond rounding. */
const DEADLINE_SLACK_MS = 250;

const { rpc_package } = grpc.loadPackageDefinition(
  loadDefinition(`${PROTO_DIR}deadlines.proto`),
) as unknown as DeadlinesProto;

interface LessonServer extends ObservedServer {
  /** The call log, as `npm run server` prints it. */
  log: string[];
  /** What the lesson's handlers printed themselves. */
  printed: string[];
}

/**
 * Lesson 06's server in this process with its call log and its own lines
 * captured. A reaches B at `backTarget`, by default this same server.
 */
async function startServer(backTarget?: () => string): Promise<LessonServer> {
  const log: string[] = [];
  let port = 0;
  const server = await startObservedLessonServer('06', {
    interceptors: [callLogger((line) => log.push(line))],
    backTarget: backTarget ?? (() => `127.0.0.1:${port}`),
  });
  port = server.port;
  return Object.assign(server, { log, printed: [] as string[] });
}

/** Routes console.log (the lesson handlers' own lines) into `lines` until restored. */
function capturePrinted(lines: () => string[]): () => void {
  const original = console.log;
  console.log = (...args: unknown[]) => void lines().push(args.join(' '));
  return () => (console.log = original);
}

const frontClient = (port: number): FrontServiceClient =>
  new rpc_package.FrontService(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
const backClient = (port: number): BackServiceClient =>
  new rpc_package.BackService(`127.0.0.1:${port}`, grpc.credentials.createInsecure());

const records = (server: ObservedServer, method: string) => server.calls.filter((call) => call.method === method);
const nextRecord = (server: ObservedServer, method: string, seen: number) =>
  waitFor(() => records(server, method)[seen], `a ${method} call to reach its handler`);
const lineMatching = (lines: () => string[], pattern: RegExp, what: string) =>
  waitFor(() => lines().find((line) => pattern.test(line)), what).catch((error: Error) => {
    throw new Error(`${error.message}; have: ${lines().join(' | ')}`);
  });
const deadlineMs = (record: HandlerRecord) => {
  const deadline = (record.call as unknown as grpc.ServerUnaryCall<unknown, unknown>).getDeadline();
  return deadline instanceof Date ? deadline.getTime() : deadline;
};
const ignoreErrors = <T extends NodeJS.EventEmitter>(call: T): T => {
  call.on('error', () => {});
  return call;
};

function greet(client: FrontServiceClient, work_ms: number, options: grpc.CallOptions) {
  let call!: grpc.ClientUnaryCall;
  const done = new Promise<GreetingReply__Output>((resolve, reject) => {
    call = client.Greet({ name: 'Ada', work_ms }, options, (error, reply) => (error ? reject(error) : resolve(reply!)));
  });
  return { call, done };
}

describe('lesson 06: the server sees the deadline and the cancel, and stops', () => {
  let server: LessonServer;
  let hello: HelloWorldServiceClient;
  let front: FrontServiceClient;
  let restore: () => void;
  before(async () => {
    server = await startServer();
    restore = capturePrinted(() => server.printed);
    hello = helloClient(server.port);
    front = frontClient(server.port);
  });
  after(async () => {
    restore();
    hello.close();
    front.close();
    await server.stop();
  });

  test(
    'a deadline that passes during a pause: the stream handler returns at once and says what it wrote',
    BOUND,
    async () => {
      const seen = records(server, 'LotsOfReplies').length;
      const options = deadlineIn(300);
      const call = ignoreErrors(hello.LotsOfReplies({ name: 'Ada', reply_count: 3, interval_ms: 60_000 }, options));
      const record = await nextRecord(server, 'LotsOfReplies', seen);
      const [error] = (await once(call, 'error')) as [grpc.ServiceError];
      assert.equal(error.code, grpc.status.DEADLINE_EXCEEDED);
      // The handler's call carries the client's deadline, as grpc-timeout brought it.
      assert.ok(Math.abs(deadlineMs(record) - (options.deadline as number)) < DEADLINE_SLACK_MS);
      await waitFor(() => record.settledAt, 'the handler to return after the deadline', PROMPTLY_MS + 300);
      assert.equal(record.writes, 1);
      assert.equal(record.writesAfterCancel, 0);
      await lineMatching(
        () => server.printed,
        /^LotsOfReplies: deadline in \d+ ms; cancelled after \d+ ms; stopped writing after 1 of 3 replies$/,
        "the handler's own line",
      );
      await lineMatching(() => server.log, /^LotsOfReplies .*: DEADLINE_EXCEEDED.*\(1 in, 1 out,/, 'the call-log line');
    },
  );

  test("a call that ends normally gets 'cancelled' too, and the handler reports no cancel for it", BOUND, async () => {
    const seen = records(server, 'LotsOfReplies').length;
    const printed = server.printed.length;
    const call = hello.LotsOfReplies({ name: 'Ada', reply_count: 2 }, deadlineIn(5_000));
    call.on('data', () => {});
    const [status] = (await once(call, 'status')) as [grpc.StatusObject];
    assert.equal(status.code, grpc.status.OK);
    const record = await nextRecord(server, 'LotsOfReplies', seen);
    // grpc-js emits 'cancelled' once the OK status is out: the call is over.
    await waitFor(() => record.cancelledAt, "the 'cancelled' event after the normal end");
    await lineMatching(() => server.log, /^LotsOfReplies .*: OK \(1 in, 2 out,/, 'the call-log line');
    assert.deepEqual(server.printed.slice(printed), []);
  });

  test(
    'a cancel while the handler waits for a full window: no write after it, and the handler returns',
    BOUND,
    async () => {
      const seen = records(server, 'LotsOfReplies').length;
      const request = loadHelloWorld().rpc_package.HelloWorldService.service.LotsOfReplies.requestSerialize({
        name: 'Ada',
        reply_count: 1_000_000,
      });
      const stalled = stalledCall(server.port, '/rpc_package.HelloWorldService/LotsOfReplies');
      try {
        await stalled.send(request);
        stalled.stream.end();
        const record = await nextRecord(server, 'LotsOfReplies', seen);
        await waitFor(() => record.full && record.writes > 100, 'the handler to fill the window and wait for drain');
        stalled.cancel();
        await waitFor(() => record.cancelledAt, 'the server to see the cancel');
        await waitFor(() => record.settledAt, 'the handler to return', PROMPTLY_MS);
        assert.equal(record.writesAfterCancel, 0, 'the handler kept writing to a cancelled call');
        const line = await lineMatching(
          () => server.printed,
          /^LotsOfReplies: no deadline; cancelled after \d+ ms; stopped writing after \d+ of 1000000 replies$/,
          "the handler's own line",
        );
        assert.equal(Number(/after (\d+) of/.exec(line)![1]), record.writes);
      } finally {
        stalled.close();
      }
    },
  );

  test('B stops its work when its deadline passes: no answer, the handler returns at once', BOUND, async () => {
    const back = backClient(server.port);
    try {
      const seen = records(server, 'MakeGreeting').length;
      const options = deadlineIn(300);
      const reply = new Promise<grpc.ServiceError | null>((resolve) =>
        back.MakeGreeting({ name: 'Ada', work_ms: 60_000 }, options, (error) => resolve(error)),
      );
      const record = await nextRecord(server, 'MakeGreeting', seen);
      assert.equal((await reply)?.code, grpc.status.DEADLINE_EXCEEDED);
      await waitFor(() => record.settledAt, 'the work to stop', PROMPTLY_MS + 300);
      assert.ok(record.settledAt! - record.startedAt < 300 + PROMPTLY_MS, 'B worked on after its deadline');
      await lineMatching(
        () => server.printed,
        /^MakeGreeting: deadline in \d+ ms; cancelled after \d+ ms; stopped its 60000 ms of work$/,
        "B's own line",
      );
    } finally {
      back.close();
    }
  });

  test("across the hop, B's call carries the client's deadline, not A's own 10 s", BOUND, async () => {
    const seen = records(server, 'MakeGreeting').length;
    const options = deadlineIn(3_000);
    const reply = await greet(front, 0, options).done;
    const record = await nextRecord(server, 'MakeGreeting', seen);
    const clientDeadline = options.deadline as number;
    assert.ok(
      Math.abs(deadlineMs(record) - clientDeadline) < DEADLINE_SLACK_MS,
      `B's deadline is ${deadlineMs(record) - clientDeadline} ms from the client's`,
    );
    assert.ok(reply.deadline_left_ms > 0 && reply.deadline_left_ms <= 3_000, `B had ${reply.deadline_left_ms} ms`);
    assert.equal(reply.message, 'Hello, Ada!');
  });

  test("across the hop, the client's deadline stops B's work too", BOUND, async () => {
    const seen = records(server, 'MakeGreeting').length;
    const { done } = greet(front, 60_000, deadlineIn(300));
    const record = await nextRecord(server, 'MakeGreeting', seen);
    await assert.rejects(done, { code: grpc.status.DEADLINE_EXCEEDED });
    await waitFor(() => record.settledAt, "B's work to stop", PROMPTLY_MS + 300);
    assert.ok(record.settledAt! - record.startedAt < 300 + PROMPTLY_MS, 'B worked on after the deadline');
  });

  test("across the hop, the client's cancel reaches B at once, long before any deadline", BOUND, async () => {
    const seen = records(server, 'MakeGreeting').length;
    const { call, done } = greet(front, 60_000, deadlineIn(60_000));
    const record = await nextRecord(server, 'MakeGreeting', seen);
    const cancelledAt = Date.now();
    call.cancel();
    await assert.rejects(done, { code: grpc.status.CANCELLED });
    await waitFor(() => record.settledAt, "B's work to stop", PROMPTLY_MS);
    assert.ok(record.settledAt! - cancelledAt < PROMPTLY_MS);
    await lineMatching(
      () => server.printed,
      /^MakeGreeting: deadline in \d+ ms; cancelled after \d+ ms; stopped its 60000 ms of work$/,
      "B's own line",
    );
  });

  test("the lesson's client: each call ends the way its line says, and the server saw each end", BOUND, async () => {
    const { runClient } = (await import(pathToFileURL(lesson('06').clientPath).href)) as LessonClientModule;
    const before = new Map(
      ['MakeGreeting', 'LotsOfReplies', 'LotsOfGreetings', 'BidiHello'].map((method) => [
        method,
        records(server, method).length,
      ]),
    );
    const printed = server.printed.length;
    await runClient({ target: `127.0.0.1:${server.port}` });
    // What the client printed (console.log is captured here, with the server's own lines).
    const clientLines = server.printed.slice(printed).filter((line) => !/^[A-Za-z]+: deadline in/.test(line));
    assert.deepEqual(clientLines, lesson('06').output);

    const calls = (method: string) => records(server, method).slice(before.get(method));
    // B: one call answered, one whose work stopped at the client's 500 ms deadline.
    const [answered, stopped] = calls('MakeGreeting');
    assert.ok(answered && stopped, 'B was called twice');
    await waitFor(() => stopped.settledAt, "B's work to stop");
    assert.ok(stopped.settledAt! - stopped.startedAt < 500 + PROMPTLY_MS);
    // The streams: every one ended with the handler writing nothing after its end.
    const [untilDeadline, cancelled] = calls('LotsOfReplies');
    await waitFor(() => untilDeadline.settledAt && cancelled.settledAt, 'the stream handlers to return');
    assert.equal(untilDeadline.writes, 1);
    // The client cancelled after its third reply; the server may have written one more meanwhile.
    assert.ok(cancelled.writes >= 3 && cancelled.writes < 10, `LotsOfReplies wrote ${cancelled.writes} of 10`);
    const [bidiUntilDeadline, bidiCancelled] = calls('BidiHello');
    assert.equal(bidiUntilDeadline.received, 1);
    assert.equal(bidiCancelled.received, 2, 'the client left before its last name');
    for (const record of [untilDeadline, cancelled, ...calls('LotsOfGreetings'), bidiUntilDeadline, bidiCancelled])
      assert.equal(record.writesAfterCancel, 0, `${record.method} wrote after its call ended`);
    await lineMatching(
      () => server.printed,
      new RegExp(
        `^LotsOfReplies: deadline in \\d+ ms; cancelled after \\d+ ms; stopped writing after ${cancelled.writes} of 10 replies$`,
      ),
      'the line for the stream the client cancelled',
    );
  });
});

const missing = pythonGrpcMissing();
if (missing) console.log(`# SKIPPING lesson 06's Python interop tests: ${missing}`);

describe('lesson 06 with Python grpcio', { skip: skipWhenMissing(missing) }, () => {
  const PEER = join(ROOT, 'test/python/lesson_06.py');
  let genDir = '';
  before(() => {
    genDir = mkdtempSync(join(tmpdir(), 'deadlines-py-'));
    const protos = ['helloworld.proto', 'deadlines.proto'].map((file) => join(PROTO_DIR, file));
    generatePythonCode(genDir, [...protos]);
  });
  after(() => rmSync(genDir, { recursive: true, force: true }));

  describe('a Python client with a 0.5 s timeout', () => {
    let server: LessonServer;
    let restore: () => void;
    before(async () => {
      server = await startServer();
      restore = capturePrinted(() => server.printed);
    });
    after(async () => {
      restore();
      await server.stop();
    });

    const runPython = async (method: string) => {
      const python = spawnProcess(PYTHON, [PEER, genDir, 'client', `127.0.0.1:${server.port}`, method]);
      const { code } = await python.exited;
      assert.equal(code, 0, python.stderr());
      return python.stdout().trim();
    };

    test(
      'gets DEADLINE_EXCEEDED mid-stream; the stream handler saw the cancel and stopped writing',
      BOUND,
      async () => {
        assert.equal(await runPython('LotsOfReplies'), 'LotsOfReplies: 1 reply, then DEADLINE_EXCEEDED');
        const [record] = records(server, 'LotsOfReplies');
        await waitFor(() => record.cancelledAt, 'the server to see the cancel');
        await waitFor(() => record.settledAt, 'the handler to return', PROMPTLY_MS);
        assert.equal(record.writes, 1);
        assert.equal(record.writesAfterCancel, 0);
        assert.ok(deadlineMs(record) - record.startedAt <= 500 + DEADLINE_SLACK_MS, "the handler had Python's timeout");
        await lineMatching(
          () => server.printed,
          /^LotsOfReplies: deadline in \d+ ms; cancelled after \d+ ms; stopped writing after 1 of 3 replies$/,
          "the handler's own line",
        );
        await lineMatching(() => server.log, /^LotsOfReplies .*: DEADLINE_EXCEEDED/, 'the call-log line');
      },
    );

    test("gets DEADLINE_EXCEEDED through the hop; B had Python's timeout and stopped its work", BOUND, async () => {
      assert.equal(await runPython('Greet'), 'Greet: 0 replies, then DEADLINE_EXCEEDED');
      const [record] = records(server, 'MakeGreeting');
      await waitFor(() => record.settledAt, "B's work to stop", PROMPTLY_MS);
      assert.ok(deadlineMs(record) - record.startedAt <= 500 + DEADLINE_SLACK_MS, "B had Python's timeout");
      await lineMatching(
        () => server.printed,
        /^MakeGreeting: deadline in \d+ ms; cancelled after \d+ ms; stopped its 60000 ms of work$/,
        "B's own line",
      );
    });
  });

  describe("a Python B behind the lesson's A", () => {
    let python: Spawned;
    let server: LessonServer;
    let front: FrontServiceClient;
    before(async () => {
      python = spawnProcess(PYTHON, [PEER, genDir, 'back']);
      const match = await waitFor(
        () => /listening on 127\.0\.0\.1:(\d+)/.exec(python.stdout()),
        'the Python back service',
        20_000,
      );
      server = await startServer(() => `127.0.0.1:${match[1]}`);
      front = frontClient(server.port);
    });
    after(async () => {
      front.close();
      await server.stop();
      await stopProcess(python);
    });

    test("B in Python gets the client's deadline through A", BOUND, async () => {
      const reply = await greet(front, 0, deadlineIn(3_000)).done;
      assert.equal(reply.message, 'Hello from Python, Ada!');
      assert.ok(reply.deadline_left_ms > 0 && reply.deadline_left_ms <= 3_000, `B had ${reply.deadline_left_ms} ms`);
    });

    test("the client's cancel reaches B in Python: it stops working", BOUND, async () => {
      const started = () => python.stdout().match(/MakeGreeting: deadline in/g)?.length ?? 0;
      const before = started();
      const { call, done } = greet(front, 60_000, deadlineIn(60_000));
      await waitFor(() => started() > before, 'B to start working');
      call.cancel();
      await assert.rejects(done, { code: grpc.status.CANCELLED });
      await waitFor(
        () => /MakeGreeting: cancelled after \d+ ms; stopped/.test(python.stdout()),
        'B in Python to stop',
        PROMPTLY_MS,
      );
    });
  });
});

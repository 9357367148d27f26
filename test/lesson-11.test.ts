// Lesson 11: long-lived streams, judged from the servers' side. The lesson's
// server.ts runs as a real process with its own main() (bind, SIGTERM, the
// graceful shutdown), and a preload (fixtures/lesson-11-observer.ts) reports
// each call's request and every greeting its handler wrote. A test kills,
// stops or freezes that process in the middle of a stream, starts the next
// one on the same port, and checks that the client picked the feed up right
// after the last greeting it had: nothing missed, nothing twice.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { PROTO_DIR, loadDefinition } from '../src/proto.js';
import { listen, shutdown } from '../src/runtime/serve.js';
import type { ProtoGrpcType as FeedProto } from '../src/generated/feed.js';
import type { HelloReply } from '../src/generated/rpc_package/HelloReply.js';
import type { SubscribeRequest__Output } from '../src/generated/rpc_package/SubscribeRequest.js';
import { runClient } from '../lessons/11-long-lived-streams/client.js';
import type { Observed } from './fixtures/lesson-11-observer.js';
import {
  PYTHON,
  ROOT,
  lesson,
  pythonGrpcMissing,
  skipWhenMissing,
  spawnProcess,
  startObservedLessonServer,
  stopProcess,
  waitFor,
  type Spawned,
  generatePythonCode,
} from './helpers.js';

/** Every test here ends in a few seconds; a hang fails by name. */
const BOUND = { timeout: 30_000 };
const OBSERVER = join(ROOT, 'test/fixtures/lesson-11-observer.ts');
/** The lesson's client waits 1 s before its first reconnect; the tests restart servers at once. */
const QUICK_RECONNECT: grpc.ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 200,
};
/** Pings every 200 ms, given up on after 200 ms: the lesson's 10 s and 5 s, shrunk to fit a test. */
const QUICK_KEEPALIVE = { 'grpc.keepalive_time_ms': 200, 'grpc.keepalive_timeout_ms': 200 };
const feedProto = grpc.loadPackageDefinition(loadDefinition(`${PROTO_DIR}feed.proto`)) as unknown as FeedProto;

interface FeedServer extends Spawned {
  /** What the handler did for its n-th call (from 1): the request, the greetings it wrote, how it ended. */
  handled(n: number): { request?: Record<string, unknown>; sent: number[]; status?: number; cancelled: boolean };
  calls(): number;
}

/** A port nobody listens on (the OS's pick, let go again): where servers come and go in these tests. */
async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Lesson 11's server.ts as its own program on `port`, observed; resolves once it listens. */
async function startFeedServer(port: number): Promise<FeedServer> {
  const server = spawnProcess(process.execPath, [
    '--import',
    'tsx',
    '--import',
    OBSERVER,
    lesson('11').serverPath,
    '--port',
    String(port),
  ]);
  let exited = false;
  void server.exited.then(() => (exited = true));
  await waitFor(
    () => {
      if (exited) throw new Error(`the server exited early: ${server.stderr()}`);
      return server.stdout().includes(`listening on 127.0.0.1:${port}\n`);
    },
    'the server to listen',
    20_000,
  );
  const observed = () =>
    server
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('observed '))
      .map((line) => JSON.parse(line.slice('observed '.length)) as Observed);
  return {
    ...server,
    calls: () => observed().filter((event) => event.request).length,
    handled(n) {
      const events = observed().filter((event) => event.call === n);
      return {
        request: events.find((event) => event.request)?.request,
        sent: events.flatMap((event) => (event.sent === undefined ? [] : [event.sent])),
        status: events.find((event) => event.status !== undefined)?.status,
        cancelled: events.some((event) => event.cancelled),
      };
    },
  };
}

/** The lesson's runClient in this process, its lines captured instead of printed. */
function followFeed(options: Parameters<typeof runClient>[0]): {
  lines(): string[];
  printed: string[];
  done: Promise<void>;
} {
  const printed: string[] = [];
  let failure: string | undefined;
  const original = console.log;
  console.log = (...args: unknown[]) => void printed.push(args.join(' '));
  const done = runClient(options).finally(() => (console.log = original));
  done.catch((error: grpc.ServiceError) => {
    const { code, details, message } = error;
    failure = `the client failed with ${code === undefined ? message : `${grpc.status[code]}: ${details}`}`;
  });
  return {
    done,
    printed,
    // Throws once the client has failed: a wait for a line it will never print ends there, saying why.
    lines() {
      if (failure) throw new Error(`${failure}; it printed: ${printed.join(' | ')}`);
      return printed;
    },
  };
}

/** The sequence numbers of the greetings in these lines, in order. */
const greetings = (lines: string[]) =>
  lines.flatMap((line) => {
    const match = /^Hello, \w+! \((\d+) of \d+\)$/.exec(line);
    return match ? [Number(match[1])] : [];
  });
const upTo = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);
const lineMatching = (lines: () => string[], pattern: RegExp, what: string, timeoutMs?: number) =>
  waitFor(
    () =>
      lines()
        .map((line) => pattern.exec(line))
        .find(Boolean),
    what,
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; have: ${lines().join(' | ')}`);
  });

/** Stops a process the test started, frozen (SIGSTOP) or not. */
async function thawAndStop(spawned: Spawned | undefined): Promise<void> {
  if (!spawned) return;
  spawned.child.kill('SIGCONT');
  await stopProcess(spawned);
}

describe('lesson 11: a feed that outlives its server', () => {
  test(
    'a server killed mid-stream (SIGKILL): the client resumes on the next one at the same address, right after its last greeting',
    BOUND,
    async () => {
      const port = await freePort();
      const first = await startFeedServer(port);
      let second: FeedServer | undefined;
      try {
        const client = followFeed({
          target: `127.0.0.1:${port}`,
          count: 40,
          intervalMs: 20,
          channelOptions: QUICK_RECONNECT,
        });
        await waitFor(() => greetings(client.lines()).length >= 5, 'five greetings');
        first.child.kill('SIGKILL');
        await first.exited;
        const [, last] = await lineMatching(
          client.lines,
          /^stream 1 ended: UNAVAILABLE \(status 14\): .*; resuming after (\d+)$/,
          'the client to see its stream end',
        );
        second = await startFeedServer(port);
        await client.done;
        assert.deepEqual(greetings(client.lines()), upTo(1, 40));
        assert.ok(client.lines().includes('40 of 40 greetings on 2 streams: OK'));
        // The killed server had written at least what the client got from it.
        assert.deepEqual(first.handled(1).sent.slice(0, Number(last)), upTo(1, Number(last)));
        // The next server was asked for what came after the client's last greeting, and sent exactly that.
        assert.equal(second.calls(), 1);
        const resumed = second.handled(1);
        assert.equal(resumed.request?.resume_after, Number(last));
        assert.deepEqual(resumed.sent, upTo(Number(last) + 1, 40));
        assert.equal(resumed.status, grpc.status.OK);
      } finally {
        await thawAndStop(first);
        await thawAndStop(second);
      }
    },
  );

  test(
    'a server stopped mid-stream (SIGTERM): GOAWAY, greetings on through the grace period, then the feed ends UNAVAILABLE and the server exits 0; the client resumes',
    BOUND,
    async () => {
      const port = await freePort();
      const first = await startFeedServer(port);
      let second: FeedServer | undefined;
      try {
        // 2.5 s of feed: longer than the whole shutdown (2 s), so only the server's own status can end it cleanly.
        const client = followFeed({
          target: `127.0.0.1:${port}`,
          count: 250,
          intervalMs: 10,
          channelOptions: QUICK_RECONNECT,
        });
        await waitFor(() => greetings(client.lines()).length >= 5, 'five greetings');
        const sentBeforeSignal = first.handled(1).sent.length;
        first.child.kill('SIGTERM');
        const ended = await lineMatching(
          client.lines,
          /^stream 1 ended: UNAVAILABLE \(status 14\): server shutting down after (\d+) of 250; resuming after (\d+)$/,
          'the feed to end with the server’s own status',
          10_000,
        );
        assert.deepEqual(await first.exited, { code: 0, signal: null });
        assert.match(first.stdout(), /SIGTERM: shutting down/);
        // On the server's side: the running call went on after the signal, then the handler ended it UNAVAILABLE.
        const stopped = first.handled(1);
        // 1.5 s of grace at one greeting every 10 ms: about 150, and at least 10 on the slowest machine.
        assert.ok(
          stopped.sent.length - sentBeforeSignal >= 10,
          `${stopped.sent.length - sentBeforeSignal} greetings after SIGTERM: the grace period did not let the call run`,
        );
        assert.equal(stopped.status, grpc.status.UNAVAILABLE);
        // Its status names its last greeting, and the client had them all: a graceful end loses nothing.
        assert.equal(Number(ended[1]), stopped.sent.at(-1));
        assert.equal(ended[2], ended[1]);
        // GOAWAY reached the client while the stream still ran: its channel left READY before the stream ended.
        const goaway = client.lines().indexOf('channel READY -> IDLE');
        assert.ok(goaway >= 0 && goaway < client.lines().indexOf(ended[0]), client.lines().join(' | '));

        second = await startFeedServer(port);
        await client.done;
        assert.deepEqual(greetings(client.lines()), upTo(1, 250));
        const resumed = second.handled(1);
        assert.equal(resumed.request?.resume_after, Number(ended[1]));
        assert.deepEqual(resumed.sent, upTo(Number(ended[1]) + 1, 250));
      } finally {
        await thawAndStop(first);
        await thawAndStop(second);
      }
    },
  );

  test('the client starts before any server listens: waitForReady holds its stream until one does', BOUND, async () => {
    const port = await freePort();
    let server: FeedServer | undefined;
    try {
      const client = followFeed({
        target: `127.0.0.1:${port}`,
        count: 3,
        intervalMs: 10,
        channelOptions: QUICK_RECONNECT,
      });
      // At least one attempt failed: nothing listened yet.
      await lineMatching(client.lines, /^channel CONNECTING -> TRANSIENT_FAILURE$/, 'a failed connection attempt');
      server = await startFeedServer(port);
      await client.done;
      assert.deepEqual(
        client.lines().filter((line) => !line.startsWith('channel ')),
        [
          'Hello, world! (1 of 3)',
          'Hello, world! (2 of 3)',
          'Hello, world! (3 of 3)',
          '3 of 3 greetings on 1 stream: OK',
        ],
      );
      assert.equal(server.calls(), 1);
      assert.equal(server.handled(1).request?.resume_after, 0);
    } finally {
      await thawAndStop(server);
    }
  });

  test(
    "a frozen server (SIGSTOP) answers no pings: the client's keepalive drops the connection, and it resumes once the server thaws",
    BOUND,
    async () => {
      const port = await freePort();
      const server = await startFeedServer(port);
      try {
        const client = followFeed({
          target: `127.0.0.1:${port}`,
          count: 30,
          intervalMs: 20,
          channelOptions: { ...QUICK_RECONNECT, ...QUICK_KEEPALIVE },
        });
        await waitFor(() => greetings(client.lines()).length >= 3, 'three greetings');
        server.child.kill('SIGSTOP');
        // The process is there and its socket open: only a ping can tell that nobody answers.
        const [, last] = await lineMatching(
          client.lines,
          /^stream 1 ended: UNAVAILABLE \(status 14\): .*; resuming after (\d+)$/,
          'the keepalive to give up on the frozen server',
          5_000,
        );
        server.child.kill('SIGCONT');
        await client.done;
        assert.deepEqual(greetings(client.lines()), upTo(1, 30));
        // The same server, thawed, served the rest on a second call, from where the client was.
        assert.equal(server.calls(), 2);
        assert.equal(server.handled(2).request?.resume_after, Number(last));
        assert.deepEqual(server.handled(2).sent, upTo(Number(last) + 1, 30));
        // And it learned that the first call was over: the client had dropped that connection.
        await waitFor(() => server.handled(1).cancelled, 'the server to see the first call end');
      } finally {
        await thawAndStop(server);
      }
    },
  );

  test(
    "a frozen client (SIGSTOP) answers no pings: the server's keepalive closes its connection, and the feed's handler stops",
    BOUND,
    async () => {
      const server = await startObservedLessonServer('11', QUICK_KEEPALIVE);
      const client = spawnProcess(process.execPath, [
        '--import',
        'tsx',
        lesson('11').clientPath,
        '--target',
        `127.0.0.1:${server.port}`,
        '--count',
        '1000',
      ]);
      try {
        const feed = await waitFor(() => server.calls.find((call) => call.writes >= 2), 'the feed to start', 20_000);
        client.child.kill('SIGSTOP');
        await waitFor(() => feed.cancelledAt, "the server's keepalive to give up on the frozen client", 5_000);
        await waitFor(() => feed.settledAt, 'the handler to return', 2_000);
        assert.equal(feed.writesAfterCancel, 0);
        assert.ok(feed.writes < 1_000);
      } finally {
        await thawAndStop(client);
        await server.stop();
      }
    },
  );

  test(
    'a server that resends greetings the client has, or skips one, on a resume: the client drops the repeats and stops at the gap',
    BOUND,
    async () => {
      // The test's own feed server: its first stream ends UNAVAILABLE after greeting 3, and a resumed
      // one starts `shift` greetings away from where it was asked to.
      const startOffByServer = async (shift: number) => {
        const server = new grpc.Server();
        const asked: number[] = [];
        server.addService(feedProto.rpc_package.HelloFeedService.service, {
          Subscribe(call: grpc.ServerWritableStream<SubscribeRequest__Output, HelloReply>) {
            const { resume_after, reply_count } = call.request;
            asked.push(resume_after);
            const [from, to] = resume_after === 0 ? [1, 3] : [resume_after + 1 + shift, reply_count];
            for (let sequence = from; sequence <= to; sequence++)
              call.write({ message: `Hello, world! (${sequence} of ${reply_count})`, sequence });
            if (resume_after === 0) call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'first stream over' });
            else call.end();
          },
        });
        const port = await listen(server, '127.0.0.1', 0);
        return { target: `127.0.0.1:${port}`, asked, stop: () => shutdown(server, 500) };
      };

      const resends = await startOffByServer(-2);
      try {
        const client = followFeed({ target: resends.target, count: 6, intervalMs: 0 });
        await client.done;
        assert.deepEqual(resends.asked, [0, 3]);
        // The server sent 2 and 3 again; the client printed each greeting once.
        assert.deepEqual(greetings(client.printed), upTo(1, 6));
        assert.ok(client.printed.includes('6 of 6 greetings on 2 streams: OK'));
      } finally {
        await resends.stop();
      }

      const skips = await startOffByServer(1);
      try {
        const client = followFeed({ target: skips.target, count: 6, intervalMs: 0 });
        await assert.rejects(client.done, { message: 'greetings are missing: 5 came after 3' });
        assert.deepEqual(skips.asked, [0, 3]);
        assert.deepEqual(greetings(client.printed), upTo(1, 3));
      } finally {
        await skips.stop();
      }
    },
  );
});

const missing = pythonGrpcMissing();
if (missing) console.log(`# SKIPPING lesson 11's Python interop test: ${missing}`);

describe('lesson 11 with Python grpcio', { skip: skipWhenMissing(missing) }, () => {
  const PEER = join(ROOT, 'test/python/lesson_11.py');
  let genDir = '';
  before(() => {
    genDir = mkdtempSync(join(tmpdir(), 'feed-py-'));
    const protos = ['helloworld.proto', 'feed.proto'].map((file) => join(PROTO_DIR, file));
    generatePythonCode(genDir, [...protos]);
  });
  after(() => rmSync(genDir, { recursive: true, force: true }));

  test(
    'a Python client started before the server waits for it, and after a SIGKILL resumes on the next server right after its last greeting',
    BOUND,
    async () => {
      const port = await freePort();
      const python = spawnProcess(PYTHON, [PEER, genDir, `127.0.0.1:${port}`, '40', '20']);
      const lines = () => python.stdout().split('\n');
      let first: FeedServer | undefined;
      let second: FeedServer | undefined;
      try {
        await lineMatching(lines, /^subscribing/, 'the Python client to start');
        first = await startFeedServer(port);
        await waitFor(() => greetings(lines()).length >= 5, 'five greetings in Python');
        first.child.kill('SIGKILL');
        await first.exited;
        const [, last] = await lineMatching(
          lines,
          /^stream 1 ended UNAVAILABLE; resuming after (\d+)$/,
          'Python to resume',
        );
        second = await startFeedServer(port);
        const { code } = await python.exited;
        assert.equal(code, 0, python.stdout() + python.stderr());
        assert.deepEqual(greetings(lines()), upTo(1, 40));
        assert.equal(first.handled(1).request?.resume_after, 0);
        const resumed = second.handled(1);
        assert.equal(resumed.request?.resume_after, Number(last));
        assert.deepEqual(resumed.sent, upTo(Number(last) + 1, 40));
      } finally {
        await stopProcess(python);
        await thawAndStop(first);
        await thawAndStop(second);
      }
    },
  );
});

// Lesson 02's exercises: LotsOfReplies, one request and a stream of replies,
// from each side.
import * as grpc from '@grpc/grpc-js';
import { loadHelloWorld } from '../../proto.js';
import type { HelloRequest, HelloRequest__Output } from '../../generated/rpc_package/HelloRequest.js';
import type { HelloReply__Output } from '../../generated/rpc_package/HelloReply.js';
import type { HelloWorldServiceHandlers } from '../../generated/rpc_package/HelloWorldService.js';
import {
  clientExercise,
  describeRun,
  describeStatus,
  eventually,
  expectEqual,
  fail,
  serverExercise,
  show,
  type LessonChecks,
  randomName,
  deadlineLeftMs,
} from '../kit.js';

const helloClient = (target: string) =>
  new (loadHelloWorld().rpc_package.HelloWorldService)(target, grpc.credentials.createInsecure());

/** What our client saw of one stream. */
interface StreamSeen {
  replies: { message: string; sequence: number; at: number }[];
  /** The status, once the stream ended (OK included). */
  status?: grpc.StatusObject;
  /** The replies all came but no status followed: we stopped waiting and cancelled. */
  noEnd?: boolean;
}

/** How long after the last reply we wait for the status. */
const END_WAIT_MS = 1_000;

/**
 * Calls LotsOfReplies on a new channel and collects the stream until its
 * status. With `cancelAfter`, it cancels after that many replies; with
 * `expectCount`, it stops waiting for a status END_WAIT_MS after that many.
 */
function lotsOfReplies(
  target: string,
  request: HelloRequest,
  { cancelAfter = Infinity, expectCount = Infinity, deadlineMs = 5_000 } = {},
): Promise<StreamSeen> {
  const client = helloClient(target);
  const seen: StreamSeen = { replies: [] };
  let noEnd: NodeJS.Timeout | undefined;
  return new Promise<StreamSeen>((resolve) => {
    const call = client.LotsOfReplies(request, { deadline: Date.now() + deadlineMs });
    call.on('data', (reply: HelloReply__Output) => {
      seen.replies.push({ message: reply.message, sequence: reply.sequence, at: performance.now() });
      if (seen.replies.length === cancelAfter) call.cancel();
      if (seen.replies.length === expectCount)
        noEnd = setTimeout(() => {
          seen.noEnd = true;
          call.cancel();
        }, END_WAIT_MS);
    });
    // An error (CANCELLED included) arrives as 'error'; 'status' comes in every case.
    call.on('error', () => {});
    call.on('status', (status) => {
      if (!seen.noEnd) seen.status = status;
      resolve(seen);
    });
  }).finally(() => {
    clearTimeout(noEnd);
    client.close();
  });
}

/** `count` replies as lesson 02 numbers them. */
const expectedReplies = (name: string, count: number) =>
  Array.from({ length: count }, (_, index) => `Hello, ${name}! (${index + 1} of ${count})`);

/** "3 replies then OK", "no reply then UNIMPLEMENTED: …": a stream in a phrase. */
function describeStream(seen: StreamSeen): string {
  const count = seen.replies.length;
  const replies =
    count === 0 ? 'no reply' : `${count} repl${count === 1 ? 'y' : 'ies'} ${show(seen.replies[0].message)}…`;
  if (seen.noEnd) return `${replies} then no status within ${END_WAIT_MS / 1000} s (is the call ended?)`;
  return `${replies} then ${seen.status ? describeStatus(seen.status) : 'no status'}`;
}

/** Fails unless the stream brought exactly these replies, numbered from 1, then OK. */
function expectStream(seen: StreamSeen, name: string, count: number): void {
  const expected = expectedReplies(name, count);
  if (seen.status?.code !== grpc.status.OK)
    fail(`${count} replies then OK, the first ${show(expected[0])}`, describeStream(seen));
  expectEqual(
    'the replies',
    expected,
    seen.replies.map((reply) => reply.message),
  );
  expectEqual(
    'the sequence fields',
    expected.map((_, index) => index + 1),
    seen.replies.map((reply) => reply.sequence),
  );
}

/** What the reference server of the client exercise saw of each call. */
interface SeenCall {
  name: string;
  /** ms from arrival to the deadline the client set; Infinity without one. */
  deadlineMs: number;
  /** The replies it sent, in order. */
  sent: string[];
}

interface Recorder {
  calls: SeenCall[];
  /** When set, each stream fails with RESOURCE_EXHAUSTED after this many replies. */
  failAfter?: number;
}

const FAILURE_DETAILS = 'the reference server gave up on purpose';

export const checks: LessonChecks = {
  server: serverExercise({
    checks: [
      {
        name: 'streams reply_count numbered replies, then OK',
        async run({ target }) {
          // A name and a count the learner cannot have typed into the file.
          const name = randomName('Ada');
          const count = 4 + Math.floor(Math.random() * 5);
          expectStream(await lotsOfReplies(target, { name, reply_count: count }, { expectCount: count }), name, count);
        },
      },
      {
        name: 'sends 3 replies when reply_count is 0',
        async run({ target }) {
          const name = randomName('Grace');
          expectStream(await lotsOfReplies(target, { name }, { expectCount: 3 }), name, 3);
        },
      },
      {
        name: 'sends each reply when it is made, interval_ms apart',
        async run({ target }) {
          const name = randomName('Linus');
          const interval = 250;
          const seen = await lotsOfReplies(target, { name, reply_count: 3, interval_ms: interval }, { expectCount: 3 });
          expectStream(seen, name, 3);
          // Two pauses lie between the first reply and the last. A lower bound
          // only: a busy machine can stretch the gap, never shrink it.
          const spread = seen.replies[2].at - seen.replies[0].at;
          if (spread < 1.6 * interval)
            fail(
              `the 3 replies spread over about ${2 * interval} ms (two pauses of interval_ms ${interval})`,
              `all 3 within ${spread.toFixed(0)} ms of each other`,
            );
        },
      },
      {
        name: 'a cancel in the middle of a pause ends the call cleanly',
        async run({ target, serverOutput }) {
          const before = serverOutput().length;
          const name = randomName('Barbara');
          // 100 replies 200 ms apart: the cancel after the first lands in a pause.
          const request = { name, reply_count: 100, interval_ms: 200 };
          const seen = await lotsOfReplies(target, request, { cancelAfter: 1, deadlineMs: 2_000 });
          if (seen.status?.code !== grpc.status.CANCELLED)
            fail('the first reply at once (then we cancel)', describeStream(seen));
          const after = () => serverOutput().slice(before);
          // The call log prints the call's line when the cancel reaches the server
          // (the line of an earlier check's call can come late: ours is cancelled,
          // or, from a server that did not pause, all 100 out).
          const logged = () =>
            after().find(
              (line) =>
                line.startsWith('LotsOfReplies from') && (line.includes('CANCELLED') || line.includes(' 100 out,')),
            );
          await eventually(
            () => logged() !== undefined,
            'the call log line of the call',
            () => show(after()),
          );
          if (!logged()!.includes('CANCELLED'))
            fail('a stream still in its pauses when the cancel came (100 replies, 200 ms apart)', show(logged()));
          // One more call: the server is still there and still answers.
          const again = randomName('Ken');
          const next = await lotsOfReplies(target, { name: again, reply_count: 1 }, { expectCount: 1 });
          const threw = after().find((line) => /handler threw|Error:/.test(line));
          if (threw) fail('the handler to stop quietly on the cancel', show(threw));
          if (next.status?.code !== grpc.status.OK)
            fail('the server to go on answering after a cancel', describeStream(next));
        },
      },
      {
        name: 'stops writing once the call is cancelled',
        async run({ target, serverOutput }) {
          const before = serverOutput().length;
          // 50 replies 20 ms apart, cancelled after the first: a handler that
          // does not look at the cancel writes the other 49 for nobody, and
          // the tutorial's log on the server says so within a second.
          const seen = await lotsOfReplies(
            target,
            { name: randomName('Radia'), reply_count: 50, interval_ms: 20 },
            { cancelAfter: 1, deadlineMs: 2_000 },
          );
          if (seen.status?.code !== grpc.status.CANCELLED)
            fail('the first reply at once (then we cancel)', describeStream(seen));
          const late = () =>
            serverOutput()
              .slice(before)
              .find((line) => line.startsWith('LotsOfReplies handler went on writing after its call was cancelled'));
          const deadline = Date.now() + 1_500;
          while (Date.now() < deadline && !late()) await new Promise((resolve) => setTimeout(resolve, 20));
          if (late()) fail('no write after the cancel (check call.cancelled before each write)', show(late()));
        },
      },
    ],
  }),

  client: clientExercise({
    reference() {
      const recorder: Recorder = { calls: [] };
      const lotsOfRepliesHandler: HelloWorldServiceHandlers['LotsOfReplies'] = async (call) => {
        const { name, reply_count } = call.request as HelloRequest__Output;
        const seen: SeenCall = { name, deadlineMs: deadlineLeftMs(call), sent: [] };
        recorder.calls.push(seen);
        // No pauses, whatever interval_ms asks: the checks stay fast.
        const count = reply_count > 0 ? Math.min(reply_count, 20) : 3;
        for (let sequence = 1; sequence <= count && !call.cancelled; sequence++) {
          if (recorder.failAfter !== undefined && sequence > recorder.failAfter) {
            call.emit('error', { code: grpc.status.RESOURCE_EXHAUSTED, details: FAILURE_DETAILS });
            return;
          }
          const message = `Hello, ${name}! (${sequence} of ${count})`;
          seen.sent.push(message);
          call.write({ message, sequence });
        }
        if (!call.cancelled) call.end();
      };
      const server = new grpc.Server();
      server.addService(loadHelloWorld().rpc_package.HelloWorldService.service, {
        LotsOfReplies: lotsOfRepliesHandler,
      });
      return {
        server,
        reference: recorder,
        reset() {
          recorder.calls.splice(0);
          recorder.failAfter = undefined;
        },
      };
    },
    checks: [
      {
        name: 'asks for one stream per --name, in order',
        async run({ reference, runClient }) {
          const names = [randomName('Ada'), randomName('Linus')];
          const run = await runClient(names.flatMap((name) => ['--name', name]));
          const received = reference.calls.map((call) => call.name);
          if (show(received) !== show(names))
            fail(`the server to receive the names ${show(names)}`, `${show(received)} (${describeRun(run)})`);
          if (run.code !== 0) fail('exit code 0', describeRun(run));
        },
      },
      {
        name: 'prints every reply, in order, one a line',
        async run({ reference, runClient }) {
          const run = await runClient(['--name', randomName('Grace')]);
          if (reference.calls.length === 0) fail('a call', `no call reached the server (${describeRun(run)})`);
          expectEqual('the output', reference.calls[0].sent, run.stdout);
        },
      },
      {
        name: 'sets a deadline on the stream',
        async run({ reference, runClient }) {
          const run = await runClient(['--name', randomName('Ada')]);
          if (reference.calls.length === 0) fail('a call', `no call reached the server (${describeRun(run)})`);
          if (!Number.isFinite(reference.calls[0].deadlineMs))
            fail('a grpc-timeout header (a deadline)', 'a call with no deadline');
        },
      },
      {
        name: 'prints the replies that came, then exits 1 with the status of a failed stream',
        async run({ reference, runClient }) {
          reference.failAfter = 2;
          const run = await runClient(['--name', randomName('Edsger')]);
          if (reference.calls.length === 0) fail('a call', `no call reached the server (${describeRun(run)})`);
          expectEqual('the output', reference.calls[0].sent, run.stdout);
          // main() prints the error this function rejects with; a crash on an
          // unhandled 'error' event prints a stack instead.
          const printed = run.stderr.some(
            (line) => line.startsWith('error: RESOURCE_EXHAUSTED') && line.includes(FAILURE_DETAILS),
          );
          if (run.code !== 1 || !printed)
            fail(
              `exit code 1 and "error: RESOURCE_EXHAUSTED (status 8): ${FAILURE_DETAILS}" on stderr`,
              describeRun(run),
            );
        },
      },
    ],
  }),
};

// Lesson 06's exercise: the hop from A (FrontService) to B (BackService), and
// what B gets of the client's deadline and cancel. The checks call A as any
// client would, and read B's side of it in the server's own log lines.
import * as grpc from '@grpc/grpc-js';
import { PROTO_DIR, loadProto } from '../../proto.js';
import type { ProtoGrpcType } from '../../generated/deadlines.js';
import type { FrontServiceClient } from '../../generated/rpc_package/FrontService.js';
import type { GreetingReply__Output } from '../../generated/rpc_package/GreetingReply.js';
import type { GreetingRequest } from '../../generated/rpc_package/GreetingRequest.js';
import {
  describeStatus,
  eventually,
  expectEqual,
  fail,
  serverExercise,
  show,
  unary,
  type LessonChecks,
  randomName,
} from '../kit.js';

const frontClient = (target: string): FrontServiceClient =>
  new (loadProto(`${PROTO_DIR}deadlines.proto`) as unknown as ProtoGrpcType).rpc_package.FrontService(
    target,
    grpc.credentials.createInsecure(),
  );

/** How long B works in the calls that end early: longer than any check waits. */
const LONG_WORK_MS = 2_000;
/**
 * How long after the end of A's call B gets to log that it stopped. A B that
 * works on never logs a cancel (it ends normally), so this only bounds how
 * long the check waits; it is generous for a loaded machine.
 */
const STOP_WITHIN_MS = 1_000;

/** One Greet call on a new channel, closed after. */
async function greet(target: string, request: GreetingRequest, deadlineMs: number) {
  const client = frontClient(target);
  try {
    return await unary<GreetingRequest, GreetingReply__Output>(client.Greet.bind(client), request, { deadlineMs });
  } finally {
    client.close();
  }
}

// B logs "MakeGreeting: deadline in 287 ms; cancelled after 290 ms; stopped
// its 3000 ms of work" when its call is cancelled, and nothing when it works on.
const B_STOPPED = /^MakeGreeting: (?:deadline in \d+ ms|no deadline); cancelled after \d+ ms/;

/** Waits for B's line saying it stopped, among the lines printed since `from`. */
async function expectBStopped(serverOutput: () => string[], from: number, why: string): Promise<void> {
  await eventually(
    () =>
      serverOutput()
        .slice(from)
        .some((line) => B_STOPPED.test(line)),
    `B to stop its ${LONG_WORK_MS} ms of work within ${STOP_WITHIN_MS} ms of ${why} (a line "MakeGreeting: … cancelled after …")`,
    () => `no such line: B is still working for a client that left${lastLines(serverOutput().slice(from))}`,
    STOP_WITHIN_MS,
  );
}

const lastLines = (lines: string[]) => (lines.length ? ` (it printed ${show(lines.slice(-2))})` : '');

export const checks: LessonChecks = {
  server: serverExercise({
    checks: [
      {
        name: "Greet answers with B's greeting",
        async run({ target }) {
          const name = randomName('Ada');
          const { reply, error } = await greet(target, { name, work_ms: 0 }, 5_000);
          if (error) fail(`the reply "Hello, ${name}!"`, describeStatus(error));
          expectEqual('the reply', `Hello, ${name}!`, reply?.message);
        },
      },
      {
        name: "B gets the client's deadline, not a fresh 10 s",
        async run({ target }) {
          const deadlineMs = 2_000;
          const { reply, error } = await greet(target, { name: randomName('Grace'), work_ms: 0 }, deadlineMs);
          if (error) fail('a reply', describeStatus(error));
          const left = reply?.deadline_left_ms ?? 0;
          if (left <= 0 || left > deadlineMs)
            fail(
              `B's call to have at most ${deadlineMs} ms left, the deadline of the client's call`,
              left <= 0 ? 'a call to B with no deadline' : `${left} ms left: B got a deadline of its own`,
            );
        },
      },
      {
        name: "B stops working when the client's deadline passes",
        async run({ target, serverOutput }) {
          const from = serverOutput().length;
          const deadlineMs = 300;
          const { error } = await greet(target, { name: randomName('Linus'), work_ms: LONG_WORK_MS }, deadlineMs);
          if (error?.code !== grpc.status.DEADLINE_EXCEEDED)
            fail(`DEADLINE_EXCEEDED after ${deadlineMs} ms`, error ? describeStatus(error) : 'a reply');
          await expectBStopped(serverOutput, from, `the client's ${deadlineMs} ms deadline`);
        },
      },
      {
        name: 'B stops working when the client cancels',
        async run({ target, serverOutput }) {
          const from = serverOutput().length;
          const client = frontClient(target);
          const giveUpAfterMs = 500;
          try {
            // A deadline far away, so that only the cancel can stop B in time.
            const ended = new Promise<grpc.ServiceError | null>((resolve) => {
              const call = client.Greet(
                { name: randomName('Barbara'), work_ms: LONG_WORK_MS },
                { deadline: Date.now() + 5_000 },
                (error) => resolve(error),
              );
              // The client gives up: what a user closing the page does to a call.
              setTimeout(() => call.cancel(), giveUpAfterMs);
            });
            const error = await ended;
            if (error?.code !== grpc.status.CANCELLED)
              fail('CANCELLED on the client', error ? describeStatus(error) : 'a reply');
            await expectBStopped(serverOutput, from, 'the cancel');
          } finally {
            client.close();
          }
        },
      },
    ],
  }),
};

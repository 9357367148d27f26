// Lesson 21's exercise: the token bucket in front of SayHelloLimited, as a
// server interceptor that answers RESOURCE_EXHAUSTED and says when to retry.
import * as grpc from '@grpc/grpc-js';
import { PROTO_DIR, loadProto } from '../../proto.js';
import type { ProtoGrpcType } from '../../generated/resilience.js';
import type { HelloReply__Output } from '../../generated/rpc_package/HelloReply.js';
import { describeStatus, fail, serverExercise, show, type LessonChecks } from '../kit.js';

/** The lesson's bucket: a burst of 10, then one call every 500 ms. */
const BUCKET_SIZE = 10;
const REFILL_MS = 500;
const PUSHBACK = 'grpc-retry-pushback-ms';

const load = () => loadProto(`${PROTO_DIR}resilience.proto`) as unknown as ProtoGrpcType;

/** What one call ended with: its status code, details and trailers. */
interface Outcome {
  code: grpc.status;
  details: string;
  reply?: HelloReply__Output;
  trailers: grpc.Metadata;
}

type Method = 'SayHelloLimited' | 'SayHello';

/** `count` calls of `method` at once on one channel (no service config: no retries); their outcomes, in order sent. */
async function burst(target: string, method: Method, count: number): Promise<Outcome[]> {
  const { rpc_package } = load();
  const greeter = new rpc_package.ResilientGreeter(target, grpc.credentials.createInsecure());
  const hello = new rpc_package.HelloWorldService(target, grpc.credentials.createInsecure());
  const name = `Ada-${Math.random().toString(36).slice(2, 8)}`;
  const one = () =>
    new Promise<Outcome>((resolve) => {
      // A refused call's error carries its trailers (metadata): the pushback is there.
      const done = (error: grpc.ServiceError | null, reply?: HelloReply__Output) =>
        resolve(
          error
            ? { code: error.code, details: error.details, trailers: error.metadata }
            : { code: grpc.status.OK, details: '', reply, trailers: new grpc.Metadata() },
        );
      const options = { deadline: Date.now() + 5_000 };
      if (method === 'SayHello') hello.SayHello({ name }, options, done);
      else greeter.SayHelloLimited({ name }, options, done);
    });
  try {
    return await Promise.all(Array.from({ length: count }, one));
  } finally {
    greeter.close();
    hello.close();
  }
}

const countOf = (outcomes: Outcome[], code: grpc.status) => outcomes.filter((outcome) => outcome.code === code).length;

/** "12 OK, 8 RESOURCE_EXHAUSTED": a burst in a phrase. */
function tally(outcomes: Outcome[]): string {
  const counts = new Map<string, number>();
  for (const { code } of outcomes) counts.set(grpc.status[code], (counts.get(grpc.status[code]) ?? 0) + 1);
  const others = outcomes.find(
    (outcome) => outcome.code !== grpc.status.OK && outcome.code !== grpc.status.RESOURCE_EXHAUSTED,
  );
  return `${[...counts].map(([code, calls]) => `${calls} ${code}`).join(', ')}${others ? ` (${describeStatus(others)})` : ''}`;
}

/** The pushback of a refused call, in ms: a whole number, or why not. */
function pushbackOf(outcome: Outcome): number | string {
  const values = outcome.trailers.get(PUSHBACK);
  if (values.length === 0) return `no ${PUSHBACK} in the trailers`;
  const text = String(values[0]);
  return /^\d+$/.test(text) ? Number(text) : `${PUSHBACK}: ${show(text)}`;
}

/** The pushback in ms, if it is one a client can use; fails with what it was otherwise. */
function checkPushback(pushback: number | string): number {
  if (typeof pushback === 'string') fail(`a trailer ${PUSHBACK}: the milliseconds until a token is back`, pushback);
  if (pushback < 1 || pushback > REFILL_MS + 100)
    fail(`${PUSHBACK} between 1 and ${REFILL_MS + 100} (a token comes back every ${REFILL_MS} ms)`, String(pushback));
  return pushback;
}

export const checks: LessonChecks = {
  server: serverExercise({
    checks: [
      {
        name: 'leaves SayHello unlimited',
        async run({ target }) {
          // First, while the bucket is full: a limit on every method shows here.
          const outcomes = await burst(target, 'SayHello', BUCKET_SIZE + 5);
          if (countOf(outcomes, grpc.status.OK) !== outcomes.length)
            fail(
              `all ${outcomes.length} SayHello calls sent at once to succeed (only SayHelloLimited is limited)`,
              tally(outcomes),
            );
        },
      },
      {
        name: 'lets 10 of 20 calls at once through, refuses the rest',
        async run({ target }) {
          const started = performance.now();
          const outcomes = await burst(target, 'SayHelloLimited', 2 * BUCKET_SIZE);
          // A token comes back every REFILL_MS: a burst that took longer (a busy
          // machine) may fairly let one more through for each that passed.
          const refilled = Math.floor((performance.now() - started) / REFILL_MS);
          const ok = countOf(outcomes, grpc.status.OK);
          const refused = countOf(outcomes, grpc.status.RESOURCE_EXHAUSTED);
          if (ok < BUCKET_SIZE || ok > BUCKET_SIZE + refilled || ok + refused !== outcomes.length)
            fail(
              `${BUCKET_SIZE} OK${refilled ? ` (up to ${BUCKET_SIZE + refilled}: the burst took ${refilled * REFILL_MS}+ ms)` : ''} and the rest RESOURCE_EXHAUSTED`,
              tally(outcomes),
            );
        },
      },
      {
        name: 'tells each refused call when to retry',
        async run({ target }) {
          // More than a full bucket: at least 3 are refused, whatever came back since the check before.
          const outcomes = await burst(target, 'SayHelloLimited', BUCKET_SIZE + 3);
          const refused = outcomes.filter((outcome) => outcome.code === grpc.status.RESOURCE_EXHAUSTED);
          if (refused.length < 3 || countOf(outcomes, grpc.status.OK) + refused.length !== outcomes.length)
            fail(`at least 3 of ${outcomes.length} calls at once refused with RESOURCE_EXHAUSTED`, tally(outcomes));
          for (const outcome of refused) checkPushback(pushbackOf(outcome));
        },
      },
      {
        name: 'lets a call through once the pushback has passed',
        async run({ target }) {
          const outcomes = await burst(target, 'SayHelloLimited', BUCKET_SIZE + 1);
          const refused = outcomes.find((outcome) => outcome.code === grpc.status.RESOURCE_EXHAUSTED);
          if (!refused) fail(`a call of ${outcomes.length} at once refused with RESOURCE_EXHAUSTED`, tally(outcomes));
          const pushback = checkPushback(pushbackOf(refused));
          // Waiting is the behaviour under test: the server said when to come back.
          await new Promise((resolve) => setTimeout(resolve, pushback));
          const [retried] = await burst(target, 'SayHelloLimited', 1);
          if (retried.code !== grpc.status.OK)
            fail(`OK for a call ${pushback} ms later, as the pushback said`, describeStatus(retried));
        },
      },
    ],
  }),
};

// Lesson 11's exercise: a client that follows a feed across broken streams,
// asking again after the last greeting it saw. Our feed server breaks the
// stream where a check says, records every Subscribe it gets (what the
// client asked to resume after), and the client's output shows what it made
// of the greetings.
import * as grpc from '@grpc/grpc-js';
import { loadProto } from '../../proto.js';
import type { ProtoGrpcType } from '../../generated/feed.js';
import type { HelloFeedServiceHandlers } from '../../generated/rpc_package/HelloFeedService.js';
import { clientExercise, describeRun, expectEqual, fail, show, type ClientRun, type LessonChecks } from '../kit.js';

/** What one check asks of our feed server. */
interface Plan {
  /** The first stream ends UNAVAILABLE after this greeting. */
  breakAfter?: number;
  /** A stream that resumes starts one greeting early: the client has seen that one. */
  resendLast?: boolean;
  /** The first stream ends with this status after `breakAfter` greetings (UNAVAILABLE if unset). */
  breakWith?: grpc.status;
  /** Every stream ends UNAVAILABLE before its first greeting. */
  alwaysUnavailable?: boolean;
}

interface FeedReference {
  plan: Plan;
  /** Each Subscribe, in order: where it asked to resume. */
  streams: { name: string; reply_count: number; resume_after: number }[];
}

const greeting = (name: string, sequence: number, count: number) => `Hello, ${name}! (${sequence} of ${count})`;

/**
 * How long a run of the learner's client may take: nearly as long as a check
 * may (15 s), with a margin for stopping it. A right answer exits in a second
 * or two; on a loaded machine, tsx alone has taken 10 s to start one.
 */
export const CLIENT_RUN_MS = 13_000;

/** A name and a feed length the learner cannot have typed into the file. */
function randomFeed(): { name: string; count: number } {
  return { name: `Ada-${Math.random().toString(36).slice(2, 7)}`, count: 6 + Math.floor(Math.random() * 5) };
}

/** The greetings the client printed, in order; anything else it printed (channel states, the summary) left out. */
const greetingsPrinted = (run: ClientRun, name: string) =>
  run.stdout.filter((line) => line.startsWith(`Hello, ${name}! (`));

function expectWholeFeed(run: ClientRun, name: string, count: number): void {
  const expected = Array.from({ length: count }, (_, index) => greeting(name, index + 1, count));
  const printed = greetingsPrinted(run, name);
  if (JSON.stringify(printed) !== JSON.stringify(expected)) {
    const wrong = printed.findIndex((line, index) => line !== expected[index]);
    fail(
      `the ${count} greetings, each once, in order`,
      wrong >= 0
        ? `${show(printed[wrong])} where ${show(expected[wrong])} belongs (${describeRun(run)})`
        : `${printed.length} of them (${describeRun(run)})`,
    );
  }
  if (run.code !== 0) fail('exit code 0', describeRun(run));
}

export const checks: LessonChecks = {
  client: clientExercise<FeedReference>({
    reference() {
      const reference: FeedReference = { plan: {}, streams: [] };
      const subscribe: HelloFeedServiceHandlers['Subscribe'] = (call) => {
        const { name, reply_count, resume_after } = call.request;
        reference.streams.push({ name, reply_count, resume_after });
        const { plan } = reference;
        const first = reference.streams.length === 1;
        const unavailable = (details: string) => call.emit('error', { code: grpc.status.UNAVAILABLE, details });
        if (plan.alwaysUnavailable) return unavailable('the feed is down');
        const count = reply_count > 0 ? reply_count : 5;
        const from = plan.resendLast && resume_after > 0 ? resume_after - 1 : resume_after;
        // No pause between greetings: the client's own pace is all there is.
        for (let sequence = from + 1; sequence <= count; sequence++) {
          call.write({ message: greeting(name, sequence, count), sequence });
          if (first && sequence === plan.breakAfter) {
            const code = plan.breakWith ?? grpc.status.UNAVAILABLE;
            call.emit('error', { code, details: `stream broken after ${sequence} of ${count}` });
            return;
          }
        }
        call.end();
      };
      const server = new grpc.Server();
      server.addService((loadProto('feed.proto') as unknown as ProtoGrpcType).rpc_package.HelloFeedService.service, {
        Subscribe: subscribe,
      });
      return {
        server,
        reference,
        reset() {
          reference.plan = {};
          reference.streams = [];
        },
      };
    },
    checks: [
      {
        name: 'asks again after the last greeting it saw when a stream breaks',
        async run({ reference, runClient }) {
          const { name, count } = randomFeed();
          const breakAfter = 2 + Math.floor(Math.random() * (count - 3));
          reference.plan = { breakAfter };
          const run = await runClient(['--name', name, '--count', String(count)], { timeoutMs: CLIENT_RUN_MS });
          const asked = reference.streams.map((stream) => stream.resume_after);
          if (asked.length > 0 && asked[0] !== 0)
            fail('a first Subscribe with resume_after 0 (from the start)', `resume_after ${asked[0]}`);
          if (asked.length < 2)
            fail(
              `a second Subscribe with resume_after ${breakAfter} after the first stream ended UNAVAILABLE`,
              `${asked.length} Subscribe (${describeRun(run)})`,
            );
          expectEqual('Subscribe calls resuming after', [0, breakAfter], asked);
          expectWholeFeed(run, name, count);
        },
      },
      {
        name: 'prints a greeting sent twice only once',
        async run({ reference, runClient }) {
          const { name, count } = randomFeed();
          const breakAfter = 2 + Math.floor(Math.random() * (count - 3));
          // The second stream starts with the greeting the first one ended on.
          reference.plan = { breakAfter, resendLast: true };
          const run = await runClient(['--name', name, '--count', String(count)], { timeoutMs: CLIENT_RUN_MS });
          expectWholeFeed(run, name, count);
        },
      },
      {
        name: 'gives up at once on a status other than UNAVAILABLE',
        async run({ reference, runClient }) {
          const { name, count } = randomFeed();
          // An answer, not a lost connection: asking again would get the same.
          reference.plan = { breakAfter: 2, breakWith: grpc.status.PERMISSION_DENIED };
          const run = await runClient(['--name', name, '--count', String(count)], { timeoutMs: CLIENT_RUN_MS });
          if (reference.streams.length !== 1)
            fail('one Subscribe, not asked again after PERMISSION_DENIED', `${reference.streams.length} of them`);
          if (run.code !== 1 || !run.stderr.join('\n').includes('PERMISSION_DENIED'))
            fail('exit code 1 and PERMISSION_DENIED on stderr', describeRun(run));
        },
      },
      {
        name: 'stops asking after a few broken streams',
        async run({ reference, runClient }) {
          const { name, count } = randomFeed();
          // A feed that is down for good: every stream fails before its first greeting.
          reference.plan = { alwaysUnavailable: true };
          const run = await runClient(['--name', name, '--count', String(count)], { timeoutMs: CLIENT_RUN_MS });
          const streams = reference.streams.length;
          if (run.timedOut || streams > 10)
            fail(
              'at most 10 Subscribe calls, then exit code 1 with UNAVAILABLE',
              `${streams} Subscribe calls${run.timedOut ? ', and still asking when the check stopped waiting' : ''}`,
            );
          if (streams < 2) fail('a second Subscribe after an UNAVAILABLE', `${streams} (${describeRun(run)})`);
          if (run.code !== 1 || !run.stderr.join('\n').includes('UNAVAILABLE'))
            fail('exit code 1 and UNAVAILABLE on stderr', describeRun(run));
        },
      },
    ],
  }),
};

// Lesson 03's exercises: LotsOfGreetings, a stream of names and one reply
// after the half-close, from each side.
import * as grpc from '@grpc/grpc-js';
import { loadHelloWorld } from '../../proto.js';
import type { HelloRequest__Output } from '../../generated/rpc_package/HelloRequest.js';
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
  type ClientCheckContext,
  type ClientRun,
  type LessonChecks,
  randomName,
  deadlineLeftMs,
} from '../kit.js';

const helloClient = (target: string) =>
  new (loadHelloWorld().rpc_package.HelloWorldService)(target, grpc.credentials.createInsecure());

/** "1 name", "3 names". */
const countNames = (count: number) => `${count} name${count === 1 ? '' : 's'}`;

/** How long a server gets to answer after the half-close, and a client to half-close after its last name. */
const ANSWER_WAIT_MS = 1_000;
/** How long a server that answers too early has to show it, after the first name. */
const EARLY_WAIT_MS = 300;

interface Answer {
  reply?: HelloReply__Output;
  error?: grpc.ServiceError;
}

/** One LotsOfGreetings call on a new channel: write names to it, end it, wait for its answer. */
function greetings(target: string) {
  const client = helloClient(target);
  let answer: Answer | undefined;
  const call = client.LotsOfGreetings({ deadline: Date.now() + 5_000 }, (error, reply) => {
    answer = error ? { error } : { reply };
  });
  return {
    answered: () => answer,
    write: (name: string) => call.write({ name }),
    /** Half-closes, then waits for the answer; cancels if none comes. */
    async end(): Promise<Answer | undefined> {
      call.end();
      try {
        await eventually(
          () => answer !== undefined,
          'an answer',
          () => 'none',
          ANSWER_WAIT_MS,
        );
      } catch {
        // Judged by the caller, with the names it sent.
      }
      return answer;
    },
    close() {
      call.cancel();
      client.close();
    },
  };
}

function describeAnswer(answer: Answer | undefined): string {
  if (!answer) return `no answer within ${ANSWER_WAIT_MS / 1000} s of the half-close`;
  return answer.error ? describeStatus(answer.error) : `the reply ${show(answer.reply?.message)}`;
}

/** Sends the names, half-closes, and fails unless the one reply is `expected`. */
async function expectGreeting(target: string, names: string[], expected: string): Promise<void> {
  const call = greetings(target);
  try {
    for (const name of names) call.write(name);
    const answer = await call.end();
    if (answer?.reply?.message !== expected) fail(`the reply ${show(expected)}`, describeAnswer(answer));
  } finally {
    call.close();
  }
}

/** What the reference server of the client exercise saw of each call. */
interface SeenCall {
  names: string[];
  /** The client half-closed ('end'): it will send nothing more. */
  halfClosed: boolean;
  /** ms from arrival to the deadline the client set; Infinity without one. */
  deadlineMs: number;
  /** The reply it sent, once it did. */
  reply?: string;
}

/** Runs the learner's client with these names; resolves with the run and the call it made, if any. */
async function runWithNames(
  { reference, runClient }: ClientCheckContext<SeenCall[]>,
  names: string[],
  { waitForExit = true } = {},
): Promise<{ run?: ClientRun; call: SeenCall }> {
  let run: ClientRun | undefined;
  const running = runClient(names.flatMap((name) => ['--name', name])).then((done) => (run = done));
  // Starting the client takes a while (tsx compiles it); the names then come at once.
  await eventually(
    () => run !== undefined || (reference.length > 0 && reference[0].names.length >= names.length),
    `a call with the names ${show(names)}`,
    () => (reference.length ? `the names ${show(reference[0].names)}` : 'no call'),
    8_000,
  );
  if (reference.length === 0) fail(`a call with the names ${show(names)}`, `no call (${describeRun(run!)})`);
  const call = reference[0];
  if (waitForExit) {
    // Without the half-close, the client would wait for the reply until its deadline.
    await eventually(
      () => run !== undefined || call.halfClosed,
      'the half-close, then the reply',
      () => `${countNames(call.names.length)} and no half-close`,
      ANSWER_WAIT_MS,
    );
    await running;
  }
  return { run, call };
}

export const checks: LessonChecks = {
  server: serverExercise({
    checks: [
      {
        name: 'greets every name sent, once the client half-closes',
        async run({ target }) {
          const names = [randomName('Ada'), randomName('Grace'), randomName('Linus')];
          await expectGreeting(target, names, `Hello, ${names[0]}, ${names[1]} and ${names[2]}!`);
        },
      },
      {
        name: 'does not answer before the half-close',
        async run({ target }) {
          const names = [randomName('Ada'), randomName('Grace')];
          const call = greetings(target);
          try {
            call.write(names[0]);
            // Room for a server that answers the first name to show it. Resolves
            // early, on such an answer; a right server stays silent the whole time.
            await eventually(
              () => call.answered() !== undefined,
              '',
              () => '',
              EARLY_WAIT_MS,
            ).catch(() => {});
            const early = call.answered();
            if (early)
              fail(
                'no answer while the client is still sending (1 of 2 names sent, no half-close yet)',
                describeAnswer(early),
              );
            call.write(names[1]);
            const answer = await call.end();
            const expected = `Hello, ${names[0]} and ${names[1]}!`;
            if (answer?.reply?.message !== expected) fail(`the reply ${show(expected)}`, describeAnswer(answer));
          } finally {
            call.close();
          }
        },
      },
      {
        name: 'greets one name alone, someone for an empty name, nobody for none',
        async run({ target }) {
          const name = randomName('Barbara');
          await expectGreeting(target, [name], `Hello, ${name}!`);
          await expectGreeting(target, ['', name], `Hello, someone and ${name}!`);
          await expectGreeting(target, [], 'Hello, nobody!');
        },
      },
    ],
  }),

  client: clientExercise({
    reference() {
      const calls: SeenCall[] = [];
      const lotsOfGreetingsHandler: HelloWorldServiceHandlers['LotsOfGreetings'] = (call, callback) => {
        const seen: SeenCall = { names: [], halfClosed: false, deadlineMs: deadlineLeftMs(call) };
        calls.push(seen);
        call.on('data', (request: HelloRequest__Output) => seen.names.push(request.name));
        // The one reply, and only once the client is done: a client that never
        // half-closes gets nothing.
        call.on('end', () => {
          seen.halfClosed = true;
          seen.reply = `Hello, ${seen.names.join(' & ')}! (${Math.random().toString(36).slice(2, 8)})`;
          callback(null, { message: seen.reply });
        });
      };
      const server = new grpc.Server();
      server.addService(loadHelloWorld().rpc_package.HelloWorldService.service, {
        LotsOfGreetings: lotsOfGreetingsHandler,
      });
      return { server, reference: calls, reset: () => calls.splice(0) };
    },
    checks: [
      {
        name: 'sends every --name on one call, in order',
        async run(context) {
          const names = [randomName('Ada'), randomName('Grace'), randomName('Linus')];
          await runWithNames(context, names, { waitForExit: false });
          const calls = context.reference;
          if (calls.length !== 1 || show(calls[0].names) !== show(names))
            fail(
              `one call with the names ${show(names)}`,
              `${calls.length} call${calls.length === 1 ? '' : 's'}, with ${show(calls.map((call) => call.names))}`,
            );
        },
      },
      {
        name: 'half-closes after the last name',
        async run(context) {
          const names = [randomName('Ada'), randomName('Linus')];
          const { call } = await runWithNames(context, names, { waitForExit: false });
          await eventually(
            () => call.halfClosed,
            `the half-close (the end of the requests) within ${ANSWER_WAIT_MS / 1000} s of the last name`,
            () => `${countNames(call.names.length)} and no half-close: the server is still waiting for more`,
            ANSWER_WAIT_MS,
          );
        },
      },
      {
        name: 'prints the one reply, and exits 0',
        async run(context) {
          const { run, call } = await runWithNames(context, [randomName('Grace')]);
          if (call.reply === undefined) fail('the half-close, then the reply', describeRun(run!));
          expectEqual('the output', [call.reply], run!.stdout);
          if (run!.code !== 0) fail('exit code 0', describeRun(run!));
        },
      },
      {
        name: 'sets a deadline on the call',
        async run(context) {
          const { call } = await runWithNames(context, [randomName('Ada')], { waitForExit: false });
          if (!Number.isFinite(call.deadlineMs)) fail('a grpc-timeout header (a deadline)', 'a call with no deadline');
        },
      },
    ],
  }),
};

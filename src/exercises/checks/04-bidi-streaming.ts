// Lesson 04's exercises: BidiHello, two independent streams on one call,
// played as ping-pong, from each side.
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
} from '../kit.js';

const helloClient = (target: string) =>
  new (loadHelloWorld().rpc_package.HelloWorldService)(target, grpc.credentials.createInsecure());

/** How long a reply, or the status after the half-close, may take. */
const ANSWER_WAIT_MS = 1_000;

/** One BidiHello call on a new channel, and what came back on it so far. */
function bidi(target: string) {
  const client = helloClient(target);
  const replies: HelloReply__Output[] = [];
  let status: grpc.StatusObject | undefined;
  const call = client.BidiHello({ deadline: Date.now() + 5_000 });
  call.on('data', (reply: HelloReply__Output) => replies.push(reply));
  call.on('error', () => {}); // the status says it all
  call.on('status', (ended) => (status = ended));
  const waitFor = async (done: () => boolean) => {
    try {
      await eventually(done, '', () => '', ANSWER_WAIT_MS);
    } catch {
      // Judged by the caller, which knows what it waited for.
    }
  };
  return {
    replies,
    status: () => status,
    write: (name: string) => call.write({ name }),
    /** Resolves once there are `count` replies or the call ended, or after ANSWER_WAIT_MS. */
    waitForReplies: (count: number) => waitFor(() => replies.length >= count || status !== undefined),
    /** Half-closes and resolves once the status came, or after ANSWER_WAIT_MS. */
    async end() {
      call.end();
      await waitFor(() => status !== undefined);
      return status;
    },
    close() {
      call.cancel();
      client.close();
    },
  };
}

type Bidi = ReturnType<typeof bidi>;

/** "2 replies ["Hello, Ada!",…] and the call still open": what came back, in a phrase. */
function describeCall(call: Bidi): string {
  const count = call.replies.length;
  const replies =
    count === 0
      ? 'no reply'
      : `${count} repl${count === 1 ? 'y' : 'ies'} ${show(call.replies.map((reply) => reply.message))}`;
  const status = call.status();
  return `${replies} and ${status ? `then ${describeStatus(status)}` : 'the call still open'}`;
}

/** Fails unless the call ended OK within ANSWER_WAIT_MS of the half-close. */
async function expectEndsOk(call: Bidi, sent: string): Promise<void> {
  const status = await call.end();
  if (status?.code !== grpc.status.OK)
    fail(
      `the OK status within ${ANSWER_WAIT_MS / 1000} s of the half-close (after ${sent})`,
      status ? describeStatus(status) : 'no status: the server did not end its side',
    );
}

/** What the reference server of the client exercise saw of each call. */
interface SeenCall {
  names: string[];
  /** A name that came while the reply to the one before was still on its way, if any. */
  overlapped?: { name: string; before: string };
  halfClosed: boolean;
  /** The replies it sent, in order. */
  sent: string[];
}

/** How long the reference server takes to answer each name: room for a client that does not wait to show it. */
const REPLY_DELAY_MS = 100;

/**
 * Runs the learner's client with these names and waits until the reference
 * server has answered them all (or the client exited); with `waitForExit`,
 * then for the half-close and the exit.
 */
async function runPingPong(
  { reference, runClient }: ClientCheckContext<SeenCall[]>,
  names: string[],
  { waitForExit = true } = {},
): Promise<{ run?: ClientRun; call: SeenCall }> {
  let run: ClientRun | undefined;
  const running = runClient(names.flatMap((name) => ['--name', name])).then((done) => (run = done));
  // Starting the client takes a while (tsx compiles it); the ping-pong is quick.
  await eventually(
    () => run !== undefined || (reference.length > 0 && reference[0].sent.length >= names.length),
    `a call with the names ${show(names)}, each answered`,
    () => (reference.length ? `the names ${show(reference[0].names)}` : 'no call'),
    8_000,
  );
  if (reference.length === 0) fail(`a call with the names ${show(names)}`, `no call (${describeRun(run!)})`);
  const call = reference[0];
  if (waitForExit) {
    // Without the half-close, the client would wait for the end of the replies until its deadline.
    await eventually(
      () => run !== undefined || call.halfClosed,
      `the half-close (the end of the requests) within ${ANSWER_WAIT_MS / 1000} s of the last reply`,
      () =>
        `${call.sent.length} repl${call.sent.length === 1 ? 'y' : 'ies'} sent and no half-close: the server is still waiting for more`,
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
        name: 'answers each name with its greeting, numbered',
        async run({ target }) {
          const names = [randomName('Ada'), '', randomName('Linus')];
          const call = bidi(target);
          try {
            for (const name of names) call.write(name);
            // Half-closed at once: when the replies go out is the next check's business.
            await call.end();
            const expected = names.map((name) => `Hello, ${name || 'world'}!`);
            if (call.replies.length < names.length)
              fail(`${names.length} replies, the first ${show(expected[0])}`, describeCall(call));
            expectEqual(
              'the replies',
              expected,
              call.replies.map((reply) => reply.message),
            );
            expectEqual(
              'the sequence fields',
              [1, 2, 3],
              call.replies.map((reply) => reply.sequence),
            );
          } finally {
            call.close();
          }
        },
      },
      {
        name: 'answers each name before the next is sent (ping-pong)',
        async run({ target }) {
          const names = [randomName('Grace'), randomName('Barbara'), randomName('Ken')];
          const call = bidi(target);
          try {
            for (const [index, name] of names.entries()) {
              call.write(name);
              // The next name goes only once this one's reply is back, as a
              // client that talks turn by turn would do. No half-close yet.
              await call.waitForReplies(index + 1);
              if (call.replies.length <= index)
                fail(
                  `the reply to ${show(name)} within ${ANSWER_WAIT_MS / 1000} s, before the next name is sent`,
                  call.status()
                    ? describeCall(call)
                    : `${describeCall(call)} (does the server wait for the half-close?)`,
                );
            }
            expectEqual(
              'the replies',
              names.map((name) => `Hello, ${name}!`),
              call.replies.map((reply) => reply.message),
            );
          } finally {
            call.close();
          }
        },
      },
      {
        name: 'ends the call with OK once the client half-closes',
        async run({ target }) {
          const name = randomName('Edsger');
          const call = bidi(target);
          try {
            call.write(name);
            await call.waitForReplies(1);
            await expectEndsOk(call, `one name, ${show(name)}`);
          } finally {
            call.close();
          }
          const empty = bidi(target);
          try {
            await expectEndsOk(empty, 'no name at all');
          } finally {
            empty.close();
          }
        },
      },
    ],
  }),

  client: clientExercise({
    reference() {
      const calls: SeenCall[] = [];
      const bidiHelloHandler: HelloWorldServiceHandlers['BidiHello'] = (call) => {
        const seen: SeenCall = { names: [], halfClosed: false, sent: [] };
        calls.push(seen);
        let waiting: string | undefined;
        let timers = 0;
        const finishIfDone = () => {
          if (seen.halfClosed && timers === 0 && !call.cancelled) call.end();
        };
        call.on('data', ({ name }: HelloRequest__Output) => {
          seen.names.push(name);
          if (waiting !== undefined) seen.overlapped ??= { name, before: waiting };
          waiting = name;
          timers += 1;
          // Each reply takes a moment: a client that sends its next name without
          // waiting for this reply sends it in that moment.
          setTimeout(() => {
            timers -= 1;
            if (waiting === name) waiting = undefined;
            if (call.cancelled) return;
            const message = `Hello, ${name}! (${Math.random().toString(36).slice(2, 8)})`;
            seen.sent.push(message);
            call.write({ message, sequence: seen.sent.length });
            finishIfDone();
          }, REPLY_DELAY_MS);
        });
        call.on('end', () => {
          seen.halfClosed = true;
          finishIfDone();
        });
      };
      const server = new grpc.Server();
      server.addService(loadHelloWorld().rpc_package.HelloWorldService.service, { BidiHello: bidiHelloHandler });
      return { server, reference: calls, reset: () => calls.splice(0) };
    },
    checks: [
      {
        name: 'sends each --name on one call, in order',
        async run(context) {
          const names = [randomName('Ada'), randomName('Grace'), randomName('Linus')];
          const { run } = await runPingPong(context, names, { waitForExit: false });
          const calls = context.reference;
          if (calls.length !== 1 || show(calls[0].names) !== show(names))
            fail(
              `one call with the names ${show(names)}`,
              `${calls.length} call${calls.length === 1 ? '' : 's'}, with ${show(calls.map((call) => call.names))}${run ? ` (${describeRun(run)})` : ''}`,
            );
        },
      },
      {
        name: 'waits for each reply before sending the next name',
        async run(context) {
          const names = [randomName('Ada'), randomName('Grace'), randomName('Linus')];
          const { call } = await runPingPong(context, names, { waitForExit: false });
          if (call.overlapped)
            fail(
              `the reply to ${show(call.overlapped.before)} before the next name`,
              `${show(call.overlapped.name)} sent while that reply was still on its way`,
            );
        },
      },
      {
        name: 'prints each reply as the server sent it',
        async run(context) {
          const { run } = await runPingPong(context, [randomName('Barbara'), randomName('Ken')]);
          expectEqual(
            'the output',
            context.reference.flatMap((call) => call.sent),
            run!.stdout,
          );
        },
      },
      {
        name: 'half-closes when done, and exits 0 once the server ends the call',
        async run(context) {
          const { run } = await runPingPong(context, [randomName('Edsger')]);
          if (run!.code !== 0) fail('exit code 0', describeRun(run!));
        },
      },
    ],
  }),
};

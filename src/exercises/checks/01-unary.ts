// Lesson 01's exercises: the article's SayHello, from each side.
import * as grpc from '@grpc/grpc-js';
import { loadHelloWorld } from '../../proto.js';
import type { HelloRequest, HelloRequest__Output } from '../../generated/rpc_package/HelloRequest.js';
import type { HelloReply__Output } from '../../generated/rpc_package/HelloReply.js';
import type { HelloWorldServiceHandlers } from '../../generated/rpc_package/HelloWorldService.js';
import {
  clientExercise,
  describeStatus,
  expectEqual,
  fail,
  serverExercise,
  show,
  unary,
  describeRun,
  type LessonChecks,
  randomName,
  deadlineLeftMs,
} from '../kit.js';

const helloClient = (target: string) =>
  new (loadHelloWorld().rpc_package.HelloWorldService)(target, grpc.credentials.createInsecure());

/** Calls SayHello once on a new channel, closed after. */
async function sayHello(target: string, name: string) {
  const client = helloClient(target);
  try {
    return await unary<HelloRequest, HelloReply__Output>(client.SayHello.bind(client), { name });
  } finally {
    client.close();
  }
}

async function expectRejected(target: string, name: string): Promise<void> {
  const { reply, error } = await sayHello(target, name);
  if (error?.code === grpc.status.INVALID_ARGUMENT) return;
  fail(
    `INVALID_ARGUMENT for the name ${show(name)}`,
    error ? describeStatus(error) : `a reply, ${show(reply?.message)}`,
  );
}

/** What the reference server of the client exercise saw of each call. */
interface SeenCall {
  name: string;
  /** ms from arrival to the deadline the client set; Infinity without one. */
  deadlineMs: number;
}

export const checks: LessonChecks = {
  server: serverExercise({
    checks: [
      {
        name: 'greets Ada by name',
        async run({ target }) {
          const { reply, error } = await sayHello(target, 'Ada');
          if (error) fail('the reply "Hello, Ada!"', describeStatus(error));
          expectEqual('the reply', 'Hello, Ada!', reply?.message);
        },
      },
      {
        name: 'greets any name it is sent',
        async run({ target }) {
          // A name the learner cannot have typed into the file.
          const name = randomName('Grace');
          const { reply, error } = await sayHello(target, name);
          if (error) fail(`the reply "Hello, ${name}!"`, describeStatus(error));
          expectEqual('the reply', `Hello, ${name}!`, reply?.message);
        },
      },
      {
        name: 'rejects an empty name with INVALID_ARGUMENT',
        run: ({ target }) => expectRejected(target, ''),
      },
      {
        name: 'rejects a name of only spaces',
        run: ({ target }) => expectRejected(target, '   '),
      },
    ],
  }),

  client: clientExercise({
    reference() {
      const seen: SeenCall[] = [];
      const sayHelloHandler: HelloWorldServiceHandlers['SayHello'] = (call, callback) => {
        const { name } = call.request as HelloRequest__Output;
        seen.push({ name, deadlineMs: deadlineLeftMs(call) });
        if (name === '') callback({ code: grpc.status.INVALID_ARGUMENT, details: 'name must not be empty' });
        else callback(null, { message: `Hello, ${name}!` });
      };
      const server = new grpc.Server();
      server.addService(loadHelloWorld().rpc_package.HelloWorldService.service, { SayHello: sayHelloHandler });
      return { server, reference: seen, reset: () => seen.splice(0) };
    },
    checks: [
      {
        name: 'sends each --name, in order',
        async run({ reference, runClient }) {
          const run = await runClient(['--name', 'Ada', '--name', 'Linus']);
          expectEqual(
            'the server to receive the names',
            ['Ada', 'Linus'],
            reference.map((call) => call.name),
          );
          if (run.code !== 0) fail('exit code 0', describeRun(run));
        },
      },
      {
        name: 'prints each reply on its own line',
        async run({ runClient }) {
          const name = randomName('Grace');
          const run = await runClient(['--name', name]);
          expectEqual('the output', [`Hello, ${name}!`], run.stdout);
        },
      },
      {
        name: 'sets a deadline on each call',
        async run({ reference, runClient }) {
          await runClient(['--name', 'Ada']);
          if (reference.length === 0) fail('a call', 'no call reached the server');
          const { deadlineMs } = reference[0];
          if (!Number.isFinite(deadlineMs)) fail('a grpc-timeout header (a deadline)', 'a call with no deadline');
        },
      },
      {
        name: 'exits 1 and prints the status on an error',
        async run({ runClient }) {
          const run = await runClient(['--name', '']);
          const said = run.stderr.join('\n');
          if (run.code !== 1 || !said.includes('INVALID_ARGUMENT'))
            fail('exit code 1 and INVALID_ARGUMENT on stderr', describeRun(run));
        },
      },
    ],
  }),
};

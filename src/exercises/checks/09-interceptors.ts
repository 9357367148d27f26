// Lesson 09's exercises. The server's: an interceptor that refuses a call
// without the token before any handler runs; the checks call the learner's
// server with the right token, a wrong one and none, unary and streaming. The
// client's: an interceptor that adds the token to every call; the reference
// server records the authorization header of each call that reaches it.
import * as grpc from '@grpc/grpc-js';
import { loadHelloWorld } from '../../proto.js';
import type { HelloReply__Output } from '../../generated/rpc_package/HelloReply.js';
import type { HelloRequest } from '../../generated/rpc_package/HelloRequest.js';
import type {
  HelloWorldServiceClient,
  HelloWorldServiceHandlers,
} from '../../generated/rpc_package/HelloWorldService.js';
import {
  clientExercise,
  describeRun,
  describeStatus,
  expectEqual,
  fail,
  serverExercise,
  show,
  unary,
  type ClientRun,
  type LessonChecks,
  type SharedClientRun,
  sharedRun,
  randomName,
} from '../kit.js';

/** The lesson's fixed token, as its client sends it. */
const TOKEN = 'Bearer lesson-09-token';

function withAuthorization(value: string | undefined): grpc.Metadata {
  const metadata = new grpc.Metadata();
  if (value !== undefined) metadata.set('authorization', value);
  return metadata;
}

async function withClient<T>(target: string, use: (client: HelloWorldServiceClient) => Promise<T>): Promise<T> {
  const client = new (loadHelloWorld().rpc_package.HelloWorldService)(target, grpc.credentials.createInsecure());
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

const sayHello = (target: string, name: string, authorization?: string) =>
  withClient(target, (client) =>
    unary<HelloRequest, HelloReply__Output>(
      client.SayHello.bind(client),
      { name },
      { metadata: withAuthorization(authorization) },
    ),
  );

/** A SayHello that must be refused: UNAUTHENTICATED, and no reply. */
async function expectRefused(target: string, authorization: string | undefined, what: string): Promise<void> {
  const { reply, error } = await sayHello(target, randomName('Mallory'), authorization);
  if (error?.code === grpc.status.UNAUTHENTICATED) return;
  fail(`UNAUTHENTICATED for ${what}`, error ? describeStatus(error) : `the reply ${show(reply?.message)}`);
}

/** One BidiHello: sends the names, half-closes, and collects the replies and the status. */
function bidiHello(target: string, names: string[], authorization?: string) {
  return withClient(
    target,
    (client) =>
      new Promise<{ replies: string[]; error?: grpc.ServiceError }>((resolve) => {
        const replies: string[] = [];
        const call = client.BidiHello(withAuthorization(authorization), { deadline: Date.now() + 5_000 });
        call.on('data', (reply: HelloReply__Output) => replies.push(reply.message));
        call.on('error', (error: grpc.ServiceError) => resolve({ replies, error }));
        call.on('end', () => resolve({ replies }));
        for (const name of names) call.write({ name });
        call.end();
      }),
  );
}

/** What the reference server saw of one call. */
interface SeenCall {
  method: 'SayHello' | 'BidiHello';
  /** The authorization header, or null without one. */
  authorization: string | null;
}

function seen(method: SeenCall['method'], metadata: grpc.Metadata): SeenCall {
  const [authorization] = metadata.get('authorization');
  return { method, authorization: authorization === undefined ? null : String(authorization) };
}

/** Every check reads the one shared run of the learner's client. */
type Reference = SharedClientRun<SeenCall>;

const refusal = { code: grpc.status.UNAUTHENTICATED, details: 'missing or invalid token' };

/** The calls of one method the server saw, at least `count` of them, or a failure saying what came. */
function callsOf(seenCalls: SeenCall[], method: SeenCall['method'], count: number, run: ClientRun, why = '') {
  const calls = seenCalls.filter((call) => call.method === method);
  if (calls.length < count)
    fail(
      `${count === 1 ? `a ${method} call` : `${count} ${method} calls`}${why}`,
      `${calls.length} (the client: ${describeRun(run)})`,
    );
  return calls;
}

export const checks: LessonChecks = {
  server: serverExercise({
    checks: [
      {
        name: 'answers SayHello with the token',
        async run({ target }) {
          const name = randomName('Ada');
          const { reply, error } = await sayHello(target, name, TOKEN);
          if (error) fail(`the reply "Hello, ${name}!"`, describeStatus(error));
          expectEqual('the reply', `Hello, ${name}!`, reply?.message);
        },
      },
      {
        name: 'refuses SayHello without a token: UNAUTHENTICATED',
        run: ({ target }) => expectRefused(target, undefined, 'a call with no authorization header'),
      },
      {
        name: 'refuses a wrong token',
        run: ({ target }) => expectRefused(target, 'Bearer not-the-token', 'the token "Bearer not-the-token"'),
      },
      {
        name: 'refuses a stream without a token before any reply',
        async run({ target }) {
          const { replies, error } = await bidiHello(target, [randomName('Eve')]);
          if (error?.code !== grpc.status.UNAUTHENTICATED || replies.length > 0)
            fail(
              'UNAUTHENTICATED and no reply: the handler never ran',
              `${replies.length ? `the replies ${show(replies)}, then ` : 'no reply, then '}${describeStatus(error)}`,
            );
        },
      },
      {
        name: 'lets a stream with the token through',
        async run({ target }) {
          const names = [randomName('Grace'), randomName('Linus')];
          const { replies, error } = await bidiHello(target, names, TOKEN);
          if (error) fail('the stream to end OK', describeStatus(error));
          expectEqual(
            'the replies',
            names.map((name) => `Hello, ${name}!`),
            replies,
          );
        },
      },
    ],
  }),

  client: clientExercise<Reference>({
    reference() {
      const calls: SeenCall[] = [];
      const reference: Reference = { calls, names: [randomName('Ada'), randomName('Grace')] };
      // Lesson 09's server, without interceptors: the handlers check the token themselves.
      const sayHello: HelloWorldServiceHandlers['SayHello'] = (call, callback) => {
        calls.push(seen('SayHello', call.metadata));
        if (calls.at(-1)!.authorization !== TOKEN) return callback(refusal);
        callback(null, { message: `Hello, ${call.request.name}!` });
      };
      const bidiHello: HelloWorldServiceHandlers['BidiHello'] = (call) => {
        calls.push(seen('BidiHello', call.metadata));
        if (calls.at(-1)!.authorization !== TOKEN) {
          call.emit('error', refusal);
          return;
        }
        let sequence = 0;
        call.on('data', (request) => call.write({ message: `Hello, ${request.name}!`, sequence: ++sequence }));
        call.on('end', () => call.end());
      };
      const server = new grpc.Server();
      server.addService(loadHelloWorld().rpc_package.HelloWorldService.service, {
        SayHello: sayHello,
        BidiHello: bidiHello,
      });
      return { server, reference, reset: () => calls.splice(0) };
    },
    checks: [
      {
        name: 'SayHello goes out with the token',
        async run({ reference, runClient }) {
          const { run, calls } = await sharedRun(reference, runClient);
          const [first] = callsOf(calls, 'SayHello', 1, run);
          expectEqual('the authorization header', TOKEN, first.authorization);
          const [name] = reference.names;
          if (!run.stdout.includes(`SayHello: Hello, ${name}!`))
            fail(`the line "SayHello: Hello, ${name}!"`, describeRun(run));
        },
      },
      {
        name: 'the client without addToken sends no token',
        async run({ reference, runClient }) {
          const { run, calls } = await sharedRun(reference, runClient);
          const sayHellos = callsOf(calls, 'SayHello', 2, run, ', the second through the client without addToken');
          if (sayHellos[1].authorization !== null)
            fail(
              'no authorization header on the second SayHello (its client has no addToken)',
              `authorization ${show(sayHellos[1].authorization)}: the token went out where addToken was not`,
            );
        },
      },
      {
        name: 'BidiHello carries the token too',
        async run({ reference, runClient }) {
          const { run, calls } = await sharedRun(reference, runClient);
          const [bidi] = callsOf(calls, 'BidiHello', 1, run);
          expectEqual('the authorization header of BidiHello', TOKEN, bidi.authorization);
          expectEqual(
            'the replies printed',
            reference.names.map((name) => `BidiHello: Hello, ${name}!`),
            run.stdout.filter((line) => line.startsWith('BidiHello: ')),
          );
        },
      },
    ],
  }),
};

// Lesson 09's exercise: a server interceptor that refuses a call without the
// token before any handler runs. The checks call the learner's server with the
// right token, a wrong one and none, on a unary call and on a stream.
import * as grpc from '@grpc/grpc-js';
import { loadHelloWorld } from '../../proto.js';
import type { HelloReply__Output } from '../../generated/rpc_package/HelloReply.js';
import type { HelloRequest } from '../../generated/rpc_package/HelloRequest.js';
import type { HelloWorldServiceClient } from '../../generated/rpc_package/HelloWorldService.js';
import { describeStatus, expectEqual, fail, serverExercise, show, unary, type LessonChecks } from '../kit.js';

/** The lesson's fixed token, as its client sends it. */
const TOKEN = 'Bearer lesson-09-token';

const randomName = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

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
};

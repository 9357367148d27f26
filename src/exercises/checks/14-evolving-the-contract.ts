// Lesson 14's exercise: SayHello on v2 of the contract, called by clients
// built from v1 (no greeting_style to send, no visits to read) and from v2.
// A server that grows its contract must answer the old clients as before.
import * as grpc from '@grpc/grpc-js';
import { loadHelloWorld, loadProto } from '../../proto.js';
import type { ProtoGrpcType as V2 } from '../../generated/evolution/v2/helloworld_v2.js';
import type { HelloRequest as V2Request } from '../../generated/evolution/v2/rpc_package/HelloRequest.js';
import type { HelloReply__Output as V2Reply } from '../../generated/evolution/v2/rpc_package/HelloReply.js';
import type { HelloRequest as V1Request } from '../../generated/rpc_package/HelloRequest.js';
import type { HelloReply__Output as V1Reply } from '../../generated/rpc_package/HelloReply.js';
import {
  describeStatus,
  expectEqual,
  fail,
  serverExercise,
  show,
  unary,
  type LessonChecks,
  randomName,
} from '../kit.js';

/** Calls SayHello once as a client built from v1, on a new channel. */
async function sayHelloV1(target: string, name: string) {
  const client = new (loadHelloWorld().rpc_package.HelloWorldService)(target, grpc.credentials.createInsecure());
  try {
    return await unary<V1Request, V1Reply>(client.SayHello.bind(client), { name });
  } finally {
    client.close();
  }
}

/** Calls SayHello once as a client built from v2, on a new channel. */
async function sayHelloV2(target: string, request: V2Request) {
  const v2 = (loadProto('evolution/helloworld_v2.proto') as unknown as V2).rpc_package;
  const client = new v2.HelloWorldService(target, grpc.credentials.createInsecure());
  try {
    return await unary<V2Request, V2Reply>(client.SayHello.bind(client), request);
  } finally {
    client.close();
  }
}

/** A name the learner cannot have typed into the file, and that no earlier call has used. */

export const checks: LessonChecks = {
  server: serverExercise({
    checks: [
      {
        name: 'greets a v1 client as before',
        async run({ target }) {
          const name = randomName('Ada');
          const { reply, error } = await sayHelloV1(target, name);
          if (error)
            fail(`the reply "Hello, ${name}!" to a client that sends no greeting_style`, describeStatus(error));
          expectEqual('the reply to a v1 client', `Hello, ${name}!`, reply?.message);
        },
      },
      {
        name: 'greets a v2 client formally when it asks',
        async run({ target }) {
          const name = randomName('Grace');
          const { reply, error } = await sayHelloV2(target, { name, greeting_style: 'formal' });
          if (error) fail(`the reply "Good day, ${name}."`, describeStatus(error));
          expectEqual('the reply to greeting_style "formal"', `Good day, ${name}.`, reply?.message);
        },
      },
      {
        name: 'answers a style it does not know with the plain greeting',
        async run({ target }) {
          const name = randomName('Linus');
          const style = randomName('pirate');
          const { reply, error } = await sayHelloV2(target, { name, greeting_style: style });
          if (error) fail(`the reply "Hello, ${name}!" (a client may be newer than its server)`, describeStatus(error));
          expectEqual(`the reply to greeting_style ${show(style)}`, `Hello, ${name}!`, reply?.message);
        },
      },
      {
        name: 'counts visits from 1, for each name',
        async run({ target }) {
          // visits 0 must mean "not sent": an older server, or a relay that dropped it.
          const first = randomName('Ada');
          const second = randomName('Grace');
          const visits: number[] = [];
          for (const name of [first, first, first, second, first]) {
            const { reply, error } = await sayHelloV2(target, { name });
            if (error) fail(`a reply with visits for ${name}`, describeStatus(error));
            visits.push(reply!.visits);
          }
          expectEqual(`visits for ${first} 3 times, ${second} once, ${first} again`, [1, 2, 3, 1, 4], visits);
        },
      },
      {
        name: 'refuses an empty name with INVALID_ARGUMENT, as v1 did',
        async run({ target }) {
          const { reply, error } = await sayHelloV1(target, ' ');
          if (error?.code !== grpc.status.INVALID_ARGUMENT)
            fail(
              'INVALID_ARGUMENT for the name " "',
              error ? describeStatus(error) : `a reply, ${show(reply?.message)}`,
            );
        },
      },
    ],
  }),
};

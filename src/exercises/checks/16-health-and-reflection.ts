// Lesson 16's exercise: the standard health service, with a status for the
// server as a whole and one for HelloWorldService, asked as a load balancer asks.
import * as grpc from '@grpc/grpc-js';
import { PROTO_DIR, loadProto } from '../../proto.js';
import type { ProtoGrpcType } from '../../generated/health.js';
import type { HealthCheckRequest } from '../../generated/grpc/health/v1/HealthCheckRequest.js';
import type { HealthCheckResponse__Output } from '../../generated/grpc/health/v1/HealthCheckResponse.js';
import type { HealthClient } from '../../generated/grpc/health/v1/Health.js';
import { describeStatus, expectEqual, fail, serverExercise, show, unary, type LessonChecks } from '../kit.js';

const HELLO_SERVICE = 'rpc_package.HelloWorldService';

function healthClient(target: string): HealthClient {
  const { grpc: health } = loadProto(`${PROTO_DIR}health.proto`) as unknown as ProtoGrpcType;
  return new health.health.v1.Health(target, grpc.credentials.createInsecure());
}

/** One Check of `service` ("" for the server as a whole); the reply or the error. */
async function check(target: string, service: string) {
  const client = healthClient(target);
  try {
    return await unary<HealthCheckRequest, HealthCheckResponse__Output>(client.Check.bind(client), { service });
  } finally {
    client.close();
  }
}

async function expectServing(target: string, service: string): Promise<void> {
  const { reply, error } = await check(target, service);
  if (error) fail(`status SERVING for Check ${show(service)}`, describeStatus(error));
  expectEqual(`for Check ${show(service)} the status`, 'SERVING', reply?.status);
}

export const checks: LessonChecks = {
  server: serverExercise({
    checks: [
      {
        name: 'Check "" (the whole server) answers SERVING',
        run: ({ target }) => expectServing(target, ''),
      },
      {
        name: `Check "${HELLO_SERVICE}" answers SERVING`,
        run: ({ target }) => expectServing(target, HELLO_SERVICE),
      },
      {
        name: 'Check of a service it does not have answers NOT_FOUND',
        async run({ target }) {
          // A name the learner cannot have listed: only the statuses it holds are known.
          const service = `rpc_package.NoSuchService${Math.random().toString(36).slice(2, 8)}`;
          const { reply, error } = await check(target, service);
          if (error?.code !== grpc.status.NOT_FOUND)
            fail(`NOT_FOUND for Check ${show(service)}`, error ? describeStatus(error) : `status ${reply?.status}`);
        },
      },
      {
        name: 'Watch "" sends SERVING at once and stays open',
        async run({ target }) {
          const client = healthClient(target);
          const call = client.Watch({ service: '' }, { deadline: Date.now() + 5_000 });
          let ended: string | undefined;
          try {
            const first = await new Promise<string>((resolve) => {
              call.on('data', (response: HealthCheckResponse__Output) => resolve(`status ${response.status}`));
              call.on('error', (error: grpc.ServiceError) => {
                ended ??= describeStatus(error);
                resolve(describeStatus(error));
              });
              call.on('end', () => {
                ended ??= 'the stream ended';
                resolve('the stream ended with no message');
              });
            });
            expectEqual('the first message of the Watch stream', 'status SERVING', first);
            // A round trip later, a stream that was going to end with its first message has.
            await check(target, '');
            if (ended !== undefined)
              fail('the Watch stream to stay open (it sends each change of status)', `${ended} after one message`);
          } finally {
            call.cancel();
            client.close();
          }
        },
      },
    ],
  }),
};

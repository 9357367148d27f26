// Lesson 07's exercise: rich error details. The checks call the learner's
// server as any client would and decode the google.rpc.Status it sends in the
// trailer grpc-status-details-bin, as a client program that acts on errors does.
import * as grpc from '@grpc/grpc-js';
import { PROTO_DIR, loadProto } from '../../proto.js';
import type { ProtoGrpcType } from '../../generated/batch.js';
import type { Status__Output } from '../../generated/google/rpc/Status.js';
import type { HelloReply__Output } from '../../generated/rpc_package/HelloReply.js';
import type { HelloRequest } from '../../generated/rpc_package/HelloRequest.js';
import type { HelloWorldServiceClient } from '../../generated/rpc_package/HelloWorldService.js';
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

const DETAILS_HEADER = 'grpc-status-details-bin';
const BAD_REQUEST = 'type.googleapis.com/google.rpc.BadRequest';
const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';

const contract = () => loadProto(`${PROTO_DIR}batch.proto`) as unknown as ProtoGrpcType;

/** Runs `use` with a client on a new channel, closed after. */
async function withClient<T>(target: string, use: (client: HelloWorldServiceClient) => Promise<T>): Promise<T> {
  const client = new (contract().rpc_package.HelloWorldService)(target, grpc.credentials.createInsecure());
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

const sayHello = (target: string, name: string) =>
  withClient(target, (client) => unary<HelloRequest, HelloReply__Output>(client.SayHello.bind(client), { name }));

/** The status of a call that must fail with `code`; fails the check with what came instead. */
function expectCode(error: grpc.ServiceError | undefined, code: grpc.status, what: string): grpc.ServiceError {
  if (error?.code === code) return error;
  return fail(`${grpc.status[code]} for ${what}`, error ? describeStatus(error) : 'a reply (the call succeeded)');
}

/** The google.rpc.Status in the error's trailers, decoded; fails the check if there is none or it is not one. */
function richStatusOf(error: grpc.ServiceError): Status__Output {
  const [bytes] = error.metadata?.get(DETAILS_HEADER) ?? [];
  const sent = error.metadata ? Object.keys(error.metadata.getMap()) : [];
  if (bytes === undefined)
    fail(
      `a ${DETAILS_HEADER} trailer with the google.rpc.Status`,
      sent.length ? `none (the trailers held only ${show(sent)})` : "none (no trailers of the server's own)",
    );
  if (!Buffer.isBuffer(bytes)) fail(`bytes in ${DETAILS_HEADER}`, `the text ${show(bytes)}`);
  let status: Status__Output;
  try {
    status = contract().google.rpc.Status.deserialize(bytes);
  } catch (decodeError) {
    return fail(`a google.rpc.Status in ${DETAILS_HEADER}`, `bytes that do not decode as one (${String(decodeError)})`);
  }
  // The rich status repeats the call's own: a client may read either.
  if (status.code !== error.code || status.message !== error.details)
    fail(
      `a google.rpc.Status with the call's code and message, ${show({ code: error.code, message: error.details })}`,
      show({ code: status.code, message: status.message }),
    );
  return status;
}

/** The detail of the given type in a rich status; fails the check if it has none. */
function detailOf(status: Status__Output, typeUrl: string): Buffer {
  const detail = status.details.find((any) => any.type_url === typeUrl);
  if (!detail)
    fail(
      `a detail of type ${typeUrl}`,
      status.details.length ? show(status.details.map((any) => any.type_url)) : 'no details',
    );
  return detail.value;
}

function badFields(status: Status__Output): string[] {
  return contract()
    .google.rpc.BadRequest.deserialize(detailOf(status, BAD_REQUEST))
    .field_violations.map((violation) => violation.field);
}

export const checks: LessonChecks = {
  server: serverExercise({
    checks: [
      {
        name: 'greets a good name',
        async run({ target }) {
          const name = randomName('Ada');
          const { reply, error } = await sayHello(target, name);
          if (error) fail(`the reply "Hello, ${name}!"`, describeStatus(error));
          expectEqual('the reply', `Hello, ${name}!`, reply?.message);
        },
      },
      {
        name: 'an empty name: INVALID_ARGUMENT with a google.rpc.Status in the trailers',
        async run({ target }) {
          const { error } = await sayHello(target, '');
          richStatusOf(expectCode(error, grpc.status.INVALID_ARGUMENT, 'an empty name'));
        },
      },
      {
        name: 'its BadRequest detail names the field',
        async run({ target }) {
          const { error } = await sayHello(target, '');
          const status = richStatusOf(expectCode(error, grpc.status.INVALID_ARGUMENT, 'an empty name'));
          expectEqual('a BadRequest with the fields', ['name'], badFields(status));
        },
      },
      {
        name: 'LotsOfReplies reports every bad field at once',
        async run({ target }) {
          const { error } = await withClient(
            target,
            (client) =>
              new Promise<{ error?: grpc.ServiceError; replies: number }>((resolve) => {
                let replies = 0;
                const call = client.LotsOfReplies(
                  { name: randomName('Grace'), reply_count: 1_000, interval_ms: -1 },
                  { deadline: Date.now() + 5_000 },
                );
                call.on('data', () => (replies += 1));
                call.on('error', (error: grpc.ServiceError) => resolve({ error, replies }));
                call.on('end', () => resolve({ replies }));
              }),
          );
          const status = richStatusOf(
            expectCode(error, grpc.status.INVALID_ARGUMENT, 'reply_count 1000, interval_ms -1'),
          );
          expectEqual('a BadRequest with the fields', ['reply_count', 'interval_ms'], badFields(status));
        },
      },
      {
        name: 'a rate limit says when to retry, in a RetryInfo',
        async run({ target }) {
          await withClient(target, async (client) => {
            const call = client.BidiHello({ deadline: Date.now() + 5_000 });
            const replies: string[] = [];
            let error: grpc.ServiceError | undefined;
            let ended = false;
            call.on('data', (reply: HelloReply__Output) => replies.push(reply.message));
            call.on('error', (callError: grpc.ServiceError) => ((error = callError), (ended = true)));
            call.on('end', () => (ended = true));
            // Four greetings at once: one more than the server allows a second.
            for (const name of ['Ada', 'Grace', 'Linus', 'Barbara']) call.write({ name });
            call.end();
            await eventually(
              () => ended,
              'the call to end',
              () => `${replies.length} replies and no status`,
            );
            const status = richStatusOf(
              expectCode(error, grpc.status.RESOURCE_EXHAUSTED, 'a fourth greeting within a second'),
            );
            const { retry_delay } = contract().google.rpc.RetryInfo.deserialize(detailOf(status, RETRY_INFO));
            const seconds = Number(retry_delay?.seconds ?? 0) + (retry_delay?.nanos ?? 0) / 1e9;
            if (!(seconds > 0 && seconds <= 1))
              fail('a RetryInfo saying to wait more than 0 s and at most 1 s', show(retry_delay));
          });
        },
      },
    ],
  }),
};

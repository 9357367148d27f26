// Lesson 15's exercise: the interceptor that checks each call's bearer token
// and its scope, on a server that already speaks mutual TLS.
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadHelloWorld } from '../../proto.js';
import type { HelloRequest } from '../../generated/rpc_package/HelloRequest.js';
import type { HelloReply__Output } from '../../generated/rpc_package/HelloReply.js';
import type { HelloWorldServiceClient } from '../../generated/rpc_package/HelloWorldService.js';
import { describeStatus, eventually, fail, serverExercise, show, unary, type LessonChecks } from '../kit.js';

/** The tokens lesson 15's server issued: ada's may greet, the viewer's may only read. */
const ADA_TOKEN = 'lesson-15-ada';
const VIEWER_TOKEN = 'lesson-15-viewer';
const FILES = ['ca.pem', 'client.pem', 'client-key.pem'];

/** Where the lesson's server on `port` leaves the CA and the client certificate (as its client reads them). */
const clientFilesDir = (target: string) =>
  join(tmpdir(), `grpc-lesson-15-${target.slice(target.lastIndexOf(':') + 1)}`);

/** A client over mutual TLS with the server's own CA and client certificate, as the lesson's client connects. */
async function mtlsClient(target: string): Promise<HelloWorldServiceClient> {
  const dir = clientFilesDir(target);
  await eventually(
    () => FILES.every((file) => existsSync(join(dir, file))),
    `the server to write ${FILES.join(', ')} to ${dir}`,
    () => `only ${show(FILES.filter((file) => existsSync(join(dir, file))))}`,
  );
  const [ca, cert, key] = FILES.map((file) => readFileSync(join(dir, file)));
  return new (loadHelloWorld().rpc_package.HelloWorldService)(target, grpc.credentials.createSsl(ca, key, cert), {
    'grpc.ssl_target_name_override': 'localhost',
  });
}

/** One SayHello over mTLS with `authorization` set to this value (or none). */
async function sayHelloWith(target: string, authorization: string | undefined, name: string) {
  const client = await mtlsClient(target);
  const metadata = new grpc.Metadata();
  if (authorization !== undefined) metadata.set('authorization', authorization);
  try {
    return await unary<HelloRequest, HelloReply__Output>(client.SayHello.bind(client), { name }, { metadata });
  } finally {
    client.close();
  }
}

const randomName = () => `Ada-${Math.random().toString(36).slice(2, 8)}`;

async function expectRefused(
  target: string,
  authorization: string | undefined,
  code: grpc.status,
  what: string,
): Promise<void> {
  const { reply, error } = await sayHelloWith(target, authorization, randomName());
  if (error?.code === code) return;
  fail(`${grpc.status[code]} for ${what}`, error ? describeStatus(error) : `a reply, ${show(reply?.message)}`);
}

export const checks: LessonChecks = {
  server: serverExercise({
    checks: [
      {
        name: "greets a caller with ada's token",
        async run({ target }) {
          const name = randomName();
          const { reply, error } = await sayHelloWith(target, `Bearer ${ADA_TOKEN}`, name);
          if (error) fail(`a greeting for ${name}, over mTLS with ada's token`, describeStatus(error));
          if (!reply?.message.startsWith(`Hello, ${name}!`))
            fail(`a reply that starts "Hello, ${name}!"`, show(reply?.message));
        },
      },
      {
        name: 'refuses a call with no token: UNAUTHENTICATED',
        run: ({ target }) => expectRefused(target, undefined, grpc.status.UNAUTHENTICATED, 'a call with no token'),
      },
      {
        name: 'refuses a token it never issued: UNAUTHENTICATED',
        run: ({ target }) =>
          expectRefused(
            target,
            `Bearer lesson-15-${Math.random().toString(36).slice(2, 10)}`,
            grpc.status.UNAUTHENTICATED,
            'a token the server never issued',
          ),
      },
      {
        name: 'refuses a token without "Bearer ": UNAUTHENTICATED',
        run: ({ target }) =>
          expectRefused(target, ADA_TOKEN, grpc.status.UNAUTHENTICATED, `"authorization: ${ADA_TOKEN}" (no "Bearer ")`),
      },
      {
        name: "refuses the viewer's token: PERMISSION_DENIED",
        run: ({ target }) =>
          expectRefused(
            target,
            `Bearer ${VIEWER_TOKEN}`,
            grpc.status.PERMISSION_DENIED,
            "the viewer's token (scope read; SayHello needs greet)",
          ),
      },
      {
        name: 'refuses a method that needs no listed scope: PERMISSION_DENIED',
        async run({ target }) {
          // LotsOfGreetings has no entry in REQUIRED_SCOPE: deny by default, even to ada.
          const client = await mtlsClient(target);
          const metadata = new grpc.Metadata();
          metadata.set('authorization', `Bearer ${ADA_TOKEN}`);
          try {
            const error = await new Promise<grpc.ServiceError | null>((resolve) => {
              const call = client.LotsOfGreetings(metadata, { deadline: Date.now() + 5_000 }, (callError) =>
                resolve(callError),
              );
              call.end();
            });
            if (error?.code !== grpc.status.PERMISSION_DENIED)
              fail(
                "PERMISSION_DENIED for LotsOfGreetings with ada's token (a method REQUIRED_SCOPE does not list is open to no one)",
                describeStatus(error),
              );
          } finally {
            client.close();
          }
        },
      },
    ],
  }),
};

// Lesson 20's exercise: a backend that says, in its response headers, which
// backend answered and what it saw of its caller. The checks call it as nginx
// would, directly, with the headers a proxy adds; nginx itself is not needed
// to see what the backend makes of them.
import * as grpc from '@grpc/grpc-js';
import { loadHelloWorld } from '../../proto.js';
import type { HelloReply__Output } from '../../generated/rpc_package/HelloReply.js';
import { describeStatus, expectEqual, fail, serverExercise, show, type LessonChecks } from '../kit.js';

/** The learner's server runs as this backend: a name it cannot have typed into the file. */
const BACKEND = `b${Math.random().toString(36).slice(2, 6)}`;

/** What one call brought back: its response headers, reply and status. */
interface Answer {
  headers?: grpc.Metadata;
  trailers?: grpc.Metadata;
  reply?: HelloReply__Output;
  error?: grpc.ServiceError;
}

/** One SayHello on a new channel, with these request headers and channel options. */
function callWith(target: string, headers: Record<string, string> = {}, options: grpc.ChannelOptions = {}) {
  const client = new (loadHelloWorld().rpc_package.HelloWorldService)(
    target,
    grpc.credentials.createInsecure(),
    options,
  );
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
  return new Promise<Answer>((resolve) => {
    const answer: Answer = {};
    const call = client.SayHello({ name: 'Ada' }, metadata, { deadline: Date.now() + 5_000 }, (error, reply) => {
      client.close();
      if (error) answer.error = error;
      else answer.reply = reply;
      // The status event, with the trailers, comes next: after it, the answer is whole.
      setImmediate(() => resolve(answer));
    });
    call.on('metadata', (received: grpc.Metadata) => (answer.headers = received));
    call.on('status', (status: grpc.StatusObject) => (answer.trailers = status.metadata));
  });
}

/** The value of one response header, or a phrase saying why there is none. */
function header(answer: Answer, key: string): string {
  if (answer.error) fail(`a reply with the response header ${key}`, describeStatus(answer.error));
  const value = answer.headers?.get(key)[0];
  if (value === undefined)
    fail(
      `the response header ${key} (sent before the reply)`,
      answer.trailers?.get(key).length
        ? `${key} in the trailers, after the reply`
        : `headers ${show(answer.headers?.getMap() ?? {})}`,
    );
  return String(value);
}

const randomIp = () => `203.0.113.${1 + Math.floor(Math.random() * 254)}`;

export const checks: LessonChecks = {
  server: serverExercise({
    args: ['--name', BACKEND],
    checks: [
      {
        name: 'says which backend answered in x-backend',
        async run({ target }) {
          expectEqual('x-backend', BACKEND, header(await callWith(target), 'x-backend'));
        },
      },
      {
        name: 'passes on the x-forwarded-for a proxy adds',
        async run({ target }) {
          const client = randomIp();
          const forwarded = header(await callWith(target, { 'x-forwarded-for': client }), 'x-seen-forwarded-for');
          expectEqual('x-seen-forwarded-for', client, forwarded);
        },
      },
      {
        name: 'says "none" without x-forwarded-for',
        async run({ target }) {
          expectEqual('x-seen-forwarded-for', 'none', header(await callWith(target), 'x-seen-forwarded-for'));
        },
      },
      {
        name: 'says which :authority the call was sent to',
        async run({ target }) {
          // What nginx's L7 proxy writes: the upstream's name, not the client's target.
          const authority = `backends-${Math.random().toString(36).slice(2, 6)}`;
          const seen = header(await callWith(target, {}, { 'grpc.default_authority': authority }), 'x-seen-authority');
          expectEqual('x-seen-authority', authority, seen);
        },
      },
      {
        name: 'says which peer the call came from',
        async run({ target }) {
          const peer = header(await callWith(target), 'x-seen-peer');
          // The caller's end of the connection: this process, on loopback, on a port of its own.
          const match = /^(?:ipv4:)?127\.0\.0\.1:(\d+)$/.exec(peer);
          if (!match || target.endsWith(`:${match[1]}`))
            fail("x-seen-peer, the caller's address (127.0.0.1 and its own port)", show(peer));
        },
      },
    ],
  }),
};

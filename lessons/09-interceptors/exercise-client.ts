// Exercise: add the token to every call in a client interceptor (lesson 09,
// exercise 2). Your copy is exercises/09-interceptors/client.ts;
// `npm run verify -- 9 --exercise 2` runs it against a server that records the
// headers of each call. `npm run exercise -- hint 9 --exercise 2` gives a hint.
// The rest of the file already works: it is lesson 09's client.
//   npx tsx exercises/09-interceptors/client.ts [--target H:P] [--name N]...
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/helloworld.js';
import type { HelloReply__Output } from '../../src/generated/rpc_package/HelloReply.js';
import type { HelloWorldServiceClient } from '../../src/generated/rpc_package/HelloWorldService.js';

const packageDefinition = protoLoader.loadSync('helloworld.proto', {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

// The server's fixed token. Real tokens come per user, through call credentials over TLS.
const TOKEN = 'Bearer lesson-09-token';
/** A call that takes longer than this gets its time in the log line. */
const SLOW_CALL_MS = 1_000;

// Numbers calls in the order this process starts them, so that the two lines
// of one call can be told apart from another's (a request id does this in a
// real service, across processes).
let lastCallNumber = 0;

const methodName = (options: grpc.InterceptorOptions) => {
  const { path } = options.method_definition;
  return path.slice(path.lastIndexOf('/') + 1);
};

// A client interceptor gets the call's options and `nextCall`, the rest of the
// chain, and returns an InterceptingCall around it. The requester sees what
// goes out (start with the headers, each message, the half-close); the
// listener it hands on sees what comes back (headers, each message, the status).
const logCalls: grpc.Interceptor = (options, nextCall) => {
  const label = `call ${++lastCallNumber}: ${methodName(options)}`;
  const startedAt = performance.now();
  const requester = new grpc.RequesterBuilder()
    .withStart((metadata, listener, next) => {
      console.log(`[log] ${label} started`);
      const logEnd = new grpc.ListenerBuilder()
        .withOnReceiveStatus((status, nextStatus) => {
          // The whole call as the application sees it: connecting, waiting for
          // the server, every message, until the status.
          const ms = performance.now() - startedAt;
          const slow = ms > SLOW_CALL_MS ? ` after ${Math.round(ms)} ms` : '';
          console.log(`[log] ${label} ended ${grpc.status[status.code]}${slow}`);
          nextStatus(status);
        })
        .build();
      next(metadata, logEnd);
    })
    .build();
  return new grpc.InterceptingCall(nextCall(options), requester);
};

// The same chain carries streams: an interceptor sees each message of a stream
// one by one, in both directions, and the status once at the end.
const countMessages: grpc.Interceptor = (options, nextCall) => {
  const method = methodName(options);
  let sent = 0;
  let received = 0;
  return new grpc.InterceptingCall(nextCall(options), {
    start(metadata, listener, next) {
      next(metadata, {
        onReceiveMessage(message, nextMessage) {
          // A unary call that ends with an error hands on a null message
          // before its status: nothing arrived, so nothing is counted.
          if (message !== null) received += 1;
          nextMessage(message);
        },
        onReceiveStatus(status, nextStatus) {
          console.log(`[count] ${method}: ${sent} sent, ${received} received`);
          nextStatus(status);
        },
      });
    },
    sendMessage(message, next) {
      sent += 1;
      next(message);
    },
  });
};

// Metadata is gRPC's request headers: what an interceptor adds here goes out
// as an HTTP/2 header, before the first message.
const addToken: grpc.Interceptor = (options, nextCall) => {
  return new grpc.InterceptingCall(nextCall(options), {
    start(metadata, listener, next) {
      // TODO: every call made through this interceptor, unary or streaming,
      // must reach the server with the request header `authorization` set to
      // TOKEN, without the code that makes the call doing anything for it.
      // As it stands each call goes out as the application made it.
      void TOKEN; // delete this line: it only keeps the unfinished file compiling
      next(metadata, listener);
    },
  });
};

export async function runClient({
  target,
  names = ['Ada', 'Grace'],
}: {
  target: string;
  names?: string[];
}): Promise<void> {
  const credentials = grpc.credentials.createInsecure();
  // The first interceptor is the one closest to the application: a call's
  // start and messages pass the list in order, its replies and status in
  // reverse. addToken comes last, so the log and the count see the call as the
  // application made it.
  const client = new rpc_package.HelloWorldService(target, credentials, {
    interceptors: [logCalls, countMessages, addToken],
  });
  // The same service without addToken: what the server does with a call that
  // carries no token.
  const withoutToken = new rpc_package.HelloWorldService(target, credentials, {
    interceptors: [logCalls, countMessages],
  });
  try {
    const [name = 'world'] = names;
    console.log(`SayHello: ${(await sayHello(client, name)).message}`);
    try {
      await sayHello(withoutToken, name);
    } catch (error) {
      const { code, details } = error as grpc.ServiceError;
      if (code !== grpc.status.UNAUTHENTICATED) throw error;
      console.log(`SayHello, no token: ${grpc.status[code]} (status ${code}): ${details}`);
    }
    await bidiHello(client, names);
  } finally {
    client.close();
    withoutToken.close();
  }
}

function sayHello(client: HelloWorldServiceClient, name: string): Promise<HelloReply__Output> {
  return new Promise((resolve, reject) => {
    client.SayHello({ name }, { deadline: Date.now() + 5_000 }, (error, reply) => {
      if (error) reject(error);
      else resolve(reply!);
    });
  });
}

/** Lesson 04's conversation: each name is sent once the previous reply is in. */
async function bidiHello(client: HelloWorldServiceClient, names: string[]): Promise<void> {
  const call = client.BidiHello({ deadline: Date.now() + 5_000 });
  const replies = (call as AsyncIterable<HelloReply__Output>)[Symbol.asyncIterator]();
  for (const name of names) {
    if (!call.write({ name })) await once(call, 'drain');
    const { value: reply, done } = await replies.next();
    if (done) throw new Error(`the server ended the stream before answering ${name}`);
    console.log(`BidiHello: ${reply.message}`);
  }
  call.end();
  for (let rest = await replies.next(); !rest.done; rest = await replies.next())
    console.log(`BidiHello: ${rest.value.message}`);
}

async function main(): Promise<void> {
  const { target, names } = clientFlags();
  try {
    await runClient({ target, names });
  } catch (error) {
    // An RPC error carries a status code and details: print both, exit 1.
    const { code, details, message } = error as grpc.ServiceError;
    console.error(`error: ${code === undefined ? message : `${grpc.status[code]} (status ${code}): ${details}`}`);
    process.exitCode = 1;
  }
}

function clientFlags(): { target: string; names?: string[] } {
  try {
    const { values } = parseArgs({
      options: { target: { type: 'string', default: '127.0.0.1:50051' }, name: { type: 'string', multiple: true } },
    });
    return { target: values.target, names: values.name };
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('. ')[0]}`);
    process.exit(2);
  }
}

// Run main() when this file is the program, not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) void main();

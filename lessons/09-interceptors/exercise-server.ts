// Exercise: refuse a call without the token in a server interceptor (lesson 09,
// exercise 1). Your copy is exercises/09-interceptors/server.ts;
// `npm run verify -- 9 --exercise 1` runs it and calls it with and without the
// token. `npm run exercise -- hint 9 --exercise 1` gives a hint. The rest of the
// file already works: it is lesson 09's server.
//   npx tsx exercises/09-interceptors/server.ts [--host H] [--port P]
import { createHash, timingSafeEqual } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/helloworld.js';
import type { HelloWorldServiceHandlers } from '../../src/generated/rpc_package/HelloWorldService.js';

// The same contract and load options as lesson 01 (see its server.ts for each option).
const packageDefinition = protoLoader.loadSync('helloworld.proto', {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

// A fixed token keeps the lesson about interceptors. Real tokens are issued
// and checked per user, and travel through call credentials over TLS.
const TOKEN = 'Bearer lesson-09-token';

// The handlers know nothing about logging or tokens: that is the point. They
// are lesson 01's SayHello and lesson 04's BidiHello.
const sayHello: HelloWorldServiceHandlers['SayHello'] = (call, callback) => {
  const { name } = call.request;
  if (name.trim() === '') {
    callback({ code: grpc.status.INVALID_ARGUMENT, details: 'name must not be empty' });
    return;
  }
  callback(null, { message: `Hello, ${name}!` });
};

const bidiHello: HelloWorldServiceHandlers['BidiHello'] = (call) => {
  let sequence = 0;
  call.on('data', (request) => {
    sequence += 1;
    if (!call.write({ message: `Hello, ${request.name || 'world'}!`, sequence })) {
      call.pause();
      call.once('drain', () => call.resume());
    }
  });
  call.on('end', () => call.end());
};

const methodName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

// A server interceptor gets each call before the handler does and returns a
// ServerInterceptingCall around it. The listener sees what comes in (headers,
// messages, half-close, cancel); the responder sees what goes out (headers,
// messages, the status). Every call, of every kind, on every service, passes here.
const logCalls: grpc.ServerInterceptor = (methodDefinition, call) => {
  const method = methodName(methodDefinition.path);
  const startedAt = performance.now();
  let started = false;
  let ended = false;
  const end = (outcome: string) => {
    if (!started || ended) return;
    ended = true;
    console.log(`[log] ${method} ended ${outcome} (${(performance.now() - startedAt).toFixed(1)} ms)`);
  };
  const listener = new grpc.ServerListenerBuilder()
    .withOnReceiveMetadata((metadata, next) => {
      started = true;
      console.log(`[log] ${method} started`);
      next(metadata);
    })
    // grpc-js calls onCancel on every interceptor once the call is over. If no
    // status came through here before it, the handler never answered: the
    // client went away, or the deadline passed and grpc-js answered by itself,
    // below every interceptor. (A call refused by an interceptor before this
    // one never started here, and gets no line.)
    .withOnCancel(() => end('before the handler answered'))
    .build();
  const responder = new grpc.ResponderBuilder()
    .withStart((next) => next(listener))
    // The status the server sends. Sent is not received: a client that cancels
    // a stream reaches the handler as a half-close first, and a handler that
    // ends the call then is logged OK.
    .withSendStatus((status, next) => {
      end(grpc.status[status.code]);
      next(status);
    })
    .build();
  return new grpc.ServerInterceptingCall(call, responder);
};

// The auth check. Request headers (metadata) arrive before any message, so
// this is the first moment a call can be refused. Not passing the metadata on
// means nothing below sees the call: the handler never runs, and the client
// gets a status with no reply (a trailers-only response).
const requireToken: grpc.ServerInterceptor = (methodDefinition, call) => {
  const method = methodName(methodDefinition.path);
  const listener = new grpc.ServerListenerBuilder()
    .withOnReceiveMetadata((metadata, next) => {
      // Metadata keys are lower-case; a key may carry several values.
      const [authorization] = metadata.get('authorization');
      const valid = typeof authorization === 'string' && sameSecret(authorization, TOKEN);
      // TODO: a call without a valid token must never reach a handler, on any
      // method: end it here with the status code that says "we do not know
      // who you are" and a short message. A call with the token goes on, as
      // now. As it stands every call goes on, token or not.
      console.log(`[auth] ${method}: ${valid ? 'token accepted' : 'no valid token, let through anyway'}`);
      next(metadata);
    })
    .build();
  return new grpc.ServerInterceptingCall(call, new grpc.ResponderBuilder().withStart((next) => next(listener)).build());
};

/** Compares in constant time: how long `===` takes tells an attacker how much of a guess was right. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** A server with this lesson's service on it, not yet bound to an address. */
export function createServer(options?: grpc.ServerOptions): grpc.Server {
  // The first interceptor in the list is the closest to the network: a request
  // meets them in list order, and the answer passes them in reverse. logCalls
  // comes before requireToken so that its line shows refused calls too.
  // Interceptors passed in `options` come first: they wrap this server's own.
  const server = new grpc.Server({
    ...options,
    interceptors: [...(options?.interceptors ?? []), logCalls, requireToken],
  });
  server.addService(rpc_package.HelloWorldService.service, { SayHello: sayHello, BidiHello: bidiHello });
  return server;
}

function main(): void {
  const { host, port } = serverFlags();
  const server = createServer();
  // Insecure credentials: plain HTTP/2 without TLS, fine on loopback. Serving
  // starts as soon as the bind succeeds; port 0 asks the OS for a free one.
  server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
    if (error) {
      console.error(`error: cannot listen on ${host}:${port}: ${error.message}`);
      process.exit(1);
    }
    console.log(`listening on ${host}:${boundPort}`);
  });
  // Graceful shutdown: refuse new calls, let running ones finish, then exit.
  // A call that never ends would hold that forever, so cut it off after 2 s.
  const stop = (signal: NodeJS.Signals) => {
    console.log(`${signal}: shutting down`);
    setTimeout(() => server.forceShutdown(), 2_000).unref();
    server.tryShutdown(() => process.exit(0));
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
}

function serverFlags(): { host: string; port: number } {
  try {
    const { values } = parseArgs({
      options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '50051' } },
    });
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65_535)
      throw new Error(`--port must be a number from 0 to 65535, got "${values.port}"`);
    return { host: values.host, port };
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('. ')[0]}`);
    process.exit(2);
  }
}

// Run main() when this file is the program, not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) main();

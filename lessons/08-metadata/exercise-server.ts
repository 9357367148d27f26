// Exercise: answer SayHello with response headers and trailers (lesson 08,
// exercise 2). Your copy is exercises/08-metadata/server.ts;
// `npm run verify -- 8 --exercise 2` runs it and calls it with metadata, as a
// client would. `npm run exercise -- hint 8 --exercise 2` gives a hint. The rest
// of the file already works: it is lesson 08's server, and its LotsOfReplies
// does on a stream what SayHello must do on a unary call.
//   npx tsx exercises/08-metadata/server.ts [--host H] [--port P]
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
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

const DEFAULT_REPLY_COUNT = 3;
// A client that stops reading can make this handler hold at most this many
// replies, so it needs no 'drain' wait (lesson 02's stream has no cap, and waits).
const MAX_REPLY_COUNT = 10;
const MAX_INTERVAL_MS = 5_000;

/**
 * The request's `x-` headers, every value of each, to send back. Only those:
 * grpc-js puts whatever names a Metadata holds on the wire, reserved ones
 * included (in trailers, a `grpc-status` replaces the real status), so a
 * server sends back only names it chose, never a client's `grpc-status` or
 * `user-agent`.
 */
function echoedHeaders(request: grpc.Metadata): grpc.Metadata {
  const echo = new grpc.Metadata();
  for (const key of Object.keys(request.getMap())) {
    // Keys arrive lowercase: HTTP/2 allows no other, and grpc-js lowercases what you set.
    if (!key.startsWith('x-')) continue;
    // A key may carry several values; a `-bin` key's values are Buffers,
    // which grpc-js base64-encodes on the wire and decodes on arrival.
    for (const value of request.get(key)) echo.add(key, value);
  }
  return echo;
}

/** Trailers for the end of a call: how long the handler took, in milliseconds. */
function handledTrailers(startedAt: number): grpc.Metadata {
  const trailers = new grpc.Metadata();
  // Text values must be printable ASCII: a number as a string is fine.
  trailers.set('x-handled-ms', (performance.now() - startedAt).toFixed(2));
  return trailers;
}

const sayHello: HelloWorldServiceHandlers['SayHello'] = (call, callback) => {
  const { name } = call.request;
  // TODO: before the reply, send the request's x- headers back as response
  // headers (echoedHeaders). End every call, the refused ones included, with
  // the x-handled-ms trailer (handledTrailers): how long this handler took.
  // As it stands the client gets the reply and the status, and no metadata.
  if (name.trim() === '') {
    callback({ code: grpc.status.INVALID_ARGUMENT, details: 'name must not be empty' });
    return;
  }
  callback(null, { message: `Hello, ${name}!` });
};

const lotsOfReplies: HelloWorldServiceHandlers['LotsOfReplies'] = async (call) => {
  const startedAt = performance.now();
  const { name, reply_count, interval_ms } = call.request;
  const count = reply_count > 0 ? reply_count : DEFAULT_REPLY_COUNT;
  if (count > MAX_REPLY_COUNT || interval_ms < 0 || interval_ms > MAX_INTERVAL_MS) {
    call.emit('error', {
      code: grpc.status.INVALID_ARGUMENT,
      details: `reply_count must be 1..${MAX_REPLY_COUNT} and interval_ms 0..${MAX_INTERVAL_MS}`,
      metadata: handledTrailers(startedAt),
    });
    return;
  }
  // On a stream the headers still come first: the client has them before the
  // first reply exists, and can act on them (a request id, a server version).
  call.sendMetadata(echoedHeaders(call.metadata));

  // A pause must end when the call does (a cancel, a deadline), or the
  // handler holds the call until the pause is over.
  const cancelled = new AbortController();
  call.once('cancelled', () => cancelled.abort());
  try {
    for (let sequence = 1; sequence <= count; sequence++) {
      if (call.cancelled) return;
      call.write({ message: `Hello, ${name || 'world'}! (${sequence} of ${count})`, sequence });
      if (interval_ms > 0 && sequence < count) await sleep(interval_ms, undefined, { signal: cancelled.signal });
    }
  } catch (error) {
    if (cancelled.signal.aborted) return;
    throw error;
  }
  // end(trailers) sends them after the last reply, together with the OK status.
  if (!call.cancelled) call.end(handledTrailers(startedAt));
};

/** A server with this lesson's service on it, not yet bound to an address. */
export function createServer(options?: grpc.ServerOptions): grpc.Server {
  const server = new grpc.Server(options);
  server.addService(rpc_package.HelloWorldService.service, { SayHello: sayHello, LotsOfReplies: lotsOfReplies });
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

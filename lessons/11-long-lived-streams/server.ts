// Long-lived streams from the server's side: a numbered feed a client can pick
// up again where it left off, keepalive pings that find clients that vanished
// without a word, and a shutdown that lets open streams run for a grace period
// before it cuts them.
//   npx tsx lessons/11-long-lived-streams/server.ts [--host H] [--port P]
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/feed.js';
import type { HelloFeedServiceHandlers } from '../../src/generated/rpc_package/HelloFeedService.js';

// protos/feed.proto imports helloworld.proto for HelloReply; proto-loader
// follows the import through includeDirs. Load options as in lesson 01.
const packageDefinition = protoLoader.loadSync('feed.proto', {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

const DEFAULT_REPLY_COUNT = 5;
const MAX_REPLY_COUNT = 1_000_000;
const MAX_INTERVAL_MS = 60_000;

// Greeting n depends on n alone, so any server, this one after a restart or
// another replica, sends the same greeting n. A real feed reads its events
// from a log or a table by sequence number, for the same reason.
const greeting = (name: string, sequence: number, count: number) => ({
  message: `Hello, ${name || 'world'}! (${sequence} of ${count})`,
  sequence,
});

// Aborted when this process starts to shut down (see main): every open feed
// then ends itself with a status that tells its client to come back.
const shuttingDown = new AbortController();

const subscribe: HelloFeedServiceHandlers['Subscribe'] = async (call) => {
  const { name, reply_count, interval_ms, resume_after } = call.request;
  const count = reply_count > 0 ? reply_count : DEFAULT_REPLY_COUNT;
  if (count > MAX_REPLY_COUNT || interval_ms < 0 || interval_ms > MAX_INTERVAL_MS) {
    call.emit('error', {
      code: grpc.status.INVALID_ARGUMENT,
      details: `reply_count must be 0..${MAX_REPLY_COUNT} and interval_ms 0..${MAX_INTERVAL_MS}`,
    });
    return;
  }
  if (resume_after < 0 || resume_after > count) {
    call.emit('error', { code: grpc.status.OUT_OF_RANGE, details: `resume_after must be 0..${count}` });
    return;
  }
  // A client that comes back says so: worth a line in the server's log.
  if (resume_after > 0) console.log(`Subscribe: ${name || 'world'} resumes after ${resume_after} of ${count}`);

  // A stream that lasts minutes or hours outlives many things. The call may
  // end under it (the client left, its deadline passed): 'cancelled'. Or the
  // server may shut down. Either must also end the pause between greetings.
  const callOver = new AbortController();
  call.once('cancelled', () => callOver.abort());
  const stopFeed = AbortSignal.any([callOver.signal, shuttingDown.signal]);
  let sent = resume_after;
  try {
    while (sent < count && !stopFeed.aborted) {
      sent += 1;
      // Honour flow control (lesson 02): a client that reads slowly must not
      // make the server buffer the rest of a long feed.
      if (!call.write(greeting(name, sent, count))) await drained(call, stopFeed);
      if (interval_ms > 0 && sent < count) await sleep(interval_ms, undefined, { signal: stopFeed });
    }
  } catch (error) {
    if (!stopFeed.aborted) throw error;
  }
  if (call.cancelled) return;
  if (sent < count) {
    // Cut short by the shutdown. UNAVAILABLE says "not now, try again", what
    // a client must hear to resume; a cut (forceShutdown) would reach it as
    // CANCELLED, the code of a call the client cancelled itself.
    call.emit('error', { code: grpc.status.UNAVAILABLE, details: `server shutting down after ${sent} of ${count}` });
    return;
  }
  call.end();
};

// Resolves once the stream can take more, or once the feed must stop (a call
// that ended never drains, and a loop waiting for it would hang).
function drained(call: grpc.ServerWritableStream<unknown, unknown>, stopFeed: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done);
      stopFeed.removeEventListener('abort', done);
      resolve();
    };
    call.on('drain', done);
    stopFeed.addEventListener('abort', done);
  });
}

/** A server with this lesson's service on it, not yet bound to an address. */
export function createServer(options?: grpc.ServerOptions): grpc.Server {
  const server = new grpc.Server({
    // Keepalive from the server's side: ping every client connection this
    // often, and close it when a ping gets no answer within the timeout. A
    // client whose machine crashed or whose network went away sends no FIN
    // and no RST; without pings its feeds stay open, holding memory and
    // holding up tryShutdown(), until TCP gives up on the socket: many
    // minutes while the server writes to it, never while it does not.
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
    ...options,
  });
  server.addService(rpc_package.HelloFeedService.service, { Subscribe: subscribe });
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
  // Graceful shutdown of a server with long-lived streams, in three steps.
  // 1. tryShutdown() stops accepting connections and sends each client an
  //    HTTP/2 GOAWAY: no new calls on this connection, but the running ones
  //    go on. The client's channel goes IDLE, and its next call opens a new
  //    connection: to another replica, or to this server once it is back.
  // 2. A feed never finishes by itself. After a grace period for the calls
  //    that do, the feeds still open end themselves with UNAVAILABLE.
  // 3. Whatever is still open a moment later is cut: forceShutdown().
  const stop = (signal: NodeJS.Signals) => {
    console.log(`${signal}: shutting down`);
    server.tryShutdown(() => process.exit(0));
    setTimeout(() => {
      shuttingDown.abort();
      setTimeout(() => server.forceShutdown(), 500).unref();
    }, 1_500).unref();
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

// Exercise: write the server's stream of replies (lesson 02, exercise 1).
// Your copy is exercises/02-server-streaming/server.ts; `npm run verify -- 2 --exercise 1`
// runs it and calls it as a client would. `npm run exercise -- hint 2 --exercise 1`
// gives a hint. The rest of the file already works: it is lesson 02's server.
//   npx tsx exercises/02-server-streaming/server.ts [--host H] [--port P]
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
const MAX_REPLY_COUNT = 1_000_000;

const lotsOfReplies: HelloWorldServiceHandlers['LotsOfReplies'] = async (call) => {
  const { name, reply_count, interval_ms } = call.request;
  // Unset numbers arrive as 0, so 0 has to mean "the default".
  const count = reply_count > 0 ? reply_count : DEFAULT_REPLY_COUNT;
  if (count > MAX_REPLY_COUNT || interval_ms < 0) {
    // A streaming handler reports failure by emitting an 'error' carrying a status code.
    call.emit('error', {
      code: grpc.status.INVALID_ARGUMENT,
      details: `reply_count must be 1..${MAX_REPLY_COUNT} and interval_ms >= 0`,
    });
    return;
  }
  // TODO: write `count` replies, { message: 'Hello, <name>! (<n> of <count>)',
  // sequence: <n> } for n = 1..count (an empty name greets 'world'), pausing
  // interval_ms between two replies, then end the call: that sends the OK
  // status. When write() returns false, wait for drained(call) before the next.
  // The client may cancel at any moment, even during a pause: from then on,
  // stop writing and do not end the call (nobody is listening any more).
  // This stand-in sends one reply that says so, then ends the call.
  const ok = call.write({ message: `LotsOfReplies is not written yet (${name}, ${count} replies)`, sequence: 0 });
  if (!ok) await drained(call);
  if (interval_ms > 0) await sleep(interval_ms);
  call.end();
};

// Resolves once the stream can take more, or once the call is cancelled (a
// cancelled call never drains, and a loop waiting for it would hang).
function drained(call: grpc.ServerWritableStream<unknown, unknown>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done).off('cancelled', done);
      resolve();
    };
    call.on('drain', done).on('cancelled', done);
  });
}

/** A server with this lesson's service on it, not yet bound to an address. */
export function createServer(options?: grpc.ServerOptions): grpc.Server {
  const server = new grpc.Server(options);
  server.addService(rpc_package.HelloWorldService.service, { LotsOfReplies: lotsOfReplies });
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

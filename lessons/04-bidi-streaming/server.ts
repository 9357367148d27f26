// Bidirectional streaming: both sides read and write whenever they like on one
// call. The two streams are independent; this server answers each request at
// once, so replies interleave with requests.
//   npx tsx lessons/04-bidi-streaming/server.ts [--host H] [--port P]
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

const bidiHello: HelloWorldServiceHandlers['BidiHello'] = (call) => {
  let sequence = 0;
  // Reply as soon as a request arrives, not after the client half-closes:
  // a client that waits for each answer before its next question would
  // otherwise wait forever.
  call.on('data', (request) => {
    sequence += 1;
    // A client that keeps sending but never reads would make us buffer every
    // reply. When write() says the reply side is full, stop reading requests
    // until it drains: the client's sends then wait in HTTP/2 flow control.
    if (!call.write({ message: `Hello, ${request.name || 'world'}!`, sequence })) {
      call.pause();
      call.once('drain', () => call.resume());
    }
  });
  // The client half-closed: finish our side too, which sends the OK status.
  call.on('end', () => call.end());
};

/** A server with this lesson's service on it, not yet bound to an address. */
export function createServer(options?: grpc.ServerOptions): grpc.Server {
  const server = new grpc.Server(options);
  server.addService(rpc_package.HelloWorldService.service, { BidiHello: bidiHello });
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

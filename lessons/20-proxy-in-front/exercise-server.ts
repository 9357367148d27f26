// Exercise: make the backend say who answered and what it saw of its caller (lesson 20, exercise 1).
// Your copy is exercises/20-proxy-in-front/server.ts; `npm run verify -- 20`
// runs it and calls it directly, as nginx would, with the headers a proxy
// adds. `npm run exercise -- hint 20` gives a hint. The rest of the file
// already works: it is lesson 20's server.
//   npx tsx exercises/20-proxy-in-front/server.ts [--host H] [--port P] [--name N]
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/helloworld.js';
import type { HelloWorldServiceHandlers } from '../../src/generated/rpc_package/HelloWorldService.js';

// The article's contract, loaded as in lesson 01: every backend serves the
// same service, which is what makes them interchangeable behind one address.
const packageDefinition = protoLoader.loadSync('helloworld.proto', {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

function sayHelloAs(backend: string): HelloWorldServiceHandlers['SayHello'] {
  return (call, callback) => {
    const { name } = call.request;
    if (name.trim() === '') {
      callback({ code: grpc.status.INVALID_ARGUMENT, details: `name must not be empty (backend ${backend})` });
      return;
    }
    // TODO: before the reply, send response headers that say which backend
    // answered and what it saw of its caller, for the client (and you) to
    // compare through each kind of proxy: x-backend (this backend's name),
    // x-seen-peer (the address of the connection the call came on),
    // x-seen-authority (the :authority the call was sent to) and
    // x-seen-forwarded-for (the x-forwarded-for header a proxy adds, or
    // "none" without one).
    callback(null, { message: `Hello, ${name}! (from backend ${backend})` });
  };
}

/** A server with this lesson's service on it, answering as `backend`, not yet bound to an address. */
export function createServer(options?: grpc.ServerOptions, backend = 'a'): grpc.Server {
  const server = new grpc.Server(options);
  server.addService(rpc_package.HelloWorldService.service, { SayHello: sayHelloAs(backend) });
  return server;
}

function main(): void {
  const { host, port, name } = serverFlags();
  const server = createServer(undefined, name);
  server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
    if (error) {
      console.error(`error: cannot listen on ${host}:${port}: ${error.message}`);
      process.exit(1);
    }
    console.log(`listening on ${host}:${boundPort} as backend ${name}`);
  });
  // Graceful shutdown, as in lesson 01. Behind nginx, a backend that closes
  // its connections makes nginx try the next one for new calls.
  const stop = (signal: NodeJS.Signals) => {
    console.log(`${signal}: shutting down`);
    setTimeout(() => server.forceShutdown(), 2_000).unref();
    server.tryShutdown(() => process.exit(0));
  };
  process.once('SIGINT', stop).once('SIGTERM', stop).once('SIGHUP', stop);
}

function serverFlags(): { host: string; port: number; name: string } {
  try {
    const { values } = parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '50051' },
        name: { type: 'string', default: 'a' },
      },
    });
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65_535)
      throw new Error(`--port must be a number from 0 to 65535, got "${values.port}"`);
    return { host: values.host, port, name: values.name };
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('. ')[0]}`);
    process.exit(2);
  }
}

// Run main() when this file is the program, not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) main();

// Exercise: write the server's SayHello (lesson 01, exercise 1).
// Your copy is exercises/01-unary/server.ts; `npm run verify -- 1 --exercise 1`
// runs it and calls it as a client would. `npm run exercise -- hint 1 --exercise 1`
// gives a hint. The rest of the file already works: it is lesson 01's server.
//   npx tsx exercises/01-unary/server.ts [--host H] [--port P]
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/helloworld.js';
import type { HelloWorldServiceHandlers } from '../../src/generated/rpc_package/HelloWorldService.js';

// Load the contract at run time: proto-loader parses the .proto and grpc-js
// builds, for each method, its path (/rpc_package.HelloWorldService/SayHello)
// and the functions that encode and decode its messages. includeDirs is where
// to look: this repository's protos/, or a protos/ folder where you run it.
const packageDefinition = protoLoader.loadSync('helloworld.proto', {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true, // field names as the .proto writes them (reply_count, not replyCount)
  longs: String, // int64 as a string: a JavaScript number loses precision past 2^53
  enums: String, // enum values by name
  defaults: true, // unset fields read as their zero value, not undefined
  oneofs: true, // a oneof gets a field naming which member is set
});
// The types come from `npm run gen`, made with the same options as above;
// the cast is how dynamic loading and static types meet.
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

// A unary handler gets the decoded request and answers exactly once through
// the callback. The generated handler type checks both message shapes.
const sayHello: HelloWorldServiceHandlers['SayHello'] = (call, callback) => {
  // TODO: answer { message: 'Hello, <name>!' } with the name from the request.
  // proto3 has no "required" fields: refuse an empty name (or one of only
  // spaces) with a status code that says the caller sent something wrong.
  callback({ code: grpc.status.UNIMPLEMENTED, details: 'SayHello is not written yet' });
};

/** A server with this lesson's service on it, not yet bound to an address. */
export function createServer(options?: grpc.ServerOptions): grpc.Server {
  const server = new grpc.Server(options);
  // Methods left out (the streaming ones, for now) answer UNIMPLEMENTED.
  server.addService(rpc_package.HelloWorldService.service, { SayHello: sayHello });
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

// The new server: v2 of the article's contract. protos/helloworld.proto is
// v1; protos/evolution/helloworld_v2.proto adds a request field
// (greeting_style) and a reply field (visits), and changes nothing else. So
// this server answers v1 clients, which send no greeting_style and skip
// visits, as well as v2 ones: adding fields is how a contract grows without
// breaking the clients already out there.
//   npx tsx lessons/14-evolving-the-contract/server.ts [--host H] [--port P]
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/evolution/v2/helloworld_v2.js';
import type { HelloWorldServiceHandlers } from '../../src/generated/evolution/v2/rpc_package/HelloWorldService.js';

// v2 of the contract, with lesson 01's load options. Its package, service
// and methods are v1's, so the method paths on the wire are the same: a v1
// client calling /rpc_package.HelloWorldService/SayHello reaches this code.
const packageDefinition = protoLoader.loadSync('evolution/helloworld_v2.proto', {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

/** The most names a server counts visits for; past it, it forgets the one it saw least recently. */
const MAX_NAMES = 10_000;

/** How many times this server has greeted each name. A real service would keep this in a database. */
function visitCounter(): (name: string) => number {
  const visits = new Map<string, number>();
  return (name) => {
    const count = (visits.get(name) ?? 0) + 1;
    // Delete, then set: the name moves to the end, so the first is the one seen least recently.
    visits.delete(name);
    visits.set(name, count);
    if (visits.size > MAX_NAMES) visits.delete(visits.keys().next().value!);
    return count;
  };
}

function sayHelloHandler(countVisit: (name: string) => number): HelloWorldServiceHandlers['SayHello'] {
  return (call, callback) => {
    // A v1 client has no greeting_style to send: the field is not on the
    // wire, and proto3 reads it as its default, "". That default must mean
    // what v1 did (the plain greeting), or old clients change behaviour.
    const { name, greeting_style } = call.request;
    if (name.trim() === '') {
      callback({ code: grpc.status.INVALID_ARGUMENT, details: 'name must not be empty' });
      return;
    }
    // A style this server does not know, from a client newer than it, gets
    // the plain greeting rather than an error: servers are upgraded last.
    const message = greeting_style === 'formal' ? `Good day, ${name}.` : `Hello, ${name}!`;
    const visits = countVisit(name);
    console.log(`SayHello "${name}", greeting_style "${greeting_style}": "${message}", visits ${visits}`);
    // visits goes out as field 3 whoever asked. A v1 client's decoder meets
    // a field number its .proto does not have, skips it, and reads the rest.
    callback(null, { message, visits });
  };
}

/** A server with this lesson's service on it, not yet bound to an address. */
export function createServer(options?: grpc.ServerOptions): grpc.Server {
  const server = new grpc.Server(options);
  // Each server counts its own visits. The streaming methods are left out:
  // they answer UNIMPLEMENTED, in v2 as in lesson 01.
  server.addService(rpc_package.HelloWorldService.service, { SayHello: sayHelloHandler(visitCounter()) });
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

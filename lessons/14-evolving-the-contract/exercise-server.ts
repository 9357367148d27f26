// Exercise: answer v1 and v2 clients from a v2 server (lesson 14, exercise 1).
// Your copy is exercises/14-evolving-the-contract/server.ts; `npm run verify
// -- 14` runs it and calls it with clients built from v1 and from v2 of the
// contract. `npm run exercise -- hint 14` gives a hint. The rest of the file
// already works: it is lesson 14's server, with its relay.
//   npx tsx exercises/14-evolving-the-contract/server.ts [--host H] [--port P]
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/evolution/v2/helloworld_v2.js';
import type { HelloWorldServiceHandlers } from '../../src/generated/evolution/v2/rpc_package/HelloWorldService.js';
import type { ProtoGrpcType as RelayProtoGrpcType } from '../../src/generated/relay.js';
import type { GreetingRelayHandlers } from '../../src/generated/rpc_package/GreetingRelay.js';
import type { HelloWorldServiceClient as V1Client } from '../../src/generated/rpc_package/HelloWorldService.js';

// Two contracts, loaded apart: they declare the same names. v2 for the
// greeting (its package, service and methods are v1's, so the method paths
// on the wire are the same: a v1 client calling
// /rpc_package.HelloWorldService/SayHello reaches this code), and the relay's
// protos/relay.proto, which imports v1. Lesson 01's load options.
function load(file: string): grpc.GrpcObject {
  const packageDefinition = protoLoader.loadSync(file, {
    includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  return grpc.loadPackageDefinition(packageDefinition);
}
const { rpc_package } = load('evolution/helloworld_v2.proto') as unknown as ProtoGrpcType;
const v1 = (load('relay.proto') as unknown as RelayProtoGrpcType).rpc_package;

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
    // TODO: answer SayHello for clients of both versions. A v1 client sends
    // no greeting_style: the field is not on the wire and reads as "". It
    // must get what it got from lesson 01's server: "Hello, <name>!", and
    // INVALID_ARGUMENT for an empty name (or one of only spaces). A v2 client
    // that asks for "formal" gets "Good day, <name>."; any other style, one
    // this server does not know, the plain greeting: a client may be newer
    // than the server it reaches. Send the new field visits too: how many
    // times this server has greeted that name, this one included
    // (countVisit(name) counts it). A v1 client skips a field it cannot name.
    callback({ code: grpc.status.UNIMPLEMENTED, details: 'SayHello is not written yet' });
  };
}

// The relay, built from v1: it decodes each request into the fields v1 has,
// and encodes them again to call the greeting service. protobufjs, which
// proto-loader decodes with, keeps nothing of the fields it cannot name: a
// v2 client's greeting_style is gone before the call goes on, and the v2
// server's visits before the answer comes back.
function relayHandlers(greeterTarget: () => string): GreetingRelayHandlers {
  let greeter: V1Client | undefined;
  const sayHello: GreetingRelayHandlers['SayHello'] = (call, callback) => {
    greeter ??= new v1.HelloWorldService(greeterTarget(), grpc.credentials.createInsecure());
    // The deadline goes on too: the relay may not take longer than its caller allowed.
    greeter.SayHello(call.request, { deadline: call.getDeadline() }, (error, reply) =>
      error ? callback(error) : callback(null, reply),
    );
  };
  return { SayHello: sayHello };
}

/**
 * A server with this lesson's services on it, not yet bound to an address.
 * The relay reaches the greeting service at backTarget(): in a real system
 * another deployment; here this same server, so main() names it once the
 * bind has picked a port.
 */
export function createServer(options?: grpc.ServerOptions & { backTarget?: () => string }): grpc.Server {
  const { backTarget = () => '127.0.0.1:50051', ...serverOptions } = options ?? {};
  const server = new grpc.Server(serverOptions);
  // Each server counts its own visits. The streaming methods are left out:
  // they answer UNIMPLEMENTED, in v2 as in lesson 01.
  server.addService(rpc_package.HelloWorldService.service, { SayHello: sayHelloHandler(visitCounter()) });
  server.addService(v1.GreetingRelay.service, relayHandlers(backTarget));
  return server;
}

function main(): void {
  const { host, port } = serverFlags();
  let address = `${host}:${port}`;
  const server = createServer({ backTarget: () => address });
  // Insecure credentials: plain HTTP/2 without TLS, fine on loopback. Serving
  // starts as soon as the bind succeeds; port 0 asks the OS for a free one.
  server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
    if (error) {
      console.error(`error: cannot listen on ${host}:${port}: ${error.message}`);
      process.exit(1);
    }
    address = `${host}:${boundPort}`;
    console.log(`listening on ${address}`);
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

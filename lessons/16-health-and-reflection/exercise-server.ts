// Exercise: put the standard health service on the server (lesson 16, exercise 1).
// Your copy is exercises/16-health-and-reflection/server.ts; `npm run verify -- 16`
// runs it and asks it, as a load balancer would, whether it serves.
// `npm run exercise -- hint 16` gives a hint. The rest of the file already
// works: it is lesson 16's server (SayHello, reflection, the graceful shutdown
// that turns every status in SERVING to NOT_SERVING).
//   npx tsx exercises/16-health-and-reflection/server.ts [--host H] [--port P] [--drain-ms MS]
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { HealthImplementation, protoPath as healthProtoPath, type ServingStatusMap } from 'grpc-health-check';
import { ReflectionService } from '@grpc/reflection';
import type { ProtoGrpcType } from '../../src/generated/helloworld.js';
import type { HelloWorldServiceHandlers } from '../../src/generated/rpc_package/HelloWorldService.js';

// The health contract is loaded with ours for one reason: reflection describes
// the files of this package definition, and a client that finds the health
// service in the list should also be able to ask what its messages look like.
const packageDefinition = protoLoader.loadSync(['helloworld.proto', healthProtoPath], {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

/** How long the server keeps serving after it has said NOT_SERVING. */
const DEFAULT_DRAIN_MS = 1_000;

const sayHello: HelloWorldServiceHandlers['SayHello'] = (call, callback) => {
  const { name } = call.request;
  if (name.trim() === '') {
    callback({ code: grpc.status.INVALID_ARGUMENT, details: 'name must not be empty' });
    return;
  }
  callback(null, { message: `Hello, ${name}!` });
};

// One status per service name, and "" for the server as a whole: a checker
// that cares about one service asks for it, a load balancer usually asks for "".
// A server that must warm up (load a cache, open a database pool) would start
// NOT_SERVING and say SERVING once it is ready; this one is ready at once.
// TODO: say SERVING for the server as a whole and for HelloWorldService, by
// the name a health check uses for a service: its full name, package included.
export const SERVING: ServingStatusMap = {};

/**
 * A server with this lesson's services on it, not yet bound to an address.
 * `health` holds the statuses the health service reports: keep it, to change
 * them later (main() does at shutdown).
 */
export function createServer(options?: grpc.ServerOptions, health = new HealthImplementation(SERVING)): grpc.Server {
  const server = new grpc.Server(options);
  server.addService(rpc_package.HelloWorldService.service, { SayHello: sayHello });
  // TODO: serve grpc.health.v1.Health (Check, Watch and List) on this
  // server, on the same port as every other service, answering from `health`.
  // grpc.reflection.v1.ServerReflection (and v1alpha, for older tools): it
  // answers with the services of packageDefinition and the compiled form of
  // their .proto files (FileDescriptorProtos), from which a client can encode
  // and decode every message. It does not list itself.
  new ReflectionService(packageDefinition).addToServer(server);
  return server;
}

function main(): void {
  const { host, port, drainMs } = serverFlags();
  const health = new HealthImplementation(SERVING);
  const server = createServer(undefined, health);
  server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
    if (error) {
      console.error(`error: cannot listen on ${host}:${port}: ${error.message}`);
      process.exit(1);
    }
    console.log(`listening on ${host}:${boundPort}`);
  });
  // A graceful shutdown behind a load balancer, in three steps.
  // 1. Say NOT_SERVING, and go on serving. Load balancers that Watch hear it
  //    at once; those that poll Check hear it at their next check. Either way
  //    they stop sending new calls here. Refusing calls right away instead
  //    would fail the calls already on their way.
  // 2. After the drain period, tryShutdown(): no new calls, the running ones
  //    finish. In production the period is longer than the checkers' interval
  //    (a Kubernetes probe's periodSeconds times its failureThreshold).
  // 3. What is still open 2 s later is cut: forceShutdown(). Watch streams
  //    never end by themselves, so checkers still watching end here.
  const stop = (signal: NodeJS.Signals) => {
    console.log(`${signal}: shutting down`);
    for (const service of Object.keys(SERVING)) health.setStatus(service, 'NOT_SERVING');
    console.log(`health: NOT_SERVING; still serving for ${drainMs} ms while load balancers notice`);
    setTimeout(() => {
      setTimeout(() => server.forceShutdown(), 2_000).unref();
      server.tryShutdown(() => process.exit(0));
    }, drainMs);
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
}

function serverFlags(): { host: string; port: number; drainMs: number } {
  try {
    const { values } = parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '50051' },
        'drain-ms': { type: 'string', default: String(DEFAULT_DRAIN_MS) },
      },
    });
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65_535)
      throw new Error(`--port must be a number from 0 to 65535, got "${values.port}"`);
    const drainMs = Number(values['drain-ms']);
    if (!/^\d+$/.test(values['drain-ms']) || drainMs > 60_000)
      throw new Error(`--drain-ms must be a number from 0 to 60000, got "${values['drain-ms']}"`);
    return { host: values.host, port, drainMs };
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('. ')[0]}`);
    process.exit(2);
  }
}

// Run main() when this file is the program, not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) main();

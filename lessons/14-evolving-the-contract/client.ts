// Evolving a contract, from the callers' side: which changes old code
// survives. Each line pairs two versions of the article's contract and says
// what the caller got. The new server (server.ts, v2) is at --target; the old
// server (v1), two hops and two v3 servers start inside this program, on free
// ports. In production they would be other releases, deployed elsewhere.
//   npx tsx lessons/14-evolving-the-contract/client.ts [--target H:P] [--name N]
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as V1 } from '../../src/generated/helloworld.js';
import type { ProtoGrpcType as V2 } from '../../src/generated/evolution/v2/helloworld_v2.js';
import type { ProtoGrpcType as V3 } from '../../src/generated/evolution/v3/helloworld_v3.js';
import type { ProtoGrpcType as V3Retyped } from '../../src/generated/evolution/v3_retyped/helloworld_v3_retyped.js';
import type { HelloWorldServiceHandlers as V1Handlers } from '../../src/generated/rpc_package/HelloWorldService.js';
import type { HelloWorldServiceClient as V1Client } from '../../src/generated/rpc_package/HelloWorldService.js';
import type { HelloReply__Output as V1Reply } from '../../src/generated/rpc_package/HelloReply.js';
import type { HelloWorldServiceClient as V2Client } from '../../src/generated/evolution/v2/rpc_package/HelloWorldService.js';
import type { HelloReply__Output as V2Reply } from '../../src/generated/evolution/v2/rpc_package/HelloReply.js';
import type { HelloWorldServiceHandlers as V3Handlers } from '../../src/generated/evolution/v3/rpc_package/HelloWorldService.js';
import type { HelloWorldServiceHandlers as V3RetypedHandlers } from '../../src/generated/evolution/v3_retyped/rpc_package/HelloWorldService.js';

// Four versions of one contract: the same package, service and methods, so
// the same paths on the wire, with different messages. Each is loaded on its
// own: they declare the same names, which one package definition cannot hold
// twice. The options are lesson 01's.
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
const v1 = (load('helloworld.proto') as unknown as V1).rpc_package;
const v2 = (load('evolution/helloworld_v2.proto') as unknown as V2).rpc_package;
const v3 = (load('evolution/helloworld_v3.proto') as unknown as V3).rpc_package;
const v3Retyped = (load('evolution/helloworld_v3_retyped.proto') as unknown as V3Retyped).rpc_package;

const SAY_HELLO = '/rpc_package.HelloWorldService/SayHello';
const credentials = grpc.credentials.createInsecure();
const deadline = (): grpc.CallOptions => ({ deadline: Date.now() + 5_000 });

export async function runClient({ target, names = ['Ada'] }: { target: string; names?: string[] }): Promise<void> {
  const name = names[0] ?? 'Ada';
  // Every server plays a release of its own; the hops call the new server.
  const hopBackend = new v1.HelloWorldService(target, credentials);
  const byteHopBackend = new grpc.Client(target, credentials);
  const servers = [oldServer(), v1Hop(hopBackend), byteHop(byteHopBackend), v3Server(), v3RetypedServer()];
  const clients: grpc.Client[] = [hopBackend, byteHopBackend];
  try {
    const [oldAt, hopAt, byteHopAt, v3At, retypedAt] = await Promise.all(servers.map(serve));
    const v1Client = new v1.HelloWorldService(target, credentials);
    const v2Client = (address: string) => {
      const client = new v2.HelloWorldService(address, credentials);
      clients.push(client);
      return client;
    };
    clients.push(v1Client);

    // An old client, built before v2: it cannot send greeting_style, and it
    // decodes the reply into the fields v1 has. All of them, as it got them:
    const old = await sayHelloV1(v1Client, name);
    console.log(`v1 client -> v2 server: ${JSON.stringify(old)}`);
    // The new client asks for a formal greeting everywhere; what comes back
    // says who understood it.
    console.log(`v2 client -> v1 server: ${await asked(v2Client(oldAt), name)}`);
    console.log(`v2 client -> v2 server: ${await asked(v2Client(target), name)}`);
    console.log(`v2 client -> v1 hop -> v2 server: ${await asked(v2Client(hopAt), name)}`);
    console.log(`v2 client -> byte hop -> v2 server: ${await asked(v2Client(byteHopAt), name)}`);
    console.log(`v2 client -> v3 server: ${await asked(v2Client(v3At), name)}`);
    const retyped = v2Client(retypedAt);
    console.log(`v2 client -> retyped v3 server: ${await failing(asked(retyped, name), grpc.status.INTERNAL)}`);
    console.log(`v2 client, no greeting_style -> retyped v3 server: ${await asked(retyped, name, '')}`);
  } finally {
    for (const client of clients) client.close();
    for (const server of servers) server.forceShutdown();
  }
}

/**
 * One SayHello from the new client, with greeting_style set unless told
 * otherwise: what it got, as a line.
 */
async function asked(client: V2Client, name: string, greeting_style = 'formal'): Promise<string> {
  const reply = await unary<V2Reply>((done) => client.SayHello({ name, greeting_style }, deadline(), done));
  // proto3 cannot tell a field that was not on the wire from one set to its
  // zero. So a new reply field needs a zero no new server sends: a v2 server
  // counts from 1, and 0 means whoever answered (the server, or a hop on the
  // way) is older than v2, and ignored greeting_style as well.
  if (reply.visits === 0) return `"${reply.message}", visits 0: older than v2`;
  return `"${reply.message}", visits ${reply.visits}`;
}

/** The status a call is here to show, as a line; any other error ends the run. */
async function failing(line: Promise<string>, expected: grpc.status): Promise<string> {
  try {
    return await line;
  } catch (error) {
    const { code, details } = error as grpc.ServiceError;
    if (code !== expected) throw error;
    return `${grpc.status[code]} (status ${code}): ${details}`;
  }
}

function sayHelloV1(client: V1Client, name: string): Promise<V1Reply> {
  return unary<V1Reply>((done) => client.SayHello({ name }, deadline(), done));
}

/** A unary call as a promise: the reply, or the ServiceError with its status. */
function unary<Reply>(start: (done: (error: grpc.ServiceError | null, reply?: Reply) => void) => void): Promise<Reply> {
  return new Promise((resolve, reject) => start((error, reply) => (error ? reject(error) : resolve(reply!))));
}

// ---- The other releases ----

/** Each server counts visits per name, as the new server does. */
function visitCounter(): (name: string) => number {
  const visits = new Map<string, number>();
  return (name) => {
    visits.set(name, (visits.get(name) ?? 0) + 1);
    return visits.get(name)!;
  };
}

// The old server: v1, the contract of lesson 01. A v2 client's
// greeting_style reaches it as field 4, which v1 has not got: skipped.
function oldServer(): grpc.Server {
  const sayHello: V1Handlers['SayHello'] = (call, callback) =>
    callback(null, { message: `Hello, ${call.request.name}!` });
  const server = new grpc.Server();
  server.addService(v1.HelloWorldService.service, { SayHello: sayHello });
  return server;
}

// A hop built from v1: a gateway, a cache or a router compiled before v2
// existed, that decodes each message and encodes it again to pass it on.
// protobufjs, which proto-loader decodes with, keeps only the fields its
// .proto names: whatever v1 does not know is gone before the next hop.
function v1Hop(backend: V1Client): grpc.Server {
  const sayHello: V1Handlers['SayHello'] = (call, callback) => {
    // The deadline goes on too: the hop may not take longer than its caller allowed.
    backend.SayHello(call.request, { deadline: call.getDeadline() }, (error, reply) => {
      if (error) callback(error);
      else callback(null, reply);
    });
  };
  const server = new grpc.Server();
  server.addService(v1.HelloWorldService.service, { SayHello: sayHello });
  return server;
}

// A hop that never decodes: its "serializers" pass the bytes through, so
// every field arrives as sent, the ones no version of the hop has heard of
// included. Proxies (Envoy, a load balancer) work this way.
const asBytes = (bytes: Buffer) => bytes;
function byteHop(backend: grpc.Client): grpc.Server {
  const methods: grpc.ServiceDefinition = {
    SayHello: {
      path: SAY_HELLO,
      requestStream: false,
      responseStream: false,
      requestSerialize: asBytes,
      requestDeserialize: asBytes,
      responseSerialize: asBytes,
      responseDeserialize: asBytes,
    },
  };
  const sayHello: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => {
    backend.makeUnaryRequest(SAY_HELLO, asBytes, asBytes, call.request, { deadline: call.getDeadline() }, callback);
  };
  const server = new grpc.Server();
  server.addService(methods, { SayHello: sayHello });
  return server;
}

// v3 (protos/evolution/helloworld_v3.proto): greeting_style removed and its
// number reserved, message renamed text, visits widened to int64.
function v3Server(): grpc.Server {
  const countVisit = visitCounter();
  const sayHello: V3Handlers['SayHello'] = (call, callback) => {
    const { name } = call.request;
    callback(null, { text: `Hello, ${name}!`, visits: countVisit(name) });
  };
  const server = new grpc.Server();
  server.addService(v3.HelloWorldService.service, { SayHello: sayHello });
  return server;
}

// v3 with greeting_style turned from string into int32 on the same number.
// A v2 client's "formal" is a length-delimited field 4; this decoder reads
// a number there, then the letters as more fields.
function v3RetypedServer(): grpc.Server {
  const countVisit = visitCounter();
  const sayHello: V3RetypedHandlers['SayHello'] = (call, callback) => {
    const { name, greeting_style } = call.request;
    const message = greeting_style === 1 ? `Good day, ${name}.` : `Hello, ${name}!`;
    callback(null, { message, visits: countVisit(name) });
  };
  const server = new grpc.Server();
  server.addService(v3Retyped.HelloWorldService.service, { SayHello: sayHello });
  return server;
}

/** Binds a server to a free loopback port; resolves with its address. */
function serve(server: grpc.Server): Promise<string> {
  return new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) =>
      error ? reject(error) : resolve(`127.0.0.1:${port}`),
    ),
  );
}

async function main(): Promise<void> {
  const { target, names } = clientFlags();
  try {
    await runClient({ target, names });
  } catch (error) {
    // An RPC error carries a status code and details: print both, exit 1.
    const { code, details, message } = error as grpc.ServiceError;
    console.error(`error: ${code === undefined ? message : `${grpc.status[code]} (status ${code}): ${details}`}`);
    process.exitCode = 1;
  }
}

function clientFlags(): { target: string; names?: string[] } {
  try {
    const { values } = parseArgs({
      options: { target: { type: 'string', default: '127.0.0.1:50051' }, name: { type: 'string', multiple: true } },
    });
    return { target: values.target, names: values.name };
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('. ')[0]}`);
    process.exit(2);
  }
}

// Run main() when this file is the program, not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) void main();

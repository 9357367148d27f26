// Evolving a contract, from the callers' side. Clients built from four
// versions of the article's contract call the new server (server.ts, v2),
// directly or through its relay built from v1; each line says what one of
// them got. An old client meets a new server, a new one an old server, and a
// relay in the middle drops what it cannot name.
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
import type { HelloReply__Output as V1Reply } from '../../src/generated/rpc_package/HelloReply.js';
import type { HelloReply__Output as V2Reply } from '../../src/generated/evolution/v2/rpc_package/HelloReply.js';
import type { HelloReply__Output as V3Reply } from '../../src/generated/evolution/v3/rpc_package/HelloReply.js';
import type { HelloReply__Output as V3RetypedReply } from '../../src/generated/evolution/v3_retyped/rpc_package/HelloReply.js';

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

const RELAY_SAY_HELLO = '/rpc_package.GreetingRelay/SayHello';
const deadline = (): grpc.CallOptions => ({ deadline: Date.now() + 5_000 });

export async function runClient({ target, names = ['Ada'] }: { target: string; names?: string[] }): Promise<void> {
  const name = names[0] ?? 'Ada';
  const credentials = grpc.credentials.createInsecure();
  // One client per version, all to the same server (grpc-js lets them share
  // one connection), and one for the relay.
  const v1Client = new v1.HelloWorldService(target, credentials);
  const v2Client = new v2.HelloWorldService(target, credentials);
  const v3Client = new v3.HelloWorldService(target, credentials);
  const retypedClient = new v3Retyped.HelloWorldService(target, credentials);
  const relay = new grpc.Client(target, credentials);
  try {
    // An old client, built before v2: it sends no greeting_style, and
    // decodes the reply into the fields v1 has. All of them, as it got them:
    const old = await unary<V1Reply>((done) => v1Client.SayHello({ name }, deadline(), done));
    console.log(`v1 client -> v2 server: ${JSON.stringify(old)}`);

    // The new client asks for a formal greeting; what comes back says who
    // understood it.
    const request = { name, greeting_style: 'formal' };
    const direct = await unary<V2Reply>((done) => v2Client.SayHello(request, deadline(), done));
    console.log(`v2 client -> v2 server: ${greeted(direct)}`);
    // The same request through the relay. The relay's contract has v1's
    // messages, but a call carries only bytes: the client encodes its v2
    // request as it would for SayHello, and decodes the reply as v2.
    const { requestSerialize, responseDeserialize } = v2.HelloWorldService.service.SayHello;
    const relayed = await unary<V2Reply>((done) =>
      relay.makeUnaryRequest(RELAY_SAY_HELLO, requestSerialize, responseDeserialize, request, deadline(), done),
    );
    console.log(`v2 client -> v1 relay -> v2 server: ${greeted(relayed)}`);

    // New clients, an older server. v3 dropped greeting_style, renamed
    // message to text and widened visits to int64 (a string here: longs: String).
    const newer = await unary<V3Reply>((done) => v3Client.SayHello({ name }, deadline(), done));
    console.log(`v3 client -> v2 server: ${JSON.stringify(newer)}`);
    // The retyped v3 made greeting_style an int32, 1 for formal. The v2
    // server expects a string on field 4 and gets a varint.
    const retyped = await unary<V3RetypedReply>((done) =>
      retypedClient.SayHello({ name, greeting_style: 1 }, deadline(), done),
    );
    console.log(`retyped v3 client -> v2 server: asked style 1, got ${greeted(retyped)}`);
  } finally {
    for (const client of [v1Client, v2Client, v3Client, retypedClient, relay]) client.close();
  }
}

/**
 * A v2 reply as a line. proto3 cannot tell a field that was not on the wire
 * from one set to its zero, so a new reply field needs a zero no new server
 * sends: a v2 server counts visits from 1. 0 means whoever answered (the
 * server, or a relay on the way) is older than v2, and did not read
 * greeting_style either.
 */
function greeted(reply: V2Reply | V3RetypedReply): string {
  if (reply.visits === 0) return `"${reply.message}", visits 0: older than v2`;
  return `"${reply.message}", visits ${reply.visits}`;
}

/** A unary call as a promise: the reply, or the ServiceError with its status. */
function unary<Reply>(start: (done: (error: grpc.ServiceError | null, reply?: Reply) => void) => void): Promise<Reply> {
  return new Promise((resolve, reject) => start((error, reply) => (error ? reject(error) : resolve(reply!))));
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

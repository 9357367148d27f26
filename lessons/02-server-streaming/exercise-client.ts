// Exercise: read a stream of replies (lesson 02, exercise 2).
// Your copy is exercises/02-server-streaming/client.ts; `npm run verify -- 2 --exercise 2`
// runs it against a server that records what reaches it. The rest of the file
// already works: it is lesson 02's client.
//   npx tsx exercises/02-server-streaming/client.ts [--target H:P] [--name N]...
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/helloworld.js';
import type { HelloWorldServiceClient } from '../../src/generated/rpc_package/HelloWorldService.js';

const packageDefinition = protoLoader.loadSync('helloworld.proto', {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

export async function runClient({ target, names = ['world'] }: { target: string; names?: string[] }): Promise<void> {
  const client = new rpc_package.HelloWorldService(target, grpc.credentials.createInsecure());
  try {
    for (const name of names) await lotsOfReplies(client, name);
  } finally {
    client.close();
  }
}

async function lotsOfReplies(client: HelloWorldServiceClient, name: string): Promise<void> {
  // TODO: call client.LotsOfReplies with { name, reply_count: 5, interval_ms: 200 }
  // and a deadline in its call options. The call returns a readable stream of
  // replies (HelloReply__Output, in ../../src/generated/rpc_package/HelloReply.js):
  // print each reply's message as it arrives. When the stream ends with a status
  // other than OK, this function must reject with that error (main prints it).
  throw new Error(`LotsOfReplies(${JSON.stringify(name)}) is not written yet`);
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

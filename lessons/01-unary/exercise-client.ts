// Exercise: write the client's call (lesson 01, exercise 2).
// Your copy is exercises/01-unary/client.ts; `npm run verify -- 1 --exercise 2`
// runs it against a server that records what reaches it. The rest of the file
// already works: it is lesson 01's client.
//   npx tsx exercises/01-unary/client.ts [--target H:P] [--name N]...
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/helloworld.js';
import type { HelloReply__Output } from '../../src/generated/rpc_package/HelloReply.js';
import type { HelloWorldServiceClient } from '../../src/generated/rpc_package/HelloWorldService.js';

// The client loads the same contract as the server, with the same options:
// both sides must agree on every field number and type.
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
  // One client holds one channel: a pool of HTTP/2 connections that every call
  // shares. The channel connects lazily, on the first call; create it once,
  // reuse it, close it when done.
  const client = new rpc_package.HelloWorldService(target, grpc.credentials.createInsecure());
  try {
    for (const name of names) {
      const reply = await sayHello(client, name);
      console.log(reply.message);
    }
  } finally {
    client.close();
  }
}

function sayHello(client: HelloWorldServiceClient, name: string): Promise<HelloReply__Output> {
  // TODO: call client.SayHello with the name, with a deadline in its call
  // options, and settle the promise with the reply, or the error if there is one.
  return Promise.reject(new Error(`SayHello(${JSON.stringify(name)}) is not written yet`));
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

// Exercise: play ping-pong on a bidirectional stream (lesson 04, exercise 2).
// Your copy is exercises/04-bidi-streaming/client.ts; `npm run verify -- 4 --exercise 2`
// runs it against a server that records what reaches it. The rest of the file
// already works: it is lesson 04's client.
//   npx tsx exercises/04-bidi-streaming/client.ts [--target H:P] [--name N]...
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/helloworld.js';

const packageDefinition = protoLoader.loadSync('helloworld.proto', {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

export async function runClient({
  target,
  names = ['Ada', 'Grace', 'Linus'],
}: {
  target: string;
  names?: string[];
}): Promise<void> {
  const client = new rpc_package.HelloWorldService(target, grpc.credentials.createInsecure());
  try {
    // TODO: open client.BidiHello with a deadline in its call options. The call
    // is a duplex stream. For each of the names: write { name }, wait for its
    // reply and print the reply's message; only then send the next name. Then
    // half-close your side and read the replies on to their end: that is how the
    // status arrives (one other than OK must make this function throw).
    throw new Error(`BidiHello(${JSON.stringify(names)}) is not written yet`);
  } finally {
    client.close();
  }
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

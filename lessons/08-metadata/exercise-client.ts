// Exercise: send metadata with SayHello, read its headers and trailers
// (lesson 08, exercise 1). Your copy is exercises/08-metadata/client.ts;
// `npm run verify -- 8 --exercise 1` runs it against a server that records the
// headers that reach it. `npm run exercise -- hint 8 --exercise 1` gives a hint.
// The rest of the file already works: it is lesson 08's client, and its
// LotsOfReplies does on a stream what SayHello must do on a unary call.
//   npx tsx exercises/08-metadata/client.ts [--target H:P] [--name N]...
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/helloworld.js';
import type { HelloReply__Output } from '../../src/generated/rpc_package/HelloReply.js';
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

export async function runClient({ target, names = ['Ada'] }: { target: string; names?: string[] }): Promise<void> {
  const client = new rpc_package.HelloWorldService(target, grpc.credentials.createInsecure());
  let requests = 0;
  try {
    for (const name of names) {
      await sayHello(client, name, requestMetadata(++requests));
      await lotsOfReplies(client, name, requestMetadata(++requests));
    }
  } finally {
    client.close();
  }
}

/** What this client sends with every call, beside the request message. */
function requestMetadata(request: number): grpc.Metadata {
  const metadata = new grpc.Metadata();
  // Keys are ASCII letters (stored lowercase), digits, '-', '_' and '.'; set()
  // throws on anything else, and on a text value that is not printable ASCII.
  metadata.set('x-request-id', `req-${request}`);
  // A key ending in -bin holds bytes: a Buffer, sent base64-encoded. Use it for
  // binary ids or a serialized message, and for text that is not ASCII.
  metadata.set('x-trace-bin', randomBytes(8));
  return metadata;
}

function sayHello(client: HelloWorldServiceClient, name: string, metadata: grpc.Metadata): Promise<void> {
  // TODO: call client.SayHello with the name and with `metadata` as its request
  // headers (and a deadline). Print the reply's message. When the response
  // headers arrive, print what came back of each header sent (printEcho, as
  // 'SayHello'); when the status arrives, print its trailer (handledOf) as
  // `SayHello trailer ...`. Settle the promise once the call is over: rejected
  // with the error if it failed.
  return Promise.reject(new Error(`SayHello(${JSON.stringify(name)}) is not written yet`));
}

async function lotsOfReplies(client: HelloWorldServiceClient, name: string, metadata: grpc.Metadata): Promise<void> {
  const call = client.LotsOfReplies({ name, reply_count: 3, interval_ms: 100 }, metadata, {
    deadline: Date.now() + 5_000,
  });
  // On a stream, too, the headers arrive before the first reply...
  call.on('metadata', (headers) => printEcho('LotsOfReplies', metadata, headers));
  // ...and the trailers after the last one, with the status.
  const status = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
  for await (const reply of call as AsyncIterable<HelloReply__Output>) console.log(reply.message);
  console.log(`LotsOfReplies trailer ${handledOf((await status).metadata)}`);
}

/** What came back of each header we sent: a text value as it is, bytes compared with the bytes sent. */
function printEcho(method: string, sent: grpc.Metadata, received: grpc.Metadata): void {
  for (const [key, value] of Object.entries(sent.getMap())) {
    const [echo] = received.get(key);
    let shown = String(echo);
    if (echo === undefined) shown = 'not echoed';
    else if (Buffer.isBuffer(value))
      shown = Buffer.isBuffer(echo) && echo.equals(value) ? `${value.length} bytes, as sent` : 'other bytes than sent';
    console.log(`${method} header ${key}: ${shown}`);
  }
}

/** The x-handled-ms trailer, which differs on every run: whether it is there and a number. */
function handledOf(trailers: grpc.Metadata): string {
  const [value] = trailers.get('x-handled-ms');
  if (value === undefined) return 'x-handled-ms: missing';
  return /^\d+(\.\d+)?$/.test(String(value)) ? 'x-handled-ms: a number' : `x-handled-ms: "${String(value)}"`;
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

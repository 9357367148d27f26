// Errors from the client's side: six calls, each ending its own way (the first
// one well), and for each one line: the replies that came first, the status
// code and message, and the rich details decoded from the trailers.
//   npx tsx lessons/07-errors/client.ts [--target H:P] [--name N]...
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/batch.js';
import type { Any__Output } from '../../src/generated/google/protobuf/Any.js';
import type { Status__Output } from '../../src/generated/google/rpc/Status.js';
import type { HelloBatchServiceClient } from '../../src/generated/rpc_package/HelloBatchService.js';
import type { HelloReply__Output } from '../../src/generated/rpc_package/HelloReply.js';
import type { HelloRequest } from '../../src/generated/rpc_package/HelloRequest.js';
import type { HelloWorldServiceClient } from '../../src/generated/rpc_package/HelloWorldService.js';

// The same contracts as the server: the client needs the error model too,
// since the details it decodes are protobuf messages.
const packageDefinition = protoLoader.loadSync('batch.proto', {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package, google } = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

/** How a call ended: the replies that arrived before its status, and the status. */
interface Outcome {
  replies: string[];
  status: grpc.StatusObject;
  /** A batch call's results that failed one by one, each with its own status. */
  failedItems?: { index: number; error: Status__Output }[];
}

export async function runClient({
  target,
  names = ['Ada', 'Grace', 'Linus', 'Barbara'],
}: {
  target: string;
  names?: string[];
}): Promise<void> {
  // Two services on one server: two clients with the same target share one
  // connection, and each makes its own kind of call.
  const client = new rpc_package.HelloWorldService(target, grpc.credentials.createInsecure());
  const batch = new rpc_package.HelloBatchService(target, grpc.credentials.createInsecure());
  const quoted = (list: string[]) => list.map((name) => JSON.stringify(name)).join(' ');
  try {
    report(`SayHello ${quoted([names[0]])}`, await sayHello(client, names[0]));
    report('SayHello ""', await sayHello(client, ''));
    const bad = { name: names[0], reply_count: 1000, interval_ms: -1 };
    report(`LotsOfReplies ${quoted([bad.name])} reply_count=1000 interval_ms=-1`, await lotsOfReplies(client, bad));
    report(`BidiHello ${quoted(names)}`, await bidiHello(client, names));
    const withEmpty = [names[0], '', ...names.slice(1)];
    report(`SayHelloToAll ${quoted(withEmpty)}`, await sayHelloToAll(batch, withEmpty));
    report(`LotsOfGreetings ${quoted(names)}`, await lotsOfGreetings(client, names));
  } finally {
    client.close();
    batch.close();
  }
}

// A deadline on every call: without one, a call to a server that never
// answers waits forever.
const deadline = () => Date.now() + 5_000;

function sayHello(client: HelloWorldServiceClient, name: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const replies: string[] = [];
    // The callback gets a ServiceError or a reply; the 'status' event comes
    // after it either way, with the code, the message and the trailers.
    const call = client.SayHello({ name }, { deadline: deadline() }, (_error, reply) => {
      if (reply) replies.push(reply.message);
    });
    call.on('status', (status) => resolve({ replies, status }));
  });
}

function lotsOfReplies(client: HelloWorldServiceClient, request: HelloRequest): Promise<Outcome> {
  return repliesThenStatus(client.LotsOfReplies(request, { deadline: deadline() }));
}

function bidiHello(client: HelloWorldServiceClient, names: string[]): Promise<Outcome> {
  const call = client.BidiHello({ deadline: deadline() });
  const outcome = repliesThenStatus(call);
  for (const name of names) call.write({ name });
  call.end();
  return outcome;
}

function sayHelloToAll(client: HelloBatchServiceClient, names: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    const failedItems: Outcome['failedItems'] = [];
    const requests = names.map((name) => ({ name }));
    const call = client.SayHelloToAll({ requests }, { deadline: deadline() }, (_error, reply) => {
      // The call succeeded; each result is a reply or an error of its own.
      reply?.results.forEach(({ error }, index) => {
        if (error) failedItems.push({ index, error });
      });
    });
    call.on('status', (status) => resolve({ replies: [], status, failedItems }));
  });
}

function lotsOfGreetings(client: HelloWorldServiceClient, names: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    const replies: string[] = [];
    const call = client.LotsOfGreetings({ deadline: deadline() }, (_error, reply) => {
      if (reply) replies.push(reply.message);
    });
    call.on('status', (status) => resolve({ replies, status }));
    for (const name of names) call.write({ name });
    call.end();
  });
}

// A stream hands over every reply that arrived, then ends: with OK the loop
// just stops, with any other status it throws. The 'status' event carries the
// status either way, trailers included.
async function repliesThenStatus(call: grpc.ClientReadableStream<HelloReply__Output>): Promise<Outcome> {
  const status = new Promise<grpc.StatusObject>((resolve) => call.once('status', resolve));
  const replies: string[] = [];
  try {
    for await (const reply of call as AsyncIterable<HelloReply__Output>) replies.push(reply.message);
  } catch {
    // The status below says what went wrong.
  }
  return { replies, status: await status };
}

/** One line per call: what came before the status, the status with its details, and any failed items. */
function report(call: string, { replies, status, failedItems = [] }: Outcome): void {
  // UNAVAILABLE: no server answered (none runs there, or it went away). No
  // other call can get further, so stop, as every lesson's client does.
  if (status.code === grpc.status.UNAVAILABLE) throw Object.assign(new Error(status.details), status);
  const before =
    replies.length === 0 ? '' : replies.length === 1 ? `"${replies[0]}", then ` : `${replies.length} replies, then `;
  const items = failedItems.map(
    ({ index, error }) => `request ${index + 1}: ${describeStatus(error.code, error.message, error.details)}`,
  );
  console.log(
    [`${call}: ${before}${describeStatus(status.code, status.details, trailerDetails(status))}`, ...items].join(' · '),
  );
}

function describeStatus(code: grpc.status, message: string, details: Any__Output[]): string {
  const text = code === grpc.status.OK ? 'OK (status 0)' : `${grpc.status[code]} (status ${code}): ${message}`;
  return [text, ...details.map(describeDetail)].join(' · ');
}

/** The details a server put in the trailer grpc-status-details-bin: a google.rpc.Status, encoded. */
function trailerDetails(status: grpc.StatusObject): Any__Output[] {
  const [bytes] = status.metadata.get('grpc-status-details-bin');
  if (!Buffer.isBuffer(bytes)) return [];
  const rich = google.rpc.Status.deserialize(bytes);
  // The two must agree; if they do not, the trailer describes some other
  // status (a proxy rewrote one of them): trust grpc-status, ignore the rest.
  return rich.code === status.code ? rich.details : [];
}

// Decode the types this client knows, by the name in the Any. A type it does
// not know is named and left alone: that is what lets a server add new kinds
// of detail without breaking its clients.
function describeDetail({ type_url, value }: Any__Output): string {
  switch (type_url) {
    case 'type.googleapis.com/google.rpc.BadRequest': {
      const { field_violations } = google.rpc.BadRequest.deserialize(value);
      return `BadRequest: ${field_violations.map(({ field, description }) => `${field} ${description}`).join(', ')}`;
    }
    case 'type.googleapis.com/google.rpc.RetryInfo': {
      const { retry_delay } = google.rpc.RetryInfo.deserialize(value);
      const seconds = Number(retry_delay?.seconds ?? 0) + (retry_delay?.nanos ?? 0) / 1e9;
      return `RetryInfo: retry in ${seconds}s`;
    }
    default:
      return `${type_url} (not decoded)`;
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

// Deadlines and cancellation from the client's side: every call gets a
// deadline, on all four kinds of RPC, and a client that wants no more of a
// stream cancels it. Each line says how one call ended.
//   npx tsx lessons/06-deadlines-and-cancellation/client.ts [--target H:P] [--name N]...
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as HelloProto } from '../../src/generated/helloworld.js';
import type { ProtoGrpcType as DeadlinesProto } from '../../src/generated/deadlines.js';
import type { HelloReply__Output } from '../../src/generated/rpc_package/HelloReply.js';
import type { HelloWorldServiceClient } from '../../src/generated/rpc_package/HelloWorldService.js';
import type { FrontServiceClient } from '../../src/generated/rpc_package/FrontService.js';
import type { GreetingReply__Output } from '../../src/generated/rpc_package/GreetingReply.js';

const packageDefinition = protoLoader.loadSync(['helloworld.proto', 'deadlines.proto'], {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as HelloProto & DeadlinesProto;

/** Short enough to run out during these calls, long enough for a first reply to arrive. */
const SHORT_MS = 500;
/** Plenty: the calls that end by a cancel never come near it. */
const LONG_MS = 5_000;
/** How long B works on the greeting in the call that runs out of time. */
const WORK_MS = 2_000;

/** A deadline is a point in time: now plus what this call may take, all of it, every message included. */
const deadlineIn = (ms: number): grpc.CallOptions => ({ deadline: Date.now() + ms });

export async function runClient({
  target,
  names = ['Ada', 'Grace', 'Linus'],
}: {
  target: string;
  names?: string[];
}): Promise<void> {
  // Two clients, two channels: grpc-js lets channels to one address share a connection.
  const hello = new rpc_package.HelloWorldService(target, grpc.credentials.createInsecure());
  const front = new rpc_package.FrontService(target, grpc.credentials.createInsecure());
  const name = names[0] ?? 'world';
  try {
    const short = duration(SHORT_MS);
    console.log(`Greet, ${duration(LONG_MS)}: ${await greet(front, name, 0, LONG_MS)}`);
    console.log(`Greet, ${short}, ${duration(WORK_MS)} of work: ${await greet(front, name, WORK_MS, SHORT_MS)}`);
    console.log(`LotsOfReplies, ${short}: ${await repliesUntilDeadline(hello, name)}`);
    console.log(`LotsOfGreetings, ${short}: ${await greetingsWithoutEnd(hello, names)}`);
    console.log(`BidiHello, ${short}: ${await bidiWithoutEnd(hello, name)}`);
    console.log(`LotsOfReplies: ${await repliesThenCancel(hello, name)}`);
    console.log(`BidiHello: ${await bidiThenCancel(hello, names)}`);
  } finally {
    hello.close();
    front.close();
  }
}

/** DEADLINE_EXCEEDED and CANCELLED are what these calls are here to show; any other error ends the run. */
function expected(error: unknown): string {
  const { code } = error as grpc.ServiceError;
  if (code === grpc.status.DEADLINE_EXCEEDED || code === grpc.status.CANCELLED) return grpc.status[code];
  throw error;
}

const duration = (ms: number) => (ms < 1_000 ? `${ms} ms` : `${ms / 1_000} s`);
const counted = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

// Unary, across a hop: A asks B, which works for workMs. B's reply says how
// long its own call had left when it started: the client's deadline, if A
// passed it on.
async function greet(front: FrontServiceClient, name: string, workMs: number, ms: number): Promise<string> {
  try {
    const reply = await new Promise<GreetingReply__Output>((resolve, reject) =>
      front.Greet({ name, work_ms: workMs }, deadlineIn(ms), (error, reply) =>
        error ? reject(error) : resolve(reply!),
      ),
    );
    const left = reply.deadline_left_ms;
    const whose =
      left === 0
        ? 'B had no deadline'
        : left <= ms
          ? "B had the client's deadline"
          : `B had ${duration(Math.round(left / 1_000) * 1_000)}, not the client's ${duration(ms)}`;
    return `${reply.message} (${whose})`;
  } catch (error) {
    return expected(error);
  }
}

// Server streaming: the deadline covers the whole stream, not each reply.
// Replies 2 s apart cannot all arrive in 500 ms.
async function repliesUntilDeadline(hello: HelloWorldServiceClient, name: string): Promise<string> {
  const call = hello.LotsOfReplies({ name, reply_count: 3, interval_ms: 2_000 }, deadlineIn(SHORT_MS));
  let replies = 0;
  try {
    for await (const _reply of call as AsyncIterable<HelloReply__Output>) replies += 1;
    return `${counted(replies, 'reply', 'replies')}, OK`;
  } catch (error) {
    return `${counted(replies, 'reply', 'replies')}, then ${expected(error)}`;
  }
}

// Client streaming: the client sends its names but never half-closes (no
// end()), so the server never answers. The deadline is what ends the wait.
async function greetingsWithoutEnd(hello: HelloWorldServiceClient, names: string[]): Promise<string> {
  try {
    await new Promise<void>((resolve, reject) => {
      const call = hello.LotsOfGreetings(deadlineIn(SHORT_MS), (error) => (error ? reject(error) : resolve()));
      for (const name of names) call.write({ name });
    });
    return `${counted(names.length, 'name', 'names')} sent, OK`;
  } catch (error) {
    return `${counted(names.length, 'name', 'names')} sent, then ${expected(error)}`;
  }
}

// Bidirectional: one request, its reply, then silence on both sides, until the deadline.
async function bidiWithoutEnd(hello: HelloWorldServiceClient, name: string): Promise<string> {
  const call = hello.BidiHello(deadlineIn(SHORT_MS));
  const replies = (call as AsyncIterable<HelloReply__Output>)[Symbol.asyncIterator]();
  let received = 0;
  try {
    call.write({ name });
    if (!(await replies.next()).done) received += 1;
    // No end(): the server waits for more names, the client for more replies.
    while (!(await replies.next()).done) received += 1;
    return `${counted(received, 'reply', 'replies')}, OK`;
  } catch (error) {
    return `${counted(received, 'reply', 'replies')}, then ${expected(error)}`;
  }
}

// Server streaming, cut short by the client: three replies are all it wants.
// cancel() resets the HTTP/2 stream; the server sees 'cancelled' and stops
// writing. Locally the call ends at once with CANCELLED.
async function repliesThenCancel(hello: HelloWorldServiceClient, name: string): Promise<string> {
  const call = hello.LotsOfReplies({ name, reply_count: 10, interval_ms: 200 }, deadlineIn(LONG_MS));
  let replies = 0;
  try {
    for await (const _reply of call as AsyncIterable<HelloReply__Output>) {
      replies += 1;
      if (replies === 3) call.cancel();
    }
    return `${counted(replies, 'reply', 'replies')}, OK`;
  } catch (error) {
    return `${counted(replies, 'reply', 'replies')}, then cancel(): ${expected(error)}`;
  }
}

// Bidirectional, cut short by the client: ping-pong as in lesson 04, but the
// client leaves before its last name.
async function bidiThenCancel(hello: HelloWorldServiceClient, names: string[]): Promise<string> {
  const call = hello.BidiHello(deadlineIn(LONG_MS));
  const replies = (call as AsyncIterable<HelloReply__Output>)[Symbol.asyncIterator]();
  let received = 0;
  try {
    for (const name of names.slice(0, Math.max(1, names.length - 1))) {
      call.write({ name });
      if ((await replies.next()).done) break;
      received += 1;
    }
    // Leave mid-conversation: the call ends at once, and the server hears of it.
    call.cancel();
    await replies.next();
    return `${counted(received, 'reply', 'replies')}, OK`;
  } catch (error) {
    return `${counted(received, 'reply', 'replies')}, then cancel(): ${expected(error)}`;
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

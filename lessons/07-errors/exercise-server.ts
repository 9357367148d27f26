// Exercise: send rich error details in the status (lesson 07, exercise 1).
// Your copy is exercises/07-errors/server.ts; `npm run verify -- 7 --exercise 1`
// runs it, calls it as a client would and decodes the status it ends with.
// `npm run exercise -- hint 7 --exercise 1` gives a hint. The rest of the file
// already works: it is lesson 07's server.
//   npx tsx exercises/07-errors/server.ts [--host H] [--port P]
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/batch.js';
import type { Any } from '../../src/generated/google/protobuf/Any.js';
import type { _google_rpc_BadRequest_FieldViolation as FieldViolation } from '../../src/generated/google/rpc/BadRequest.js';
import type { Status } from '../../src/generated/google/rpc/Status.js';
import type { HelloBatchServiceHandlers } from '../../src/generated/rpc_package/HelloBatchService.js';
import type { HelloRequest__Output } from '../../src/generated/rpc_package/HelloRequest.js';
import type { HelloWorldServiceHandlers } from '../../src/generated/rpc_package/HelloWorldService.js';

// protos/batch.proto imports the greeting contract (helloworld.proto) and
// Google's standard error model: google.rpc.Status (code, message, details)
// and the detail messages of error_details.proto. Every gRPC language knows
// those, so any client can decode what this server sends.
const packageDefinition = protoLoader.loadSync('batch.proto', {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package, google } = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

const MAX_NAME_LENGTH = 100;
const MAX_REPLY_COUNT = 100;
const MAX_INTERVAL_MS = 10_000;
const GREETINGS_PER_SECOND = 3;
const MAX_BATCH_SIZE = 100;

/**
 * A google.rpc.Status as the status of the call. grpc-status and grpc-message
 * (its code and message) are all that most clients read, so the message must
 * make sense alone; the whole Status, details included, goes in the trailer
 * grpc-status-details-bin for the clients that decode it.
 */
function richStatus(status: Required<Status>): Partial<grpc.StatusObject> {
  // TODO: the call must end with status.code and status.message as its code
  // and message, AND carry the whole google.rpc.Status (code, message and its
  // details) to the client, encoded, in the trailer named
  // grpc-status-details-bin. As it stands the details never leave the server.
  return { code: status.code, details: status.message };
}

// An Any is a type name and the bytes of a message of that type: the receiver
// looks the name up to know how to decode them, and skips names it does not know.
function badRequest(violations: FieldViolation[]): Any {
  return {
    type_url: 'type.googleapis.com/google.rpc.BadRequest',
    value: google.rpc.BadRequest.serialize({ field_violations: violations }),
  };
}

function retryInfo(seconds: number): Any {
  return {
    type_url: 'type.googleapis.com/google.rpc.RetryInfo',
    value: google.rpc.RetryInfo.serialize({ retry_delay: { seconds, nanos: 0 } }),
  };
}

// INVALID_ARGUMENT: the request is wrong whatever the server's state, so
// sending it again cannot help. BadRequest says which fields, and why, in a
// form a client can map back onto its form or its code.
function invalidArgument(messageType: string, violations: FieldViolation[]): Required<Status> {
  const fields = violations.map((violation) => violation.field).join(', ');
  return {
    code: grpc.status.INVALID_ARGUMENT,
    message: `invalid ${messageType} (${fields})`,
    details: [badRequest(violations)],
  };
}

function nameViolations(name: string): FieldViolation[] {
  if (name.trim() === '') return [{ field: 'name', description: 'must not be empty' }];
  if (name.length > MAX_NAME_LENGTH)
    return [{ field: 'name', description: `must be at most ${MAX_NAME_LENGTH} characters` }];
  return [];
}

// Report every bad field at once: a client fixing them one call at a time
// would need a round trip per mistake.
function replyViolations({ name, reply_count, interval_ms }: HelloRequest__Output): FieldViolation[] {
  return [
    ...nameViolations(name),
    ...(reply_count < 0 || reply_count > MAX_REPLY_COUNT
      ? [{ field: 'reply_count', description: `must be from 0 to ${MAX_REPLY_COUNT}` }]
      : []),
    ...(interval_ms < 0 || interval_ms > MAX_INTERVAL_MS
      ? [{ field: 'interval_ms', description: `must be from 0 to ${MAX_INTERVAL_MS}` }]
      : []),
  ];
}

const sayHello: HelloWorldServiceHandlers['SayHello'] = (call, callback) => {
  const violations = nameViolations(call.request.name);
  if (violations.length > 0) {
    // The error object's metadata becomes the call's trailers.
    callback(richStatus(invalidArgument('HelloRequest', violations)));
    return;
  }
  callback(null, { message: `Hello, ${call.request.name}!` });
};

const lotsOfReplies: HelloWorldServiceHandlers['LotsOfReplies'] = async (call) => {
  const violations = replyViolations(call.request);
  if (violations.length > 0) {
    // Checked before the first write: the client gets the status alone.
    call.emit('error', richStatus(invalidArgument('HelloRequest', violations)));
    return;
  }
  const { name, interval_ms } = call.request;
  const count = call.request.reply_count || 3;
  // As in lesson 02: stop at once when the call ends early (a deadline, a
  // cancel), even in the middle of a pause, and wait for 'drain' when full.
  const cancelled = new AbortController();
  call.once('cancelled', () => cancelled.abort());
  try {
    for (let sequence = 1; sequence <= count; sequence++) {
      if (call.cancelled) return;
      if (!call.write({ message: `Hello, ${name}! (${sequence} of ${count})`, sequence })) await drained(call);
      if (interval_ms > 0 && sequence < count) await sleep(interval_ms, undefined, { signal: cancelled.signal });
    }
  } catch (error) {
    if (cancelled.signal.aborted) return;
    // grpc-js ignores the promise an async handler returns: a rejection here
    // would be unhandled and end the whole server. Answer with a status instead.
    call.emit('error', { code: grpc.status.INTERNAL, details: 'internal error' });
    console.error(`LotsOfReplies failed: ${String(error)}`);
    return;
  }
  if (!call.cancelled) call.end();
};

function drained(call: grpc.ServerWritableStream<unknown, unknown>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done).off('cancelled', done);
      resolve();
    };
    call.on('drain', done).on('cancelled', done);
  });
}

// A status ends the whole call, not one message: replies already written
// still reach the client, then the status, and nothing after it. (To fail one
// item and go on, put the error in the reply message instead.)
const bidiHello: HelloWorldServiceHandlers['BidiHello'] = (call) => {
  const recent: number[] = []; // when the greetings of the last second went out
  let sequence = 0;
  let failed = false;
  const fail = (status: Required<Status>) => {
    failed = true;
    call.emit('error', richStatus(status));
  };
  call.on('data', (request) => {
    if (failed) return; // requests still in flight after the status are dropped
    const violations = nameViolations(request.name);
    if (violations.length > 0) return fail(invalidArgument('HelloRequest', violations));
    const now = Date.now();
    while (recent.length > 0 && now - recent[0] >= 1_000) recent.shift();
    if (recent.length >= GREETINGS_PER_SECOND) {
      // RESOURCE_EXHAUSTED: a limit was hit; the same request may succeed
      // later. RetryInfo says when. It is a hint: whole seconds are plenty, and
      // rounding up never invites a retry that comes too early.
      const waitMs = recent[0] + 1_000 - now;
      return fail({
        code: grpc.status.RESOURCE_EXHAUSTED,
        message: `at most ${GREETINGS_PER_SECOND} greetings a second`,
        details: [retryInfo(Math.ceil(waitMs / 1_000))],
      });
    }
    recent.push(now);
    sequence += 1;
    // As in lesson 04: stop reading while the replies wait for the client.
    if (!call.write({ message: `Hello, ${request.name}!`, sequence })) {
      call.pause();
      call.once('drain', () => call.resume());
    }
  });
  call.on('end', () => {
    if (!failed) call.end();
  });
};

// A batch where items fail one by one: a bad name fails its own result, as a
// google.rpc.Status inside the reply, and the call still ends OK. Only a
// problem with the batch as a whole is the call's status.
const sayHelloToAll: HelloBatchServiceHandlers['SayHelloToAll'] = (call, callback) => {
  const { requests } = call.request;
  if (requests.length > MAX_BATCH_SIZE) {
    const violation = { field: 'requests', description: `must hold at most ${MAX_BATCH_SIZE} requests` };
    callback(richStatus(invalidArgument('HelloBatchRequest', [violation])));
    return;
  }
  const results = requests.map(({ name }) => {
    const violations = nameViolations(name);
    return violations.length > 0
      ? { error: invalidArgument('HelloRequest', violations) }
      : { reply: { message: `Hello, ${name}!` } };
  });
  callback(null, { results });
};

// A placeholder that throws, as first drafts often have, kept to show what
// a thrown exception becomes. grpc-js catches a throw from the handler itself
// and answers UNKNOWN with "Unknown error": the exception's text could name
// files, hosts or queries, so it stays on the server. Leaving the method out of
// addService would be honest: grpc-js then answers UNIMPLEMENTED.
const lotsOfGreetings: HelloWorldServiceHandlers['LotsOfGreetings'] = () => {
  throw new Error('LotsOfGreetings is not written yet');
};

/** A server with this lesson's service on it, not yet bound to an address. */
export function createServer(options?: grpc.ServerOptions): grpc.Server {
  const server = new grpc.Server(options);
  server.addService(rpc_package.HelloWorldService.service, {
    SayHello: sayHello,
    LotsOfReplies: lotsOfReplies,
    LotsOfGreetings: lotsOfGreetings,
    BidiHello: bidiHello,
  });
  server.addService(rpc_package.HelloBatchService.service, { SayHelloToAll: sayHelloToAll });
  return server;
}

function main(): void {
  const { host, port } = serverFlags();
  const server = createServer();
  // Insecure credentials: plain HTTP/2 without TLS, fine on loopback. Serving
  // starts as soon as the bind succeeds; port 0 asks the OS for a free one.
  server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
    if (error) {
      console.error(`error: cannot listen on ${host}:${port}: ${error.message}`);
      process.exit(1);
    }
    console.log(`listening on ${host}:${boundPort}`);
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

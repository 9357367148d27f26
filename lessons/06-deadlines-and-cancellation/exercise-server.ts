// Exercise: pass the client's deadline and cancel on to B (lesson 06, exercise 1).
// Your copy is exercises/06-deadlines-and-cancellation/server.ts;
// `npm run verify -- 6 --exercise 1` runs it, calls Greet as a client would and
// reads what B logs. `npm run exercise -- hint 6 --exercise 1` gives a hint.
// The rest of the file already works: it is lesson 06's server.
//   npx tsx exercises/06-deadlines-and-cancellation/server.ts [--host H] [--port P]
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as HelloProto } from '../../src/generated/helloworld.js';
import type { ProtoGrpcType as DeadlinesProto } from '../../src/generated/deadlines.js';
import type { HelloWorldServiceHandlers } from '../../src/generated/rpc_package/HelloWorldService.js';
import type { FrontServiceHandlers } from '../../src/generated/rpc_package/FrontService.js';
import type { BackServiceClient, BackServiceHandlers } from '../../src/generated/rpc_package/BackService.js';

// Two contracts: the greeting of lessons 01-04 and the hop (protos/deadlines.proto).
const packageDefinition = protoLoader.loadSync(['helloworld.proto', 'deadlines.proto'], {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as HelloProto & DeadlinesProto;

const MAX_REPLY_COUNT = 1_000_000;
const MAX_WORK_MS = 60_000;
/** The most time A gives B when A's own caller set no deadline (or a later one). */
const BACK_CALL_LIMIT_MS = 10_000;

/** What every kind of server call has: a deadline and a 'cancelled' event. */
interface ServerCall {
  cancelled: boolean;
  getDeadline(): grpc.Deadline;
  once(event: 'cancelled', listener: () => void): unknown;
}

// The client sends its deadline as the grpc-timeout header: time left, not a
// clock time, because two machines' clocks need not agree. grpc-js turns it
// back into a point in time on this machine. No header: Infinity.
function msLeft(call: ServerCall): number {
  const deadline = call.getDeadline();
  return (deadline instanceof Date ? deadline.getTime() : deadline) - Date.now();
}

/**
 * The handler's side of a call that may end early. When the deadline passes or
 * the client cancels, grpc-js sets call.cancelled and emits 'cancelled': the
 * client has stopped listening, and whatever the handler writes goes nowhere.
 * `signal` carries that to the work the handler started (a timer here; a query
 * or a call to another service in real code), so the work stops too, and the
 * log line says what the handler knew and how far it got.
 *
 * grpc-js also emits 'cancelled' after a normal end, once the status is out (a
 * call that is over is over), so a handler calls finished() before it ends the
 * call itself.
 */
function whenCancelled(call: ServerCall, method: string, progress: () => string) {
  const startedAt = Date.now();
  const left = msLeft(call);
  const controller = new AbortController();
  let finished = false;
  call.once('cancelled', () => {
    controller.abort();
    if (finished) return;
    const deadline = Number.isFinite(left) ? `deadline in ${Math.round(left)} ms` : 'no deadline';
    console.log(`${method}: ${deadline}; cancelled after ${Date.now() - startedAt} ms; ${progress()}`);
  });
  return { signal: controller.signal, finished: () => (finished = true) };
}

// ---- The four kinds ----

const lotsOfReplies: HelloWorldServiceHandlers['LotsOfReplies'] = async (call) => {
  const { name, reply_count, interval_ms } = call.request;
  const count = reply_count > 0 ? reply_count : 3;
  if (count > MAX_REPLY_COUNT || interval_ms < 0) {
    call.emit('error', {
      code: grpc.status.INVALID_ARGUMENT,
      details: `reply_count must be 1..${MAX_REPLY_COUNT} and interval_ms >= 0`,
    });
    return;
  }
  let sent = 0;
  const cancel = whenCancelled(call, 'LotsOfReplies', () => `stopped writing after ${sent} of ${count} replies`);
  try {
    while (sent < count) {
      // The check that matters: once the call is cancelled, stop producing.
      if (call.cancelled) return;
      sent += 1;
      // write() returns false when the HTTP/2 window is full: wait for 'drain',
      // or for the cancel that means no drain will come (lesson 02).
      if (!call.write({ message: `Hello, ${name || 'world'}! (${sent} of ${count})`, sequence: sent }))
        await drained(call);
      // The pause ends early if the call does: no sleeping for a client that left.
      if (interval_ms > 0 && sent < count) await sleep(interval_ms, undefined, { signal: cancel.signal });
    }
  } catch (error) {
    if (cancel.signal.aborted) return;
    throw error;
  }
  if (call.cancelled) return;
  cancel.finished();
  call.end();
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

// Client streaming and bidi, as in lessons 03 and 04: they hold no work of
// their own between messages, so a cancel has nothing to stop. One thing to
// know: when the client resets the stream (cancel() or its deadline), grpc-js
// ends the request stream ('end') a moment before it emits 'cancelled', so the
// handler answers as if the client had half-closed. The answer goes nowhere:
// grpc-js drops it.
const lotsOfGreetings: HelloWorldServiceHandlers['LotsOfGreetings'] = (call, callback) => {
  const names: string[] = [];
  call.on('data', (request) => names.push(request.name || 'someone'));
  call.on('end', () => callback(null, { message: `Hello, ${names.join(', ') || 'nobody'}!` }));
};

const bidiHello: HelloWorldServiceHandlers['BidiHello'] = (call) => {
  let sequence = 0;
  call.on('data', (request) => {
    sequence += 1;
    // As in lesson 04: stop reading while the reply side is full.
    if (!call.write({ message: `Hello, ${request.name || 'world'}!`, sequence })) {
      call.pause();
      call.once('drain', () => call.resume());
    }
  });
  call.on('end', () => call.end());
};

// ---- The hop: A calls B ----

// B: the greeting takes work_ms of work. Its reply says how much time B's
// call had left when B started, so the client can see whose deadline B got.
const makeGreeting: BackServiceHandlers['MakeGreeting'] = async (call, callback) => {
  const { name, work_ms } = call.request;
  if (work_ms < 0 || work_ms > MAX_WORK_MS) {
    callback({ code: grpc.status.INVALID_ARGUMENT, details: `work_ms must be 0..${MAX_WORK_MS}` });
    return;
  }
  const left = msLeft(call);
  const cancel = whenCancelled(call, 'MakeGreeting', () => `stopped its ${work_ms} ms of work`);
  try {
    await sleep(work_ms, undefined, { signal: cancel.signal });
  } catch (error) {
    if (cancel.signal.aborted) return; // nobody waits for the greeting any more
    throw error;
  }
  cancel.finished();
  const deadline_left_ms = Number.isFinite(left) ? Math.max(1, Math.round(left)) : 0;
  callback(null, { message: `Hello, ${name || 'world'}!`, deadline_left_ms });
};

// A: answers with B's greeting. One client (one channel) to B serves every call.
function frontService(backTarget: () => string): FrontServiceHandlers {
  let back: BackServiceClient | undefined;
  const greet: FrontServiceHandlers['Greet'] = (call, callback) => {
    back ??= new rpc_package.BackService(backTarget(), grpc.credentials.createInsecure());
    back.MakeGreeting(
      call.request,
      {
        // TODO: B must get no more time than A's own caller gave A (the
        // earlier of the caller's deadline and the limit below), and the call
        // to B must end when A's call is cancelled, by a deadline or by the
        // client. As it stands B gets a fresh 10 s and keeps working for a
        // client that has already given up. grpc-js can tie this call to the
        // one A is answering: see the call options.
        deadline: Date.now() + BACK_CALL_LIMIT_MS,
      },
      // B's status, good or bad, is A's answer.
      (error, reply) => (error ? callback(error) : callback(null, reply)),
    );
  };
  return { Greet: greet };
}

/**
 * A server with this lesson's services on it, not yet bound to an address.
 * A reaches B at backTarget(): in a real system B runs elsewhere, at an address
 * from configuration; here this same server serves B, so main() names it once
 * the bind has picked a port.
 */
export function createServer(options?: grpc.ServerOptions & { backTarget?: () => string }): grpc.Server {
  const { backTarget = () => '127.0.0.1:50051', ...serverOptions } = options ?? {};
  const server = new grpc.Server(serverOptions);
  server.addService(rpc_package.HelloWorldService.service, {
    LotsOfReplies: lotsOfReplies,
    LotsOfGreetings: lotsOfGreetings,
    BidiHello: bidiHello,
  });
  server.addService(rpc_package.FrontService.service, frontService(backTarget));
  server.addService(rpc_package.BackService.service, { MakeGreeting: makeGreeting });
  return server;
}

function main(): void {
  const { host, port } = serverFlags();
  let address = `${host}:${port}`;
  const server = createServer({ backTarget: () => address });
  // Insecure credentials: plain HTTP/2 without TLS, fine on loopback. Serving
  // starts as soon as the bind succeeds; port 0 asks the OS for a free one.
  server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
    if (error) {
      console.error(`error: cannot listen on ${host}:${port}: ${error.message}`);
      process.exit(1);
    }
    address = `${host}:${boundPort}`;
    console.log(`listening on ${address}`);
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

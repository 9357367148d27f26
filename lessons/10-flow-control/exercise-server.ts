// Exercise: make the Download respect backpressure (lesson 10, exercise 1).
// Your copy is exercises/10-flow-control/server.ts; `npm run verify -- 10`
// runs it and reads from it as a slow client would, pausing. `npm run
// exercise -- hint 10` gives a hint. The rest of the file already works: it is
// lesson 10's server.
//   npx tsx exercises/10-flow-control/server.ts [--host H] [--port P]
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/flowcontrol.js';
import type { Chunk__Output } from '../../src/generated/rpc_package/Chunk.js';
import type { FlowControlServiceHandlers } from '../../src/generated/rpc_package/FlowControlService.js';
import type { HelloWorldServiceHandlers } from '../../src/generated/rpc_package/HelloWorldService.js';

// flowcontrol.proto imports helloworld.proto: loading one loads both (see
// lesson 01's server.ts for each option).
const packageDefinition = protoLoader.loadSync('flowcontrol.proto', {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

const MAX_CHUNKS = 1_000_000;
const MAX_CHUNK_BYTES = 64 * 1024;
/** What this server does with each uploaded chunk takes this long: a disk or a database, slower than the network. */
const UPLOAD_MS_PER_CHUNK = 1;
/** How often a stream in progress prints a line. */
const PROGRESS_MS = 250;

let lastStream = 0;

// The fast producer. Each call.write() hands a chunk to grpc-js, which holds
// it until HTTP/2 lets it out: the client grants a window of bytes and
// widens it as it reads. write() returns false once the call holds its
// highWaterMark (16 messages); 'drain' says it has sent them all.
const download: FlowControlServiceHandlers['Download'] = async (call) => {
  const { count, chunk_bytes } = call.request;
  const ignoring = call.request.ignore_backpressure;
  if (count < 1 || count > MAX_CHUNKS || chunk_bytes < 0 || chunk_bytes > MAX_CHUNK_BYTES) {
    call.emit('error', {
      code: grpc.status.INVALID_ARGUMENT,
      details: `count must be 1..${MAX_CHUNKS} and chunk_bytes 0..${MAX_CHUNK_BYTES}`,
    });
    return;
  }
  const label = `Download ${++lastStream}${ignoring ? ' (ignoring)' : ''}`;
  // The server's own account of the stream: in its log lines as it goes, and
  // in the trailers at the end, for the client to print.
  const account = { written: 0, heldAtMost: 0, drainWaits: 0, waitedMs: 0, writtenWhileFull: 0 };
  // write() said false and no 'drain' has come since: a write now is a chunk
  // more held in memory for a client that is not keeping up.
  let full = false;
  call.on('drain', () => (full = false));
  let waitingSince: number | undefined;
  // "16/16 (16 KiB)": chunks held, of the highWaterMark, and their bytes.
  const held = (chunks: number) => `${chunks}/${call.writableHighWaterMark} (${kib(chunks * chunk_bytes)})`;
  // What matters most first: a narrow pane cuts the end of the line.
  const progress = reportProgress(
    () => account.written,
    (rate) =>
      `${label}: holds ${held(call.writableLength)}, ${account.written}/${count} written` +
      (waitingSince === undefined ? '' : `, waiting for 'drain' ${since(waitingSince)}`) +
      `, ${rate}/s`,
  );
  // 'finish': grpc-js has handed the last chunk to HTTP/2. Until then, what
  // the call holds is this server's memory.
  let finished = false;
  call.once('finish', () => {
    finished = true;
    progress.stop();
    console.log(`${label}: all ${count} sent, held at most ${held(account.heldAtMost)}`);
    console.log(
      `  waited for 'drain' ${account.drainWaits} times (${Math.round(account.waitedMs)} ms), ` +
        `wrote ${account.writtenWhileFull} while full`,
    );
  });
  call.once('cancelled', () => {
    progress.stop();
    if (!finished) console.log(`${label}: cancelled after ${account.written} of ${count} written`);
  });

  for (let sequence = 1; sequence <= count; sequence++) {
    // A client that has gone reads nothing: stop producing.
    if (call.cancelled) return;
    if (full) account.writtenWhileFull += 1;
    const ok = call.write({ sequence, data: produce(sequence, chunk_bytes) });
    account.written = sequence;
    account.heldAtMost = Math.max(account.heldAtMost, call.writableLength);
    if (ok) continue;
    full = true;
    // TODO: write() just said false: the call holds its 16 chunks and the
    // client is not taking them. Make no more chunks until grpc-js has sent
    // what it holds, so that a slow or paused reader costs this server 16
    // chunks of memory, not the whole stream. A cancelled call never sends
    // them: stop waiting then too, or the loop waits forever. (When the client
    // asks with ignore_backpressure, write on regardless: the lesson's
    // demonstration of what not to do.) For the progress lines, count
    // account.drainWaits and account.waitedMs, and set waitingSince while you
    // wait.
  }
  if (call.cancelled) return;
  const trailers = new grpc.Metadata();
  trailers.set('x-held-at-most', String(account.heldAtMost));
  trailers.set('x-drain-waits', String(account.drainWaits));
  trailers.set('x-written-while-full', String(account.writtenWhileFull));
  // end() queues the status behind the chunks still held: it goes out after them.
  call.end(trailers);
};

/** Stands for reading a file or a table: new bytes for every chunk. */
function produce(sequence: number, bytes: number): Buffer {
  return Buffer.alloc(bytes, sequence % 256);
}

// The slow consumer. `for await` asks for the next chunk only when the loop's
// body is done with this one. Meanwhile grpc-js stops reading the HTTP/2
// stream once 16 chunks wait, the window it grants the client runs out, and
// the client's write() returns false: backpressure, all the way to the producer.
const upload: FlowControlServiceHandlers['Upload'] = async (call, callback) => {
  const label = `Upload ${++lastStream}`;
  const cancelled = new AbortController();
  call.once('cancelled', () => cancelled.abort());
  let chunks = 0;
  let bytes = 0;
  const progress = reportProgress(
    () => chunks,
    (rate) => `${label}: ${chunks} chunks read, ${rate}/s`,
  );
  try {
    for await (const chunk of call as AsyncIterable<Chunk__Output>) {
      chunks += 1;
      bytes += chunk.data.length;
      await sleep(UPLOAD_MS_PER_CHUNK, undefined, { signal: cancelled.signal });
    }
  } catch (error) {
    // A cancelled call ends the loop with an error: nobody waits for the summary.
    if (call.cancelled) return;
    // An async handler's rejection would end the whole server: answer with a status.
    callback({ code: grpc.status.INTERNAL, details: `reading the upload failed: ${(error as Error).message}` });
    return;
  } finally {
    progress.stop();
  }
  if (call.cancelled) return;
  console.log(`${label}: ${chunks} chunks read (${kib(bytes)})`);
  callback(null, { chunks, bytes: String(bytes) });
};

// Tiny messages: a name each. Counting them is quick; sending them one by one
// is what costs (see client.ts).
const lotsOfGreetings: HelloWorldServiceHandlers['LotsOfGreetings'] = (call, callback) => {
  let names = 0;
  call.on('data', () => (names += 1));
  call.on('end', () => callback(null, { message: `Hello, all ${names} of you!` }));
};

// The same names, many to a message.
const lotsOfGreetingBatches: FlowControlServiceHandlers['LotsOfGreetingBatches'] = (call, callback) => {
  let names = 0;
  call.on('data', (batch) => (names += batch.names.length));
  call.on('end', () => callback(null, { message: `Hello, all ${names} of you!` }));
};

/** Prints a line every PROGRESS_MS until stop(), with the rate at which count() went up since the last. */
function reportProgress(count: () => number, line: (perSecond: number) => string): { stop(): void } {
  let last = { at: performance.now(), count: count() };
  const timer = setInterval(() => {
    const now = { at: performance.now(), count: count() };
    console.log(line(Math.round(((now.count - last.count) * 1_000) / (now.at - last.at))));
    last = now;
  }, PROGRESS_MS);
  return { stop: () => clearInterval(timer) };
}

const kib = (bytes: number) =>
  bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const since = (start: number) => `${((performance.now() - start) / 1_000).toFixed(1)} s`;

/** A server with this lesson's services on it, not yet bound to an address. */
export function createServer(options?: grpc.ServerOptions): grpc.Server {
  const server = new grpc.Server(options);
  server.addService(rpc_package.FlowControlService.service, {
    Download: download,
    Upload: upload,
    LotsOfGreetingBatches: lotsOfGreetingBatches,
  });
  server.addService(rpc_package.HelloWorldService.service, { LotsOfGreetings: lotsOfGreetings });
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

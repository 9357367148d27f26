// Flow control, from the client's side: a slow reader of a fast download, a
// fast writer to a slow server (each producer once respecting backpressure and
// once ignoring it), and many tiny messages on one stream.
//   npx tsx lessons/10-flow-control/client.ts [--target H:P] [--name N]...
//     [--watch-seconds S [--ignore-backpressure]]
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/flowcontrol.js';
import type { Chunk__Output } from '../../src/generated/rpc_package/Chunk.js';
import type { FlowControlServiceClient } from '../../src/generated/rpc_package/FlowControlService.js';
import type { HelloWorldServiceClient } from '../../src/generated/rpc_package/HelloWorldService.js';

const packageDefinition = protoLoader.loadSync('flowcontrol.proto', {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

/** Chunks in each download and upload, and the bytes in each. */
const CHUNKS = 200;
const CHUNK_BYTES = 1024;
/** The slow reader: what this client does with each chunk it reads takes this long. */
const READ_MS_PER_CHUNK = 1;
/** Tiny messages: this many names, one to a message, then NAMES_PER_BATCH to a message. */
const NAMES = 1_000;
const NAMES_PER_BATCH = 100;
/** To watch it live, set this above 0 and save (or pass --watch-seconds): a download, then an upload this long. */
const WATCH_SECONDS = 0;
/** With WATCH_SECONDS: both producers write on when write() returns false (or pass --ignore-backpressure). */
const WATCH_IGNORING_BACKPRESSURE = false;

// grpc-js keeps a copy of each message a call sends, up to this many bytes a
// call, so that it could send them again if the call had to be retried, and a
// write completes as soon as its copy is kept: 'drain' comes at once, whatever
// the network does. With the default, 1 MiB, a client stream runs up to 1 MiB
// ahead of the server for the whole call (and a stream of tiny messages pays
// dearly for it: see the lesson text). A small buffer lets backpressure reach
// the writer.
const CHANNEL_OPTIONS: grpc.ChannelOptions = { 'grpc.per_rpc_retry_buffer_size': 1024 };

/** Every call has a deadline, sized to its work: 10 s, plus `msEach` for each of `items`. */
const deadlineFor = (items: number, msEach: number): grpc.CallOptions => ({
  deadline: Date.now() + 10_000 + items * msEach,
});

export async function runClient({
  target,
  names = ['Ada', 'Grace', 'Linus'],
  watchSeconds = WATCH_SECONDS,
  ignoringBackpressure = WATCH_IGNORING_BACKPRESSURE,
}: {
  target: string;
  names?: string[];
  watchSeconds?: number;
  ignoringBackpressure?: boolean;
}): Promise<void> {
  const credentials = grpc.credentials.createInsecure();
  const flow = new rpc_package.FlowControlService(target, credentials, CHANNEL_OPTIONS);
  const hello = new rpc_package.HelloWorldService(target, credentials, CHANNEL_OPTIONS);
  try {
    if (watchSeconds > 0) return await watch(flow, watchSeconds, ignoringBackpressure);
    for (const ignoring of [false, true]) {
      const { read, server } = await download(flow, CHUNKS, ignoring);
      console.log(`Download, server ${ignoring ? 'ignoring' : 'respecting'} backpressure: ${read} chunks read`);
      console.log(`  server ${account(server)}`);
    }
    for (const ignoring of [false, true]) {
      const { summary, client } = await upload(flow, CHUNKS, ignoring);
      console.log(`Upload, client ${ignoring ? 'ignoring' : 'respecting'} backpressure: server read ${summary.chunks}`);
      console.log(`  client ${account(client)}`);
    }
    const pool = names.length > 0 ? names : ['world'];
    const many = Array.from({ length: NAMES }, (_, index) => `${pool[index % pool.length]} ${index + 1}`);
    console.log(`LotsOfGreetings, ${NAMES} messages: ${await greetOneByOne(hello, many)}`);
    const batches = Math.ceil(NAMES / NAMES_PER_BATCH);
    console.log(`LotsOfGreetingBatches, ${batches} messages: ${await greetInBatches(flow, many)}`);
  } finally {
    flow.close();
    hello.close();
  }
}

/** What a producer did, counted as it wrote. */
interface ProducerAccount {
  heldAtMost: number;
  drainWaits: number;
  /** Writes made after write() returned false and before 'drain'. */
  writtenWhileFull: number;
}
/** "held at most 16 chunks, waited for 'drain' 12 times": what happened, and nothing that did not. */
const account = ({ heldAtMost, drainWaits, writtenWhileFull }: ProducerAccount) =>
  [
    `held at most ${heldAtMost} chunks`,
    ...(drainWaits > 0 ? [`waited for 'drain' ${drainWaits} times`] : []),
    ...(writtenWhileFull > 0 ? [`wrote ${writtenWhileFull} after write() said false`] : []),
  ].join(', ');

/** Where a transfer is, for the live lines: chunks done, chunks the call holds, waiting for 'drain'. */
interface Progress {
  done: number;
  held: () => number;
  waiting: boolean;
}
const noProgress = (): Progress => ({ done: 0, held: () => 0, waiting: false });

// The slow reader of a server stream. `for await` takes the next chunk only
// when the loop's body is done with this one. Meanwhile grpc-js keeps 16
// chunks, then stops reading the HTTP/2 stream: the window this client
// granted runs out, the server's writes wait, and its write() returns false.
async function download(
  client: FlowControlServiceClient,
  count: number,
  ignore_backpressure: boolean,
  progress: Progress = noProgress(),
): Promise<{ read: number; server: ProducerAccount }> {
  const call = client.Download(
    { count, chunk_bytes: CHUNK_BYTES, ignore_backpressure },
    deadlineFor(count, 3 * READ_MS_PER_CHUNK),
  );
  // The trailers come with the status, after the last chunk: the server's
  // own account of how it wrote.
  const status = new Promise<grpc.StatusObject>((resolve) => call.once('status', resolve));
  progress.held = () => call.readableLength;
  for await (const _chunk of call as AsyncIterable<Chunk__Output>) {
    progress.done += 1;
    await sleep(READ_MS_PER_CHUNK);
  }
  const { metadata } = await status;
  const trailer = (key: string) => Number(metadata.get(key)[0]);
  return {
    read: progress.done,
    server: {
      heldAtMost: trailer('x-held-at-most'),
      drainWaits: trailer('x-drain-waits'),
      writtenWhileFull: trailer('x-written-while-full'),
    },
  };
}

// The fast writer of a client stream; the server reads a chunk a millisecond.
// write() returns false once the call holds 16 chunks: waiting for 'drain'
// then keeps this client from holding more (given the small retry buffer of
// CHANNEL_OPTIONS: with the default one, 'drain' would come at once).
async function upload(
  client: FlowControlServiceClient,
  count: number,
  ignoringBackpressure: boolean,
  progress: Progress = noProgress(),
): Promise<{ summary: { chunks: number }; client: ProducerAccount }> {
  const account: ProducerAccount = { heldAtMost: 0, drainWaits: 0, writtenWhileFull: 0 };
  const summary = await new Promise<{ chunks: number }>((resolve, reject) => {
    const call = client.Upload(deadlineFor(count, 3), (error, reply) => (error ? reject(error) : resolve(reply!)));
    progress.held = () => call.writableLength;
    let full = false;
    call.on('drain', () => (full = false));
    void (async () => {
      for (let sequence = 1; sequence <= count; sequence++) {
        if (full) account.writtenWhileFull += 1;
        const ok = call.write({ sequence, data: Buffer.alloc(CHUNK_BYTES, sequence % 256) });
        progress.done = sequence;
        account.heldAtMost = Math.max(account.heldAtMost, call.writableLength);
        if (ok) continue;
        full = true;
        // Ignoring the false: grpc-js takes the chunk anyway and holds it.
        if (ignoringBackpressure) continue;
        account.drainWaits += 1;
        progress.waiting = true;
        const drained = await drainedOrEnded(call);
        progress.waiting = false;
        if (!drained) return; // the call ended early: its callback has the error
      }
      // Half-close: no more chunks. The server's summary comes after.
      call.end();
    })();
  });
  return { summary, client: account };
}

/** True once the call drains; false if it ends first (a call that ended never drains). */
function drainedOrEnded<T>(call: grpc.ClientWritableStream<T>): Promise<boolean> {
  return new Promise((resolve) => {
    const drained = () => finish(true);
    const ended = () => finish(false);
    const finish = (result: boolean) => {
      call.off('drain', drained).off('status', ended);
      resolve(result);
    };
    call.on('drain', drained).on('status', ended);
  });
}

// Tiny messages, one name each. Each one costs a 5-byte gRPC prefix, a trip
// through grpc-js's layers, a write into the HTTP/2 stream, and its turn in
// the retry buffer (see CHANNEL_OPTIONS).
// (Exported for `npm run bench`, which sends many more names this way.)
export function greetOneByOne(client: HelloWorldServiceClient, names: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const call = client.LotsOfGreetings(deadlineFor(names.length, 1), (error, reply) =>
      error ? reject(error) : resolve(reply!.message),
    );
    void (async () => {
      for (const name of names) if (!call.write({ name }) && !(await drainedOrEnded(call))) return;
      call.end();
    })();
  });
}

// The same names, NAMES_PER_BATCH to a message: a hundredth of the messages,
// so a hundredth of the work that every message costs, whatever its size.
export function greetInBatches(
  client: FlowControlServiceClient,
  names: string[],
  perBatch = NAMES_PER_BATCH,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const call = client.LotsOfGreetingBatches(deadlineFor(names.length, 1), (error, reply) =>
      error ? reject(error) : resolve(reply!.message),
    );
    void (async () => {
      for (let start = 0; start < names.length; start += perBatch) {
        const batch = { names: names.slice(start, start + perBatch) };
        if (!call.write(batch) && !(await drainedOrEnded(call))) return;
      }
      call.end();
    })();
  });
}

// Live: a long download read slowly, then a long upload to the slow server,
// each with a line four times a second. The server pane shows the other end.
async function watch(client: FlowControlServiceClient, seconds: number, ignoring: boolean): Promise<void> {
  const count = Math.round((seconds * 1_000) / READ_MS_PER_CHUNK);
  await reporting(
    (progress) => download(client, count, ignoring, progress),
    (progress, rate) => `Download: ${progress.done}/${count} read, ${progress.held()} waiting, ${rate}/s`,
  );
  console.log(`Download: all ${count} read`);
  await reporting(
    (progress) => upload(client, count, ignoring, progress),
    (progress, rate) =>
      `Upload: holds ${progress.held()}, ${progress.done}/${count} written` +
      (progress.waiting ? ", waiting for 'drain'" : '') +
      `, ${rate}/s`,
  );
  console.log(`Upload: all ${count} written and read`);
}

/** Runs a transfer, printing line() every 250 ms with the chunks done per second since the last. */
async function reporting(
  transfer: (progress: Progress) => Promise<unknown>,
  line: (progress: Progress, perSecond: number) => string,
): Promise<void> {
  const progress = noProgress();
  let last = { at: performance.now(), done: 0 };
  const timer = setInterval(() => {
    const now = { at: performance.now(), done: progress.done };
    console.log(line(progress, Math.round(((now.done - last.done) * 1_000) / (now.at - last.at))));
    last = now;
  }, 250);
  try {
    await transfer(progress);
  } finally {
    clearInterval(timer);
  }
}

async function main(): Promise<void> {
  const flags = clientFlags();
  try {
    await runClient(flags);
  } catch (error) {
    // An RPC error carries a status code and details: print both, exit 1.
    const { code, details, message } = error as grpc.ServiceError;
    console.error(`error: ${code === undefined ? message : `${grpc.status[code]} (status ${code}): ${details}`}`);
    process.exitCode = 1;
  }
}

function clientFlags(): Parameters<typeof runClient>[0] {
  try {
    const { values } = parseArgs({
      options: {
        target: { type: 'string', default: '127.0.0.1:50051' },
        name: { type: 'string', multiple: true },
        'watch-seconds': { type: 'string' },
        'ignore-backpressure': { type: 'boolean' },
      },
    });
    const watchSeconds = values['watch-seconds'] === undefined ? undefined : Number(values['watch-seconds']);
    if (watchSeconds !== undefined && !(watchSeconds > 0 && watchSeconds <= 3_600))
      throw new Error(`--watch-seconds wants seconds above 0 and at most 3600, not "${values['watch-seconds']}"`);
    return {
      target: values.target,
      names: values.name,
      watchSeconds,
      ignoringBackpressure: values['ignore-backpressure'],
    };
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('. ')[0]}`);
    process.exit(2);
  }
}

// Run main() when this file is the program, not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) void main();

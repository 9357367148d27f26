// Lesson 10's measurements, which have no place in timed tests:
//
// - memory: the lesson's Download producer, in a process of its own, sending
//   to a client that reads nothing for a moment and then reads on, once
//   respecting backpressure and once ignoring it;
// - the cliff: one client stream of many tiny messages (the lesson's
//   LotsOfGreetings), on a default channel, on one with a small retry buffer,
//   and in batches (LotsOfGreetingBatches), each count side by side, with what
//   grpc-js's retry layer did: how many messages it still held when the call
//   was committed, and how many array entries it copied afterwards.
//
// Part of `npm run bench`; alone: npx tsx src/bench/flow-control.ts [--quick]
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { realpathSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { findLesson, type LessonServerModule } from '../lessons.js';
import { PROTO_DIR, loadDefinition } from '../proto.js';
import type { ProtoGrpcType } from '../generated/flowcontrol.js';
import type { Chunk__Output } from '../generated/rpc_package/Chunk.js';
import type { ProducerMessage } from './flow-control-producer.js';
import { PYTHON, generatePythonCode, pythonGrpcMissing } from '../python.js';
import { listen } from '../runtime/serve.js';

const PRODUCER = fileURLToPath(new URL('./flow-control-producer.ts', import.meta.url));
const LESSON = findLesson('10')!;

export interface ProducerMemory {
  respectingBackpressure: boolean;
  chunks: number;
  chunkBytes: number;
  /** Growth over the baseline while the client reads nothing, garbage collected, in KiB. */
  rssGrowthKiB: number;
  /** The same for memory outside the JavaScript heap, where the chunks' bytes are. */
  arrayBuffersGrowthKiB: number;
}

export interface TinyMessagesRun {
  names: number;
  how: 'one a message, default channel' | 'one a message, retry buffer 1 KiB' | 'batches of 100' | 'Python grpcio';
  messages: number;
  ms: number;
  /** Messages in grpc-js's retry buffer when the call was committed (none is freed before). */
  heldAtCommit?: number;
  /** Array entries RetryingCall.clearSentMessages copied after that. */
  entriesCopied?: number;
}

export interface FlowControlResult {
  memory: ProducerMemory[];
  /** Chunk memory held ignoring backpressure over respecting it. */
  memoryRatio: number;
  tinyMessages: TinyMessagesRun[];
}

/** How long the client reads nothing before the producer's memory is measured. */
const STALL_MS = 300;

export async function measureFlowControl({ quick = false } = {}): Promise<FlowControlResult> {
  const chunks = quick ? 5_000 : 20_000;
  const memory = [await producerMemory(true, chunks), await producerMemory(false, chunks)];
  const [respecting, ignoring] = memory;
  // RSS moves by whole pages, and reuses what earlier calls freed: the ratio
  // is taken on the chunks' own memory. A respecting producer may hold up to
  // 16 chunks (its highWaterMark), which is under this measure's resolution:
  // that is the floor under the figure it is divided by.
  const floorKiB = (16 * respecting.chunkBytes) / 1024;
  const memoryRatio = Math.round(ignoring.arrayBuffersGrowthKiB / Math.max(respecting.arrayBuffersGrowthKiB, floorKiB));
  const tinyMessages = await tinyMessagesCliff(quick ? [20_000, 70_000] : [50_000, 70_000, 200_000]);
  return { memory, memoryRatio, tinyMessages };
}

export function printFlowControl(result: FlowControlResult, log: (line: string) => void): void {
  log(`  Download producer: memory it holds while its client reads nothing (after ${STALL_MS} ms, garbage collected):`);
  for (const run of result.memory)
    log(
      `    ${run.respectingBackpressure ? 'respecting' : 'ignoring  '} backpressure, ${run.chunks} x ${run.chunkBytes} B: ` +
        `buffers +${run.arrayBuffersGrowthKiB} KiB`,
    );
  log(`    ratio ignoring / respecting (buffers, at least 16 chunks under the divisor): ${result.memoryRatio}`);
  log('  One client stream of tiny messages (LotsOfGreetings), client and server in this process:');
  for (const run of result.tinyMessages) {
    const retry =
      run.heldAtCommit === undefined
        ? ''
        : `; ${run.heldAtCommit} in the retry buffer at commit, ${run.entriesCopied} entries copied after`;
    log(`    ${String(run.names).padStart(7)} names, ${run.how.padEnd(34)} ${String(run.ms).padStart(6)} ms${retry}`);
  }
}

// ---- Memory ----

export async function producerMemory(respectingBackpressure: boolean, chunks: number): Promise<ProducerMemory> {
  const chunkBytes = 1024;
  // Its own process, so that what it holds is all that grows; --expose-gc so
  // that it can collect its garbage before each sample.
  const child = fork(PRODUCER, [], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const next = <T extends ProducerMessage['type']>(type: T) =>
    new Promise<Extract<ProducerMessage, { type: T }>>((resolve, reject) => {
      const onMessage = (message: ProducerMessage) => {
        if (message.type !== type) return;
        child.off('message', onMessage).off('exit', onExit);
        resolve(message as Extract<ProducerMessage, { type: T }>);
      };
      const onExit = (code: number | null, signal: string | null) =>
        reject(new Error(`the producer exited (${code ?? signal})`));
      child.on('message', onMessage).once('exit', onExit);
    });
  const sample = async () => {
    child.send('sample');
    return (await next('sample')).memory;
  };
  try {
    const { port } = await next('listening');
    const client = flowClient(`127.0.0.1:${port}`);
    try {
      // Warm up (code paths, the connection's buffers), then let it settle.
      for (let round = 0; round < 3; round++)
        await readAll(client, 2_000, chunkBytes, !respectingBackpressure, async () => {});
      await sleep(STALL_MS);
      const before = await sample();
      let during = before;
      // The client reads nothing until the producer's memory is measured:
      // what it holds then is what it made and could not send.
      await readAll(client, chunks, chunkBytes, !respectingBackpressure, async () => {
        await sleep(STALL_MS);
        during = await sample();
      });
      return {
        respectingBackpressure,
        chunks,
        chunkBytes,
        rssGrowthKiB: Math.round((during.rss - before.rss) / 1024),
        arrayBuffersGrowthKiB: Math.round((during.arrayBuffers - before.arrayBuffers) / 1024),
      };
    } finally {
      client.close();
    }
  } finally {
    await stop(child);
  }
}

function flowClient(target: string, options: grpc.ChannelOptions = {}) {
  const { rpc_package } = grpc.loadPackageDefinition(
    loadDefinition(`${PROTO_DIR}flowcontrol.proto`),
  ) as unknown as ProtoGrpcType;
  return new rpc_package.FlowControlService(target, grpc.credentials.createInsecure(), options);
}

/** One Download, read by a client that stops after the first chunk until `stalled()` resolves, then reads as fast as it can. */
async function readAll(
  client: ReturnType<typeof flowClient>,
  count: number,
  chunk_bytes: number,
  ignore_backpressure: boolean,
  stalled: () => Promise<void>,
): Promise<void> {
  const call = client.Download({ count, chunk_bytes, ignore_backpressure }, { deadline: Date.now() + 60_000 });
  let read = 0;
  for await (const _chunk of call as AsyncIterable<Chunk__Output>) {
    read += 1;
    // One chunk, then nothing until stalled() resolves. (Not nothing from the
    // start: a grpc-js client that has not asked for a first message takes in
    // everything the server sends.)
    if (read === 1) await stalled();
  }
  if (read !== count) throw new Error(`read ${read} of ${count} chunks`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

// ---- The cliff ----

/** grpc-js's retry layer, watched: not a public API, read here only to explain a measurement. */
interface RetryingCallInternals {
  state: string;
  writeBuffer: unknown[];
  underlyingCalls: { nextMessageToSend: number }[];
  commitCall(index: number): void;
  clearSentMessages(): void;
}

function watchRetryLayer() {
  const require = createRequire(import.meta.url);
  const { RetryingCall } = require('@grpc/grpc-js/build/src/retrying-call.js') as {
    RetryingCall: { prototype: RetryingCallInternals };
  };
  const prototype = RetryingCall.prototype;
  const { commitCall, clearSentMessages } = prototype;
  const seen = { heldAtCommit: 0, entriesCopied: 0 };
  prototype.commitCall = function (this: RetryingCallInternals, index: number) {
    if (this.state !== 'COMMITTED') seen.heldAtCommit = this.writeBuffer.length;
    commitCall.call(this, index);
  };
  prototype.clearSentMessages = function (this: RetryingCallInternals) {
    clearSentMessages.call(this);
    // What is left after the slice is what the slice copied.
    if (this.state === 'COMMITTED') seen.entriesCopied += this.writeBuffer.length;
  };
  return {
    reset: () => Object.assign(seen, { heldAtCommit: 0, entriesCopied: 0 }),
    seen: () => ({ ...seen }),
    undo: () => Object.assign(prototype, { commitCall, clearSentMessages }),
  };
}

/** The lesson client's senders, so that the bench sends the way the lesson does. */
interface TinyClientModule {
  greetOneByOne(client: unknown, names: string[]): Promise<string>;
  greetInBatches(client: unknown, names: string[], perBatch?: number): Promise<string>;
}

async function tinyMessagesCliff(counts: number[]): Promise<TinyMessagesRun[]> {
  const { createServer } = (await import(pathToFileURL(LESSON.serverPath).href)) as LessonServerModule;
  const lessonClient = (await import(pathToFileURL(LESSON.clientPath).href)) as TinyClientModule;
  const log = console.log;
  console.log = () => {};
  const server = createServer();
  const port = await listen(server, '127.0.0.1', 0);
  const target = `127.0.0.1:${port}`;
  const retry = watchRetryLayer();
  const runs: TinyMessagesRun[] = [];
  try {
    const { rpc_package } = grpc.loadPackageDefinition(
      loadDefinition(`${PROTO_DIR}flowcontrol.proto`),
    ) as unknown as ProtoGrpcType;
    for (const count of counts) {
      const names = Array.from({ length: count }, (_, index) => `name ${index + 1}`);
      for (const how of ['one a message, default channel', 'one a message, retry buffer 1 KiB'] as const) {
        const options = how.includes('retry buffer') ? { 'grpc.per_rpc_retry_buffer_size': 1024 } : {};
        const client = new rpc_package.HelloWorldService(target, grpc.credentials.createInsecure(), options);
        retry.reset();
        const ms = await timed(() => lessonClient.greetOneByOne(client, names));
        client.close();
        runs.push({ names: count, how, messages: count, ms, ...retry.seen() });
      }
      const client = new rpc_package.FlowControlService(target, grpc.credentials.createInsecure());
      retry.reset();
      const ms = await timed(() => lessonClient.greetInBatches(client, names, 100));
      client.close();
      runs.push({ names: count, how: 'batches of 100', messages: Math.ceil(count / 100), ms, ...retry.seen() });
    }
    const python = await pythonSender(target, counts[counts.length - 1]);
    if (python) runs.push(python);
  } finally {
    retry.undo();
    server.forceShutdown();
    console.log = log;
  }
  return runs;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return Math.round(performance.now() - started);
}

/** The same stream from Python grpcio, when it is installed: is the cliff gRPC's, or grpc-js's? */
async function pythonSender(target: string, count: number): Promise<TinyMessagesRun | undefined> {
  if (pythonGrpcMissing()) return undefined;
  const generated = mkdtempSync(join(tmpdir(), 'flow-control-py-'));
  try {
    generatePythonCode(generated, [join(PROTO_DIR, 'helloworld.proto')]);
    // Timed inside Python, from the first name to the reply, as the runs above are.
    const program = [
      'import time, grpc, helloworld_pb2 as pb, helloworld_pb2_grpc as rpc',
      `stub = rpc.HelloWorldServiceStub(grpc.insecure_channel("${target}"))`,
      `names = (pb.HelloRequest(name=f"name {i + 1}") for i in range(${count}))`,
      'started = time.perf_counter()',
      'stub.LotsOfGreetings(names, timeout=600)',
      'print(round((time.perf_counter() - started) * 1000))',
    ].join('\n');
    // Not spawnSync: the server it calls runs in this process, and must keep running.
    const child = spawn(PYTHON, ['-c', program], { cwd: generated, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
    const [code] = (await once(child, 'close')) as [number | null];
    const ms = Number(out.trim());
    return code === 0 && Number.isFinite(ms) ? { names: count, how: 'Python grpcio', messages: count, ms } : undefined;
  } finally {
    rmSync(generated, { recursive: true, force: true });
  }
}

// Alone: print the measurements.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await measureFlowControl({ quick: process.argv.includes('--quick') });
  printFlowControl(result, console.log);
  process.exit(0);
}

// What the tutorial's instrumentation costs: lesson servers as `npm run server`
// runs them (lesson code through the project's loader, a call logger writing a
// line per call) against a bare grpc-js server doing the same work; and a
// client with the wire tap attached against the same client without it.
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { ChildProcess } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import { spawnLessonFile, spawnScript, stopChild, type ChildHandlers } from '../runner/child.js';
import { loadHelloWorld } from '../proto.js';
import { installWireTap } from '../instrument/wiretap.js';
import { isListeningMessage } from '../instrument/ipc-sink.js';
import { findLesson } from '../lessons.js';
import type { HelloWorldServiceClient } from '../generated/rpc_package/HelloWorldService.js';
import { median, ratio } from '../compare/stats.js';

const BARE_SERVER = fileURLToPath(new URL('./bare-server.ts', import.meta.url));

interface Started {
  child: ChildProcess;
  target: string;
}

function startServer(spawnIt: (handlers: ChildHandlers) => ChildProcess): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawnIt({
      onLine: () => {},
      onMessage: (message) => {
        if (isListeningMessage(message)) resolve({ child, target: `127.0.0.1:${message.port}` });
      },
      onExit: (code) => reject(new Error(`server exited early (${code})`)),
    });
  });
}

const lessonServer = (ref: string) =>
  startServer((handlers) => spawnLessonFile(findLesson(ref)!.serverPath, ['--port', '0'], handlers));
const bareServer = () => startServer((handlers) => spawnScript(BARE_SERVER, [], handlers));

function makeClient(target: string): HelloWorldServiceClient {
  const { rpc_package } = loadHelloWorld();
  return new rpc_package.HelloWorldService(target, grpc.credentials.createInsecure());
}

/** Runs `work` with the wire tap on in this process, as a lesson client under the UI has it. */
async function tapped<T>(work: () => Promise<T>): Promise<T> {
  let events = 0;
  const uninstall = installWireTap(() => (events += 1), { preview: false });
  try {
    return await work();
  } finally {
    uninstall();
  }
}

/** `calls` sequential SayHello calls; returns each call's time in milliseconds. */
async function unaryTimes(client: HelloWorldServiceClient, calls: number): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < calls; index++) {
    const started = performance.now();
    await new Promise<void>((resolve, reject) =>
      client.SayHello({ name: 'bench' }, (error) => (error ? reject(error) : resolve())),
    );
    times.push(performance.now() - started);
  }
  return times;
}

/** Replies per second over one LotsOfReplies stream. */
async function streamThroughput(client: HelloWorldServiceClient, messages: number): Promise<number> {
  const started = performance.now();
  let received = 0;
  for await (const _reply of client.LotsOfReplies({ name: 'bench', reply_count: messages })) received += 1;
  return (received / (performance.now() - started)) * 1000;
}

export interface InstrumentationResult {
  unaryCalls: number;
  streamMessages: number;
  /** Lesson servers (as `npm run server` runs them) against the bare server. */
  server: Against;
  /** A wire-tapped client against a plain one, both calling the bare server. */
  client: Against;
}

/** One side measured against the bare grpc-js baseline: medians over the rounds, and their ratios. */
export interface Against {
  baselineP50Ms: number;
  p50Ms: number;
  latencyRatio: number;
  baselineMsgPerSec: number;
  msgPerSec: number;
  throughputRatio: number;
}

function against(baseline: { p50: number[]; rate: number[] }, measured: { p50: number[]; rate: number[] }): Against {
  const [baseP50, p50, baseRate, rate] = [baseline.p50, measured.p50, baseline.rate, measured.rate].map(median);
  return {
    baselineP50Ms: round3(baseP50),
    p50Ms: round3(p50),
    latencyRatio: ratio(p50, baseP50),
    baselineMsgPerSec: Math.round(baseRate),
    msgPerSec: Math.round(rate),
    throughputRatio: ratio(rate, baseRate),
  };
}

export async function measureInstrumentation(
  unaryCalls = 2_000,
  streamMessages = 100_000,
  rounds = 3,
  log = console.log,
): Promise<InstrumentationResult> {
  const [bare, lesson01, lesson02] = await Promise.all([bareServer(), lessonServer('01'), lessonServer('02')]);
  const clients = {
    bare: makeClient(bare.target),
    lesson01: makeClient(lesson01.target),
    lesson02: makeClient(lesson02.target),
    bareTapped: makeClient(bare.target),
  };
  const samples = {
    bareP50: [] as number[],
    lessonP50: [] as number[],
    tappedP50: [] as number[],
    bareRate: [] as number[],
    lessonRate: [] as number[],
    tappedRate: [] as number[],
  };
  try {
    // Warm up every path once: connections, JIT.
    for (const client of [clients.bare, clients.lesson01]) await unaryTimes(client, 200);
    for (const client of [clients.bare, clients.lesson02]) await streamThroughput(client, 5_000);
    // The tapped client's connection is made with the tap on, as under the UI.
    await tapped(async () => {
      await unaryTimes(clients.bareTapped, 200);
      await streamThroughput(clients.bareTapped, 5_000);
    });
    for (let round = 1; round <= rounds; round++) {
      // Small slices, taken in turn, so that the machine's noise falls on all three alike.
      const times = { bare: [] as number[], lesson: [] as number[], tapped: [] as number[] };
      for (let done = 0; done < unaryCalls; done += 50) {
        times.bare.push(...(await unaryTimes(clients.bare, 50)));
        times.lesson.push(...(await unaryTimes(clients.lesson01, 50)));
        times.tapped.push(...(await tapped(() => unaryTimes(clients.bareTapped, 50))));
      }
      samples.bareP50.push(median(times.bare));
      samples.lessonP50.push(median(times.lesson));
      samples.tappedP50.push(median(times.tapped));
      const rates = { bare: [] as number[], lesson: [] as number[], tapped: [] as number[] };
      for (let slice = 0; slice < 4; slice++) {
        rates.bare.push(await streamThroughput(clients.bare, streamMessages / 4));
        rates.lesson.push(await streamThroughput(clients.lesson02, streamMessages / 4));
        rates.tapped.push(await tapped(() => streamThroughput(clients.bareTapped, streamMessages / 4)));
      }
      samples.bareRate.push(median(rates.bare));
      samples.lessonRate.push(median(rates.lesson));
      samples.tappedRate.push(median(rates.tapped));
      log(
        `  round ${round}: unary p50 bare ${samples.bareP50.at(-1)!.toFixed(3)} ms, lesson ${samples.lessonP50.at(-1)!.toFixed(3)} ms, tapped client ${samples.tappedP50.at(-1)!.toFixed(3)} ms; ` +
          `stream bare ${Math.round(samples.bareRate.at(-1)!)}, lesson ${Math.round(samples.lessonRate.at(-1)!)}, tapped client ${Math.round(samples.tappedRate.at(-1)!)} msg/s`,
      );
    }
  } finally {
    for (const client of Object.values(clients)) client.close();
    await Promise.all([bare, lesson01, lesson02].map((server) => stopChild(server.child)));
  }
  return {
    unaryCalls,
    streamMessages,
    server: against(
      { p50: samples.bareP50, rate: samples.bareRate },
      { p50: samples.lessonP50, rate: samples.lessonRate },
    ),
    client: against(
      { p50: samples.bareP50, rate: samples.bareRate },
      { p50: samples.tappedP50, rate: samples.tappedRate },
    ),
  };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

// Lesson 18's measurements: how evenly round_robin spreads calls over three
// backends (counted by each backend itself, against pick_first's all-to-one),
// and what grpc-js 1.14's per-call ORCA load reports cost a unary call.
//
// The three backends are lesson 18's server.ts, in this process, each counting
// the calls that reach it with a server interceptor; the client is lesson
// 18's own channel setup (clientFor) and calls.
//
// Part of `npm run bench`; alone: npx tsx src/bench/load-balancing.ts [--quick]
import { fileURLToPath, pathToFileURL } from 'node:url';
import { realpathSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import { findLesson } from '../lessons.js';
import { multiAddressTarget } from '../address.js';
import { listen, shutdown } from '../runtime/serve.js';
import { median } from '../compare/stats.js';

type LessonServer = typeof import('../../lessons/18-load-balancing/server.js');
type LessonClient = typeof import('../../lessons/18-load-balancing/client.js');

const LESSON = findLesson('18')!;
const BACKENDS = ['a', 'b', 'c'];

export interface LoadBalancingResult {
  calls: number;
  /** Calls each backend served, by its own count, under round_robin and under pick_first. */
  roundRobin: Record<string, number>;
  pickFirst: Record<string, number>;
  /** Most over fewest calls a backend served under round_robin: 1 is perfectly even. */
  roundRobinMaxOverMin: number;
  /** Unary p50 (ms) with a per-call ORCA report in every call's trailers, and without. */
  orcaP50Ms: number;
  plainP50Ms: number;
  orcaRatio: number;
}

async function lessonModules(): Promise<[LessonServer, LessonClient]> {
  return Promise.all([
    import(pathToFileURL(LESSON.serverPath).href) as Promise<LessonServer>,
    import(pathToFileURL(LESSON.clientPath).href) as Promise<LessonClient>,
  ]);
}

/** Three lesson 18 backends, a, b and c, each counting the calls that reach it. */
async function startBackends(server: LessonServer, options: grpc.ServerOptions = {}) {
  const counts: Record<string, number> = Object.fromEntries(BACKENDS.map((name) => [name, 0]));
  const started = await Promise.all(
    BACKENDS.map(async (name) => {
      const count: grpc.ServerInterceptor = (_method, call) => {
        counts[name] += 1;
        return new grpc.ServerInterceptingCall(call);
      };
      const backend = server.createServer({ ...options, interceptors: [count] }, { name, utilization: 0.1 });
      return { backend, port: await listen(backend, '127.0.0.1', 0) };
    }),
  );
  return {
    counts,
    target: multiAddressTarget(
      '127.0.0.1',
      started.map(({ port }) => port),
    ),
    reset: () => BACKENDS.forEach((name) => (counts[name] = 0)),
    stop: () => Promise.all(started.map(({ backend }) => shutdown(backend, 500))),
  };
}

/** Each backend's count of `calls` calls made one after another with `policy`, after every backend has answered. */
async function spread(
  client: LessonClient,
  backends: Awaited<ReturnType<typeof startBackends>>,
  policy: 'round_robin' | 'pick_first',
  calls: number,
): Promise<Record<string, number>> {
  const channel = client.clientFor(backends.target, policy);
  try {
    // round_robin picks among connected backends only: wait for all three (pick_first uses one).
    if (policy === 'round_robin') await client.untilEveryBackendAnswers(channel, BACKENDS.length);
    else await client.callMany(channel, 1);
    backends.reset();
    await client.callMany(channel, calls);
    return { ...backends.counts };
  } finally {
    channel.close();
  }
}

/** p50 of `calls` sequential round_robin calls, in ms. */
async function unaryP50(client: LessonClient, target: string, calls: number): Promise<number> {
  const channel = client.clientFor(target, 'round_robin');
  try {
    await client.untilEveryBackendAnswers(channel, BACKENDS.length);
    const times: number[] = [];
    for (let index = 0; index < calls; index++) {
      const started = performance.now();
      await client.callMany(channel, 1);
      times.push(performance.now() - started);
    }
    return median(times);
  } finally {
    channel.close();
  }
}

export async function measureLoadBalancing({ quick = false } = {}): Promise<LoadBalancingResult> {
  const calls = quick ? 300 : 3_000;
  const timed = quick ? 50 : 300;
  const [server, client] = await lessonModules();
  // The spread, with grpc-js's per-call metric recording off: round_robin needs no load reports.
  const plain = await startBackends(server, { 'grpc.server_call_metric_recording': 0 });
  let roundRobin: Record<string, number>;
  let pickFirst: Record<string, number>;
  let plainP50Ms: number;
  try {
    roundRobin = await spread(client, plain, 'round_robin', calls);
    pickFirst = await spread(client, plain, 'pick_first', calls);
    plainP50Ms = await unaryP50(client, plain.target, timed);
  } finally {
    await plain.stop();
  }
  // The same backends as the lesson runs them: a load report in every call's trailers.
  const withReports = await startBackends(server);
  let orcaP50Ms: number;
  try {
    orcaP50Ms = await unaryP50(client, withReports.target, timed);
  } finally {
    await withReports.stop();
  }
  const served = Object.values(roundRobin);
  return {
    calls,
    roundRobin,
    pickFirst,
    roundRobinMaxOverMin: round(Math.max(...served) / Math.max(1, Math.min(...served)), 3),
    orcaP50Ms: round(orcaP50Ms, 3),
    plainP50Ms: round(plainP50Ms, 3),
    orcaRatio: round(orcaP50Ms / plainP50Ms, 1),
  };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

const perBackend = (counts: Record<string, number>) =>
  BACKENDS.map((name) => `${name} ${counts[name].toLocaleString('en-US')}`).join(', ');

export function printLoadBalancing(result: LoadBalancingResult, log: (line: string) => void): void {
  log(
    `  round-robin spread over three backends (calls per backend), ${result.calls.toLocaleString('en-US')} calls: ` +
      `${perBackend(result.roundRobin)} (max/min ${result.roundRobinMaxOverMin}); pick_first: ${perBackend(result.pickFirst)}`,
  );
  log(
    `  unary p50 with a per-call ORCA load report ${result.orcaP50Ms} ms vs ${result.plainP50Ms} ms without: ratio ${result.orcaRatio}` +
      ' (grpc-js 1.14 parses orca.proto again for every report)',
  );
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await measureLoadBalancing({ quick: process.argv.includes('--quick') });
  printLoadBalancing(result, console.log);
  process.exit(0);
}

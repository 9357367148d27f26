// Lesson 20's measurement: the latency the nginx hop adds to a unary call,
// through grpc_pass (L7) and through the stream proxy (L4), against calling
// a backend directly. Backends: lesson 20's server.ts, in this process;
// nginx: the lesson's nginx.ts; calls: the lesson client's sayHello, one
// after another on one channel.
//
// Part of `npm run bench`; alone: npx tsx src/bench/nginx-hop.ts [--quick]
import { fileURLToPath, pathToFileURL } from 'node:url';
import { realpathSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import { findLesson } from '../lessons.js';
import { listen, shutdown } from '../runtime/serve.js';
import { median } from '../compare/stats.js';

type LessonServer = typeof import('../../lessons/20-proxy-in-front/server.js');
type LessonClient = typeof import('../../lessons/20-proxy-in-front/client.js');
type LessonNginx = typeof import('../../lessons/20-proxy-in-front/nginx.js');

const LESSON = findLesson('20')!;

export type NginxHopResult =
  | { skipped: string }
  | {
      calls: number;
      /** Unary p50 (ms), sequential calls on one channel. */
      directP50Ms: number;
      l7P50Ms: number;
      l4P50Ms: number;
      /** Through nginx over direct: 1 is no cost. */
      l7Ratio: number;
      l4Ratio: number;
    };

async function p50(client: LessonClient, channel: grpc.Client, calls: number): Promise<number> {
  const say = client.sayHello as (channel: grpc.Client, name: string) => Promise<unknown>;
  // Warm up: the connection, and nginx's kept-alive connections to every backend.
  for (let index = 0; index < 30; index++) await say(channel, 'bench');
  const times: number[] = [];
  for (let index = 0; index < calls; index++) {
    const started = performance.now();
    await say(channel, 'bench');
    times.push(performance.now() - started);
  }
  return median(times);
}

export async function measureNginxHop({ quick = false } = {}): Promise<NginxHopResult> {
  const dir = pathToFileURL(LESSON.dir).href;
  const [server, client, nginxLauncher] = await Promise.all([
    import(`${dir}server.ts`) as Promise<LessonServer>,
    import(`${dir}client.ts`) as Promise<LessonClient>,
    import(`${dir}nginx.ts`) as Promise<LessonNginx>,
  ]);
  const missing = nginxLauncher.nginxMissing();
  if (missing) return { skipped: missing };
  const calls = quick ? 100 : 1_000;
  const backends = await Promise.all(
    ['a', 'b', 'c'].map(async (name) => {
      const backend = server.createServer(undefined, name);
      return { backend, port: await listen(backend, '127.0.0.1', 0) };
    }),
  );
  const nginx = await nginxLauncher.startNginx(backends.map(({ port }) => `127.0.0.1:${port}`));
  const timeOn = async (port: number) => {
    const channel = client.proxyClient(port);
    try {
      return await p50(client, channel, calls);
    } finally {
      channel.close();
    }
  };
  try {
    // Interleaved rounds, so that a busy moment of the machine falls on all three alike.
    const direct: number[] = [];
    const l7: number[] = [];
    const l4: number[] = [];
    for (let round = 0; round < (quick ? 1 : 3); round++) {
      direct.push(await timeOn(backends[0].port));
      l7.push(await timeOn(nginx.l7Port));
      l4.push(await timeOn(nginx.l4Port));
    }
    const directP50Ms = median(direct);
    const l7P50Ms = median(l7);
    const l4P50Ms = median(l4);
    return {
      calls,
      directP50Ms: round(directP50Ms, 3),
      l7P50Ms: round(l7P50Ms, 3),
      l4P50Ms: round(l4P50Ms, 3),
      l7Ratio: round(l7P50Ms / directP50Ms, 2),
      l4Ratio: round(l4P50Ms / directP50Ms, 2),
    };
  } finally {
    await nginx.stop();
    await Promise.all(backends.map(({ backend }) => shutdown(backend, 500)));
  }
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

export function printNginxHop(result: NginxHopResult, log: (line: string) => void): void {
  if ('skipped' in result) {
    log(`  skipped: ${result.skipped}`);
    return;
  }
  log(
    `  unary p50 through nginx, ${result.calls.toLocaleString('en-US')} sequential calls: ` +
      `L7 (grpc_pass) ${result.l7P50Ms} ms, ratio ${result.l7Ratio}; L4 (stream) ${result.l4P50Ms} ms, ratio ${result.l4Ratio}; ` +
      `direct ${result.directP50Ms} ms`,
  );
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await measureNginxHop({ quick: process.argv.includes('--quick') });
  printNginxHop(result, console.log);
  process.exit(0);
}

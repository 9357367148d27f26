// Lesson 15's measurement: what TLS costs against plaintext, on loopback.
// The benchmarks' baseline HelloWorldService (bare-hello.ts) is served twice in
// this process, once insecure and once with lesson 15's credentials (its CA,
// a server certificate and a client certificate: mutual TLS); calls go one
// after another on one channel each, the two interleaved round by round so
// that machine noise hits both alike.
//
// Part of `npm run bench`; alone: npx tsx src/bench/tls-cost.ts [--quick]
import { fileURLToPath, pathToFileURL } from 'node:url';
import { realpathSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import { findLesson } from '../lessons.js';
import { loadHelloWorld } from '../proto.js';
import { median, ratio } from '../compare/stats.js';
import { listen } from '../runtime/serve.js';
import { bareHelloServer } from './bare-hello.js';
import type { HelloWorldServiceClient } from '../generated/rpc_package/HelloWorldService.js';
import type { HelloReply__Output } from '../generated/rpc_package/HelloReply.js';

type LessonServer = typeof import('../../lessons/15-tls-and-auth/server.js');

export interface TlsCostResult {
  calls: number;
  streamMessages: number;
  plainP50Ms: number;
  tlsP50Ms: number;
  /** TLS over plaintext: 1 is no cost. */
  unaryRatio: number;
  plainMsgPerSec: number;
  tlsMsgPerSec: number;
  /** TLS over plaintext throughput: 1 is no cost, below 1 slower. */
  streamRatio: number;
}

const sayHello = (client: HelloWorldServiceClient) =>
  new Promise<void>((resolve, reject) =>
    client.SayHello({ name: 'bench' }, { deadline: Date.now() + 10_000 }, (error) =>
      error ? reject(error) : resolve(),
    ),
  );

async function unaryTimes(client: HelloWorldServiceClient, calls: number): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < calls; index++) {
    const started = performance.now();
    await sayHello(client);
    times.push(performance.now() - started);
  }
  return times;
}

async function streamRate(client: HelloWorldServiceClient, messages: number): Promise<number> {
  const started = performance.now();
  let received = 0;
  const call = client.LotsOfReplies({ name: 'bench', reply_count: messages }, { deadline: Date.now() + 120_000 });
  call.on('data', (_reply: HelloReply__Output) => (received += 1));
  await new Promise<void>((resolve, reject) => call.on('end', resolve).on('error', reject));
  if (received !== messages) throw new Error(`stream ended after ${received} of ${messages}`);
  return (messages * 1_000) / (performance.now() - started);
}

export async function measureTlsCost({ quick = false } = {}): Promise<TlsCostResult> {
  const lesson = findLesson('15')!;
  const tls = (await import(`${pathToFileURL(lesson.dir).href}server.ts`)) as LessonServer;
  const certificates = await tls.issueCertificates();
  const rounds = quick ? 2 : 5;
  const callsPerRound = quick ? 100 : 400;
  const messages = quick ? 10_000 : 50_000;

  const plainServer = bareHelloServer();
  const tlsServer = bareHelloServer();
  const plainPort = await listen(plainServer, '127.0.0.1', 0);
  const tlsPort = await listen(tlsServer, '127.0.0.1', 0, tls.serverCredentials(certificates));
  const { rpc_package } = loadHelloWorld();
  const plain = new rpc_package.HelloWorldService(`127.0.0.1:${plainPort}`, grpc.credentials.createInsecure());
  const secure = new rpc_package.HelloWorldService(
    `localhost:${tlsPort}`,
    grpc.credentials.createSsl(
      Buffer.from(certificates.ca),
      Buffer.from(certificates.clientKey),
      Buffer.from(certificates.clientCert),
    ),
  );
  try {
    // Warm up both: the connection (and the handshake), and the JIT.
    await unaryTimes(plain, 50);
    await unaryTimes(secure, 50);
    const plainTimes: number[] = [];
    const tlsTimes: number[] = [];
    const plainRates: number[] = [];
    const tlsRates: number[] = [];
    for (let round = 0; round < rounds; round++) {
      plainTimes.push(...(await unaryTimes(plain, callsPerRound)));
      tlsTimes.push(...(await unaryTimes(secure, callsPerRound)));
      plainRates.push(await streamRate(plain, messages));
      tlsRates.push(await streamRate(secure, messages));
    }
    const plainP50 = median(plainTimes);
    const tlsP50 = median(tlsTimes);
    const plainRate = median(plainRates);
    const tlsRate = median(tlsRates);
    return {
      calls: rounds * callsPerRound,
      streamMessages: messages,
      plainP50Ms: Math.round(plainP50 * 1000) / 1000,
      tlsP50Ms: Math.round(tlsP50 * 1000) / 1000,
      unaryRatio: ratio(tlsP50, plainP50),
      plainMsgPerSec: Math.round(plainRate),
      tlsMsgPerSec: Math.round(tlsRate),
      streamRatio: ratio(tlsRate, plainRate),
    };
  } finally {
    plain.close();
    secure.close();
    plainServer.forceShutdown();
    tlsServer.forceShutdown();
  }
}

export function printTlsCost(result: TlsCostResult, log: (line: string) => void): void {
  log(
    `  unary p50, ${result.calls.toLocaleString('en-US')} sequential calls: TLS ${result.tlsP50Ms} ms, ` +
      `plaintext ${result.plainP50Ms} ms, ratio ${result.unaryRatio}`,
  );
  log(
    `  one stream of ${result.streamMessages.toLocaleString('en-US')} replies: TLS ${result.tlsMsgPerSec.toLocaleString('en-US')} msg/s, ` +
      `plaintext ${result.plainMsgPerSec.toLocaleString('en-US')} msg/s, ratio ${result.streamRatio}`,
  );
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await measureTlsCost({ quick: process.argv.includes('--quick') });
  printTlsCost(result, console.log);
  process.exit(0);
}

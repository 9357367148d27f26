// Lesson 17's exercise: grpc_server_handled_total, every call counted by its
// method and the status code it ended with, read back from the server's own
// /metrics as Prometheus reads it.
import * as grpc from '@grpc/grpc-js';
import { PROTO_DIR, loadHelloWorld, loadProto } from '../../proto.js';
import type { ProtoGrpcType as MonitoringProto } from '../../generated/monitoring.js';
import type { HelloRequest } from '../../generated/rpc_package/HelloRequest.js';
import type { HelloReply__Output } from '../../generated/rpc_package/HelloReply.js';
import type { MonitoringEndpoints__Output } from '../../generated/rpc_package/MonitoringEndpoints.js';
import type { MonitoringEndpointsRequest } from '../../generated/rpc_package/MonitoringEndpointsRequest.js';
import { describeStatus, eventually, fail, serverExercise, show, unary, type LessonChecks } from '../kit.js';

const HANDLED = 'grpc_server_handled_total';
const HELLO = { grpc_type: 'unary', grpc_service: 'rpc_package.HelloWorldService', grpc_method: 'SayHello' };

/** The /metrics URL the server printed ("metrics on http://127.0.0.1:P/metrics"). */
async function metricsUrl(serverOutput: () => string[]): Promise<string> {
  const find = () =>
    serverOutput()
      .map((line) => /metrics on (http:\/\/\S+\/metrics)/.exec(line)?.[1])
      .find(Boolean);
  await eventually(
    () => find() !== undefined,
    'the line "metrics on http://127.0.0.1:P/metrics" from the server',
    () => `only ${show(serverOutput().slice(-3))}`,
  );
  return find()!;
}

/** One sample of the text format: its labels and value. */
interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** Every sample of metric `name` that /metrics serves right now. */
async function samples(url: string, name: string): Promise<Sample[]> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  if (!response.ok) fail(`200 from GET ${url}`, `${response.status}`);
  const found: Sample[] = [];
  for (const line of (await response.text()).split('\n')) {
    const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
    found.push({ labels, value: Number(match[3]) });
  }
  return found;
}

/** The value of the sample with exactly these labels, 0 if there is none yet. */
function valueOf(found: Sample[], labels: Record<string, string>): number {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  return found.find((sample) => JSON.stringify(Object.entries(sample.labels).sort()) === wanted)?.value ?? 0;
}

/** "grpc_server_handled_total{grpc_method="SayHello",grpc_code="OK"}": a series in the text format's own words. */
const series = (labels: Record<string, string>) =>
  `${HANDLED}{${Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .join(',')}}`;

/** What /metrics has of the counter, in a phrase, for a failure. */
const described = (found: Sample[]) =>
  found.length === 0
    ? `no ${HANDLED} in /metrics`
    : found.map((sample) => `${series(sample.labels)} ${sample.value}`).join('; ');

/** Waits until each series has gone up by its count since `before`; fails saying what /metrics has. */
async function expectCounted(url: string, before: Sample[], counts: [Record<string, string>, number][]): Promise<void> {
  let now: Sample[] = before;
  const counted = () => counts.every(([labels, count]) => valueOf(now, labels) - valueOf(before, labels) === count);
  const deadline = Date.now() + 2_000;
  for (;;) {
    now = await samples(url, HANDLED);
    if (counted()) return;
    if (Date.now() > deadline)
      fail(counts.map(([labels, count]) => `${series(labels)} up by ${count}`).join(' and '), described(now));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function sayHello(target: string, name: string, deadlineMs = 5_000) {
  const client = new (loadHelloWorld().rpc_package.HelloWorldService)(target, grpc.credentials.createInsecure());
  try {
    // Connected first, so that a short deadline is spent on the server, not on connecting.
    await new Promise<void>((resolve) => client.waitForReady(Date.now() + 2_000, () => resolve()));
    return await unary<HelloRequest, HelloReply__Output>(client.SayHello.bind(client), { name }, { deadlineMs });
  } finally {
    client.close();
  }
}

/** 2 to 5: a count the learner cannot have typed into the file. */
const someCount = () => 2 + Math.floor(Math.random() * 4);

export const checks: LessonChecks = {
  server: serverExercise({
    checks: [
      {
        name: 'counts SayHello calls by their status code',
        async run({ target, serverOutput }) {
          const url = await metricsUrl(serverOutput);
          const before = await samples(url, HANDLED);
          const ok = someCount();
          const refused = someCount();
          const results = await Promise.all([
            ...Array.from({ length: ok }, (_, index) => sayHello(target, `Ada-${index}`)),
            ...Array.from({ length: refused }, () => sayHello(target, '')),
          ]);
          const wrong = results.find((result, index) =>
            index < ok ? result.error : result.error?.code !== grpc.status.INVALID_ARGUMENT,
          );
          if (wrong) fail(`${ok} greetings and ${refused} INVALID_ARGUMENT`, describeStatus(wrong.error));
          await expectCounted(url, before, [
            [{ ...HELLO, grpc_code: 'OK' }, ok],
            [{ ...HELLO, grpc_code: 'INVALID_ARGUMENT' }, refused],
          ]);
        },
      },
      {
        name: 'counts a call past its deadline as DEADLINE_EXCEEDED',
        async run({ target, serverOutput }) {
          const url = await metricsUrl(serverOutput);
          const before = await samples(url, HANDLED);
          // SayHello takes 30 ms: a 10 ms deadline passes first, and grpc-js answers it.
          const { error } = await sayHello(target, 'Ada', 10);
          if (error?.code !== grpc.status.DEADLINE_EXCEEDED)
            fail('DEADLINE_EXCEEDED for a call with a 10 ms deadline', describeStatus(error));
          await expectCounted(url, before, [[{ ...HELLO, grpc_code: 'DEADLINE_EXCEEDED' }, 1]]);
        },
      },
      {
        name: 'counts each method under its own name',
        async run({ target, serverOutput }) {
          const url = await metricsUrl(serverOutput);
          const before = await samples(url, HANDLED);
          const { rpc_package } = loadProto(`${PROTO_DIR}monitoring.proto`) as unknown as MonitoringProto;
          const client = new rpc_package.MonitoringService(target, grpc.credentials.createInsecure());
          const calls = someCount();
          const codes: string[] = [];
          try {
            for (let call = 0; call < calls; call++) {
              const { error } = await unary<MonitoringEndpointsRequest, MonitoringEndpoints__Output>(
                client.GetMonitoringEndpoints.bind(client),
                {},
              );
              codes.push(grpc.status[error?.code ?? grpc.status.OK]);
            }
          } finally {
            client.close();
          }
          // OK once Prometheus is up, UNAVAILABLE before: count whichever each call got.
          const byCode = new Map<string, number>();
          for (const code of codes) byCode.set(code, (byCode.get(code) ?? 0) + 1);
          await expectCounted(
            url,
            before,
            [...byCode].map(([code, count]) => [
              {
                grpc_type: 'unary',
                grpc_service: 'rpc_package.MonitoringService',
                grpc_method: 'GetMonitoringEndpoints',
                grpc_code: code,
              },
              count,
            ]),
          );
        },
      },
    ],
  }),
};

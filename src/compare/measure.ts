// Measures the same greeting service over gRPC and over REST, on loopback:
// bytes on the wire, encoded sizes, latency, throughput, streaming, and what
// each side does with input its contract does not allow.
import { performance } from 'node:perf_hooks';
import { request } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { HELLOWORLD_PROTO, REPORT_PROTO, loadDefinition } from '../proto.js';
import { countingProxy } from './proxy.js';
import { splitAddress } from '../address.js';
import { median, percentile } from './stats.js';

export interface ReadingInput {
  sensor_id: number;
  timestamp_ms: number;
  value: number;
  ok: boolean;
  unit: string;
}
export interface ReportInput {
  name: string;
  readings: ReadingInput[];
}

/** The calls a lesson client knows how to make, for any pair of addresses. */
export interface Callers {
  grpcHello(name: string): Promise<string>;
  restHello(name: string): Promise<string>;
  grpcReport(report: ReportInput): Promise<{ readings: number }>;
  restReport(report: ReportInput): Promise<{ readings: number }>;
  /** Opens one server stream of `count` replies; resolves with how many arrived. */
  grpcStream(count: number): Promise<number>;
  close(): void;
}
export type Connect = (targets: { grpc: string; rest: string }) => Callers;

export interface CompareOptions {
  /** Calls per payload when counting bytes: tiny, 10 KiB, 1 MiB. */
  byteCalls: [number, number, number];
  latencyCalls: number;
  concurrentCalls: number;
  inFlight: number;
  streamMessages: number;
  restStreamCalls: number;
}

export const LESSON_RUN: CompareOptions = {
  byteCalls: [100, 20, 3],
  latencyCalls: 300,
  concurrentCalls: 1_000,
  inFlight: 100,
  streamMessages: 5_000,
  restStreamCalls: 500,
};
export const BENCH_RUN: CompareOptions = {
  byteCalls: [500, 100, 10],
  latencyCalls: 2_000,
  concurrentCalls: 10_000,
  inFlight: 100,
  streamMessages: 50_000,
  restStreamCalls: 3_000,
};

export interface PayloadRow {
  payload: string;
  protobufBytes: number;
  jsonBytes: number;
  grpcWirePerCall: number;
  restWirePerCall: number;
}

export interface Comparison {
  payloads: PayloadRow[];
  latency: { grpcP50: number; grpcP99: number; restP50: number; restP99: number; calls: number };
  throughput: { grpcPerSec: number; restPerSec: number; inFlight: number; calls: number };
  streaming: { grpcPerSec: number; restPerSec: number; grpcMessages: number; restCalls: number };
}

/** A report whose protobuf encoding is about `bytes` long: numbers, a bool and a short string per reading. */
export function makeReport(bytes: number): ReportInput {
  const readings: ReadingInput[] = [];
  const perReading = 27; // measured encoding of one reading below, tag and length included
  for (let index = 0; readings.length * perReading < bytes; index++) {
    readings.push({
      sensor_id: index % 64,
      timestamp_ms: 1_764_000_000_000 + index * 1_000,
      value: Math.round(Math.sin(index) * 10_000) / 100,
      ok: index % 7 !== 0,
      unit: 'celsius',
    });
  }
  return { name: 'Ada', readings };
}

const helloMethods = methodsOf(HELLOWORLD_PROTO);
const reportMethods = methodsOf(REPORT_PROTO);

function methodsOf(protoPath: string): Record<string, grpc.MethodDefinition<object, object>> {
  const definition = loadDefinition(protoPath);
  return Object.assign({}, ...Object.values(definition).filter((entry) => !('format' in entry))) as Record<
    string,
    grpc.MethodDefinition<object, object>
  >;
}

async function timed<T>(work: () => Promise<T>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function wireBytesPerCall(
  connect: Connect,
  targets: { grpc: string; rest: string },
  calls: number,
  call: (callers: Callers) => Promise<unknown>,
  side: 'grpc' | 'rest',
): Promise<number> {
  const proxy = await countingProxy(targets[side]);
  const callers = connect(side === 'grpc' ? { ...targets, grpc: proxy.address } : { ...targets, rest: proxy.address });
  try {
    await call(callers); // connection set-up is paid once, not per call
    proxy.reset();
    for (let index = 0; index < calls; index++) await call(callers);
    const { up, down } = proxy.bytes();
    return Math.round((up + down) / calls);
  } finally {
    callers.close();
    await proxy.close();
  }
}

/** One call each way first, so that a wrong address fails with a clear message rather than midway. */
async function preflight(connect: Connect, targets: { grpc: string; rest: string }): Promise<void> {
  const callers = connect(targets);
  try {
    await callers.grpcHello('Ada');
    await callers.restHello('Ada').catch((error: Error) => {
      throw new Error(`the REST endpoint at ${targets.rest} did not answer: ${error.message}`);
    });
  } finally {
    callers.close();
  }
}

export async function compareRestAndGrpc(
  connect: Connect,
  targets: { grpc: string; rest: string },
  options: CompareOptions,
): Promise<Comparison> {
  await preflight(connect, targets);
  const payloads: PayloadRow[] = [];
  const cases: [
    string,
    unknown,
    (callers: Callers, side: 'grpc' | 'rest') => Promise<unknown>,
    grpc.MethodDefinition<object, object>,
  ][] = [
    [
      'tiny (HelloRequest)',
      { name: 'Ada' },
      (callers, side) => (side === 'grpc' ? callers.grpcHello('Ada') : callers.restHello('Ada')),
      helloMethods.SayHello,
    ],
  ];
  for (const [label, size] of [
    ['10 KiB report', 10 * 1024],
    ['1 MiB report', 1024 * 1024],
  ] as const) {
    const report = makeReport(size);
    cases.push([
      label,
      report,
      (callers, side) => (side === 'grpc' ? callers.grpcReport(report) : callers.restReport(report)),
      reportMethods.SendReport,
    ]);
  }
  for (const [index, [label, message, call, method]] of cases.entries()) {
    payloads.push({
      payload: label,
      protobufBytes: method.requestSerialize(message as object).length,
      jsonBytes: Buffer.byteLength(JSON.stringify(message)),
      grpcWirePerCall: await wireBytesPerCall(
        connect,
        targets,
        options.byteCalls[index],
        (callers) => call(callers, 'grpc'),
        'grpc',
      ),
      restWirePerCall: await wireBytesPerCall(
        connect,
        targets,
        options.byteCalls[index],
        (callers) => call(callers, 'rest'),
        'rest',
      ),
    });
  }

  const callers = connect(targets);
  try {
    // Warm both paths up before timing them.
    for (let index = 0; index < 50; index++) await Promise.all([callers.grpcHello('warm'), callers.restHello('warm')]);
    const grpcTimes: number[] = [];
    const restTimes: number[] = [];
    for (let index = 0; index < options.latencyCalls; index++) {
      grpcTimes.push(await timed(() => callers.grpcHello('Ada')));
      restTimes.push(await timed(() => callers.restHello('Ada')));
    }

    const concurrently = async (call: () => Promise<unknown>) => {
      let next = 0;
      const worker = async () => {
        while (next++ < options.concurrentCalls) await call();
      };
      const ms = await timed(() => Promise.all(Array.from({ length: options.inFlight }, worker)));
      return (options.concurrentCalls / ms) * 1000;
    };
    const grpcPerSec = await concurrently(() => callers.grpcHello('Ada'));
    const restPerSec = await concurrently(() => callers.restHello('Ada'));

    let streamed = 0;
    const streamMs = await timed(async () => (streamed = await callers.grpcStream(options.streamMessages)));
    const restMs = await timed(async () => {
      for (let index = 0; index < options.restStreamCalls; index++) await callers.restHello('Ada');
    });

    return {
      payloads,
      latency: {
        grpcP50: median(grpcTimes),
        grpcP99: percentile(grpcTimes, 99),
        restP50: median(restTimes),
        restP99: percentile(restTimes, 99),
        calls: options.latencyCalls,
      },
      throughput: { grpcPerSec, restPerSec, inFlight: options.inFlight, calls: options.concurrentCalls },
      streaming: {
        grpcPerSec: (streamed / streamMs) * 1000,
        restPerSec: (options.restStreamCalls / restMs) * 1000,
        grpcMessages: streamed,
        restCalls: options.restStreamCalls,
      },
    };
  } finally {
    callers.close();
  }
}

function ratioText(grpcValue: number, restValue: number, unit: string): string {
  return `${(restValue / grpcValue).toFixed(2)}x ${unit}`;
}

/** The comparison as a plain-text table. */
export function formatComparison(result: Comparison): string[] {
  const lines: string[] = [];
  const row = (cells: string[], widths: number[]) =>
    cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[index]) : cell.padStart(widths[index]))).join('  ');
  const widths = [20, 10, 10, 12, 12, 16];
  lines.push('Bytes (request + response for the wire columns; headers, framing and control frames included)');
  lines.push(row(['payload', 'protobuf', 'JSON', 'gRPC wire', 'REST wire', 'REST / gRPC wire'], widths));
  for (const payload of result.payloads) {
    lines.push(
      row(
        [
          payload.payload,
          `${payload.protobufBytes} B`,
          `${payload.jsonBytes} B`,
          `${payload.grpcWirePerCall} B`,
          `${payload.restWirePerCall} B`,
          `${(payload.restWirePerCall / payload.grpcWirePerCall).toFixed(2)}x`,
        ],
        widths,
      ),
    );
  }
  const { latency, throughput, streaming } = result;
  lines.push('');
  lines.push(
    `Latency, ${latency.calls} sequential tiny calls: gRPC p50 ${latency.grpcP50.toFixed(3)} ms, p99 ${latency.grpcP99.toFixed(3)} ms; REST p50 ${latency.restP50.toFixed(3)} ms, p99 ${latency.restP99.toFixed(3)} ms (REST takes ${ratioText(latency.grpcP50, latency.restP50, 'the time')})`,
  );
  lines.push(
    `Throughput, ${throughput.inFlight} calls in flight: gRPC ${Math.round(throughput.grpcPerSec)} calls/s, REST ${Math.round(throughput.restPerSec)} calls/s (gRPC does ${(throughput.grpcPerSec / throughput.restPerSec).toFixed(2)}x)`,
  );
  lines.push(
    `Streaming: one gRPC server stream ${Math.round(streaming.grpcPerSec)} msg/s; repeated REST calls ${Math.round(streaming.restPerSec)} msg/s (gRPC does ${(streaming.grpcPerSec / streaming.restPerSec).toFixed(1)}x)`,
  );
  return lines;
}

// ---- The contract, made concrete ----

export interface ContractCase {
  input: string;
  rest: string;
  grpc: string;
}

function restPost(target: string, body: string): Promise<string> {
  const { host, port } = splitAddress(target) ?? { host: target, port: 80 };
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host, port, method: 'POST', path: '/v1/hello', headers: { 'content-type': 'application/json' } },
      (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve(`${response.statusCode} ${text}`));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Sends hand-made bytes as a SayHello request: what a peer that ignores the contract could put on the wire. */
function grpcRaw(target: string, bytes: Buffer): Promise<string> {
  const client = new grpc.Client(target, grpc.credentials.createInsecure());
  const identity = (buffer: Buffer) => buffer;
  return new Promise((resolve) => {
    client.makeUnaryRequest('/rpc_package.HelloWorldService/SayHello', identity, identity, bytes, (error, reply) => {
      client.close();
      if (error) resolve(`${grpc.status[error.code]}: ${error.details}`);
      else resolve(`OK ${JSON.stringify(helloMethods.SayHello.responseDeserialize(reply!))}`);
    });
  });
}

export async function contractChecks(targets: { grpc: string; rest: string }): Promise<ContractCase[]> {
  const ada = Buffer.from('0a03416461', 'hex'); // field 1 (name), length 3, "Ada"
  return [
    {
      input: 'wrong type: name is the number 42',
      rest: await restPost(targets.rest, '{"name":42}'),
      // Field 1 sent as a varint (wire type 0) where the contract says string (wire type 2).
      grpc: await grpcRaw(targets.grpc, Buffer.from('082a', 'hex')),
    },
    {
      input: 'wrong wire type: field 1 marked varint, followed by a string',
      rest: await restPost(targets.rest, '{"name":["Ada"]}'),
      // 08 = field 1, wire type 0 (varint), where the contract says wire type 2.
      // protobufjs reads field 1 the way the schema says (a length, then bytes)
      // without checking the wire type, so "Ada" gets through.
      grpc: await grpcRaw(targets.grpc, Buffer.from('0803416461', 'hex')),
    },
    {
      input: 'missing field: no name at all',
      rest: await restPost(targets.rest, '{}'),
      grpc: await grpcRaw(targets.grpc, Buffer.alloc(0)),
    },
    {
      input: 'unknown field: admin=true added',
      rest: await restPost(targets.rest, '{"name":"Ada","admin":true}'),
      // Field 15 (not in the contract), varint 1, after the name.
      grpc: await grpcRaw(targets.grpc, Buffer.concat([ada, Buffer.from('7801', 'hex')])),
    },
  ];
}

export function formatContract(cases: ContractCase[]): string[] {
  const lines = ['What each side does with input outside the contract'];
  for (const { input, rest, grpc: grpcResult } of cases) {
    lines.push(`  ${input}`);
    lines.push(`    REST: ${rest}`);
    lines.push(`    gRPC: ${grpcResult}`);
  }
  return lines;
}

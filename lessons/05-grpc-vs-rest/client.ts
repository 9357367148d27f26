// The same calls made both ways: a gRPC stub against a hand-written JSON POST.
// Run alone, it makes each call once and prints what came back; the
// measurements (`npm run client -- 5`, the lesson UI, `npm run bench`) call
// these same functions many times from src/compare/.
//   npx tsx lessons/05-grpc-vs-rest/client.ts [--target H:P] [--rest-target H:P] [--name N]...
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as HelloProto } from '../../src/generated/helloworld.js';
import type { ProtoGrpcType as ReportProto } from '../../src/generated/report.js';
import type { HelloReply__Output } from '../../src/generated/rpc_package/HelloReply.js';
import type { Report } from '../../src/generated/rpc_package/Report.js';
import type { ReportSummary__Output } from '../../src/generated/rpc_package/ReportSummary.js';

const packageDefinition = protoLoader.loadSync(['helloworld.proto', 'report.proto'], {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as HelloProto & ReportProto;

/** Every call, either way, gives up after this long: a server that never answers must not hang the client. */
const CALL_TIMEOUT_MS = 10_000;

/** The calls this client can make, each over gRPC and over REST. */
export interface Callers {
  grpcHello(name: string): Promise<string>;
  restHello(name: string): Promise<string>;
  grpcReport(report: Report): Promise<{ readings: number }>;
  restReport(report: Report): Promise<{ readings: number }>;
  /** Opens one server stream of `count` replies; resolves with how many arrived. */
  grpcStream(count: number): Promise<number>;
  close(): void;
}

export function connect(targets: { grpc: string; rest: string }): Callers {
  // gRPC: one channel, one HTTP/2 connection, every call multiplexed on it.
  const greeter = new rpc_package.HelloWorldService(targets.grpc, grpc.credentials.createInsecure());
  const reports = new rpc_package.ReportService(targets.grpc, grpc.credentials.createInsecure());
  // REST: HTTP/1.1 carries one request at a time per connection, so concurrent
  // calls need a pool of connections; keep-alive reuses them between calls.
  const agent = new Agent({ keepAlive: true, maxSockets: 100 });
  const [host, port] = targets.rest.split(/:(?=\d+$)/);
  const deadline = () => ({ deadline: Date.now() + CALL_TIMEOUT_MS });

  const postJson = <T>(path: string, body: unknown): Promise<T> =>
    new Promise((resolve, reject) => {
      const json = JSON.stringify(body);
      const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) };
      // HTTP has no deadline that travels with the request: the client keeps its own timer.
      const outgoing = request(
        {
          host,
          port: Number(port),
          path,
          method: 'POST',
          agent,
          headers,
          signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            // Nothing checks this shape: the cast is a promise the server may not keep.
            const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
            if (response.statusCode === 200) resolve(parsed);
            else reject(new Error(`HTTP ${response.statusCode}: ${JSON.stringify(parsed)}`));
          });
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(json);
    });

  return {
    grpcHello: (name) =>
      new Promise((resolve, reject) =>
        greeter.SayHello({ name }, deadline(), (error, reply) =>
          error ? reject(error) : resolve((reply as HelloReply__Output).message),
        ),
      ),
    restHello: async (name) => (await postJson<{ message: string }>('/v1/hello', { name })).message,
    grpcReport: (report) =>
      new Promise((resolve, reject) =>
        reports.SendReport(report, deadline(), (error, summary) =>
          error ? reject(error) : resolve(summary as ReportSummary__Output),
        ),
      ),
    restReport: (report) => postJson<{ readings: number }>('/v1/reports', report),
    grpcStream: async (count) => {
      let received = 0;
      for await (const _reply of greeter.LotsOfReplies({ name: 'Ada', reply_count: count }, deadline())) received += 1;
      return received;
    },
    close: () => {
      greeter.close();
      reports.close();
      agent.destroy();
    },
  };
}

export async function runClient({
  target,
  restTarget,
  names = ['Ada'],
}: {
  target: string;
  restTarget: string;
  names?: string[];
}): Promise<void> {
  const callers = connect({ grpc: target, rest: restTarget });
  try {
    for (const name of names) {
      console.log(`gRPC SayHello:      ${await callers.grpcHello(name)}`);
      console.log(`REST /v1/hello:     ${await callers.restHello(name)}`);
    }
    const report = {
      name: names[0] ?? 'Ada',
      readings: [1.5, 2, 3.25].map((value, index) => ({
        sensor_id: index,
        timestamp_ms: String(Date.now()),
        value,
        ok: true,
        unit: 'C',
      })),
    };
    console.log(`gRPC SendReport:    ${JSON.stringify(await callers.grpcReport(report))}`);
    console.log(`REST /v1/reports:   ${JSON.stringify(await callers.restReport(report))}`);
    console.log(`gRPC LotsOfReplies: ${await callers.grpcStream(5)} replies on one stream`);
  } finally {
    callers.close();
  }
}

async function main(): Promise<void> {
  const flags = clientFlags();
  try {
    await runClient(flags);
  } catch (error) {
    const { code, details, message } = error as grpc.ServiceError;
    console.error(`error: ${code === undefined ? message : `${grpc.status[code]} (status ${code}): ${details}`}`);
    process.exitCode = 1;
  }
}

function clientFlags(): { target: string; restTarget: string; names?: string[] } {
  try {
    const { values } = parseArgs({
      options: {
        target: { type: 'string', default: '127.0.0.1:50051' },
        'rest-target': { type: 'string' },
        name: { type: 'string', multiple: true },
      },
    });
    // REST listens on the port after gRPC's unless told otherwise.
    const restTarget = values['rest-target'] ?? values.target.replace(/\d+$/, (port) => String(Number(port) + 1));
    return { target: values.target, restTarget, names: values.name };
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('. ')[0]}`);
    process.exit(2);
  }
}

// Run main() when this file is the program, not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) void main();

// The same calls made both ways, then measured side by side. The two call
// styles are what to read here; the measuring lives in src/compare/.
import { Agent, request } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { loadHelloWorld, loadReport } from '../../src/proto.js';
import type { HelloReply__Output } from '../../src/generated/rpc_package/HelloReply.js';
import type { ReportSummary__Output } from '../../src/generated/rpc_package/ReportSummary.js';
import { LESSON_RUN, compareRestAndGrpc, contractChecks, formatComparison, formatContract, type Callers, type ReportInput } from '../../src/compare/measure.js';

const { rpc_package: hello } = loadHelloWorld();
const { rpc_package: report } = loadReport();

export function connect(targets: { grpc: string; rest: string }): Callers {
  // gRPC: one channel, one HTTP/2 connection, every call multiplexed on it.
  const greeter = new hello.HelloWorldService(targets.grpc, grpc.credentials.createInsecure());
  const reports = new report.ReportService(targets.grpc, grpc.credentials.createInsecure());
  // REST: HTTP/1.1 carries one request at a time per connection, so concurrent
  // calls need a pool of connections; keep-alive reuses them between calls.
  const agent = new Agent({ keepAlive: true, maxSockets: 100 });
  const [host, port] = targets.rest.split(/:(?=\d+$)/);

  const postJson = <T>(path: string, body: unknown): Promise<T> =>
    new Promise((resolve, reject) => {
      const json = JSON.stringify(body);
      const outgoing = request({ host, port: Number(port), path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          // Nothing checks this shape: the cast is a promise the server may not keep.
          const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
          if (response.statusCode === 200) resolve(parsed);
          else reject(new Error(`HTTP ${response.statusCode}: ${JSON.stringify(parsed)}`));
        });
      });
      outgoing.on('error', reject);
      outgoing.end(json);
    });

  return {
    grpcHello: (name) =>
      new Promise((resolve, reject) =>
        greeter.SayHello({ name }, (error, reply) => (error ? reject(error) : resolve((reply as HelloReply__Output).message))),
      ),
    restHello: async (name) => (await postJson<{ message: string }>('/v1/hello', { name })).message,
    grpcReport: (input: ReportInput) =>
      new Promise((resolve, reject) =>
        reports.SendReport(input, (error, summary) => (error ? reject(error) : resolve(summary as ReportSummary__Output))),
      ),
    restReport: (input) => postJson<{ readings: number }>('/v1/reports', input),
    grpcStream: async (count) => {
      let received = 0;
      for await (const _reply of greeter.LotsOfReplies({ name: 'Ada', reply_count: count })) received += 1;
      return received;
    },
    close: () => {
      greeter.close();
      reports.close();
      agent.destroy();
    },
  };
}

export async function runClient({ target, restTarget }: { target: string; restTarget?: string }): Promise<void> {
  if (!restTarget) throw new Error('this lesson needs the REST endpoint too: pass --rest-target host:port');
  const targets = { grpc: target, rest: restTarget };
  const comparison = await compareRestAndGrpc(connect, targets, LESSON_RUN);
  for (const line of formatComparison(comparison)) console.log(line);
  console.log('');
  for (const line of formatContract(await contractChecks(targets))) console.log(line);
}

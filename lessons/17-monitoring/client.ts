// Reading a service's numbers as its operator does: make a known mix of calls,
// wait until Prometheus has scraped them, ask Prometheus with PromQL how many
// calls each method got and with which status codes, what share failed and
// how slow the slowest were; then ask channelz, over gRPC, what grpc-js itself
// counted on the server.
//   npx tsx lessons/17-monitoring/client.ts [--target H:P] [--name N]... [--watch-seconds S]
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ChannelzClient } from '@grpc/grpc-js/build/src/generated/grpc/channelz/v1/Channelz.js';
import type { GetServersResponse__Output } from '@grpc/grpc-js/build/src/generated/grpc/channelz/v1/GetServersResponse.js';
import type { GetServerSocketsResponse__Output } from '@grpc/grpc-js/build/src/generated/grpc/channelz/v1/GetServerSocketsResponse.js';
import type { GetSocketResponse__Output } from '@grpc/grpc-js/build/src/generated/grpc/channelz/v1/GetSocketResponse.js';
import type { ProtoGrpcType as HelloWorldProto } from '../../src/generated/helloworld.js';
import type { ProtoGrpcType as MonitoringProto } from '../../src/generated/monitoring.js';
import type { HelloReply__Output } from '../../src/generated/rpc_package/HelloReply.js';
import type { HelloWorldServiceClient } from '../../src/generated/rpc_package/HelloWorldService.js';
import type { MonitoringEndpoints__Output } from '../../src/generated/rpc_package/MonitoringEndpoints.js';

// The same contracts and load options as the server.
const packageDefinition = protoLoader.loadSync(['helloworld.proto', 'monitoring.proto'], {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as HelloWorldProto & MonitoringProto;
// channelz is a gRPC service like any other, and grpc-js carries its
// definition: the same object the server serves makes a client for it.
const ChannelzClientConstructor = grpc.makeGenericClientConstructor(grpc.getChannelzServiceDefinition(), 'Channelz');

/** How many SayHello calls the run makes. */
const CALLS = 25;
/** Every fifth call sends an empty name, which the server refuses: the errors to count. */
const FAILING_EVERY = 5;
/** The one method the client asks Prometheus about. */
const METHOD = 'SayHello';
/** How long to wait for Prometheus to start scraping, or to scrape again. It scrapes once a second. */
const SCRAPE_WAIT_MS = 20_000;
/** To watch the numbers move, set this above 0 and save (or pass --watch-seconds): calls for this long. */
const WATCH_SECONDS = 0;

/** One gRPC call with a deadline, as a promise. */
function unary<T>(start: (options: grpc.CallOptions, done: grpc.requestCallback<T>) => void): Promise<T> {
  // A deadline is an absolute point in time: the server sees it too.
  const deadline = Date.now() + 5_000;
  return new Promise((resolve, reject) =>
    start({ deadline }, (error, reply) => (error ? reject(error) : resolve(reply!))),
  );
}

export async function runClient({
  target,
  names = ['world'],
  watchSeconds = WATCH_SECONDS,
}: {
  target: string;
  names?: string[];
  watchSeconds?: number;
}): Promise<void> {
  // One channel, so one connection, for all three services: the greeter, the
  // lesson's endpoints service and channelz.
  const greeter = new rpc_package.HelloWorldService(target, grpc.credentials.createInsecure());
  const channelOverride = { channelOverride: greeter.getChannel() };
  const monitoring = new rpc_package.MonitoringService(target, grpc.credentials.createInsecure(), channelOverride);
  const channelz = new ChannelzClientConstructor(
    target,
    grpc.credentials.createInsecure(),
    channelOverride,
  ) as unknown as ChannelzClient;
  try {
    // All the client knows is the gRPC address: the server says where its
    // metrics are and which Prometheus scrapes them.
    const endpoints = await unary<MonitoringEndpoints__Output>((options, done) =>
      monitoring.GetMonitoringEndpoints({}, options, done),
    );
    const prometheus = promql(endpoints.prometheus_url);
    const up = `up{job="${endpoints.job}"}`;
    // Prometheus started with the server: let it settle in before the calls.
    await prometheus.waitFor(up, ([sample]) => sample?.value[1] === '1', 'scrape the server');
    console.log(`Prometheus is scraping the server's /metrics`);
    if (watchSeconds > 0) return await watch(greeter, prometheus, endpoints.job, names, watchSeconds);

    const codes = new Map<string, number>();
    for (let i = 0; i < CALLS; i += 1) {
      const name = (i + 1) % FAILING_EVERY === 0 ? '' : names[i % names.length];
      const code = await sayHello(greeter, name);
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    const lastCallEnded = Date.now();
    console.log(`${METHOD}, ${CALLS} calls: ${[...codes].map(([code, count]) => `${count} ${code}`).join(', ')}`);

    // Prometheus knows only what it has scraped. Every sample of a scrape
    // carries the time the scrape started: wait for one that started after
    // our last call ended (this machine's clock is Prometheus's too).
    await prometheus.waitFor(
      `timestamp(${up})`,
      ([sample]) => sample !== undefined && Number(sample.value[1]) * 1000 > lastCallEnded,
      'scrape the server after the last call',
    );
    console.log('Prometheus has scraped them');
    await printMetrics(prometheus, endpoints.job);
    await printChannelz(channelz, target);
  } finally {
    greeter.close();
  }
}

/** What Prometheus holds: calls by method and code, the error ratio, and latency percentiles. */
async function printMetrics(prometheus: Prometheus, job: string): Promise<void> {
  // Counters since the server started, not rates: exact numbers, right for a
  // run like this one. A dashboard asks for rates (see --watch-seconds).
  const handled = await prometheus.query(`sum by (grpc_method, grpc_code) (grpc_server_handled_total{job="${job}"})`);
  console.log('calls by method and status code:');
  const label = ({ metric }: Sample) => `${metric.grpc_method} ${metric.grpc_code}`;
  for (const sample of handled.sort((a, b) => (label(a) < label(b) ? -1 : 1)))
    console.log(`  ${label(sample)}: ${sample.value[1]}`);

  // `or vector(0)`: a method that never failed has no failing series at all,
  // and a sum over nothing is nothing, not 0.
  const only = `job="${job}",grpc_method="${METHOD}"`;
  const [ratio] = await prometheus.query(
    `(sum(grpc_server_handled_total{${only},grpc_code!="OK"}) or vector(0)) / sum(grpc_server_handled_total{${only}})`,
  );
  console.log(`${METHOD} error ratio: ${Number(Number(ratio.value[1]).toFixed(3))}`);

  // The histogram holds counts per bucket, not latencies. histogram_quantile
  // finds the bucket a percentile falls in and interpolates inside it, as if
  // its calls were spread evenly from one bound to the next: the number it
  // returns is a guess within the bucket, and the bucket is what it knows.
  const buckets = await prometheus.query(`sum by (le) (grpc_server_handling_seconds_bucket{${only}})`);
  const bounds = buckets.map(({ metric }) => Number(metric.le)).sort((a, b) => a - b);
  const bucketOf = async (quantile: number) => {
    const [estimate] = await prometheus.query(
      `histogram_quantile(${quantile}, sum by (le) (grpc_server_handling_seconds_bucket{${only}}))`,
    );
    const seconds = Number(estimate.value[1]);
    const upper = bounds.find((bound) => bound >= seconds) ?? Infinity;
    const lower = bounds.filter((bound) => bound < upper).at(-1) ?? 0;
    return `between ${lower * 1000} and ${upper * 1000} ms`;
  };
  console.log(`${METHOD} latency: p50 ${await bucketOf(0.5)}, p99 ${await bucketOf(0.99)}`);
}

/** One SayHello; resolves with the name of the status the server answered (OK or an error's). */
function sayHello(client: HelloWorldServiceClient, name: string): Promise<string> {
  return unary<HelloReply__Output>((options, done) => client.SayHello({ name }, options, done)).then(
    () => 'OK',
    (error: grpc.ServiceError) => {
      // No server, no metrics: that ends the run.
      if (error.code === undefined || error.code === grpc.status.UNAVAILABLE) throw error;
      return grpc.status[error.code];
    },
  );
}

/** The server's own view, from channelz: its calls, and the connection this client has to it. */
async function printChannelz(channelz: ChannelzClient, target: string): Promise<void> {
  const { server: servers } = await unary<GetServersResponse__Output>((options, done) =>
    channelz.GetServers({ start_server_id: 0 }, options, done),
  );
  // One process may run several servers: ours is the one listening on the port we dialled.
  const port = target.slice(target.lastIndexOf(':') + 1);
  const server = servers.find((candidate) => candidate.listen_socket.some((ref) => ref.name.endsWith(`:${port}`)));
  if (!server?.ref || !server.data) throw new Error(`channelz lists no server listening on port ${port}`);
  const { calls_started, calls_succeeded, calls_failed } = server.data;
  console.log(
    `channelz, the server: ${calls_started} calls started, ${calls_succeeded} succeeded, ${calls_failed} failed`,
  );
  const { socket_ref: sockets } = await unary<GetServerSocketsResponse__Output>((options, done) =>
    channelz.GetServerSockets({ server_id: server.ref!.server_id, start_socket_id: 0 }, options, done),
  );
  for (const ref of sockets) {
    const { socket } = await unary<GetSocketResponse__Output>((options, done) =>
      channelz.GetSocket({ socket_id: ref.socket_id }, options, done),
    );
    const data = socket?.data;
    if (!data) continue;
    console.log(
      `channelz, a connection: ${data.streams_started} streams started, ${data.streams_succeeded} succeeded, ${data.streams_failed} failed; ${data.messages_received} messages in, ${data.messages_sent} out`,
    );
  }
}

/** One series of a PromQL instant query's answer: its labels, and [time in seconds, value as text]. */
interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** Prometheus's HTTP API, at `baseUrl`. */
function promql(baseUrl: string) {
  const query = async (expression: string): Promise<Sample[]> => {
    const url = new URL('/api/v1/query', baseUrl);
    url.searchParams.set('query', expression);
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    const body = (await response.json()) as { status: string; error?: string; data?: { result: Sample[] } };
    if (body.status !== 'success') throw new Error(`Prometheus refused ${expression}: ${body.error}`);
    return body.data!.result;
  };
  /** Asks `expression` until its answer passes `done`; fails after SCRAPE_WAIT_MS. */
  const waitFor = async (expression: string, done: (result: Sample[]) => boolean, what: string) => {
    const deadline = Date.now() + SCRAPE_WAIT_MS;
    let last = 'no answer';
    while (Date.now() < deadline) {
      try {
        if (done(await query(expression))) return;
        last = 'not yet';
      } catch (error) {
        // Prometheus may still be starting: not listening, or not ready.
        last = (error as Error).message;
      }
      await sleep(200);
    }
    throw new Error(`Prometheus at ${baseUrl} did not ${what} within ${SCRAPE_WAIT_MS / 1000} s (${last})`);
  };
  return { query, waitFor };
}
type Prometheus = ReturnType<typeof promql>;

/** Calls for `seconds` at about 20 a second, every fifth failing, and prints what Prometheus sees every 5 s. */
async function watch(
  greeter: HelloWorldServiceClient,
  prometheus: Prometheus,
  job: string,
  names: string[],
  seconds: number,
): Promise<void> {
  const only = `job="${job}",grpc_method="${METHOD}"`;
  // rate() over a window: calls per second in the last 10 s, from two scrapes
  // or more. These are the queries a dashboard or an alert runs.
  const queries = {
    rate: `sum(rate(grpc_server_handled_total{${only}}[10s]))`,
    errors: `(sum(rate(grpc_server_handled_total{${only},grpc_code!="OK"}[10s])) or vector(0)) / sum(rate(grpc_server_handled_total{${only}}[10s]))`,
    p99: `histogram_quantile(0.99, sum by (le) (rate(grpc_server_handling_seconds_bucket{${only}}[10s])))`,
  };
  const ends = Date.now() + seconds * 1000;
  let nextReport = Date.now() + 5_000;
  for (let i = 0; Date.now() < ends; i += 1) {
    const slot = Date.now() + 50;
    await sayHello(greeter, (i + 1) % FAILING_EVERY === 0 ? '' : names[i % names.length]);
    if (Date.now() >= nextReport) {
      nextReport += 5_000;
      const [rate, errors, p99] = await Promise.all(
        [queries.rate, queries.errors, queries.p99].map(async (expression) => {
          const [sample] = await prometheus.query(expression);
          return sample ? Number(sample.value[1]) : NaN;
        }),
      );
      console.log(
        `last 10 s, from Prometheus: ${rate.toFixed(1)} calls/s, error ratio ${errors.toFixed(2)}, p99 ${(p99 * 1000).toFixed(1)} ms`,
      );
    }
    await sleep(Math.max(0, slot - Date.now()));
  }
}

async function main(): Promise<void> {
  const { target, names, watchSeconds } = clientFlags();
  try {
    await runClient({ target, names, watchSeconds });
  } catch (error) {
    // An RPC error carries a status code and details: print both, exit 1.
    const { code, details, message } = error as grpc.ServiceError;
    console.error(`error: ${code === undefined ? message : `${grpc.status[code]} (status ${code}): ${details}`}`);
    process.exitCode = 1;
  }
}

function clientFlags(): { target: string; names?: string[]; watchSeconds?: number } {
  try {
    const { values } = parseArgs({
      options: {
        target: { type: 'string', default: '127.0.0.1:50051' },
        name: { type: 'string', multiple: true },
        'watch-seconds': { type: 'string' },
      },
    });
    const watchSeconds = values['watch-seconds'] === undefined ? undefined : Number(values['watch-seconds']);
    if (watchSeconds !== undefined && !(watchSeconds > 0 && watchSeconds <= 3_600))
      throw new Error(`--watch-seconds wants seconds above 0 and at most 3600, not "${values['watch-seconds']}"`);
    return { target: values.target, names: values.name, watchSeconds };
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('. ')[0]}`);
    process.exit(2);
  }
}

// Run main() when this file is the program, not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) void main();

// Exercise: count every call by method and status code (lesson 17, exercise 1).
// Your copy is exercises/17-monitoring/server.ts; `npm run verify -- 17` runs
// it, makes calls that end in different ways, and reads what its /metrics
// says. `npm run exercise -- hint 17` gives a hint. The rest of the file
// already works: it is lesson 17's server (the interceptor that sees every
// call end, the histogram, /metrics, Prometheus). Needs Prometheus, as the lesson does.
//   npx tsx exercises/17-monitoring/server.ts [--host H] [--port P] [--metrics-port M]
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { Counter, Histogram, Registry } from 'prom-client';
import type { ProtoGrpcType as HelloWorldProto } from '../../src/generated/helloworld.js';
import type { ProtoGrpcType as MonitoringProto } from '../../src/generated/monitoring.js';
import type { HelloWorldServiceHandlers } from '../../src/generated/rpc_package/HelloWorldService.js';
import type { MonitoringServiceHandlers } from '../../src/generated/rpc_package/MonitoringService.js';
import type { MonitoringEndpoints } from '../../src/generated/rpc_package/MonitoringEndpoints.js';

// Lesson 01's contract, and this lesson's small one that says where the
// metrics are; the same load options as lesson 01 (see its server.ts for each).
const packageDefinition = protoLoader.loadSync(['helloworld.proto', 'monitoring.proto'], {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as HelloWorldProto & MonitoringProto;

// Stands for the work a real handler does: most greetings take WORK_MS, and
// one in SLOW_EVERY misses a cache and takes SLOW_MS. An average hides that
// one; the 99th percentile of the latency histogram shows it.
const WORK_MS = 30;
const SLOW_MS = 300;
const SLOW_EVERY = 20;
/** How often Prometheus reads /metrics. Its numbers are never fresher than this. */
const SCRAPE_INTERVAL = '1s';
/** The `job` label Prometheus puts on every series it scrapes from this server. */
const JOB = 'helloworld';
// The histogram's bucket bounds, in seconds. A histogram keeps only how many
// calls took at most each bound, so a latency can be read back no finer than
// its bucket: put bounds where your objectives are (a 50 ms goal wants 0.05).
// Each bound is one more series per method. These are prom-client's defaults.
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** SayHello, counting its greetings: each server its own count. */
function greeter(): HelloWorldServiceHandlers['SayHello'] {
  let greetings = 0;
  return (call, callback) => {
    const { name } = call.request;
    if (name.trim() === '') {
      callback({ code: grpc.status.INVALID_ARGUMENT, details: 'name must not be empty' });
      return;
    }
    greetings += 1;
    const workMs = greetings % SLOW_EVERY === 0 ? SLOW_MS : WORK_MS;
    setTimeout(() => callback(null, { message: `Hello, ${name}!` }), workMs);
  };
}

/** Calls of one method that ended in the last second: what the server's [rate] line reports. */
export interface SecondOfCalls {
  calls: number;
  failed: number;
  totalSeconds: number;
  slowestSeconds: number;
}

/** One server's metrics: the registry /metrics serves, and the interceptor that fills it. */
export interface Monitoring {
  registry: Registry;
  interceptor: grpc.ServerInterceptor;
  /** By method, the calls that ended since the server last printed its [rate] lines. */
  lastSecond: Map<string, SecondOfCalls>;
  /** What GetMonitoringEndpoints answers; unset until Prometheus has been started. */
  endpoints?: MonitoringEndpoints;
}

const rpcType = ({ requestStream, responseStream }: grpc.ServerMethodDefinition<unknown, unknown>) =>
  requestStream ? (responseStream ? 'bidi_stream' : 'client_stream') : responseStream ? 'server_stream' : 'unary';

/** How early a client's cancel may come and still be its deadline passing: the header's time in transit. */
const DEADLINE_SLACK_MS = 100;

/** A registry with the three gRPC metrics, and the server interceptor that fills it. */
export function createMonitoring(): Monitoring {
  // A registry of our own, not prom-client's global one: what /metrics serves
  // is exactly what is registered here.
  const registry = new Registry();
  // The names and labels of go-grpc-middleware's Prometheus interceptors, so
  // the dashboards and alerts written for gRPC services elsewhere work here too.
  const labelNames = ['grpc_type', 'grpc_service', 'grpc_method'] as const;
  const started = new Counter({
    name: 'grpc_server_started_total',
    help: 'RPCs started on the server.',
    labelNames,
    registers: [registry],
  });
  // TODO: a counter of the calls that ended, registered here, named as
  // go-grpc-middleware names it, grpc_server_handled_total, with the labels
  // above and one more, grpc_code: the name of the status code each call
  // ended with (OK, INVALID_ARGUMENT, DEADLINE_EXCEEDED...).
  const handling = new Histogram({
    name: 'grpc_server_handling_seconds',
    help: 'Time from the arrival of an RPC to its status, in seconds.',
    labelNames,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const lastSecond = new Map<string, SecondOfCalls>();

  // Every call of every method passes here (lesson 09), so one interceptor
  // measures them all and no handler has a line of monitoring in it.
  const interceptor: grpc.ServerInterceptor = (methodDefinition, call) => {
    const [service, method] = methodDefinition.path.slice(1).split('/');
    const labels = { grpc_type: rpcType(methodDefinition), grpc_service: service, grpc_method: method };
    const startedAt = performance.now();
    started.inc(labels);
    let ended = false;
    const end = (code: grpc.status) => {
      if (ended) return;
      ended = true;
      const seconds = (performance.now() - startedAt) / 1000;
      // A counter only goes up (back to 0 when the process restarts, which
      // PromQL's rate() notices). Prometheus turns it into calls per second.
      // TODO: count the call in that counter, under its code's name.
      handling.observe(labels, seconds);
      const second = lastSecond.get(method) ?? { calls: 0, failed: 0, totalSeconds: 0, slowestSeconds: 0 };
      second.calls += 1;
      if (code !== grpc.status.OK) second.failed += 1;
      second.totalSeconds += seconds;
      second.slowestSeconds = Math.max(second.slowestSeconds, seconds);
      lastSecond.set(method, second);
    };
    // onCancel comes at the end of every call. A status that went out through
    // here came first; without one, the client left, or the deadline passed and
    // grpc-js answered DEADLINE_EXCEEDED by itself, below every interceptor.
    const listener = new grpc.ServerListenerBuilder()
      .withOnCancel(() => {
        const deadline = Number(call.getDeadline());
        end(deadline - Date.now() <= DEADLINE_SLACK_MS ? grpc.status.DEADLINE_EXCEEDED : grpc.status.CANCELLED);
      })
      .build();
    const responder = new grpc.ResponderBuilder()
      .withStart((next) => next(listener))
      .withSendStatus((status, next) => {
        end(status.code);
        next(status);
      })
      .build();
    return new grpc.ServerInterceptingCall(call, responder);
  };
  return { registry, interceptor, lastSecond };
}

/** A server with this lesson's services on it, not yet bound to an address. */
export function createServer(options?: grpc.ServerOptions, monitoring = createMonitoring()): grpc.Server {
  // Interceptors passed in `options` come first: they wrap this server's own.
  const server = new grpc.Server({
    ...options,
    interceptors: [...(options?.interceptors ?? []), monitoring.interceptor],
  });
  server.addService(rpc_package.HelloWorldService.service, { SayHello: greeter() });
  const getMonitoringEndpoints: MonitoringServiceHandlers['GetMonitoringEndpoints'] = (_call, callback) => {
    if (monitoring.endpoints) callback(null, monitoring.endpoints);
    else callback({ code: grpc.status.UNAVAILABLE, details: 'Prometheus has not been started' });
  };
  server.addService(rpc_package.MonitoringService.service, { GetMonitoringEndpoints: getMonitoringEndpoints });
  // channelz: what grpc-js itself counts (calls started, succeeded, failed)
  // per server, channel and connection, as a gRPC service any client can
  // query. It says who is connected: in production serve it on an admin port.
  server.addService(grpc.getChannelzServiceDefinition(), grpc.getChannelzHandlers());
  return server;
}

/** An HTTP server whose GET /metrics answers with the registry's numbers, in Prometheus's text format. */
export function createMetricsServer(registry: Registry): http.Server {
  return http.createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    // Prometheus pulls: each scrape reads the counters as they are right now.
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
    );
  });
}

/** Where the server listening on `port` keeps Prometheus's config and data. */
export function prometheusDir(port: number): string {
  return join(tmpdir(), `grpc-lesson-17-${port}`);
}

/** Prometheus's whole configuration: one job that scrapes this server's /metrics. */
export function prometheusConfig(metricsTarget: string): string {
  return [
    'global:',
    `  scrape_interval: ${SCRAPE_INTERVAL}`,
    `  scrape_timeout: ${SCRAPE_INTERVAL}`,
    'scrape_configs:',
    `  - job_name: ${JOB}`,
    '    static_configs:',
    `      - targets: ['${metricsTarget}']`,
    '',
  ].join('\n');
}

/** The path of `command` in one of PATH's folders, as a shell finds it; undefined if there is none. */
function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return join(dir, command);
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** A port nobody listens on right now, on 127.0.0.1 (Prometheus cannot report one it picked itself). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createTcpServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts Prometheus on 127.0.0.1:port, with its config and data in `dir`. */
function startPrometheus(binary: string, dir: string, port: number, metricsTarget: string): ChildProcess {
  writeFileSync(join(dir, 'prometheus.yml'), prometheusConfig(metricsTarget));
  const args = [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=error',
  ];
  // A child outlives a parent killed outright (SIGKILL: no exit handler of
  // ours runs). Linux can tie it to us: `setpriv --pdeathsig TERM` asks the
  // kernel to send Prometheus SIGTERM the moment this process dies.
  const setpriv = onPath('setpriv');
  const [command, commandArgs] = setpriv ? [setpriv, ['--pdeathsig', 'TERM', '--', binary, ...args]] : [binary, args];
  return spawn(command, commandArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Resolves once Prometheus answers its readiness check (its storage is open, it scrapes). */
async function untilReady(prometheusUrl: string, child: ChildProcess): Promise<void> {
  while (child.exitCode === null && child.signalCode === null) {
    try {
      const response = await fetch(`${prometheusUrl}/-/ready`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function rateLine(method: string, { calls, failed, totalSeconds, slowestSeconds }: SecondOfCalls): string {
  const ms = (seconds: number) => `${(seconds * 1000).toFixed(1)} ms`;
  return `[rate] ${method}: ${calls} call${calls === 1 ? '' : 's'}/s, ${failed} failed; latency mean ${ms(totalSeconds / calls)}, slowest ${ms(slowestSeconds)}`;
}

async function main(): Promise<void> {
  const { host, port, metricsPort } = serverFlags();
  const binary = onPath('prometheus');
  if (!binary) {
    console.error('error: this lesson needs Prometheus: apt-get install prometheus');
    process.exit(2);
  }
  const monitoring = createMonitoring();
  const server = createServer(undefined, monitoring);
  // The metrics are served on their own HTTP port, on loopback only: they
  // name every method and how busy it is, for the Prometheus beside us.
  const metricsServer = createMetricsServer(monitoring.registry);
  const wantedMetricsPort = metricsPort ?? (port === 0 ? 0 : port + 1);
  metricsServer.once('error', (error) => {
    console.error(`error: cannot listen on 127.0.0.1:${wantedMetricsPort}: ${error.message}`);
    process.exit(1);
  });
  metricsServer.listen(wantedMetricsPort, '127.0.0.1');
  await once(metricsServer, 'listening');
  const metricsTarget = `127.0.0.1:${(metricsServer.address() as AddressInfo).port}`;
  const prometheusPort = await freePort();

  let prometheus: ChildProcess | undefined;
  let stopping = false;
  // Graceful shutdown: refuse new calls, let running ones finish, then exit.
  // A call that never ends would hold that forever, so cut it off after 2 s.
  // Prometheus gets SIGTERM and writes what it holds before it goes.
  const stop = (signal: NodeJS.Signals) => {
    console.log(`${signal}: shutting down`);
    stopping = true;
    setTimeout(() => server.forceShutdown(), 2_000).unref();
    metricsServer.close();
    metricsServer.closeAllConnections();
    const prometheusGone = new Promise<void>((resolve) => {
      if (!prometheus || prometheus.exitCode !== null || prometheus.signalCode !== null) return resolve();
      prometheus.once('exit', () => resolve());
      prometheus.kill('SIGTERM');
      // The exit handler below kills it outright if it takes longer.
      setTimeout(resolve, 5_000).unref();
    });
    const grpcGone = new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    void Promise.all([grpcGone, prometheusGone]).then(() => process.exit(0));
  };
  process.once('SIGINT', stop).once('SIGTERM', stop).once('SIGHUP', stop);

  // Insecure credentials: plain HTTP/2 without TLS, fine on loopback. Serving
  // starts as soon as the bind succeeds; port 0 asks the OS for a free one.
  server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
    if (error) {
      console.error(`error: cannot listen on ${host}:${port}: ${error.message}`);
      process.exit(1);
    }
    console.log(`listening on ${host}:${boundPort}`);
    console.log(`metrics on http://${metricsTarget}/metrics`);
    // Left over from a server on this port that was killed: ours now, since we hold the port.
    const dir = prometheusDir(boundPort);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { mode: 0o700 });
    const child = startPrometheus(binary, dir, prometheusPort, metricsTarget);
    prometheus = child;
    // Whatever way this process ends, Prometheus and its folder go with it.
    process.once('exit', () => {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });
    let lastError = '';
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      lastError = text.trim().split('\n').at(-1) ?? lastError;
    });
    child.once('exit', (code, signal) => {
      if (stopping) return;
      console.error(`error: Prometheus exited (${code ?? signal}): ${lastError}`);
      process.exit(1);
    });
    const prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
    monitoring.endpoints = { metrics_url: `http://${metricsTarget}/metrics`, prometheus_url: prometheusUrl, job: JOB };
    void untilReady(prometheusUrl, child).then(() => {
      if (child.exitCode === null && !stopping)
        console.log(`Prometheus on ${prometheusUrl}, scraping /metrics every ${SCRAPE_INTERVAL} (data in ${dir})`);
    });
  });

  // Live rate and latency per method, once a second while calls come in:
  // what a dashboard draws from the same numbers, a scrape later.
  setInterval(() => {
    for (const [method, second] of monitoring.lastSecond) console.log(rateLine(method, second));
    monitoring.lastSecond.clear();
  }, 1_000).unref();
}

function serverFlags(): { host: string; port: number; metricsPort?: number } {
  const portNumber = (flag: string, value: string) => {
    const port = Number(value);
    if (!/^\d+$/.test(value) || port > 65_535)
      throw new Error(`${flag} must be a number from 0 to 65535, got "${value}"`);
    return port;
  };
  try {
    const { values } = parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '50051' },
        'metrics-port': { type: 'string' },
      },
    });
    const port = portNumber('--port', values.port);
    const metricsPort =
      values['metrics-port'] === undefined ? undefined : portNumber('--metrics-port', values['metrics-port']);
    if (metricsPort === undefined && port === 65_535)
      throw new Error('--port 65535 leaves no port for the metrics; pass --metrics-port');
    return { host: values.host, port, metricsPort };
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('. ')[0]}`);
    process.exit(2);
  }
}

// Run main() when this file is the program, not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) void main();

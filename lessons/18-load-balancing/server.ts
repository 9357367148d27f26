// One backend of several. Client-side load balancing asks nothing of a server
// but to be there: the client's channel knows every backend's address and
// picks one for each call. This backend says who it is in every reply, so the
// client can count where its calls went, and reports its load to the client
// in the trailers of every call (ORCA), for the policy that weighs backends.
//   npx tsx lessons/18-load-balancing/server.ts [--host H] [--port P] [--name N] [--utilization U]
import { fileURLToPath } from 'node:url';
import { realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/helloworld.js';
import type { HelloWorldServiceHandlers } from '../../src/generated/rpc_package/HelloWorldService.js';

// The article's contract, loaded as in lesson 01: every backend serves the
// same service, which is what makes them interchangeable.
const packageDefinition = protoLoader.loadSync('helloworld.proto', {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

/** Who this backend is, and the load it reports. */
export interface Backend {
  /** Said in every reply: "(from backend a)". */
  name: string;
  /** How busy serving REPORTED_QPS keeps it, 0 to 1 (ORCA's application_utilization). */
  utilization: number;
}

// A real backend measures its request rate and how busy it is. These are told
// theirs (--utilization), so that every run weighs them the same: all serve
// 10 requests a second, and a backend whose utilization is 0.1 says that
// keeps it 10% busy.
const REPORTED_QPS = 10;
const DEFAULT_BACKEND: Backend = { name: 'a', utilization: 0.1 };

function sayHelloAs(backend: Backend): HelloWorldServiceHandlers['SayHello'] {
  return (call, callback) => {
    // ORCA (Open Request Cost Aggregation): a load report the server puts in
    // the trailers of each call, as endpoint-load-metrics-bin. grpc-js sends
    // it only from a server made with 'grpc.server_call_metric_recording'.
    // The weighted_round_robin policy of the client reads it and weighs each
    // backend qps / utilization: the requests it could serve per unit of busy.
    const metrics = call.getMetricsRecorder();
    metrics.recordQpsMetric(REPORTED_QPS);
    metrics.recordApplicationUtilizationMetric(backend.utilization);
    callback(null, { message: `Hello, ${call.request.name || 'world'}! (from backend ${backend.name})` });
  };
}

/** A server with this lesson's service on it, as `backend`, not yet bound to an address. */
export function createServer(options?: grpc.ServerOptions, backend: Backend = DEFAULT_BACKEND): grpc.Server {
  const server = new grpc.Server({ 'grpc.server_call_metric_recording': 1, ...options });
  server.addService(rpc_package.HelloWorldService.service, { SayHello: sayHelloAs(backend) });
  return server;
}

/**
 * Where the backend on TCP port `port` also listens: a unix socket, named
 * after the port so that a client that knows one address knows the other.
 * A unix socket is a file: no TCP, no port, reachable only from this machine.
 */
export function unixSocketPath(port: number): string {
  return join(tmpdir(), `grpc-lesson-18-${port}.sock`);
}

/** Binds `server` to host:port, then to the unix socket of the port it got; resolves with that port. */
export function bindBackend(server: grpc.Server, host: string, port: number): Promise<number> {
  const bind = (address: string) =>
    new Promise<number>((resolve, reject) =>
      server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
  return bind(`${host}:${port}`).then(async (bound) => {
    // A backend that was killed left its socket file behind: binding would fail on it.
    rmSync(unixSocketPath(bound), { force: true });
    await bind(`unix:${unixSocketPath(bound)}`);
    return bound;
  });
}

function main(): void {
  const { host, port, backend } = serverFlags();
  const server = createServer(undefined, backend);
  bindBackend(server, host, port).then(
    (bound) =>
      console.log(`listening on ${host}:${bound} and unix:${unixSocketPath(bound)} as backend ${backend.name}`),
    (error: Error) => {
      console.error(`error: cannot listen on ${host}:${port}: ${error.message}`);
      process.exit(1);
    },
  );
  // Graceful shutdown, as in lesson 01: new calls go elsewhere (the client's
  // channel sees the connection close and picks another backend), running
  // ones finish. Closing the server removes its socket file, so a closed
  // terminal (SIGHUP) gets the same; a killed backend leaves the file behind.
  const stop = (signal: NodeJS.Signals) => {
    setTimeout(() => server.forceShutdown(), 2_000).unref();
    server.tryShutdown(() => process.exit(0));
    console.log(`${signal}: shutting down`);
  };
  process.once('SIGINT', stop).once('SIGTERM', stop).once('SIGHUP', stop);
}

function serverFlags(): { host: string; port: number; backend: Backend } {
  try {
    const { values } = parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '50051' },
        name: { type: 'string', default: DEFAULT_BACKEND.name },
        utilization: { type: 'string', default: String(DEFAULT_BACKEND.utilization) },
      },
    });
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65_535)
      throw new Error(`--port must be a number from 0 to 65535, got "${values.port}"`);
    const utilization = Number(values.utilization);
    if (!(utilization > 0 && utilization <= 1))
      throw new Error(`--utilization must be a number above 0 and at most 1, got "${values.utilization}"`);
    return { host: values.host, port, backend: { name: values.name, utilization } };
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('. ')[0]}`);
    process.exit(2);
  }
}

// Run main() when this file is the program, not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) main();

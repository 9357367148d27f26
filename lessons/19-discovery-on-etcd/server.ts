// A backend that registers itself. Service discovery turns "which addresses
// serve helloworld?" into a question for a registry: each backend writes its
// own address into etcd when it starts, under a lease that it keeps alive, so
// the entry goes away by itself when the backend does, even when it cannot
// say goodbye (a crash, a lost machine). etcd's API is itself gRPC: the lease
// is kept alive on a bidirectional stream.
//   npx tsx lessons/19-discovery-on-etcd/server.ts [--host H] [--port P] [--name N] [--etcd H:P,H:P,...]
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/helloworld.js';
import type { ProtoGrpcType as EtcdProtoGrpcType } from '../../src/generated/etcd.js';
import type { HelloWorldServiceHandlers } from '../../src/generated/rpc_package/HelloWorldService.js';
import type { KVClient } from '../../src/generated/etcdserverpb/KV.js';
import type { LeaseClient } from '../../src/generated/etcdserverpb/Lease.js';
import type { LeaseGrantRequest } from '../../src/generated/etcdserverpb/LeaseGrantRequest.js';
import type { LeaseGrantResponse__Output } from '../../src/generated/etcdserverpb/LeaseGrantResponse.js';
import type { LeaseKeepAliveRequest } from '../../src/generated/etcdserverpb/LeaseKeepAliveRequest.js';
import type { LeaseKeepAliveResponse__Output } from '../../src/generated/etcdserverpb/LeaseKeepAliveResponse.js';
import type { LeaseRevokeRequest } from '../../src/generated/etcdserverpb/LeaseRevokeRequest.js';
import type { LeaseRevokeResponse__Output } from '../../src/generated/etcdserverpb/LeaseRevokeResponse.js';
import type { PutRequest } from '../../src/generated/etcdserverpb/PutRequest.js';
import type { PutResponse__Output } from '../../src/generated/etcdserverpb/PutResponse.js';
import { ETCD_MISSING, clusterForServer } from './cluster.js';

const loadOptions = {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};
const { rpc_package } = grpc.loadPackageDefinition(
  protoLoader.loadSync('helloworld.proto', loadOptions),
) as unknown as ProtoGrpcType;
// etcd's own contract (the part this lesson uses): KV to write the entry, Lease to keep it.
const { etcdserverpb } = grpc.loadPackageDefinition(
  protoLoader.loadSync('etcd.proto', loadOptions),
) as unknown as EtcdProtoGrpcType;

/** Where backends of a service register: one key per backend, its address after the prefix. */
export const servicePrefix = (service: string) => `/services/${service}/`;
/** How long an entry outlives a backend that stopped renewing it, in seconds. */
export const LEASE_TTL_SECONDS = 2;

function sayHelloAs(name: string): HelloWorldServiceHandlers['SayHello'] {
  return (call, callback) => {
    callback(null, { message: `Hello, ${call.request.name || 'world'}! (from backend ${name})` });
  };
}

/** A server with the lesson's service on it, answering as backend `name`, not yet bound to an address. */
export function createServer(options?: grpc.ServerOptions, name = 'a'): grpc.Server {
  const server = new grpc.Server(options);
  server.addService(rpc_package.HelloWorldService.service, { SayHello: sayHelloAs(name) });
  return server;
}

/** Calls a unary etcd method with a deadline; resolves with its response. */
function unary<Request, Response>(
  method: (request: Request, options: grpc.CallOptions, callback: grpc.requestCallback<Response>) => unknown,
  request: Request,
  timeoutMs = 2_000,
): Promise<Response> {
  return new Promise((resolve, reject) =>
    method(request, { deadline: Date.now() + timeoutMs }, (error, response) =>
      error ? reject(error) : resolve(response!),
    ),
  );
}

export interface Registration {
  /** The lease the entry is attached to now (a new one after the entry is written again). */
  readonly leaseId: string;
  /** Revokes the lease: etcd deletes the entry at once, and watchers hear of it. */
  deregister(): Promise<void>;
}

/**
 * Registers `address` as a backend of `service` in the etcd cluster at
 * `endpoints`, and keeps it registered: a lease of LEASE_TTL_SECONDS, renewed
 * three times per TTL. If the lease is lost anyway (revoked by an operator, or
 * expired while etcd was out of reach), the entry is gone: it is written again
 * under a new lease, after one TTL, so a backend that keeps losing its lease
 * does not flap in and out of every client's list.
 */
export async function register({
  endpoints,
  service,
  address,
  name,
  log = () => {},
}: {
  endpoints: string[];
  service: string;
  address: string;
  name: string;
  log?: (line: string) => void;
}): Promise<Registration> {
  // One channel to the whole cluster: any member takes writes (it forwards
  // them to the leader), and the channel moves to another member when the
  // one it uses goes away.
  const target = `ipv4:${endpoints.join(',')}`;
  const kv = new etcdserverpb.KV(target, grpc.credentials.createInsecure()) as KVClient;
  const lease = new etcdserverpb.Lease(target, grpc.credentials.createInsecure()) as LeaseClient;
  // Keys and values are bytes in etcd's API.
  const key = `${servicePrefix(service)}${address}`;
  const entry = { key: Buffer.from(key), value: Buffer.from(JSON.stringify({ address, name })) };
  let leaseId = '0';
  let stopped = false;
  let keepAlive: grpc.ClientDuplexStream<LeaseKeepAliveRequest, LeaseKeepAliveResponse__Output> | undefined;

  const writeEntry = async () => {
    // The entry lives as long as the lease: Put attaches it.
    const granted = await unary<LeaseGrantRequest, LeaseGrantResponse__Output>(
      (request, options, callback) => lease.LeaseGrant(request, options, callback),
      { TTL: LEASE_TTL_SECONDS },
    );
    await unary<PutRequest, PutResponse__Output>((request, options, callback) => kv.Put(request, options, callback), {
      ...entry,
      lease: granted.ID,
    });
    leaseId = granted.ID;
  };

  // A keep-alive is one message on a long-lived stream; etcd answers each with
  // the lease's TTL, or 0 when the lease no longer exists.
  const keepAliveLoop = async () => {
    while (!stopped) {
      const lost = await new Promise<boolean>((resolve) => {
        const stream = lease.LeaseKeepAlive();
        keepAlive = stream;
        const timer = setInterval(() => stream.write({ ID: leaseId }), (LEASE_TTL_SECONDS * 1000) / 3);
        stream.write({ ID: leaseId });
        stream.on('data', (response: LeaseKeepAliveResponse__Output) => {
          if (Number(response.TTL) > 0) return;
          clearInterval(timer);
          stream.cancel();
          resolve(true);
        });
        // The member this stream was on went away: a new stream finds another.
        stream.on('error', () => {
          clearInterval(timer);
          resolve(false);
        });
        stream.on('end', () => {
          clearInterval(timer);
          resolve(false);
        });
      });
      if (stopped) return;
      if (!lost) {
        await sleep(100);
        continue;
      }
      log(`lease ${leaseId} is gone, and ${key} with it: registering again in ${LEASE_TTL_SECONDS} s`);
      await sleep(LEASE_TTL_SECONDS * 1000);
      while (!stopped) {
        try {
          await writeEntry();
          log(`registered again under ${key} (lease ${leaseId})`);
          break;
        } catch {
          await sleep(500);
        }
      }
    }
  };

  // etcd may be electing a leader (a member just went away): writes wait for
  // one, so a first attempt that times out is tried again, for a while.
  for (const giveUpAt = Date.now() + 10_000; ;) {
    try {
      await writeEntry();
      break;
    } catch (error) {
      if (Date.now() > giveUpAt) throw error;
      await sleep(250);
    }
  }
  void keepAliveLoop();
  return {
    get leaseId() {
      return leaseId;
    },
    async deregister() {
      stopped = true;
      keepAlive?.cancel();
      try {
        await unary<LeaseRevokeRequest, LeaseRevokeResponse__Output>(
          (request, options, callback) => lease.LeaseRevoke(request, options, callback),
          { ID: leaseId },
          1_000,
        );
      } finally {
        kv.close();
        lease.close();
      }
    },
  };
}

async function main(): Promise<void> {
  const { host, port, name, etcd } = serverFlags();
  let endpoints: string[];
  try {
    endpoints = etcd ?? (await clusterForServer());
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    process.exit((error as Error).message === ETCD_MISSING ? 2 : 1);
  }
  const server = createServer(undefined, name);
  const bound = await new Promise<number>((resolve) =>
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
      if (error) {
        console.error(`error: cannot listen on ${host}:${port}: ${error.message}`);
        process.exit(1);
      }
      resolve(boundPort);
    }),
  );
  const address = `${host}:${bound}`;
  let registration: Registration | undefined;
  // Leaving in order: out of the registry first (clients stop choosing this
  // backend), then a graceful shutdown for the calls already here.
  const stop = async (signal: NodeJS.Signals) => {
    console.log(`${signal}: shutting down`);
    setTimeout(() => server.forceShutdown(), 2_000).unref();
    await registration?.deregister().catch(() => {});
    server.tryShutdown(() => process.exit(0));
  };
  process.once('SIGINT', stop).once('SIGTERM', stop).once('SIGHUP', stop);
  try {
    registration = await register({ endpoints, service: 'helloworld', address, name, log: console.log });
  } catch (error) {
    console.error(`error: cannot register in etcd at ${endpoints.join(',')}: ${(error as Error).message}`);
    process.exit(1);
  }
  console.log(`listening on ${address} as backend ${name}`);
  console.log(
    `registered in etcd at ${endpoints.join(',')} under ${servicePrefix('helloworld')}${address} (lease ${registration.leaseId}, TTL ${LEASE_TTL_SECONDS} s)`,
  );
}

function serverFlags(): { host: string; port: number; name: string; etcd?: string[] } {
  try {
    const { values } = parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '50051' },
        name: { type: 'string', default: 'a' },
        etcd: { type: 'string' },
      },
    });
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65_535)
      throw new Error(`--port must be a number from 0 to 65535, got "${values.port}"`);
    if (!/^[a-z0-9_-]{1,10}$/i.test(values.name))
      throw new Error(`--name must be 1 to 10 letters, digits, - or _, got "${values.name}"`);
    const etcd = values.etcd?.split(',');
    if (etcd && !etcd.every((endpoint) => /^[^\s:,]+:\d+$/.test(endpoint)))
      throw new Error(`--etcd must list host:port addresses separated by commas, got "${values.etcd}"`);
    return { host: values.host, port, name: values.name, etcd };
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('. ')[0]}`);
    process.exit(2);
  }
}

// Run main() when this file is the program, not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) void main();

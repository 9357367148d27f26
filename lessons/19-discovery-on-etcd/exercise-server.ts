// Exercise: keep the backend's lease alive (lesson 19, exercise 1).
// Your copy is exercises/19-discovery-on-etcd/server.ts; `npm run verify -- 19`
// runs it (it starts the lesson's etcd cluster first, which takes a few
// seconds) and reads etcd to see whether its entry is there, and stays.
// `npm run exercise -- hint 19` gives a hint. The rest of the file already
// works: it is lesson 19's server, which writes its entry under a lease of
// LEASE_TTL_SECONDS; left alone, the lease runs out and the entry goes.
//   npx tsx exercises/19-discovery-on-etcd/server.ts [--host H] [--port P] [--name N] [--etcd H:P,H:P,...]
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
// The lesson's etcd cluster, by a path that works from your copy in exercises/ too.
import { ETCD_MISSING, clusterForServer } from '../../lessons/19-discovery-on-etcd/cluster.js';

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

  // TODO: keep the lease alive until `stopped`, so that the entry stays as
  // long as this backend runs. etcd renews a lease for each keep-alive
  // request on the Lease service's LeaseKeepAlive stream (a bidirectional
  // stream: keep it open in `keepAlive`, which deregister() cancels); each
  // renewal lasts LEASE_TTL_SECONDS, so send them well within that. A stream
  // that breaks (its etcd member went away) is replaced by a new one. When
  // etcd answers a renewal with TTL 0, the lease is gone, and the entry with
  // it: write the entry again (writeEntry()) under a new lease.
  const keepAliveLoop = async () => {
    if (stopped) return;
    log(`lease ${leaseId} is not kept alive: ${key} goes in ${LEASE_TTL_SECONDS} s`);
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

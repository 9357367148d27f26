// Service discovery on the client: a target that names a service, not
// addresses. grpc-js turns a target into addresses with a name resolver,
// chosen by the target's scheme (dns:, ipv4:, unix: are built in); this file
// registers one more, etcd:, whose resolver reads the backends registered under
// the service's prefix in etcd and then watches it, handing the channel a new
// address list whenever a backend comes or goes. The channel's load-balancing
// policy (round_robin, as in lesson 18) spreads the calls over whatever the
// resolver last said.
//   npx tsx lessons/19-discovery-on-etcd/client.ts [--target etcd:///helloworld] [--name N]... [--etcd H:P,H:P,...] [--watch-seconds S]
import { EventEmitter } from 'node:events';
import { setImmediate as nextTick, setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/helloworld.js';
import type { ProtoGrpcType as EtcdProtoGrpcType } from '../../src/generated/etcd.js';
import type { HelloReply__Output } from '../../src/generated/rpc_package/HelloReply.js';
import type { HelloWorldServiceClient } from '../../src/generated/rpc_package/HelloWorldService.js';
import type { KVClient } from '../../src/generated/etcdserverpb/KV.js';
import type { LeaseClient } from '../../src/generated/etcdserverpb/Lease.js';
import type { WatchClient } from '../../src/generated/etcdserverpb/Watch.js';
import type { KeyValue__Output } from '../../src/generated/etcdserverpb/KeyValue.js';
import type { WatchRequest } from '../../src/generated/etcdserverpb/WatchRequest.js';
import type { WatchResponse__Output } from '../../src/generated/etcdserverpb/WatchResponse.js';
import { clusterForClient } from './cluster.js';

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
const { etcdserverpb } = grpc.loadPackageDefinition(
  protoLoader.loadSync('etcd.proto', loadOptions),
) as unknown as EtcdProtoGrpcType;

const SERVICE = 'helloworld';
/** The three backends the lesson starts. */
const EXPECTED_BACKENDS = 3;

/** A backend as it registered itself: its address, and the name it answers with. */
export interface Backend {
  address: string;
  name: string;
}

/** Every key with this prefix: etcd ranges are [key, range_end), and the prefix with its last byte plus one ends them. */
export function prefixRange(prefix: string): { key: Buffer; range_end: Buffer } {
  const key = Buffer.from(prefix);
  const end = Buffer.from(key);
  end[end.length - 1] += 1;
  return { key, range_end: end };
}

/** What the etcd: resolvers of this process resolved, as they resolve it: ('update', service, backends). */
export const resolutions = new EventEmitter();

/**
 * The etcd: scheme. A target `etcd://H:P,H:P,H:P/helloworld` names the etcd
 * cluster (its members' client addresses) and the service. The resolver
 * reads the service's prefix once (Range), then watches it from the next
 * revision on (Watch, a bidirectional stream), so no change in between is
 * missed. When the stream breaks (the etcd member it was on went away) it
 * reads and watches again, through another member.
 */
class EtcdResolver implements grpc.experimental.Resolver {
  private readonly endpoints: string[];
  private readonly service: string;
  private kv?: KVClient;
  private watch?: WatchClient;
  private stream?: grpc.ClientDuplexStream<WatchRequest, WatchResponse__Output>;
  private running = false;

  constructor(
    target: grpc.experimental.GrpcUri,
    private readonly listener: grpc.experimental.ResolverListener,
  ) {
    this.endpoints = (target.authority ?? '').split(',').filter(Boolean);
    this.service = target.path.replace(/^\//, '');
  }

  static getDefaultAuthority(target: grpc.experimental.GrpcUri): string {
    return target.path.replace(/^\//, '');
  }

  updateResolution(): void {
    if (this.running) return;
    this.running = true;
    if (this.endpoints.length === 0) {
      setImmediate(() => this.fail('the etcd: target names no etcd endpoints (etcd://H:P,H:P/service)'));
      return;
    }
    const target = `ipv4:${this.endpoints.join(',')}`;
    this.kv = new etcdserverpb.KV(target, grpc.credentials.createInsecure()) as KVClient;
    this.watch = new etcdserverpb.Watch(target, grpc.credentials.createInsecure()) as WatchClient;
    void this.follow();
  }

  destroy(): void {
    this.running = false;
    this.stream?.cancel();
    this.kv?.close();
    this.watch?.close();
  }

  private fail(details: string): void {
    this.listener(grpc.experimental.statusOrFromError({ code: grpc.status.UNAVAILABLE, details }), {}, null, '');
  }

  /** Reads the prefix, then watches it; again from the start whenever the watch breaks. */
  private async follow(): Promise<void> {
    const range = prefixRange(`/services/${this.service}/`);
    while (this.running) {
      try {
        const { kvs, header } = await new Promise<{ kvs: KeyValue__Output[]; header: { revision: string } }>(
          (resolve, reject) =>
            this.kv!.Range(range, { deadline: Date.now() + 2_000 }, (error, response) =>
              error ? reject(error) : resolve({ kvs: response!.kvs, header: response!.header! }),
            ),
        );
        const backends = new Map(kvs.map((kv) => [kv.key.toString(), parseBackend(kv.value)]));
        this.report(backends);
        await this.watchFrom(range, BigInt(header.revision) + 1n, backends);
      } catch {
        // etcd out of reach (or the member gone mid-call): keep the last list, try again.
      }
      if (this.running) await sleep(200);
    }
  }

  /** Follows the prefix's changes from `revision` on; resolves when the stream ends. */
  private watchFrom(
    range: { key: Buffer; range_end: Buffer },
    revision: bigint,
    backends: Map<string, Backend | undefined>,
  ): Promise<void> {
    return new Promise((resolve) => {
      const stream = this.watch!.Watch();
      this.stream = stream;
      stream.write({ create_request: { ...range, start_revision: revision.toString() } });
      stream.on('data', (response: WatchResponse__Output) => {
        if (response.events.length === 0) return;
        for (const event of response.events) {
          const key = event.kv!.key.toString();
          if (event.type === 'DELETE') backends.delete(key);
          else backends.set(key, parseBackend(event.kv!.value));
        }
        this.report(backends);
      });
      stream.on('error', () => resolve());
      stream.on('end', () => resolve());
    });
  }

  private report(found: Map<string, Backend | undefined>): void {
    if (!this.running) return;
    const backends = [...found.values()]
      .filter((backend): backend is Backend => backend !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name));
    if (backends.length === 0) {
      this.fail(`no backend of ${this.service} is registered in etcd`);
    } else {
      const endpoints = backends.map(({ address }) => {
        const { host, port } = grpc.experimental.splitHostPort(address)!;
        return { addresses: [{ host, port: port! }] };
      });
      this.listener(grpc.experimental.statusOrFromValue(endpoints), {}, null, '');
    }
    resolutions.emit('update', this.service, backends);
  }
}

function parseBackend(value: Buffer): Backend | undefined {
  try {
    const { address, name } = JSON.parse(value.toString()) as Backend;
    return typeof address === 'string' && typeof name === 'string' ? { address, name } : undefined;
  } catch {
    return undefined;
  }
}

// From here on, any channel in this process can use an etcd: target.
grpc.experimental.registerResolver('etcd', EtcdResolver);

/** A client whose channel resolves `service` through etcd and spreads its calls round_robin. */
export function clientFor(endpoints: string[], service = SERVICE): HelloWorldServiceClient {
  return new rpc_package.HelloWorldService(
    `etcd://${endpoints.join(',')}/${service}`,
    grpc.credentials.createInsecure(),
    {
      'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
    },
  );
}

/** Resolves with the backends of the next resolution that `wanted` accepts (within `timeoutMs`). */
export function resolution(wanted: (backends: Backend[]) => boolean, timeoutMs = 10_000): Promise<Backend[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      resolutions.off('update', onUpdate);
      reject(new Error(`etcd did not list the backends expected within ${timeoutMs} ms`));
    }, timeoutMs);
    const onUpdate = (_service: string, backends: Backend[]) => {
      if (!wanted(backends)) return;
      clearTimeout(timer);
      resolutions.off('update', onUpdate);
      // The channel took the list before this listener heard of it; let it settle first.
      void nextTick().then(() => resolve(backends));
    };
    resolutions.on('update', onUpdate);
  });
}

function sayHello(client: HelloWorldServiceClient, name: string, timeoutMs = 5_000): Promise<HelloReply__Output> {
  return new Promise((resolve, reject) => {
    client.SayHello({ name }, { deadline: Date.now() + timeoutMs }, (error, reply) =>
      error ? reject(error) : resolve(reply!),
    );
  });
}

/** Which backend answered: "(from backend a)". */
export const backendOf = (reply: HelloReply__Output) => /\(from backend (.+)\)$/.exec(reply.message)?.[1] ?? '?';

/** Makes `count` calls one after another; resolves with how many each backend answered. */
export async function callMany(client: HelloWorldServiceClient, count: number, names: string[]) {
  const answered = new Map<string, number>();
  for (let call = 0; call < count; call++) {
    const backend = backendOf(await sayHello(client, names[call % names.length]));
    answered.set(backend, (answered.get(backend) ?? 0) + 1);
  }
  return answered;
}

/**
 * Calls until each of `backends` has answered: round_robin picks only among
 * backends already connected, and one that was just resolved connects first.
 */
async function untilEachAnswers(client: HelloWorldServiceClient, backends: Backend[], names: string[]) {
  const waiting = new Set(backends.map((backend) => backend.name));
  for (let call = 0; waiting.size > 0 && call < 100; call++)
    waiting.delete(backendOf(await sayHello(client, names[call % names.length])));
}

const listed = (backends: Backend[]) => backends.map((backend) => backend.name).join(', ');
const spread = (answered: Map<string, number>) =>
  [...answered]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([backend, count]) => `${backend} ${count}`)
    .join(', ');

/**
 * What an operator does to take a backend out of service: revoke its lease.
 * etcd deletes every key attached to it, and every watcher hears at once.
 */
async function revokeLeaseOf(endpoints: string[], backend: Backend, service = SERVICE): Promise<void> {
  const target = `ipv4:${endpoints.join(',')}`;
  const kv = new etcdserverpb.KV(target, grpc.credentials.createInsecure()) as KVClient;
  const lease = new etcdserverpb.Lease(target, grpc.credentials.createInsecure()) as LeaseClient;
  const deadline = () => ({ deadline: Date.now() + 2_000 });
  try {
    const entry = await new Promise<KeyValue__Output | undefined>((resolve, reject) =>
      kv.Range({ key: Buffer.from(`/services/${service}/${backend.address}`) }, deadline(), (error, response) =>
        error ? reject(error) : resolve(response!.kvs[0]),
      ),
    );
    if (!entry) throw new Error(`backend ${backend.name} is not registered`);
    await new Promise((resolve, reject) =>
      lease.LeaseRevoke({ ID: entry.lease }, deadline(), (error, response) =>
        error ? reject(error) : resolve(response),
      ),
    );
  } finally {
    kv.close();
    lease.close();
  }
}

export async function runClient({
  target = `etcd:///${SERVICE}`,
  names = ['world'],
  etcd,
}: {
  target?: string;
  names?: string[];
  etcd?: string[];
}): Promise<void> {
  // The tutorial's runner passes the addresses of the servers it started
  // (ipv4:...): this client needs only the service's name, and asks etcd.
  const service = /^etcd:\/\/[^/]*\/(.+)$/.exec(target)?.[1] ?? SERVICE;
  const endpoints = etcd ?? clusterForClient();
  if (!endpoints) throw new Error('no etcd cluster of this lesson is running: start its servers, or pass --etcd');
  const client = clientFor(endpoints, service);
  try {
    // A channel is lazy: it starts resolving at its first call, or when asked to connect.
    const first = resolution((backends) => backends.length >= EXPECTED_BACKENDS);
    client.getChannel().getConnectivityState(true);
    const all = await first;
    console.log(`etcd lists ${all.length} backends: ${listed(all)}`);
    await untilEachAnswers(client, all, names);
    console.log(`round_robin, 9 calls: ${spread(await callMany(client, 9, names))}`);

    // Take the last one out as an operator would, and watch the calls move.
    const leaving = all[all.length - 1];
    const without = resolution((backends) => !backends.some((backend) => backend.name === leaving.name));
    await revokeLeaseOf(endpoints, leaving, service);
    const rest = await without;
    console.log(`${leaving.name}'s lease revoked: etcd lists ${listed(rest)}`);
    await untilEachAnswers(client, rest, names);
    console.log(`round_robin, 8 calls: ${spread(await callMany(client, 8, names))}`);

    // The backend notices its lease is gone and registers again (see server.ts).
    const back = await resolution((backends) => backends.some((backend) => backend.name === leaving.name));
    console.log(`${leaving.name} registers again with a new lease: etcd lists ${listed(back)}`);
    await untilEachAnswers(client, back, names);
    console.log(`round_robin again, 9 calls: ${spread(await callMany(client, 9, names))}`);
  } finally {
    client.close();
  }
}

/**
 * Calls every 200 ms for `seconds`, saying each second where the calls went,
 * and every list etcd gives: kill, stop or start a backend meanwhile.
 */
export async function watch({
  target = `etcd:///${SERVICE}`,
  names = ['world'],
  etcd,
  seconds,
}: {
  target?: string;
  names?: string[];
  etcd?: string[];
  seconds: number;
}): Promise<void> {
  const service = /^etcd:\/\/[^/]*\/(.+)$/.exec(target)?.[1] ?? SERVICE;
  const endpoints = etcd ?? clusterForClient();
  if (!endpoints) throw new Error('no etcd cluster of this lesson is running: start its servers, or pass --etcd');
  const client = clientFor(endpoints, service);
  let last = '';
  const onUpdate = (_service: string, backends: Backend[]) => {
    if (listed(backends) !== last) console.log(`etcd lists ${listed(backends) || 'no backend'}`);
    last = listed(backends);
  };
  resolutions.on('update', onUpdate);
  let second = new Map<string, number>();
  const end = Date.now() + seconds * 1_000;
  let nextReport = Date.now() + 1_000;
  try {
    for (let call = 0; Date.now() < end; call++) {
      let outcome: string;
      try {
        outcome = backendOf(await sayHello(client, names[call % names.length], 1_000));
      } catch (error) {
        outcome = grpc.status[(error as grpc.ServiceError).code] ?? 'error';
      }
      second.set(outcome, (second.get(outcome) ?? 0) + 1);
      if (Date.now() >= nextReport) {
        console.log(`last second: ${spread(second)}`);
        second = new Map();
        nextReport += 1_000;
      }
      await sleep(200);
    }
  } finally {
    resolutions.off('update', onUpdate);
    client.close();
  }
}

async function main(): Promise<void> {
  const { target, names, etcd, watchSeconds } = clientFlags();
  try {
    if (watchSeconds > 0) await watch({ target, names, etcd, seconds: watchSeconds });
    else await runClient({ target, names, etcd });
  } catch (error) {
    const { code, details, message } = error as grpc.ServiceError;
    console.error(`error: ${code === undefined ? message : `${grpc.status[code]} (status ${code}): ${details}`}`);
    process.exitCode = 1;
  }
}

function clientFlags(): { target: string; names?: string[]; etcd?: string[]; watchSeconds: number } {
  try {
    const { values } = parseArgs({
      options: {
        target: { type: 'string', default: `etcd:///${SERVICE}` },
        name: { type: 'string', multiple: true },
        etcd: { type: 'string' },
        'watch-seconds': { type: 'string', default: '0' },
      },
    });
    const etcd = values.etcd?.split(',');
    if (etcd && !etcd.every((endpoint) => /^[^\s:,]+:\d+$/.test(endpoint)))
      throw new Error(`--etcd must list host:port addresses separated by commas, got "${values.etcd}"`);
    if (!/^\d+$/.test(values['watch-seconds']))
      throw new Error(`--watch-seconds must be a whole number, got "${values['watch-seconds']}"`);
    return { target: values.target, names: values.name, etcd, watchSeconds: Number(values['watch-seconds']) };
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('. ')[0]}`);
    process.exit(2);
  }
}

// Run main() when this file is the program, not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) void main();

// Exercise: make the channel balance its calls by the policy it is given (lesson 18, exercise 1).
// Your copy is exercises/18-load-balancing/client.ts; `npm run verify -- 18`
// runs it against three backends that record which of them each call
// reached. `npm run exercise -- hint 18` gives a hint. The rest of the file
// already works: it is lesson 18's client, which makes a client per policy
// with clientFor() and counts where the calls went, with its pick_first and
// round_robin runs only (client.ts has the others).
//   npx tsx exercises/18-load-balancing/client.ts [--target T] [--name N]... [--watch-seconds S] [--policy P]
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/helloworld.js';
import type { HelloReply__Output } from '../../src/generated/rpc_package/HelloReply.js';
import type { HelloWorldServiceClient } from '../../src/generated/rpc_package/HelloWorldService.js';

const packageDefinition = protoLoader.loadSync('helloworld.proto', {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

// Three backends on this machine, as `npm run server -- 18` starts them. The
// `ipv4:` scheme lists addresses: grpc-js resolves it to all three, with no
// DNS lookup. A plain host:port is one address; `dns:name:port` is every
// address the name resolves to; `unix:/path` is a unix socket.
const DEFAULT_TARGET = 'ipv4:127.0.0.1:50051,127.0.0.1:50052,127.0.0.1:50053';

/** How often weighted_round_robin recomputes its weights from the load reports. */
export const WEIGHT_UPDATE_MS = 1_000;
/** Watching (--watch-seconds): a call this often, each with this long to find a backend. */
const WATCH_INTERVAL_MS = 200;
const WATCH_TIMEOUT_MS = 1_000;

// The policy is the service config's loadBalancingConfig (a service owner may
// also publish it in DNS, as a TXT record); the first policy in the list that
// the client knows is the one it uses.
export const POLICIES = {
  // The default: connect to the first address that answers, and send every
  // call there until that connection breaks. Failover, not balancing.
  pick_first: { loadBalancingConfig: [{ pick_first: {} }] },
  // A connection to every backend, and each call to the next connected one.
  round_robin: { loadBalancingConfig: [{ round_robin: {} }] },
  // round_robin, with each backend weighted by the load it reports (ORCA, see
  // server.ts). Weights count from the first report (blackout 0 s, 10 s by
  // default) and are recomputed every weight_update_period.
  weighted_round_robin: {
    loadBalancingConfig: [
      { weighted_round_robin: { blackout_period: '0s', weight_update_period: `${WEIGHT_UPDATE_MS / 1000}s` } },
    ],
  },
} as const;
export type Policy = keyof typeof POLICIES;

/** A client whose channel balances its calls over `target` by `policy`. */
export function clientFor(target: string, policy: Policy): HelloWorldServiceClient {
  // TODO: a channel picks a backend for each call by the policy its service
  // config names; without one, it uses pick_first. Give this channel the
  // service config of `policy` (see POLICIES), as a channel option.
  return new rpc_package.HelloWorldService(target, grpc.credentials.createInsecure());
}

/** Which backend answered: each says so at the end of its reply, "(from backend a)". */
export function backendOf(reply: HelloReply__Output): string {
  return /\(from backend (.+)\)$/.exec(reply.message)?.[1] ?? 'unknown';
}

function sayHello(client: HelloWorldServiceClient, name: string, timeoutMs = 5_000): Promise<HelloReply__Output> {
  return new Promise((resolve, reject) => {
    client.SayHello({ name }, { deadline: Date.now() + timeoutMs }, (error, reply) =>
      error ? reject(error) : resolve(reply!),
    );
  });
}

/** Makes `count` calls one after another; resolves with how many each backend answered. */
export async function callMany(
  client: HelloWorldServiceClient,
  count: number,
  names: string[] = ['world'],
): Promise<Map<string, number>> {
  const answered = new Map<string, number>();
  for (let call = 0; call < count; call++) {
    const backend = backendOf(await sayHello(client, names[call % names.length]));
    answered.set(backend, (answered.get(backend) ?? 0) + 1);
  }
  return answered;
}

/**
 * Calls until `backends` different backends have answered (at most 100 calls).
 * A round_robin channel connects to every backend at once, but picks only
 * among those already connected: the first calls go to whichever connected
 * first. Once each has answered, each is connected.
 */
export async function untilEveryBackendAnswers(
  client: HelloWorldServiceClient,
  backends: number,
  names: string[] = ['world'],
): Promise<void> {
  const seen = new Set<string>();
  for (let call = 0; seen.size < backends && call < 100; call++)
    seen.add(backendOf(await sayHello(client, names[call % names.length])));
}

/** "a 3, b 3, c 3": each backend's count, by name. */
const spread = (answered: Map<string, number>, shown = (count: number) => String(count)) =>
  [...answered]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([backend, count]) => `${backend} ${shown(count)}`)
    .join(', ');

/** The addresses an `ipv4:` or `ipv6:` target lists, or a plain host:port; none for other schemes (dns:, unix:). */
export function addressesOf(target: string): string[] {
  const listed = /^ipv[46]:(.*)$/.exec(target);
  if (listed) return listed[1].split(',');
  return /^[a-z]+:/.test(target) && !/^[^:]+:\d+$/.test(target) ? [] : [target];
}

export async function runClient({ target, names = ['world'] }: { target: string; names?: string[] }): Promise<void> {
  const addresses = addressesOf(target);
  const backends = Math.max(1, addresses.length);
  const run = async (policy: Policy, work: (client: HelloWorldServiceClient) => Promise<void>) => {
    const client = clientFor(target, policy);
    try {
      await work(client);
    } finally {
      client.close();
    }
  };

  await run('pick_first', async (client) => {
    const answered = await callMany(client, 9, names);
    const others = backends - answered.size;
    console.log(`pick_first, 9 calls: ${spread(answered)}${others > 0 ? `, the other ${others} none` : ''}`);
  });

  await run('round_robin', async (client) => {
    await untilEveryBackendAnswers(client, backends, names);
    console.log(`round_robin, 9 calls: ${spread(await callMany(client, 9, names))}`);
  });
}

/**
 * Calls once every WATCH_INTERVAL_MS for `seconds`, and says each second
 * where the calls went: kill or stop a backend meanwhile and watch its share
 * move to the others, and come back when it does.
 */
export async function watch({
  target,
  policy,
  seconds,
  names = ['world'],
}: {
  target: string;
  policy: Policy;
  seconds: number;
  names?: string[];
}): Promise<void> {
  const client = clientFor(target, policy);
  const total = new Map<string, number>();
  let second = new Map<string, number>();
  const add = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const end = Date.now() + seconds * 1_000;
  let nextReport = Date.now() + 1_000;
  try {
    for (let call = 0; Date.now() < end; call++) {
      try {
        const backend = backendOf(await sayHello(client, names[call % names.length], WATCH_TIMEOUT_MS));
        add(second, backend);
        add(total, backend);
      } catch (error) {
        // A call that finds no backend fails (UNAVAILABLE); the next one tries again.
        add(second, grpc.status[(error as grpc.ServiceError).code] ?? 'error');
      }
      if (Date.now() >= nextReport) {
        console.log(`last second: ${spread(second)}`);
        second = new Map();
        nextReport += 1_000;
      }
      await sleep(WATCH_INTERVAL_MS);
    }
  } finally {
    client.close();
  }
  console.log(`${policy}, ${seconds} s: ${spread(total)}`);
}

async function main(): Promise<void> {
  const { target, names, watchSeconds, policy } = clientFlags();
  try {
    if (watchSeconds > 0) await watch({ target, policy, seconds: watchSeconds, names });
    else await runClient({ target, names });
  } catch (error) {
    const { code, details, message } = error as grpc.ServiceError;
    console.error(`error: ${code === undefined ? message : `${grpc.status[code]} (status ${code}): ${details}`}`);
    process.exitCode = 1;
  }
}

function clientFlags(): { target: string; names?: string[]; watchSeconds: number; policy: Policy } {
  try {
    const { values } = parseArgs({
      options: {
        target: { type: 'string', default: DEFAULT_TARGET },
        name: { type: 'string', multiple: true },
        'watch-seconds': { type: 'string', default: '0' },
        policy: { type: 'string', default: 'round_robin' },
      },
    });
    const watchSeconds = Number(values['watch-seconds']);
    if (!/^\d+$/.test(values['watch-seconds']))
      throw new Error(`--watch-seconds must be a whole number, got "${values['watch-seconds']}"`);
    if (!(values.policy in POLICIES))
      throw new Error(`--policy must be one of ${Object.keys(POLICIES).join(', ')}, got "${values.policy}"`);
    return { target: values.target, names: values.name, watchSeconds, policy: values.policy as Policy };
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('. ')[0]}`);
    process.exit(2);
  }
}

// Run main() when this file is the program, not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) void main();

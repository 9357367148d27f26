// A proxy in front of the backends. The client knows one address, the
// proxy's; the proxy picks a backend. Where it picks is the lesson: nginx's
// gRPC proxy (L7) reads each call and balances calls; a TCP proxy (L4) sees
// only connections, and a gRPC client sends all its calls down one HTTP/2
// connection, so every call goes where that connection went.
// This file starts nginx in front of the backends of --target (see nginx.ts),
// calls through it, and stops it.
//   npx tsx lessons/20-proxy-in-front/client.ts [--target T] [--name N]... [--watch-seconds S] [--via l7|l4]
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/helloworld.js';
import type { HelloWorldServiceClient } from '../../src/generated/rpc_package/HelloWorldService.js';
import { nginxMissing, startNginx, type RunningNginx } from './nginx.js';

const packageDefinition = protoLoader.loadSync('helloworld.proto', {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

// The three backends, as `npm run server -- 20` starts them: nginx's upstream.
const DEFAULT_TARGET = 'ipv4:127.0.0.1:50051,127.0.0.1:50052,127.0.0.1:50053';
/** Watching (--watch-seconds): a call this often, each with this long to get through. */
const WATCH_INTERVAL_MS = 200;
const WATCH_TIMEOUT_MS = 1_000;
/** Watching: no backend answering for this long means they are gone for good (the lesson has ended). */
const WATCH_GIVE_UP_MS = 5_000;

export type Via = 'l7' | 'l4';
const VIA_LABEL: Record<Via, string> = { l7: 'L7 (grpc_pass)', l4: 'L4 (stream)' };

/** One call's answer: which backend, and what it saw of the caller (its response headers). */
export interface Answer {
  backend: string;
  authority: string;
  forwardedFor: string;
}

/**
 * A client of the proxy at 127.0.0.1:port: to the channel, the proxy is the
 * server. grpc-js shares one connection among all the clients of one target
 * with the same options (its global subchannel pool), so a second client
 * made while the first is open would ride the same connection, and the L4
 * proxy would put both on one backend. `ownConnection` asks for a pool of
 * its own: a connection of its own.
 */
export function proxyClient(port: number, { ownConnection = false } = {}): HelloWorldServiceClient {
  return new rpc_package.HelloWorldService(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
    ownConnection ? { 'grpc.use_local_subchannel_pool': 1 } : {},
  );
}

export function sayHello(client: HelloWorldServiceClient, name: string, timeoutMs = 5_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let seen = new grpc.Metadata();
    const call = client.SayHello({ name }, { deadline: Date.now() + timeoutMs }, (error) => {
      if (error) reject(error);
      else
        resolve({
          backend: String(seen.get('x-backend')[0] ?? 'unknown'),
          authority: String(seen.get('x-seen-authority')[0] ?? ''),
          forwardedFor: String(seen.get('x-seen-forwarded-for')[0] ?? 'none'),
        });
    });
    // Response headers: through the L7 proxy they are the backend's, merged
    // with nginx's own (server, date).
    call.on('metadata', (metadata) => (seen = metadata));
  });
}

/** Makes `count` calls one after another on `client`; resolves with how many each backend answered. */
export async function callMany(
  client: HelloWorldServiceClient,
  count: number,
  names: string[] = ['world'],
): Promise<Map<string, number>> {
  const answered = new Map<string, number>();
  for (let call = 0; call < count; call++) {
    const { backend } = await sayHello(client, names[call % names.length]);
    answered.set(backend, (answered.get(backend) ?? 0) + 1);
  }
  return answered;
}

/** "a 3, b 3, c 3": each backend's count, by name. */
const spread = (answered: Map<string, number>) =>
  [...answered]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([backend, count]) => `${backend} ${count}`)
    .join(', ');

/** The backends an `ipv4:` target lists, or a plain host:port: nginx's upstream. */
export function backendsOf(target: string): string[] {
  const listed = /^ipv4:(.*)$/.exec(target);
  return listed ? listed[1].split(',') : [target];
}

async function withClient<T>(port: number, work: (client: HelloWorldServiceClient) => Promise<T>): Promise<T> {
  const client = proxyClient(port);
  try {
    return await work(client);
  } finally {
    client.close();
  }
}

export async function runClient({ target, names = ['world'] }: { target: string; names?: string[] }): Promise<void> {
  await withNginx(target, async (nginx) => {
    // L7: one channel, one HTTP/2 connection to nginx, and still every call
    // on the next backend: nginx ends each call (an HTTP/2 stream) itself and
    // starts it again on a connection of its own to the backend it picks.
    const l7 = await withClient(nginx.l7Port, (client) => callMany(client, 9, names));
    console.log(`${VIA_LABEL.l7}, 9 calls on one channel: ${spread(l7)}`);

    // L4: the same nine calls, one channel. nginx gave its one TCP connection
    // to one backend, and the calls inside it are bytes it never reads.
    const l4 = await withClient(nginx.l4Port, (client) => callMany(client, 9, names));
    console.log(`${VIA_LABEL.l4}, 9 calls on one channel: ${spread(l4)}`);

    // An L4 proxy balances connections: three channels at once, each with a
    // connection of its own, each given to the next backend. Many clients
    // spread; one busy client does not.
    const channels = [0, 1, 2].map(() => proxyClient(nginx.l4Port, { ownConnection: true }));
    const perChannel = new Map<string, number>();
    try {
      for (const answered of await Promise.all(channels.map((client) => callMany(client, 3, names))))
        for (const [backend, count] of answered) perChannel.set(backend, (perChannel.get(backend) ?? 0) + count);
    } finally {
      for (const client of channels) client.close();
    }
    console.log(`${VIA_LABEL.l4}, 3 channels of 3 calls: ${spread(perChannel)}`);

    // What a backend sees of its caller. L7: nginx is the peer and writes its
    // own :authority, the upstream's name; the client's address survives only
    // in a header nginx was told to add. L4: the client's own HTTP/2 request,
    // byte for byte, :authority and all; and no room for a header.
    const viaL7 = await withClient(nginx.l7Port, (client) => sayHello(client, names[0]));
    console.log(
      `${VIA_LABEL.l7}: the backend saw :authority "${viaL7.authority}", x-forwarded-for ${viaL7.forwardedFor}`,
    );
    const viaL4 = await withClient(nginx.l4Port, (client) => sayHello(client, names[0]));
    const ownAuthority = viaL4.authority === `127.0.0.1:${nginx.l4Port}` ? "this client's own" : `"${viaL4.authority}"`;
    console.log(`${VIA_LABEL.l4}: the backend saw :authority ${ownAuthority}, x-forwarded-for ${viaL4.forwardedFor}`);
  });
}

/**
 * Starts nginx in front of the backends of `target`, runs `work`, stops
 * nginx; a signal meanwhile stops nginx too (its temp dir goes with it).
 */
async function withNginx<T>(target: string, work: (nginx: RunningNginx) => Promise<T>): Promise<T> {
  const nginx = await startNginx(backendsOf(target));
  const stop = (signal: NodeJS.Signals) => {
    console.log(`${signal}: stopping nginx`);
    void nginx.stop().then(() => process.exit(1));
  };
  process.once('SIGINT', stop).once('SIGTERM', stop).once('SIGHUP', stop);
  try {
    return await work(nginx);
  } finally {
    process.off('SIGINT', stop).off('SIGTERM', stop).off('SIGHUP', stop);
    await nginx.stop();
  }
}

/**
 * Calls through the proxy once every WATCH_INTERVAL_MS for `seconds`, on one
 * channel, and says each second where the calls went: kill a backend
 * meanwhile and watch what each proxy does with its calls.
 */
export async function watch({
  target,
  via,
  seconds,
  names = ['world'],
}: {
  target: string;
  via: Via;
  seconds: number;
  names?: string[];
}): Promise<void> {
  await withNginx(target, async (nginx) => {
    const client = proxyClient(via === 'l7' ? nginx.l7Port : nginx.l4Port);
    const total = new Map<string, number>();
    let second = new Map<string, number>();
    const add = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
    const end = Date.now() + seconds * 1_000;
    let nextReport = Date.now() + 1_000;
    let lastAnswer = Date.now();
    try {
      for (let call = 0; Date.now() < end; call++) {
        try {
          const { backend } = await sayHello(client, names[call % names.length], WATCH_TIMEOUT_MS);
          add(second, backend);
          add(total, backend);
          lastAnswer = Date.now();
        } catch (error) {
          // Every backend down: nginx answers HTTP 502, which the client reads as UNAVAILABLE.
          add(second, grpc.status[(error as grpc.ServiceError).code] ?? 'error');
          if (Date.now() - lastAnswer > WATCH_GIVE_UP_MS) {
            console.log(`no backend answered for ${WATCH_GIVE_UP_MS / 1000} s: stopping`);
            break;
          }
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
    console.log(`${VIA_LABEL[via]}, ${seconds} s: ${spread(total)}`);
  });
}

async function main(): Promise<void> {
  const { target, names, watchSeconds, via } = clientFlags();
  // nginx comes from the system, not from npm: say what to install.
  const missing = nginxMissing();
  if (missing) {
    console.error(`error: ${missing}`);
    process.exit(2);
  }
  try {
    if (watchSeconds > 0) await watch({ target, via, seconds: watchSeconds, names });
    else await runClient({ target, names });
  } catch (error) {
    const { code, details, message } = error as grpc.ServiceError;
    console.error(`error: ${code === undefined ? message : `${grpc.status[code]} (status ${code}): ${details}`}`);
    process.exitCode = 1;
  }
}

function clientFlags(): { target: string; names?: string[]; watchSeconds: number; via: Via } {
  try {
    const { values } = parseArgs({
      options: {
        target: { type: 'string', default: DEFAULT_TARGET },
        name: { type: 'string', multiple: true },
        'watch-seconds': { type: 'string', default: '0' },
        via: { type: 'string', default: 'l7' },
      },
    });
    if (!/^\d+$/.test(values['watch-seconds']))
      throw new Error(`--watch-seconds must be a whole number, got "${values['watch-seconds']}"`);
    if (values.via !== 'l7' && values.via !== 'l4') throw new Error(`--via must be l7 or l4, got "${values.via}"`);
    return {
      target: values.target,
      names: values.name,
      watchSeconds: Number(values['watch-seconds']),
      via: values.via,
    };
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('. ')[0]}`);
    process.exit(2);
  }
}

// Run main() when this file is the program, not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) void main();

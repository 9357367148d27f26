// Exercise: follow the feed across broken streams (lesson 11, exercise 1).
// Your copy is exercises/11-long-lived-streams/client.ts; `npm run verify --
// 11` runs it against a feed server that breaks its streams and records where
// each new one asks to resume. `npm run exercise -- hint 11` gives a hint. The
// rest of the file already works: it is lesson 11's client.
//   npx tsx exercises/11-long-lived-streams/client.ts [--target H:P] [--name N]... [--count N]
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/feed.js';
import type { HelloReply__Output } from '../../src/generated/rpc_package/HelloReply.js';
import type { HelloFeedServiceClient } from '../../src/generated/rpc_package/HelloFeedService.js';
import type { SubscribeRequest } from '../../src/generated/rpc_package/SubscribeRequest.js';

/** What the client asks for: the feed, without the position it resumes from. */
type Feed = Required<Omit<SubscribeRequest, 'resume_after'>>;

const packageDefinition = protoLoader.loadSync('feed.proto', {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

/** How many greetings the feed holds, and the pause between them. */
const REPLY_COUNT = 8;
const INTERVAL_MS = 250;
/** How long a stream may wait for a server (one that is restarting, or not up yet), on top of the feed's own time. */
const WAIT_FOR_SERVER_MS = 10_000;
const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  // Keepalive: while a call is open, ping the server every 10 s, and drop
  // the connection when a ping gets no answer within 5 s. A server that went
  // down with its machine, or a NAT or proxy that forgot the connection, sends
  // nothing at all, not even a reset: without pings a stream would wait on a
  // dead connection until its deadline. Servers refuse pings that come too
  // often (GOAWAY "too_many_pings"): agree on the time with their owners.
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  // Reconnecting: after a failed attempt the channel waits 1 s, then 1.6
  // times longer after each failure (with some jitter, so that a thousand
  // clients of a restarted server do not all come back at the same moment),
  // but never more than 5 s.
  'grpc.initial_reconnect_backoff_ms': 1_000,
  'grpc.max_reconnect_backoff_ms': 5_000,
};

export async function runClient({
  target,
  names = ['world'],
  count = REPLY_COUNT,
  intervalMs = INTERVAL_MS,
  channelOptions = {},
}: {
  target: string;
  names?: string[];
  count?: number;
  intervalMs?: number;
  /** Added to the lesson's own channel options (shorter keepalive and backoff times in tests). */
  channelOptions?: grpc.ChannelOptions;
}): Promise<void> {
  const client = new rpc_package.HelloFeedService(target, grpc.credentials.createInsecure(), {
    ...CHANNEL_OPTIONS,
    ...channelOptions,
  });
  logConnectivity(client.getChannel());
  try {
    for (const name of names) await follow(client, { name, reply_count: count, interval_ms: intervalMs });
  } finally {
    client.close();
  }
}

// A channel is IDLE until a call needs it, then CONNECTING, then READY. When
// the connection breaks or the server sends GOAWAY it goes back to IDLE, and
// connects again when a call needs it. TRANSIENT_FAILURE: an attempt failed;
// the channel keeps trying, paced by its backoff, and stays in this state
// until one succeeds. SHUTDOWN: close() was called.
function logConnectivity(channel: grpc.ChannelInterface): void {
  let state = channel.getConnectivityState(false);
  const watch = () =>
    channel.watchConnectivityState(state, Infinity, () => {
      const next = channel.getConnectivityState(false);
      console.log(`channel ${grpc.connectivityState[state]} -> ${grpc.connectivityState[next]}`);
      state = next;
      if (state !== grpc.connectivityState.SHUTDOWN) watch();
    });
  watch();
}

/**
 * Reads the whole feed, whatever happens to the connection under it: when a
 * stream breaks, the next one asks for the greetings after the last one seen.
 */
async function follow(client: HelloFeedServiceClient, feed: Feed): Promise<void> {
  const count = feed.reply_count;
  // waitForReady: a call made while the channel has no connection (the
  // server is restarting, or not up yet) waits for one, until its deadline,
  // instead of failing at once with UNAVAILABLE. The default, fail fast,
  // suits a call that has somewhere else to go; a feed has not.
  const metadata = new grpc.Metadata({ waitForReady: true });
  // A stream meant to last gets a deadline as long as it may last: here,
  // the rest of the feed plus the wait for a server.
  const deadline = Date.now() + count * feed.interval_ms + WAIT_FOR_SERVER_MS;
  // TODO: this reads one stream, and a stream that breaks ends the run. Make
  // the client follow the feed instead: remember the sequence number of the
  // last greeting it printed, and when a stream ends with UNAVAILABLE (the
  // connection broke, the server went away), open a new one that asks, with
  // resume_after, for the greetings after that one. A greeting it has seen
  // already may come again: print each one once. Any other status is an
  // answer that asking again would not change: give up. And give up after 5
  // streams, so that a feed that stays down ends the run with its error.
  const call = client.Subscribe({ ...feed, resume_after: 0 }, metadata, { deadline });
  for await (const reply of call as AsyncIterable<HelloReply__Output>) console.log(reply.message);
  console.log(`${count} of ${count} greetings on 1 stream: OK`);
}

async function main(): Promise<void> {
  const { target, names, count } = clientFlags();
  try {
    await runClient({ target, names, count });
  } catch (error) {
    // An RPC error carries a status code and details: print both, exit 1.
    const { code, details, message } = error as grpc.ServiceError;
    console.error(`error: ${code === undefined ? message : `${grpc.status[code]} (status ${code}): ${details}`}`);
    process.exitCode = 1;
  }
}

function clientFlags(): { target: string; names?: string[]; count?: number } {
  try {
    const { values } = parseArgs({
      options: {
        target: { type: 'string', default: '127.0.0.1:50051' },
        name: { type: 'string', multiple: true },
        count: { type: 'string' },
      },
    });
    if (values.count !== undefined && !/^[1-9]\d{0,5}$/.test(values.count))
      throw new Error(`--count must be a number from 1 to 999999, got "${values.count}"`);
    return {
      target: values.target,
      names: values.name,
      count: values.count === undefined ? undefined : Number(values.count),
    };
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('. ')[0]}`);
    process.exit(2);
  }
}

// Run main() when this file is the program, not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) void main();

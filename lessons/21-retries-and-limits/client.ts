// Retries, hedging, rate limiting and circuit breaking, from the client's
// side: all of it is the channel's service config, none of it is code around
// each call. The call looks the same as in lesson 01; the channel sends it
// again, sends copies, waits when told, and stops sending to a sick backend.
//   npx tsx lessons/21-retries-and-limits/client.ts [--target T] [--name N]
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/resilience.js';
import type { HelloReply__Output } from '../../src/generated/rpc_package/HelloReply.js';
import type { HelloWorldServiceClient } from '../../src/generated/rpc_package/HelloWorldService.js';
import type { ResilientGreeterClient } from '../../src/generated/rpc_package/ResilientGreeter.js';

const packageDefinition = protoLoader.loadSync('resilience.proto', {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

// Three backends, as `npm run server -- 21` starts them; c is the sick one.
// The first part of the run talks to a alone, the last to all three.
const DEFAULT_TARGET = 'ipv4:127.0.0.1:50051,127.0.0.1:50052,127.0.0.1:50053';

const method = (name: string) => ({ service: 'rpc_package.ResilientGreeter', method: name });

// Policies are per method: a method's methodConfig entry may have a
// retryPolicy or a hedgingPolicy, never both. Only calls that fail before
// any response headers arrive are retried: once the server has answered,
// the call is committed to that attempt.
export const SERVICE_CONFIG = {
  methodConfig: [
    {
      name: [method('SayHelloFlaky')],
      // Up to 4 attempts; between them a backoff of 0.1 s, then 0.2 s, 0.4 s
      // (each moved up or down by up to 20% at random, so clients do not retry in step).
      retryPolicy: {
        maxAttempts: 4,
        initialBackoff: '0.1s',
        maxBackoff: '1s',
        backoffMultiplier: 2,
        retryableStatusCodes: ['UNAVAILABLE'],
      },
    },
    {
      name: [method('SayHelloSlow')],
      // A copy now, another 0.1 s later if no answer came, a third 0.1 s
      // after that. The first answer wins; the channel cancels the others.
      // Only for calls that are safe to run twice: every copy may run.
      hedgingPolicy: { maxAttempts: 3, hedgingDelay: '0.1s', nonFatalStatusCodes: ['UNAVAILABLE'] },
    },
    {
      name: [method('SayHelloLimited')],
      // RESOURCE_EXHAUSTED is retried here because the server says when:
      // its grpc-retry-pushback-ms replaces the backoff.
      retryPolicy: {
        maxAttempts: 3,
        initialBackoff: '0.1s',
        maxBackoff: '1s',
        backoffMultiplier: 2,
        retryableStatusCodes: ['RESOURCE_EXHAUSTED'],
      },
    },
  ],
};

/** How often outlier detection looks at each backend's calls, and how long it ejects one for, at first. */
export const OUTLIER_INTERVAL_MS = 500;
export const BASE_EJECTION_MS = 1_000;

// A circuit breaker per backend, built into grpc-js as a load-balancing
// policy that wraps another (round_robin here). Every interval it looks at
// each backend's calls since the last look: one whose failures are over
// `threshold` percent is ejected, and the policy under it picks among the
// others. After base_ejection_time (times the number of ejections in a row)
// it is let back in.
export const OUTLIER_DETECTION = {
  loadBalancingConfig: [
    {
      outlier_detection: {
        // Durations as { seconds, nanos }: grpc-js 1.14 rejects the "0.5s"
        // strings that the retry policy takes (and drops the whole config).
        interval: { seconds: 0, nanos: OUTLIER_INTERVAL_MS * 1e6 },
        base_ejection_time: { seconds: BASE_EJECTION_MS / 1000, nanos: 0 },
        max_ejection_time: { seconds: 10, nanos: 0 },
        // Never eject more than half of the backends, however many fail.
        max_ejection_percent: 50,
        failure_percentage_ejection: {
          threshold: 50,
          enforcement_percentage: 100,
          minimum_hosts: 1,
          request_volume: 1,
        },
        child_policy: [{ round_robin: {} }],
      },
    },
  ],
};

function unary(
  call: (request: { name: string }, options: grpc.CallOptions, done: grpc.requestCallback<HelloReply__Output>) => void,
  name: string,
): Promise<HelloReply__Output> {
  return new Promise((resolve, reject) =>
    // The deadline covers every attempt and every backoff: retries never
    // make a call wait longer than its caller said it would.
    call({ name }, { deadline: Date.now() + 5_000 }, (error, reply) => (error ? reject(error) : resolve(reply!))),
  );
}

/** Which backend answered SayHello ("from backend b"), or failed it ("backend c is failing"). */
function backendOf(text: string): string {
  return /backend (\w+)/.exec(text)?.[1] ?? 'unknown';
}

/** Makes `count` SayHello calls one after another; how many each backend answered. */
async function callMany(client: HelloWorldServiceClient, count: number, name: string): Promise<string> {
  const answered = new Map<string, number>([
    ['a', 0],
    ['b', 0],
    ['c', 0],
  ]);
  for (let call = 0; call < count; call++) {
    const backend = backendOf((await unary(client.SayHello.bind(client), name)).message);
    answered.set(backend, (answered.get(backend) ?? 0) + 1);
  }
  return [...answered].map(([backend, calls]) => `${backend} ${calls}`).join(', ');
}

/** The addresses of an `ipv4:` target, or the one address of a plain host:port. */
function addressesOf(target: string): string[] {
  return /^ipv[46]:(.*)$/.exec(target)?.[1].split(',') ?? [target];
}

export async function runClient({ target, names = ['world'] }: { target: string; names?: string[] }): Promise<void> {
  const [name] = names;
  const [first] = addressesOf(target);
  // The service config is the channel's, as JSON in a channel option (a
  // service may also publish it, in DNS). Every call on this channel follows it.
  const resilient = new rpc_package.ResilientGreeter(first, grpc.credentials.createInsecure(), {
    'grpc.service_config': JSON.stringify(SERVICE_CONFIG),
  });
  // No service config: no retries, no hedging. Each call is sent once.
  const plain = new rpc_package.ResilientGreeter(first, grpc.credentials.createInsecure());
  const breaker: HelloWorldServiceClient = new rpc_package.HelloWorldService(
    target,
    grpc.credentials.createInsecure(),
    { 'grpc.service_config': JSON.stringify(OUTLIER_DETECTION) },
  );
  try {
    // One call; the channel makes three attempts. The application sees only the last.
    const retried = await unary(resilient.SayHelloFlaky.bind(resilient), name);
    console.log(`retryPolicy, SayHelloFlaky: ${retried.message}`);

    const hedged = await unary(resilient.SayHelloSlow.bind(resilient), name);
    console.log(`hedgingPolicy, SayHelloSlow: ${hedged.message}`);

    console.log(`token bucket, 20 calls at once: ${await burst(plain, 20, name)}`);
    // The bucket is empty now: this call is refused, and the retry waits the
    // pushback the server sent before it goes again.
    const pushedBack = await unary(resilient.SayHelloLimited.bind(resilient), name);
    console.log(`retryPolicy after the pushback, SayHelloLimited: ${pushedBack.message}`);

    await outlierDetection(breaker, name);
  } finally {
    resilient.close();
    plain.close();
    breaker.close();
  }
}

/** `count` calls at once, with no retries; "10 OK, 10 RESOURCE_EXHAUSTED". */
async function burst(client: ResilientGreeterClient, count: number, name: string): Promise<string> {
  const outcomes = await Promise.allSettled(
    Array.from({ length: count }, () => unary(client.SayHelloLimited.bind(client), name)),
  );
  const codes = new Map<string, number>();
  for (const outcome of outcomes) {
    const code = outcome.status === 'fulfilled' ? 'OK' : grpc.status[(outcome.reason as grpc.ServiceError).code];
    codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  return [...codes].map(([code, calls]) => `${calls} ${code}`).join(', ');
}

async function outlierDetection(client: HelloWorldServiceClient, name: string): Promise<void> {
  // Until c has failed three calls: round_robin sends every third one there.
  let failures = 0;
  for (const end = Date.now() + 5_000; failures < 3 && Date.now() < end;) {
    try {
      await unary(client.SayHello.bind(client), name);
    } catch (error) {
      if (backendOf((error as grpc.ServiceError).details) === 'c') failures += 1;
      else throw error;
    }
  }
  // The next look (at most one interval away) sees c's failures and ejects it.
  await sleep(OUTLIER_INTERVAL_MS + 200);
  console.log(
    `outlier detection: c failed ${failures} calls and was ejected; next 12 calls: ${await callMany(client, 12, name)}`,
  );
  // c is out for base_ejection_time, and comes back at the first look after
  // that. Call until it answers: its failing spell is over by then.
  for (const end = Date.now() + 5_000; Date.now() < end; await sleep(50)) {
    const reply = await unary(client.SayHello.bind(client), name);
    if (backendOf(reply.message) === 'c') break;
  }
  console.log(`outlier detection: c let back in; next 9 calls: ${await callMany(client, 9, name)}`);
}

async function main(): Promise<void> {
  const { target, names } = clientFlags();
  try {
    await runClient({ target, names });
  } catch (error) {
    const { code, details, message } = error as grpc.ServiceError;
    console.error(`error: ${code === undefined ? message : `${grpc.status[code]} (status ${code}): ${details}`}`);
    process.exitCode = 1;
  }
}

function clientFlags(): { target: string; names?: string[] } {
  try {
    const { values } = parseArgs({
      options: { target: { type: 'string', default: DEFAULT_TARGET }, name: { type: 'string', multiple: true } },
    });
    return { target: values.target, names: values.name };
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('. ')[0]}`);
    process.exit(2);
  }
}

// Run main() when this file is the program, not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) void main();

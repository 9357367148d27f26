// Exercise: write the rate limiter in front of SayHelloLimited (lesson 21, exercise 1).
// Your copy is exercises/21-retries-and-limits/server.ts; `npm run verify -- 21`
// runs it and calls it as a client would: bursts of calls at once, with no retries.
// `npm run exercise -- hint 21` gives a hint. The rest of the file already
// works: it is lesson 21's server, with its token bucket class ready to use.
//   npx tsx exercises/21-retries-and-limits/server.ts [--host H] [--port P] [--name N] [--fail-first-calls K]
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../../src/generated/resilience.js';
import type { ResilientGreeterHandlers } from '../../src/generated/rpc_package/ResilientGreeter.js';
import type { HelloWorldServiceHandlers } from '../../src/generated/rpc_package/HelloWorldService.js';

// resilience.proto imports helloworld.proto: loading it brings both services.
const packageDefinition = protoLoader.loadSync('resilience.proto', {
  includeDirs: [fileURLToPath(new URL('../../protos', import.meta.url)), 'protos'],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { rpc_package } = grpc.loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

/** Who this backend is, and how it misbehaves. */
export interface Backend {
  /** Said in every SayHello reply: "(from backend a)". */
  name: string;
  /** SayHello fails the first this many calls from each client (0: never). */
  failFirstCalls: number;
}
const DEFAULT_BACKEND: Backend = { name: 'a', failFirstCalls: 0 };

/** SayHelloFlaky fails this many attempts of every call; SayHelloSlow stalls this many copies. */
export const BAD_ATTEMPTS = 2;
export const STALL_MS = 1_000;
/** SayHelloLimited's token bucket: a burst of 10, then one call every 500 ms. */
export const BUCKET_SIZE = 10;
export const REFILL_MS = 500;

/**
 * Which attempt of its call this is. A client that retries, or hedges, sends
 * the same request again on a new HTTP/2 stream, with the header
 * grpc-previous-rpc-attempts: 1 on the second, 2 on the third. The first
 * attempt has no such header.
 */
export function attemptOf(call: { metadata: grpc.Metadata }): number {
  const [previous] = call.metadata.get('grpc-previous-rpc-attempts');
  return Number(previous ?? 0) + 1;
}

const sayHelloFlaky: ResilientGreeterHandlers['SayHelloFlaky'] = (call, callback) => {
  const attempt = attemptOf(call);
  if (attempt <= BAD_ATTEMPTS) {
    // UNAVAILABLE is the code for "try again": nothing was done, the request
    // may be sent again as it is. A retryPolicy lists the codes it retries.
    console.log(`SayHelloFlaky attempt ${attempt}: UNAVAILABLE`);
    callback({ code: grpc.status.UNAVAILABLE, details: `attempt ${attempt} failed (flaky on purpose)` });
    return;
  }
  console.log(`SayHelloFlaky attempt ${attempt}: OK`);
  callback(null, { message: `Hello, ${call.request.name || 'world'}! (attempt ${attempt})` });
};

const sayHelloSlow: ResilientGreeterHandlers['SayHelloSlow'] = (call, callback) => {
  const copy = attemptOf(call);
  const startedAt = performance.now();
  if (copy > BAD_ATTEMPTS) {
    console.log(`SayHelloSlow copy ${copy}: OK at once`);
    callback(null, { message: `Hello, ${call.request.name || 'world'}! (copy ${copy})` });
    return;
  }
  // A stall: a long GC pause, a cold cache, a slow disk. When another copy
  // answers first, the client cancels this one; stop waiting for nobody.
  const timer = setTimeout(() => {
    console.log(`SayHelloSlow copy ${copy}: OK after ${STALL_MS} ms`);
    callback(null, { message: `Hello, ${call.request.name || 'world'}! (copy ${copy})` });
  }, STALL_MS);
  call.once('cancelled', () => {
    clearTimeout(timer);
    const ms = Math.round(performance.now() - startedAt);
    console.log(`SayHelloSlow copy ${copy}: cancelled after ${ms} ms (another copy answered)`);
  });
};

const sayHelloLimited: ResilientGreeterHandlers['SayHelloLimited'] = (call, callback) => {
  // The token bucket in front of this handler (rateLimit, below) decides
  // whether it runs at all.
  const attempt = attemptOf(call);
  callback(null, { message: `Hello, ${call.request.name || 'world'}! (attempt ${attempt})` });
};

function sayHelloAs(backend: Backend): HelloWorldServiceHandlers['SayHello'] {
  const callsFrom = new Map<string, number>();
  return (call, callback) => {
    // Sick for a while: the first calls from each client (each connection's
    // address) fail. The client's outlier detection sees a backend whose
    // calls fail while the others' succeed, and stops sending it any.
    const peer = call.getPeer();
    const count = (callsFrom.get(peer) ?? 0) + 1;
    callsFrom.set(peer, count);
    if (count <= backend.failFirstCalls) {
      console.log(`SayHello call ${count} from ${peer}: UNAVAILABLE`);
      callback({ code: grpc.status.UNAVAILABLE, details: `backend ${backend.name} is failing (call ${count})` });
      return;
    }
    callback(null, { message: `Hello, ${call.request.name || 'world'}! (from backend ${backend.name})` });
  };
}

/**
 * A token bucket: `size` tokens, one more every `refillMs` up to `size`. A
 * call takes a token or is refused, and told how long until the next one.
 * Bursts up to `size` pass at once; over time, one call per `refillMs`.
 */
export class TokenBucket {
  private available: number;
  private refilledAt: number;
  constructor(
    readonly size: number,
    readonly refillMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.available = size;
    this.refilledAt = now();
  }

  /** Takes a token: 0 if there was one, else the milliseconds until there is. */
  take(): number {
    const now = this.now();
    const earned = Math.floor((now - this.refilledAt) / this.refillMs);
    if (earned > 0) {
      this.available = Math.min(this.size, this.available + earned);
      this.refilledAt = this.available === this.size ? now : this.refilledAt + earned * this.refillMs;
    }
    if (this.available > 0) {
      this.available -= 1;
      return 0;
    }
    return this.refilledAt + this.refillMs - now;
  }

  tokens(): number {
    return this.available;
  }
}

/**
 * Rate limiting as a server interceptor, in front of `methods`: the limit is
 * checked when the request headers arrive, before the handler or the request
 * message. A negative or unreadable grpc-retry-pushback-ms tells a client
 * not to retry at all.
 */
export function rateLimit(bucket: TokenBucket, methods: string[]): grpc.ServerInterceptor {
  return (methodDefinition, call) => {
    if (!methods.includes(methodDefinition.path)) return new grpc.ServerInterceptingCall(call);
    const listener = new grpc.ServerListenerBuilder()
      .withOnReceiveMetadata((metadata, next) => {
        // TODO: each call of a limited method takes a token from `bucket`
        // before it may go on to the handler. When there is none, refuse the
        // call with the status code that says "too many calls, not your
        // fault, try later", and tell the client in the trailers, as
        // grpc-retry-pushback-ms, how many milliseconds until a token is back
        // (a client whose retryPolicy lists that code waits exactly that long).
        next(metadata);
      })
      .build();
    return new grpc.ServerInterceptingCall(
      call,
      new grpc.ResponderBuilder().withStart((next) => next(listener)).build(),
    );
  };
}

/** A server with this lesson's services on it, as `backend`, not yet bound to an address. */
export function createServer(options?: grpc.ServerOptions, backend: Backend = DEFAULT_BACKEND): grpc.Server {
  const limited = rpc_package.ResilientGreeter.service.SayHelloLimited.path;
  const bucket = new TokenBucket(BUCKET_SIZE, REFILL_MS);
  const server = new grpc.Server({
    ...options,
    interceptors: [rateLimit(bucket, [limited]), ...(options?.interceptors ?? [])],
  });
  server.addService(rpc_package.ResilientGreeter.service, {
    SayHelloFlaky: sayHelloFlaky,
    SayHelloSlow: sayHelloSlow,
    SayHelloLimited: sayHelloLimited,
  });
  server.addService(rpc_package.HelloWorldService.service, { SayHello: sayHelloAs(backend) });
  return server;
}

function main(): void {
  const { host, port, backend } = serverFlags();
  const server = createServer(undefined, backend);
  server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
    if (error) {
      console.error(`error: cannot listen on ${host}:${port}: ${error.message}`);
      process.exit(1);
    }
    console.log(`listening on ${host}:${boundPort} as backend ${backend.name}`);
  });
  // Graceful shutdown, as in lesson 01; a stalled copy holds it at most 2 s.
  const stop = (signal: NodeJS.Signals) => {
    console.log(`${signal}: shutting down`);
    setTimeout(() => server.forceShutdown(), 2_000).unref();
    server.tryShutdown(() => process.exit(0));
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
        'fail-first-calls': { type: 'string', default: '0' },
      },
    });
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65_535)
      throw new Error(`--port must be a number from 0 to 65535, got "${values.port}"`);
    if (!/^\d+$/.test(values['fail-first-calls']))
      throw new Error(`--fail-first-calls must be a whole number, got "${values['fail-first-calls']}"`);
    return {
      host: values.host,
      port,
      backend: { name: values.name, failFirstCalls: Number(values['fail-first-calls']) },
    };
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('. ')[0]}`);
    process.exit(2);
  }
}

// Run main() when this file is the program, not when a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) main();

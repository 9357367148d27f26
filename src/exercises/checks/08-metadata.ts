// Lesson 08's exercises. The client's: send request metadata with SayHello and
// read the response headers and trailers; the reference server records the
// headers that reach it, echoes each x- header back as lesson 08's server does,
// and ends each call with the x-handled-ms trailer a check chose. The server's:
// echo the x- headers and end with the trailer; the checks call SayHello with
// headers and read what came back.
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { loadHelloWorld } from '../../proto.js';
import type { HelloReply__Output } from '../../generated/rpc_package/HelloReply.js';
import type {
  HelloWorldServiceClient,
  HelloWorldServiceHandlers,
} from '../../generated/rpc_package/HelloWorldService.js';
import {
  clientExercise,
  describeRun,
  describeStatus,
  expectEqual,
  fail,
  serverExercise,
  show,
  type ClientRun,
  type LessonChecks,
  type SharedClientRun,
  sharedRun,
  randomName,
} from '../kit.js';

/** What the reference server saw of one call. */
interface SeenCall {
  method: 'SayHello' | 'LotsOfReplies';
  name: string;
  requestId?: string;
  /** The x-trace-bin bytes, as hex; undefined if there were none. */
  trace?: string;
}

interface Reference extends SharedClientRun<SeenCall> {
  /**
   * The x-handled-ms trailer the server ends each call with. Not a number, so
   * that the client's line must show what arrived (a number prints as "a number").
   */
  handled: string;
}

function seen(method: SeenCall['method'], name: string, metadata: grpc.Metadata): SeenCall {
  const [requestId] = metadata.get('x-request-id');
  const [trace] = metadata.get('x-trace-bin');
  return {
    method,
    name,
    requestId: requestId === undefined ? undefined : String(requestId),
    trace: Buffer.isBuffer(trace) ? trace.toString('hex') : undefined,
  };
}

/** Lesson 08's echo: every x- request header, back as a response header. */
function echoed(request: grpc.Metadata): grpc.Metadata {
  const echo = new grpc.Metadata();
  for (const key of Object.keys(request.getMap()))
    if (key.startsWith('x-')) for (const value of request.get(key)) echo.add(key, value);
  return echo;
}

function trailers(value: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('x-handled-ms', value);
  return metadata;
}

/** The SayHello calls the server saw, or a failure saying there were none. */
function sayHelloCalls(seenCalls: SeenCall[], run: ClientRun): SeenCall[] {
  const calls = seenCalls.filter((call) => call.method === 'SayHello');
  if (calls.length === 0) fail('a SayHello call', `no SayHello reached the server (the client: ${describeRun(run)})`);
  return calls;
}

/** Index of the first stdout line equal to `line`, or a failure naming what was printed. */
function lineIndex(stdout: string[], line: string, run: ClientRun): number {
  const index = stdout.indexOf(line);
  if (index < 0) fail(`the line ${show(line)}`, describeRun(run));
  return index;
}

/** What one SayHello brought back: the reply or the error, the response headers (if any came) and the trailers. */
interface Answer {
  reply?: HelloReply__Output;
  error?: grpc.ServiceError;
  headers?: grpc.Metadata;
  trailers: grpc.Metadata;
}

/** One SayHello with the given request headers, on a new channel, closed after. */
function sayHelloWith(target: string, name: string, metadata: grpc.Metadata): Promise<Answer> {
  const client: HelloWorldServiceClient = new (loadHelloWorld().rpc_package.HelloWorldService)(
    target,
    grpc.credentials.createInsecure(),
  );
  return new Promise<Answer>((resolve) => {
    let headers: grpc.Metadata | undefined;
    let result: Pick<Answer, 'reply' | 'error'> = {};
    const call = client.SayHello({ name }, metadata, { deadline: Date.now() + 5_000 }, (error, reply) => {
      result = error ? { error } : { reply };
    });
    call.on('metadata', (received) => (headers = received));
    // 'status' comes after the callback: the trailers are its metadata.
    call.on('status', (status) => resolve({ ...result, headers, trailers: status.metadata }));
  }).finally(() => client.close());
}

function requestHeaders(): { metadata: grpc.Metadata; requestId: string; trace: Buffer } {
  const requestId = `req-${Math.random().toString(36).slice(2, 8)}`;
  const trace = randomBytes(8);
  const metadata = new grpc.Metadata();
  metadata.set('x-request-id', requestId);
  metadata.set('x-trace-bin', trace);
  return { metadata, requestId, trace };
}

/** The x-handled-ms trailer, checked to be there and a number of milliseconds. */
function expectHandledTrailer(trailers: grpc.Metadata): void {
  const [value] = trailers.get('x-handled-ms');
  const own = Object.keys(trailers.getMap()).filter((key) => key.startsWith('x-'));
  if (value === undefined)
    fail('an x-handled-ms trailer', own.length ? `the trailers ${show(own)}` : "no trailers of the server's own");
  if (!/^\d+(\.\d+)?$/.test(String(value))) fail('x-handled-ms as a number of milliseconds', show(String(value)));
}

export const checks: LessonChecks = {
  client: clientExercise<Reference>({
    reference() {
      const reference: Reference = {
        calls: [],
        handled: `slow-${Math.random().toString(36).slice(2, 6)}`,
        names: [randomName('Ada'), randomName('Grace')],
      };
      const sayHello: HelloWorldServiceHandlers['SayHello'] = (call, callback) => {
        const { name } = call.request;
        reference.calls.push(seen('SayHello', name, call.metadata));
        if (name === '') {
          callback({ code: grpc.status.INVALID_ARGUMENT, details: 'name must not be empty' });
          return;
        }
        call.sendMetadata(echoed(call.metadata));
        callback(null, { message: `Hello, ${name}!` }, trailers(reference.handled));
      };
      const lotsOfReplies: HelloWorldServiceHandlers['LotsOfReplies'] = (call) => {
        const { name, reply_count } = call.request;
        reference.calls.push(seen('LotsOfReplies', name, call.metadata));
        call.sendMetadata(echoed(call.metadata));
        const count = Math.min(reply_count || 3, 10);
        for (let sequence = 1; sequence <= count; sequence++)
          call.write({ message: `Hello, ${name}! (${sequence} of ${count})`, sequence });
        call.end(trailers(reference.handled));
      };
      const server = new grpc.Server();
      server.addService(loadHelloWorld().rpc_package.HelloWorldService.service, {
        SayHello: sayHello,
        LotsOfReplies: lotsOfReplies,
      });
      return {
        server,
        reference,
        reset: () => reference.calls.splice(0),
      };
    },
    checks: [
      {
        name: 'sends x-request-id and x-trace-bin with each SayHello',
        async run({ reference, runClient }) {
          const { run, calls: seenCalls } = await sharedRun(reference, runClient);
          const calls = sayHelloCalls(seenCalls, run);
          expectEqual(
            'SayHello calls with the names',
            reference.names,
            calls.map((call) => call.name),
          );
          // runClient numbers its calls: SayHello, LotsOfReplies, SayHello, ...
          expectEqual(
            'the x-request-id headers',
            ['req-1', 'req-3'],
            calls.map((call) => call.requestId ?? null),
          );
          const traces = calls.map((call) => call.trace);
          if (traces.some((trace) => trace?.length !== 16))
            fail('an x-trace-bin header of 8 bytes on each call', show(traces.map((trace) => trace ?? null)));
          if (traces[0] === traces[1]) fail('a new x-trace-bin for each call', `the same bytes twice, ${traces[0]}`);
        },
      },
      {
        name: 'prints the headers that came back, then the reply',
        async run({ reference, runClient }) {
          const { run, calls } = await sharedRun(reference, runClient);
          sayHelloCalls(calls, run);
          const reply = lineIndex(run.stdout, `Hello, ${reference.names[0]}!`, run);
          const id = lineIndex(run.stdout, 'SayHello header x-request-id: req-1', run);
          const trace = lineIndex(run.stdout, 'SayHello header x-trace-bin: 8 bytes, as sent', run);
          if (id > reply || trace > reply)
            fail('the header lines before the reply (the headers arrive first)', show(run.stdout.slice(0, reply + 1)));
        },
      },
      {
        name: 'prints the x-handled-ms trailer that arrived, after the reply',
        async run({ reference, runClient }) {
          const { run, calls } = await sharedRun(reference, runClient);
          sayHelloCalls(calls, run);
          const reply = lineIndex(run.stdout, `Hello, ${reference.names[0]}!`, run);
          const trailer = lineIndex(run.stdout, `SayHello trailer x-handled-ms: "${reference.handled}"`, run);
          if (trailer < reply)
            fail('the trailer line after the reply (trailers end the call)', show(run.stdout.slice(0, trailer + 1)));
        },
      },
      {
        name: 'exits 1 and prints the status when SayHello fails',
        async run({ reference, runClient }) {
          const run = await runClient(['--name', '']);
          sayHelloCalls(reference.calls, run);
          if (run.code !== 1 || !run.stderr.join('\n').includes('INVALID_ARGUMENT'))
            fail('exit code 1 and INVALID_ARGUMENT on stderr', describeRun(run));
          if (reference.calls.some((call) => call.method === 'LotsOfReplies'))
            fail('no call after the failed SayHello', 'a LotsOfReplies call');
        },
      },
    ],
  }),

  server: serverExercise({
    checks: [
      {
        name: 'greets by name',
        async run({ target }) {
          const name = randomName('Ada');
          const { reply, error } = await sayHelloWith(target, name, new grpc.Metadata());
          if (error) fail(`the reply "Hello, ${name}!"`, describeStatus(error));
          expectEqual('the reply', `Hello, ${name}!`, reply?.message);
        },
      },
      {
        name: 'echoes each x- request header as a response header',
        async run({ target }) {
          const { metadata, requestId, trace } = requestHeaders();
          const { headers, error } = await sayHelloWith(target, randomName('Grace'), metadata);
          if (error) fail('a reply', describeStatus(error));
          const [echoedId] = headers?.get('x-request-id') ?? [];
          const [echoedTrace] = headers?.get('x-trace-bin') ?? [];
          if (echoedId !== requestId)
            fail(`the response header x-request-id: ${requestId}`, echoedId === undefined ? 'none' : show(echoedId));
          if (!Buffer.isBuffer(echoedTrace) || !echoedTrace.equals(trace))
            fail(
              `the response header x-trace-bin with the ${trace.length} bytes sent`,
              echoedTrace === undefined
                ? 'none'
                : show(Buffer.isBuffer(echoedTrace) ? echoedTrace.toString('hex') : echoedTrace),
            );
        },
      },
      {
        name: 'echoes no header but the x- ones',
        async run({ target }) {
          const { metadata } = requestHeaders();
          metadata.set('y-not-echoed', 'no');
          const { headers, error } = await sayHelloWith(target, randomName('Linus'), metadata);
          if (error) fail('a reply', describeStatus(error));
          const echoed = Object.keys(headers?.getMap() ?? {}).filter((key) =>
            ['y-not-echoed', 'user-agent', 'te'].includes(key),
          );
          if (echoed.length) fail('only x- headers echoed', `also ${show(echoed)}`);
        },
      },
      {
        name: 'ends the call with an x-handled-ms trailer',
        async run({ target }) {
          const { trailers, error } = await sayHelloWith(target, randomName('Barbara'), requestHeaders().metadata);
          if (error) fail('a reply', describeStatus(error));
          expectHandledTrailer(trailers);
        },
      },
      {
        name: 'a refused call carries the trailer too',
        async run({ target }) {
          const { trailers, error } = await sayHelloWith(target, '', requestHeaders().metadata);
          if (error?.code !== grpc.status.INVALID_ARGUMENT)
            fail('INVALID_ARGUMENT for an empty name', error ? describeStatus(error) : 'a reply');
          expectHandledTrailer(trailers);
        },
      },
    ],
  }),
};

// Lesson 16: health checking and reflection, judged from the side that does
// the work. The shutdown is watched as a load balancer watches it (a Watch
// stream) while the server's own call log says which calls it still served;
// reflection answers a Python client written from the protocol alone; and
// `npm run call` is run as a user runs it, against the lesson's server, a
// Python server whose descriptors protoc compiled, lesson 01's server (no
// reflection) and addresses where nothing answers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { HealthImplementation } from 'grpc-health-check';
import { ReflectionService } from '@grpc/reflection';
import { PROTO_DIR, loadHelloWorld, loadProto } from '../src/proto.js';
import { listen, shutdown } from '../src/runtime/serve.js';
import type { ProtoGrpcType as HealthProto } from '../src/generated/health.js';
import type { HealthClient } from '../src/generated/grpc/health/v1/Health.js';
import type { HealthCheckResponse__Output } from '../src/generated/grpc/health/v1/HealthCheckResponse.js';
import { SERVING, createServer } from '../lessons/16-health-and-reflection/server.js';
import { runClient } from '../lessons/16-health-and-reflection/client.js';
import {
  PYTHON,
  ROOT,
  deadlineIn,
  generatePythonCode,
  pythonGrpcMissing,
  skipWhenMissing,
  spawnProcess,
  startLessonServer,
  startObservedLessonServer,
  startServerCli,
  startSilentServer,
  stopProcess,
  waitFor,
  type ObservedServer,
  type RunningServer,
  type Spawned,
} from './helpers.js';

const BOUND = { timeout: 30_000 };
const { grpc: standard } = loadProto(`${PROTO_DIR}health.proto`) as unknown as HealthProto;
/** A channel of its own, not one of the shared connections: as a new client (or a new load balancer connection) would. */
const NEW_CONNECTION: grpc.ChannelOptions = { 'grpc.use_local_subchannel_pool': 1 };

function healthClient(port: number): HealthClient {
  return new standard.health.v1.Health(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), NEW_CONNECTION);
}

/** SayHello on a new connection: its status code (OK is 0). */
function sayHelloOnNewConnection(port: number): Promise<grpc.status> {
  const { rpc_package } = loadHelloWorld();
  const client = new rpc_package.HelloWorldService(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
    NEW_CONNECTION,
  );
  return new Promise((resolve) =>
    client.SayHello({ name: 'Ada' }, deadlineIn(2_000), (error) => {
      client.close();
      resolve(error ? error.code : grpc.status.OK);
    }),
  );
}

/** Runs the lesson's runClient in this process; resolves with the lines it printed. */
async function clientLines(options: Parameters<typeof runClient>[0]): Promise<string[]> {
  const printed: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => void printed.push(args.join(' '));
  try {
    await runClient(options);
  } finally {
    console.log = original;
  }
  return printed;
}

describe('lesson 16: health', () => {
  test(
    'SIGTERM: a watching load balancer hears NOT_SERVING while the server still takes new calls; it refuses them only after the drain, then exits 0',
    BOUND,
    async () => {
      // npm run server: the lesson's own main() (signals, drain), with the call log that says what the server served.
      const server = await startServerCli('16');
      const health = healthClient(server.port);
      try {
        const statuses: { status: string; at: number }[] = [];
        const watch = health.Watch({ service: '' });
        watch.on('data', (reply: HealthCheckResponse__Output) =>
          statuses.push({ status: reply.status, at: Date.now() }),
        );
        watch.on('error', () => {});
        await waitFor(() => statuses.length > 0, 'the first status');
        assert.equal(statuses[0].status, 'SERVING');

        server.child.kill('SIGTERM');
        const notServing = await waitFor(() => statuses.find((s) => s.status === 'NOT_SERVING'), 'NOT_SERVING');
        // What a load balancer that missed the news would send now: it must still be served.
        assert.equal(await sayHelloOnNewConnection(server.port), grpc.status.OK);
        const servedAt = Date.now();
        // It heard: it stops watching, and sends nothing more.
        watch.cancel();

        // After the drain, no new connection is taken. (Each try is a call: no pause between them is needed.)
        let refusedAt = 0;
        for (const deadline = Date.now() + 5_000; Date.now() < deadline && refusedAt === 0;) {
          if ((await sayHelloOnNewConnection(server.port)) === grpc.status.UNAVAILABLE) refusedAt = Date.now();
        }
        assert.ok(refusedAt > 0, 'the server never stopped taking calls');
        assert.ok(notServing.at <= servedAt && servedAt <= refusedAt);
        assert.deepEqual(await server.exited, { code: 0, signal: null });

        // The server's own account, in its order: the signal, NOT_SERVING, and then a SayHello it served.
        const log = server.stdout();
        const said = log.indexOf('health: NOT_SERVING');
        assert.ok(log.indexOf('SIGTERM: shutting down') < said && said >= 0, log);
        assert.match(log.slice(said), /SayHello from [^\n]*: OK/);
      } finally {
        health.close();
        await stopProcess(server);
      }
    },
  );

  test(
    'the client: Check answers per service, NOT_FOUND for one the server does not have; Watch follows every change',
    BOUND,
    async () => {
      const health = new HealthImplementation(SERVING);
      const server = createServer(undefined, health);
      const port = await listen(server, '127.0.0.1', 0);
      try {
        const lines = await clientLines({ target: `127.0.0.1:${port}` });
        assert.deepEqual(lines.slice(0, 3), [
          'Check "": SERVING',
          'Check "rpc_package.HelloWorldService": SERVING',
          'Check "rpc_package.NoSuchService": NOT_FOUND',
        ]);

        const watched: string[] = [];
        const original = console.log;
        console.log = (...args: unknown[]) => void watched.push(args.join(' '));
        const watching = runClient({ target: `127.0.0.1:${port}`, watchSeconds: 1 }).finally(
          () => (console.log = original),
        );
        await waitFor(() => watched.length === 1, 'the first status');
        health.setStatus('', 'NOT_SERVING');
        await waitFor(() => watched.length === 2, 'the change');
        health.setStatus('', 'SERVING');
        await watching;
        assert.deepEqual(watched, [
          'Watch "": SERVING',
          'Watch "": NOT_SERVING',
          'Watch "": SERVING',
          'watched for 1 s',
        ]);
      } finally {
        await shutdown(server, 500);
      }
    },
  );
});

describe('lesson 16: reflection', () => {
  test(
    "the client builds SayHello from the server's descriptors alone: against a server whose HelloRequest numbers `name` 7, it still greets Ada",
    BOUND,
    async () => {
      // Another contract under the same names: a client that encoded with its own
      // helloworld.proto would send name as field 1, and this server would see no name.
      const dir = mkdtempSync(join(tmpdir(), 'l16-renumbered-'));
      writeFileSync(
        join(dir, 'renumbered.proto'),
        [
          'syntax = "proto3";',
          'package rpc_package;',
          'service HelloWorldService { rpc SayHello (HelloRequest) returns (HelloReply); }',
          'message HelloRequest { string name = 7; }',
          'message HelloReply { string message = 3; }',
        ].join('\n'),
      );
      const definition = protoLoader.loadSync(join(dir, 'renumbered.proto'), { keepCase: true, defaults: true });
      rmSync(dir, { recursive: true, force: true });
      const service = (grpc.loadPackageDefinition(definition).rpc_package as grpc.GrpcObject)
        .HelloWorldService as grpc.ServiceClientConstructor;
      const names: string[] = [];
      const server = new grpc.Server();
      server.addService(service.service, {
        SayHello: (call: grpc.ServerUnaryCall<{ name: string }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
          names.push(call.request.name);
          callback(null, { message: `Hello, ${call.request.name}!` });
        },
      });
      new HealthImplementation(SERVING).addToServer(server);
      new ReflectionService(definition).addToServer(server);
      const port = await listen(server, '127.0.0.1', 0);
      try {
        const lines = await clientLines({ target: `127.0.0.1:${port}`, names: ['Ada'] });
        assert.deepEqual(names, ['Ada']);
        assert.ok(lines.includes('  string name = 7;'), lines.join('\n'));
        assert.equal(lines.at(-1), 'SayHello via reflection: Hello, Ada!');
      } finally {
        await shutdown(server, 500);
      }
    },
  );
});

const missing = pythonGrpcMissing();
if (missing) console.log(`# SKIPPING lesson 16's Python interop: ${missing}`);
const PEER = join(ROOT, 'test/python/lesson_16.py');

describe('lesson 16 and Python grpcio, each side written from the protocol', { skip: skipWhenMissing(missing) }, () => {
  let genDir = '';
  before(() => {
    genDir = mkdtempSync(join(tmpdir(), 'l16-py-'));
    const protos = ['helloworld.proto', 'feed.proto', 'health.proto', 'reflection.proto'];
    generatePythonCode(
      genDir,
      protos.map((file) => join(PROTO_DIR, file)),
    );
  });
  after(() => rmSync(genDir, { recursive: true, force: true }));

  test(
    "a Python reflection client lists the lesson server's services, reads its descriptors and calls SayHello",
    BOUND,
    async () => {
      const server = await startObservedLessonServer('16');
      try {
        // Spawned, not spawnSync: the server runs in this process and must go on answering.
        const run = spawnProcess(PYTHON, [PEER, genDir, 'client', `127.0.0.1:${server.port}`, 'Ada']);
        const { code } = await run.exited;
        assert.equal(code, 0, run.stderr());
        assert.deepEqual(run.stdout().trimEnd().split('\n'), [
          'Check "": SERVING',
          'Check "rpc_package.HelloWorldService": SERVING',
          'services: grpc.health.v1.Health, rpc_package.HelloWorldService',
          'rpc_package.NoSuchThing: NOT_FOUND',
          'rpc SayHello (rpc_package.HelloRequest) returns (rpc_package.HelloReply)',
          'fields of the request: name = 1, reply_count = 2, interval_ms = 3',
          'SayHello via reflection: Hello, Ada!',
        ]);
        // The request Python built from the descriptors reached the handler as the lesson's own HelloRequest.
        const sayHello = server.calls.find((call) => call.method === 'SayHello');
        assert.equal((sayHello?.call as unknown as { request: { name: string } }).request.name, 'Ada');
      } finally {
        await server.stop();
      }
    },
  );

  describe('npm run call against a Python server, whose files protoc compiled and which sends no imports', () => {
    let python: Spawned;
    let target = '';
    before(async () => {
      python = spawnProcess(PYTHON, [PEER, genDir, 'server']);
      target = `127.0.0.1:${(await waitFor(() => /listening on 127\.0\.0\.1:(\d+)/.exec(python.stdout()), 'Python'))[1]}`;
    });
    after(() => stopProcess(python));

    test(
      'lists, and streams Subscribe one JSON line per reply, having asked for helloworld.proto by name',
      BOUND,
      async () => {
        const list = await call([target, 'list']);
        assert.equal(list.stdout, 'grpc.reflection.v1.ServerReflection\nrpc_package.HelloFeedService\n');
        const feed = await call([target, 'rpc_package.HelloFeedService/Subscribe', '{"name":"Ada","reply_count":3}']);
        assert.equal(feed.stderr, '');
        assert.equal(feed.code, 0);
        assert.deepEqual(feed.stdout.trimEnd().split('\n'), [
          '{"message":"Hello, Ada! (1 of 3)","sequence":1}',
          '{"message":"Hello, Ada! (2 of 3)","sequence":2}',
          '{"message":"Hello, Ada! (3 of 3)","sequence":3}',
        ]);
        // feed.proto imports helloworld.proto (HelloReply is there); the server sent feed.proto alone.
        assert.match(python.stdout(), /reflection: file_by_filename helloworld\.proto/);
      },
    );
  });
});

/** `npm run call -- args`, as a user runs it. */
async function call(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const run = spawnProcess(process.execPath, ['--import', 'tsx', 'src/cli/call.ts', ...args]);
  const { code } = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr(), ms: Date.now() - started };
}

describe('npm run call against the lesson server', { concurrency: 4 }, () => {
  let server: ObservedServer;
  let target = '';
  before(async () => {
    server = await startObservedLessonServer('16');
    target = `127.0.0.1:${server.port}`;
  });
  after(() => server.stop());

  test('list: the services, sorted; list <service>: its methods', BOUND, async () => {
    const [services, methods] = await Promise.all([
      call([target, 'list']),
      call([target, 'list', 'rpc_package.HelloWorldService']),
    ]);
    assert.deepEqual([services.code, services.stdout], [0, 'grpc.health.v1.Health\nrpc_package.HelloWorldService\n']);
    assert.equal(methods.code, 0);
    assert.match(methods.stdout, /^rpc_package\.HelloWorldService\.SayHello\n/);
  });

  test('describe: a service, a message with a map, a message with a nested enum, as .proto text', BOUND, async () => {
    const [service, list, status] = await Promise.all([
      call([target, 'describe', 'rpc_package.HelloWorldService']),
      call([target, 'describe', 'grpc.health.v1.HealthListResponse']),
      call([target, 'describe', 'grpc.health.v1.HealthCheckResponse']),
    ]);
    assert.match(
      service.stdout,
      /^rpc_package\.HelloWorldService is a service:\nservice HelloWorldService \{\n {2}rpc SayHello \(rpc_package\.HelloRequest\) returns \(rpc_package\.HelloReply\);\n {2}rpc LotsOfReplies \(rpc_package\.HelloRequest\) returns \(stream rpc_package\.HelloReply\);\n/,
    );
    assert.match(list.stdout, /\n {2}map<string, HealthCheckResponse> statuses = 1;\n/);
    assert.match(status.stdout, /\n {2}ServingStatus status = 1;\n {2}enum ServingStatus \{\n {4}UNKNOWN = 0;\n/);
  });

  test(
    'a unary call: the JSON request reached the handler, the reply prints as JSON, maps as objects',
    BOUND,
    async () => {
      const [hello, statuses] = await Promise.all([
        call([target, 'rpc_package.HelloWorldService/SayHello', '{"name":"Grace"}']),
        call([target, 'grpc.health.v1.Health.List']),
      ]);
      assert.deepEqual([hello.code, hello.stderr, hello.stdout], [0, '', '{"message":"Hello, Grace!","sequence":0}\n']);
      const handled = server.calls.filter((record) => record.method === 'SayHello');
      assert.ok(
        handled.some((record) => (record.call as unknown as { request: { name: string } }).request.name === 'Grace'),
      );
      assert.equal(
        statuses.stdout,
        '{"statuses":{"":{"status":"SERVING"},"rpc_package.HelloWorldService":{"status":"SERVING"}}}\n',
      );
    },
  );

  test(
    'errors: the status and exit 1; a field the message does not have never reaches the server: exit 2',
    BOUND,
    async () => {
      const [empty, typo, symbol] = await Promise.all([
        call([target, 'rpc_package.HelloWorldService/SayHello', '{"name":""}']),
        call([target, 'rpc_package.HelloWorldService/SayHello', '{"name":"Typo","nmae":"Ada"}']),
        call([target, 'describe', 'rpc_package.Nobody']),
      ]);
      assert.deepEqual([empty.code, empty.stderr], [1, 'error: INVALID_ARGUMENT (status 3): name must not be empty\n']);
      assert.deepEqual(
        [typo.code, typo.stderr],
        [2, 'error: rpc_package.HelloRequest has no field "nmae" (its fields: name, reply_count, interval_ms)\n'],
      );
      assert.deepEqual(
        [symbol.code, symbol.stderr],
        [1, 'error: NOT_FOUND (status 5): Symbol not found: rpc_package.Nobody\n'],
      );
      // The server handled the empty name, and never saw the request with the typo.
      const names = server.calls
        .filter((record) => record.method === 'SayHello')
        .map((record) => (record.call as unknown as { request: { name: string } }).request.name);
      assert.ok(names.includes(''));
      assert.ok(!names.includes('Typo'));
    },
  );

  test(
    'a server stream: a Watch prints the status, then ends at --max-time with DEADLINE_EXCEEDED',
    BOUND,
    async () => {
      const watch = await call([target, 'grpc.health.v1.Health/Watch', '{"service":""}', '--max-time', '1']);
      assert.equal(watch.stdout, '{"status":"SERVING"}\n');
      assert.equal(watch.code, 1);
      assert.match(watch.stderr, /^error: DEADLINE_EXCEEDED \(status 4\): /);
    },
  );
});

describe('npm run call where it cannot work', { concurrency: 4 }, () => {
  let lesson01: RunningServer;
  before(async () => (lesson01 = await startLessonServer('1')));
  after(() => lesson01.stop());

  test("lesson 01's server, which has no reflection: one line that says so, exit 1", BOUND, async () => {
    const run = await call([`127.0.0.1:${lesson01.port}`, 'list']);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.equal(
      run.stderr,
      `error: 127.0.0.1:${lesson01.port} has no reflection service (UNIMPLEMENTED (status 12)): call it with its .proto instead\n`,
    );
  });

  test(
    'nothing listening: UNAVAILABLE at once; a peer that never answers: the deadline, in seconds',
    BOUND,
    async () => {
      const silent = await startSilentServer();
      try {
        const [refused, hung] = await Promise.all([
          call(['127.0.0.1:1', 'list']),
          call([`127.0.0.1:${silent.port}`, 'list', '--max-time', '1']),
        ]);
        assert.equal(refused.code, 1);
        assert.match(
          refused.stderr,
          /^error: cannot reach 127\.0\.0\.1:1: UNAVAILABLE \(status 14\): .*ECONNREFUSED.*\n$/,
        );
        assert.ok(refused.ms < 5_000, `${refused.ms} ms`);
        assert.equal(hung.code, 1);
        assert.match(hung.stderr, /^error: DEADLINE_EXCEEDED \(status 4\): .*\n$/);
        assert.ok(hung.ms < 6_000, `${hung.ms} ms`);
        assert.ok(silent.accepted() >= 1, 'the command never tried the silent peer');
      } finally {
        silent.close();
      }
    },
  );

  test('a bad command line: one line and exit 2, before any connection; --help: usage and exit 0', BOUND, async () => {
    const runs = await Promise.all([
      call([]),
      call(['nowhere', 'list']),
      call(['127.0.0.1:1', 'rpc_package.HelloWorldService/SayHello', '{name:']),
      call(['127.0.0.1:1', 'frobnicate']),
      call(['127.0.0.1:1', 'list', '--max-time', 'soon']),
      call(['127.0.0.1:1', 'describe']),
    ]);
    for (const run of runs) {
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /^error: [^\n]+\n$/);
      assert.doesNotMatch(run.stderr, /UNAVAILABLE/);
    }
    const help = await call(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: npm run call -- <target>/);
  });
});

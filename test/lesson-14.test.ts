// Lesson 14: a contract that evolves, judged by the side that decodes. What
// a server made of a request is read from inside its handler (the lesson's
// server watched from outside, see startObservedLessonServer); what crossed
// the wire is read from the bytes, field by field, with the v1 contract the
// timeline uses; what a client made of a reply is what it printed. Python
// grpcio plays the article's old client, a hop built from v1, and a server
// built from the retyped v3.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { loadDefinition, PROTO_DIR } from '../src/proto.js';
import { annotate, messageTypeOf } from '../src/instrument/wire-format.js';
import type { WireEvent } from '../src/instrument/events.js';
import type { ProtoGrpcType as V1 } from '../src/generated/helloworld.js';
import type { ProtoGrpcType as V2 } from '../src/generated/evolution/v2/helloworld_v2.js';
import type { ProtoGrpcType as V3 } from '../src/generated/evolution/v3/helloworld_v3.js';
import type { ProtoGrpcType as V3Retyped } from '../src/generated/evolution/v3_retyped/helloworld_v3_retyped.js';
import type { HelloReply__Output as V2Reply } from '../src/generated/evolution/v2/rpc_package/HelloReply.js';
import type { HelloRequest__Output as V1Request } from '../src/generated/rpc_package/HelloRequest.js';
import type { HelloRequest__Output as V2Request } from '../src/generated/evolution/v2/rpc_package/HelloRequest.js';
import type { HelloWorldServiceClient as V2Client } from '../src/generated/evolution/v2/rpc_package/HelloWorldService.js';
import { runClient } from '../lessons/14-evolving-the-contract/client.js';
import {
  PYTHON,
  ROOT,
  deadlineIn,
  generatePythonCode,
  pythonGrpcMissing,
  rawClient,
  rawUnary,
  skipWhenMissing,
  spawnProcess,
  startObservedLessonServer,
  stopProcess,
  tapped,
  waitFor,
  type ObservedServer,
  type Spawned,
} from './helpers.js';
import { listen } from '../src/runtime/serve.js';

/** Every test here ends in a second or two; a hang fails by name. */
const BOUND = { timeout: 30_000 };
const SAY_HELLO = '/rpc_package.HelloWorldService/SayHello';

const v1 = (grpc.loadPackageDefinition(loadDefinition(`${PROTO_DIR}helloworld.proto`)) as unknown as V1).rpc_package;
const load = (file: string) => grpc.loadPackageDefinition(loadDefinition(`${PROTO_DIR}evolution/${file}`));
const v2 = (load('helloworld_v2.proto') as unknown as V2).rpc_package;
const v3 = (load('helloworld_v3.proto') as unknown as V3).rpc_package;
const v3Retyped = (load('helloworld_v3_retyped.proto') as unknown as V3Retyped).rpc_package;

const v2Client = (target: string): V2Client => new v2.HelloWorldService(target, grpc.credentials.createInsecure());
const v2SayHello = (client: V2Client, request: { name: string; greeting_style?: string }) =>
  new Promise<V2Reply>((resolve, reject) =>
    client.SayHello(request, deadlineIn(), (error, reply) => (error ? reject(error) : resolve(reply!))),
  );

/** The fields of protobuf bytes as the wire view lists them, read with the v1 contract (as the timeline does). */
const fieldsAsV1 = (bytes: Buffer, direction: 'client->server' | 'server->client') =>
  annotate(bytes, messageTypeOf(SAY_HELLO, direction)).map(({ field, name, wireType, value }) => ({
    field,
    name,
    wireType,
    value,
  }));

interface LessonServer extends ObservedServer {
  /** What the lesson's handler printed. */
  printed: string[];
  /** The requests HelloWorldService's SayHello got (not the relay's), in order, as it decoded them. */
  requests(): V2Request[];
}

/** The lesson's server, its relay calling this same server, as main() sets it up. */
async function startLessonServer(): Promise<LessonServer> {
  let port = 0;
  const server = await startObservedLessonServer('14', { backTarget: () => `127.0.0.1:${port}` });
  port = server.port;
  const printed: string[] = [];
  return Object.assign(server, {
    printed,
    requests: () =>
      server.calls
        .map((record) => record.call as unknown as { getPath(): string; request: V2Request })
        .filter((call) => call.getPath() === SAY_HELLO)
        .map((call) => call.request),
  });
}

/** A server on a free loopback port, for the releases the lesson does not run (v3, the retyped v3, a byte hop). */
async function serve(service: grpc.ServiceDefinition, implementation: grpc.UntypedServiceImplementation) {
  const server = new grpc.Server();
  server.addService(service, implementation);
  const port = await listen(server, '127.0.0.1', 0);
  return { port, server };
}

/** Runs `work` with console.log collected: the lesson's client and server print through it. */
async function printing<T>(printed: string[], work: () => Promise<T>): Promise<T> {
  const original = console.log;
  console.log = (...args: unknown[]) => void printed.push(args.join(' '));
  try {
    return await work();
  } finally {
    console.log = original;
  }
}

describe('lesson 14: the new server (v2) and an old client (v1)', () => {
  let server: LessonServer;
  before(async () => (server = await startLessonServer()));
  after(() => server.stop());

  test('a v1 request has no field 4: the handler reads greeting_style as "", the plain greeting', BOUND, async () => {
    const client = rawClient(server.port);
    try {
      const request = v1.HelloWorldService.service.SayHello.requestSerialize({ name: 'Ada' }) as Buffer;
      const answer = await printing(server.printed, () => rawUnary(client, SAY_HELLO, request));
      assert.equal(answer.code, grpc.status.OK, answer.details);
      assert.equal(server.requests().at(-1)!.greeting_style, '');
      // The reply: field 3 is there, and v1 has no name for it.
      assert.deepEqual(fieldsAsV1(answer.reply!, 'server->client'), [
        { field: 1, name: 'message', wireType: 2, value: '"Hello, Ada!"' },
        { field: 3, name: '(unknown field)', wireType: 0, value: '1' },
      ]);
      // What a v1 client makes of it: its own two fields, visits skipped.
      assert.deepEqual(v1.HelloWorldService.service.SayHello.responseDeserialize(answer.reply!), {
        message: 'Hello, Ada!',
        sequence: 0,
      });
    } finally {
      client.close();
    }
  });
});

describe('lesson 14: the new client (v2) and an old server (v1)', () => {
  let old: ObservedServer;
  before(async () => (old = await startObservedLessonServer('1')));
  after(() => old.stop());

  test("lesson 01's server skips greeting_style; visits arrives as its default, 0", BOUND, async () => {
    const client = v2Client(`127.0.0.1:${old.port}`);
    try {
      const reply = await v2SayHello(client, { name: 'Ada', greeting_style: 'formal' });
      assert.deepEqual(reply, { message: 'Hello, Ada!', sequence: 0, visits: 0 });
      // The v1 handler got the fields v1 has, and nothing else.
      const request = (old.calls.at(-1)!.call as unknown as { request: V1Request }).request;
      assert.deepEqual(request, { name: 'Ada', reply_count: 0, interval_ms: 0 });
    } finally {
      client.close();
    }
  });

  test("lesson 14's client against it: visits 0, older than v2; then the relay is UNIMPLEMENTED", BOUND, async () => {
    const printed: string[] = [];
    await assert.rejects(
      printing(printed, () => runClient({ target: `127.0.0.1:${old.port}` })),
      { code: grpc.status.UNIMPLEMENTED },
    );
    assert.deepEqual(printed, [
      'v1 client -> v2 server: {"message":"Hello, Ada!","sequence":0}',
      'v2 client -> v2 server: "Hello, Ada!", visits 0: older than v2',
    ]);
  });
});

describe("lesson 14's client: every pairing, against the lesson's server", () => {
  let server: LessonServer;
  let lines: string[] = [];
  let events: WireEvent[] = [];
  before(async () => {
    server = await startLessonServer();
    const printed: string[] = [];
    const run = await printing(printed, () => tapped(() => runClient({ target: `127.0.0.1:${server.port}` })));
    if (run.error) throw run.error;
    events = run.events;
    lines = printed.filter((line) => / client -> /.test(line));
    server.printed.push(...printed.filter((line) => line.startsWith('SayHello ')));
  });
  after(() => server.stop());

  /**
   * Every call on the wire, in order, with its path and the bytes of its
   * request and reply. The relay runs in this process here, so its own call
   * to the greeting service is on the list too (in the lesson UI it is in the
   * server's process, out of the timeline's sight).
   */
  const calls = () => {
    const bytesOf = (call: number, direction: string) =>
      events
        .filter((event) => event.type === 'message' && event.call === call && event.direction === direction)
        .map((event) => Buffer.from((event as { bytes: string }).bytes, 'base64'))[0];
    return events
      .filter((event) => event.type === 'call')
      .map((event) => ({
        method: (event as { method: string }).method,
        request: bytesOf(event.call, 'client->server'),
        reply: bytesOf(event.call, 'server->client'),
      }));
  };

  test(
    'the server read greeting_style from the v2 client only; through the relay and from v3 it read ""',
    BOUND,
    () => {
      assert.deepEqual(
        server.requests().map((request) => request.greeting_style),
        ['', 'formal', '', '', ''],
      );
      assert.deepEqual(server.printed, [
        'SayHello "Ada", greeting_style "": "Hello, Ada!", visits 1',
        'SayHello "Ada", greeting_style "formal": "Good day, Ada.", visits 2',
        'SayHello "Ada", greeting_style "": "Hello, Ada!", visits 3',
        'SayHello "Ada", greeting_style "": "Hello, Ada!", visits 4',
        'SayHello "Ada", greeting_style "": "Hello, Ada!", visits 5',
      ]);
    },
  );

  test(
    'the v1 relay re-encodes what v1 knows: greeting_style is gone on the way in, visits on the way out',
    BOUND,
    () => {
      const [, , toRelay, relayToServer] = calls();
      assert.equal(toRelay.method, '/rpc_package.GreetingRelay/SayHello');
      // The v2 client's bytes reach the relay whole, field 4 included.
      assert.deepEqual(
        fieldsAsV1(toRelay.request, 'client->server').map((row) => row.field),
        [1, 4],
      );
      // The relay's own request: name, and the zeros proto-loader's defaults put on the object it decoded.
      assert.equal(relayToServer.method, '/rpc_package.HelloWorldService/SayHello');
      assert.deepEqual(fieldsAsV1(relayToServer.request, 'client->server'), [
        { field: 1, name: 'name', wireType: 2, value: '"Ada"' },
        { field: 2, name: 'reply_count', wireType: 0, value: '0' },
        { field: 3, name: 'interval_ms', wireType: 0, value: '0' },
      ]);
      // The server answered the relay with visits 3; the relay answered the client without it.
      assert.deepEqual(
        fieldsAsV1(relayToServer.reply, 'server->client').map((row) => [row.field, row.value]),
        [
          [1, '"Hello, Ada!"'],
          [3, '3'],
        ],
      );
      assert.deepEqual(
        fieldsAsV1(toRelay.reply, 'server->client').map((row) => [row.field, row.name, row.value]),
        [
          [1, 'message', '"Hello, Ada!"'],
          [2, 'sequence', '0'],
        ],
      );
      assert.equal(lines[2], 'v2 client -> v1 relay -> v2 server: "Hello, Ada!", visits 0: older than v2');
    },
  );

  test(
    'read with v1, as the wire view reads it, a v2 message shows its new field as a number with no name',
    BOUND,
    () => {
      const [, direct] = calls();
      assert.deepEqual(
        fieldsAsV1(direct.request, 'client->server').map((row) => [row.field, row.name, row.wireType, row.value]),
        [
          [1, 'name', 2, '"Ada"'],
          [4, '(unknown field)', 2, '6 bytes'],
        ],
      );
      assert.deepEqual(
        fieldsAsV1(direct.reply, 'server->client').map((row) => [row.field, row.name, row.wireType, row.value]),
        [
          [1, 'message', 2, '"Good day, Ada."'],
          [3, '(unknown field)', 0, '2'],
        ],
      );
    },
  );

  test('a v3 client sends no field 4, reads message as text and visits as an int64', BOUND, () => {
    const [, , , , v3Call] = calls();
    assert.deepEqual(
      fieldsAsV1(v3Call.request, 'client->server').map((row) => row.field),
      [1],
    );
    assert.equal(lines[3], 'v3 client -> v2 server: {"text":"Hello, Ada!","sequence":0,"visits":"4"}');
  });

  test('a retyped v3 client sends field 4 as a varint; the v2 server reads it as "", with no error', BOUND, () => {
    const [, , , , , retyped] = calls();
    assert.deepEqual(
      fieldsAsV1(retyped.request, 'client->server').map((row) => [row.field, row.wireType, row.value]),
      [
        [1, 2, '"Ada"'],
        [4, 0, '1'],
      ],
    );
    assert.equal(server.requests().at(-1)!.greeting_style, '');
    assert.equal(lines[4], 'retyped v3 client -> v2 server: asked style 1, got "Hello, Ada!", visits 5');
  });
});

describe('lesson 14: the changes of v3, byte by byte', () => {
  const v2Reply = v2.HelloWorldService.service.SayHello;
  const v3Reply = v3.HelloWorldService.service.SayHello;

  test('a renamed field: the same bytes on the wire under either name', () => {
    const renamed = v3Reply.responseSerialize({ text: 'Hello, Ada!', visits: 1 });
    assert.deepEqual(renamed, v2Reply.responseSerialize({ message: 'Hello, Ada!', visits: 1 }));
    assert.equal(v2Reply.responseDeserialize(renamed).message, 'Hello, Ada!');
  });

  test('int32 widened to int64: values that fit in 32 bits read the same; a bigger one keeps its low 32 bits', () => {
    const readAsV2 = (visits: string) => v2Reply.responseDeserialize(v3Reply.responseSerialize({ visits })).visits;
    assert.equal(readAsV2('7'), 7);
    assert.equal(readAsV2('-1'), -1);
    assert.equal(readAsV2('2147483647'), 2147483647);
    assert.equal(readAsV2('5000000000'), 705032704);
    // The other way: every int32 is an int64.
    assert.equal(v3Reply.responseDeserialize(v2Reply.responseSerialize({ visits: -1 })).visits, '-1');
  });

  test('reserved: proto-loader checks only fields written after it, and never a single reserved number', () => {
    const v3Text = readFileSync(join(PROTO_DIR, 'evolution/helloworld_v3.proto'), 'utf8');
    const dir = mkdtempSync(join(tmpdir(), 'reserved-'));
    /** v3 with one more field in HelloRequest, after the reserved lines or before them; its fields as loaded. */
    const load = (field: string, where: 'after' | 'before') => {
      const file = join(dir, 'v3.proto');
      const text =
        where === 'after'
          ? v3Text.replace('reserved "greeting_style";', `reserved "greeting_style";\n    ${field};`)
          : v3Text.replace('reserved 4;', `${field};\n    reserved 4;`);
      assert.notEqual(text, v3Text);
      writeFileSync(file, text);
      const request = protoLoader.loadSync(file, { keepCase: true })['rpc_package.HelloRequest'];
      const fields = (
        (request as protoLoader.MessageTypeDefinition<object, object>).type as {
          field: { name: string; number: number }[];
        }
      ).field;
      return fields.map((one) => `${one.name} = ${one.number}`);
    };
    try {
      assert.throws(() => load('int32 greeting_style = 5', 'after'), /name 'greeting_style' is reserved/);
      assert.deepEqual(load('int32 greeting_style = 5', 'before').at(-1), 'greeting_style = 5');
      assert.deepEqual(load('int32 greeting_level = 4', 'after').at(-1), 'greeting_level = 4');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('lesson 14: an old client (v2) and the v3 servers, with grpc-js', () => {
  test('v3 skips the greeting_style it removed; v2 reads text as message and the int64 visits', BOUND, async () => {
    const seen: object[] = [];
    const v3Server = await serve(v3.HelloWorldService.service, {
      SayHello: (call: grpc.ServerUnaryCall<object, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        seen.push(call.request);
        callback(null, { text: 'Hello, Ada!', visits: '1' });
      },
    });
    const client = v2Client(`127.0.0.1:${v3Server.port}`);
    try {
      const reply = await v2SayHello(client, { name: 'Ada', greeting_style: 'formal' });
      assert.deepEqual(seen, [{ name: 'Ada', reply_count: 0, interval_ms: 0 }]);
      assert.deepEqual(reply, { message: 'Hello, Ada!', sequence: 0, visits: 1 });
    } finally {
      client.close();
      v3Server.server.forceShutdown();
    }
  });

  test('the retyped v3 cannot decode "formal" as an int32: INTERNAL, and no handler runs', BOUND, async () => {
    let handled = 0;
    const retyped = await serve(v3Retyped.HelloWorldService.service, {
      SayHello: (call: grpc.ServerUnaryCall<{ name: string }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        handled += 1;
        callback(null, { message: `Hello, ${call.request.name}!`, visits: 1 });
      },
    });
    const client = v2Client(`127.0.0.1:${retyped.port}`);
    try {
      await assert.rejects(v2SayHello(client, { name: 'Ada', greeting_style: 'formal' }), {
        code: grpc.status.INTERNAL,
        details: 'Error deserializing request',
      });
      assert.equal(handled, 0);
      // A client that never set the field sends no field 4, and is answered.
      assert.equal((await v2SayHello(client, { name: 'Ada' })).message, 'Hello, Ada!');
      assert.equal(handled, 1);
    } finally {
      client.close();
      retyped.server.forceShutdown();
    }
  });

  test('a hop that forwards bytes keeps every field: the server reads "formal", the client visits', BOUND, async () => {
    const server = await startLessonServer();
    const backend = new grpc.Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
    const asBytes = (bytes: Buffer) => bytes;
    const hop = await serve(
      {
        SayHello: {
          path: SAY_HELLO,
          requestStream: false,
          responseStream: false,
          requestSerialize: asBytes,
          requestDeserialize: asBytes,
          responseSerialize: asBytes,
          responseDeserialize: asBytes,
        },
      },
      {
        SayHello: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) =>
          backend.makeUnaryRequest(SAY_HELLO, asBytes, asBytes, call.request, deadlineIn(), callback),
      },
    );
    const client = v2Client(`127.0.0.1:${hop.port}`);
    try {
      const reply = await printing(server.printed, () => v2SayHello(client, { name: 'Ada', greeting_style: 'formal' }));
      assert.equal(server.requests().at(-1)!.greeting_style, 'formal');
      assert.deepEqual(reply, { message: 'Good day, Ada.', sequence: 0, visits: 1 });
    } finally {
      client.close();
      backend.close();
      hop.server.forceShutdown();
      await server.stop();
    }
  });
});

const missing = pythonGrpcMissing();
if (missing) console.log(`# SKIPPING lesson 14's Python interop tests: ${missing}`);

describe('lesson 14 with Python grpcio', { skip: skipWhenMissing(missing) }, () => {
  const PEER = join(ROOT, 'test/python/lesson_14.py');
  let genDir = '';
  /** Runs lesson_14.py to its end; its output lines. (Not spawnSync: the servers it calls run in this process.) */
  const python = async (...args: string[]) => {
    const run = spawnProcess(PYTHON, [PEER, genDir, ...args]);
    const { code } = await run.exited;
    assert.equal(code, 0, run.stderr());
    return run.stdout().trim().split('\n');
  };
  /** A Python server of lesson_14.py; resolves with it and its port once it listens. */
  const pythonServer = async (...args: string[]) => {
    const spawned = spawnProcess(PYTHON, [PEER, genDir, ...args]);
    const match = await waitFor(
      () => /listening on 127\.0\.0\.1:(\d+)/.exec(spawned.stdout()),
      'the Python server',
      20_000,
    );
    return { spawned, port: Number(match[1]) };
  };
  before(() => {
    genDir = mkdtempSync(join(tmpdir(), 'evolution-py-'));
    // One protoc run per version: the versions declare the same names, which one run refuses.
    for (const file of [
      'helloworld.proto',
      ...['v2', 'v3', 'v3_retyped'].map((v) => `evolution/helloworld_${v}.proto`),
    ])
      generatePythonCode(genDir, [join(PROTO_DIR, file)]);
  });
  after(() => rmSync(genDir, { recursive: true, force: true }));

  test(
    "the article's client, built from v1, against the new server: its greeting, and field 3 kept",
    BOUND,
    async () => {
      const server = await startLessonServer();
      try {
        const [message, reencoded] = await printing(server.printed, () =>
          python('client', `127.0.0.1:${server.port}`, 'Grace'),
        );
        assert.equal(message, 'Hello, Grace!');
        // Python keeps the field it cannot name, and encodes it again: 18 01 is visits 1.
        assert.equal(
          reencoded,
          (
            v2.HelloWorldService.service.SayHello.responseSerialize({ message: 'Hello, Grace!', visits: 1 }) as Buffer
          ).toString('hex'),
        );
        assert.ok(reencoded.endsWith('1801'));
        assert.deepEqual(
          server.requests().map((request) => request.greeting_style),
          [''],
        );
      } finally {
        await server.stop();
      }
    },
  );

  describe('a Python hop built from v1, between a v2 client and the new server', () => {
    let server: LessonServer;
    let hop: { spawned: Spawned; port: number };
    before(async () => {
      server = await startLessonServer();
      hop = await pythonServer('hop', `127.0.0.1:${server.port}`);
    });
    after(async () => {
      await stopProcess(hop.spawned);
      await server.stop();
    });

    test(
      'passes the fields v1 cannot name both ways: the server reads "formal", the client visits',
      BOUND,
      async () => {
        const client = v2Client(`127.0.0.1:${hop.port}`);
        try {
          const reply = await printing(server.printed, () =>
            v2SayHello(client, { name: 'Ada', greeting_style: 'formal' }),
          );
          assert.equal(server.requests().at(-1)!.greeting_style, 'formal');
          assert.deepEqual(reply, { message: 'Good day, Ada.', sequence: 0, visits: 1 });
        } finally {
          client.close();
        }
      },
    );
  });

  test(
    'a Python server built from the retyped v3 reads "formal" as 0, keeps its bytes, and answers',
    BOUND,
    async () => {
      const retyped = await pythonServer('retyped');
      const client = v2Client(`127.0.0.1:${retyped.port}`);
      try {
        const reply = await v2SayHello(client, { name: 'Ada', greeting_style: 'formal' });
        assert.deepEqual(reply, { message: 'Hello, Ada!', sequence: 0, visits: 1 });
        const request = v2.HelloWorldService.service.SayHello.requestSerialize({
          name: 'Ada',
          greeting_style: 'formal',
        });
        await waitFor(
          () =>
            retyped.spawned
              .stdout()
              .includes(`SayHello greeting_style 0, encoded again: ${(request as Buffer).toString('hex')}`),
          "the Python server's line",
        );
      } finally {
        client.close();
        await stopProcess(retyped.spawned);
      }
    },
  );

  test('a v2 client reads an int64 visits past 32 bits as its low 32 bits, as protobufjs does', BOUND, async () => {
    const widened = await serve(v3.HelloWorldService.service, {
      SayHello: (_call: unknown, callback: grpc.sendUnaryData<unknown>) =>
        callback(null, { text: 'Hello, Ada!', visits: '5000000000' }),
    });
    const port = widened.port;
    try {
      assert.deepEqual(await python('client-v2', `127.0.0.1:${port}`, 'Ada'), ['Hello, Ada! visits 705032704']);
    } finally {
      widened.server.forceShutdown();
    }
  });

  test(
    "a renamed field in JSON: Python's parser refuses v2's name; told to ignore it, it loses the value",
    BOUND,
    async () => {
      assert.deepEqual(await python('json'), [
        'ParseError: Message type "rpc_package.HelloReply" has no field named "message" at "HelloReply".',
        "ignore_unknown_fields: text '', visits 1",
        '{"text": "Hello, Ada!", "visits": "1"}',
      ]);
    },
  );

  test('protoc refuses a field on the reserved number and one with the reserved name', BOUND, () => {
    const v3Text = readFileSync(join(PROTO_DIR, 'evolution/helloworld_v3.proto'), 'utf8');
    const dir = mkdtempSync(join(tmpdir(), 'reserved-protoc-'));
    try {
      const compile = (field: string) => {
        writeFileSync(join(dir, 'v3.proto'), v3Text.replace('reserved 4;', `reserved 4;\n    ${field};`));
        return spawnSync(PYTHON, ['-m', 'grpc_tools.protoc', `-I${dir}`, `--python_out=${dir}`, 'v3.proto'], {
          encoding: 'utf8',
        });
      };
      const reused = compile('int32 greeting_level = 4');
      assert.notEqual(reused.status, 0);
      assert.match(reused.stderr, /Field "greeting_level" uses reserved number 4/);
      const renamed = compile('int32 greeting_style = 5');
      assert.notEqual(renamed.status, 0);
      assert.match(renamed.stderr, /Field name "greeting_style" is reserved/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

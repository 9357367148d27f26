// Interop with the article's own language: Python grpcio, with code generated from
// protos/helloworld.proto at test time, calls every lesson's server and is
// called by every lesson's client.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LESSONS } from '../src/lessons.js';
import { PROTO_DIR } from '../src/proto.js';
import {
  PYTHON,
  ROOT,
  pythonGrpcMissing,
  spawnCli,
  spawnProcess,
  startServerCli,
  stopProcess,
  waitFor,
  type Spawned,
  generatePythonCode,
  skipWhenMissing,
} from './helpers.js';

const missing = pythonGrpcMissing();
if (missing) console.log(`# SKIPPING Python interop tests: ${missing}`);

const PEER = join(ROOT, 'test/python/peer.py');
// The HelloWorld lessons; lesson 05 (a comparison, not a greeter client) has its own test at the end.
const HELLO_LESSONS = LESSONS.filter((lesson) => lesson.number <= 4);
let genDir = '';

function runPythonClient(port: number, method: string, names: string[]) {
  return spawnSync(PYTHON, [PEER, genDir, 'client', `127.0.0.1:${port}`, method, ...names], {
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('interop with Python grpcio', { skip: skipWhenMissing(missing) }, () => {
  before(() => {
    genDir = mkdtempSync(join(tmpdir(), 'helloworld-py-'));
    const protos = ['helloworld.proto', 'report.proto'].map((file) => join(PROTO_DIR, file));
    generatePythonCode(genDir, [...protos]);
  });
  after(() => rmSync(genDir, { recursive: true, force: true }));

  const expectedFromLessonServer: Record<string, { names: string[]; replies: RegExp[] }> = {
    SayHello: { names: ['Ada'], replies: [/^Hello, Ada!$/] },
    LotsOfReplies: {
      names: ['Ada'],
      replies: [/^Hello, Ada! \(1 of 3\)$/, /^Hello, Ada! \(2 of 3\)$/, /^Hello, Ada! \(3 of 3\)$/],
    },
    LotsOfGreetings: { names: ['Ada', 'Grace', 'Linus'], replies: [/^Hello, Ada, Grace and Linus!$/] },
    BidiHello: {
      names: ['Ada', 'Grace', 'Linus'],
      replies: [
        /^Hello, Ada!$/,
        /ping-pong: reply for Ada arrived/,
        /^Hello, Grace!$/,
        /ping-pong: reply for Grace arrived/,
        /^Hello, Linus!$/,
        /ping-pong: reply for Linus arrived/,
      ],
    },
  };

  for (const lesson of HELLO_LESSONS) {
    const method = lesson.methods[0];
    test(`a Python client calls the ${lesson.slug} server (${method}, only name set)`, async () => {
      const server = await startServerCli(lesson.slug);
      try {
        const result = runPythonClient(server.port, method, expectedFromLessonServer[method].names);
        assert.equal(result.status, 0, result.stderr);
        const lines = result.stdout.trim().split('\n');
        const expected = expectedFromLessonServer[method].replies;
        assert.equal(lines.length, expected.length, result.stdout);
        lines.forEach((line, index) => assert.match(line, expected[index]));
      } finally {
        await stopProcess(server);
      }
    });
  }

  describe('lesson clients against a Python server', () => {
    let server: Spawned;
    let port = 0;
    before(async () => {
      server = spawnProcess(PYTHON, [PEER, genDir, 'server']);
      const match = await waitFor(
        () => /listening on 127\.0\.0\.1:(\d+)/.exec(server.stdout()),
        'the Python server',
        20_000,
      );
      port = Number(match[1]);
    });
    after(() => stopProcess(server));

    const expectedFromPython: Record<string, string[]> = {
      '01-unary': ['Hello from Python, world!'],
      '02-server-streaming': [1, 2, 3, 4, 5].map((n) => `Hello from Python, world! (${n} of 5)`),
      '03-client-streaming': ['Hello from Python, Ada & Grace & Linus!'],
      '04-bidi-streaming': ['Hello from Python, Ada!', 'Hello from Python, Grace!', 'Hello from Python, Linus!'],
    };
    for (const lesson of HELLO_LESSONS) {
      test(`the ${lesson.slug} client prints the Python server's replies`, async () => {
        const client = spawnCli('client', [lesson.slug, '--target', `127.0.0.1:${port}`]);
        const { code } = await client.exited;
        assert.equal(code, 0, client.stderr());
        assert.deepEqual(client.stdout().trim().split('\n'), expectedFromPython[lesson.slug]);
      });
    }
  });

  test('lesson 05: Python sends the same report over gRPC and over REST and gets the same summary', async () => {
    const server = await startServerCli('5');
    try {
      const restLine = await waitFor(
        () => /listening on 127\.0\.0\.1:(\d+) \(REST/.exec(server.stdout()),
        'the REST listening line',
      );
      const result = spawnSync(
        PYTHON,
        [PEER, genDir, 'report', `127.0.0.1:${server.port}`, `127.0.0.1:${restLine[1]}`],
        { encoding: 'utf8', timeout: 20_000 },
      );
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(result.stdout.trim().split('\n'), ['grpc: Thanks, Ada 10 2.25', 'rest: Thanks, Ada 10 2.25']);
    } finally {
      await stopProcess(server);
    }
  });
});

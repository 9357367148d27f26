// Every lesson, from its entry in lessons/lessons.json: its files run alone and
// print the entry's output, the transcript shows the same, and the lesson text
// agrees with the entry. A new lesson is a folder plus one entry.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  readdirSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LESSONS, type Lesson } from '../src/lessons.js';
import { PROTO_DIR } from '../src/proto.js';
import { multiAddressTarget } from '../src/address.js';
import {
  PYTHON,
  ROOT,
  pythonGrpcMissing,
  spawnCli,
  spawnProcess,
  stopProcess,
  waitFor,
  type Spawned,
  generatePythonCode,
  skipWhenMissing,
} from './helpers.js';

/** `node --import tsx <file> args`, as `npx tsx <file>` runs it, from `cwd`. */
function runFile(file: string, args: string[], cwd = ROOT): Spawned {
  return spawnProcess('sh', ['-c', 'cd "$0" && exec "$@"', cwd, process.execPath, '--import', 'tsx', file, ...args]);
}

/** Starts a lesson's server.ts alone on a free port; resolves with the port it printed. */
async function startStandaloneServer(
  lesson: Lesson,
  cwd = ROOT,
  file = lesson.serverPath,
  args: string[] = [],
): Promise<Spawned & { port: number }> {
  const server = runFile(file, ['--port', '0', ...args], cwd);
  let exited = false;
  void server.exited.then(() => (exited = true));
  const match = await waitFor(
    () => {
      if (exited) throw new Error(`server exited early: ${server.stderr()}`);
      // A lesson with a REST endpoint prints its line after the gRPC one.
      if (lesson.rest && !/\(REST/.test(server.stdout())) return undefined;
      return /^listening on 127\.0\.0\.1:(\d+)/m.exec(server.stdout());
    },
    `${lesson.slug}'s listening line`,
    20_000,
  );
  return { ...server, port: Number(match[1]) };
}

const section = (text: string, heading: string) => {
  const start = text.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `no "## ${heading}" section`);
  const rest = text.slice(start + heading.length + 5);
  const end = rest.search(/\n## /);
  return end < 0 ? rest : rest.slice(0, end);
};

// Lessons are checked three at a time: each check is mostly waiting for processes to start.
describe('the lesson list', { concurrency: 3 }, () => {
  for (const lesson of LESSONS) {
    describe(lesson.slug, () => {
      test('server.ts and client.ts run alone: the client prints the output the list gives', async () => {
        // A lesson with several servers: server.ts once for each, with its args; the client gets all of them.
        const servers = await Promise.all(
          (lesson.servers ?? [{ args: [] }]).map(({ args }) =>
            startStandaloneServer(lesson, ROOT, lesson.serverPath, args),
          ),
        );
        try {
          const target = lesson.servers
            ? multiAddressTarget(
                '127.0.0.1',
                servers.map((server) => server.port),
              )
            : `127.0.0.1:${servers[0].port}`;
          const client = runFile(lesson.clientPath, [
            '--target',
            target,
            ...(lesson.rest ? ['--rest-target', restTargetOf(servers[0])] : []),
          ]);
          const { code } = await client.exited;
          assert.equal(client.stderr(), '');
          assert.equal(code, 0);
          assert.deepEqual(client.stdout().trimEnd().split('\n'), lesson.output);
          for (const server of servers) {
            server.child.kill('SIGTERM');
            assert.deepEqual(await server.exited, { code: 0, signal: null });
            assert.match(server.stdout(), /SIGTERM: shutting down/);
          }
        } finally {
          await Promise.all(servers.map(stopProcess));
        }
      });

      test('npm run lesson | cat prints the same output in its transcript, in order', async () => {
        const run = spawnCli('lesson', [String(lesson.number)], { CI: 'true' });
        const { code } = await run.exited;
        assert.equal(code, 0, run.stderr());
        const clientLines = run
          .stdout()
          .split('\n')
          .filter((line) => line.startsWith('client │ '))
          .map((line) => line.slice('client │ '.length));
        const found = lesson.output.map((line) => clientLines.indexOf(line));
        assert.ok(
          found.every((index) => index >= 0),
          `missing from the transcript: ${lesson.output.filter((_line, index) => found[index] < 0).join(' | ')}`,
        );
        assert.deepEqual(
          [...found].sort((a, b) => a - b),
          found,
          'out of order',
        );
      });

      test('its text shows that output, and its "What to try" items are the list\'s', () => {
        const text = readFileSync(lesson.textPath, 'utf8');
        const block = /```text\n([\s\S]*?)\n```/.exec(section(text, 'What you will see'));
        assert.ok(block, 'no ```text block under "What you will see"');
        assert.deepEqual(block[1].split('\n'), lesson.output);
        const items = section(text, 'What to try')
          .trim()
          .split(/\n- /)
          .map((item) =>
            item
              .replace(/^- /, '')
              .replace(/\s*\n\s*/g, ' ')
              .trim(),
          );
        assert.deepEqual(items, lesson.tryIt);
      });

      test('every "What to try" item can be done from the UI or names its command', () => {
        for (const item of lesson.tryIt) {
          const usesUi = /press `[^`]+`|save|Watch the timeline|the timeline/i.test(item);
          const namesCommand = /`(npm run [^`]+|npx tsx [^`]+|curl [^`]+)`/.test(item);
          assert.ok(usesUi || namesCommand, `neither a UI action nor a command: ${item}`);
        }
      });
    });
  }
});

function restTargetOf(server: Spawned): string {
  return `127.0.0.1:${/^listening on 127\.0\.0\.1:(\d+) \(REST/m.exec(server.stdout())![1]}`;
}

describe('a lesson file copied into an empty project', () => {
  let project = '';
  before(() => {
    // What a learner copies: one lesson's files and protos/, plus the dependencies
    // (linked here instead of installed: the same packages npm would fetch).
    project = mkdtempSync(join(tmpdir(), 'grpc-lesson-copy-'));
    cpSync(PROTO_DIR, join(project, 'protos'), { recursive: true });
    for (const file of ['server.ts', 'client.ts'])
      copyFileSync(join(ROOT, 'lessons/01-unary', file), join(project, file));
    mkdirSync(join(project, 'node_modules/@grpc'), { recursive: true });
    for (const name of ['@grpc/grpc-js', '@grpc/proto-loader', 'tsx'])
      symlinkSync(join(ROOT, 'node_modules', name), join(project, 'node_modules', name));
    writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
  });
  after(() => rmSync(project, { recursive: true, force: true }));

  test('runs there: the server listens, the client greets', async () => {
    const server = await startStandaloneServer(LESSONS[0], project, join(project, 'server.ts'));
    try {
      const client = runFile(
        join(project, 'client.ts'),
        ['--target', `127.0.0.1:${server.port}`, '--name', 'Ada'],
        project,
      );
      assert.equal((await client.exited).code, 0, client.stderr());
      assert.equal(client.stdout(), 'Hello, Ada!\n');
    } finally {
      await stopProcess(server);
    }
  });
});

const missing = pythonGrpcMissing();
if (missing) console.log(`# SKIPPING the Python client against a lesson file: ${missing}`);

describe(
  "the article's Python client against lesson 01's server.ts run alone",
  { skip: skipWhenMissing(missing) },
  () => {
    test('prints the greeting', async () => {
      const generated = mkdtempSync(join(tmpdir(), 'helloworld-py-'));
      const server = await startStandaloneServer(LESSONS[0]);
      try {
        generatePythonCode(generated, [join(PROTO_DIR, 'helloworld.proto')]);
        // The article's client, as the project README gives it.
        const program = [
          'import grpc, helloworld_pb2 as pb, helloworld_pb2_grpc as rpc',
          `stub = rpc.HelloWorldServiceStub(grpc.insecure_channel("127.0.0.1:${server.port}"))`,
          'print(stub.SayHello(pb.HelloRequest(name="Ada"), timeout=10).message)',
        ].join('\n');
        const result = spawnSync(PYTHON, ['-c', program], { cwd: generated, encoding: 'utf8', timeout: 20_000 });
        assert.equal(result.status, 0, result.stderr);
        assert.equal(result.stdout, 'Hello, Ada!\n');
      } finally {
        await stopProcess(server);
        rmSync(generated, { recursive: true, force: true });
      }
    });
  },
);

describe('code blocks in the lesson texts are real code', () => {
  const trimmedLines = (text: string) =>
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
  /** Whether every line of `block` appears in `source`, in the same order. */
  const inOrder = (block: string[], source: string[]) => {
    let at = 0;
    for (const line of block) {
      at = source.indexOf(line, at);
      if (at < 0) return false;
      at += 1;
    }
    return true;
  };
  // Every .proto of the project, in subfolders too (google/rpc/...).
  const protoLines = trimmedLines(
    readdirSync(PROTO_DIR, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.proto'))
      .map((file) => readFileSync(join(PROTO_DIR, file), 'utf8'))
      .join('\n'),
  );

  for (const lesson of LESSONS) {
    test(`${lesson.slug}: each proto block is in protos/, each ts block in the lesson's server.ts or client.ts`, () => {
      const text = readFileSync(lesson.textPath, 'utf8');
      const files = [lesson.serverPath, lesson.clientPath].map((path) => trimmedLines(readFileSync(path, 'utf8')));
      for (const [, language, body] of text.matchAll(/^ *```(\w+)\n([\s\S]*?)\n *```$/gm)) {
        const lines = trimmedLines(body);
        if (language === 'proto') {
          // A block may leave lines out (other methods, comments), never change them.
          assert.ok(
            lines.every((line) => protoLines.includes(line)),
            `not in protos/:\n${body}`,
          );
        } else if (language === 'ts') {
          assert.ok(
            files.some((source) => inOrder(lines, source)),
            `not in ${lesson.slug}'s server.ts or client.ts, in this order:\n${body}`,
          );
        }
      }
    });
  }
});

test('the README lists every lesson, in order', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const listed = [...readme.matchAll(/^\| (\d\d) \| \[[^\]]+\]\(lessons\/([^/]+)\/README\.md\)/gm)].map(
    (match) => match[2],
  );
  assert.deepEqual(
    listed,
    LESSONS.map((lesson) => lesson.slug),
  );
});

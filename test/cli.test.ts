// The command-line contract, spawned as a user would run it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { LESSONS } from '../src/lessons.js';
import { multiAddressTarget } from '../src/address.js';
import { spawnCli, startServerCli, stopProcess, waitFor, waitForFreePort } from './helpers.js';

/** A lesson number one past the last: unknown, however many lessons there are. */
const UNKNOWN_NUMBER = String(LESSONS.length + 1);

// The HelloWorld lessons; lesson 05 prints measurements and has its own tests.
const HELLO_LESSONS = LESSONS.filter((lesson) => !lesson.rest);
const outputOf = (slug: string) => LESSONS.find((lesson) => lesson.slug === slug)!.output;

describe('npm run server / npm run client', () => {
  for (const lesson of HELLO_LESSONS) {
    test(`${lesson.slug}: the client prints each reply from the server, which logs the call and exits 0 on SIGINT`, async () => {
      const server = await startServerCli(lesson.slug);
      try {
        assert.match(server.stdout(), new RegExp(`listening on 127\\.0\\.0\\.1:${server.port}`));
        // A lesson with several servers: npm run server starts them all, each line tagged with its label,
        // and the client gets a target naming them all.
        const target = lesson.servers
          ? multiAddressTarget(
              '127.0.0.1',
              await waitFor(() => {
                const ports = lesson.servers!.map(
                  ({ label }) =>
                    new RegExp(`^${label} │ listening on 127\\.0\\.0\\.1:(\\d+)`, 'm').exec(server.stdout())?.[1],
                );
                return ports.every(Boolean) && ports.map(Number);
              }, 'every server to listen'),
            )
          : `127.0.0.1:${server.port}`;
        const client = spawnCli('client', [String(lesson.number), '--target', target]);
        const { code } = await client.exited;
        assert.equal(client.stderr(), '');
        assert.equal(code, 0);
        assert.deepEqual(client.stdout().trim().split('\n'), lesson.output);
        const method = lesson.methods[0];
        await waitFor(() => server.stdout().includes(`${method} from 127.0.0.1:`), 'the server to log the call');
        assert.match(server.stdout(), new RegExp(`${method} from 127\\.0\\.0\\.1:\\d+: OK`));
        server.child.kill('SIGINT');
        assert.deepEqual(await server.exited, { code: 0, signal: null });
      } finally {
        await stopProcess(server);
      }
    });
  }

  test('the client sends every --name it is given', async () => {
    const server = await startServerCli('3');
    try {
      const client = spawnCli('client', [
        '3',
        '--target',
        `127.0.0.1:${server.port}`,
        '--name',
        'Bob',
        '--name',
        'Eve',
      ]);
      assert.equal((await client.exited).code, 0);
      assert.equal(client.stdout().trim(), 'Hello, Bob and Eve!');
    } finally {
      await stopProcess(server);
    }
  });

  test('SIGTERM also shuts the server down with exit 0', async () => {
    const server = await startServerCli('2');
    server.child.kill('SIGTERM');
    assert.deepEqual(await server.exited, { code: 0, signal: null });
    assert.match(server.stdout(), /shutting down/);
  });

  test('an RPC error is one line naming the status code, exit 1', async () => {
    const server = await startServerCli('1');
    try {
      const client = spawnCli('client', ['1', '--target', `127.0.0.1:${server.port}`, '--name', '']);
      assert.equal((await client.exited).code, 1);
      assert.equal(client.stderr(), 'error: INVALID_ARGUMENT (status 3): name must not be empty\n');
    } finally {
      await stopProcess(server);
    }
  });

  test('an unreachable target fails fast with UNAVAILABLE', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as { port: number };
    probe.close();
    const started = Date.now();
    const client = spawnCli('client', ['1', '--target', `127.0.0.1:${port}`]);
    assert.equal((await client.exited).code, 1);
    assert.ok(Date.now() - started < 5_000, 'took longer than five seconds');
    assert.match(client.stderr(), /^error: UNAVAILABLE \(status 14\): .*\n$/);
  });

  test('a busy port is one clear line and a non-zero exit', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as { port: number };
    try {
      const server = spawnCli('server', ['1', '--port', String(port)]);
      const { code } = await server.exited;
      assert.equal(code, 1);
      // One line, naming the address and why (grpc-js's own words after the colon).
      assert.match(
        server.stderr(),
        new RegExp(`^error: cannot listen on 127\\.0\\.0\\.1:${port}: .*address already in use[^\\n]*\\n$`),
      );
      assert.doesNotMatch(server.stdout(), /listening/);
    } finally {
      blocker.close();
    }
  });

  for (const [command, args, pattern] of [
    [
      'server',
      [UNKNOWN_NUMBER],
      new RegExp(
        `^error: unknown lesson "${UNKNOWN_NUMBER}"; choose one of: ${LESSONS.map((lesson) => lesson.slug).join(', ')}\n$`,
      ),
    ],
    ['client', ['nope'], /^error: unknown lesson "nope"; choose one of: 01-unary/],
    ['server', ['1', '--bogus'], /^error: Unknown option '--bogus' \(see --help\)\n$/],
    ['server', ['1', '--port', 'http'], /^error: --port must be a number from 0 to 65535, got "http"\n$/],
    ['client', ['1', '--target', 'nowhere'], /^error: --target must look like host:port/],
    ['server', [], /^error: name a lesson by number or slug/],
    ['lesson', ['42'], /^error: unknown lesson "42"/],
  ] as const) {
    test(`bad input: ${command} ${args.join(' ')}`, async () => {
      const run = spawnCli(command, [...args]);
      const { code } = await run.exited;
      assert.equal(code, 2);
      assert.match(run.stderr(), pattern);
      assert.equal(run.stderr().split('\n').length, 2, 'more than one line of error');
    });
  }

  for (const command of ['server', 'client', 'lesson'] as const) {
    test(`${command} --help prints usage and exits 0`, async () => {
      const run = spawnCli(command, ['--help']);
      assert.equal((await run.exited).code, 0);
      assert.match(run.stdout(), new RegExp(`^Usage: npm run ${command} -- `));
    });
  }
});

describe('npm run lesson', () => {
  test('--list prints one lesson a line', async () => {
    const run = spawnCli('lesson', ['--list']);
    assert.equal((await run.exited).code, 0);
    const lines = run.stdout().trim().split('\n');
    assert.equal(lines.length, LESSONS.length);
    LESSONS.forEach((lesson, index) =>
      assert.ok(lines[index].includes(lesson.slug) && lines[index].includes(lesson.title)),
    );
  });

  test('without a terminal, prints a plain transcript of one run with its timeline', async () => {
    const run = spawnCli('lesson', ['4'], { CI: 'true' });
    const { code } = await run.exited;
    assert.equal(code, 0, run.stderr());
    const out = run.stdout();
    assert.doesNotMatch(out, /\x1b\[/, 'escape codes in a transcript');
    for (const reply of outputOf('04-bidi-streaming')) assert.match(out, new RegExp(`client │ ${reply}`));
    const timeline = out.slice(out.indexOf('timeline'));
    const directions = [...timeline.matchAll(/(client → server|server → client) +\d+ B/g)].map((match) => match[1]);
    assert.deepEqual(directions, [
      'client → server',
      'server → client',
      'client → server',
      'server → client',
      'client → server',
      'server → client',
    ]);
    assert.match(timeline, /client half-closed/);
    assert.match(timeline, /status OK/);
    assert.match(out, /server │ exited with code 0/);
  });

  test('a reader that stops early (| head) ends the transcript quietly, leaving nothing running', async () => {
    const run = spawnCli('lesson', ['2'], { CI: 'true' });
    const match = await waitFor(() => /server │ listening on 127\.0\.0\.1:(\d+)/.exec(run.stdout()), 'the server line');
    run.child.stdout!.destroy();
    const { code } = await run.exited;
    assert.equal(code, 0);
    assert.equal(run.stderr(), '');
    await waitForFreePort(Number(match[1]));
  });
});

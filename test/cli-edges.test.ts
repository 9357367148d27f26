// The commands at their edges: readers that go away, flags that make no sense,
// peers that never answer or send terminal escapes, and the call log of calls
// that did not end well. Spawned as a user would run them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { spawnSync } from 'node:child_process';
import { connect as tcpConnect } from 'node:net';
import { request as httpRequest } from 'node:http';
import { pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { terminalSafe } from '../src/runner/session.js';
import type { Connect } from '../src/compare/measure.js';
import {
  deadlineIn,
  helloClient,
  lesson,
  ROOT,
  rawClient,
  rawUnary,
  spawnCli,
  spawnProcess,
  startServerCli,
  startSilentServer,
  stopProcess,
  waitFor,
  type Spawned,
} from './helpers.js';

const BOUND = { timeout: 30_000 };
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

function sayHello(port: number, name: string): Promise<string> {
  const client = helloClient(port);
  return new Promise<string>((resolve, reject) =>
    client.SayHello({ name }, deadlineIn(), (error, reply) => {
      client.close();
      if (error) reject(error);
      else resolve(reply!.message);
    }),
  );
}

/** The REST port lesson 05's server reports on its second listening line. */
async function restPortOf(server: Spawned): Promise<number> {
  return Number(
    (await waitFor(() => /listening on 127\.0\.0\.1:(\d+) \(REST/.exec(server.stdout()), 'the REST listening line'))[1],
  );
}

describe('a reader that goes away (EPIPE) never kills a lesson process', () => {
  test(
    'npm run server: with its stdout closed, it keeps answering, logs into the void, and exits 0 on SIGTERM',
    BOUND,
    async () => {
      const server = await startServerCli('1');
      try {
        server.child.stdout!.destroy();
        // Each call writes a call-log line to the closed pipe.
        assert.equal(await sayHello(server.port, 'Ada'), 'Hello, Ada!');
        assert.equal(await sayHello(server.port, 'Grace'), 'Hello, Grace!');
        assert.equal(server.child.exitCode, null, `the server died: ${server.stderr()}`);
        server.child.kill('SIGTERM');
        assert.deepEqual(await server.exited, { code: 0, signal: null });
        assert.equal(server.stderr(), '');
      } finally {
        await stopProcess(server);
      }
    },
  );

  test('npm run client -- 2 | head -1: the client finishes its stream quietly and exits 0', BOUND, async () => {
    const server = await startServerCli('2');
    try {
      const client = spawnCli('client', ['2', '--target', `127.0.0.1:${server.port}`]);
      await waitFor(() => client.stdout().includes('(1 of 5)'), 'the first reply');
      client.child.stdout!.destroy();
      const { code } = await client.exited;
      assert.equal(client.stderr(), '');
      assert.equal(code, 0);
    } finally {
      await stopProcess(server);
    }
  });
});

test('npm run lesson | head -1: the lesson list stops quietly when its reader goes away', () => {
  const listed = spawnSync(
    'bash',
    ['-c', 'node --import tsx src/cli/lesson.ts | head -1; echo "status ${PIPESTATUS[0]}" >&2'],
    {
      cwd: ROOT,
      env: { ...process.env, CI: 'true' },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  assert.equal(listed.stdout.split('\n').filter(Boolean).length, 1);
  assert.equal(listed.stderr, 'status 0\n');
});

describe('flags that make no sense: one clear line, exit 2', { concurrency: true }, () => {
  for (const [command, args, pattern] of [
    ['server', ['1', '--port', '-1'], /^error: --port got "-1", which looks like a flag/],
    ['server', ['1', '--port=-1'], /^error: --port must be a number from 0 to 65535, got "-1"/],
    ['server', ['1', '--port', '65536'], /^error: --port must be a number from 0 to 65535/],
    ['server', ['5', '--port', '65535'], /^error: --port 65535 leaves no port for the REST endpoint/],
    ['server', ['5', '--rest-port', '70000'], /^error: --rest-port must be a number from 0 to 65535/],
    ['server', ['1', '--host', ''], /^error: --host must be a host name or an IP address, got ""/],
    ['server', ['1', '--host', 'a b'], /^error: --host must be a host name or an IP address/],
    [
      'server',
      ['1', '--rest-port', '5000'],
      /^error: lesson 01-unary has no REST endpoint; --rest-port is for lessons that do/,
    ],
    ['client', ['1', '--target', '127.0.0.1:99999'], /^error: --target port must be 1 to 65535, got 99999/],
    ['client', ['1', '--target', '127.0.0.1:0'], /^error: --target port must be 1 to 65535, got 0/],
    ['client', ['1', '--target', ':50051'], /^error: --target must look like host:port/],
    [
      'client',
      ['5', '--target', '127.0.0.1:65535'],
      /^error: cannot derive the REST address from --target 127\.0\.0\.1:65535; pass --rest-target/,
    ],
    ['client', ['3', '--rest-target', '127.0.0.1:5000'], /^error: lesson 03-client-streaming has no REST endpoint/],
  ] as const) {
    test(`${command} ${args.map((arg) => (arg === '' ? "''" : arg)).join(' ')}`, BOUND, async () => {
      const run = spawnCli(command, [...args]);
      const { code } = await run.exited;
      assert.equal(code, 2, run.stderr());
      assert.match(run.stderr(), pattern);
      assert.equal(run.stderr().split('\n').length, 2, `more than one line: ${run.stderr()}`);
      assert.equal(run.stdout(), '');
    });
  }
});

/** Whether a TCP connection to host:port is accepted. */
async function accepts(host: string, port: number): Promise<boolean> {
  const socket = tcpConnect(port, host);
  try {
    await Promise.race([once(socket, 'connect'), once(socket, 'error').then(([error]) => Promise.reject(error))]);
    return true;
  } catch {
    return false;
  } finally {
    socket.destroy();
  }
}

describe('the default bind address is loopback, not every interface', () => {
  for (const [label, command] of [
    ['npm run server -- 1 --port 0', () => spawnCli('server', ['1', '--port', '0'])],
    [
      'npx tsx lessons/01-unary/server.ts --port 0',
      () => spawnProcess(process.execPath, ['--import', 'tsx', lesson('1').serverPath, '--port', '0']),
    ],
  ] as const) {
    test(`${label}: listens on 127.0.0.1 only (127.0.0.2, also this machine, is refused)`, BOUND, async () => {
      const server = command();
      try {
        const port = Number(
          (
            await waitFor(() => /listening on 127\.0\.0\.1:(\d+)/.exec(server.stdout()), 'the listening line', 20_000)
          )[1],
        );
        assert.equal(await accepts('127.0.0.1', port), true);
        assert.equal(
          await accepts('127.0.0.2', port),
          false,
          'the server accepts connections on other addresses than 127.0.0.1',
        );
      } finally {
        await stopProcess(server);
      }
    });
  }
});

test(
  'SIGTERM with a stream in flight: the server exits 0 within its 2 s grace, and logs the call it cut short',
  BOUND,
  async () => {
    const server = await startServerCli('2');
    const client = helloClient(server.port);
    try {
      const call = client.LotsOfReplies({ name: 'Ada', reply_count: 3, interval_ms: 60_000 }, deadlineIn(120_000));
      const status = new Promise<grpc.StatusObject>((resolve) => call.once('status', resolve));
      call.on('error', () => {});
      await once(call, 'data');
      const stoppedAt = Date.now();
      server.child.kill('SIGTERM');
      assert.deepEqual(await server.exited, { code: 0, signal: null });
      assert.ok(Date.now() - stoppedAt < 5_000, `took ${Date.now() - stoppedAt} ms to stop`);
      assert.notEqual((await status).code, grpc.status.OK);
      assert.match(server.stdout(), /LotsOfReplies from 127\.0\.0\.1:\d+: CANCELLED/);
    } finally {
      client.close();
      await stopProcess(server);
    }
  },
);

describe('terminal escapes a peer sends are printed as visible text', () => {
  // ESC ] 0 ; ... BEL sets the terminal's title; ESC [ 2 J clears the screen; CSI (U+009B) is ESC [ in one character.
  const HOSTILE = '\x1b]0;pwned\x07\x1b[2J\u009bAda\r';

  test('npm run client prints a reply holding them escaped, byte for byte visible', BOUND, async () => {
    const server = await startServerCli('1');
    try {
      const client = spawnCli('client', ['1', '--target', `127.0.0.1:${server.port}`, '--name', HOSTILE]);
      assert.equal((await client.exited).code, 0, client.stderr());
      assert.equal(client.stdout(), 'Hello, \\x1b]0;pwned\\x07\\x1b[2J\\x9bAda\\x0d!\n');
    } finally {
      await stopProcess(server);
    }
  });

  let transcript = '';
  test('npm run lesson (a transcript) shows no C0 control character raw', BOUND, async () => {
    const run = spawnCli('lesson', ['1', '--name', HOSTILE], { CI: 'true' });
    assert.equal((await run.exited).code, 0, run.stderr());
    transcript = run.stdout();
    assert.doesNotMatch(transcript, /[\x00-\x08\x0b-\x1f\x7f]/);
    assert.match(transcript, /client │ Hello, \\x1b\]0;pwned\\x07/);
  });

  test('npm run lesson (a transcript) shows no C1 control character raw either', () => {
    assert.doesNotMatch(transcript, CONTROL);
  });

  test('session events (what the UI and the transcript print) carry no control character', () => {
    const events = [
      terminalSafe({ type: 'output', side: 'server', stream: 'stdout', line: `hi ${HOSTILE}` }),
      terminalSafe({ type: 'client-start', run: 1, names: [HOSTILE] }),
      terminalSafe({
        type: 'wire',
        run: 1,
        events: [
          { type: 'status', call: 1, ms: 1, code: 2, codeName: 'UNKNOWN', details: HOSTILE },
          {
            type: 'headers',
            call: 1,
            ms: 1,
            direction: 'server->client',
            kind: 'trailers',
            headers: [['x-evil', HOSTILE]],
          },
        ],
      }),
    ];
    assert.doesNotMatch(
      JSON.stringify(events).replace(/\\u00[0-9a-f]{2}/g, (escape) =>
        String.fromCharCode(parseInt(escape.slice(2), 16)),
      ),
      CONTROL,
    );
    assert.equal((events[0] as { line: string }).line, 'hi \\x1b]0;pwned\\x07\\x1b[2J\\x9bAda\\x0d');
  });
});

describe('the call log of npm run server', () => {
  test('lesson 05: failed gRPC calls and REST calls each get a line, within one shared rate limit', BOUND, async () => {
    const server = await startServerCli('5');
    const raw = rawClient(server.port);
    try {
      const restPort = await restPortOf(server);
      const rest = (method: string, path: string, body?: string) =>
        new Promise<number>((resolve, reject) => {
          const request = httpRequest(
            { host: '127.0.0.1', port: restPort, method, path, headers: { 'content-type': 'application/json' } },
            (response) => {
              response.resume();
              response.on('end', () => resolve(response.statusCode!));
            },
          );
          request.on('error', reject);
          request.end(body);
        });
      assert.equal(await rest('POST', '/v1/hello', '{"name":"Ada"}'), 200);
      assert.equal(await rest('GET', '/v1/hello'), 405);
      assert.equal(await rest('POST', '/v1/hello', '{"name":'), 400);
      assert.equal(
        (await rawUnary(raw, '/rpc_package.HelloWorldService/SayHello', Buffer.from('0f', 'hex'))).code,
        grpc.status.INTERNAL,
      );
      const log = () => server.stdout();
      await waitFor(() => /POST \/v1\/hello from 127\.0\.0\.1:\d+: 200 OK \(/.test(log()), 'the REST 200 line');
      assert.match(log(), /GET \/v1\/hello from 127\.0\.0\.1:\d+: 405 Method Not Allowed \(/);
      assert.match(log(), /POST \/v1\/hello from 127\.0\.0\.1:\d+: 400 Bad Request \(/);
      await waitFor(
        () => /SayHello from 127\.0\.0\.1:\d+: INTERNAL: Error deserializing request/.test(log()),
        'the INTERNAL line',
      );

      // A burst of both kinds: every call is either a line or counted in a "not logged" line.
      const burst = 60;
      await Promise.all([
        ...Array.from({ length: burst / 2 }, () => rest('POST', '/v1/nope', '{}')),
        ...Array.from({ length: burst / 2 }, () =>
          rawUnary(raw, '/rpc_package.HelloWorldService/SayHello', Buffer.from('0f', 'hex')),
        ),
      ]);
      const accounted = () => {
        const lines = log().split('\n');
        const logged = lines.filter((line) => / from 127\.0\.0\.1:\d+: /.test(line)).length;
        const skipped = lines.reduce(
          (sum, line) => sum + Number(/^… (\d+) more calls? not logged/.exec(line)?.[1] ?? 0),
          0,
        );
        return { logged, skipped, total: logged + skipped };
      };
      const { skipped } = await waitFor(
        () => accounted().total === burst + 4 && accounted(),
        `${burst + 4} calls logged or counted (${JSON.stringify(accounted())})`,
      );
      assert.ok(skipped > 0, 'a burst of 60 calls was logged line by line: no rate limit');
    } finally {
      raw.close();
      await stopProcess(server);
    }
  });
});

test('npm run client -- 5 sends the --name it is given, over gRPC and over REST', BOUND, async () => {
  const server = await startServerCli('5');
  const client = spawnCli('client', [
    '5',
    '--target',
    `127.0.0.1:${server.port}`,
    '--rest-target',
    `127.0.0.1:${await restPortOf(server)}`,
    '--name',
    'Bob',
  ]);
  try {
    await waitFor(() => /REST \/v1\/hello: +Hello, Bob!/.test(client.stdout()), 'the REST greeting', 20_000);
    assert.match(client.stdout(), /gRPC SayHello: +Hello, Bob!/);
  } finally {
    await stopProcess(client);
    await stopProcess(server);
  }
});

describe(
  'every lesson client against a server that accepts and never answers ends by its deadline',
  { concurrency: true },
  () => {
    let silent: Awaited<ReturnType<typeof startSilentServer>>;
    let target = '';
    before(async () => {
      silent = await startSilentServer();
      target = `127.0.0.1:${silent.port}`;
    });
    after(() => silent.close());

    for (const ref of ['1', '2', '3', '4', '5']) {
      test(`npm run client -- ${ref}: DEADLINE_EXCEEDED, exit 1`, BOUND, async () => {
        const client = spawnCli('client', [ref, '--target', target, ...(ref === '5' ? ['--rest-target', target] : [])]);
        const { code } = await client.exited;
        assert.equal(code, 1);
        assert.match(client.stderr(), /^error: DEADLINE_EXCEEDED \(status 4\): /);
        assert.equal(client.stderr().split('\n').length, 2, client.stderr());
      });
    }

    test("lesson 05's REST call gives up by its own timer", BOUND, async () => {
      const { connect } = (await import(pathToFileURL(lesson('5').clientPath).href)) as { connect: Connect };
      const callers = connect({ grpc: target, rest: target });
      try {
        await assert.rejects(callers.restHello('Ada'), /timeout|aborted/i);
        assert.ok(silent.accepted() > 0);
      } finally {
        callers.close();
      }
    });
  },
);

// A lesson may list several servers (`servers` in lessons.json): the runner
// starts each as its own server.ts process on its own port, the client gets
// one target naming them all, and a server can be killed, stopped and started
// alone, on the port it had. Lesson 18 is the lesson that lists them; what
// each backend served is read from its own output (its call log).
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { LESSONS, checkServers, loadLessons } from '../src/lessons.js';
import { multiAddressTarget } from '../src/address.js';
import { LessonSession, type SessionEvent } from '../src/runner/session.js';
import type { WireEvent } from '../src/instrument/events.js';
import { descendants, isAlive, lesson, portIsFree, spawnCli, stopProcess, tapped, waitFor } from './helpers.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LABELS = ['a', 'b', 'c'];
const sessions: LessonSession[] = [];
afterEach(() => Promise.all(sessions.splice(0).map((session) => session.stop())));

test('servers are checked as clients are: 2 to 4, short unique labels, args that are strings', () => {
  const server = (label: string, args: unknown = []) => ({ label, args });
  assert.equal(checkServers('18-lb', undefined), undefined);
  assert.deepEqual(checkServers('18-lb', [server('a'), server('b', ['--name', 'b'])]), [
    { label: 'a', args: [] },
    { label: 'b', args: ['--name', 'b'] },
  ]);
  const wrong: [unknown, RegExp][] = [
    [[server('a')], /servers must be a list of 2 to 4 entries/],
    [['a', 'b', 'c', 'd', 'e'].map((label) => server(label)), /2 to 4 entries/],
    [[server('a'), server('a')], /label "a" is used twice/],
    [[server('a'), server('two words')], /entry 2: label must be/],
    [[server('a'), server('b', ['--port', 1])], /entry 2 \("b"\): args must be a list of strings/],
  ];
  for (const [servers, problem] of wrong)
    assert.throws(() => checkServers('18-lb', servers), problem, JSON.stringify(servers));
});

test('a lesson lists clients or servers, not both, and no REST endpoint beside several servers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'servers-list-'));
  try {
    const entry = (more: object) => ({
      slug: '01-x',
      title: 'x',
      summary: 'x',
      kinds: ['unary'],
      methods: ['SayHello'],
      output: [],
      tryIt: [],
      servers: [
        { label: 'a', args: [] },
        { label: 'b', args: [] },
      ],
      ...more,
    });
    const list = join(dir, 'lessons.json');
    writeFileSync(
      list,
      JSON.stringify([
        entry({
          clients: [
            { label: 'x', args: [] },
            { label: 'y', args: [] },
          ],
        }),
      ]),
    );
    assert.throws(() => loadLessons(list), /lesson 01-x: lists both clients and servers/);
    writeFileSync(list, JSON.stringify([entry({ rest: true })]));
    assert.throws(() => loadLessons(list), /servers cannot serve REST too/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("lesson 18's entry lists three servers, each with its name and the load it reports", () => {
  assert.deepEqual(lesson('18').servers, [
    { label: 'a', args: ['--name', 'a', '--utilization', '0.1'] },
    { label: 'b', args: ['--name', 'b', '--utilization', '0.2'] },
    { label: 'c', args: ['--name', 'c', '--utilization', '0.4'] },
  ]);
  assert.ok(LESSONS.filter((entry) => entry.servers).every((entry) => !entry.clients));
});

test('one target names several backends: ipv4: or ipv6: and a comma-separated list; a host name cannot', () => {
  assert.equal(multiAddressTarget('127.0.0.1', [1, 2, 3]), 'ipv4:127.0.0.1:1,127.0.0.1:2,127.0.0.1:3');
  assert.equal(multiAddressTarget('::1', [1, 2]), 'ipv6:[::1]:1,[::1]:2');
  assert.equal(multiAddressTarget('[::1]', [1]), 'ipv6:[::1]:1');
  assert.throws(() => multiAddressTarget('localhost', [1, 2]), /need an IP address/);
});

/** A lesson 18 session that records its events. */
function lesson18Session() {
  const session = new LessonSession(lesson('18'));
  sessions.push(session);
  const events: SessionEvent[] = [];
  session.subscribe((event) => events.push(event));
  /** What the server with this label printed, as the session reported it. */
  const serverLines = (label: string) =>
    events.flatMap((event) => (event.type === 'output' && event.server === label ? [event.line] : []));
  /** The calls a backend logged as served (ended OK), by its own call log. */
  const served = (label: string) => serverLines(label).filter((line) => /^SayHello from .*: OK /.test(line)).length;
  const wire = () => events.flatMap((event) => (event.type === 'wire' ? event.events : []));
  const clientLines = () =>
    events.flatMap((event) => (event.type === 'output' && event.side === 'client' ? [event.line] : []));
  return { session, events, serverLines, served, wire, clientLines };
}

test(
  "startServer starts every listed server as its own process, each with its args on its own port; the client's target names them all",
  { timeout: 60_000 },
  async () => {
    const { session, events, serverLines, wire, clientLines } = lesson18Session();
    await session.startServer();
    const ports = LABELS.map((label) => session.serverPort(label)!);
    const pids = LABELS.map((label) => session.serverPidOf(label)!);
    assert.equal(new Set(ports).size, 3, `three ports: ${ports.join(', ')}`);
    assert.equal(new Set(pids).size, 3, `three processes: ${pids.join(', ')}`);
    for (const [index, label] of LABELS.entries()) {
      // Each process is the lesson's server.ts with that server's args, and says so itself.
      const args = descendants(process.pid).find((entry) => entry.pid === pids[index])!.args;
      assert.match(
        args,
        new RegExp(`lessons/18-load-balancing/server\\.ts --host 127\\.0\\.0\\.1 --port 0 --name ${label} `),
      );
      // Its listening line may come after it reported its port over IPC.
      const listening = `listening on 127.0.0.1:${ports[index]} and unix:${join(tmpdir(), `grpc-lesson-18-${ports[index]}.sock`)} as backend ${label}`;
      await waitFor(() => serverLines(label).includes(listening), `${label}'s listening line`);
      assert.ok(
        events.some(
          (event) => event.type === 'server-listening' && event.server === label && event.port === ports[index],
        ),
      );
    }

    assert.equal(await session.runClient(), 0, clientLines().join('\n'));
    assert.deepEqual(clientLines(), lesson('18').output);
    // The client was given all three: its calls' connections went to each port.
    const peers = new Set(wire().flatMap((event) => (event.type === 'headers' && event.peer ? [event.peer] : [])));
    for (const port of ports)
      assert.ok(peers.has(`127.0.0.1:${port}`), `a call went to ${port}: ${[...peers].join(', ')}`);
    // And the last three calls went over a unix socket, which has no address to report.
    assert.ok(peers.has('unix socket'));
  },
);

test(
  'killServer(label) kills that server alone; it comes back on its port, and the calls of a round_robin client come back to it',
  { timeout: 90_000 },
  async () => {
    const { session, events, served, wire } = lesson18Session();
    await session.startServer();
    const ports = LABELS.map((label) => session.serverPort(label)!);
    const pids = LABELS.map((label) => session.serverPidOf(label)!);
    const run = session.runClient(undefined, { args: ['--watch-seconds', '60'] });
    await waitFor(() => LABELS.every((label) => served(label) >= 2), 'every backend to serve calls', 30_000);

    await session.killServer('b');
    assert.ok(!isAlive(pids[1]), 'b is gone');
    assert.ok(isAlive(pids[0]) && isAlive(pids[2]), 'a and c still run');
    assert.equal(session.isServerRunning('b'), false);
    assert.ok(
      events.some(
        (event) => event.type === 'exit' && event.server === 'b' && event.signal === 'SIGKILL' && event.expected,
      ),
    );
    // While b is down, the calls go to a and c (each counts them itself).
    const before = LABELS.map(served);
    await waitFor(() => served('a') >= before[0] + 3 && served('c') >= before[2] + 3, 'a and c to take the calls');

    assert.equal(await session.startServer('b'), ports[1], 'b comes back on its port');
    assert.notEqual(session.serverPidOf('b'), pids[1]);
    const restarted = served('b');
    await waitFor(() => served('b') >= restarted + 2, 'the new b to serve calls again', 20_000);
    // The kill marked only the calls in flight on b, if any, naming it.
    for (const event of wire()) if (event.type === 'fault') assert.match(event.detail, /^server b killed \(SIGKILL\)/);
    await session.stopClient();
    await run;
  },
);

test(
  'stopServer(label) stops that server alone, gracefully; the client still runs, against the others, and startServer(label) brings it back',
  { timeout: 90_000 },
  async () => {
    const { session, served, serverLines, clientLines } = lesson18Session();
    await session.startServer();
    const port = session.serverPort('c')!;
    const run = session.runClient(undefined, { args: ['--watch-seconds', '60'] });
    await waitFor(() => LABELS.every((label) => served(label) >= 2), 'every backend to serve calls', 30_000);
    await session.stopServer('c');
    assert.ok(serverLines('c').includes('SIGTERM: shutting down'));
    assert.equal(session.isServerRunning('c'), false);
    assert.equal(session.serverPort('c'), port, 'its port stays in the target');
    assert.ok(session.hasTarget());
    assert.ok(await portIsFree(port));
    const before = [served('a'), served('b')];
    await waitFor(() => served('a') >= before[0] + 3 && served('b') >= before[1] + 3, 'a and b to take the calls');
    await session.startServer('c');
    const back = served('c');
    await waitFor(() => served('c') >= back + 2, 'c to serve calls again', 20_000);
    await session.stopClient();
    await run;
    // A graceful stop fails no call: the client never printed an error.
    assert.ok(!clientLines().some((line) => /UNAVAILABLE|error/.test(line)), clientLines().join('\n'));
  },
);

test('the wire tap reports the address each call went to: host:port over TCP, "unix socket" over a unix socket', async () => {
  const { createServer, bindBackend, unixSocketPath } = await import('../lessons/18-load-balancing/server.js');
  const server = createServer();
  const port = await bindBackend(server, '127.0.0.1', 0);
  try {
    const call = (target: string) =>
      new Promise<void>((resolve, reject) => {
        const client = new grpc.Client(target, grpc.credentials.createInsecure());
        client.makeUnaryRequest(
          '/rpc_package.HelloWorldService/SayHello',
          (value: Buffer) => value,
          (value: Buffer) => value,
          Buffer.alloc(0),
          (error) => {
            client.close();
            if (error) reject(error);
            else resolve();
          },
        );
      });
    const { events, error } = await tapped(async () => {
      await call(`127.0.0.1:${port}`);
      await call(`unix:${unixSocketPath(port)}`);
    });
    assert.equal(error, undefined);
    const peers = events.flatMap((event: WireEvent) =>
      event.type === 'headers' && event.kind === 'request' ? [event.peer] : [],
    );
    assert.deepEqual(peers, [`127.0.0.1:${port}`, 'unix socket']);
  } finally {
    server.forceShutdown();
  }
});

test(
  'npm run server -- 18 starts the three servers on ports P, P+1, P+2, each tagged; SIGTERM stops them all',
  { timeout: 60_000 },
  async () => {
    // Three free ports in a row, found by binding the first and checking the next two.
    let base = 0;
    for (let attempt = 0; attempt < 50 && base === 0; attempt++) {
      const candidate = 20_000 + Math.floor(Math.random() * 30_000);
      if ((await Promise.all([0, 1, 2].map((step) => portIsFree(candidate + step)))).every(Boolean)) base = candidate;
    }
    assert.ok(base > 0, 'three free ports in a row');
    const run = spawnCli('server', ['18', '--port', String(base)]);
    try {
      await waitFor(
        () =>
          LABELS.every((label) => new RegExp(`^${label} │ listening on 127\\.0\\.0\\.1:\\d+`, 'm').test(run.stdout())),
        'three listening lines',
        30_000,
      );
      for (const [index, label] of LABELS.entries())
        assert.match(
          run.stdout(),
          new RegExp(`^${label} │ listening on 127\\.0\\.0\\.1:${base + index} .* as backend ${label}$`, 'm'),
        );
      // npm run client -- 18 names the same three by default ports; here, by these.
      const client = spawnCli('client', [
        '18',
        '--target',
        multiAddressTarget('127.0.0.1', [base, base + 1, base + 2]),
      ]);
      assert.equal((await client.exited).code, 0, client.stderr());
      assert.deepEqual(client.stdout().trimEnd().split('\n'), lesson('18').output);
      run.child.kill('SIGTERM');
      assert.deepEqual(await run.exited, { code: 0, signal: null });
      for (const label of LABELS) assert.match(run.stdout(), new RegExp(`^${label} │ SIGTERM: shutting down$`, 'm'));
      for (const step of [0, 1, 2]) assert.ok(await portIsFree(base + step));
    } finally {
      await stopProcess(run);
    }
  },
);

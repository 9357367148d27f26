// Lesson 18: client-side load balancing, judged by the backends. Each backend
// is the lesson's server.ts, in this process, with a server interceptor that
// counts the calls it served (ended OK): its own count, not what the client
// says. The client side is the lesson's own channel setup and calls. A
// backend is "killed" by forceShutdown (its connections cut, as a crash cuts
// them) and restarted on the same port; the UI and runner tests do the same
// with real processes and SIGKILL. Python grpcio balances over the same three.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { PROTO_DIR } from '../src/proto.js';
import { multiAddressTarget } from '../src/address.js';
import { createServer, bindBackend, unixSocketPath } from '../lessons/18-load-balancing/server.js';
import {
  WEIGHT_UPDATE_MS,
  callMany,
  clientFor,
  untilEveryBackendAnswers,
} from '../lessons/18-load-balancing/client.js';
import {
  PYTHON,
  ROOT,
  generatePythonCode,
  pythonGrpcMissing,
  skipWhenMissing,
  spawnCli,
  tapped,
  waitFor,
} from './helpers.js';

const BOUND = { timeout: 60_000 };
const UTILIZATION: Record<string, number> = { a: 0.1, b: 0.2, c: 0.4 };

interface Backend {
  name: string;
  port: number;
  /** Calls this backend's server ended OK, counted by the server. */
  served(): number;
  /** Cuts every connection and stops listening, as a crash would. */
  kill(): void;
}

/** A lesson 18 backend, as its entry in lessons.json configures it, on `port` (0: any free one). */
async function startBackend(name: string, port = 0): Promise<Backend> {
  let served = 0;
  const count: grpc.ServerInterceptor = (_method, call) =>
    new grpc.ServerInterceptingCall(call, {
      sendStatus(status, next) {
        if (status.code === grpc.status.OK) served += 1;
        next(status);
      },
    });
  const server = createServer({ interceptors: [count] }, { name, utilization: UTILIZATION[name] });
  const bound = await bindBackend(server, '127.0.0.1', port);
  return { name, port: bound, served: () => served, kill: () => server.forceShutdown() };
}

/** a, b and c, and one target naming all three. */
async function threeBackends() {
  const backends = await Promise.all(['a', 'b', 'c'].map((name) => startBackend(name)));
  running.push(...backends);
  const target = multiAddressTarget(
    '127.0.0.1',
    backends.map((backend) => backend.port),
  );
  /** What each backend served since `since` (a snapshot), by its own count. */
  const servedSince = (since: number[]) => backends.map((backend, index) => backend.served() - since[index]);
  const snapshot = () => backends.map((backend) => backend.served());
  return { backends, target, servedSince, snapshot };
}

const running: Backend[] = [];
const channels: grpc.Client[] = [];
after(() => {
  for (const channel of channels.splice(0)) channel.close();
  for (const backend of running.splice(0)) backend.kill();
});

function channel(target: string, policy: Parameters<typeof clientFor>[1]) {
  const client = clientFor(target, policy);
  channels.push(client);
  return client;
}

describe('policies, counted by the backends', () => {
  test('pick_first sends every call to the first address: a serves 9, b and c none', BOUND, async () => {
    const { target, snapshot, servedSince } = await threeBackends();
    const before = snapshot();
    const answered = await callMany(channel(target, 'pick_first'), 9);
    assert.deepEqual(servedSince(before), [9, 0, 0]);
    assert.deepEqual([...answered], [['a', 9]], 'and the replies say so');
  });

  test('round_robin, once every backend is connected, spreads calls evenly: 3/3/3, then 10/10/10', BOUND, async () => {
    const { target, snapshot, servedSince } = await threeBackends();
    const client = channel(target, 'round_robin');
    await untilEveryBackendAnswers(client, 3);
    let before = snapshot();
    await callMany(client, 9);
    assert.deepEqual(servedSince(before), [3, 3, 3]);
    before = snapshot();
    await callMany(client, 30);
    assert.deepEqual(servedSince(before), [10, 10, 10]);
  });

  test(
    'weighted_round_robin weighs each backend by the load it reports: of 70 calls about 40, 20 and 10',
    BOUND,
    async () => {
      const { target, snapshot, servedSince } = await threeBackends();
      const client = channel(target, 'weighted_round_robin');
      await untilEveryBackendAnswers(client, 3);
      await sleep(WEIGHT_UPDATE_MS + 200);
      const before = snapshot();
      await callMany(client, 70);
      const served = servedSince(before);
      // Weights 100, 50, 25 (10 requests a second at 10%, 20%, 40% busy): 40, 20, 10, each within a few
      // calls (the policy starts each backend at a random point of its turn), which rounds to the tens.
      for (const [index, expected] of [40, 20, 10].entries())
        assert.ok(Math.abs(served[index] - expected) <= 4, `served ${served.join('/')}, expected about 40/20/10`);
    },
  );

  test(
    'the same backends with round_robin and no weights would get a third each: the weights did it',
    BOUND,
    async () => {
      const { target, snapshot, servedSince } = await threeBackends();
      const client = channel(target, 'round_robin');
      await untilEveryBackendAnswers(client, 3);
      const before = snapshot();
      await callMany(client, 69);
      assert.deepEqual(servedSince(before), [23, 23, 23]);
    },
  );
});

describe('a backend that goes away', () => {
  test(
    "round_robin: a killed backend's calls go to the others, no call fails, and after a restart on its port it serves its share again",
    BOUND,
    async () => {
      const { backends, target, snapshot, servedSince } = await threeBackends();
      const client = channel(target, 'round_robin');
      await untilEveryBackendAnswers(client, 3);
      const [, b] = backends;
      b.kill();
      let before = snapshot();
      await callMany(client, 12);
      const whileDown = servedSince(before);
      assert.equal(whileDown[1], 0, 'b served nothing while down');
      assert.equal(whileDown[0] + whileDown[2], 12, 'a and c served every call');
      // Both share them (not always 6/6: the policy starts its new list of two at any point).
      assert.ok(whileDown[0] >= 3 && whileDown[2] >= 3, `shared: ${whileDown.join('/')}`);

      const restarted = await startBackend('b', b.port);
      running.push(restarted);
      // The channel retries a lost backend with a backoff (1 s, then longer): keep calling until it is back.
      const deadline = Date.now() + 20_000;
      while (restarted.served() === 0) {
        assert.ok(Date.now() < deadline, 'the restarted b never served a call');
        await callMany(client, 1);
        await sleep(50);
      }
      await untilEveryBackendAnswers(client, 3);
      before = [backends[0].served(), restarted.served(), backends[2].served()];
      await callMany(client, 9);
      assert.deepEqual(
        [backends[0].served() - before[0], restarted.served() - before[1], backends[2].served() - before[2]],
        [3, 3, 3],
      );
    },
  );

  test(
    'pick_first: when its backend is killed it fails over to the next address, and stays there once the first is back',
    BOUND,
    async () => {
      const { backends, target, snapshot, servedSince } = await threeBackends();
      const client = channel(target, 'pick_first');
      await callMany(client, 3);
      const [a] = backends;
      a.kill();
      let before = snapshot();
      await callMany(client, 3);
      assert.deepEqual(servedSince(before).slice(1), [3, 0], 'b took over');
      const restarted = await startBackend('a', a.port);
      running.push(restarted);
      // Long enough for a reconnect attempt to have found a, were pick_first looking for it.
      await sleep(1_500);
      before = snapshot();
      await callMany(client, 6);
      assert.deepEqual(servedSince(before).slice(1), [6, 0], 'b keeps them');
      assert.equal(restarted.served(), 0, 'the first address is not taken back');
    },
  );
});

describe('names for the same backend', () => {
  test('dns:localhost:<port> and unix:<socket> reach a, as a counts them', BOUND, async () => {
    const a = await startBackend('a');
    running.push(a);
    for (const target of [`dns:localhost:${a.port}`, `unix:${unixSocketPath(a.port)}`]) {
      const before = a.served();
      await callMany(channel(target, 'pick_first'), 3);
      assert.equal(a.served() - before, 3, target);
    }
  });
});

test(
  "each reply's trailers carry the backend's ORCA load report: b says 10 requests a second at 20% busy",
  BOUND,
  async () => {
    const b = await startBackend('b');
    running.push(b);
    const { events, error } = await tapped(() => callMany(channel(`127.0.0.1:${b.port}`, 'pick_first'), 1));
    assert.equal(error, undefined);
    const trailers = events.find((event) => event.type === 'headers' && event.kind === 'trailers');
    assert.ok(trailers && trailers.type === 'headers');
    const report = trailers.headers.find(([name]) => name === 'endpoint-load-metrics-bin')?.[1];
    assert.ok(report, 'an endpoint-load-metrics-bin trailer');
    // Decoded with the ORCA contract grpc-js ships.
    const grpcJs = dirname(createRequire(import.meta.url).resolve('@grpc/grpc-js/package.json'));
    const orca = protoLoader.loadSync('xds/data/orca/v3/orca_load_report.proto', {
      includeDirs: [join(grpcJs, 'proto/xds'), join(grpcJs, 'proto/protoc-gen-validate')],
      defaults: true,
    });
    const loadReport = orca['xds.data.orca.v3.OrcaLoadReport'] as protoLoader.MessageTypeDefinition<
      object,
      { rpsFractional: number; applicationUtilization: number }
    >;
    const decoded = loadReport.deserialize(Buffer.from(report, 'base64'));
    assert.equal(decoded.rpsFractional, 10);
    assert.equal(decoded.applicationUtilization, 0.2);
  },
);

const missing = pythonGrpcMissing();
if (missing) console.log(`# SKIPPING lesson 18's Python interop test: ${missing}`);

describe('lesson 18 with Python grpcio', { skip: skipWhenMissing(missing) }, () => {
  let genDir = '';
  before(() => {
    genDir = mkdtempSync(join(tmpdir(), 'lb-py-'));
    generatePythonCode(genDir, [join(PROTO_DIR, 'helloworld.proto')]);
  });
  after(() => rmSync(genDir, { recursive: true, force: true }));

  test(
    "a Python client with round_robin from the same service config spreads its calls over the lesson's three backends",
    BOUND,
    async () => {
      const { target, snapshot, servedSince } = await threeBackends();
      const python = spawn(PYTHON, [join(ROOT, 'test/python/lesson_18.py'), genDir, target, '9'], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      python.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      python.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
      const exited = new Promise<number | null>((resolve) => python.on('close', resolve));
      try {
        await waitFor(() => out.includes('ready\n'), 'the Python client to reach every backend', 30_000);
        const before = snapshot();
        python.stdin.end('go\n');
        assert.equal(await exited, 0, err);
        assert.deepEqual(servedSince(before), [3, 3, 3]);
        assert.equal(out, 'ready\na 3\nb 3\nc 3\n');
      } finally {
        python.kill();
      }
    },
  );
});

test(
  'npm run lesson -- 18 | cat: the three servers start, each tagged, and each call in the timeline names the backend whose reply it got',
  { timeout: 90_000 },
  async () => {
    const run = spawnCli('lesson', ['18'], { CI: 'true' });
    const { code } = await run.exited;
    assert.equal(code, 0, run.stderr());
    const lines = run.stdout().split('\n');
    for (const label of ['a', 'b', 'c'])
      assert.ok(
        lines.some((line) =>
          new RegExp(`^${label} {6}│ listening on 127\\.0\\.0\\.1:\\d+ .* as backend ${label}$`).test(line),
        ),
        `${label}'s listening line`,
      );
    // The timeline: each call line ends with its backend; its reply names the backend that sent it.
    let backend: string | undefined;
    let checked = 0;
    for (const line of lines) {
      const call = /^ {2}call \d+: \S+ \(unary\)(?: → (.+))?$/.exec(line);
      if (call) {
        backend = call[1];
        continue;
      }
      const reply = /server → client .*from backend (\w+)\)/.exec(line);
      if (reply) {
        assert.ok(backend, `a reply before its call's backend: ${line}`);
        assert.equal(backend, reply[1], line);
        checked += 1;
      }
    }
    assert.ok(checked >= 9, `${checked} calls checked`);
  },
);

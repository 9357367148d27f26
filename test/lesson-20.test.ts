// Lesson 20: nginx in front of three backends, judged by the backends. Each
// backend is the lesson's server.ts in this process, with a server
// interceptor that counts the calls it served (ended OK) and records what it
// saw of each caller: its own record, not what the client says. nginx is the
// lesson's nginx.ts, a real nginx process. A backend is "killed" by
// forceShutdown (its connections cut, as a crash cuts them).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { PROTO_DIR } from '../src/proto.js';
import { createServer } from '../lessons/20-proxy-in-front/server.js';
import { nginxMissing, startNginx, type RunningNginx } from '../lessons/20-proxy-in-front/nginx.js';
import { callMany, proxyClient, sayHello } from '../lessons/20-proxy-in-front/client.js';
import {
  PYTHON,
  ROOT,
  descendants,
  generatePythonCode,
  isAlive,
  pythonGrpcMissing,
  skipWhenMissing,
  spawnCli,
  stopProcess,
  tmuxMissing,
  waitFor,
} from './helpers.js';
import { listen } from '../src/runtime/serve.js';

const BOUND = { timeout: 60_000 };

/** Running, and not a zombie waiting for its new parent to reap it. */
function running(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

interface Backend {
  name: string;
  port: number;
  /** Calls this backend's server ended OK, counted by the server. */
  served(): number;
  /** What it saw of each call: the peer, :authority and x-forwarded-for. */
  seen: { peer: string; authority: string; forwardedFor: string | undefined }[];
  kill(): void;
}

async function startBackend(name: string): Promise<Backend> {
  let served = 0;
  const seen: Backend['seen'] = [];
  const record: grpc.ServerInterceptor = (_method, call) =>
    new grpc.ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, nextMetadata) {
            seen.push({
              peer: call.getPeer(),
              authority: String(metadata.get(':authority')[0] ?? call.getHost()),
              forwardedFor: metadata.get('x-forwarded-for')[0]?.toString(),
            });
            nextMetadata(metadata);
          },
        });
      },
      sendStatus(status, next) {
        if (status.code === grpc.status.OK) served += 1;
        next(status);
      },
    });
  const server = createServer({ interceptors: [record] }, name);
  const port = await listen(server, '127.0.0.1', 0);
  return { name, port, served: () => served, seen, kill: () => server.forceShutdown() };
}

const backendsRunning: Backend[] = [];
const proxies: RunningNginx[] = [];
const channels: grpc.Client[] = [];
after(async () => {
  for (const channel of channels.splice(0)) channel.close();
  for (const backend of backendsRunning.splice(0)) backend.kill();
  await Promise.all(proxies.splice(0).map((nginx) => nginx.stop()));
});

/** a, b and c, and nginx in front of them, as the lesson's client starts it. */
async function lessonSetup() {
  const backends = await Promise.all(['a', 'b', 'c'].map((name) => startBackend(name)));
  backendsRunning.push(...backends);
  const nginx = await startNginx(backends.map((backend) => `127.0.0.1:${backend.port}`));
  proxies.push(nginx);
  const snapshot = () => backends.map((backend) => backend.served());
  const servedSince = (since: number[]) => backends.map((backend, index) => backend.served() - since[index]);
  return { backends, nginx, snapshot, servedSince };
}

function channel(port: number) {
  const client = proxyClient(port);
  channels.push(client);
  return client;
}

const missingNginx = nginxMissing();
if (missingNginx) console.log(`# ${process.env.CI ? 'FAILING' : 'SKIPPING'} lesson 20's nginx tests: ${missingNginx}`);

describe('lesson 20: nginx in front', { skip: skipWhenMissing(missingNginx) }, () => {
  test('L7 (grpc_pass): 9 calls on one channel, counted by the backends, 3/3/3', BOUND, async () => {
    const { nginx, snapshot, servedSince } = await lessonSetup();
    const before = snapshot();
    const answered = await callMany(channel(nginx.l7Port), 9);
    assert.deepEqual(servedSince(before), [3, 3, 3]);
    assert.deepEqual([...answered].sort(), [
      ['a', 3],
      ['b', 3],
      ['c', 3],
    ]);
  });

  test(
    'L4 (stream): 9 calls on one channel land on one backend over one connection; three channels, each with its own connection, spread 3/3/3',
    BOUND,
    async () => {
      const { backends, nginx, snapshot, servedSince } = await lessonSetup();
      let before = snapshot();
      await callMany(channel(nginx.l4Port), 9);
      const served = servedSince(before);
      assert.deepEqual(
        [...served].sort((x, y) => y - x),
        [9, 0, 0],
        `one backend serves all: ${served.join('/')}`,
      );
      // The backend saw all nine come over one TCP connection: one peer.
      const pinned = backends[served.indexOf(9)];
      assert.equal(new Set(pinned.seen.map((call) => call.peer)).size, 1, 'one connection');

      // Three more clients, open at once: without a connection of their own they share the first's.
      before = snapshot();
      const shared = [0, 1, 2].map(() => channel(nginx.l4Port));
      await Promise.all(shared.map((client) => callMany(client, 3)));
      assert.equal(servedSince(before)[served.indexOf(9)], 9, 'shared: still the one backend');
      before = snapshot();
      const own = [0, 1, 2].map(() => proxyClient(nginx.l4Port, { ownConnection: true }));
      channels.push(...own);
      await Promise.all(own.map((client) => callMany(client, 3)));
      assert.deepEqual(servedSince(before), [3, 3, 3]);
    },
  );

  test(
    'what a backend sees: through L7 the :authority "backends" and x-forwarded-for; through L4 the client\'s own :authority and no header',
    BOUND,
    async () => {
      const { backends, nginx } = await lessonSetup();
      await sayHello(channel(nginx.l7Port), 'Ada');
      await sayHello(channel(nginx.l4Port), 'Ada');
      const seen = backends.flatMap((backend) => backend.seen);
      assert.deepEqual(seen.map(({ authority, forwardedFor }) => ({ authority, forwardedFor })).sort(byAuthority), [
        { authority: `127.0.0.1:${nginx.l4Port}`, forwardedFor: undefined },
        { authority: 'backends', forwardedFor: '127.0.0.1' },
      ]);
    },
  );

  test('a status from the backend crosses L7 in the trailers: INVALID_ARGUMENT, with its details', BOUND, async () => {
    const { nginx } = await lessonSetup();
    await assert.rejects(sayHello(channel(nginx.l7Port), ''), (error: grpc.ServiceError) => {
      assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
      assert.match(error.details, /^name must not be empty \(backend [abc]\)$/);
      return true;
    });
  });

  test(
    'L7 with b killed: nginx tries the next backend (grpc_next_upstream), no call fails, a and c serve all 12',
    BOUND,
    async () => {
      const { backends, nginx, snapshot, servedSince } = await lessonSetup();
      const client = channel(nginx.l7Port);
      await callMany(client, 3);
      backends[1].kill();
      const before = snapshot();
      const answered = await callMany(client, 12);
      const served = servedSince(before);
      assert.equal(served[1], 0, 'b served nothing');
      assert.equal(served[0] + served[2], 12, `a and c served every call: ${served.join('/')}`);
      assert.equal(answered.get('b'), undefined);
    },
  );

  test('L7 with every backend down: nginx answers HTTP 502, which grpc-js reads as UNAVAILABLE', BOUND, async () => {
    const { backends, nginx } = await lessonSetup();
    for (const backend of backends) backend.kill();
    await assert.rejects(sayHello(channel(nginx.l7Port), 'Ada'), (error: grpc.ServiceError) => {
      assert.equal(error.code, grpc.status.UNAVAILABLE);
      assert.equal(error.details, 'Received HTTP status code 502');
      return true;
    });
  });

  test(
    'L4 with the pinned backend killed: the channel reconnects, nginx gives it the next backend, and it stays there when the first is back',
    BOUND,
    async () => {
      const { backends, nginx, snapshot, servedSince } = await lessonSetup();
      const client = channel(nginx.l4Port);
      await callMany(client, 3);
      const pinned = snapshot().indexOf(3);
      backends[pinned].kill();
      let before = snapshot();
      // A call in flight when the connection drops fails; this channel was idle.
      await callMany(client, 6);
      let served = servedSince(before);
      assert.equal(served[pinned], 0);
      assert.deepEqual(
        [...served].sort((x, y) => y - x),
        [6, 0, 0],
        `one other backend serves all: ${served.join('/')}`,
      );
      const now = served.indexOf(6);
      const back = await startBackendOn(backends[pinned]);
      before = snapshot();
      await callMany(client, 6);
      served = servedSince(before);
      assert.equal(served[now], 6, 'the new backend keeps the channel');
      assert.equal(back.served(), 0, 'the old one is not taken back');
    },
  );

  test('nginx runs from a temp dir, listens on 127.0.0.1 only, and leaves nothing when stopped', BOUND, async () => {
    const { nginx } = await lessonSetup();
    const args = readFileSync(`/proc/${nginx.pid}/cmdline`, 'utf8').split('\0');
    assert.match(args[0], /nginx$/, 'setpriv became nginx');
    const dir = args[args.indexOf('-p') + 1];
    assert.ok(dir.startsWith(tmpdir()) && existsSync(join(dir, 'nginx.conf')), dir);
    const listening = spawnSync('ss', ['-Hltnp'], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter((line) => line.includes(`pid=${nginx.pid},`))
      .map((line) => line.trim().split(/\s+/)[3]);
    assert.deepEqual(listening.sort(), [`127.0.0.1:${nginx.l4Port}`, `127.0.0.1:${nginx.l7Port}`].sort());
    await nginx.stop();
    assert.equal(running(nginx.pid), false);
    assert.equal(existsSync(dir), false, 'the temp dir is removed');
  });

  test('the client SIGKILLed mid-watch: the kernel kills its nginx (pdeathsig)', BOUND, async () => {
    const { backends } = await lessonSetup();
    const target = `ipv4:${backends.map((backend) => `127.0.0.1:${backend.port}`).join(',')}`;
    const client = spawn(
      process.execPath,
      ['--import', 'tsx', 'lessons/20-proxy-in-front/client.ts', '--target', target, '--watch-seconds', '30'],
      { cwd: ROOT, stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => client.once('exit', resolve));
    try {
      const nginx = await waitFor(
        () => descendants(client.pid!).find((entry) => /nginx -p /.test(entry.args)),
        'the client to start nginx',
        20_000,
      );
      const dir = /-p (\S+)/.exec(nginx.args)![1];
      // Up, not only started: a dir with no pid file yet counts as an nginx starting now, and is kept.
      await waitFor(() => existsSync(join(dir, 'nginx.pid')), 'nginx to write its pid file', 20_000);
      client.kill('SIGKILL');
      await exited;
      // Gone for good: dead, and reaped by whoever adopted it.
      await waitFor(() => !isAlive(nginx.pid), `nginx ${nginx.pid} to die with its client`, 5_000);
      // Its temp dir stays (nobody was left to remove it) until the next nginx of the lesson starts.
      assert.ok(existsSync(dir));
      const next = await startNginx(backends.map((backend) => `127.0.0.1:${backend.port}`));
      await next.stop();
      assert.equal(existsSync(dir), false, 'the next start removes it');
    } finally {
      client.kill('SIGKILL');
      for (const entry of descendants(client.pid!)) if (running(entry.pid)) process.kill(entry.pid, 'SIGKILL');
    }
  });

  test(
    'npm run lesson -- 20 | cat SIGKILLed while its client runs: backends, client and nginx all exit on their own',
    { timeout: 90_000 },
    async () => {
      const run = spawnCli('lesson', ['20'], { CI: 'true' });
      try {
        const found = await waitFor(
          () => {
            const all = descendants(run.child.pid!);
            return all.some((entry) => /nginx -p /.test(entry.args)) && all;
          },
          'nginx under the lesson client',
          30_000,
        );
        const pids = found
          .filter((entry) => /lessons\/20-proxy-in-front\/(server|client)\.ts|nginx -p /.test(entry.args))
          .map((entry) => entry.pid);
        assert.ok(pids.length >= 4, `three backends, a client and nginx: ${pids.length}`);
        process.kill(run.child.pid!, 'SIGKILL');
        try {
          await waitFor(() => pids.every((pid) => !running(pid)), 'every lesson process to exit', 15_000);
        } finally {
          for (const pid of pids.filter(running)) process.kill(pid, 'SIGKILL');
        }
      } finally {
        await stopProcess(run);
      }
    },
  );
});

async function startBackendOn(old: Backend): Promise<Backend> {
  let served = 0;
  const count: grpc.ServerInterceptor = (_method, call) =>
    new grpc.ServerInterceptingCall(call, {
      sendStatus(status, next) {
        if (status.code === grpc.status.OK) served += 1;
        next(status);
      },
    });
  const server = createServer({ interceptors: [count] }, old.name);
  await listen(server, '127.0.0.1', old.port);
  const backend = { ...old, served: () => served, seen: [], kill: () => server.forceShutdown() };
  backendsRunning.push(backend);
  return backend;
}

function byAuthority(x: { authority: string }, y: { authority: string }): number {
  return x.authority.localeCompare(y.authority);
}

const missingPython = pythonGrpcMissing();
if (missingPython) console.log(`# SKIPPING lesson 20's Python interop test: ${missingPython}`);

describe('lesson 20 with Python grpcio', { skip: skipWhenMissing(missingNginx ?? missingPython) }, () => {
  let genDir = '';
  before(() => {
    genDir = mkdtempSync(join(tmpdir(), 'proxy-py-'));
    generatePythonCode(genDir, [join(PROTO_DIR, 'helloworld.proto')]);
  });
  after(() => rmSync(genDir, { recursive: true, force: true }));

  // Asynchronously: the backends answer from this process's event loop.
  const python = (target: string, count: number) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(PYTHON, [join(ROOT, 'test/python/lesson_20.py'), genDir, target, String(count)]);
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
      child.on('close', (code) =>
        code === 0 ? resolve(out) : reject(new Error(`python exited ${code}: ${out}${err}`)),
      );
    });

  test(
    "a Python client through nginx: L7 spreads its one channel's 6 calls 2/2/2, L4 puts them on one backend",
    BOUND,
    async () => {
      const { nginx, snapshot, servedSince } = await lessonSetup();
      let before = snapshot();
      assert.equal(await python(`127.0.0.1:${nginx.l7Port}`, 6), 'a 2\nb 2\nc 2\n');
      assert.deepEqual(servedSince(before), [2, 2, 2]);
      before = snapshot();
      assert.match(await python(`127.0.0.1:${nginx.l4Port}`, 6), /^[abc] 6\n$/);
      assert.deepEqual(
        servedSince(before).sort((x, y) => y - x),
        [6, 0, 0],
      );
    },
  );
});

const missingTmux = tmuxMissing();
describe('the terminal UI (in tmux)', { skip: skipWhenMissing(missingNginx ?? missingTmux) }, () => {
  const session = `grpc-lesson-20-${process.pid}`;
  after(() => void spawnSync('tmux', ['kill-session', '-t', session]));

  test(
    'SIGKILL to the UI while W watches through nginx: backends, client and nginx exit on their own',
    BOUND,
    async () => {
      const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
      tmux(
        'new-session',
        '-d',
        '-s',
        session,
        '-x',
        '120',
        '-y',
        '40',
        '-c',
        ROOT,
        'env -u CI node --import tsx src/cli/lesson.ts 20; sleep 600',
      );
      const panePid = Number(tmux('display', '-p', '-t', session, '#{pane_pid}').trim());
      await waitFor(() => /run 1 exited 0/.test(tmux('capture-pane', '-p', '-t', session)), 'the first run', 30_000);
      const ui = descendants(panePid).find((entry) => entry.args.includes('src/cli/lesson.ts'));
      assert.ok(ui, 'the UI process');
      tmux('send-keys', '-t', session, 'W');
      await waitFor(() => /last second: /.test(tmux('capture-pane', '-p', '-t', session)), 'the watch to report');
      const pids = descendants(ui.pid)
        .filter((entry) => /lessons\/20-proxy-in-front\/(server|client)\.ts|nginx -p /.test(entry.args))
        .map((entry) => entry.pid);
      assert.equal(pids.length, 5, 'three backends, the client and nginx');
      process.kill(ui.pid, 'SIGKILL');
      try {
        // The backends go with the UI; the watch gives up once none has answered for 5 s, and stops nginx.
        await waitFor(() => pids.every((pid) => !running(pid)), 'every lesson process to exit', 20_000);
      } finally {
        for (const pid of pids.filter(running)) process.kill(pid, 'SIGKILL');
      }
    },
  );
});

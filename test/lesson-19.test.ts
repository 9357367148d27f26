// Lesson 19: service discovery on etcd, checked in etcd itself (a Range of the
// service's prefix, as any etcd client would read it) and by the backends that
// answer: registration under a lease, a killed backend's lease running out, a
// new backend joining, an etcd member lost, a Python backend found by the
// lesson's client, and no etcd process left behind when the runner is killed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadProto, PROTO_DIR } from '../src/proto.js';
import type { ProtoGrpcType as EtcdProtoGrpcType } from '../src/generated/etcd.js';
import type { KVClient } from '../src/generated/etcdserverpb/KV.js';
import type { KeyValue__Output } from '../src/generated/etcdserverpb/KeyValue.js';
import { etcdPath, startCluster, type ClusterInfo } from '../lessons/19-discovery-on-etcd/cluster.js';
import { LEASE_TTL_SECONDS, servicePrefix } from '../lessons/19-discovery-on-etcd/server.js';
import {
  backendOf,
  clientFor,
  prefixRange,
  resolutions,
  type Backend,
} from '../lessons/19-discovery-on-etcd/client.js';
import {
  PYTHON,
  ROOT,
  generatePythonCode,
  isAlive,
  lesson,
  pythonGrpcMissing,
  skipWhenMissing,
  spawnCli,
  spawnProcess,
  stopProcess,
  waitFor,
  tmuxMissing,
  type Spawned,
} from './helpers.js';

const LESSON = lesson('19');
const etcdMissing = etcdPath() ? undefined : 'etcd is not installed (apt-get install etcd-server)';
if (etcdMissing) console.log(`# SKIPPING lesson 19: ${etcdMissing}`);
const { etcdserverpb } = loadProto(`${PROTO_DIR}etcd.proto`) as unknown as EtcdProtoGrpcType;

/** Every entry under the service's prefix, read from etcd directly. */
function registered(kv: KVClient): Promise<Map<string, KeyValue__Output>> {
  return new Promise((resolve, reject) =>
    kv.Range(prefixRange(servicePrefix('helloworld')), { deadline: Date.now() + 2_000 }, (error, response) =>
      error
        ? reject(error)
        : resolve(new Map(response!.kvs.map((entry) => [JSON.parse(entry.value.toString()).name, entry]))),
    ),
  );
}

/** Polls etcd until `check` accepts what is registered. */
async function untilRegistered(
  kv: KVClient,
  check: (entries: Map<string, KeyValue__Output>) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<Map<string, KeyValue__Output>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const entries = await registered(kv).catch(() => undefined);
    if (entries && check(entries)) return entries;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A lesson backend on a free port, registered in the test's cluster; resolves once it says so. */
async function startBackend(name: string, endpoints: string[]): Promise<Spawned & { address: string }> {
  const server = spawnProcess(process.execPath, [
    '--import',
    'tsx',
    LESSON.serverPath,
    '--port',
    '0',
    '--name',
    name,
    '--etcd',
    endpoints.join(','),
  ]);
  const match = await waitFor(
    () => {
      if (server.child.exitCode !== null) throw new Error(`backend ${name} exited: ${server.stderr()}`);
      return /^registered in etcd at \S+ under \/services\/helloworld\/(\S+)/m.exec(server.stdout());
    },
    `backend ${name} to register`,
    20_000,
  );
  return { ...server, address: match[1] };
}

/** The names the client's etcd: resolver gave its channel last. */
function followResolutions(): { latest(): string[]; stop(): void } {
  let latest: string[] = [];
  const onUpdate = (_service: string, backends: Backend[]) => (latest = backends.map((backend) => backend.name));
  resolutions.on('update', onUpdate);
  return { latest: () => latest, stop: () => resolutions.off('update', onUpdate) };
}

function sayHello(client: ReturnType<typeof clientFor>, timeoutMs = 1_000): Promise<string> {
  return new Promise((resolve, reject) =>
    client.SayHello({ name: 'test' }, { deadline: Date.now() + timeoutMs }, (error, reply) =>
      error ? reject(error) : resolve(backendOf(reply!)),
    ),
  );
}

/** Calls until `count` calls in a row were answered by backends in `names` only, and every one of them answered. */
async function untilOnly(client: ReturnType<typeof clientFor>, names: string[], what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let streak: string[] = [];
  for (;;) {
    const answer = await sayHello(client).catch(() => 'failed');
    streak = names.includes(answer) ? [...streak, answer] : [];
    if (streak.length >= names.length * 3 && names.every((name) => streak.includes(name))) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  }
}

describe('lesson 19: discovery on etcd', { skip: skipWhenMissing(etcdMissing), concurrency: false }, () => {
  let cluster: { info: ClusterInfo; stop(): Promise<void> };
  let kv: KVClient;
  let dir = '';
  const backends: Spawned[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'l19-etcd-'));
    cluster = await startCluster(join(dir, 'etcd'));
    kv = new etcdserverpb.KV(`ipv4:${cluster.info.endpoints.join(',')}`, grpc.credentials.createInsecure());
  });
  after(async () => {
    kv?.close();
    await Promise.all(backends.map(stopProcess));
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a backend registers its address under a lease; SIGKILLed, its key goes when the lease runs out', async () => {
    const backend = await startBackend('k', cluster.info.endpoints);
    backends.push(backend);
    const entry = (await registered(kv)).get('k')!;
    assert.ok(entry, 'no key for backend k in etcd');
    assert.equal(entry.key.toString(), `/services/helloworld/${backend.address}`);
    assert.deepEqual(JSON.parse(entry.value.toString()), { address: backend.address, name: 'k' });
    assert.notEqual(entry.lease, '0', 'the key is not attached to a lease');
    // Renewed: still there after more than one TTL.
    const renewedBy = Date.now() + LEASE_TTL_SECONDS * 1000 + 500;
    await untilRegistered(kv, () => Date.now() > renewedBy, 'a TTL and a half to pass');
    assert.equal((await registered(kv)).get('k')?.lease, entry.lease, 'the lease was not kept alive');

    const killedAt = Date.now();
    backend.child.kill('SIGKILL');
    await untilRegistered(kv, (entries) => !entries.has('k'), 'the lease to run out', 10_000);
    const gone = Date.now() - killedAt;
    // Not deleted by anyone (a killed process cannot): the lease ran out, within its TTL and etcd's granularity.
    assert.ok(gone > 500, `gone after ${gone} ms: too soon for a lease of ${LEASE_TTL_SECONDS} s`);
    assert.ok(gone < LEASE_TTL_SECONDS * 1000 + 2_500, `gone after ${gone} ms`);
  });

  test('calls move away from a SIGKILLed backend within the TTL; a new backend joins and gets calls', async () => {
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((name) => startBackend(name, cluster.info.endpoints)));
    backends.push(a, b, c);
    const seen = followResolutions();
    const client = clientFor(cluster.info.endpoints);
    try {
      await untilOnly(client, ['a', 'b', 'c'], 'a, b and c to answer');
      const killedAt = Date.now();
      c.child.kill('SIGKILL');
      await waitFor(() => !seen.latest().includes('c'), 'the resolver to drop c', LEASE_TTL_SECONDS * 1000 + 3_000);
      assert.ok(Date.now() - killedAt < LEASE_TTL_SECONDS * 1000 + 3_000);
      assert.deepEqual(seen.latest(), ['a', 'b']);
      await untilOnly(client, ['a', 'b'], 'only a and b to answer');

      const d = await startBackend('d', cluster.info.endpoints);
      backends.push(d);
      await waitFor(() => seen.latest().includes('d'), 'the resolver to add d');
      assert.deepEqual(seen.latest(), ['a', 'b', 'd']);
      // d's own replies: the new backend is serving calls the client resolved to it.
      await untilOnly(client, ['a', 'b', 'd'], 'a, b and d to answer');
    } finally {
      seen.stop();
      client.close();
    }
  });

  test('an etcd member killed: leases stay alive, a new backend is still found, a stopped one still leaves', async () => {
    const before = await registered(kv);
    const seen = followResolutions();
    const client = clientFor(cluster.info.endpoints);
    try {
      client.getChannel().getConnectivityState(true);
      await waitFor(() => seen.latest().join(',') === 'a,b,d', 'the resolver to list a, b and d');
      // The first member listed: the one the client's watch and the backends' keep-alives went to first.
      process.kill(cluster.info.members[0].pid, 'SIGKILL');
      const e = await startBackend('e', cluster.info.endpoints.slice(1).concat(cluster.info.endpoints[0]));
      backends.push(e);
      await waitFor(() => seen.latest().includes('e'), 'the resolver to add e after the member died', 15_000);
      await untilOnly(client, ['a', 'b', 'd', 'e'], 'a, b, d and e to answer');
      // More than a TTL since the kill: the backends' keep-alives moved to another member, same leases.
      const now = await registered(kv);
      for (const name of ['a', 'b', 'd']) assert.equal(now.get(name)?.lease, before.get(name)?.lease, name);

      const b = backends.find((backend) => /as backend b$/m.test(backend.stdout()))!;
      b.child.kill('SIGTERM');
      await waitFor(() => !seen.latest().includes('b'), 'the resolver to drop b, which revoked its lease', 5_000);
      assert.deepEqual(await b.exited, { code: 0, signal: null });
    } finally {
      seen.stop();
      client.close();
    }
  });
});

const pythonMissing = etcdMissing ?? pythonGrpcMissing();
describe('lesson 19 with Python grpcio', { skip: skipWhenMissing(pythonMissing) }, () => {
  test("a Python backend registers itself in etcd as server.ts does, and the lesson's client calls it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'l19-py-'));
    const cluster = await startCluster(join(dir, 'etcd'));
    generatePythonCode(dir, [join(PROTO_DIR, 'helloworld.proto'), join(PROTO_DIR, 'etcd.proto')]);
    const python = spawn(
      PYTHON,
      [join(ROOT, 'test/python/lesson_19.py'), dir, cluster.info.endpoints.join(','), 'py'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    python.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    python.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const exited = new Promise<number | null>((resolve) => python.on('close', resolve));
    const seen = followResolutions();
    let client: ReturnType<typeof clientFor> | undefined;
    try {
      await waitFor(
        () => {
          if (python.exitCode !== null) throw new Error(`the Python backend exited: ${err}`);
          return /^registered /m.test(out);
        },
        'the Python backend to register',
        20_000,
      );
      const typescript = await startBackend('ts', cluster.info.endpoints);
      try {
        client = clientFor(cluster.info.endpoints);
        await untilOnly(client, ['py', 'ts'], 'the Python and the TypeScript backends to answer');
        assert.deepEqual(seen.latest(), ['py', 'ts']);
        // Its stdin ends: it revokes its lease, and the resolver hears of it.
        python.stdin.end();
        await waitFor(() => seen.latest().join(',') === 'ts', 'the resolver to drop the Python backend', 5_000);
        assert.equal(await exited, 0, err);
      } finally {
        await stopProcess(typescript);
      }
    } finally {
      seen.stop();
      client?.close();
      python.kill('SIGKILL');
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('lesson 19 leaves nothing running', { skip: skipWhenMissing(etcdMissing) }, () => {
  test('the transcript runner, SIGKILLed mid-run: its backends, the launcher and the three etcd members all exit', async () => {
    const run = spawnCli('lesson', ['19'], { CI: 'true' });
    const clusterDir = join(tmpdir(), `grpc-lesson-19-${userInfo().uid}`, String(run.child.pid));
    // The launcher (--dir D), the members' watchdogs and the members (--data-dir D/etcd/mN) of this run's
    // cluster: D is named after the process that started the servers.
    const ours = () => processes().filter(({ args }) => args.includes(`${clusterDir}/`) || args.endsWith(clusterDir));
    try {
      await waitFor(
        () => run.stdout().includes('client │ etcd lists 3 backends'),
        'the client to find 3 backends',
        30_000,
      );
      const etcds = ours();
      assert.equal(etcds.filter(({ args }) => /^\S*etcd --name m\d/.test(args)).length, 3, 'three etcd members');
      process.kill(run.child.pid!, 'SIGKILL');
      await waitFor(() => ours().length === 0 || undefined, 'every etcd member and the launcher to exit', 15_000).catch(
        (error: Error) => {
          for (const { pid } of ours()) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
          throw error;
        },
      );
    } finally {
      await stopProcess(run);
    }
  });
});

const tmuxMissingHere = etcdMissing ?? tmuxMissing();
describe('lesson 19 in the terminal UI (in tmux)', { skip: skipWhenMissing(tmuxMissingHere) }, () => {
  const session = `l19-orphans-${process.pid}`;
  after(() => void spawnSync('tmux', ['kill-session', '-t', session]));

  test('SIGKILL to the UI: its backends, the launcher and the three etcd members all exit', async () => {
    const started = spawnSync('tmux', [
      ...['new-session', '-d', '-s', session, '-x', '120', '-y', '40', '-c', ROOT],
      `env -u CI ${process.execPath} --import tsx src/cli/lesson.ts 19`,
    ]);
    assert.equal(started.status, 0, started.stderr?.toString());
    const ui = Number(
      spawnSync('tmux', ['list-panes', '-t', session, '-F', '#{pane_pid}'], { encoding: 'utf8' }).stdout,
    );
    const clusterDir = join(tmpdir(), `grpc-lesson-19-${userInfo().uid}`, String(ui));
    const ours = () => processes().filter(({ args }) => args.includes(`${clusterDir}/`) || args.endsWith(clusterDir));
    try {
      await waitFor(
        () => ours().filter(({ args }) => /^\S*etcd --name m\d/.test(args)).length === 3,
        'three etcd members under the UI',
        30_000,
      );
      process.kill(ui, 'SIGKILL');
      await waitFor(() => ours().length === 0, 'every etcd member and the launcher to exit', 15_000);
    } finally {
      for (const { pid } of ours()) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});

/** Every process, with its command line. */
function processes(): { pid: number; args: string }[] {
  return spawnSync('ps', ['-e', '-o', 'pid=,args='], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ pid: Number(match[1]), args: match[2] }));
}

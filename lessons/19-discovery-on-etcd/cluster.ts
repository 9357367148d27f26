// Stands in for infrastructure a real deployment already has: a three-member
// etcd cluster (Debian's etcd-server) on loopback, for lesson 19's servers and
// client. In production etcd runs on its own machines and its endpoints are
// configuration (--etcd in server.ts and client.ts); here the lesson starts a
// cluster of its own, on free 127.0.0.1 ports, with its data in a temp dir,
// and stops it when the last server that uses it is gone.
//
// The servers of one run share one cluster: they find it by the process that
// started them all (the lesson UI, `npm run lesson`, `npm run server`). The
// first to look starts the launcher (this file, run as its own program) and
// every one waits for it to write the endpoints; a client started elsewhere
// uses the newest cluster running.
//   npx tsx lessons/19-discovery-on-etcd/cluster.ts --dir D   (what the servers run)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const ETCD_MISSING = "this lesson needs etcd: install Debian's etcd-server (apt-get install etcd-server)";
const MEMBERS = ['m1', 'm2', 'm3'];

/** A running cluster, as its launcher describes it in cluster.json. */
export interface ClusterInfo {
  /** The members' client addresses, host:port. */
  endpoints: string[];
  /** Each member's etcd process, for a test that kills one. */
  members: { name: string; pid: number; endpoint: string }[];
  /** The launcher's process id. */
  pid: number;
}

/** The etcd program, or undefined if it is not installed. */
export function etcdPath(): string | undefined {
  for (const candidate of ['/usr/bin/etcd', '/usr/local/bin/etcd']) if (existsSync(candidate)) return candidate;
  const found = spawnSync('sh', ['-c', 'command -v etcd'], { encoding: 'utf8' }).stdout.trim();
  return found || undefined;
}

/** Free loopback ports (bound and released: a moment's race with other programs, fine on one machine). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject).listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/**
 * Starts three etcd members in `dir`, each on its own client and peer port,
 * and resolves once they all answer. Each member runs under a shell that
 * kills it when this process goes away, however that happens (its stdin, a
 * pipe from here, ends): no member outlives whoever started it.
 */
export async function startCluster(dir: string): Promise<{ info: ClusterInfo; stop(): Promise<void> }> {
  const etcd = etcdPath();
  if (!etcd) throw new Error(ETCD_MISSING);
  mkdirSync(dir, { recursive: true });
  const ports = await freePorts(MEMBERS.length * 2);
  const url = (port: number) => `http://127.0.0.1:${port}`;
  const peers = MEMBERS.map((name, index) => `${name}=${url(ports[index * 2 + 1])}`).join(',');
  const children: ChildProcess[] = [];
  const members = await Promise.all(
    MEMBERS.map(async (name, index) => {
      const [client, peer] = [ports[index * 2], ports[index * 2 + 1]];
      const args = [
        ...['--name', name, '--data-dir', join(dir, name)],
        ...['--listen-client-urls', url(client), '--advertise-client-urls', url(client)],
        ...['--listen-peer-urls', url(peer), '--initial-advertise-peer-urls', url(peer)],
        ...['--initial-cluster', peers, '--initial-cluster-state', 'new'],
        ...['--initial-cluster-token', `lesson-19-${process.pid}`],
        ...['--logger', 'zap', '--log-outputs', join(dir, `${name}.log`)],
      ];
      // A throwaway cluster needs no graceful stop (a member's own takes seconds, waiting for its peers).
      const watchdog = 'exec 3>&1; "$@" </dev/null >/dev/null 2>&1 & echo $! >&3; read _; kill -KILL $!; wait';
      const child = spawn('sh', ['-c', watchdog, 'etcd-member', etcd, ...args], {
        stdio: ['pipe', 'pipe', 'ignore'],
        // A member never sees the terminal's Ctrl-C: its launcher decides when it stops.
        detached: true,
      });
      children.push(child);
      const pid = await new Promise<number>((resolve, reject) => {
        child.stdout!.once('data', (data: Buffer) => resolve(Number(data.toString().trim())));
        child.once('exit', () => reject(new Error(`etcd member ${name} did not start`)));
      });
      return { name, pid, endpoint: `127.0.0.1:${client}` };
    }),
  );
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.stdin!.end();
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  const info: ClusterInfo = { endpoints: members.map((member) => member.endpoint), members, pid: process.pid };
  // Ready once every member serves its health endpoint (the cluster has a leader).
  const deadline = Date.now() + 20_000;
  for (const member of members) {
    for (;;) {
      const healthy = await fetch(`http://${member.endpoint}/health`).then(
        async (response) => (await response.json()).health === 'true',
        () => false,
      );
      if (healthy) break;
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`etcd member ${member.name} did not become healthy (see ${dir}/${member.name}.log)`);
      }
      await sleep(100);
    }
  }
  return { info, stop };
}

/** Where the clusters of this user live, one folder each. */
const CLUSTERS = join(tmpdir(), `grpc-lesson-19-${userInfo().uid}`);

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

function readInfo(dir: string): ClusterInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')) as ClusterInfo;
    return isAlive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The endpoints of this run's cluster, for a server: started if this is the
 * first server of the run to ask. The server counts as one of its users until
 * it exits.
 */
export async function clusterForServer(): Promise<string[]> {
  if (!etcdPath()) throw new Error(ETCD_MISSING);
  const dir = join(CLUSTERS, String(process.ppid));
  const me = join(dir, 'users', String(process.pid));
  process.once('exit', () => rmSync(me, { force: true }));
  const deadline = Date.now() + 30_000;
  for (;;) {
    // Written again each time round: a cluster that was stopping as this server came removes its folder.
    mkdirSync(join(dir, 'users'), { recursive: true });
    writeFileSync(me, '');
    const info = readInfo(dir);
    if (info) return info.endpoints;
    if (existsSync(join(dir, 'failed'))) throw new Error(readFileSync(join(dir, 'failed'), 'utf8'));
    try {
      // mkdir is atomic: one server of the run wins and starts the launcher.
      mkdirSync(join(dir, 'lock'));
      const launcher = spawn(
        process.execPath,
        ['--import', import.meta.resolve('tsx'), fileURLToPath(import.meta.url), '--dir', dir],
        { detached: true, stdio: 'ignore' },
      );
      launcher.unref();
      writeFileSync(join(dir, 'lock', 'pid'), String(launcher.pid));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A launcher that is gone without a cluster (killed, or done stopping): start again.
      const pid = Number(readFileSync(join(dir, 'lock', 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
      if (pid > 0 && !isAlive(pid)) rmSync(join(dir, 'lock'), { recursive: true, force: true });
    }
    if (Date.now() > deadline) throw new Error(`the lesson's etcd cluster did not start (see ${dir})`);
    await sleep(50);
  }
}

/** The endpoints of the cluster a client should use: its run's, or else the newest one running. */
export function clusterForClient(): string[] | undefined {
  const own = readInfo(join(CLUSTERS, String(process.ppid)));
  if (own) return own.endpoints;
  if (!existsSync(CLUSTERS)) return undefined;
  const running = readdirSync(CLUSTERS)
    .map((name) => join(CLUSTERS, name))
    .map((dir) => ({ dir, info: readInfo(dir) }))
    .filter(({ info }) => info !== undefined)
    .sort((a, b) => statSync(join(b.dir, 'cluster.json')).mtimeMs - statSync(join(a.dir, 'cluster.json')).mtimeMs);
  return running[0]?.info!.endpoints;
}

/** The launcher: starts the cluster, says where it is, and stops it once no server of the run is left. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { dir: { type: 'string' } } });
  const dir = values.dir!;
  const users = join(dir, 'users');
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  try {
    cluster = await startCluster(join(dir, 'etcd'));
  } catch (error) {
    writeFileSync(join(dir, 'failed'), (error as Error).message);
    setTimeout(() => rmSync(dir, { recursive: true, force: true }), 5_000);
    return;
  }
  writeFileSync(join(dir, 'cluster.json.tmp'), JSON.stringify(cluster.info));
  renameSync(join(dir, 'cluster.json.tmp'), join(dir, 'cluster.json'));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    rmSync(join(dir, 'cluster.json'), { force: true });
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => void stop());
  // A server that was killed leaves its file: its process id says whether it is still there.
  for (;;) {
    await sleep(200);
    const alive = (existsSync(users) ? readdirSync(users) : []).map(Number).filter(isAlive);
    if (alive.length === 0) return stop();
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) void main();

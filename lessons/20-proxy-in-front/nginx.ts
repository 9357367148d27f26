// nginx in front of the backends, twice: an HTTP/2 proxy that understands
// gRPC (L7, `grpc_pass`) and a plain TCP proxy (L4, the `stream` module),
// both balancing over the same three backends. One nginx process, run as you,
// with its config and every file it writes in a temp dir removed on exit,
// listening on loopback only. Debian: `apt-get install nginx libnginx-mod-stream`.
//   npx tsx lessons/20-proxy-in-front/nginx.ts [--backends H:P,H:P,H:P] [--l7-port P] [--l4-port P]
import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path));
const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';
/** What to install when nginx or its stream module is missing. */
export const INSTALL_HINT = 'this lesson needs nginx and its stream module: apt-get install nginx libnginx-mod-stream';

/** Why nginx cannot run here (one line), or undefined when it can. */
export function nginxMissing(): string | undefined {
  return NGINX && existsSync(STREAM_MODULE) ? undefined : INSTALL_HINT;
}

/** The config: one upstream of the backends, served over HTTP/2 by grpc_pass and over TCP by stream. */
export function nginxConfig(dir: string, backends: string[], l7Port: number, l4Port: number): string {
  const upstream = backends.map((backend) => `    server ${backend};`).join('\n');
  return `# Written by lessons/20-proxy-in-front/nginx.ts; removed when nginx stops.
load_module ${STREAM_MODULE};
# One process, no workers: nginx then dies with its parent (see startNginx).
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }

http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;

  # Round robin over the backends, per call: nginx ends every gRPC call
  # (an HTTP/2 stream) itself and starts a new one to the backend it picks.
  upstream backends {
${upstream}
    # Reuse connections to the backends instead of one TCP handshake per call.
    keepalive 8;
  }

  server {
    # http2 without TLS (h2c), as grpc-js speaks it with insecure credentials.
    listen 127.0.0.1:${l7Port} http2;
    location / {
      grpc_pass grpc://backends;
      # The backend's peer is nginx: pass the client's address on.
      grpc_set_header x-forwarded-for $remote_addr;
      # The default: a backend that refuses the connection or times out
      # is skipped and the call tried on the next one.
      grpc_next_upstream error timeout;
    }
  }
}

stream {
  # Round robin over the backends, per TCP connection: nginx copies bytes and
  # never sees a call. A client's HTTP/2 connection carries all its calls,
  # so all of them land on the backend its connection was given.
  upstream backends {
${upstream}
  }
  server {
    listen 127.0.0.1:${l4Port};
    proxy_pass backends;
  }
}
`;
}

export interface RunningNginx {
  l7Port: number;
  l4Port: number;
  pid: number;
  /** Stops nginx and removes its temp dir; resolves once it has exited. */
  stop(): Promise<void>;
}

/** A port nothing listens on now (the OS picks it; nginx binds it a moment later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Whether something listens on the port: binding it fails. Connecting to
 * find out would not do: the L4 proxy would hand that connection to a
 * backend, and its round robin would start one backend further on.
 */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(true));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
}

const DIR_PREFIX = 'grpc-lesson-20-nginx-';

/**
 * Removes the temp dirs of nginx processes that are gone: one whose parent
 * was killed outright (SIGKILL) died with it, but nobody was left to clean up.
 */
function removeStaleDirs(): void {
  for (const name of readdirSync(tmpdir()).filter((entry) => entry.startsWith(DIR_PREFIX))) {
    const dir = join(tmpdir(), name);
    try {
      process.kill(Number(readFileSync(join(dir, 'nginx.pid'), 'utf8')), 0);
      continue; // its nginx is running
    } catch (error) {
      const { code } = error as NodeJS.ErrnoException;
      if (code === 'EPERM') continue; // another user's nginx, running
      // No pid file: one starting now (leave it), or one that stopped long ago.
      if (code === 'ENOENT' && Date.now() - (statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? 0) < 60_000) continue;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Starts nginx in front of `backends` (host:port each), on free loopback
 * ports unless given; resolves once both proxies listen.
 */
export async function startNginx(
  backends: string[],
  { l7Port = 0, l4Port = 0 }: { l7Port?: number; l4Port?: number } = {},
): Promise<RunningNginx> {
  const missing = nginxMissing();
  if (missing) throw new Error(missing);
  removeStaleDirs();
  const dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
  const ports = { l7: l7Port || (await freePort()), l4: l4Port || (await freePort()) };
  writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, backends, ports.l7, ports.l4));
  // -p: every relative path is inside the temp dir; daemon off: it stays our
  // child. setpriv --pdeathsig: the kernel kills nginx when this process
  // dies, even by SIGKILL, so it never outlives the lesson.
  const child: ChildProcess = spawn(
    'setpriv',
    [
      '--pdeathsig',
      'KILL',
      NGINX!,
      '-p',
      dir,
      '-c',
      join(dir, 'nginx.conf'),
      '-g',
      'daemon off;',
      '-e',
      join(dir, 'error.log'),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  const cleanUp = () => rmSync(dir, { recursive: true, force: true });
  const stop = async () => {
    if (!gone) child.kill('SIGQUIT'); // nginx's graceful stop: finish what runs, then exit
    const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
    await exited;
    clearTimeout(timer);
    cleanUp();
  };
  const started = Date.now();
  while (!(await listening(ports.l7)) || !(await listening(ports.l4))) {
    if (gone || Date.now() - started > 5_000) {
      const log = existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '';
      await stop();
      const why = (stderr + log).trim().split('\n').pop() ?? '';
      throw new Error(`nginx did not start: ${why || 'no reason given'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { l7Port: ports.l7, l4Port: ports.l4, pid: child.pid!, stop };
}

async function main(): Promise<void> {
  const { backends, l7Port, l4Port } = nginxFlags();
  const missing = nginxMissing();
  if (missing) {
    console.error(`error: ${missing}`);
    process.exit(2);
  }
  let nginx: RunningNginx;
  try {
    nginx = await startNginx(backends, { l7Port, l4Port });
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    process.exit(1);
  }
  console.log(`nginx in front of ${backends.join(', ')}`);
  console.log(`L7 (grpc_pass) listening on 127.0.0.1:${nginx.l7Port}`);
  console.log(`L4 (stream) listening on 127.0.0.1:${nginx.l4Port}`);
  const stop = (signal: NodeJS.Signals) => {
    console.log(`${signal}: shutting down`);
    void nginx.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop).once('SIGTERM', stop).once('SIGHUP', stop);
}

function nginxFlags(): { backends: string[]; l7Port: number; l4Port: number } {
  try {
    const { values } = parseArgs({
      options: {
        backends: { type: 'string', default: '127.0.0.1:50051,127.0.0.1:50052,127.0.0.1:50053' },
        'l7-port': { type: 'string', default: '50060' },
        'l4-port': { type: 'string', default: '50061' },
      },
    });
    const port = (flag: 'l7-port' | 'l4-port') => {
      const value = values[flag];
      if (!/^\d+$/.test(value) || Number(value) > 65_535)
        throw new Error(`--${flag} must be a number from 0 to 65535, got "${value}"`);
      return Number(value);
    };
    const backends = values.backends.split(',');
    if (!backends.every((backend) => /^[\w.-]+:\d+$/.test(backend)))
      throw new Error(`--backends must be host:port,host:port,..., got "${values.backends}"`);
    return { backends, l7Port: port('l7-port'), l4Port: port('l4-port') };
  } catch (error) {
    console.error(`error: ${(error as Error).message.split('. ')[0]}`);
    process.exit(2);
  }
}

// Run main() when this file is the program, not when a client or a test imports it.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) void main();

// npm run server -- <lesson>: a lesson's server in the foreground.
import { pathToFileURL } from 'node:url';
import { fail, lessonFromArgs, parseCommandLine, parsePort } from './args.js';
import { callLogger, formatAddress, listen, listenHttp, ListenError, shutdown } from '../runtime/serve.js';
import type { LessonServerModule } from '../lessons.js';
import { quietGrpcLogs } from '../runtime/logging.js';

const USAGE = `
Usage: npm run server -- <lesson> [--host H] [--port P] [--rest-port R]

Runs a lesson's gRPC server in the foreground until Ctrl-C (SIGINT) or SIGTERM.
Each finished call is logged on its own line.

  <lesson>       lesson number (1, 01) or slug (01-unary); see npm run lesson -- --list
  --host H       address to bind (default 127.0.0.1)
  --port P       port to bind (default 50051; 0 picks a free one)
  --rest-port R  lessons with a REST endpoint too (05): its port (default P+1, or free if P is 0)
  -h, --help     show this help
`;

const { values, positionals } = parseCommandLine(USAGE, {
  host: { type: 'string', default: '127.0.0.1' },
  port: { type: 'string', default: '50051' },
  'rest-port': { type: 'string' },
});
const lesson = lessonFromArgs(positionals)!;
const host = values.host as string;
const requestedPort = parsePort(values.port as string);
quietGrpcLogs();

const requestedRestPort = values['rest-port'] === undefined ? undefined : parsePort(values['rest-port'] as string);

const { createServer, createRestServer } = (await import(pathToFileURL(lesson.serverPath).href)) as LessonServerModule;
const server = createServer({ interceptors: [callLogger((line) => console.log(line))] });
const restServer = createRestServer?.();

let port: number;
let restPort: number | undefined;
try {
  port = await listen(server, host, requestedPort);
  if (restServer) restPort = await listenHttp(restServer, host, requestedRestPort ?? (requestedPort === 0 ? 0 : requestedPort + 1));
} catch (error) {
  server.forceShutdown();
  restServer?.close();
  fail(error instanceof ListenError ? error.message : String(error));
}
console.log(`${lesson.slug} server listening on ${formatAddress(host, port)}`);
if (restPort !== undefined) console.log(`${lesson.slug} REST endpoint (JSON over HTTP/1.1) listening on ${formatAddress(host, restPort)}`);
// A parent that runs this server over an IPC channel (the lesson UI) learns the ports here.
process.send?.({ type: 'listening', port, restPort });

let stopping = false;
async function stop(reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`${reason}: shutting down`);
  restServer?.closeAllConnections();
  restServer?.close();
  await shutdown(server);
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
// The parent that started this server went away: do not outlive it.
process.on('disconnect', () => void stop('parent exited'));

// npm run server -- <lesson>: a lesson's server.ts, run as its own program
// (the same file `npx tsx lessons/…/server.ts` runs), with the call log on.
import { EXIT_USAGE, fail, lessonFromArgs, parseCommandLine, parseHost, parsePort } from './args.js';
import { runLessonFile } from './run-lesson-file.js';

const USAGE = `
Usage: npm run server -- <lesson> [--host H] [--port P] [--rest-port R]

Runs a lesson's gRPC server in the foreground until Ctrl-C (SIGINT) or SIGTERM.
Every call is logged on its own line when it ends, whatever its status.
A lesson that runs several servers (18) starts each as its own process, on
ports P, P+1, ... (each on a free port if P is 0), its lines tagged with its label.

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
const host = parseHost(values.host as string);
const port = parsePort(values.port as string);
const args = ['--host', host, '--port', String(port)];
if (lesson.rest) {
  const restPort =
    values['rest-port'] === undefined
      ? port === 0
        ? 0
        : port + 1
      : parsePort(values['rest-port'] as string, '--rest-port');
  if (restPort > 65_535)
    fail(`--port ${port} leaves no port for the REST endpoint (P+1); choose --rest-port`, EXIT_USAGE);
  args.push('--rest-port', String(restPort));
} else if (values['rest-port'] !== undefined) {
  fail(`lesson ${lesson.slug} has no REST endpoint; --rest-port is for lessons that do`, EXIT_USAGE);
}
if (lesson.servers) {
  if (port !== 0 && port + lesson.servers.length - 1 > 65_535)
    fail(
      `--port ${port} leaves no room for the lesson's ${lesson.servers.length} servers (P to P+${lesson.servers.length - 1})`,
      EXIT_USAGE,
    );
  const { runListedServers } = await import('./listed-servers.js');
  await runListedServers(lesson, host, port);
}
await runLessonFile(lesson.serverPath, args);

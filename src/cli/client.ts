// npm run client -- <lesson>: a lesson's client, once, against a running server.
import { pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { EXIT_FAILURE, lessonFromArgs, parseCommandLine, parseTarget } from './args.js';
import type { LessonClientModule } from '../lessons.js';
import { setPackageInstrument } from '../proto.js';
import { createWireTap } from '../instrument/wiretap.js';
import { createIpcSink } from '../instrument/ipc-sink.js';
import { quietGrpcLogs } from '../runtime/logging.js';

const USAGE = `
Usage: npm run client -- <lesson> [--target H:P] [--name N]... [--rest-target H:P]

Runs a lesson's gRPC client once and prints every reply on its own line.
On an RPC error it prints the status code and exits 1.

  <lesson>          lesson number (1, 01) or slug (01-unary); see npm run lesson -- --list
  --target T        server address host:port (default 127.0.0.1:50051)
  --name N          name to send; repeat it to send several (default: the lesson's own)
  --rest-target R   lessons with a REST endpoint too (05): its address (default: T's port + 1)
  -h, --help        show this help
`;

const { values, positionals } = parseCommandLine(USAGE, {
  target: { type: 'string', default: '127.0.0.1:50051' },
  name: { type: 'string', multiple: true },
  'rest-target': { type: 'string' },
});
const lesson = lessonFromArgs(positionals)!;
const target = parseTarget(values.target as string);
const names = values.name as string[] | undefined;
const restTarget = values['rest-target'] === undefined ? nextPort(target) : parseTarget(values['rest-target'] as string);
quietGrpcLogs();

// Run under the lesson UI (an IPC channel to the parent): report every message
// on the wire. The lesson's own code is the same either way.
const sink = process.send ? createIpcSink() : undefined;
if (sink) setPackageInstrument(createWireTap(sink.emit, { previewCaptured: false }));

let exitCode = 0;
try {
  const { runClient } = (await import(pathToFileURL(lesson.clientPath).href)) as LessonClientModule;
  await runClient({ target, restTarget, names });
} catch (error) {
  process.stderr.write(`error: ${describeError(error)}\n`);
  exitCode = EXIT_FAILURE;
}
await sink?.flush();
// Exit even if the lesson code left a handle open (a client it forgot to close).
process.exit(exitCode);

function nextPort(address: string): string | undefined {
  const match = /^(.*):(\d+)$/.exec(address);
  return match ? `${match[1]}:${Number(match[2]) + 1}` : undefined;
}

function describeError(error: unknown): string {
  const { code, details, message } = (error ?? {}) as Partial<grpc.ServiceError>;
  if (typeof code === 'number' && grpc.status[code] !== undefined) {
    const text = (details || message || '').replace(/\.? Resolution note: *$/, '');
    return `${grpc.status[code]} (status ${code}): ${text}`;
  }
  return error instanceof Error ? error.message : String(error);
}

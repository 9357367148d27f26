// npm run client -- <lesson>: a lesson's client.ts, run as its own program
// (the same file `npx tsx lessons/…/client.ts` runs).
import { EXIT_USAGE, fail, lessonFromArgs, parseCommandLine, parseTarget } from './args.js';
import { runLessonFile } from './run-lesson-file.js';
import { multiAddressTarget, nextPortAddress } from '../address.js';

const USAGE = `
Usage: npm run client -- <lesson> [--target H:P] [--name N]... [--rest-target H:P]

Runs a lesson's gRPC client once and prints every reply on its own line.
On an RPC error it prints the status code and exits 1.

  <lesson>          lesson number (1, 01) or slug (01-unary); see npm run lesson -- --list
  --target T        server address host:port (default 127.0.0.1:50051); a lesson that runs
                    several servers (18) takes a target naming them all, by default
                    ipv4:127.0.0.1:50051,127.0.0.1:50052,... (where npm run server puts them)
  --name N          name to send; repeat it to send several (default: the lesson's own)
  --rest-target R   lessons with a REST endpoint too (05): its address (default: T's port + 1)
  -h, --help        show this help
`;

const { values, positionals } = parseCommandLine(USAGE, {
  target: { type: 'string' },
  name: { type: 'string', multiple: true },
  'rest-target': { type: 'string' },
});
const lesson = lessonFromArgs(positionals)!;
const target =
  values.target === undefined
    ? lesson.servers
      ? multiAddressTarget(
          '127.0.0.1',
          lesson.servers.map((_server, index) => 50051 + index),
        )
      : '127.0.0.1:50051'
    : parseTarget(values.target as string);
const names = (values.name as string[] | undefined) ?? [];
const args = ['--target', target, ...names.flatMap((name) => ['--name', name])];
if (lesson.rest) {
  const restTarget =
    values['rest-target'] === undefined
      ? nextPort(target)
      : parseTarget(values['rest-target'] as string, '--rest-target');
  args.push('--rest-target', restTarget);
} else if (values['rest-target'] !== undefined) {
  fail(`lesson ${lesson.slug} has no REST endpoint; --rest-target is for lessons that do`, EXIT_USAGE);
}
await runLessonFile(lesson.clientProgramPath, args);

function nextPort(address: string): string {
  return (
    nextPortAddress(address) ??
    fail(`cannot derive the REST address from --target ${address}; pass --rest-target`, EXIT_USAGE)
  );
}

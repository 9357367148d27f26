// npm run lesson: the tutorial's front door.
import { lessonFromArgs, parseCommandLine } from './args.js';
import { LESSONS, lessonLabel } from '../lessons.js';

const USAGE = `
Usage: npm run lesson -- [<lesson>] [--name N]... [--list]

Runs a lesson's server and client live on a free loopback port and shows
every message that crosses the wire. When the output is not a terminal
(piped, or CI), prints a plain transcript of one run and exits.

  <lesson>      lesson number (1, 01) or slug (01-unary)
  --name N      name the client sends; repeat it to send several
  --list        list the lessons, one a line
  -h, --help    show this help
`;

const { values, positionals } = parseCommandLine(USAGE, {
  list: { type: 'boolean' },
  name: { type: 'string', multiple: true },
});

if (values.list) {
  for (const lesson of LESSONS) console.log(`${lessonLabel(lesson)}  [${lesson.kinds.join(', ')}]  ${lesson.slug}`);
  process.exit(0);
}

const lesson = lessonFromArgs(positionals, false);
const names = values.name as string[] | undefined;
// A full-screen UI needs a terminal on both ends; anything else gets a transcript.
const interactive = process.stdout.isTTY && process.stdin.isTTY && !isCI();
if (interactive) {
  // React's development build records profiling data on every render, which
  // grows without bound in a long-running UI; the production build does not.
  process.env.NODE_ENV ??= 'production';
  const { runUi } = await import('../ui/main.js');
  await runUi(lesson, names);
} else if (!lesson) {
  console.log('Lessons (run one with npm run lesson -- <number>):');
  for (const entry of LESSONS) console.log(`  ${lessonLabel(entry)}  ${entry.summary}`);
} else {
  // A reader that stops early (`| head`) closes the pipe: stop quietly, as any
  // command-line tool does; the exit handler ends the lesson's processes.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
  const { runTranscript } = await import('../runner/transcript.js');
  process.exit(await runTranscript(lesson, names, (line) => console.log(line)));
}

function isCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '0' && ci !== 'false';
}

// npm run lesson: the tutorial's front door.
import { lessonFromArgs, languageFrom, parseCommandLine } from './args.js';
import { LESSONS, lessonNumberText } from '../lessons.js';
import { catalog } from '../i18n/catalog.js';
import { lessonSummary, lessonTitle } from '../i18n/lessons.js';

const USAGE = `
Usage: npm run lesson -- [<lesson>] [--name N]... [--list] [--lang en|zh-CN]

Runs a lesson's server and client live on a free loopback port and shows
every message that crosses the wire. When the output is not a terminal
(piped, or CI), prints a plain transcript of one run and exits.

  <lesson>      lesson number (1, 01) or slug (01-unary)
  --name N      name the client sends; repeat it to send several
  --list        list the lessons, one a line
  --lang L      en or zh-CN (简体中文): the live UI, the transcript and the
                list (lesson texts, titles and the tutorial's own words; the
                programs' output stays as they print it); without it,
                LC_ALL / LC_MESSAGES / LANG decide. In the UI, t switches.
  -h, --help    show this help
`;

// A reader that stops early (`| head`) closes the pipe: stop quietly, as any
// command-line tool does; the exit handler ends a lesson's processes.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

const { values, positionals } = parseCommandLine(USAGE, {
  list: { type: 'boolean' },
  name: { type: 'string', multiple: true },
  lang: { type: 'string' },
});
const language = languageFrom(values.lang);
const words = catalog(language);
const label = (entry: (typeof LESSONS)[number]) => `${lessonNumberText(entry.number)}  ${lessonTitle(entry, language)}`;

if (values.list) {
  for (const lesson of LESSONS)
    console.log(
      `${label(lesson)}  [${lesson.kinds.map((kind) => words.kind[kind]).join(words.ui.listSeparator)}]  ${lesson.slug}`,
    );
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
  await runUi(lesson, names, language);
} else if (!lesson) {
  console.log(words.lessonsHeading);
  for (const entry of LESSONS) console.log(`  ${label(entry)}  ${lessonSummary(entry, language)}`);
} else {
  const { runTranscript } = await import('../runner/transcript.js');
  process.exit(await runTranscript(lesson, names, (line) => console.log(line), language));
}

function isCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '0' && ci !== 'false';
}

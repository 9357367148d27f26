// Does the suite notice when the hardening is taken out? Puts each defect back,
// one at a time, in a scratch copy of the project, runs the tests that guard
// it, and expects them to fail. A mutation the tests survive is a hole in the
// suite, and the check exits 1.
//
//   node --import tsx test/mutation-check.ts             the three the suite must catch:
//                                                          no cancellation check, no drain wait,
//                                                          no disconnect handler (about a minute)
//   node --import tsx test/mutation-check.ts --defects   every defect of the hardening issue (10 min)
//   node --import tsx test/mutation-check.ts --all       run the whole suite for each mutation
//   ... --only=TEXT                                      only the mutations whose name contains TEXT
//
// The working tree is never touched: the copy lives in a temporary folder,
// with node_modules linked in.
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Mutation {
  name: string;
  file: string;
  /** Text that must occur exactly once in the file; it is replaced by `replace`. */
  find: string;
  replace: string;
  /** The test files that guard against it. */
  tests: string[];
  /** Only the tests whose names match (a --test-name-pattern). */
  pattern?: string;
}

const SERVER_TESTS = ['test/hardening.test.ts'];
const EDGE_TESTS = ['test/cli-edges.test.ts'];

/** The three the issue names: the suite must fail without each of them. */
const REQUIRED: Mutation[] = [
  {
    name: 'lesson 02: no cancellation check before each write',
    file: 'lessons/02-server-streaming/server.ts',
    find: '      if (call.cancelled) return;\n',
    replace: '',
    tests: SERVER_TESTS,
  },
  {
    name: 'lesson 02: no drain wait (write() returning false is ignored)',
    file: 'lessons/02-server-streaming/server.ts',
    find: '      if (!ok) await drained(call);\n',
    replace: '',
    tests: SERVER_TESTS,
  },
  {
    name: 'attach: no disconnect handler (a server outlives the runner that started it)',
    file: 'src/instrument/attach.ts',
    find: "process.once('disconnect', () => {",
    replace: "process.once('never-emitted', () => {",
    tests: ['test/orphans.test.ts'],
  },
];

/** Every other defect of the issue, put back the way it was. */
const DEFECTS: Mutation[] = [
  {
    name: '1. lesson 02: the pause between replies is not cut short by a cancel',
    file: 'lessons/02-server-streaming/server.ts',
    find: "  call.once('cancelled', () => cancelled.abort());\n",
    replace: '',
    tests: SERVER_TESTS,
  },
  {
    name: '2. lesson 04: keeps reading requests while replies pile up',
    file: 'lessons/04-bidi-streaming/server.ts',
    find: "      call.pause();\n      call.once('drain', () => call.resume());\n",
    replace: '',
    tests: SERVER_TESTS,
  },
  {
    name: '2. lesson 05: LotsOfReplies ignores write() returning false',
    file: 'lessons/05-grpc-vs-rest/server.ts',
    find: 'if (!call.write({ message: greet(call.request.name), sequence })) {',
    replace: 'if (!call.write({ message: greet(call.request.name), sequence }) && false) {',
    tests: SERVER_TESTS,
  },
  {
    name: '3. attach: EPIPE on stdout is not handled',
    file: 'src/instrument/attach.ts',
    find: "  stream.on('error', (error: NodeJS.ErrnoException) => {",
    replace: "  stream.on('no-such-event', (error: NodeJS.ErrnoException) => {",
    tests: EDGE_TESTS,
    pattern: 'EPIPE',
  },
  {
    name: '4. lesson 05 client: gRPC calls without a deadline',
    file: 'lessons/05-grpc-vs-rest/client.ts',
    find: 'const deadline = () => ({ deadline: Date.now() + CALL_TIMEOUT_MS });',
    replace: 'const deadline = () => ({});',
    tests: EDGE_TESTS,
    pattern: 'never answers',
  },
  {
    name: '4. lesson 05 client: REST calls without a timer',
    file: 'lessons/05-grpc-vs-rest/client.ts',
    find: ', signal: AbortSignal.timeout(CALL_TIMEOUT_MS) }',
    replace: ' }',
    tests: EDGE_TESTS,
    pattern: 'never answers',
  },
  {
    name: '4. lesson 03 client: no deadline',
    file: 'lessons/03-client-streaming/client.ts',
    find: 'client.LotsOfGreetings({ deadline: Date.now() + 5_000 },',
    replace: 'client.LotsOfGreetings({},',
    tests: EDGE_TESTS,
    pattern: 'never answers',
  },
  {
    name: '5. lesson 05 REST: no body limit',
    file: 'lessons/05-grpc-vs-rest/server.ts',
    find: 'const MAX_BODY_BYTES = 4 * 1024 * 1024;',
    replace: 'const MAX_BODY_BYTES = Infinity;',
    tests: SERVER_TESTS,
    pattern: 'REST|MiB|chunked',
  },
  {
    name: '5. lesson 05 REST: internal error text sent to the client',
    file: 'lessons/05-grpc-vs-rest/server.ts',
    find: "send(400, { error: 'the body does not have the expected shape' });",
    replace: 'send(400, { error: String(error) });',
    tests: SERVER_TESTS,
    pattern: 'shape',
  },
  {
    name: '5. lesson 05 REST: any method accepted',
    file: 'lessons/05-grpc-vs-rest/server.ts',
    find: "if (request.method !== 'POST') {",
    replace: 'if (false) {',
    tests: SERVER_TESTS,
    pattern: '405',
  },
  {
    name: '6. call log: statuses grpc-js sends by itself (RESOURCE_EXHAUSTED, INTERNAL) not seen',
    file: 'src/runtime/call-log.ts',
    find: '      status ??= sending;\n      sendStatus.call(this, sending);',
    replace: '      sendStatus.call(this, sending);',
    tests: SERVER_TESTS,
    pattern: 'INTERNAL|RESOURCE_EXHAUSTED',
  },
  {
    name: '6. call log: no line for REST calls',
    file: 'src/instrument/attach.ts',
    find: "this.prependListener('request', logRestCall);",
    replace: 'void logRestCall;',
    tests: EDGE_TESTS,
    pattern: 'call log',
  },
  {
    name: '6. call log: a client cancel that crossed the handler answer is logged OK',
    file: 'src/runtime/call-log.ts',
    find: "if (watchingStream) stream.once('close',",
    replace: "if (false) stream.once('close',",
    tests: SERVER_TESTS,
    pattern: 'cancelled midway',
  },
  {
    name: '7. CLI: --host "" accepted',
    file: 'src/cli/args.ts',
    find: "if (bare === '' || /[\\s/]/.test(bare))",
    replace: 'if (/[\\s/]/.test(bare))',
    tests: EDGE_TESTS,
    pattern: 'make no sense',
  },
  {
    name: '7. CLI: a target port over 65535 accepted',
    file: 'src/cli/args.ts',
    find: 'if (address.port < 1 || address.port > 65_535)',
    replace: 'if (false)',
    tests: EDGE_TESTS,
    pattern: 'make no sense',
  },
  {
    name: '7. CLI: --port 65535 on lesson 05 (REST would be 65536)',
    file: 'src/cli/server.ts',
    find: 'if (restPort > 65_535) fail(',
    replace: 'if (false) fail(',
    tests: EDGE_TESTS,
    pattern: 'make no sense',
  },
  {
    name: '7. CLI: --rest-port accepted by a lesson without REST',
    file: 'src/cli/server.ts',
    find: "} else if (values['rest-port'] !== undefined) {",
    replace: '} else if (false) {',
    tests: EDGE_TESTS,
    pattern: 'make no sense',
  },
  {
    name: '7. lesson 05 client: --name ignored',
    file: 'src/compare/main.ts',
    find: 'names: values.name });',
    replace: '});',
    tests: EDGE_TESTS,
    pattern: 'sends the --name',
  },
  {
    name: '7. npm run server: binds every interface by default',
    file: 'src/cli/server.ts',
    find: "host: { type: 'string', default: '127.0.0.1' },",
    replace: "host: { type: 'string', default: '0.0.0.0' },",
    tests: EDGE_TESTS,
    pattern: 'loopback',
  },
  {
    name: '8. lesson 05: reply_count not capped',
    file: 'lessons/05-grpc-vs-rest/server.ts',
    find: 'const MAX_REPLY_COUNT = 1_000_000;',
    replace: 'const MAX_REPLY_COUNT = Infinity;',
    tests: SERVER_TESTS,
    pattern: 'limits in every lesson',
  },
  {
    name: '9. attach: control characters printed raw',
    file: 'src/instrument/attach.ts',
    find: "typeof chunk === 'string' ? escapeControlChars(chunk) : chunk",
    replace: 'chunk',
    tests: EDGE_TESTS,
    pattern: 'escapes',
  },
  {
    name: '9. session: control characters passed on raw',
    file: 'src/runner/session.ts',
    find: 'const safe = terminalSafe(event);',
    replace: 'const safe = event;',
    tests: EDGE_TESTS,
    pattern: 'escapes',
  },
  {
    name: '10. wire view: a truncated string shown as if whole',
    file: 'src/instrument/wire-format.ts',
    find: "const cut = truncated ? ` TRUNCATED: the length says ${length} bytes, ${present} follow` : '';",
    replace: "const cut = '';",
    tests: [...SERVER_TESTS, 'test/wire-format.test.ts'],
    pattern: 'truncated|mid-field',
  },
];

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const args = new Set(process.argv.slice(2));
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
const mutations = (args.has('--defects') ? [...REQUIRED, ...DEFECTS] : REQUIRED).filter(
  (mutation) => !only || mutation.name.includes(only),
);
const ALL_TESTS = ['test/*.test.ts', 'test/*.test.tsx'];

/** The project as it stands (tracked and new files, not ignored ones), in a scratch folder. */
function scratchCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mutation-check-'));
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    try {
      cpSync(join(ROOT, file), join(dir, file));
    } catch {
      // Deleted in the working tree but still in the index: nothing to copy.
    }
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** Runs node's test runner in `dir`; resolves with its exit code and the names of the tests that failed. */
function runTests(
  dir: string,
  files: string[],
  pattern?: string,
): Promise<{ code: number; failed: string[]; seconds: number }> {
  const started = Date.now();
  const command = [
    process.execPath,
    '--import',
    'tsx',
    '--import',
    './test/timeouts.ts',
    '--test',
    '--test-reporter=tap',
    ...(pattern ? [`--test-name-pattern=${pattern}`] : []),
    ...files,
  ];
  return new Promise((resolve) => {
    // Through a shell, so the globs expand as they do for npm test.
    const child = spawn('sh', ['-c', command.map((part) => (part.includes('*') ? part : `'${part}'`)).join(' ')], {
      cwd: dir,
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.resume();
    child.on('close', (code) => {
      const lines = out.split('\n');
      // Leaf failures: a "not ok" whose own failure is not just "subtests failed".
      const failed = lines.flatMap((line, index) => {
        const match = /^\s*not ok \d+ - (.*?)(?: # TODO.*)?$/.exec(line);
        if (!match || /# TODO/.test(line)) return [];
        const details = lines.slice(index + 1, index + 8).join('\n');
        return /failureType: 'subtestsFailed'/.test(details) ? [] : [match[1]];
      });
      resolve({ code: code ?? 1, failed, seconds: Math.round((Date.now() - started) / 1000) });
    });
  });
}

const dir = scratchCopy();
let holes = 0;
try {
  const guardedFiles = [...new Set(mutations.flatMap((mutation) => mutation.tests))];
  const baseline = await runTests(dir, args.has('--all') ? ALL_TESTS : guardedFiles);
  console.log(
    `baseline (nothing mutated): ${baseline.code === 0 ? 'passes' : `FAILS (${baseline.failed.join('; ')})`} in ${baseline.seconds} s`,
  );
  // A suite that fails already proves nothing by failing again.
  if (baseline.code !== 0) holes = mutations.length;

  for (const mutation of baseline.code === 0 ? mutations : []) {
    const path = join(dir, mutation.file);
    const original = readFileSync(path, 'utf8');
    const count = original.split(mutation.find).length - 1;
    if (count !== 1) {
      console.log(
        `✗ ${mutation.name}: the text to mutate occurs ${count} times in ${mutation.file}; update this script`,
      );
      holes += 1;
      continue;
    }
    writeFileSync(path, original.replace(mutation.find, mutation.replace));
    try {
      const result = args.has('--all')
        ? await runTests(dir, ALL_TESTS)
        : await runTests(dir, mutation.tests, mutation.pattern);
      if (result.code === 0) {
        holes += 1;
        console.log(`✗ ${mutation.name}: the suite still passes (${result.seconds} s)`);
      } else {
        console.log(`✓ ${mutation.name}: the suite fails (${result.seconds} s)`);
        for (const name of result.failed) console.log(`    failing: ${name}`);
      }
    } finally {
      writeFileSync(path, original);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  holes === 0
    ? `every mutation (${mutations.length}) made the suite fail`
    : `${holes} of ${mutations.length} mutations went unnoticed`,
);
process.exitCode = holes === 0 ? 0 : 1;

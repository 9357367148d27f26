// When a lesson process fails, the UI shows the line that says why (the error
// and where in the learner's code), never the tail of a stack or the
// "Node.js v20..." banner Node prints last. Every crash here is a real child
// process run by the project's own runner.
import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnScript } from '../src/runner/child.js';
import { usefulErrorLine } from '../src/ui/crash.js';
import { UiStore } from '../src/ui/store.js';
import { LessonController } from '../src/ui/controller.js';
import { lesson, ROOT, waitFor } from './helpers.js';

// ESM, as the lessons are, so imports fail the way a lesson's do.
const dir = mkdtempSync(join(tmpdir(), 'grpc-tutorial-crash-'));
writeFileSync(join(dir, 'package.json'), '{"type": "module"}\n');
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Runs a script as the UI runs a lesson's server or client and resolves with its stderr lines and exit code. */
function run(path: string): Promise<{ stderr: string[]; code: number | null }> {
  const stderr: string[] = [];
  return new Promise((resolve) => {
    spawnScript(
      path,
      [],
      {
        onLine: (stream, line) => stream === 'stderr' && stderr.push(line),
        onExit: (code) => resolve({ stderr, code }),
      },
      { ipc: false },
    );
  });
}

const broken = file('broken.ts', 'const x = 1;\nfunction greet( {\n  return x;\n}\n');
const throws = file('throws.ts', "export const ready = true;\nthrow new Error('boom at startup');\n");
const typeError = file(
  'type-error.ts',
  'const config: { port?: { value: number } } = {};\nexport function port() {\n  return config.port!.value;\n}\nport();\n',
);

const CASES = [
  {
    what: 'a syntax error in an imported file',
    path: file('imports-broken.ts', `await import(${JSON.stringify(pathToFileURL(broken).href)});\n`),
    line: `${broken}:3:9: Expected "}" but found "x"`,
  },
  {
    what: 'an error thrown while a module loads',
    path: file('imports-throws.ts', `await import(${JSON.stringify(pathToFileURL(throws).href)});\n`),
    line: `${throws}:2:7: Error: boom at startup`,
  },
  {
    what: 'a TypeError in a function',
    path: typeError,
    line: `${typeError}:3:23: TypeError: Cannot read properties of undefined (reading 'value')`,
  },
  {
    what: 'a program that reports its own error',
    path: file(
      'reports.ts',
      "console.error('error: UNAVAILABLE (status 14): No connection established');\nprocess.exit(1);\n",
    ),
    line: 'error: UNAVAILABLE (status 14): No connection established',
  },
];

for (const { what, path, line } of CASES) {
  test(`${what}: the useful line is the error and where`, async () => {
    const { stderr, code } = await run(path);
    assert.equal(code, 1);
    assert.equal(usefulErrorLine(stderr), line, stderr.join('\n'));
    // In a store, as the UI gets it: the notice says why, never Node's version.
    const store = new UiStore({ frameMs: 0 });
    store.openLesson(lesson('1'));
    for (const text of stderr) store.apply({ type: 'output', side: 'server', stream: 'stderr', line: text });
    store.apply({ type: 'exit', side: 'server', code, signal: null, expected: false });
    assert.equal(store.state.notice, `server failed: ${line}`);
    // The server pane's last line says it too: at 80 columns the log shows only its last lines.
    assert.equal(
      store.state.serverLog.at(store.state.serverLog.length - 1)?.text,
      `server exited with code 1: ${line}`,
    );
    store.dispose();
  });
}

test('a crash report ends with the Node.js version, which is never the line shown', async () => {
  const { stderr } = await run(CASES[0].path);
  assert.match(stderr.at(-1) ?? '', /^Node\.js v\d+/);
  assert.doesNotMatch(usefulErrorLine(stderr) ?? '', /Node\.js v/);
  assert.equal(usefulErrorLine(['', 'Node.js v20.20.2']), undefined);
});

test('a process killed by a signal is not blamed on what it printed earlier', () => {
  const store = new UiStore({ frameMs: 0 });
  store.openLesson(lesson('1'));
  for (const line of ['TypeError: handler failed', '    at sayHello (/x/lessons/01-unary/server.ts:40:11)'])
    store.apply({ type: 'output', side: 'server', stream: 'stderr', line });
  store.apply({ type: 'exit', side: 'server', code: null, signal: 'SIGKILL', expected: false });
  assert.equal(store.state.notice, 'server exited with signal SIGKILL');
  store.dispose();
});

test('paths inside the project are shown from its root', () => {
  const lines = [
    `Error: Transform failed with 1 error:`,
    `${ROOT}lessons/01-unary/server.ts:12:4: ERROR: Unexpected ")"`,
    '    at failureErrorWithLog (/x/node_modules/esbuild/lib/main.js:1:1)',
    '',
    'Node.js v20.20.2',
  ];
  assert.equal(usefulErrorLine(lines), 'lessons/01-unary/server.ts:12:4: Unexpected ")"');
});

const controllers: LessonController[] = [];
afterEach(() => Promise.all(controllers.splice(0).map((controller) => controller.shutdown())));

test('a lesson server that crashes on start: the notice says why, not "Node.js v20"', async () => {
  // The real server command, crashing before the lesson loads: NODE_OPTIONS makes its Node
  // import a file with a syntax error first (through tsx, as a lesson file would be).
  const preload = file(
    'preload.mjs',
    `await import(${JSON.stringify(import.meta.resolve('tsx'))});\nawait import(${JSON.stringify(pathToFileURL(broken).href)});\n`,
  );
  const saved = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = `--import=${pathToFileURL(preload).href}`;
  try {
    const store = new UiStore({ frameMs: 0 });
    const controller = new LessonController(store, { watch: false });
    controllers.push(controller);
    await controller.open(lesson('1'));
    await waitFor(() => store.state.server.state === 'exited', 'the server to crash');
    assert.equal(store.state.notice, `server failed: ${broken}:3:9: Expected "}" but found "x"`);
    assert.ok(
      store.state.serverLog.slice(0).some((line) => /^Node\.js v/.test(line.text)),
      'the log still has every line',
    );
  } finally {
    if (saved === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved;
  }
});

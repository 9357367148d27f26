// The terminal UI's components, rendered with ink-testing-library; keys go in
// through stdin, and every check polls the frame instead of sleeping.
import { after, afterEach, describe, test } from 'node:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { cleanup, render } from 'ink-testing-library';
import { App } from '../src/ui/App.js';
import { LessonController } from '../src/ui/controller.js';
import { UiStore } from '../src/ui/store.js';
import { footerKeyText, helpSections, hintsFor, type Mode } from '../src/ui/keymap.js';
import { LESSONS } from '../src/lessons.js';
import type { WireEvent } from '../src/instrument/events.js';
import { contentColumns, contentRows, helpRect } from '../src/ui/layout.js';
import { helpLines, wrapWords } from '../src/ui/help-lines.js';
import { lineText } from '../src/ui/styled.js';
import { columns } from '../src/ui/width.js';
import { ProgressFile } from '../src/ui/progress.js';
import { lesson, startLessonServer, tappedRun, waitFor, waitForText, type TextPattern } from './helpers.js';

const KEY = {
  down: '\x1b[B',
  up: '\x1b[A',
  enter: '\r',
  tab: '\t',
  shiftTab: '\x1b[Z',
  esc: '\x1b',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
};

const controllers: LessonController[] = [];

function setup(size = { columns: 100, rows: 40 }, progress?: ProgressFile) {
  const store = new UiStore({ frameMs: 0 });
  store.state.size = size;
  let quits = 0;
  const controller = new LessonController(store, { watch: false, onQuit: () => (quits += 1), progress });
  controllers.push(controller);
  const app = render(<App store={store} controller={controller} trackTerminalSize={false} />);
  const frame = () => app.lastFrame() ?? '';
  const until = (check: TextPattern, what = String(check)) => waitForText(frame, check, `a frame with ${what}`);
  return { store, controller, app, frame, until, quits: () => quits };
}

afterEach(async () => {
  cleanup();
  await Promise.all(controllers.splice(0).map((controller) => controller.shutdown()));
});

describe('lesson picker', () => {
  test('lists every lesson; j/k and arrows move the selection', async () => {
    const { app, until } = setup();
    await until('> ');
    for (const entry of LESSONS) await until(entry.title);
    await until(/> +01 Hello, gRPC/);
    app.stdin.write('j');
    await until(/> +02 Server streaming/);
    app.stdin.write(KEY.down);
    await until(/> +03 Client streaming/);
    app.stdin.write('k');
    app.stdin.write(KEY.up);
    await until(/> +01 Hello, gRPC/);
    app.stdin.write('k');
    const last = LESSONS[LESSONS.length - 1];
    await until(
      new RegExp(`> +${String(last.number).padStart(2, '0')} ${last.title}`),
      'wrap-around to the last lesson',
    );
  });

  test('at 80x24 the list shows the rows that fit, says which, and scrolls to every lesson', async () => {
    const { app, until } = setup({ columns: 80, rows: 24 });
    const range = (text: string) => /(\d+)-(\d+) of (\d+), up\/down for more/.exec(text)?.slice(1).map(Number);
    const selected = (index: number) => (text: string) =>
      text.split('\n').some((line) => line.startsWith(' > ') && line.includes(LESSONS[index].title));
    const first = await until(selected(0), 'lesson 01 selected');
    const [from, to, of] = range(first) ?? [];
    assert.deepEqual([from, of], [1, LESSONS.length], first);
    assert.ok(to < LESSONS.length && first.split('\n').length <= 23, first);
    assert.ok(!first.includes(LESSONS[LESSONS.length - 1].title), 'the last lesson is below the window');
    for (let index = 1; index < LESSONS.length; index++) {
      app.stdin.write('j');
      const shown = await until(selected(index), `lesson ${index + 1} selected`);
      const [top, bottom] = range(shown) ?? [];
      assert.ok(top <= index + 1 && index + 1 <= bottom, `row ${index + 1} within ${top}-${bottom}`);
      assert.ok(shown.split('\n').length <= 23, shown);
    }
    assert.ok(
      !(await until(selected(LESSONS.length - 1))).includes(LESSONS[0].title),
      'the first lesson scrolled away',
    );
  });

  test("a fresh learner's picker at 120x40 is printable ASCII: Ink measures its first frame on string-width's fast path", async () => {
    const { until } = setup({ columns: 120, rows: 40 });
    const shown = await until(/01 Hello, gRPC.*\n.*02 Server streaming/);
    const text = shown.replace(/\x1b\[[0-9;]*m/g, '');
    assert.deepEqual(
      [...text].filter((character) => character !== '\n' && (character < ' ' || character > '~')),
      [],
      text,
    );
  });

  test('Enter opens the lesson and runs its server and client live', async () => {
    const { app, until, store } = setup();
    await until('> ');
    app.stdin.write(KEY.enter);
    await until('Hello, world!');
    await until(/status OK/);
    await until(/listening on 127\.0\.0\.1:\d+/);
    assert.equal(store.state.screen, 'lesson');
    await waitFor(() => store.state.completed.has('01-unary'), 'lesson 01 marked as run');
    app.stdin.write(KEY.esc);
    await until(/✓ 01 Hello, gRPC/);
  });

  test('a lesson number of two digits is typed whole: 1 selects 01 and waits, 1 then 2 opens 12', async () => {
    assert.ok(LESSONS.length >= 12, 'there are lessons numbered 10 and up');
    const { app, until, store } = setup();
    await until(/> +01 Hello, gRPC/);
    app.stdin.write('j');
    await until(/> +02 Server streaming/);
    app.stdin.write('1');
    await until(/> +01 Hello, gRPC/);
    assert.equal(store.state.screen, 'picker', '1 alone could still become 10-19');
    app.stdin.write('2');
    await until(/12 Large payloads.*· server listening/);
    assert.equal(store.state.lesson.slug, '12-large-payloads');
    app.stdin.write(KEY.esc);
    await until(/> +12 Large payloads/);
    // A digit no lesson number continues with starts a new one: 0 then 4 is lesson 04.
    app.stdin.write('0');
    app.stdin.write('4');
    await until(/04 Bidirectional streaming.*· server listening/);
  });
});

describe('progress', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'grpc-tutorial-ui-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test('a number key opens that lesson; once its client exits 0 the picker marks it, in this run and the next', async () => {
    const path = join(scratch, 'progress.json');
    const { app, store, until } = setup(undefined, new ProgressFile(path));
    await until(/> +01 Hello, gRPC/);
    assert.doesNotMatch(await until('> '), /✓/);
    app.stdin.write('3');
    await until(/03 Client streaming.*· server listening/);
    assert.equal(store.state.lesson.slug, '03-client-streaming');
    await waitFor(() => store.state.client.state === 'exited' && store.state.client.code === 0, 'the run to end');
    await waitFor(
      () => new ProgressFile(path).load().has('03-client-streaming'),
      'the progress file to hold lesson 03',
    );
    app.stdin.write(KEY.esc);
    await until(/✓ 03 Client streaming/);
    cleanup();
    // The next run of the UI reads it back.
    const next = setup(undefined, new ProgressFile(path));
    await next.until(/✓ 03 Client streaming/);
    await next.until('1 of');
    assert.doesNotMatch(next.frame(), /✓ 0[1245]/);
  });

  test('a broken progress file is no progress, and one that cannot be written is a notice, not a crash', async () => {
    const broken = join(scratch, 'broken.json');
    writeFileSync(broken, '{"completed": [');
    const first = setup(undefined, new ProgressFile(broken));
    await first.until(/> +01 Hello, gRPC/);
    assert.doesNotMatch(first.frame(), /✓/);
    cleanup();
    const blocker = join(scratch, 'not-a-dir');
    writeFileSync(blocker, '');
    const { app, store, until } = setup({ columns: 200, rows: 40 }, new ProgressFile(join(blocker, 'progress.json')));
    await until('> ');
    app.stdin.write('1');
    app.stdin.write(KEY.enter);
    await until(/progress not saved \(.*(ENOTDIR|EEXIST)/);
    await waitFor(() => store.state.completed.has('01-unary'), 'lesson 01 still marked for this run');
    assert.equal(readFileSync(blocker, 'utf8'), '');
  });
});

describe('help', () => {
  const bindings = helpSections().flatMap((section) => section.bindings);

  test('? shows every binding of every mode, scrolling when it is taller than the screen; ? or esc hides it', async () => {
    const { app, until, frame } = setup();
    await until('> ');
    app.stdin.write('?');
    await until('Keys · ? or esc to close');
    // Page down to the end, keeping every row seen on the way.
    const seen = new Set<string>();
    for (let page = 0; page < 10 && !frame().includes('runs the client again'); page++) {
      for (const line of frame().split('\n')) seen.add(line);
      const before = /(\d+)-\d+\/\d+/.exec(frame())![1];
      app.stdin.write(KEY.pageDown);
      await until((text) => /(\d+)-\d+\/\d+/.exec(text)?.[1] !== before, 'the next page');
    }
    for (const line of frame().split('\n')) seen.add(line);
    for (const binding of bindings)
      assert.ok(
        [...seen].some((line) => line.includes(binding.help)),
        `help lacks "${binding.help}"`,
      );
    app.stdin.write('?');
    await until((text) => !text.includes('Keys ·'), 'no help');
    app.stdin.write('?');
    await until('Keys ·');
    app.stdin.write(KEY.esc);
    await until((text) => !text.includes('Keys ·'), 'no help after esc');
  });

  for (const size of [
    { columns: 80, rows: 24 },
    { columns: 60, rows: 20 },
  ]) {
    test(`at ${size.columns}x${size.rows} the help shows its lines as laid out: nothing overlaps, is cut or crosses the border`, async () => {
      const { app, until } = setup(size);
      const rect = helpRect(size.columns, size.rows);
      const width = contentColumns(rect);
      const lines = helpLines(width).map(lineText);
      const rows = contentRows(rect);
      assert.ok(lines.length > rows, 'the help fits without scrolling: this test checks nothing');
      await until('> ');
      app.stdin.write('?');
      for (let offset = 0; ; offset = Math.min(offset + rows - 1, lines.length - rows)) {
        const shown = await until(`${offset + 1}-${offset + rows}/${lines.length}`);
        const body = shown.split('\n').slice(2, 2 + rows);
        assert.deepEqual(
          body,
          lines.slice(offset, offset + rows).map((line) => `│ ${line}${' '.repeat(width - columns(line))} │`),
        );
        assert.ok(shown.split('\n').length <= size.rows - 1, 'taller than the terminal');
        assert.ok(
          shown.split('\n').every((line) => line.length <= size.columns),
          'wider than the terminal',
        );
        if (offset + rows >= lines.length) break;
        app.stdin.write(KEY.pageDown);
      }
    });
  }

  test('help lines wrap descriptions under their column and are never wider than the pane', () => {
    for (const width of [30, 56, 76, 92]) {
      const lines = helpLines(width).map(lineText);
      for (const line of lines) assert.ok(columns(line) <= width, `width ${width}: "${line}"`);
      // Read back with the continuations joined, every description is there whole.
      // Chinese text breaks between two characters with no space: compare without spaces.
      const joined = lines.join('').replace(/\s+/g, '');
      for (const binding of bindings)
        assert.ok(joined.includes(binding.help.replace(/\s+/g, '')), `width ${width} lacks "${binding.help}"`);
    }
    assert.deepEqual(wrapWords('scroll the focused pane up', 10), ['scroll the', 'focused', 'pane up']);
    assert.deepEqual(wrapWords('abcdefghijkl', 5), ['abcde', 'fghij', 'kl']);
  });
});

describe('footer', () => {
  test('the footer lists the keys of the mode the UI is in, from its table', async () => {
    const { app, store, until } = setup({ columns: 200, rows: 40 });
    const footerOf = (text: string) => text.split('\n').at(-1) ?? '';
    const footerShows = async (mode: Mode) =>
      footerOf(
        await until(
          (text) =>
            hintsFor(mode).every((binding) => footerOf(text).includes(`${footerKeyText(binding)} ${binding.label}`)),
          `the ${mode} keys in the footer`,
        ),
      );
    await footerShows('picker');
    store.openLesson(lesson('1'));
    assert.match(await footerShows('lesson'), /tab focus/);
    app.stdin.write('w');
    const wire = await footerShows('wire');
    assert.doesNotMatch(wire, /tab focus/, 'Tab does nothing in the wire view');
    app.stdin.write(KEY.esc);
    await footerShows('lesson');
    app.stdin.write('e');
    const names = await footerShows('names');
    assert.match(names, /enter send/);
    assert.doesNotMatch(names, /q quit/, 'q is a letter of a name in the prompt');
    app.stdin.write(KEY.esc);
    await footerShows('lesson');
    app.stdin.write('?');
    await footerShows('help');
  });
});

describe('footer, with a notice', () => {
  test('a long notice leads the footer, but the help and the names prompt show their keys', async () => {
    const { app, store, until } = setup({ columns: 80, rows: 24 });
    store.openLesson(lesson('1'));
    store.update(
      (state) =>
        (state.notice = 'client exited with code 1: error: INVALID_ARGUMENT (status 3): name must not be empty'),
    );
    const footer = (text: string) => text.split('\n').at(-1) ?? '';
    await until((text) => footer(text).startsWith('client exited with code 1'), 'the notice');
    app.stdin.write('?');
    await until((text) => footer(text).startsWith('q quit  ? close'), 'the help keys');
    app.stdin.write('?');
    await until((text) => footer(text).startsWith('client exited'), 'the notice again');
    app.stdin.write('e');
    await until((text) => footer(text).startsWith('enter send  esc cancel'), 'the prompt keys');
  });
});

describe('lesson view', () => {
  test('Tab and Shift-Tab move focus through the panes', async () => {
    const { app, store, until } = setup();
    store.openLesson(lesson('1'));
    await until('Timeline');
    assert.equal(store.state.focus, 'timeline');
    app.stdin.write(KEY.tab);
    await waitFor(() => store.state.focus === 'text', 'focus on the lesson text');
    app.stdin.write(KEY.tab);
    await waitFor(() => store.state.focus === 'source', 'focus on the source');
    app.stdin.write(KEY.shiftTab);
    app.stdin.write(KEY.shiftTab);
    await waitFor(() => store.state.focus === 'timeline', 'focus back on the timeline');
  });

  test('c switches the source between server.ts and client.ts, with line numbers', async () => {
    const { app, store, until, controller } = setup();
    controller.handle('open');
    await until('Source: server.ts');
    await until(/ 1 \/\/ Step 2 of the article's three/);
    app.stdin.write('c');
    await until('Source: client.ts');
    await until(/ 1 \/\/ Step 3 of the article's three/);
    assert.equal(store.state.sourceTab, 'client');
  });

  test('a log pane follows new lines until scrolled up, and G follows again', async () => {
    const { app, store, until } = setup();
    store.openLesson(lesson('1'));
    store.update((state) => (state.focus = 'client'));
    for (let index = 1; index <= 200; index++)
      store.apply({ type: 'output', side: 'client', stream: 'stdout', line: `line ${index}` });
    await until(/line 200\b/);
    app.stdin.write('k');
    await until((text) => !/line 200\b/.test(text) && /line 199\b/.test(text), 'scrolled up one line');
    store.apply({ type: 'output', side: 'client', stream: 'stdout', line: 'line 201' });
    await waitFor(() => store.state.clientLog.length === 201, 'the new line in the store');
    await until((text) => !text.includes('line 201'), 'the view held in place');
    // The pane shows six lines (195-200); a page up moves by five.
    app.stdin.write(KEY.pageUp);
    await until((text) => /line 190\b/.test(text) && !/line 196\b/.test(text), 'a page up');
    app.stdin.write(KEY.pageDown);
    await until((text) => /line 195\b/.test(text) && !/line 190\b/.test(text), 'a page down');
    app.stdin.write('g');
    await until(/line 1\b/, 'the top');
    app.stdin.write('G');
    await until(/line 201\b/, 'the bottom');
    assert.equal(store.state.scroll.client.follow, true);
  });

  test('client errors and server crashes show with their exit code and message', async () => {
    const { store, until } = setup();
    store.openLesson(lesson('1'));
    store.apply({ type: 'client-start', run: 1 });
    store.apply({
      type: 'output',
      side: 'client',
      stream: 'stderr',
      line: 'error: UNAVAILABLE (status 14): No connection established',
    });
    store.apply({ type: 'exit', side: 'client', run: 1, code: 1, signal: null, expected: false });
    store.apply({ type: 'output', side: 'server', stream: 'stderr', line: "SyntaxError: Unexpected token ')'" });
    store.apply({ type: 'exit', side: 'server', code: 1, signal: null, expected: false });
    await until('error: UNAVAILABLE (status 14)');
    await until('client exited with code 1');
    await until('run 1 exited 1');
    await until("SyntaxError: Unexpected token ')'");
    await until('server exited with code 1');
    await until('server exited (code 1)');
  });

  test('e edits the names the client sends', async () => {
    const { app, store, until } = setup();
    store.openLesson(lesson('3'));
    await until('Timeline');
    app.stdin.write('e');
    await until('names › ');
    app.stdin.write('Bob, Eve');
    await until('Bob, Eve');
    app.stdin.write(KEY.enter);
    await waitFor(() => store.state.nameDraft === undefined, 'the editor to close');
    assert.deepEqual(store.state.names, ['Bob', 'Eve']);
    await until('names Bob, Eve');
  });

  test('names prompt: every backspace of a chunk deletes, Ctrl-U clears, control characters never reach a name', async () => {
    const { app, store, until } = setup();
    store.openLesson(lesson('3'));
    await until('Timeline');
    app.stdin.write('e');
    await until('names › ');
    // Typed faster than the terminal is read: one chunk each.
    app.stdin.write('Adaa\x7f\x7f');
    await waitFor(() => store.state.nameDraft === 'Ad', 'two backspaces of one chunk applied');
    app.stdin.write('\x7f\x7f\x7f\x7f');
    await waitFor(() => store.state.nameDraft === '', 'more backspaces than characters');
    app.stdin.write('B\bBob');
    await waitFor(() => store.state.nameDraft === 'Bob', 'Ctrl-H deletes too');
    app.stdin.write('\x15');
    await waitFor(() => store.state.nameDraft === '', 'Ctrl-U cleared the line');
    app.stdin.write('E\x1fv\u0085e, q');
    await waitFor(() => store.state.nameDraft === 'Eve, q', 'control characters dropped, q typed');
    await until('names › Eve, q');
    app.stdin.write(KEY.enter);
    await waitFor(() => store.state.nameDraft === undefined, 'the prompt closed');
    assert.deepEqual(store.state.names, ['Eve', 'q']);
  });

  test('names prompt: Ctrl-C quits while it is open, q does not', async () => {
    const { app, store, until, quits } = setup();
    store.openLesson(lesson('1'));
    await until('Timeline');
    app.stdin.write('e');
    await until('names › ');
    app.stdin.write('q');
    await waitFor(() => store.state.nameDraft === 'q', 'q typed into the name');
    assert.equal(quits(), 0);
    app.stdin.write('\x03');
    await waitFor(() => quits() === 1, 'Ctrl-C to quit');
  });

  test('names prompt: "" sends an empty name, and lesson 01 answers INVALID_ARGUMENT', async () => {
    const { app, store, until, controller } = setup({ columns: 200, rows: 40 });
    controller.handle('open');
    await until('Hello, world!');
    await waitFor(() => store.state.client.state === 'exited', 'the first run');
    app.stdin.write('e');
    await until('"" is an empty name');
    app.stdin.write('""');
    app.stdin.write(KEY.enter);
    await until('error: INVALID_ARGUMENT (status 3): name must not be empty');
    await until('status INVALID_ARGUMENT');
    await until('names ""');
    assert.deepEqual(store.state.names, ['']);
    await waitFor(() => store.state.client.state === 'exited' && store.state.client.code === 1, 'the run to fail');
    // Back to the lesson's own names: an empty line.
    app.stdin.write('e');
    await until('names › ""');
    app.stdin.write('\x15');
    app.stdin.write(KEY.enter);
    await until("names lesson's own");
    assert.equal(store.state.names, undefined);
  });

  test('z maximizes the focused pane, z again shows every pane; pages are the maximized height', async () => {
    // ink-testing-library's stdout is 100 columns wide: wider frames are cut.
    const { app, store, until } = setup({ columns: 100, rows: 40 });
    store.openLesson(lesson('1'));
    store.update((state) => (state.focus = 'client'));
    for (let index = 1; index <= 200; index++)
      store.apply({ type: 'output', side: 'client', stream: 'stdout', line: `line ${index}` });
    await until('195-200/200 follow');
    assert.match(await until('Server output'), /Timeline/);
    app.stdin.write('z');
    // The body is 37 rows (40 less header, footer and a spare row): 34 of them are content.
    const maximized = await until('167-200/200 follow');
    assert.doesNotMatch(maximized, /Server output|Timeline/, 'other panes are hidden');
    assert.ok(
      maximized.split('\n').some((line) => line.length === 100 && line.startsWith('│ Client output')),
      'the pane spans the terminal',
    );
    app.stdin.write(KEY.pageUp);
    await until('134-167/200');
    app.stdin.write('z');
    await until(
      (text) => text.includes('Server output') && text.includes('Timeline') && /\d+-\d+\/200/.test(text),
      'every pane again',
    );
  });

  test('a small terminal shows one pane at a time with a tab row', async () => {
    const { app, store, until, frame } = setup({ columns: 60, rows: 15 });
    store.openLesson(lesson('1'));
    store.apply({ type: 'output', side: 'server', stream: 'stdout', line: 'server says hi' });
    await until(/Lesson +Source +Server output +Client output +Timeline/);
    // From the timeline, back past the client output to the server output.
    app.stdin.write(KEY.shiftTab);
    app.stdin.write(KEY.shiftTab);
    await until('server says hi');
    assert.ok(frame().split('\n').length <= 14, 'the frame is taller than the terminal');
    assert.ok(
      frame()
        .split('\n')
        .every((line) => line.length <= 60),
      'the frame is wider than the terminal',
    );
  });
});

describe('pane titles', () => {
  test('at 80 columns a title stays on its row: the legend is cut, the position and follow stay', async () => {
    const { store, until, frame } = setup({ columns: 80, rows: 24 });
    store.openLesson(lesson('1'));
    const messages: WireEvent[] = Array.from({ length: 30 }, (_, index) => ({
      type: 'message',
      call: 1,
      ms: index,
      direction: 'server->client',
      size: 10,
      wireSize: 15,
      compressed: false,
      preview: `reply #${index + 1}`,
    }));
    store.apply({ type: 'wire', run: 1, events: messages });
    await until('reply #30');
    const lines = frame().split('\n');
    const title = lines.findIndex((line) => line.includes('Timeline'));
    const right = (line: string) => line.slice(40);
    assert.match(right(lines[title]), /│ Timeline · ──▶ .*… +\d+-30\/30 follow │$/, 'the title row');
    // The row under the title is the first visible message, not the rest of the title.
    const shown = Number(/(\d+)-30\/30/.exec(lines[title])![1]);
    assert.match(right(lines[title + 1]), new RegExp(`reply #${shown}\\b`), 'the first content row');
    assert.match(right(lines[title + 1 + 30 - shown]), /reply #30\b/, 'the last content row');
  });
});

describe('timeline', () => {
  test('renders all four kinds of call, in the order they happened', async () => {
    const servers = await Promise.all(['1', '2', '3', '4'].map((ref) => startLessonServer(ref)));
    try {
      const runs: WireEvent[][] = [];
      for (const [index, ref] of ['1', '2', '3', '4'].entries()) runs.push(await tappedRun(ref, servers[index].port));
      const { store, until, frame } = setup({ columns: 100, rows: 200 });
      store.openLesson(lesson('4'));
      runs.forEach((events, index) => store.apply({ type: 'wire', run: index + 1, events }));
      for (const method of [
        'SayHello unary',
        'LotsOfReplies server-stream',
        'LotsOfGreetings client-str',
        'BidiHello bidi-streaming',
      ])
        await until(method);
      const text = frame();
      const arrows = (from: string, to: string) =>
        [
          ...text
            .slice(text.indexOf(from), to ? text.indexOf(to) : undefined)
            .matchAll(/(──▶ +\d|◀── +\d|half-close|status OK)/g),
        ].map((match) => match[1].replace(/ +\d$/, ''));
      assert.deepEqual(arrows('SayHello', 'LotsOfReplies'), ['──▶', 'half-close', '◀──', 'status OK']);
      assert.deepEqual(arrows('LotsOfReplies', 'LotsOfGreetings'), [
        '──▶',
        'half-close',
        '◀──',
        '◀──',
        '◀──',
        '◀──',
        '◀──',
        'status OK',
      ]);
      assert.deepEqual(arrows('LotsOfGreetings', 'BidiHello'), ['──▶', '──▶', '──▶', 'half-close', '◀──', 'status OK']);
      assert.deepEqual(arrows('BidiHello', ''), ['──▶', '◀──', '──▶', '◀──', '──▶', '◀──', 'half-close', 'status OK']);
      assert.match(text, /ms ──▶ +10 B +\{"name":"Ada"\}/);
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  });
});

describe('wire view', () => {
  test('select a message in the timeline, press w: its bytes field by field and its JSON size', async () => {
    const server = await startLessonServer('1');
    try {
      const events = await tappedRun('1', server.port, ['Ada']);
      const { app, store, until, frame } = setup();
      store.openLesson(lesson('1'));
      store.apply({ type: 'wire', run: 1, events });
      await until('status OK');
      // The first k selects the last row (the status); each one more moves a row up, to the request.
      const request = events.findIndex((event) => event.type === 'message' && event.direction === 'client->server');
      for (let press = 0; press < events.length - request; press++) app.stdin.write('k');
      await waitFor(() => {
        const event = store.selectedRow()?.event;
        return event?.type === 'message' && event.direction === 'client->server';
      }, 'the request selected');
      app.stdin.write('w');
      await until('Wire view');
      await until(/client ──▶ server +\/rpc_package\.HelloWorldService\/SayHello +HelloRequest/);
      await until('protobuf 5 B + 5 B gRPC prefix = 10 B on the wire');
      await until('the same as JSON: 14 B');
      assert.match(frame(), /0 +0a 03 41 64 61 +1 name +2 LEN +"Ada"/);
      assert.match(frame(), /0 +0a 03 41 64 61 +\.\.Ada/);
      app.stdin.write(KEY.esc);
      await until((text) => !text.includes('Wire view'), 'the wire view closed');
      assert.equal(store.state.screen, 'lesson');
    } finally {
      await server.stop();
    }
  });

  test('w with nothing selected opens the newest row; a row that is not a message says how to choose one', async () => {
    const { app, store, until } = setup();
    store.openLesson(lesson('1'));
    store.apply({
      type: 'wire',
      run: 1,
      events: [{ type: 'call', call: 1, method: '/rpc_package.HelloWorldService/SayHello', kind: 'unary', at: 0 }],
    });
    await until('SayHello unary');
    app.stdin.write('w');
    await until('Select a message, a headers row or a connection row in the timeline');
  });
});

// A lesson that runs several clients at once, in the UI without a terminal:
// each client's events reach its own pane and its timeline rows carry its
// label; the keys, the footer, the help and the layout follow; and with real
// processes, a line typed for one client goes to that client's stdin, L makes
// it leave and join again, and the faults hit the focused client.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Key } from 'ink';
import { LessonController } from '../src/ui/controller.js';
import { UiStore, clientPane, clientPanesOf, panesOf, type TimelineRow } from '../src/ui/store.js';
import { CHROME_ROWS, contentColumns, contentRows, layoutFor, rectOf } from '../src/ui/layout.js';
import { KEYMAP, footerKeyText, helpSections, hintsFor, shown } from '../src/ui/keymap.js';
import { hintsThatFit } from '../src/ui/Footer.js';
import { timelineLine, withClientLabel } from '../src/ui/timeline.js';
import { lineText } from '../src/ui/styled.js';
import type { WireEvent } from '../src/instrument/events.js';
import { isAlive, lesson, waitFor } from './helpers.js';
import { LABELS, echoLinesLesson } from './clients-fixture.js';

const controllers: LessonController[] = [];
afterEach(() => Promise.all(controllers.splice(0).map((controller) => controller.shutdown())));

const texts = (lines: { slice(from: number): { text: string }[] }) => lines.slice(0).map((line) => line.text);

test("each client's output, start, exit and wire events go to its own pane and state; timeline rows carry its label", () => {
  const store = new UiStore({ frameMs: 0 });
  store.openLesson(echoLinesLesson());
  assert.deepEqual([...store.state.listedClients.keys()], LABELS);
  for (const label of LABELS) store.apply({ type: 'client-start', run: 1, client: label });
  store.apply({ type: 'output', side: 'client', stream: 'stdout', line: 'ada: hi', client: 'ada' });
  store.apply({ type: 'output', side: 'client', stream: 'stdout', line: 'grace sees ada: hi', client: 'grace' });
  store.apply({
    type: 'output',
    side: 'client',
    stream: 'stderr',
    line: 'error: CANCELLED (status 1)',
    client: 'grace',
  });
  const method = '/rpc_package.HelloWorldService/BidiHello';
  const events: WireEvent[] = [
    { type: 'call', call: 1, method, kind: 'bidi-streaming', at: 0 },
    {
      type: 'message',
      call: 1,
      ms: 3,
      direction: 'client->server',
      size: 4,
      wireSize: 9,
      compressed: false,
      preview: '{"name":"hi"}',
    },
    { type: 'fault', call: 1, ms: 4, fault: 'pause', detail: 'client stopped reading replies' },
  ];
  store.apply({ type: 'wire', run: 1, events, client: 'grace' });
  store.apply({ type: 'wire', run: 1, events: events.slice(0, 1), client: 'linus' });
  store.apply({ type: 'exit', side: 'client', run: 1, code: 1, signal: null, expected: false, client: 'grace' });

  const clients = store.state.listedClients;
  assert.deepEqual(texts(clients.get('ada')!.log), ['── run 1 ──', 'ada: hi']);
  assert.deepEqual(texts(clients.get('grace')!.log), [
    '── run 1 ──',
    'grace sees ada: hi',
    'error: CANCELLED (status 1)',
    'grace exited with code 1: error: CANCELLED (status 1)',
  ]);
  assert.deepEqual(texts(clients.get('linus')!.log), ['── run 1 ──']);
  assert.equal(store.state.clientLog.length, 0, 'nothing went to the one-client pane');
  assert.deepEqual(clients.get('ada')!.client, { state: 'running', run: 1 });
  assert.deepEqual(clients.get('grace')!.client, { state: 'exited', run: 1, code: 1, signal: null });
  assert.equal(store.state.notice, 'grace failed: error: CANCELLED (status 1)');
  assert.equal(clients.get('grace')!.readingPaused, false, 'an exit ends the pause');

  const rows = store.state.timeline.slice(0) as TimelineRow[];
  assert.deepEqual(
    rows.map((row) => [row.client, row.event.type]),
    [
      ['grace', 'call'],
      ['grace', 'message'],
      ['grace', 'fault'],
      ['linus', 'call'],
    ],
  );
  assert.equal(rows[1].method, method, "the message row knows its call's method");
  const drawn = rows.map((row) => lineText(withClientLabel(row, timelineLine(row), 5)));
  assert.equal(drawn[0], 'grace run 1 · call 1 BidiHello bidi-streaming');
  assert.match(drawn[1], /^grace {5}\+3\.0 ms ──▶ +9 B {2}\{"name":"hi"\}$/);
  assert.match(drawn[3], /^linus run 1/);
  // A row of a lesson with one client has no label column.
  const plain = { run: 1, event: events[0] };
  assert.equal(lineText(withClientLabel(plain, timelineLine(plain), 5)), 'run 1 · call 1 BidiHello bidi-streaming');
  store.dispose();
});

test('a pause fault of one client marks only that client as not reading', () => {
  const store = new UiStore({ frameMs: 0 });
  store.openLesson(echoLinesLesson());
  for (const label of LABELS) store.apply({ type: 'client-start', run: 1, client: label });
  const pause: WireEvent = { type: 'fault', call: 1, ms: 4, fault: 'pause', detail: 'client stopped reading replies' };
  store.apply({ type: 'wire', run: 1, events: [pause], client: 'linus' });
  assert.deepEqual(
    LABELS.map((label) => store.state.listedClients.get(label)!.readingPaused),
    [false, false, true],
  );
  assert.equal(store.state.readingPaused, false);
  store.dispose();
});

const hintText = (mode: 'lesson' | 'clients', columns: number) =>
  hintsThatFit(hintsFor(mode), columns)
    .map((binding) => `${footerKeyText(binding)} ${binding.label}`)
    .join('  ');

test('a lesson with clients has its own keys: e types a line, L leaves or joins; the footer shows them at 80 columns', () => {
  const store = new UiStore({ frameMs: 0 });
  store.openLesson(echoLinesLesson());
  assert.equal(store.mode(), 'clients');
  assert.equal(
    hintText('clients', 80),
    'q quit  ? help  r run  e say  L leave  x cancel  d deadline  K kill  space pause',
  );
  store.update((state) => (state.linePrompt = { client: 'ada', text: '' }));
  assert.equal(store.mode(), 'line');
  assert.deepEqual(
    hintsFor('line').map((binding) => `${footerKeyText(binding)} ${binding.label}`),
    ['enter send', 'esc close', 'ctrl-u clear', 'ctrl-c quit'],
  );
  // A lesson with one client keeps its own keys, and its help says nothing of several clients.
  store.openLesson(lesson('1'));
  assert.equal(store.mode(), 'lesson');
  assert.doesNotMatch(hintText('lesson', 200), /L leave|e say/);
  const actions = (withClients: boolean) =>
    helpSections(withClients).flatMap((section) => section.bindings.map((binding) => binding.action));
  assert.ok(!actions(false).includes('leave-join') && !actions(false).includes('line-send'));
  assert.ok(actions(true).includes('leave-join') && actions(true).includes('line-send'));
  assert.ok(!actions(true).includes('edit-names'), 'the names prompt is not for a lesson with clients');
  // The fault keys say which client they hit.
  const help = (action: string) => shown(KEYMAP.clients.find((binding) => binding.action === action)!).help;
  for (const action of ['cancel-calls', 'toggle-reading', 'edit-deadline'])
    assert.match(help(action), /focused client.*every client.* if no client pane is focused/);
  assert.match(help('kill-server'), /every client/);
  store.dispose();
});

test("the clients' panes share a strip across the bottom; the columns above and the strip tile the body; z takes one whole", () => {
  const clients = clientPanesOf(echoLinesLesson());
  assert.deepEqual(panesOf(echoLinesLesson()), ['text', 'source', 'server', ...clients, 'timeline']);
  for (const [columns, rows] of [
    [80, 24],
    [100, 30],
    [120, 40],
  ]) {
    const body = rows - CHROME_ROWS;
    const layout = layoutFor(columns, rows, 'client:grace', false, clients);
    assert.equal(layout.compact, false);
    const strip = layout.strip!;
    assert.deepEqual(
      strip.map((entry) => entry.pane),
      clients,
    );
    assert.equal(
      strip.reduce((sum, entry) => sum + entry.rect.width, 0),
      columns,
      `${columns}x${rows}: strip widths`,
    );
    assert.equal(
      layout.columns.reduce((sum, column) => sum + column[0].rect.width, 0),
      columns,
    );
    for (const column of layout.columns)
      assert.equal(
        column.reduce((sum, entry) => sum + entry.rect.height, 0) + strip[0].rect.height,
        body,
        `${columns}x${rows}: heights`,
      );
    assert.ok(!layout.columns.flat().some((entry) => entry.pane === 'client'), 'no pane for one client');
    // Readable at 80x24: four lines of a client's output, 23 columns wide.
    for (const pane of clients) {
      const rect = rectOf(layout, pane)!;
      assert.ok(contentRows(rect) >= 4 && contentColumns(rect) >= 22, `${columns}x${rows}: ${pane} is too small`);
    }
    assert.deepEqual(layoutFor(columns, rows, clientPane('linus'), true, clients), {
      compact: false,
      columns: [[{ pane: 'client:linus', rect: { width: columns, height: body } }]],
    });
  }
  // A small terminal shows the focused client alone.
  assert.deepEqual(
    layoutFor(60, 20, 'client:ada', false, clients)
      .columns.flat()
      .map((entry) => entry.pane),
    ['client:ada'],
  );
});

const NO_KEY = { ctrl: false, meta: false, shift: false, return: false, escape: false } as Key;

test('with real processes: a line typed for one client reaches its stdin; L leaves and joins; x cancels only its calls', async () => {
  const store = new UiStore({ frameMs: 0 });
  store.state.size = { columns: 120, rows: 40 };
  const controller = new LessonController(store, { watch: false });
  controllers.push(controller);
  const serverSaid = (text: string) => texts(store.state.serverLog).filter((line) => line === text).length;
  const log = (label: string) => texts(store.state.listedClients.get(label)!.log);
  const focus = (label: string) => {
    for (let step = 0; step < 10 && store.state.focus !== clientPane(label); step++) controller.handle('focus-next');
    assert.equal(store.state.focus, clientPane(label));
  };

  await controller.open(echoLinesLesson());
  await waitFor(
    () => texts(store.state.serverLog).some((line) => /joined \(3 here\)/.test(line)),
    'three joined',
    20_000,
  );
  const pids = LABELS.map((label) => controller.clientPid(label)!);
  assert.equal(new Set(pids).size, 3, `three client processes: ${pids.join(', ')}`);
  assert.ok(pids.every(isAlive));

  // e on grace's pane, a line typed in one chunk with two backspaces, Enter.
  focus('grace');
  controller.handleKey('e', NO_KEY);
  assert.deepEqual(store.state.linePrompt, { client: 'grace', text: '' });
  controller.handleKey('hi alx\x7f\x7fll', NO_KEY);
  assert.equal(store.state.linePrompt?.text, 'hi all');
  controller.handleKey('\r', { ...NO_KEY, return: true });
  // The server names the sender by its own --name: the line went to grace's process.
  await waitFor(() => serverSaid('grace: hi all') === 1, 'the server to get the line from grace');
  await waitFor(() => LABELS.every((label) => log(label).includes('grace: hi all')), 'every client to get it');
  assert.ok(log('grace').includes('› hi all'), "grace's pane shows what was typed");
  assert.ok(!log('ada').includes('› hi all') && !log('linus').includes('› hi all'));
  assert.deepEqual(store.state.linePrompt, { client: 'grace', text: '' }, 'the prompt stays open for the next line');
  controller.handleKey('\x1b', { ...NO_KEY, escape: true, meta: true });
  assert.equal(store.state.linePrompt, undefined);

  // L: grace's stdin ends, it half-closes, the server lets it go, and its process ends by itself.
  controller.handle('leave-join');
  await waitFor(() => !isAlive(pids[1]), "grace's process to end");
  await waitFor(() => store.state.listedClients.get('grace')!.client.state === 'exited', 'the exit in the store');
  assert.deepEqual(store.state.listedClients.get('grace')!.client, { state: 'exited', run: 1, code: 0, signal: null });
  assert.equal(serverSaid('grace left (2 here)'), 1);
  assert.equal(controller.clientPid('grace'), undefined);
  // L again: a new process joins.
  const joins = serverSaid('grace joined (3 here)');
  controller.handle('leave-join');
  await waitFor(() => serverSaid('grace joined (3 here)') === joins + 1, 'grace to join again', 20_000);
  const rejoined = controller.clientPid('grace')!;
  assert.ok(rejoined !== pids[1] && isAlive(rejoined));

  // Space with the timeline focused pauses every client's reading; again, it resumes.
  for (let step = 0; step < 10 && store.state.focus !== 'timeline'; step++) controller.handle('focus-next');
  controller.handle('toggle-reading');
  const paused = () => LABELS.map((label) => store.state.listedClients.get(label)!.readingPaused);
  await waitFor(() => paused().every(Boolean), 'every client to stop reading');
  controller.handle('toggle-reading');
  await waitFor(() => paused().every((value) => !value), 'every client to read again');

  // x on ada's pane cancels ada's call alone.
  focus('ada');
  controller.handle('cancel-calls');
  await waitFor(() => store.state.listedClients.get('ada')!.client.state === 'exited', 'ada to end');
  const cancels = (store.state.timeline.slice(0) as TimelineRow[]).filter(
    (row) => row.event.type === 'fault' && row.event.fault === 'cancel',
  );
  assert.deepEqual(
    cancels.map((row) => row.client),
    ['ada'],
  );
  assert.ok(!isAlive(pids[0]));
  assert.ok(isAlive(pids[2]) && isAlive(rejoined), 'grace and linus still run');

  await controller.shutdown();
  await waitFor(() => [pids[2], rejoined].every((pid) => !isAlive(pid)), 'every client process to end');
});

// A lesson that runs several servers (lesson 18), in the UI without a
// terminal: each server's events reach its own pane and state; the timeline
// says which backend each call went to and the bars count what each served;
// the keys, the footer, the help and the layout follow; and with real
// processes, K kills the focused server alone (or all, with no server pane
// focused) and S stops and starts it.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Key } from 'ink';
import { LessonController } from '../src/ui/controller.js';
import { UiStore, panesOf, serverPane, serverPanesOf, type TimelineRow } from '../src/ui/store.js';
import { CHROME_ROWS, contentColumns, contentRows, layoutFor, rectOf } from '../src/ui/layout.js';
import { KEYMAP, footerKeyText, helpSections, hintsFor, shown } from '../src/ui/keymap.js';
import { hintsThatFit } from '../src/ui/Footer.js';
import { timelineLine, withBackend } from '../src/ui/timeline.js';
import { lineText } from '../src/ui/styled.js';
import { messagePreview } from '../src/instrument/decode.js';
import type { WireEvent } from '../src/instrument/events.js';
import { isAlive, lesson, waitFor } from './helpers.js';

const LABELS = ['a', 'b', 'c'];
const controllers: LessonController[] = [];
afterEach(() => Promise.all(controllers.splice(0).map((controller) => controller.shutdown())));

const texts = (lines: { slice(from: number): { text: string }[] }) => lines.slice(0).map((line) => line.text);
const METHOD = '/rpc_package.HelloWorldService/SayHello';

test("each server's output, listening and exit go to its own pane and state; calls are told apart by the port they went to", () => {
  const store = new UiStore({ frameMs: 0 });
  store.openLesson(lesson('18'));
  assert.deepEqual([...store.state.listedServers.keys()], LABELS);
  for (const [index, label] of LABELS.entries()) {
    store.apply({ type: 'output', side: 'server', stream: 'stdout', line: `listening as ${label}`, server: label });
    store.apply({ type: 'server-listening', port: 5001 + index, server: label });
  }
  store.apply({ type: 'client-start', run: 1 });
  const call = (id: number, port: number | undefined, code = 0): WireEvent[] => [
    { type: 'call', call: id, method: METHOD, kind: 'unary', at: 0 },
    {
      type: 'headers',
      call: id,
      ms: 1,
      direction: 'client->server',
      kind: 'request',
      headers: [[':path', METHOD]],
      peer: port === undefined ? 'unix socket' : `127.0.0.1:${port}`,
    },
    { type: 'status', call: id, ms: 2, code, codeName: code ? 'UNAVAILABLE' : 'OK', details: '' },
  ];
  store.apply({
    type: 'wire',
    run: 1,
    events: [...call(1, 5002), ...call(2, 5002), ...call(3, 5003), ...call(4, 5001, 14), ...call(5, undefined)],
  });
  store.apply({ type: 'exit', side: 'server', code: null, signal: 'SIGKILL', expected: true, server: 'b' });

  const servers = store.state.listedServers;
  assert.deepEqual(texts(servers.get('a')!.log), ['listening as a']);
  assert.deepEqual(texts(servers.get('b')!.log), ['listening as b', 'server b exited with signal SIGKILL']);
  assert.equal(store.state.serverLog.length, 0, 'nothing went to the one-server pane');
  assert.deepEqual(servers.get('a')!.server, { state: 'listening', port: 5001 });
  assert.deepEqual(servers.get('b')!.server, { state: 'exited', code: null, signal: 'SIGKILL', expected: true });
  assert.equal(store.state.notice, '', 'a kill asked for is no failure');
  // Served: the calls that ended OK, by the backend they went to; a failed call and a unix socket count for none.
  assert.deepEqual(
    [...store.state.served],
    [
      ['a', 0],
      ['b', 2],
      ['c', 1],
    ],
  );
  const rows = store.state.timeline.slice(0) as TimelineRow[];
  const callRows = rows.filter((row) => row.event.type === 'call');
  assert.deepEqual(
    callRows.map((row) => store.backendOf(row)),
    ['b', 'b', 'c', 'a', 'unix socket'],
  );
  assert.equal(lineText(withBackend(callRows[2], timelineLine(callRows[2]), 'c')), 'run 1 · call 3 SayHello → c unary');
  assert.equal(
    lineText(withBackend(rows[1], timelineLine(rows[1]), 'c')),
    lineText(timelineLine(rows[1])),
    'only call rows',
  );
  // The next run counts afresh.
  store.apply({ type: 'client-start', run: 2 });
  assert.deepEqual([...store.state.served.values()], [0, 0, 0]);
  store.dispose();
});

const hintText = (columns: number) =>
  hintsThatFit(hintsFor('servers', lesson('18')), columns)
    .map((binding) => `${footerKeyText(binding)} ${binding.label}`)
    .join('  ');

test('a lesson with servers has its own keys: K kills the focused server, S stops or starts it; the footer shows both at 80 columns', () => {
  const store = new UiStore({ frameMs: 0 });
  store.openLesson(lesson('18'));
  assert.equal(store.mode(), 'servers');
  assert.equal(hintText(80), 'q quit  ? help  r run  W watch  F watch pick_first  K kill  S stop/start');
  const help = (action: string) => shown(KEYMAP.servers.find((binding) => binding.action === action)!).help;
  assert.match(help('kill-server'), /focused server.*same port.*every server if no server pane is focused/);
  assert.match(help('toggle-server'), /stop the focused server/);
  assert.match(help('restart-server'), /every server/);
  const actions = (entry = lesson('18')) =>
    helpSections(false, entry).flatMap((section) => section.bindings.map((binding) => binding.action));
  assert.ok(actions().includes('toggle-server'));
  assert.ok(!actions(lesson('1')).includes('toggle-server'), 'other lessons have no S');
  assert.ok(!KEYMAP.lesson.some((binding) => binding.action === 'toggle-server'));
  store.dispose();
});

test("the servers' panes share a strip under a row of bars; the columns, the bars and the strip tile the body", () => {
  const servers = serverPanesOf(lesson('18'));
  assert.deepEqual(panesOf(lesson('18')), ['text', 'source', 'client', 'timeline', ...servers]);
  for (const [columns, rows] of [
    [80, 24],
    [100, 30],
    [120, 40],
  ]) {
    const body = rows - CHROME_ROWS;
    const layout = layoutFor(columns, rows, 'timeline', false, [], servers);
    const strip = layout.strip!;
    assert.deepEqual(
      strip.map((entry) => entry.pane),
      servers,
    );
    assert.equal(layout.barRows, 1);
    assert.equal(
      strip.reduce((sum, entry) => sum + entry.rect.width, 0),
      columns,
    );
    for (const column of layout.columns)
      assert.equal(
        column.reduce((sum, entry) => sum + entry.rect.height, 0) + 1 + strip[0].rect.height,
        body,
        `${columns}x${rows}: heights`,
      );
    assert.ok(!layout.columns.flat().some((entry) => entry.pane === 'server'), 'no pane for one server');
    // Readable at 80x24: three lines of each server's output, the client's two last lines, six of the timeline.
    for (const pane of servers) {
      const rect = rectOf(layout, pane)!;
      assert.ok(contentRows(rect) >= 3 && contentColumns(rect) >= 22, `${columns}x${rows}: ${pane} is too small`);
    }
    assert.ok(contentRows(rectOf(layout, 'client')!) >= 2 && contentRows(rectOf(layout, 'timeline')!) >= 6);
  }
  assert.deepEqual(layoutFor(80, 24, serverPane('b'), true, [], servers).columns, [
    [{ pane: 'server:b', rect: { width: 80, height: 21 } }],
  ]);
});

const NO_KEY = { ctrl: false, meta: false, shift: false, return: false, escape: false } as Key;

/** A controller on lesson 18, its first run done. */
async function openLesson17() {
  const store = new UiStore({ frameMs: 0 });
  store.state.size = { columns: 120, rows: 40 };
  const controller = new LessonController(store, { watch: false });
  controllers.push(controller);
  await controller.open(lesson('18'));
  await waitFor(() => store.state.client.state === 'exited', 'the first run', 60_000);
  const focus = (pane: string) => {
    for (let step = 0; step < 10 && store.state.focus !== pane; step++) controller.handle('focus-next');
    assert.equal(store.state.focus, pane);
  };
  const pids = () => LABELS.map((label) => controller.serverPidOf(label));
  return { store, controller, focus, pids };
}

test(
  "with real processes: the timeline's backend for each call is the one that answered it, and each bar is what that server logged",
  { timeout: 90_000 },
  async () => {
    const { store } = await openLesson17();
    assert.deepEqual(store.state.client, { state: 'exited', run: 1, code: 0, signal: null });
    const rows = store.state.timeline.slice(0) as TimelineRow[];
    // Each reply names the backend that sent it: the server's own word, against the port the tap saw.
    let checked = 0;
    for (const row of rows) {
      if (row.event.type !== 'message' || row.event.direction !== 'server->client') continue;
      const from = /from backend (\w+)\)/.exec(messagePreview(row.event, METHOD))![1];
      const callRow = rows.find(
        (candidate) => candidate.event.type === 'call' && candidate.event.call === row.event.call,
      )!;
      const backend = store.backendOf(callRow);
      assert.equal(backend === 'unix socket' ? 'a' : backend, from, `call ${row.event.call}`);
      checked += 1;
    }
    assert.ok(checked > 90, `${checked} replies checked`);
    // Each server logged every call it served (past 20 a second, as a count): the bars agree.
    // The unix socket's calls reached a too, and count for no bar.
    const logged = (label: string) => {
      const lines = texts(store.listedServer(label).log);
      const ok = lines.filter((line) => /^SayHello from .*: OK /.test(line)).length;
      const skipped = lines
        .map((line) => /^… (\d+) more calls? not logged/.exec(line))
        .reduce((sum, match) => sum + (match ? Number(match[1]) : 0), 0);
      return ok + skipped;
    };
    const viaUnix = rows.filter((row) => row.event.type === 'call' && store.backendOf(row) === 'unix socket').length;
    assert.equal(viaUnix, 3);
    await waitFor(
      () =>
        logged('a') === store.state.served.get('a')! + viaUnix &&
        logged('b') === store.state.served.get('b') &&
        logged('c') === store.state.served.get('c'),
      `the bars ${JSON.stringify([...store.state.served])} to match the servers' logs ${LABELS.map(logged).join(', ')}`,
      5_000,
    );
    assert.ok(LABELS.every((label) => store.state.served.get(label)! > 0));
  },
);

test(
  'with real processes: K on a server pane kills that server alone and it comes back on its port; K elsewhere kills them all',
  { timeout: 90_000 },
  async () => {
    const { store, controller, focus, pids } = await openLesson17();
    const first = pids();
    const ports = LABELS.map((label) => store.listedServer(label).port);
    focus(serverPane('b'));
    controller.handleKey('K', NO_KEY);
    await waitFor(() => {
      const now = pids();
      return now[1] !== undefined && now[1] !== first[1] && store.listedServer('b').server.state === 'listening';
    }, 'b to come back');
    assert.ok(!isAlive(first[1]!));
    assert.deepEqual([pids()[0], pids()[2]], [first[0], first[2]], 'a and c untouched');
    assert.equal(store.listedServer('b').port, ports[1], 'on the same port');
    assert.ok(texts(store.listedServer('b').log).includes('server b exited with signal SIGKILL'));

    const second = pids();
    focus('timeline');
    controller.handleKey('K', NO_KEY);
    await waitFor(
      () =>
        pids().every((pid, index) => pid !== undefined && pid !== second[index]) &&
        LABELS.every((label) => store.listedServer(label).server.state === 'listening'),
      'every server to come back',
    );
    assert.ok(second.every((pid) => !isAlive(pid!)));
    assert.deepEqual(
      LABELS.map((label) => store.listedServer(label).port),
      ports,
    );
  },
);

test(
  'with real processes: S stops the focused server and starts it again; without a server pane focused it says how',
  { timeout: 90_000 },
  async () => {
    const { store, controller, focus, pids } = await openLesson17();
    controller.handleKey('S', NO_KEY);
    await waitFor(() => /Tab to a server pane first/.test(store.state.notice), 'the hint');
    const before = pids();
    focus(serverPane('c'));
    controller.handleKey('S', NO_KEY);
    await waitFor(() => store.listedServer('c').server.state === 'exited', 'c to stop');
    assert.deepEqual(store.listedServer('c').server, { state: 'exited', code: 0, signal: null, expected: true });
    assert.ok(texts(store.listedServer('c').log).includes('SIGTERM: shutting down'));
    assert.ok(!isAlive(before[2]!));
    assert.deepEqual(pids().slice(0, 2), before.slice(0, 2));
    // r still runs the client: c stays in its target, and its calls go to a and b.
    controller.handleKey('r', NO_KEY);
    await waitFor(() => store.state.client.state === 'exited' && store.state.client.run === 2, 'run 2', 60_000);
    assert.equal(store.state.served.get('c'), 0);
    assert.ok(store.state.served.get('a')! > 0 && store.state.served.get('b')! > 0);
    controller.handleKey('S', NO_KEY);
    await waitFor(() => store.listedServer('c').server.state === 'listening', 'c to start again');
    assert.ok(isAlive(pids()[2]!));
  },
);

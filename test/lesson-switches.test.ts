// A lesson's switches (`switches` in lessons.json): keys of the lesson screen
// that turn client args on and off. The list is checked when it is read, the
// keys stay clear of the screen's own, and a switch changes what the client's
// next run does, as the server that serves it sees.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Key } from 'ink';
import { LESSONS, checkSwitches } from '../src/lessons.js';
import { KEYMAP, helpSections, hintsFor } from '../src/ui/keymap.js';
import { LessonController } from '../src/ui/controller.js';
import { UiStore } from '../src/ui/store.js';
import { lesson, waitFor } from './helpers.js';

const NO_KEY = {} as Key;

test('switches are checked: one printable character used once, a label, a help line, args that are strings', () => {
  const entry = (key: unknown, args: unknown = ['--x']) => ({ key, label: 'x', help: 'Does x.', args });
  assert.equal(checkSwitches('10-flow', undefined), undefined);
  assert.deepEqual(checkSwitches('10-flow', [entry('b')]), [{ key: 'b', label: 'x', help: 'Does x.', args: ['--x'] }]);
  const wrong: [unknown, RegExp][] = [
    [[], /at least one entry/],
    [[entry('bb')], /entry 1: key must be one printable character/],
    [[entry(' ')], /key must be one printable character/],
    [[entry('b'), entry('b')], /key "b" is used twice/],
    [[{ key: 'b', label: '', help: 'h', args: ['--x'] }], /label and help must be text/],
    [[entry('b', [])], /args must be a list of strings/],
    [[entry('b', ['--n', 3])], /args must be a list of strings/],
  ];
  for (const [switches, problem] of wrong)
    assert.throws(() => checkSwitches('10-flow', switches), problem, JSON.stringify(switches));
});

test("no lesson's switch takes a key of the lesson screen, and each shows in the footer and the help", () => {
  const taken = new Set(
    [...KEYMAP.lesson, ...KEYMAP.clients, ...KEYMAP.servers].flatMap((binding) =>
      binding.keys.filter((key) => !key.ctrl).map((key) => key.input),
    ),
  );
  const withSwitches = LESSONS.filter((entry) => entry.switches);
  assert.ok(withSwitches.length > 0, 'some lesson has switches');
  for (const entry of withSwitches) {
    for (const { key, label } of entry.switches!) {
      assert.ok(!taken.has(key), `lesson ${entry.slug}: switch ${key} is a key of the lesson screen`);
      assert.ok(
        hintsFor(entry.clients ? 'clients' : entry.servers ? 'servers' : 'lesson', entry).some(
          (hint) => hint.label === label,
        ),
        `${label} in the footer`,
      );
      const section = helpSections(false, entry).find((candidate) => candidate.title === "This lesson's switches");
      assert.ok(section?.bindings.some((binding) => binding.keys[0].input === key));
    }
  }
  // Other lessons' screens do not show them.
  assert.ok(!hintsFor('lesson', lesson('1')).some((hint) => hint.action === 'toggle-switch'));
});

const controllers: LessonController[] = [];
afterEach(() => Promise.all(controllers.splice(0).map((controller) => controller.shutdown())));

test('lesson 10: b runs the client again ignoring backpressure, and the server sees it; b again turns it off', async () => {
  const store = new UiStore({ frameMs: 0 });
  const controller = new LessonController(store, { watch: false });
  controllers.push(controller);
  const flow = lesson('10');
  const serverLines = () => store.state.serverLog.slice(0).map((line) => line.text);
  await controller.open(flow);
  await waitFor(() => store.state.client.state === 'exited' && store.state.client.run === 1, 'the first run');

  controller.handleKey('b', NO_KEY);
  assert.deepEqual([...store.state.switchesOn], ['b']);
  await waitFor(() => store.state.client.state === 'running' && store.state.client.run === 2, 'run 2');
  assert.ok(
    store.state.clientLog
      .slice(0)
      .some((line) => line.text === '── run 2 · --watch-seconds 30 --ignore-backpressure ──'),
  );
  // The server writes all it has at once: its live line holds far more than the 16 chunks it would.
  await waitFor(
    () => serverLines().some((line) => /^Download \d+ \(ignoring\): holds \d{3,}\/16/.test(line)),
    "the server's line for a download that ignores backpressure",
    20_000,
  );

  controller.handleKey('b', NO_KEY);
  assert.equal(store.state.switchesOn.size, 0);
  await waitFor(() => store.state.client.state === 'exited' && store.state.client.run === 3, 'run 3, as by default');
  assert.equal(store.state.client.state === 'exited' && store.state.client.code, 0);
  const run3 = store.state.clientLog.slice(0).map((line) => line.text);
  assert.ok(run3.includes('── run 3 ──'));
  assert.ok(run3.includes('Download, server respecting backpressure: 200 chunks read'));
});

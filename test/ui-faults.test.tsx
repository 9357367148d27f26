// The fault keys in the UI without processes: the footer and the help show
// them, the deadline prompt edits a number, the header says what is in force,
// and the timeline draws fault rows before the status they caused.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanup, render } from 'ink-testing-library';
import { App } from '../src/ui/App.js';
import { LessonController } from '../src/ui/controller.js';
import { UiStore } from '../src/ui/store.js';
import { hintsThatFit } from '../src/ui/Footer.js';
import { KEYMAP, bindingFor, footerKeyText, hintsFor } from '../src/ui/keymap.js';
import { timelineLine } from '../src/ui/timeline.js';
import { lineText } from '../src/ui/styled.js';
import { formatWireEvent } from '../src/runner/format.js';
import type { WireEvent } from '../src/instrument/events.js';
import type { Key } from 'ink';
import { lesson, waitFor } from './helpers.js';

const controllers: LessonController[] = [];
afterEach(async () => {
  cleanup();
  await Promise.all(controllers.splice(0).map((controller) => controller.shutdown()));
});

function setup(size = { columns: 100, rows: 40 }) {
  const store = new UiStore({ frameMs: 0 });
  store.state.size = size;
  const controller = new LessonController(store, { watch: false });
  controllers.push(controller);
  const app = render(<App store={store} controller={controller} trackTerminalSize={false} />);
  const frame = () => app.lastFrame() ?? '';
  const until = (check: string | RegExp | ((text: string) => boolean), what = String(check)) =>
    waitFor(() => {
      const text = frame();
      return (
        (typeof check === 'string' ? text.includes(check) : check instanceof RegExp ? check.test(text) : check(text)) &&
        text
      );
    }, `a frame with ${what}`);
  return { store, controller, app, frame, until };
}

const FAULT_KEYS = ['x cancel', 'd deadline', 'K kill', 'space pause'];
const hintText = (bindings: ReturnType<typeof hintsFor>) =>
  bindings.map((binding) => `${footerKeyText(binding)} ${binding.label}`).join('  ');

test('the lesson footer shows the fault keys at 80 columns and up; hints that do not fit are left out whole', () => {
  const lessonHints = hintsFor('lesson');
  for (const columns of [80, 100, 120, 200]) {
    const shown = hintText(hintsThatFit(lessonHints, columns));
    assert.ok(shown.length <= columns, `${columns} columns: ${shown}`);
    for (const hint of FAULT_KEYS) assert.ok(shown.includes(hint), `${columns} columns lack "${hint}": ${shown}`);
  }
  // At 120 columns, the width of the README's example, every key but focus and zoom.
  assert.equal(
    hintText(hintsThatFit(lessonHints, 120)),
    'q quit  ? help  r run  e names  x cancel  d deadline  K kill  space pause  w wire  c source  s restart  n next  p prev',
  );
  assert.equal(hintText(hintsThatFit(lessonHints, 200)), hintText(lessonHints));
  // Narrower than one hint: none, rather than half of one.
  assert.deepEqual(hintsThatFit(lessonHints, 5), []);
});

test('the footer drawn at 100 columns ends with a whole hint, after a notice too', async () => {
  const { store, until } = setup({ columns: 100, rows: 30 });
  store.openLesson(lesson('2'));
  const footer = (text: string) => text.split('\n').at(-1) ?? '';
  // Lesson 02 has exercises: its footer has E among its hints.
  const whole = hintText(hintsThatFit(hintsFor('lesson', lesson('2')), 100));
  await until(whole);
  assert.equal(footer(await until(whole)), whole);
  const notice = 'client failed: error: CANCELLED (status 1): cancelled from the lesson UI';
  store.update((state) => (state.notice = notice));
  const withNotice = footer(await until('client failed'));
  assert.equal(
    withNotice,
    `${notice}  ${hintText(hintsThatFit(hintsFor('lesson', lesson('2')), 100 - notice.length - 2))}`,
  );
  assert.match(withNotice, /lesson UI {2}q quit {2}\? help( {2}E exercise)?$/);
});

test('the help lists every fault key with what it does', async () => {
  const { app, until } = setup({ columns: 100, rows: 60 });
  app.stdin.write('?');
  const help = await until('Keys · ? or esc to close');
  for (const [keys, action] of [
    ['x', 'cancel the calls in flight'],
    ['d', 'set a deadline in ms'],
    ['K', 'kill the server (SIGKILL)'],
    ['space', "pause the client's reading"],
  ])
    assert.match(help, new RegExp(`│ ${keys} +${action.replace(/[()]/g, '\\$&')}`));
  await until('Deadline prompt (d)');
});

test('fault keys are their own rows in the lesson table; in the names prompt they are letters of a name', () => {
  const noKey = { ctrl: false, meta: false, shift: false } as Key;
  const actions = ['x', 'd', 'K', ' '].map((input) => bindingFor('lesson', input, noKey)?.action);
  assert.deepEqual(actions, ['cancel-calls', 'edit-deadline', 'kill-server', 'toggle-reading']);
  assert.equal(bindingFor('lesson', 'k', noKey)?.action, 'scroll-up', 'k still scrolls: only K kills');
  for (const input of ['x', 'd', 'K', ' ']) assert.equal(bindingFor('names', input, noKey), undefined);
  for (const digit of '0123456789') assert.equal(bindingFor('deadline', digit, noKey), undefined);
  assert.ok(KEYMAP.deadline.some((binding) => binding.action === 'quit'));
});

test('deadline prompt: digits only, backspace and Ctrl-U edit, Esc keeps the deadline, Enter sets it; the header shows it', async () => {
  const { app, store, until, frame } = setup({ columns: 120, rows: 30 });
  store.openLesson(lesson('1'));
  await until('Timeline');
  app.stdin.write('d');
  await until('deadline › ');
  const footer = (text: string) => text.split('\n').at(-1) ?? '';
  assert.match(footer(frame()), /^enter run {2}esc cancel {2}ctrl-u clear {2}ctrl-c quit/);
  app.stdin.write('2q5x0');
  await waitFor(() => store.state.deadlineDraft === '250', 'letters left out of the deadline');
  app.stdin.write('0\x7f');
  await waitFor(() => store.state.deadlineDraft === '250', 'a backspace');
  app.stdin.write('\x1b');
  await waitFor(() => store.state.deadlineDraft === undefined, 'esc to close the prompt');
  assert.equal(store.state.deadlineMs, undefined);
  app.stdin.write('d');
  await until('deadline › ');
  app.stdin.write('\x15');
  app.stdin.write('250');
  await waitFor(() => store.state.deadlineDraft === '250', 'the deadline typed');
  app.stdin.write('\r');
  await waitFor(() => store.state.deadlineDraft === undefined, 'enter to close the prompt');
  assert.equal(store.state.deadlineMs, 250);
  await until('· deadline 250 ms ·');
  // Opened again, the prompt starts from the deadline in force; an empty line clears it.
  app.stdin.write('d');
  await until('deadline › 250');
  app.stdin.write('\x15\r');
  await waitFor(() => store.state.deadlineDraft === undefined, 'the prompt closed');
  assert.equal(store.state.deadlineMs, undefined);
  await until((text: string) => !text.includes('· deadline'), 'no deadline in the header');
});

test('the header says when the running client does not read; a new run reads again', async () => {
  const { store, until } = setup({ columns: 160, rows: 30 });
  store.openLesson(lesson('2'));
  store.apply({ type: 'client-start', run: 1 });
  store.apply({
    type: 'wire',
    run: 1,
    events: [{ type: 'fault', call: 1, ms: 20, fault: 'pause', detail: 'client stopped reading replies' }],
  });
  await until('client run 1 not reading ·');
  store.apply({ type: 'client-start', run: 2 });
  await until('client run 2 running ·');
  assert.equal(store.state.readingPaused, false);
});

test('a fault row shows its time, the fault and what it did, before the status it caused', async () => {
  const method = '/rpc_package.HelloWorldService/LotsOfReplies';
  const events: WireEvent[] = [
    { type: 'call', call: 1, method, kind: 'server-streaming', at: 0 },
    { type: 'fault', call: 1, ms: 412.34, fault: 'cancel', detail: 'cancelled from the lesson UI' },
    { type: 'status', call: 1, ms: 413, code: 1, codeName: 'CANCELLED', details: 'cancelled from the lesson UI' },
    { type: 'fault', ms: 2_000, fault: 'kill-server', detail: 'server killed (SIGKILL): no client running' },
  ];
  const rows = events.map((event) => lineText(timelineLine({ run: 1, event, method })));
  assert.equal(rows[1], '  +412.3 ms  fault cancel  cancelled from the lesson UI');
  assert.equal(rows[3], ' +2000.0 ms  fault kill server  server killed (SIGKILL): no client running');
  // The transcript's form of the same rows.
  assert.equal(formatWireEvent(events[1]), '  +412.3 ms  fault cancel: cancelled from the lesson UI');

  const { store, until, frame } = setup({ columns: 100, rows: 30 });
  store.openLesson(lesson('2'));
  store.apply({ type: 'wire', run: 1, events });
  await until('status CANCELLED');
  const text = frame();
  assert.ok(text.indexOf('fault cancel') >= 0 && text.indexOf('fault cancel') < text.indexOf('status CANCELLED'));
});

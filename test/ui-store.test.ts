// The UI store, without a terminal: event folding, bounds, batching, scrolling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UiStore } from '../src/ui/store.js';
import { RingBuffer } from '../src/ui/ring.js';
import { LESSONS } from '../src/lessons.js';
import { waitFor } from './helpers.js';

test('a ring buffer keeps the newest items and counts them all', () => {
  const ring = new RingBuffer<number>(100);
  for (let index = 0; index < 1_000; index++) ring.push(index);
  assert.equal(ring.length, 100);
  assert.equal(ring.total, 1_000);
  assert.equal(ring.at(0), 900);
  assert.deepEqual(ring.slice(98), [998, 999]);
});

test('a burst of events is one notification, and the buffers stay bounded', async () => {
  const store = new UiStore({ frameMs: 33, timelineCapacity: 500, logCapacity: 50 });
  let notifications = 0;
  store.subscribe(() => (notifications += 1));
  store.openLesson(LESSONS[1]);
  for (let index = 0; index < 10_000; index++) {
    store.apply({
      type: 'wire',
      run: 1,
      events: [
        {
          type: 'message',
          call: 1,
          ms: index,
          direction: 'server->client',
          size: 10,
          wireSize: 15,
          compressed: false,
          preview: `#${index}`,
        },
      ],
    });
    store.apply({ type: 'output', side: 'client', stream: 'stdout', line: `line ${index}` });
  }
  await waitFor(() => notifications > 0, 'a notification');
  assert.equal(notifications, 1);
  assert.equal(store.state.timeline.length, 500);
  assert.equal(store.state.timeline.total, 10_000);
  assert.equal(store.state.clientLog.length, 50);
  assert.equal(store.state.clientLog.at(49)?.text, 'line 9999');
  store.dispose();
});

test('exits are recorded with their code, and a lesson whose client succeeded is marked as run', () => {
  const store = new UiStore({ frameMs: 0 });
  store.openLesson(LESSONS[0]);
  store.apply({ type: 'output', side: 'server', stream: 'stderr', line: 'SyntaxError: Unexpected token' });
  store.apply({ type: 'exit', side: 'server', code: 1, signal: null, expected: false });
  assert.deepEqual(store.state.server, { state: 'exited', code: 1, signal: null, expected: false });
  assert.deepEqual(
    store.state.serverLog.slice(0).map((line) => line.tone),
    ['error', 'error'],
  );
  assert.equal(store.state.completed.has('01-unary'), false);
  store.apply({ type: 'client-start', run: 1 });
  store.apply({ type: 'exit', side: 'client', run: 1, code: 0, signal: null, expected: false });
  assert.equal(store.state.completed.has('01-unary'), true);
  store.dispose();
});

test('scrolling up stops following; reaching the bottom follows again', () => {
  const store = new UiStore({ frameMs: 0 });
  store.state.size = { columns: 120, rows: 40 };
  const push = (count: number) => {
    for (let index = 0; index < count; index++)
      store.apply({ type: 'output', side: 'client', stream: 'stdout', line: `line ${index}` });
  };
  push(100);
  // The client pane's height comes from the layout for 120x40, not from a render.
  const height = store.paneRows('client');
  assert.equal(height, 6);
  assert.equal(store.visibleOffset('client', 100, height), 100 - height);
  store.scroll('client', -5);
  assert.deepEqual(store.state.scroll.client, { offset: 100 - height - 5, follow: false });
  // New lines arrive: the view stays where the reader left it.
  push(20);
  assert.equal(store.visibleOffset('client', 120, height), 100 - height - 5);
  store.scroll('client', 'page-down');
  assert.deepEqual(store.state.scroll.client, { offset: 100 - height - 5 + height - 1, follow: false });
  store.scroll('client', 'bottom');
  assert.deepEqual(store.state.scroll.client, { offset: 120 - height, follow: true });
  store.scroll('client', 'top');
  assert.deepEqual(store.state.scroll.client, { offset: 0, follow: false });
  store.scroll('client', 1_000);
  assert.equal(store.state.scroll.client.follow, true);
  // The lesson text never follows: it is read from the top. Its length is what its pane last rendered.
  store.reportLines('text', 50);
  store.scroll('text', 'bottom');
  assert.deepEqual(store.state.scroll.text, { offset: 50 - store.paneRows('text'), follow: false });
  store.dispose();
});

test('a deadline set in one lesson does not follow the learner to the next, as its switches do not', () => {
  const store = new UiStore({ frameMs: 0 });
  store.openLesson(LESSONS[0]);
  store.update((state) => {
    state.deadlineMs = 1;
    state.switchesOn = new Set(['W']);
  });
  store.openLesson(LESSONS[12]);
  assert.equal(store.state.deadlineMs, undefined);
  assert.equal(store.state.switchesOn.size, 0);
  store.dispose();
});

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
    store.apply({ type: 'wire', run: 1, events: [{ type: 'message', call: 1, ms: index, direction: 'server->client', size: 10, preview: `#${index}` }] });
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
  assert.deepEqual(store.state.serverLog.slice(0).map((line) => line.tone), ['error', 'error']);
  assert.equal(store.state.ran.has('01-unary'), false);
  store.apply({ type: 'client-start', run: 1 });
  store.apply({ type: 'exit', side: 'client', run: 1, code: 0, signal: null, expected: false });
  assert.equal(store.state.ran.has('01-unary'), true);
  store.dispose();
});

test('scrolling up stops following; reaching the bottom follows again', () => {
  const store = new UiStore({ frameMs: 0 });
  store.setMetrics('client', { lines: 100, height: 10 });
  assert.equal(store.visibleOffset('client', 100, 10), 90);
  store.scroll('client', -5);
  assert.deepEqual(store.state.scroll.client, { offset: 85, follow: false });
  // New lines arrive: the view stays where the reader left it.
  assert.equal(store.visibleOffset('client', 120, 10), 85);
  store.setMetrics('client', { lines: 120, height: 10 });
  store.scroll('client', 'page-down');
  assert.deepEqual(store.state.scroll.client, { offset: 94, follow: false });
  store.scroll('client', 'bottom');
  assert.deepEqual(store.state.scroll.client, { offset: 110, follow: true });
  store.scroll('client', 'top');
  assert.deepEqual(store.state.scroll.client, { offset: 0, follow: false });
  store.scroll('client', 1_000);
  assert.equal(store.state.scroll.client.follow, true);
  // The lesson text never follows: it is read from the top.
  store.setMetrics('text', { lines: 50, height: 10 });
  store.scroll('text', 'bottom');
  assert.deepEqual(store.state.scroll.text, { offset: 40, follow: false });
  store.dispose();
});

// Faults from the lesson UI on real lesson processes: each is applied from
// outside the lesson code (IPC to the client's preload, a signal to the
// server), shows as a timeline row, and causes the status it should; where it
// matters, the server's side is checked too.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createServer } from 'node:net';
import { readingControl } from '../src/instrument/wiretap.js';
import { LessonController } from '../src/ui/controller.js';
import { UiStore, type TimelineRow } from '../src/ui/store.js';
import { LessonSession, type SessionEvent } from '../src/runner/session.js';
import type { WireEvent } from '../src/instrument/events.js';
import { isAlive, lesson, startObservedLessonServer, waitFor, type ObservedServer } from './helpers.js';
import { CATALOGS } from '../src/i18n/catalog.js';

const controllers: LessonController[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(controllers.splice(0).map((controller) => controller.shutdown()));
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

function setup(names?: string[]) {
  const store = new UiStore({ frameMs: 0 });
  store.state.names = names;
  const controller = new LessonController(store, { watch: false });
  controllers.push(controller);
  return { store, controller };
}

const rowsOf = (store: UiStore, run: number): WireEvent[] =>
  store.state.timeline
    .slice(0)
    .filter((row: TimelineRow) => row.run === run)
    .map((row) => row.event);
const statusOf = (store: UiStore, run: number) =>
  rowsOf(store, run).find((event): event is Extract<WireEvent, { type: 'status' }> => event.type === 'status');
const repliesOf = (events: WireEvent[], call: number) =>
  events.filter((event) => event.type === 'message' && event.call === call && event.direction === 'server->client');
const logText = (store: UiStore, side: 'server' | 'client') =>
  (side === 'server' ? store.state.serverLog : store.state.clientLog)
    .slice(0)
    .map((line) => line.text)
    .join('\n');
const clientExited = (store: UiStore, run: number) =>
  store.state.client.state === 'exited' && store.state.client.run === run ? store.state.client : undefined;

test('x cancels the stream in flight: a fault row, then CANCELLED; the server logs the cancel with replies unsent', async () => {
  // Three names: three 1-second streams, one after the other, so the cancel surely lands on one.
  const { store, controller } = setup(['Ada', 'Grace', 'Linus']);
  void controller.open(lesson('2'));
  await waitFor(() => repliesOf(rowsOf(store, 1), 1).length >= 1, 'the first reply of run 1', 20_000);
  await controller.cancelCalls();

  const status = await waitFor(() => statusOf(store, 1), 'the status of the cancelled call');
  assert.equal(status.codeName, 'CANCELLED');
  assert.equal(status.details, 'cancelled from the lesson UI');
  const events = rowsOf(store, 1);
  const fault = events.find((event) => event.type === 'fault');
  assert.ok(fault && fault.type === 'fault', 'no fault row');
  assert.equal(fault.fault, 'cancel');
  assert.equal(fault.call, status.call);
  assert.ok(events.indexOf(fault) < events.indexOf(status), 'the fault row comes after the status it caused');
  assert.ok(fault.ms <= status.ms);

  // The server saw the cancel: its call log line says so, with fewer replies out than the five it meant to send.
  const logged = await waitFor(
    () => /LotsOfReplies from \S+: (CANCELLED[^(]*)\((\d+) in, (\d+) out/.exec(logText(store, 'server')),
    "the server's log line for the call",
  );
  assert.match(logged[1], /the client cancelled/);
  assert.ok(Number(logged[3]) < 5, `the server sent ${logged[3]} of 5 replies`);
  // The lesson's client reports the error and stops: exit 1, and no later call.
  const exit = await waitFor(() => clientExited(store, 1), 'the client to exit');
  assert.equal(exit.code, 1);
  assert.match(logText(store, 'client'), /error: CANCELLED \(status 1\): cancelled from the lesson UI/);
  assert.equal(rowsOf(store, 1).filter((event) => event.type === 'call').length, 1);
});

test('x and space with no run in flight say so, and change nothing', async () => {
  const { store, controller } = setup();
  await controller.open(lesson('1'));
  assert.equal(clientExited(store, 1)?.code, 0);
  const rows = store.state.timeline.total;
  await controller.cancelCalls();
  assert.match(store.state.notice, /no run in flight to cancel/);
  await controller.toggleReading();
  assert.match(store.state.notice, /no run in flight to pause/);
  assert.equal(store.state.readingPaused, false);
  assert.equal(store.state.timeline.total, rows);
});

/** A session whose client runs against a lesson server in this process, watched from inside its handlers. */
async function sessionAgainst(observed: ObservedServer, ref: string) {
  const session = new LessonSession(lesson(ref));
  session.port = observed.port;
  const events: SessionEvent[] = [];
  session.subscribe((event) => events.push(event));
  cleanups.push(async () => {
    await session.stop();
    await observed.stop();
  });
  const wire = () => events.flatMap((event) => (event.type === 'wire' ? event.events : []));
  return { session, wire };
}

test("space stops the client reading: the server's replies wait in its buffer until space again", async () => {
  const observed = await startObservedLessonServer('2');
  const { session, wire } = await sessionAgainst(observed, '2');
  // Replies as big as the name: 60 kB each, so one fills the HTTP/2 window (64 KiB) by itself.
  const run = session.runClient(['x'.repeat(60_000)]);
  await waitFor(() => repliesOf(wire(), 1).length >= 1, 'the first reply to reach the client', 20_000);
  assert.equal(await session.toggleReading(), true);

  // The handler goes on writing (every 200 ms), but its replies no longer leave: they pile up in the call.
  const call = observed.calls[0];
  await waitFor(
    () => call.writes === 5 && (call.call.writableLength ?? 0) >= 3,
    'all five replies written and three or more still waiting in the server',
  );
  const whilePaused = repliesOf(wire(), 1).length;
  assert.ok(whilePaused <= 2, `${whilePaused} replies reached a client that was not reading`);
  assert.equal(call.settledAt !== undefined && call.cancelledAt === undefined, true, 'the handler should be done');

  assert.equal(await session.toggleReading(), false);
  assert.equal(await run, 0);
  assert.equal(repliesOf(wire(), 1).length, 5);
  assert.equal(call.call.writableLength, 0);
  const faults = wire().filter((event) => event.type === 'fault');
  assert.deepEqual(
    faults.map((event) => event.type === 'fault' && [event.fault, event.call]),
    [
      ['pause', 1],
      ['resume', 1],
    ],
  );
  const status = wire().find((event) => event.type === 'status');
  assert.equal(status?.type === 'status' && status.codeName, 'OK');
});

test('a held stream stays paused when grpc-js resumes it; a release does what grpc-js asked last', () => {
  // grpc-js pauses its HTTP/2 stream after each message and resumes it when the application reads on.
  const stream = new PassThrough();
  const reading = readingControl(stream);
  stream.on('data', () => {});
  assert.equal(stream.isPaused(), false);
  reading.hold();
  stream.resume();
  assert.equal(stream.isPaused(), true, "grpc-js's resume() undid the hold");
  reading.release();
  assert.equal(stream.isPaused(), false);
  // Paused by grpc-js while held (a message not yet read): still paused after the release, until grpc-js resumes it.
  reading.hold();
  stream.pause();
  reading.release();
  assert.equal(stream.isPaused(), true);
  stream.resume();
  assert.equal(stream.isPaused(), false);
  // Held before grpc-js listens (a call started while paused): it flows once released.
  const fresh = new PassThrough();
  const freshReading = readingControl(fresh);
  freshReading.hold();
  fresh.on('data', () => {});
  assert.equal(fresh.isPaused(), true);
  freshReading.release();
  assert.equal(fresh.isPaused(), false);
});

test('space in the UI marks the run paused, and again resumed; the run then ends OK', async () => {
  const { store, controller } = setup(['Ada', 'Grace', 'Linus']);
  void controller.open(lesson('2'));
  await waitFor(() => repliesOf(rowsOf(store, 1), 1).length >= 1, 'the first reply of run 1', 20_000);
  await controller.toggleReading();
  await waitFor(() => store.state.readingPaused, 'the store to say reading is paused');
  const paused = rowsOf(store, 1).find((event) => event.type === 'fault');
  assert.equal(paused?.type === 'fault' && paused.fault, 'pause');
  const repliesAtPause = repliesOf(rowsOf(store, 1), 1).length;
  await controller.toggleReading();
  await waitFor(() => !store.state.readingPaused, 'the store to say reading resumed');
  const exit = await waitFor(() => clientExited(store, 1), 'run 1 to finish', 20_000);
  assert.equal(exit.code, 0);
  assert.ok(repliesAtPause < 5);
  assert.deepEqual(
    rowsOf(store, 1)
      .filter((event) => event.type === 'status')
      .map((event) => event.type === 'status' && event.codeName),
    ['OK', 'OK', 'OK'],
  );
});

test('K kills the server in the middle of a stream: a fault row, the status grpc-js gives, and a server again', async () => {
  const { store, controller } = setup(['Ada', 'Grace', 'Linus']);
  void controller.open(lesson('2'));
  await waitFor(() => repliesOf(rowsOf(store, 1), 1).length >= 1, 'the first reply of run 1', 20_000);
  const killedPid = controller.serverPid!;
  const killedPort = store.state.server.state === 'listening' ? store.state.server.port : -1;
  await controller.killServer();

  assert.ok(!isAlive(killedPid), 'the server is still running');
  const status = await waitFor(() => statusOf(store, 1), 'the status of the call in flight');
  // A connection that drops in the middle of a call: grpc-js says UNAVAILABLE.
  assert.equal(status.codeName, 'UNAVAILABLE');
  const events = rowsOf(store, 1);
  const fault = events.find((event) => event.type === 'fault');
  assert.ok(fault && fault.type === 'fault' && fault.fault === 'kill-server', 'no kill-server row');
  assert.equal(fault.call, status.call);
  assert.ok(events.indexOf(fault) < events.indexOf(status), 'the fault row comes after the status it caused');
  assert.ok(repliesOf(events, status.call).length < 5);
  assert.match(logText(store, 'server'), /server exited with signal SIGKILL/);
  // A kill asked for is no server failure; the client's failure is real, and its notice says so.
  assert.equal(store.failure('server'), undefined);
  assert.match(store.state.notice, /^client failed: error: UNAVAILABLE/);

  // The server is back, a new process on the same port, and the next run works.
  await waitFor(() => store.state.server.state === 'listening', 'the server to listen again', 20_000);
  assert.notEqual(controller.serverPid, killedPid);
  assert.ok(store.state.server.state === 'listening' && store.state.server.port === killedPort);
  await waitFor(() => clientExited(store, 1), 'run 1 to end');
  store.state.names = undefined;
  await controller.runClient();
  assert.equal(clientExited(store, 2)?.code, 0);
});

test('K with no run in flight kills and restarts the server, with a fault row of its own', async () => {
  const { store, controller } = setup();
  await controller.open(lesson('1'));
  const killedPid = controller.serverPid!;
  await controller.killServer();
  const fault = rowsOf(store, 1).find((event) => event.type === 'fault');
  assert.ok(fault && fault.type === 'fault' && fault.fault === 'kill-server' && fault.call === undefined);
  assert.match(fault.detail, /no client running/);
  assert.equal(CATALOGS['zh-CN'].faultDetail(fault.detail), '服务端已被杀掉（SIGKILL）：没有在运行的客户端');
  await waitFor(() => store.state.server.state === 'listening', 'the server to listen again', 20_000);
  assert.notEqual(controller.serverPid, killedPid);
});

test('d sets a deadline for each call of the next runs: 1 ms gives DEADLINE_EXCEEDED; 3000 ms shows in grpc-timeout; an empty line clears it', async () => {
  const { store, controller } = setup();
  await controller.open(lesson('1'));
  const type = (keys: string) => controller.handleKey(keys, { ctrl: false, meta: false } as never);
  const enter = () => controller.handleKey('', { return: true, ctrl: false, meta: false, shift: false } as never);
  const timeoutOf = (run: number) => {
    const request = rowsOf(store, run).find((event) => event.type === 'headers' && event.kind === 'request');
    const value = request?.type === 'headers' ? request.headers.find(([name]) => name === 'grpc-timeout')?.[1] : '';
    return Number(/^(\d+)m$/.exec(value ?? '')?.[1]);
  };
  const runWith = async (keys: string, run: number) => {
    type('d');
    assert.equal(store.mode(), 'deadline');
    controller.handle('prompt-clear');
    if (keys) type(keys);
    enter();
    return waitFor(() => clientExited(store, run), `run ${run} to end`, 20_000);
  };

  assert.ok(timeoutOf(1) > 4_000, "the lesson's own deadline is 5 s");
  assert.equal((await runWith('1', 2)).code, 1);
  assert.equal(store.state.deadlineMs, 1);
  assert.equal(statusOf(store, 2)?.codeName, 'DEADLINE_EXCEEDED');
  const fault = rowsOf(store, 2).find((event) => event.type === 'fault');
  assert.ok(fault && fault.type === 'fault' && fault.fault === 'deadline');
  assert.match(fault.detail, /deadline 1 ms from the lesson UI \(the lesson's own: \d+ ms\)/);
  assert.match(
    CATALOGS['zh-CN'].faultDetail(fault.detail),
    /^课程界面设置的截止时间 1 毫秒（这一课自带的：\d+ 毫秒）$/,
  );
  assert.match(logText(store, 'client'), /── run 2 · deadline 1 ms ──[\s\S]*error: DEADLINE_EXCEEDED/);

  assert.equal((await runWith('3000', 3)).code, 0);
  assert.ok(timeoutOf(3) > 2_000 && timeoutOf(3) <= 3_000, `grpc-timeout ${timeoutOf(3)}m`);
  assert.equal((await runWith('', 4)).code, 0);
  assert.equal(store.state.deadlineMs, undefined);
  assert.ok(timeoutOf(4) > 4_000, `grpc-timeout ${timeoutOf(4)}m after clearing the deadline`);
  assert.equal(
    rowsOf(store, 4).some((event) => event.type === 'fault'),
    false,
  );
});

test('K under lesson 11: the server comes back on its port, and the stream resumes after the last greeting it sent', async () => {
  const { store, controller } = setup();
  void controller.open(lesson('11'));
  // Wait for the greetings of run 1 to start, then kill the server under them.
  await waitFor(() => repliesOf(rowsOf(store, 1), 1).length >= 2, 'two greetings of run 1', 20_000);
  await controller.killServer();
  await waitFor(() => clientExited(store, 1), 'run 1 to end', 20_000);
  assert.equal(clientExited(store, 1)?.code, 0, logText(store, 'client'));

  // The new server was asked to go on after the last sequence the client saw, and did.
  const resumed = /Subscribe: world resumes after (\d+) of 8/.exec(logText(store, 'server'));
  assert.ok(resumed, logText(store, 'server'));
  const seen = Number(resumed[1]);
  assert.ok(seen >= 2 && seen < 8, `resumed after ${seen}`);
  // Every greeting exactly once, in order, across the two streams.
  const greetings = [...logText(store, 'client').matchAll(/^Hello, world! \((\d+) of 8\)$/gm)].map((match) =>
    Number(match[1]),
  );
  assert.deepEqual(greetings, [1, 2, 3, 4, 5, 6, 7, 8]);
});

test('a restart takes any free port when the old one has been taken meanwhile', async () => {
  const session = new LessonSession(lesson('1'));
  cleanups.push(() => session.stop());
  const first = await session.startServer();
  await session.stopServer();
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(first, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => squatter.close(() => resolve())));
  const second = await session.startServer();
  assert.notEqual(second, first);
  await session.stopServer();
  await new Promise<void>((resolve) => squatter.close(() => resolve()));
  assert.equal(await session.startServer(), second, 'and keeps the new one from then on');
});

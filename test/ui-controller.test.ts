// The controller with real lesson processes: watch mode, re-runs, restarts,
// and that closing leaves nothing running.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { utimesSync } from 'node:fs';
import { LessonController } from '../src/ui/controller.js';
import { UiStore } from '../src/ui/store.js';
import { isAlive, lesson, portIsFree, waitFor } from './helpers.js';

const controllers: LessonController[] = [];
afterEach(() => Promise.all(controllers.splice(0).map((controller) => controller.shutdown())));

function setup(watch: boolean) {
  const store = new UiStore({ frameMs: 0 });
  const controller = new LessonController(store, { watch });
  controllers.push(controller);
  return { store, controller };
}

const clientRuns = (store: UiStore) => (store.state.client.state === 'exited' ? store.state.client.run : 0);

test('saving client.ts runs the client again; saving server.ts restarts the server and runs the client', async () => {
  const { store, controller } = setup(true);
  const unary = lesson('1');
  await controller.open(unary);
  await waitFor(() => clientRuns(store) === 1, 'the first run');
  const firstPort = store.state.server.state === 'listening' ? store.state.server.port : -1;
  const firstPid = controller.serverPid!;

  const now = new Date();
  utimesSync(unary.clientPath, now, now);
  await waitFor(() => clientRuns(store) === 2, 'a run after client.ts was saved');
  assert.equal(store.state.client.state === 'exited' && store.state.client.code, 0);

  utimesSync(unary.serverPath, now, now);
  await waitFor(() => clientRuns(store) === 3, 'a run after server.ts was saved', 20_000);
  assert.equal(store.state.server.state, 'listening');
  assert.match(
    store.state.serverLog
      .slice(0)
      .map((line) => line.text)
      .join('\n'),
    /SIGTERM: shutting down[\s\S]*listening on/,
  );
  // A new server process, back on the port the first one freed.
  assert.ok(!isAlive(firstPid), 'the first server is still running');
  assert.notEqual(controller.serverPid, firstPid);
  assert.ok(store.state.server.state === 'listening' && store.state.server.port === firstPort);
});

test('r runs again with the names set; s restarts; shutdown frees the port and ends every process', async () => {
  const { store, controller } = setup(false);
  await controller.open(lesson('3'));
  await waitFor(() => clientRuns(store) === 1, 'the first run');
  store.state.names = ['Bob', 'Eve'];
  controller.handle('run-client');
  await waitFor(() => clientRuns(store) === 2, 'the second run');
  assert.ok(store.state.clientLog.slice(0).some((line) => line.text === 'Hello, Bob and Eve!'));

  controller.handle('restart-server');
  await waitFor(
    () =>
      store.state.server.state === 'listening' &&
      store.state.serverLog.slice(0).some((line) => /SIGTERM/.test(line.text)),
    'a restarted server',
  );
  const port = store.state.server.state === 'listening' ? store.state.server.port : -1;
  await controller.shutdown();
  assert.equal(store.state.server.state, 'exited');
  assert.ok(await portIsFree(port), 'the server still holds its port after shutdown');
});

test('a server that dies shows how it ended; r says so, and s brings it back', async () => {
  const { store, controller } = setup(false);
  await controller.open(lesson('2'));
  await waitFor(() => clientRuns(store) === 1, 'the first run');
  process.kill(controller.serverPid!, 'SIGKILL');
  await waitFor(() => store.state.server.state === 'exited', 'the server exit');
  assert.deepEqual(store.state.server, { state: 'exited', code: null, signal: 'SIGKILL', expected: false });
  assert.equal(store.state.serverLog.at(store.state.serverLog.length - 1)?.tone, 'error');
  await controller.runClient();
  assert.match(store.state.notice, /server is not running/);
  await controller.restartServer(true);
  await waitFor(() => clientRuns(store) === 2, 'a run against the restarted server');
  assert.equal(store.state.client.state === 'exited' && store.state.client.code, 0);
});

test('r during a run replaces it: the old run stops at once and its exit is not shown as a failure', async () => {
  const { store, controller } = setup(false);
  await controller.open(lesson('2'));
  await waitFor(() => clientRuns(store) === 1, 'the first run');
  // Lesson 02's client streams for about a second: start a run, then replace it straight away.
  controller.handle('run-client');
  await waitFor(() => store.state.client.state === 'running' && store.state.client.run === 2, 'run 2 started');
  controller.handle('run-client');
  await waitFor(() => clientRuns(store) === 3, 'run 3 finished', 20_000);
  assert.equal(store.state.client.state === 'exited' && store.state.client.code, 0);
  const run2Exit = store.state.clientLog.slice(0).find((line) => line.text === 'client exited with signal SIGTERM');
  assert.ok(run2Exit, 'run 2 was not stopped');
  assert.equal(run2Exit.tone, 'info');
});

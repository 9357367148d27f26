// Lesson 20's bars, over its three backends behind nginx: every call's
// connection ends at nginx, so the address a call went to names no backend.
// The bars and the timeline go by the backend's own word instead, the
// x-backend response header; checked in the store, then with real processes
// against what each backend logged of the calls it served.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { LessonController } from '../src/ui/controller.js';
import { UiStore, type TimelineRow } from '../src/ui/store.js';
import { timelineLine, withBackend } from '../src/ui/timeline.js';
import { lineText } from '../src/ui/styled.js';
import { BACKEND_HEADER } from '../src/runner/format.js';
import { runTranscript } from '../src/runner/transcript.js';
import type { WireEvent } from '../src/instrument/events.js';
import { nginxMissing } from '../lessons/20-proxy-in-front/nginx.js';
import { lesson, skipWhenMissing, waitFor } from './helpers.js';

const LABELS = ['a', 'b', 'c'];
const METHOD = '/rpc_package.HelloWorldService/SayHello';
const NGINX = '127.0.0.1:6000';
const controllers: LessonController[] = [];
afterEach(() => Promise.all(controllers.splice(0).map((controller) => controller.shutdown())));

/** A call to `peer`, answered with `named` in x-backend (or no such header), ending with `code`. */
function call(id: number, peer: string, named: string | undefined, code = 0): WireEvent[] {
  const response: WireEvent = {
    type: 'headers',
    call: id,
    ms: 2,
    direction: 'server->client',
    kind: code === 0 ? 'response' : 'trailers-only',
    headers: [
      [':status', '200'],
      ['server', 'nginx/1.22.1'],
      ...(named === undefined ? [] : [[BACKEND_HEADER, named] as [string, string]]),
      ...(code === 0 ? [] : [['grpc-status', String(code)] as [string, string]]),
    ],
  };
  return [
    { type: 'call', call: id, method: METHOD, kind: 'unary', at: 0 },
    { type: 'headers', call: id, ms: 1, direction: 'client->server', kind: 'request', headers: [], peer },
    response,
    { type: 'status', call: id, ms: 3, code, codeName: code ? 'INVALID_ARGUMENT' : 'OK', details: '' },
  ];
}

test('through a proxy, a call counts for the backend its response headers name, and its row says both: "b via" the proxy', () => {
  const store = new UiStore({ frameMs: 0 });
  try {
    store.openLesson(lesson('20'));
    for (const [index, label] of LABELS.entries())
      store.apply({ type: 'server-listening', port: 5001 + index, server: label });
    store.apply({ type: 'client-start', run: 1 });
    store.apply({
      type: 'wire',
      run: 1,
      events: [
        ...call(1, NGINX, 'a'),
        ...call(2, NGINX, 'b'),
        ...call(3, NGINX, 'b'),
        ...call(4, NGINX, 'c'),
        // Refused: no header, and no call served.
        ...call(5, NGINX, undefined, 3),
        // A name that is none of the lesson's servers counts for none.
        ...call(6, NGINX, 'd'),
        // Straight to a's port: the address says a, whatever a header says.
        ...call(7, '127.0.0.1:5001', 'c'),
      ],
    });
    assert.deepEqual(
      [...store.state.served],
      [
        ['a', 2],
        ['b', 2],
        ['c', 1],
      ],
    );
    const calls = (store.state.timeline.slice(0) as TimelineRow[]).filter((row) => row.event.type === 'call');
    assert.deepEqual(
      calls.map((row) => store.backendOf(row)),
      [
        'a via 127.0.0.1:6000',
        'b via 127.0.0.1:6000',
        'b via 127.0.0.1:6000',
        'c via 127.0.0.1:6000',
        NGINX,
        NGINX,
        'a',
      ],
    );
    assert.equal(
      lineText(withBackend(calls[1], timelineLine(calls[1]), store.backendOf(calls[1]))),
      'run 1 · call 2 SayHello → b via 127.0.0.1:6000 unary',
    );
    // The next run counts afresh.
    store.apply({ type: 'client-start', run: 2 });
    assert.deepEqual([...store.state.served.values()], [0, 0, 0]);
  } finally {
    store.dispose();
  }
});

test(
  'with real processes and nginx: after a run the bars are not zero, add up to the calls that ended OK, and each is what that backend logged',
  { timeout: 120_000, skip: skipWhenMissing(nginxMissing()) },
  async () => {
    const store = new UiStore({ frameMs: 0 });
    store.state.size = { columns: 120, rows: 40 };
    const controller = new LessonController(store, { watch: false });
    controllers.push(controller);
    await controller.open(lesson('20'));
    await waitFor(() => store.state.client.state === 'exited', 'the first run', 90_000);
    assert.deepEqual(store.state.client, { state: 'exited', run: 1, code: 0, signal: null });

    const rows = store.state.timeline.slice(0) as TimelineRow[];
    const ok = rows.filter((row) => row.event.type === 'status' && row.event.code === 0).length;
    // 9 calls through L7, 9 and 3 x 3 through L4, then one through each to see what the backend saw.
    assert.equal(ok, 29);
    const served = () => LABELS.map((label) => store.state.served.get(label)!);
    assert.ok(
      served().every((count) => count > 0),
      `a bar at zero: ${served().join(', ')}`,
    );
    assert.equal(
      served().reduce((sum, count) => sum + count, 0),
      ok,
    );
    // Every call went to nginx: no call row names a backend by its address alone.
    const nginxPorts = new Set(
      rows.flatMap((row) => (row.event.type === 'call' ? [/ via (\S+)$/.exec(store.backendOf(row) ?? '')?.[1]] : [])),
    );
    assert.ok(!nginxPorts.has(undefined), 'a call row with no backend');
    assert.equal(nginxPorts.size, 2, `nginx's two ports (L7 and L4): ${[...nginxPorts].join(', ')}`);

    // Each backend logged every call it served (past 20 a second, as a count): the bars agree.
    const logged = (label: string) => {
      const lines = store
        .listedServer(label)
        .log.slice(0)
        .map((line) => line.text);
      const okLines = lines.filter((line) => /^SayHello from .*: OK /.test(line)).length;
      const skipped = lines
        .map((line) => /^… (\d+) more calls? not logged/.exec(line))
        .reduce((sum, match) => sum + (match ? Number(match[1]) : 0), 0);
      return okLines + skipped;
    };
    await waitFor(
      () => LABELS.every((label) => logged(label) === store.state.served.get(label)),
      `the bars ${JSON.stringify([...store.state.served])} to match the backends' logs ${LABELS.map(logged).join(', ')}`,
      5_000,
    );
  },
);

test(
  "the transcript's call rows name the backend through nginx too, as many for each as the lesson's client counted",
  { timeout: 120_000, skip: skipWhenMissing(nginxMissing()) },
  async () => {
    const lines: string[] = [];
    assert.equal(await runTranscript(lesson('20'), undefined, (line) => lines.push(line)), 0);
    // The first nine calls went through L7, on one channel.
    const l7 = lines
      .filter((line) => /^ {2}call [1-9]: /.test(line))
      .map((line) => / → (\w) via (127\.0\.0\.1:\d+)$/.exec(line));
    assert.equal(l7.length, 9, lines.join('\n'));
    assert.ok(
      l7.every((match) => match !== null && match[2] === l7[0]![2]),
      'every call row names a backend, and the one nginx port',
    );
    const counted = new Map<string, number>();
    for (const match of l7) counted.set(match![1], (counted.get(match![1]) ?? 0) + 1);
    const spread = [...counted]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([label, count]) => `${label} ${count}`)
      .join(', ');
    assert.ok(lines.includes(`client │ L7 (grpc_pass), 9 calls on one channel: ${spread}`), spread);
  },
);

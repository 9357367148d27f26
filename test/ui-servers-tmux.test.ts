// A lesson that runs several servers (lesson 18), in a real terminal at 80x24
// and 120x40: each server has its own pane under its label and port, a bar
// over each counts the calls it served, the footer shows K and S; K on a
// server's pane kills that server alone and it comes back on its port, S
// stops and starts it; q leaves nothing running.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { waitFor } from './helpers.js';
import {
  DONE,
  STATE_DIR,
  alive,
  descendants,
  hasTmux,
  killSessions,
  screenWith,
  startApp,
  type TmuxApp,
} from './tmux.js';

const LABELS = ['a', 'b', 'c'];

/** The process of the server with this label, if it runs. */
function serverProcess(app: TmuxApp, label: string): number | undefined {
  return descendants(app.panePid).find(
    (entry) => entry.args.includes('18-load-balancing/server.ts') && entry.args.includes(`--name ${label}`),
  )?.pid;
}

const lessonProcesses = (app: TmuxApp) =>
  descendants(app.panePid)
    .filter((entry) => /18-load-balancing\/(server|client)\.ts/.test(entry.args))
    .map((entry) => entry.pid);

describe('a lesson with several servers, in tmux', { skip: !hasTmux }, () => {
  after(() => {
    killSessions();
    rmSync(STATE_DIR, { recursive: true, force: true });
  });

  for (const [columns, rows] of [
    [80, 24],
    [120, 40],
  ] as const) {
    test(`${columns}x${rows}: three labelled panes under their bars; K kills the focused one, S stops and starts it`, async () => {
      const app = startApp('node --import tsx src/cli/lesson.ts 18', { columns, rows });
      /** The port in the title of a server's pane ("b · :43405"), or what it does instead. */
      const title = (screen: string, label: string) => new RegExp(`│ ${label} · (:\\d+|\\w+)`).exec(screen)?.[1];
      const bars = (screen: string) =>
        Object.fromEntries(
          [...screen.matchAll(/ (\w) [█░]+ (\d+) served/g)].map((match) => [match[1], Number(match[2])]),
        );
      // The first run over: every backend served some of its calls.
      let screen = await screenWith(
        app,
        (text) => LABELS.every((label) => bars(text)[label] > 0 && title(text, label)?.startsWith(':')),
        60_000,
      );
      for (const line of screen.split('\n')) assert.ok([...line].length <= columns, `wider than ${columns}: ${line}`);
      assert.match(screen, /K kill {2}S stop\/start/);
      const ports = Object.fromEntries(LABELS.map((label) => [label, title(screen, label)]));
      const pids = Object.fromEntries(LABELS.map((label) => [label, serverProcess(app, label)]));
      assert.ok(
        LABELS.every((label) => pids[label] !== undefined && alive(pids[label]!)),
        JSON.stringify(pids),
      );
      assert.equal(new Set(Object.values(ports)).size, 3, screen);
      const everything = lessonProcesses(app);

      // From the timeline, Tab goes to a, then b. K kills b; it comes back on its port.
      app.keys('Tab', 'Tab', 'K');
      await screenWith(app, (text) => {
        const pid = serverProcess(app, 'b');
        return pid !== undefined && pid !== pids.b && title(text, 'b') === ports.b;
      });
      assert.ok(!alive(pids.b!), "b's old process is gone");
      assert.deepEqual([serverProcess(app, 'a'), serverProcess(app, 'c')], [pids.a, pids.c], 'a and c untouched');

      // S stops b (its pane says so), S again starts it on its port.
      app.keys('S');
      await screenWith(app, (text) => title(text, 'b') === 'stopped' && serverProcess(app, 'b') === undefined);
      app.keys('S');
      await screenWith(app, (text) => title(text, 'b') === ports.b && serverProcess(app, 'b') !== undefined);
      const restarted = serverProcess(app, 'b')!;

      app.keys('q');
      await screenWith(app, `${DONE} 0`);
      await waitFor(
        () => [...everything, restarted].every((pid) => !alive(pid)),
        'every lesson process to end after q',
      );
    });
  }
});

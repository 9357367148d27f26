// A lesson that runs several clients, in a real terminal at 80x24 and 120x40:
// each client has its own pane under its label; a line typed for one client
// reaches the server and, fanned out by it, the other clients' panes; L makes
// the client leave (its process ends) and join again (a new one); q leaves
// nothing running. The lesson is the fixture in test/fixtures/lessons.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { LESSONS_ENV } from '../src/lessons.js';
import { waitFor } from './helpers.js';
import {
  DONE,
  STATE_DIR,
  alive,
  descendants,
  hasTmux,
  killSessions,
  paneLines,
  screenWith,
  startApp,
  type TmuxApp,
} from './tmux.js';
import { FIXTURE_LESSONS, LABELS } from './clients-fixture.js';

/** The process of the client with this label, if it runs. */
function clientProcess(app: TmuxApp, label: string): number | undefined {
  return descendants(app.panePid).find(
    (entry) => entry.args.includes('01-echo-lines/client.ts') && entry.args.includes(`--name ${label}`),
  )?.pid;
}

const lessonProcesses = (app: TmuxApp) =>
  descendants(app.panePid)
    .filter((entry) => /01-echo-lines\/(server|client)\.ts/.test(entry.args))
    .map((entry) => entry.pid);

describe('a lesson with several clients, in tmux', { skip: !hasTmux }, () => {
  after(() => {
    killSessions();
    rmSync(STATE_DIR, { recursive: true, force: true });
  });

  for (const [columns, rows] of [
    [80, 24],
    [120, 40],
  ] as const) {
    test(`${columns}x${rows}: three labelled panes; a line typed in one reaches the server and the others; L leaves and joins`, async () => {
      const app = startApp(`${LESSONS_ENV}=${FIXTURE_LESSONS} node --import tsx src/cli/lesson.ts 1`, {
        columns,
        rows,
      });
      const pane = (screen: string, title: string) => paneLines(screen, title) ?? [];
      // A client's pane is titled by its label, then what it does (cut short on a narrow pane).
      const client = (screen: string, label: string) => pane(screen, `${label} · `);
      const server = (screen: string) => pane(screen, 'Server output');
      let screen = await screenWith(
        app,
        (text) =>
          LABELS.every((label) => client(text, label).includes('── run 1 ──')) &&
          server(text).some((line) => /joined \(3 here\)/.test(line)),
        30_000,
      );
      // At 120 columns the title has room for what each client does.
      if (columns >= 120) for (const label of LABELS) assert.ok(pane(screen, `${label} · running`).length, screen);
      for (const line of screen.split('\n')) assert.ok([...line].length <= columns, `wider than ${columns}: ${line}`);
      const pids = LABELS.map((label) => clientProcess(app, label));
      assert.ok(
        pids.every((pid) => pid !== undefined && alive(pid)),
        `three clients: ${pids.join(', ')}`,
      );
      const everything = lessonProcesses(app);

      // From the timeline, Tab goes to the lesson text, the source, the server, then ada.
      app.keys('Tab', 'Tab', 'Tab', 'Tab', 'e');
      await screenWith(app, /^ada › /m);
      app.keys('hello from ada', 'Enter');
      screen = await screenWith(
        app,
        (text) =>
          server(text).includes('ada: hello from ada') &&
          ['grace', 'linus'].every((label) => client(text, label).includes('ada: hello from ada')),
      );
      assert.ok(client(screen, 'ada').includes('› hello from ada'), 'the line typed shows in its own pane');
      app.keys('Escape');
      await screenWith(app, /^01 Echo lines/m);

      // L: ada leaves; its process ends by itself once its stdin is closed.
      app.keys('L');
      screen = await screenWith(
        app,
        (text) => client(text, 'ada').includes('ada exited with code 0') && server(text).includes('ada left (2 here)'),
      );
      assert.ok(client(screen, 'grace').includes('ada left (2 here)'));
      if (columns >= 120) assert.ok(pane(screen, 'ada · exited 0').length, screen);
      await waitFor(() => !alive(pids[0]!), "ada's process to end");
      // L again: a new process joins.
      app.keys('L');
      await screenWith(
        app,
        (text) => client(text, 'ada').at(-1) === 'ada joined (3 here)' && server(text).includes('ada joined (3 here)'),
      );
      const rejoined = clientProcess(app, 'ada');
      assert.ok(rejoined !== undefined && rejoined !== pids[0] && alive(rejoined));

      app.keys('q');
      await screenWith(app, `${DONE} 0`);
      await waitFor(() => [...everything, rejoined].every((pid) => !alive(pid)), 'every lesson process to end after q');
    });
  }
});

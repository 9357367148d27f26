// The whole app in a real pseudo-terminal (tmux, 120x40, CI unset): open
// lessons, watch them run, quit in every way, and check that nothing the app
// started is left running and its ports are free again.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { portIsFree, waitFor } from './helpers.js';
import {
  DONE,
  STATE_DIR,
  alive,
  descendants,
  hasTmux,
  killSessions,
  screenWith,
  startApp,
  tmux,
  type TmuxApp,
} from './tmux.js';

if (!hasTmux) console.log('# SKIPPING terminal end-to-end tests: tmux is not installed (apt-get install tmux)');

function listeningPort(text: string): number {
  return Number(/listening on 127\.0\.0\.1:(\d+)/.exec(text)![1]);
}

/** The lesson processes (servers and clients) the app has started. */
function lessonProcesses(app: TmuxApp) {
  return descendants(app.panePid).filter((entry) =>
    /lessons\/[^ ]+\/(server|client)\.ts|src\/compare\/main\.ts/.test(entry.args),
  );
}

async function assertAllEnded(pids: number[], ports: number[]) {
  await waitFor(() => pids.every((pid) => !alive(pid)), `processes ${pids.join(', ')} to end`);
  for (const port of ports) assert.ok(await portIsFree(port), `port ${port} is still bound`);
}

describe('terminal UI end to end', { skip: !hasTmux }, () => {
  after(() => {
    killSessions();
    rmSync(STATE_DIR, { recursive: true, force: true });
  });

  test('open lesson 01 and lesson 04, see replies and the interleaved timeline, quit with q', async () => {
    const app = startApp('npm run lesson');
    await screenWith(app, /> +01 Hello, gRPC/);
    app.keys('Enter');
    let screen = await screenWith(app, 'Hello, world!');
    screen = await screenWith(app, /ms +status OK/);
    const ports = [listeningPort(screen)];
    const pids = lessonProcesses(app).map((entry) => entry.pid);
    assert.ok(pids.length >= 1, 'no lesson server process found');

    app.keys('n', 'n', 'n');
    screen = await screenWith(app, /04 Bidirectional streaming: a conversation · server listening/);
    screen = await screenWith(app, /Hello, Linus!/);
    screen = await screenWith(app, /ms +status OK/);
    ports.push(listeningPort(screen));
    pids.push(...lessonProcesses(app).map((entry) => entry.pid));
    const timeline = screen
      .split('\n')
      .map((line) => line.slice(60))
      .join('\n');
    const order = [
      ...timeline.slice(timeline.indexOf('BidiHello bidi-streaming')).matchAll(/(──▶ +\d+ B|◀── +\d+ B)/g),
    ].map((match) => (match[1].startsWith('◀──') ? 'reply' : 'request'));
    assert.deepEqual(order, ['request', 'reply', 'request', 'reply', 'request', 'reply'], timeline);

    app.keys('?');
    await screenWith(app, 'Keys · ? or esc to close');
    app.keys('q');
    screen = await screenWith(app, `${DONE} 0`);
    assert.doesNotMatch(screen, /Timeline/, 'the UI was left on the screen');
    assert.equal(tmux('display', '-p', '-t', app.name, '#{alternate_on} #{cursor_flag}').trim(), '0 1');
    await assertAllEnded(pids, ports);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`${signal} to the app ends it and everything it started`, async () => {
      const app = startApp('node --import tsx src/cli/lesson.ts 2');
      const screen = await screenWith(app, /run 1 exited 0/);
      const port = listeningPort(screen);
      const pids = lessonProcesses(app).map((entry) => entry.pid);
      const ui = descendants(app.panePid).find((entry) => entry.args.includes('src/cli/lesson.ts'))!;
      process.kill(ui.pid, signal);
      await screenWith(app, `${DONE} 0`);
      assert.equal(tmux('display', '-p', '-t', app.name, '#{alternate_on}').trim(), '0');
      await assertAllEnded([ui.pid, ...pids], [port]);
    });
  }

  test('Ctrl-C as a key quits too; a resized terminal is laid out again', async () => {
    const app = startApp('node --import tsx src/cli/lesson.ts 1');
    let screen = await screenWith(app, /run 1 exited 0/);
    const port = listeningPort(screen);
    const pids = lessonProcesses(app).map((entry) => entry.pid);
    tmux('resize-window', '-t', app.name, '-x', '60', '-y', '15');
    screen = await screenWith(app, /Lesson +Source +Server output +Client output +Timeline/);
    assert.ok(
      screen.split('\n').every((line) => line.length <= 60),
      'wider than the resized terminal',
    );
    tmux('resize-window', '-t', app.name, '-x', '120', '-y', '40');
    await screenWith(app, (text: string) => !/Lesson +Source +Server output/.test(text) && /Timeline/.test(text));
    app.keys('C-c');
    await screenWith(app, `${DONE} 0`);
    await assertAllEnded(pids, [port]);
  });

  test('fault keys: x cancels, space pauses and resumes, K kills the server mid-call, d sets a deadline; each shows its row and status', async () => {
    const app = startApp('node --import tsx src/cli/lesson.ts 2');
    let screen = await screenWith(app, /run 1 exited 0/);
    const ports = [listeningPort(screen)];
    const pids = new Set(lessonProcesses(app).map((entry) => entry.pid));
    const seen = () => lessonProcesses(app).forEach((entry) => pids.add(entry.pid));
    const footer = screen.split('\n').find((line) => line.startsWith('q quit'))!;
    assert.match(footer, /x cancel {2}d deadline {2}K kill {2}space pause/);
    // The timeline is the right-hand column.
    const timeline = (text: string) =>
      text
        .split('\n')
        .map((line) => line.slice(60))
        .join('\n');
    const timelineWith = (pattern: RegExp) =>
      waitFor(
        () => {
          const text = app.screen();
          return pattern.test(timeline(text)) && text;
        },
        `the timeline to show ${pattern}`,
        20_000,
      ).catch((error: Error) => {
        throw new Error(`${error.message}; the screen:\n${app.screen()}`);
      });
    const replyOfRun = (run: number) => new RegExp(`run ${run} · call 1 LotsOfReplies[\\s\\S]*◀── +\\d+ B`);

    // Three names: three streams of about a second each, time enough to press a key in the middle of one.
    app.keys('e', 'C-u', 'Ada, Grace, Linus', 'Enter');
    await timelineWith(replyOfRun(2));
    seen();
    app.keys('x');
    await timelineWith(/fault cancel +cancelled from the lesson UI\s[^\n]*\n[^\n]*status CANCELLED/);
    await screenWith(app, /client run 2 exited 1/);
    await screenWith(app, /LotsOfReplies from \S+: CANCELLED/);

    app.keys('r');
    await timelineWith(replyOfRun(3));
    seen();
    app.keys('Space');
    await timelineWith(/fault pause +client stopped reading/);
    await screenWith(app, /client run 3 not reading ·/);
    app.keys('Space');
    await timelineWith(/fault resume +client reads replies again/);
    await screenWith(app, /client run 3 exited 0/);

    app.keys('r');
    await timelineWith(replyOfRun(4));
    seen();
    app.keys('K');
    await timelineWith(/fault kill server +server killed \(SIGKILL\)[^\n]*\n[^\n]*status UNAVAILABLE/);
    await screenWith(app, /server exited with signal SIGKILL/);
    // A new server listens again, on the same port: its pane says so after the kill.
    screen = await screenWith(app, /server exited with signal SIGKILL[\s\S]*listening on 127\.0\.0\.1:\d+/);
    await screenWith(app, /· server listening on 127\.0\.0\.1:\d+/);
    assert.equal(listeningPort(await screenWith(app, /· server listening on/)), ports[0]);
    await screenWith(app, /client run 4 exited 1/);
    seen();

    app.keys('d');
    await screenWith(app, 'deadline › ');
    app.keys('1', 'Enter');
    await timelineWith(/run 5 · call 1 LotsOfReplies[\s\S]*fault deadline +deadline 1 ms from the/);
    await timelineWith(/status DEADLINE_EXCEEDED/);
    await screenWith(app, /── run 5 \(Ada, Grace, Linus\) · deadline 1 ms ──/);
    await screenWith(app, /client run 5 exited 1/);

    app.keys('q');
    await screenWith(app, `${DONE} 0`);
    await assertAllEnded([...pids], ports);
  });

  test('closing the terminal (SIGHUP) ends the app and everything it started', async () => {
    const app = startApp('node --import tsx src/cli/lesson.ts 3');
    const screen = await screenWith(app, /run 1 exited 0/);
    const port = listeningPort(screen);
    const everything = descendants(app.panePid).map((entry) => entry.pid);
    tmux('kill-session', '-t', app.name);
    await assertAllEnded(everything, [port]);
  });
});

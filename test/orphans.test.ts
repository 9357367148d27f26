// A lesson runner killed outright (SIGKILL: no handler of its own runs, nothing
// is cleaned up) must not leave lesson processes behind. Only the runner's pid
// is killed, never its process group: a signal to the group would reach the
// lesson processes directly and prove nothing. The server notices that its
// parent's IPC channel closed and shuts down; the client ends with its call.
// Clients that read lines from the UI see their stdin end, half-close and leave.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  ROOT,
  descendants,
  isAlive,
  portIsFree,
  skipWhenMissing,
  spawnCli,
  stopProcess,
  tmuxMissing,
  waitFor,
} from './helpers.js';
import { FIXTURE_ENV, LABELS } from './clients-fixture.js';

const BOUND = { timeout: 45_000 };
const LESSON_PROCESS = /lessons\/[^ ]+\/(server|client)\.ts/;

async function assertLeftNothing(pids: number[], port: number | number[]): Promise<void> {
  try {
    await waitFor(
      () => pids.every((pid) => !isAlive(pid)),
      `lesson processes ${pids.join(', ')} to exit on their own`,
      15_000,
    );
    for (const one of [port].flat()) assert.ok(await portIsFree(one), `port ${one} is still bound`);
  } finally {
    // A failed run must not leave its orphans to the next test.
    for (const pid of pids.filter(isAlive)) process.kill(pid, 'SIGKILL');
  }
}

describe('a lesson runner that is killed leaves nothing running', () => {
  test(
    'the transcript runner, SIGKILLed while a client streams: server and client exit on their own, the port is free',
    BOUND,
    async () => {
      const run = spawnCli('lesson', ['2'], { CI: 'true' });
      try {
        const port = Number(
          (
            await waitFor(
              () => /server │ listening on 127\.0\.0\.1:(\d+)/.exec(run.stdout()),
              'the server line',
              20_000,
            )
          )[1],
        );
        // The first of five replies, 200 ms apart: the client is mid-stream.
        await waitFor(() => run.stdout().includes('client │ Hello, world! (1 of 5)'), 'the first reply', 20_000);
        const lessonPids = descendants(run.child.pid!)
          .filter((entry) => LESSON_PROCESS.test(entry.args))
          .map((entry) => entry.pid);
        assert.equal(lessonPids.length, 2, 'expected a lesson server and a lesson client');
        process.kill(run.child.pid!, 'SIGKILL');
        await assertLeftNothing(lessonPids, port);
      } finally {
        await stopProcess(run);
      }
    },
  );

  const missing = tmuxMissing();
  if (missing) console.log(`# ${process.env.CI ? 'FAILING' : 'SKIPPING'} the terminal UI orphan test: ${missing}`);

  describe('the terminal UI (in tmux)', { skip: skipWhenMissing(missing) }, () => {
    const session = `grpc-orphans-${process.pid}`;
    after(() => void spawnSync('tmux', ['kill-session', '-t', session]));

    test(
      'SIGKILL to the UI while a client runs: server and client exit on their own, the port is free',
      BOUND,
      async () => {
        assert.equal(missing, undefined, missing);
        const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
        tmux(
          'new-session',
          '-d',
          '-s',
          session,
          '-x',
          '120',
          '-y',
          '40',
          '-c',
          ROOT,
          'env -u CI node --import tsx src/cli/lesson.ts 2; sleep 600',
        );
        const panePid = Number(tmux('display', '-p', '-t', session, '#{pane_pid}').trim());
        const screen = await waitFor(
          () => {
            const text = tmux('capture-pane', '-p', '-t', session);
            return /run 1 exited 0/.test(text) && text;
          },
          'the first run to finish',
          30_000,
        );
        const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(screen)![1]);
        const ui = descendants(panePid).find((entry) => entry.args.includes('src/cli/lesson.ts'));
        assert.ok(ui, 'the UI process');
        // A second run: kill the UI while its client is streaming.
        tmux('send-keys', '-t', session, 'r');
        const lessonPids = await waitFor(() => {
          const found = descendants(ui.pid).filter((entry) => LESSON_PROCESS.test(entry.args));
          return found.some((entry) => entry.args.includes('client.ts')) && found.map((entry) => entry.pid);
        }, 'the client of run 2');
        process.kill(ui.pid, 'SIGKILL');
        await assertLeftNothing(lessonPids, port);
      },
    );

    test(
      'SIGKILL to the UI while a lesson runs three servers: every server and the client exit on their own, the ports are free',
      BOUND,
      async () => {
        assert.equal(missing, undefined, missing);
        const name = `${session}-servers`;
        const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
        tmux(
          'new-session',
          '-d',
          '-s',
          name,
          '-x',
          '120',
          '-y',
          '40',
          '-c',
          ROOT,
          'env -u CI node --import tsx src/cli/lesson.ts 18; sleep 600',
        );
        try {
          const panePid = Number(tmux('display', '-p', '-t', name, '#{pane_pid}').trim());
          const ui = await waitFor(
            () => descendants(panePid).find((entry) => entry.args.includes('src/cli/lesson.ts')),
            'the UI process',
          );
          // Mid-run: three servers and the client running.
          const lessonPids = await waitFor(
            () => {
              const found = descendants(ui.pid).filter((entry) => LESSON_PROCESS.test(entry.args));
              return found.length === 4 && found.some((entry) => entry.args.includes('client.ts')) && found;
            },
            'three servers and the client',
            30_000,
          );
          const screen = await waitFor(() => {
            const text = tmux('capture-pane', '-p', '-t', name);
            return (text.match(/│ [abc] · :\d+/g) ?? []).length === 3 && text;
          }, 'the three ports');
          const ports = [...screen.matchAll(/│ [abc] · :(\d+)/g)].map((match) => Number(match[1]));
          process.kill(ui.pid, 'SIGKILL');
          await assertLeftNothing(
            lessonPids.map((entry) => entry.pid),
            ports,
          );
        } finally {
          spawnSync('tmux', ['kill-session', '-t', name]);
        }
      },
    );

    test(
      'SIGKILL to the UI while a lesson runs three clients: the server and every client exit on their own, the port is free',
      BOUND,
      async () => {
        assert.equal(missing, undefined, missing);
        const name = `${session}-clients`;
        const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
        const env = Object.entries(FIXTURE_ENV).map(([key, value]) => `${key}=${value}`);
        tmux(
          'new-session',
          '-d',
          '-s',
          name,
          '-x',
          '120',
          '-y',
          '40',
          '-c',
          ROOT,
          `env -u CI ${env.join(' ')} node --import tsx src/cli/lesson.ts 1; sleep 600`,
        );
        try {
          const panePid = Number(tmux('display', '-p', '-t', name, '#{pane_pid}').trim());
          const screen = await waitFor(
            () => {
              const text = tmux('capture-pane', '-p', '-t', name);
              return /joined \(3 here\)/.test(text) && text;
            },
            'three clients to join',
            30_000,
          );
          const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(screen)![1]);
          const ui = descendants(panePid).find((entry) => entry.args.includes('src/cli/lesson.ts'));
          assert.ok(ui, 'the UI process');
          const lessonPids = descendants(ui.pid)
            .filter((entry) => LESSON_PROCESS.test(entry.args))
            .map((entry) => entry.pid);
          assert.equal(lessonPids.length, 1 + LABELS.length, 'expected a lesson server and three clients');
          process.kill(ui.pid, 'SIGKILL');
          await assertLeftNothing(lessonPids, port);
        } finally {
          spawnSync('tmux', ['kill-session', '-t', name]);
        }
      },
    );
  });
});

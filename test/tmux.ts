// The lesson UI in a real pseudo-terminal: tmux sessions of a chosen size,
// their screens and keys, and the processes they started.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, descendants, isAlive as alive, waitForText, type TextPattern } from './helpers.js';

export { alive, descendants };

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/** Printed with the app's exit code once it ends, so a test can wait for it. */
export const DONE = '__APP_EXITED__';
/** The app remembers completed lessons: here, never in the real config directory. */
export const STATE_DIR = mkdtempSync(join(tmpdir(), 'grpc-tmux-state-'));

const sessions: string[] = [];

export function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

export interface TmuxApp {
  name: string;
  panePid: number;
  screen(): string;
  keys(...keys: string[]): void;
}

/** Runs `command` (CI unset, as in a learner's terminal) in a new tmux session of the given size. */
export function startApp(command: string, { columns = 120, rows = 40 } = {}): TmuxApp {
  const name = `grpc-tmux-${process.pid}-${sessions.length}`;
  sessions.push(name);
  const shell = `env -u CI GRPC_TUTORIAL_STATE_DIR=${STATE_DIR} ${command}; echo ${DONE} $?; sleep 600`;
  tmux('new-session', '-d', '-s', name, '-x', String(columns), '-y', String(rows), '-c', ROOT, shell);
  const panePid = Number(tmux('display', '-p', '-t', name, '#{pane_pid}').trim());
  return {
    name,
    panePid,
    screen: () => tmux('capture-pane', '-p', '-t', name),
    keys: (...keys) => void tmux('send-keys', '-t', name, ...keys),
  };
}

/** Ends every session this file started. */
export function killSessions(): void {
  for (const name of sessions) spawnSync('tmux', ['kill-session', '-t', name]);
}

export const screenWith = (app: TmuxApp, pattern: TextPattern, timeoutMs = 20_000) =>
  waitForText(() => app.screen(), pattern, `the screen to show ${pattern}`, timeoutMs);

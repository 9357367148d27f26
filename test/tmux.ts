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

/**
 * The content lines of the pane whose title row starts with `title`, read off
 * a screen capture (trimmed); undefined if no pane has that title.
 */
export function paneLines(screen: string, title: string): string[] | undefined {
  const rows = screen.split('\n');
  const top = rows.findIndex((row) => row.includes(`│ ${title}`));
  if (top < 0) return undefined;
  const left = rows[top].indexOf(`│ ${title}`);
  const right = rows[top].indexOf('│', left + 1);
  const lines: string[] = [];
  for (let row = top + 1; row < rows.length && rows[row][left] === '│'; row++)
    lines.push(rows[row].slice(left + 1, right).trim());
  return lines;
}

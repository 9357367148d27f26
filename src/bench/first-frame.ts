// Time from launch to the first frame on a real pseudo-terminal (util-linux
// `script` provides one): the lesson UI against a bare Ink "hello", both
// started the same way, interleaved so that machine noise hits both alike.
// The UI reads its progress from a folder of the bench's own: empty, as on a
// fresh clone, and then with every lesson completed (a ✓ on every row).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { median, ratio } from '../compare/stats.js';
import { LESSONS } from '../lessons.js';
import { ProgressFile } from '../ui/progress.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Milliseconds from spawning `command` in a pseudo-terminal until its output contains `marker`. */
function timeToText(command: string, marker: string, stateDir: string, timeoutMs = 30_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color', GRPC_TUTORIAL_STATE_DIR: stateDir };
    delete env.CI;
    // The pseudo-terminal starts at 0x0; give it the size of an ordinary window.
    const child = spawn('script', ['-qfec', `stty cols 120 rows 40; ${command}`, '/dev/null'], {
      cwd: ROOT,
      env,
      detached: true,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    let output = '';
    const stop = () => {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no "${marker}" from ${command} within ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (!output.includes(marker)) return;
      const ms = performance.now() - started;
      clearTimeout(timer);
      child.once('exit', () => resolve(ms));
      stop();
    });
    child.on('error', reject);
  });
}

export interface FirstFrameResult {
  rounds: number;
  bareInkMs: number;
  lessonUiMs: number;
  lessonUiViaNpmMs: number;
  /** The lesson UI with every lesson completed: a ✓ on every row of the picker. */
  lessonUiAllCompletedMs: number;
  ratio: number;
  ratioViaNpm: number;
  ratioAllCompleted: number;
}

export async function measureFirstFrame(rounds = 5, log = console.log): Promise<FirstFrameResult> {
  const fresh = mkdtempSync(join(tmpdir(), 'grpc-tutorial-bench-fresh-'));
  const finished = mkdtempSync(join(tmpdir(), 'grpc-tutorial-bench-finished-'));
  const progress = new ProgressFile(join(finished, 'progress.json'));
  for (const lesson of LESSONS) progress.markCompleted(lesson.slug);
  const bare: number[] = [];
  const app: number[] = [];
  const viaNpm: number[] = [];
  const allCompleted: number[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      bare.push(await timeToText('node --import tsx src/bench/hello-ink.tsx', 'hello', fresh));
      app.push(await timeToText('node --import tsx src/cli/lesson.ts', 'pick a lesson', fresh));
      viaNpm.push(await timeToText('npm run -s lesson', 'pick a lesson', fresh));
      allCompleted.push(await timeToText('node --import tsx src/cli/lesson.ts', 'pick a lesson', finished));
      log(
        `  round ${round}: bare Ink ${Math.round(bare.at(-1)!)} ms, lesson UI ${Math.round(app.at(-1)!)} ms, npm run lesson ${Math.round(viaNpm.at(-1)!)} ms, every lesson completed ${Math.round(allCompleted.at(-1)!)} ms`,
      );
    }
  } finally {
    rmSync(fresh, { recursive: true, force: true });
    rmSync(finished, { recursive: true, force: true });
  }
  return {
    rounds,
    bareInkMs: Math.round(median(bare)),
    lessonUiMs: Math.round(median(app)),
    lessonUiViaNpmMs: Math.round(median(viaNpm)),
    lessonUiAllCompletedMs: Math.round(median(allCompleted)),
    ratio: ratio(median(app), median(bare)),
    ratioViaNpm: ratio(median(viaNpm), median(bare)),
    ratioAllCompleted: ratio(median(allCompleted), median(bare)),
  };
}

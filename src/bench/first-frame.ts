// Time from launch to the first frame on a real pseudo-terminal (util-linux
// `script` provides one): the lesson UI against a bare Ink "hello", both
// started the same way, interleaved so that machine noise hits both alike.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { median, ratio } from '../compare/stats.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Milliseconds from spawning `command` in a pseudo-terminal until its output contains `marker`. */
function timeToText(command: string, marker: string, timeoutMs = 30_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color' };
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
  ratio: number;
  ratioViaNpm: number;
}

export async function measureFirstFrame(rounds = 5, log = console.log): Promise<FirstFrameResult> {
  const bare: number[] = [];
  const app: number[] = [];
  const viaNpm: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    bare.push(await timeToText('node --import tsx src/bench/hello-ink.tsx', 'hello'));
    app.push(await timeToText('node --import tsx src/cli/lesson.ts', 'pick a lesson'));
    viaNpm.push(await timeToText('npm run -s lesson', 'pick a lesson'));
    log(
      `  round ${round}: bare Ink ${Math.round(bare.at(-1)!)} ms, lesson UI ${Math.round(app.at(-1)!)} ms, npm run lesson ${Math.round(viaNpm.at(-1)!)} ms`,
    );
  }
  return {
    rounds,
    bareInkMs: Math.round(median(bare)),
    lessonUiMs: Math.round(median(app)),
    lessonUiViaNpmMs: Math.round(median(viaNpm)),
    ratio: ratio(median(app), median(bare)),
    ratioViaNpm: ratio(median(viaNpm), median(bare)),
  };
}

// Why a lesson process failed, in one line. A Node crash prints a stack and
// ends with its version ("Node.js v20.20.2"); the line worth showing is the
// error's message and where in the learner's code it happened.
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** esbuild (through tsx) on a syntax error: `/path/server.ts:3:9: ERROR: Expected "}" but found "2"`. */
const TRANSFORM_ERROR = /^(.+?):(\d+):(\d+): ERROR: (.+)$/;
/** A stack frame: `    at f (/path/file.ts:2:7)` or `    at /path/file.ts:2:7`. */
const FRAME = /^\s+at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/;
/** Node's source excerpt above a crash starts with `/path/file.ts:2`. */
const SOURCE_HEADER = /^(\/.+|file:\/\/.+):(\d+)$/;
const NOISE = [
  /^Node\.js v\d/,
  /^node:internal\//,
  /^\s*triggerUncaughtException\(/,
  /^\s*\^+\s*$/,
  /^\s+at /,
  /^\s*[{}[\]]\s*$/,
  /^\s+[\w$]+: /,
  /^\s*$/,
];

const isNoise = (line: string) => NOISE.some((pattern) => pattern.test(line));
/** Frames in Node itself or in a dependency say nothing about the learner's code. */
const isOwnCode = (file: string) =>
  !file.startsWith('node:') && !file.includes('/node_modules/') && !file.startsWith('data:');

function shortPath(file: string): string {
  const path = file.startsWith('file://') ? fileURLToPath(file) : file;
  return path.startsWith(ROOT) ? path.slice(ROOT.length) : path;
}

/** The line that says why a process failed, from what it printed on stderr; undefined if it printed nothing useful. */
export function usefulErrorLine(stderr: readonly string[]): string | undefined {
  for (const line of stderr) {
    const transform = TRANSFORM_ERROR.exec(line);
    if (transform) return `${shortPath(transform[1])}:${transform[2]}:${transform[3]}: ${transform[4]}`;
  }
  // The thrown error's message is the unindented line its stack follows; the last such is the crash.
  let message = -1;
  for (let index = stderr.length - 2; index >= 0 && message < 0; index--) {
    if (!/^\s/.test(stderr[index]) && !isNoise(stderr[index]) && /^\s+at /.test(stderr[index + 1])) message = index;
  }
  if (message >= 0) {
    for (const line of stderr.slice(message + 1)) {
      const frame = FRAME.exec(line);
      if (!frame) break;
      if (isOwnCode(frame[1])) return `${shortPath(frame[1])}:${frame[2]}:${frame[3]}: ${stderr[message]}`;
    }
    const header = stderr
      .slice(0, message)
      .reverse()
      .map((line) => SOURCE_HEADER.exec(line))
      .find(Boolean);
    return header && isOwnCode(header[1])
      ? `${shortPath(header[1])}:${header[2]}: ${stderr[message]}`
      : stderr[message];
  }
  // No stack: a program that reported its own error (`error: UNAVAILABLE ...`) and exited.
  return [...stderr]
    .reverse()
    .find((line) => !isNoise(line))
    ?.trim();
}

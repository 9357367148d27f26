// Runs a lesson file as the program of this process: the file sees the
// arguments it was given and runs its main(), exactly as under
// `npx tsx lessons/…/server.ts`, with the tutorial's instruments attached first.
import { pathToFileURL } from 'node:url';

/** Never returns control to the command: the lesson file owns the process from here. */
export async function runLessonFile(path: string, args: string[]): Promise<void> {
  process.argv = [process.argv[0], path, ...args];
  await import('../instrument/attach.js');
  await import(pathToFileURL(path).href);
}

// A time limit for every test, loaded with --import by `npm test`. Node 20's
// --test-timeout only bounds each file: its runner stops a file's process and
// reports the file, not the test that hung. This names the test, then ends the
// file's process, which the runner reports as failed.
import { afterEach, beforeEach } from 'node:test';

const PER_TEST_MS = Number(process.env.TEST_TIMEOUT_MS ?? 60_000);

// Only in a test file's own process: the runner that starts them sets NODE_TEST_CONTEXT.
if (process.env.NODE_TEST_CONTEXT) {
  const timers = new Map<unknown, NodeJS.Timeout>();
  beforeEach((t) => {
    const timer = setTimeout(() => {
      process.stderr.write(
        `test "${t.name}" did not finish within ${PER_TEST_MS / 1_000} s; stopping ${process.argv[1]}\n`,
      );
      process.exit(1);
    }, PER_TEST_MS);
    timer.unref();
    timers.set(t, timer);
  });
  afterEach((t) => {
    clearTimeout(timers.get(t));
    timers.delete(t);
  });
}

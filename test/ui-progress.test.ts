// The progress file: where it lives, what it holds, and that nothing wrong
// with it (missing, broken, unwritable) ever throws.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProgressFile, stateDir } from '../src/ui/progress.js';

const scratch = mkdtempSync(join(tmpdir(), 'grpc-tutorial-progress-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('the state directory: the override, else $XDG_CONFIG_HOME, else ~/.config', () => {
  assert.equal(stateDir({ GRPC_TUTORIAL_STATE_DIR: '/tmp/x', XDG_CONFIG_HOME: '/cfg' }), '/tmp/x');
  assert.equal(stateDir({ XDG_CONFIG_HOME: '/cfg' }), '/cfg/grpc-live-tutorial');
  assert.equal(stateDir({ XDG_CONFIG_HOME: 'relative/cfg' }), join(homedir(), '.config', 'grpc-live-tutorial'));
  assert.equal(stateDir({}), join(homedir(), '.config', 'grpc-live-tutorial'));
});

test('completed lessons are saved (creating the directory) and read back; two UIs at once keep both', () => {
  const path = join(scratch, 'new', 'dir', 'progress.json');
  const first = new ProgressFile(path);
  const second = new ProgressFile(path);
  assert.deepEqual(first.load(), new Set());
  assert.equal(first.markCompleted('01-unary'), undefined);
  assert.equal(second.markCompleted('03-client-streaming'), undefined);
  assert.deepEqual(new ProgressFile(path).load(), new Set(['01-unary', '03-client-streaming']));
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { completed: ['01-unary', '03-client-streaming'] });
});

test('a broken file reads as no progress, and a file that cannot be written says why instead of throwing', () => {
  for (const [index, content] of [
    '{not json',
    'null',
    '[]',
    '{"completed": "01-unary"}',
    '{"completed": [1, null, "02-server-streaming"]}',
  ].entries()) {
    const path = join(scratch, `broken-${index}.json`);
    writeFileSync(path, content);
    const expected = content.includes('"02-server-streaming"') ? new Set(['02-server-streaming']) : new Set();
    assert.deepEqual(new ProgressFile(path).load(), expected, content);
  }
  // A file where the directory should be: neither mkdir nor write can succeed, whoever runs the test.
  const blocker = join(scratch, 'blocker');
  writeFileSync(blocker, 'a file, not a directory');
  const unwritable = new ProgressFile(join(blocker, 'progress.json'));
  assert.deepEqual(unwritable.load(), new Set());
  assert.match(unwritable.markCompleted('01-unary') ?? '', /ENOTDIR|EEXIST/);
});

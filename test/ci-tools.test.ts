// The tools some tests need from the system. Where one is missing, those tests
// skip, visibly, with the reason; in CI (CI=true) that would let a green run
// hide untested code, so there the missing tool is a failure, here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCI, pythonGrpcMissing, tmuxMissing } from './helpers.js';

for (const [tool, missing, needs] of [
  ['Python grpcio and grpc_tools', pythonGrpcMissing(), 'the interop tests'],
  ['tmux', tmuxMissing(), 'the terminal end-to-end and orphan tests'],
] as const) {
  test(
    `${tool} is installed (${needs} need it)${isCI() ? ', as CI requires' : ''}`,
    { skip: !isCI() && missing ? `${missing}: ${needs} are skipped` : false },
    () => {
      assert.equal(missing, undefined, `${missing}: in CI ${needs} must run, not skip`);
    },
  );
}

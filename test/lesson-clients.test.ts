// A lesson may list several clients (`clients` in lessons.json) for the UI to
// run at once. The list is checked when it is read; a fixture list read through
// GRPC_TUTORIAL_LESSONS stands in for a real lesson that has them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkClients } from '../src/lessons.js';
import { spawnCli } from './helpers.js';
import { FIXTURE_ENV, LABELS, echoLinesLesson } from './clients-fixture.js';

test("a lesson's clients are read with their labels and args", () => {
  const lesson = echoLinesLesson();
  assert.deepEqual(
    lesson.clients,
    LABELS.map((label) => ({ label, args: ['--interactive', '--name', label] })),
  );
  assert.match(lesson.clientPath, /test\/fixtures\/lessons\/01-echo-lines\/client\.ts$/);
});

test('clients are checked: 2 to 4, short unique labels, args that are strings', () => {
  const client = (label: string, args: unknown = []) => ({ label, args });
  assert.equal(checkClients('13-chat', undefined), undefined);
  assert.deepEqual(checkClients('13-chat', [client('ada'), client('grace-2', ['--name', 'x'])]), [
    { label: 'ada', args: [] },
    { label: 'grace-2', args: ['--name', 'x'] },
  ]);
  const wrong: [unknown, RegExp][] = [
    [[client('ada')], /2 to 4 entries/],
    [['a', 'b', 'c', 'd', 'e'].map((label) => client(label)), /2 to 4 entries/],
    [{ ada: [] }, /2 to 4 entries/],
    [[client('ada'), client('ada')], /label "ada" is used twice/],
    [[client('ada'), client('a-much-longer-label')], /entry 2: label must be 1 to 10/],
    [[client('ada'), client('two words')], /entry 2: label must be/],
    [[client('ada'), client('')], /entry 2: label must be/],
    [[client('ada'), { args: [] }], /entry 2: label must be/],
    [[client('ada'), client('grace', ['--port', 1])], /entry 2 \("grace"\): args must be a list of strings/],
    [[client('ada'), client('grace', '--name grace')], /args must be a list of strings/],
  ];
  for (const [clients, problem] of wrong)
    assert.throws(() => checkClients('13-chat', clients), problem, JSON.stringify(clients));
  assert.throws(() => checkClients('13-chat', [client('ada')]), /^Error: lesson 13-chat: clients/);
});

test('GRPC_TUTORIAL_LESSONS replaces the lesson list; the transcript of a lesson with clients runs its one scripted client', async () => {
  const run = spawnCli('lesson', ['1'], { ...FIXTURE_ENV, CI: 'true' });
  const { code } = await run.exited;
  assert.equal(code, 0, run.stderr());
  const out = run.stdout();
  assert.match(out, /^lesson 01 {2}Echo lines: several clients, one room$/m);
  assert.match(out, /^client │ run 1$/m);
  assert.match(out, /^client │ demo: hello$/m);
  assert.match(out, /^client │ demo: bye$/m);
  // None of the listed clients ran.
  for (const label of LABELS) assert.doesNotMatch(out, new RegExp(`^${label}`, 'm'));
});

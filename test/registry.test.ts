// The lesson list, the files each lesson must have, and the generated types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LESSONS, LESSONS_DIR, findLesson } from '../src/lessons.js';
import { ROOT } from './helpers.js';

test('lessons are numbered 1..n in folder order, and every folder is listed', () => {
  assert.deepEqual(
    LESSONS.map((lesson) => lesson.number),
    LESSONS.map((_, index) => index + 1),
  );
  const folders = readdirSync(LESSONS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  assert.deepEqual(
    folders.sort(),
    LESSONS.map((lesson) => lesson.slug),
  );
});

test('every lesson has its text, server and client, and names what to try', () => {
  for (const lesson of LESSONS) {
    for (const path of [lesson.textPath, lesson.serverPath, lesson.clientPath])
      assert.ok(existsSync(path), `${path} is missing`);
    const text = readFileSync(lesson.textPath, 'utf8');
    assert.match(text, /^# /);
    assert.match(text, /## What to try/);
  }
});

test('a lesson is found by number, padded number, slug or slug without number', () => {
  for (const ref of ['1', '01', '01-unary', 'unary', ' UNARY ']) assert.equal(findLesson(ref)?.slug, '01-unary', ref);
  for (const ref of ['0', '99', 'streaming', '', '1x']) assert.equal(findLesson(ref), undefined, ref);
});

test('the generated types in src/generated match protos/ (run npm run gen after editing a .proto)', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'gen-'));
  try {
    const script = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.gen as string;
    const result = spawnSync(script.replace('--outDir=src/generated', `--outDir=${outDir}`), {
      cwd: ROOT,
      shell: true,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}` },
    });
    assert.equal(result.status, 0, result.stderr);
    const committed = join(ROOT, 'src/generated');
    const files = (dir: string) =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name).slice(dir.length));
    assert.deepEqual(files(outDir).sort(), files(committed).sort());
    for (const file of files(outDir))
      assert.equal(readFileSync(join(outDir, file), 'utf8'), readFileSync(join(committed, file), 'utf8'), file);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});

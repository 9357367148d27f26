// The fixture lesson that runs several clients at once (test/fixtures/lessons):
// for tests of the runner and the UI until a real lesson lists `clients`.
import { join } from 'node:path';
import { LESSONS_ENV, loadLessons, type Lesson } from '../src/lessons.js';
import { ROOT } from './helpers.js';

/** The fixture lesson list: one lesson, "01-echo-lines", whose three clients are ada, grace and linus. */
export const FIXTURE_LESSONS = join(ROOT, 'test/fixtures/lessons/lessons.json');

/** The environment that makes the CLI and the UI read the fixture list instead of lessons/lessons.json. */
export const FIXTURE_ENV = { [LESSONS_ENV]: FIXTURE_LESSONS };

export const LABELS = ['ada', 'grace', 'linus'];

export function echoLinesLesson(): Lesson {
  return loadLessons(FIXTURE_LESSONS)[0];
}

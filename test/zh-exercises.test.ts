// The exercises in Simplified Chinese: every exercise of every lesson has its
// title and hints in lessons.zh-CN.json, as many hints as the English, each
// with the same code spans (a learner copies them), and the readers give
// them in Chinese and the English as it is.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LESSONS } from '../src/lessons.js';
import { allExercises, exercisesOf } from '../src/exercises/exercises.js';
import { exerciseTexts } from '../src/i18n/lessons.js';
import { ROOT } from './helpers.js';

const CHINESE = /[\u4e00-\u9fff]/;

/** The backticked spans of a hint, in any order: Chinese word order differs. */
const spansOf = (hint: string) => [...hint.matchAll(/`([^`]+)`/g)].map((match) => match[1]).sort();

const words = JSON.parse(readFileSync(`${ROOT}lessons/lessons.zh-CN.json`, 'utf8')) as Record<
  string,
  { exercises?: Record<string, { title: string; hints: string[] }> }
>;

describe('every exercise has its title and hints in Chinese', () => {
  for (const lesson of LESSONS.filter((entry) => entry.exercises?.length)) {
    test(lesson.slug, () => {
      const chinese = words[lesson.slug].exercises ?? {};
      assert.deepEqual(
        Object.keys(chinese).sort(),
        exercisesOf(lesson)
          .map((exercise) => exercise.id)
          .sort(),
        'the same exercises, no others',
      );
      for (const exercise of exercisesOf(lesson)) {
        const { title, hints } = chinese[exercise.id];
        assert.match(title, CHINESE, `${exercise.key}: the title is in Chinese`);
        assert.equal(hints.length, exercise.hints.length, `${exercise.key}: as many hints as the English`);
        hints.forEach((hint, index) => {
          const where = `${exercise.key} hint ${index + 1}`;
          assert.notEqual(hint.trim(), '', `${where} is empty`);
          assert.match(hint, CHINESE, `${where} is in Chinese`);
          assert.deepEqual(spansOf(hint), spansOf(exercise.hints[index]), `${where}: the same code spans`);
        });
      }
    });
  }

  test('lessons without exercises have no exercise words', () => {
    for (const lesson of LESSONS.filter((entry) => !entry.exercises?.length))
      assert.equal(words[lesson.slug].exercises, undefined, lesson.slug);
  });
});

test('exerciseTexts: the Chinese title and hints in Chinese, the lesson list’s own in English', () => {
  for (const exercise of allExercises()) {
    const chinese = words[exercise.lesson.slug].exercises![exercise.id];
    assert.deepEqual(exerciseTexts(exercise, 'zh-CN'), chinese, exercise.key);
    assert.deepEqual(exerciseTexts(exercise, 'en'), { title: exercise.title, hints: exercise.hints }, exercise.key);
  }
});

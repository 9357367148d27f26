// Exercises: a lesson file with its essential part taken out, for the learner
// to write back, verified live against the reference side (our client drives
// the learner's server; the learner's client talks to our recording server).
//
// Where things live, for lesson 01's server exercise:
//   lessons/01-unary/exercise-server.ts  the starting file (checked in, never edited)
//   exercises/01-unary/server.ts         the learner's copy, made from it on first use
//   lessons/01-unary/server.ts           the reference solution (the entry may name another)
// The learner's copy sits as deep in the tree as the lesson's files, so the
// same relative imports (../../protos, ../../src/generated) work in both.
// exercises/ is the learner's own: git ignores it, so pulling never conflicts.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LESSONS, findLesson, lessonNumberText, type Lesson } from '../lessons.js';
import type { ExerciseEntry } from './entry.js';

export type { ExerciseEntry, ExerciseSide } from './entry.js';

export interface Exercise extends Required<ExerciseEntry> {
  lesson: Lesson;
  /** 1-based, within its lesson: what --exercise N names. */
  number: number;
  /** "01-unary/server": the key of its progress and of its checks. */
  key: string;
  startPath: string;
  workPath: string;
  solutionPath: string;
}

/** The learner's copies: exercises/ in the project, or $GRPC_TUTORIAL_EXERCISES_DIR (the tests' own). */
export const EXERCISES_DIR = process.env.GRPC_TUTORIAL_EXERCISES_DIR
  ? `${process.env.GRPC_TUTORIAL_EXERCISES_DIR.replace(/\/$/, '')}/`
  : fileURLToPath(new URL('../../exercises/', import.meta.url));

/** A lesson's exercises, in order. */
export function exercisesOf(lesson: Lesson): Exercise[] {
  return (lesson.exercises ?? []).map((entry, index) => ({
    ...entry,
    solution: entry.solution ?? `${entry.side}.ts`,
    lesson,
    number: index + 1,
    key: `${lesson.slug}/${entry.id}`,
    startPath: `${lesson.dir}exercise-${entry.id}.ts`,
    workPath: `${EXERCISES_DIR}${lesson.slug}/${entry.id}.ts`,
    solutionPath: `${lesson.dir}${entry.solution ?? `${entry.side}.ts`}`,
  }));
}

/** Every exercise of every lesson, in lesson order. */
export function allExercises(): Exercise[] {
  return LESSONS.flatMap(exercisesOf);
}

/** "01/2": how lists and messages name an exercise. */
export function exerciseLabel(exercise: Exercise): string {
  return `${lessonNumberText(exercise.lesson.number)}/${exercise.number}`;
}

/**
 * The exercise a command line names: a lesson (number or slug) and, if it
 * has more than one, which (number or id). Returns why not, as a sentence.
 */
export function findExercise(lessonRef: string, which?: string): Exercise | string {
  // The label the list prints, "01/2": the lesson, then the exercise's number.
  const label = /^([^/]+)\/(\d+)$/.exec(lessonRef);
  if (label && which === undefined) return findExercise(label[1], label[2]);
  const lesson = findLesson(lessonRef);
  if (!lesson) return `unknown lesson "${lessonRef}"`;
  const exercises = exercisesOf(lesson);
  if (exercises.length === 0) return `lesson ${lesson.slug} has no exercise yet`;
  if (which === undefined) {
    if (exercises.length === 1) return exercises[0];
    return `lesson ${lesson.slug} has ${exercises.length} exercises; choose one with --exercise: ${exercises
      .map((exercise) => `${exercise.number} (${exercise.id})`)
      .join(', ')}`;
  }
  const found = /^\d+$/.test(which)
    ? exercises.find((exercise) => exercise.number === Number(which))
    : exercises.find((exercise) => exercise.id === which);
  return (
    found ??
    `lesson ${lesson.slug} has no exercise "${which}"; choose one of: ${exercises
      .map((exercise) => `${exercise.number} (${exercise.id})`)
      .join(', ')}`
  );
}

/** Makes the learner's copy from the starting file if there is none yet; true if it made it. */
export function ensureWorkingCopy(exercise: Exercise): boolean {
  if (existsSync(exercise.workPath)) return false;
  resetWorkingCopy(exercise);
  return true;
}

/** Puts the starting file back in place of the learner's copy. */
export function resetWorkingCopy(exercise: Exercise): void {
  mkdirSync(dirname(exercise.workPath), { recursive: true });
  copyFileSync(exercise.startPath, exercise.workPath);
}

/** The check every server exercise starts with: nothing else can pass if this fails. */
export const STARTS_CHECK = 'starts and listens';

/**
 * The names of an exercise's checks, in the order they run, from the lesson
 * list (a test holds them equal to the code's), so that showing them loads no
 * check code.
 */
export function listedCheckNames(exercise: Exercise): string[] {
  return [...(exercise.side === 'server' ? [STARTS_CHECK] : []), ...exercise.checks];
}

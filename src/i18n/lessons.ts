// A lesson in the learner's language: its title, summary and text. English
// lives in lessons.json and README.md; Simplified Chinese beside them, in
// lessons.zh-CN.json and README.zh-CN.md (a test keeps the two in step).
import { readFileSync } from 'node:fs';
import { LESSONS_DIR, type Lesson } from '../lessons.js';
import type { Language } from './lang.js';

interface SwitchWords {
  label: string;
  help: string;
}

/** An exercise's words: its title and its hints, as many as the English, with the same code spans. */
export interface ExerciseTexts {
  title: string;
  hints: string[];
}

interface LessonWords {
  title: string;
  summary: string;
  /** A switch's words by its key (Lesson.switches). */
  switches?: Record<string, SwitchWords>;
  /** An exercise's words by its id (Lesson.exercises). */
  exercises?: Record<string, ExerciseTexts>;
}

let chinese: Record<string, LessonWords> | undefined;

export function chineseWords(slug: string): LessonWords | undefined {
  chinese ??= JSON.parse(readFileSync(`${LESSONS_DIR}lessons.zh-CN.json`, 'utf8')) as Record<string, LessonWords>;
  return chinese[slug];
}

export function lessonTitle(lesson: Lesson, language: Language): string {
  return (language === 'zh-CN' && chineseWords(lesson.slug)?.title) || lesson.title;
}

export function lessonSummary(lesson: Lesson, language: Language): string {
  return (language === 'zh-CN' && chineseWords(lesson.slug)?.summary) || lesson.summary;
}

/** The lesson text's path: README.zh-CN.md beside README.md for Chinese. */
export function lessonTextPath(lesson: Lesson, language: Language): string {
  return language === 'zh-CN' ? lesson.textPath.replace(/README\.md$/, 'README.zh-CN.md') : lesson.textPath;
}

/** A lesson switch's label and help (Lesson.switches), in the language. */
export function switchWords(lesson: Lesson, key: string, language: Language): SwitchWords {
  const entry = lesson.switches?.find((one) => one.key === key);
  const chinese = language === 'zh-CN' ? chineseWords(lesson.slug)?.switches?.[key] : undefined;
  return chinese ?? { label: entry?.label ?? key, help: entry?.help ?? '' };
}

/** An exercise's title and hints (lessons.json `exercises`) in the language; English where a translation is missing or short of a hint. */
export function exerciseTexts(
  exercise: { lesson: Lesson; id: string; title: string; hints: string[] },
  language: Language,
): ExerciseTexts {
  const chinese = language === 'zh-CN' ? chineseWords(exercise.lesson.slug)?.exercises?.[exercise.id] : undefined;
  return {
    title: chinese?.title || exercise.title,
    hints: chinese?.hints?.length === exercise.hints.length ? chinese.hints : exercise.hints,
  };
}

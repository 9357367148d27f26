// A lesson in the learner's language: its title, summary and text. English
// lives in lessons.json and README.md; Simplified Chinese beside them, in
// lessons.zh-CN.json and README.zh-CN.md (a test keeps the two in step).
import { readFileSync } from 'node:fs';
import { LESSONS_DIR, type Lesson } from '../lessons.js';
import type { Language } from './lang.js';

interface LessonWords {
  title: string;
  summary: string;
}

let chinese: Record<string, LessonWords> | undefined;

function chineseWords(slug: string): LessonWords | undefined {
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

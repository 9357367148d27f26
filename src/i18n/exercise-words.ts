// The live UI's words for the exercise view and its notices.
import type { Language } from './lang.js';

export interface ExerciseWords {}

const en: ExerciseWords = {};

const zhCN: ExerciseWords = {};

export const EXERCISE_WORDS: Readonly<Record<Language, ExerciseWords>> = { en, 'zh-CN': zhCN };

// The live UI's words for the keys: footer hints, the help screen, its notes.
import type { Language } from './lang.js';

export interface KeyWords {}

const en: KeyWords = {};

const zhCN: KeyWords = {};

export const KEY_WORDS: Readonly<Record<Language, KeyWords>> = { en, 'zh-CN': zhCN };

// The live UI's words for the wire view: a message byte by byte, a headers frame, a connection.
import type { Language } from './lang.js';

export interface WireWords {}

const en: WireWords = {};

const zhCN: WireWords = {};

export const WIRE_WORDS: Readonly<Record<Language, WireWords>> = { en, 'zh-CN': zhCN };

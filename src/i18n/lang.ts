// Which language the tutorial speaks: English, or Simplified Chinese.
// `--lang en|zh-CN` decides; without it, the locale does (LC_ALL, then
// LC_MESSAGES, then LANG, as gettext reads them): any zh locale is zh-CN.
export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

/** "zh-CN", "zh_CN", "zh-cn", "zh" → zh-CN; "en", "en_US" → en; anything else undefined. */
export function parseLanguage(text: string): Language | undefined {
  const wanted = text.trim().toLowerCase().replace('_', '-');
  if (wanted === 'zh' || wanted === 'zh-cn' || wanted === 'zh-hans') return 'zh-CN';
  if (wanted === 'en' || /^en-[a-z]+$/.test(wanted)) return 'en';
  return undefined;
}

/** The language of the locale: the first of LC_ALL, LC_MESSAGES, LANG that is set (and not C/POSIX). */
export function languageFromEnv(env: NodeJS.ProcessEnv = process.env): Language {
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG']) {
    const value = env[name];
    if (!value) continue;
    // zh_CN.UTF-8, zh_CN@something: the language and region are what count.
    return /^zh([_-]|$|\.)/i.test(value) ? 'zh-CN' : 'en';
  }
  return 'en';
}

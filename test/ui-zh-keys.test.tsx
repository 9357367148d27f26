// The keys in Simplified Chinese: every row of the key tables has its words in
// both languages, and the footer fits the terminal by columns (a CJK character
// is two).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KEYMAP, footerKeyText, hintsFor, shown, type Mode } from '../src/ui/keymap.js';
import { hintsThatFit } from '../src/ui/Footer.js';
import { columns } from '../src/ui/width.js';
import { KEY_WORDS } from '../src/i18n/key-words.js';
import type { Language } from '../src/i18n/lang.js';
import { LESSONS, type Lesson } from '../src/lessons.js';

const CJK = /[\u4e00-\u9fff]/;

const hintText = (hints: ReturnType<typeof hintsFor>) =>
  hints.map((binding) => `${footerKeyText(binding)} ${binding.label}`).join('  ');
const modeOf = (entry: Lesson): Mode => (entry.clients ? 'clients' : entry.servers ? 'servers' : 'lesson');

describe('the keys in Chinese', () => {
  test('every row of every key table has a Chinese label and help; t is named by the other language', () => {
    const rows = Object.values(KEYMAP).flat();
    for (const binding of rows) {
      const { label, help } = shown(binding, 'zh-CN');
      assert.match(help, CJK, `${binding.text}: help in Chinese`);
      if (binding.action === 'switch-language') continue;
      assert.match(label, CJK, `${binding.text}: label in Chinese`);
      // One to four Chinese characters: the footer drops what does not fit at 80 columns.
      assert.ok(columns(label) <= 8, `${binding.text}: "${label}" is too long for the footer`);
    }
    const language = rows.find((binding) => binding.action === 'switch-language')!;
    assert.deepEqual(
      [shown(language, 'en').label, shown(language, 'zh-CN').label],
      ['zh-CN', 'English'],
      'each language names the other',
    );
    assert.match(shown(language, 'zh-CN').help, /英文.*中文/);
    // No words without a row: each named set of words is some row's.
    const named = new Set(rows.map((binding) => binding.text));
    for (const language of ['en', 'zh-CN'] as const)
      assert.deepEqual(Object.keys(KEY_WORDS[language].bindings).sort(), [...named].sort(), language);
    // A lesson's switches too, from the Chinese lesson list.
    for (const entry of LESSONS.filter((candidate) => candidate.switches)) {
      for (const hint of hintsFor(modeOf(entry), entry, 'zh-CN').filter((row) => row.action === 'toggle-switch')) {
        assert.match(hint.label, CJK, `${entry.slug}: switch label`);
        assert.match(hint.help, /开启或关闭后/, `${entry.slug}: switch help`);
      }
    }
  });

  test('at 80 columns the Chinese footer keeps every hint the English one keeps, on every lesson', () => {
    for (const entry of LESSONS) {
      const mode = modeOf(entry);
      const kept = (language: Language) =>
        hintsThatFit(hintsFor(mode, entry, language), 80).map(
          (binding) => `${footerKeyText(binding)}:${binding.action}`,
        );
      const english = kept('en');
      const chinese = kept('zh-CN');
      const chineseText = hintText(hintsThatFit(hintsFor(mode, entry, 'zh-CN'), 80));
      assert.ok(columns(chineseText) <= 80, `${entry.slug}: ${chineseText}`);
      for (const hint of english) assert.ok(chinese.includes(hint), `${entry.slug}: the Chinese footer lacks ${hint}`);
    }
    assert.equal(
      hintText(hintsThatFit(hintsFor('lesson', undefined, 'zh-CN'), 80)),
      'q 退出  ? 帮助  r 运行  e 名字  x 取消  d 截止时间  K 杀掉  space 暂停  w 线路',
    );
  });
});

// The Simplified Chinese edition: every lesson text and the README have a
// zh-CN version with the same shape as the English one. Same headings at the
// same levels, the same code blocks byte for byte (programs print English),
// the same "What to try" items with the same commands and keys. Where the
// English quotes the UI's own words, the Chinese quotes what the Chinese UI
// says instead: a span as the Chinese catalog says it, a capture of the UI
// as the Chinese UI draws it.
import { describe, test } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { marked, type Token, type Tokens } from 'marked';
import { LESSONS } from '../src/lessons.js';
import { ROOT } from './helpers.js';
import { languageFromEnv, parseLanguage } from '../src/i18n/lang.js';
import { CATALOGS } from '../src/i18n/catalog.js';
import { transportText } from '../src/runner/format.js';
import { lessonSummary, lessonTextPath, lessonTitle } from '../src/i18n/lessons.js';
import { lessonNumberText } from '../src/lessons.js';

/** The two sections the lesson list checks, by their names in each language. */
const SECTION_NAMES: Record<string, string> = { 'What you will see': '你会看到什么', 'What to try': '动手试试' };

interface Shape {
  headings: number[];
  code: string[];
  /** The backticked spans of each "What to try" item (commands, keys, flags). */
  tryIt: string[][];
  /** Headings that must keep a fixed name: their text, in the language of the file. */
  fixed: string[];
}

function shapeOf(markdown: string, language: 'en' | 'zh-CN'): Shape {
  const tokens = marked.lexer(markdown);
  const headings: number[] = [];
  const code: string[] = [];
  const fixed: string[] = [];
  let tryIt: string[][] = [];
  let section = '';
  const names = Object.entries(SECTION_NAMES).map(([en, zh]) => (language === 'en' ? en : zh));
  const walk = (list: Token[]) => {
    for (const token of list) {
      if (token.type === 'heading') {
        const heading = token as Tokens.Heading;
        headings.push(heading.depth);
        section = heading.text;
        if (names.includes(heading.text)) fixed.push(heading.text);
      } else if (token.type === 'code') {
        code.push((token as Tokens.Code).text);
      } else if (token.type === 'list' && names.indexOf(section) === 1) {
        tryIt = (token as Tokens.List).items.map((item) =>
          [...item.raw.matchAll(/`([^`]+)`/g)].map((match) => match[1].replace(/\s+/g, ' ')),
        );
      }
      const nested = (token as { tokens?: Token[]; items?: Token[] }).items ?? [];
      if (token.type === 'list') for (const item of nested) walk((item as Tokens.ListItem).tokens);
    }
  };
  walk(tokens);
  return { headings, code, tryIt, fixed };
}

/** Stands for the n-th argument of a catalog function, so that its rendering can be read back as a pattern. */
const hole = (n: number) => `\u0001${n}\u0001`;
const HOLE = /\u0001(\d+)\u0001/g;
const hasHole = (text: string) => /\u0001\d+\u0001/.test(text);

/** What a rendering says first: the text before its first parenthesis or colon (not at its start), trimmed. */
function head(text: string): string {
  const cut = text.slice(1).search(/[(（:：]/);
  return (cut < 0 ? text : text.slice(0, cut + 1)).trim();
}

/** A rendering of one catalog word in both languages: the English as a pattern, its holes, and the Chinese to fill in. */
interface Saying {
  english: RegExp;
  holes: number[];
  chinese: (args: string[]) => string;
  /** The same English, to find inside a line: at `lastIndex`, holes as short as they can be. */
  inLine?: RegExp;
  /** Whether its own words are two or more ("server cert …, issuer …"), not one ("sent") or none. */
  phrase: boolean;
}

/**
 * Every word of the catalogs (CATALOGS: the transcript, the live UI, its keys,
 * wire view and exercise view) as English and Chinese renderings of the same
 * thing: strings as they are, functions called with a hole for each argument
 * (and with each argument left out, for the words that say less without it).
 * Each rendering is offered whole and by its head ("plaintext h2c" of
 * "plaintext h2c (no TLS): anyone on the path reads these bytes").
 */
function catalogSayings(): Saying[] {
  const sayings: Saying[] = [];
  const add = (english: string, chinese: (args: string[]) => string) => {
    for (const cut of [(text: string) => text.trim(), head]) {
      const text = cut(english);
      const own = text.replace(HOLE, ' ').trim();
      if (own === '') continue;
      const pattern = (hole: string) =>
        text
          .split(HOLE)
          .map((part, index) => (index % 2 === 1 ? hole : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
          .join('');
      sayings.push({
        english: new RegExp(`^${pattern('(.+)')}$`),
        holes: [...text.matchAll(HOLE)].map((hit) => Number(hit[1])),
        chinese: (args) => cut(chinese(args)),
        inLine: cut === head ? undefined : new RegExp(pattern('(.+?)'), 'y'),
        phrase: own.split(/\s+/).length >= 2,
      });
    }
  };
  const walk = (en: unknown, zh: unknown) => {
    if (typeof en === 'string' && typeof zh === 'string') add(en, () => zh);
    else if (typeof en === 'function' && typeof zh === 'function') {
      const arity = en.length;
      for (let mask = 0; mask < 1 << arity; mask++) {
        const args = (fill: string[]) =>
          Array.from({ length: arity }, (_, n) => (mask & (1 << n) ? undefined : (fill[n] ?? hole(n))));
        let english: unknown;
        try {
          english = (en as (...a: unknown[]) => unknown)(...args([]));
        } catch {
          continue; // A word that needs a list or a number where a hole stands: no span quotes it.
        }
        // A word that says "undefined" where an argument was left out needs that argument.
        if (typeof english === 'string' && !(mask && english.includes('undefined')))
          add(english, (fill) => String((zh as (...a: unknown[]) => unknown)(...args(fill))));
      }
    } else if (typeof en === 'object' && en !== null && typeof zh === 'object' && zh !== null)
      for (const key of Object.keys(en))
        walk((en as Record<string, unknown>)[key], (zh as Record<string, unknown>)[key]);
  };
  walk(CATALOGS.en, CATALOGS['zh-CN']);
  return sayings;
}

let sayings: Saying[] | undefined;

/** The Chinese of a saying whose English matched: its holes filled with what the English had there. */
function chineseOf(saying: Saying, match: RegExpExecArray): string | undefined {
  const fill: string[] = [];
  saying.holes.forEach((n, index) => (fill[n] = match[index + 1]));
  const chinese = saying.chinese(fill);
  return hasHole(chinese) ? undefined : chinese;
}

/** What the Chinese UI says where the English UI says `english`: one string for each catalog word that renders as it. */
function chineseUiWords(english: string): string[] {
  sayings ??= catalogSayings();
  const found = new Set<string>();
  for (const saying of sayings) {
    const match = saying.english.exec(english);
    const chinese = match && chineseOf(saying, match);
    if (chinese) found.add(chinese);
  }
  found.delete(english);
  return [...found];
}

/**
 * Whether a line of a code block says an English line of the UI with the UI's
 * words in Chinese: the same text, but where the English has a catalog word,
 * the Chinese has that word's Chinese with the same arguments, and runs of
 * spaces (a column's padding) of any length. At least one of the words
 * replaced is a phrase ("of HTTP/2", "server cert …, issuer …"), so that a
 * program's line with a word such as "sent" in it does not pass for the UI's.
 */
function saysInChinese(english: string, chinese: string): boolean {
  sayings ??= catalogSayings();
  const inLine = sayings.filter((saying) => saying.inLine);
  const seen = new Set<string>();
  const from = (i: number, j: number, phrase: boolean): boolean => {
    const key = `${i} ${j} ${phrase}`;
    if (seen.has(key)) return false;
    seen.add(key);
    if (i === english.length && j === chinese.length) return phrase;
    const spaces = /^ +/;
    const enSpaces = spaces.exec(english.slice(i))?.[0].length ?? 0;
    const zhSpaces = spaces.exec(chinese.slice(j))?.[0].length ?? 0;
    if (enSpaces > 0 && zhSpaces > 0) return from(i + enSpaces, j + zhSpaces, phrase);
    for (const saying of inLine) {
      saying.inLine!.lastIndex = i;
      const match = saying.inLine!.exec(english);
      const said = match && chineseOf(saying, match);
      if (said && chinese.startsWith(said, j) && from(i + match[0].length, j + said.length, phrase || saying.phrase))
        return true;
    }
    return i < english.length && english[i] === chinese[j] && from(i + 1, j + 1, phrase);
  };
  return from(0, 0, false);
}

/**
 * Whether a code block is a capture of the UI, and of which lesson: its first
 * line starts with a lesson's header as the live UI draws it ("04 Bidirectional
 * streaming: a conversation · ...") or with the heading the transcript prints
 * ("lesson 04  Bidirectional streaming: a conversation"), in the language given.
 */
function captureOf(block: string, language: 'en' | 'zh-CN'): string | undefined {
  const first = block.split('\n')[0];
  const words = CATALOGS[language];
  const lesson = LESSONS.find((one) => {
    const number = lessonNumberText(one.number);
    const title = lessonTitle(one, language);
    return first.startsWith(`${number} ${title} · `) || first === words.lessonHeading(number, title);
  });
  return lesson?.slug;
}

function assertSameShape(english: string, chinese: string): void {
  const en = shapeOf(english, 'en');
  const zh = shapeOf(chinese, 'zh-CN');
  assert.deepEqual(zh.headings, en.headings, 'heading levels, in order');
  assert.equal(zh.code.length, en.code.length, 'number of code blocks');
  zh.code.forEach((block, index) => {
    // A capture of the UI shows the Chinese UI, of the same lesson, as tall; anything else stays byte for byte.
    const capture = captureOf(en.code[index], 'en');
    if (capture !== undefined && block !== en.code[index]) {
      assert.equal(captureOf(block, 'zh-CN'), capture, `code block ${index + 1}: a capture of the Chinese UI`);
      assert.equal(block.split('\n').length, en.code[index].split('\n').length, `code block ${index + 1}: its rows`);
    } else if (block !== en.code[index]) {
      // A few lines the UI draws (a timeline row, the wire view's figures): the same lines with its words in Chinese.
      const lines = block.split('\n');
      const english = en.code[index].split('\n');
      const said =
        lines.length === english.length &&
        lines.every((line, at) => line === english[at] || saysInChinese(english[at], line));
      if (!said) assert.equal(block, en.code[index], `code block ${index + 1}`);
    }
  });
  assert.deepEqual(
    zh.fixed,
    en.fixed.map((name) => SECTION_NAMES[name]),
    'the fixed section names',
  );
  assert.equal(zh.tryIt.length, en.tryIt.length, 'number of "What to try" items');
  // Chinese word order differs: the same spans, in any order; a span of the
  // English UI's words may be what the Chinese UI says there.
  en.tryIt.forEach((spans, index) => {
    const left = [...zh.tryIt[index]];
    const take = (found: (span: string) => number) => (span: string) => {
      const at = found(span);
      if (at >= 0) left.splice(at, 1);
      return at < 0;
    };
    const unmatched = spans
      .filter(take((span) => left.indexOf(span)))
      .filter(take((span) => left.findIndex((chinese) => chineseUiWords(span).includes(chinese))));
    assert.deepEqual(
      { unmatched, left },
      { unmatched: [], left: [] },
      `the commands and keys of "What to try" item ${index + 1}`,
    );
  });
}

describe('every lesson has its Simplified Chinese text, shaped like the English', () => {
  for (const lesson of LESSONS) {
    test(lesson.slug, () => {
      const path = lesson.textPath.replace(/README\.md$/, 'README.zh-CN.md');
      assert.ok(existsSync(path), `${path} is missing`);
      const chinese = readFileSync(path, 'utf8');
      assert.match(chinese, /[\u4e00-\u9fff]/, 'it is written in Chinese');
      assertSameShape(readFileSync(lesson.textPath, 'utf8'), chinese);
    });
  }
});

test('README.zh-CN.md is the README in Chinese, linked from the top of README.md', () => {
  const english = readFileSync(`${ROOT}README.md`, 'utf8');
  const chinese = readFileSync(`${ROOT}README.zh-CN.md`, 'utf8');
  assert.match(english.split('\n').slice(0, 5).join('\n'), /\]\(README\.zh-CN\.md\)/);
  assertSameShape(english, chinese);
});

test('the shape check catches a Chinese text that drifted', () => {
  const english = '# A\n\n## What to try\n\n- Run `npm run lesson -- 1`.\n\n```text\nHello\n```\n';
  const good = '# 甲\n\n## 动手试试\n\n- 运行 `npm run lesson -- 1`。\n\n```text\nHello\n```\n';
  assertSameShape(english, good);
  for (const bad of [
    good.replace('## 动手试试', '### 动手试试'),
    good.replace('Hello', '你好'),
    good.replace('`npm run lesson -- 1`', '`npm run lesson -- 2`'),
    good.replace('## 动手试试', '## 试试看'),
  ])
    assert.throws(() => assertSameShape(english, bad));
});

test('a quote of the UI may be said as the Chinese UI says it, and only so', () => {
  const zh = CATALOGS['zh-CN'];
  const lesson04 = LESSONS[3];
  const title = lessonTitle(lesson04, 'zh-CN');
  const block = (...lines: string[]) => ['```text', ...lines, '```'].join('\n');
  const english = [
    '# A',
    '## What to try',
    '- Watch `half-close`, then `status DEADLINE_EXCEEDED`; press `w` on `run 1 · call 2`.',
    '- Find `(unknown field)` after `channel READY` and a yellow `plaintext h2c` row: `npm run lesson -- 4`.',
    block(`04 ${lesson04.title} · server listening on 127.0.0.1:40000 · client run 1 exited 0`, '│ Timeline │'),
    block(`lesson 04  ${lesson04.title}`, 'client │ run 1'),
    block('TLS 1.3  TLS_AES_256_GCM_SHA384  ALPN h2  server cert CN=localhost, issuer CN=lesson 15 CA'),
    block('  sent       197 B of HTTP/2      219 B on TCP  TLS added 22 B', '  received   216 B of HTTP/2'),
    block('Hello, Ada!', 'server held at most 16 chunks'),
  ].join('\n\n');
  const good = [
    '# 甲',
    '## 动手试试',
    `- 看 \`${zh.ui.halfClose}\`，然后是 \`${zh.ui.status('DEADLINE_EXCEEDED')}\`；在 \`${zh.ui.runCall(1, 2).trim()}\` 上按 \`w\`。`,
    `- 在 \`${zh.channel('READY')}\` 之后找 \`${zh.wire.unknownField}\`，还有黄色的 \`明文 h2c\` 一行：\`npm run lesson -- 4\`。`,
    block(`04 ${title} · 服务端 正在监听 127.0.0.1:40001 · 客户端 第 1 次运行已退出，退出码 0`, '│ 时间线 │'),
    block(`第 04 课  ${title}`, 'client │ 第 1 次运行'),
    block(`TLS 1.3  TLS_AES_256_GCM_SHA384  ALPN h2  ${zh.serverCert('CN=localhost', 'CN=lesson 15 CA')}`),
    block(
      `  ${zh.wire.sent}          ${zh.wire.ofHttp2('197 B')}      ${zh.wire.onTcp('219 B')}  ${zh.wire.tlsAdded('22 B')}`,
      `  ${zh.wire.received}          ${zh.wire.ofHttp2('216 B')}`,
    ),
    block('Hello, Ada!', 'server held at most 16 chunks'),
  ].join('\n\n');
  assertSameShape(english, good);
  // A word left without the argument it needs says "undefined": no JavaScript `undefined` is taken for it.
  assert.deepEqual(chineseUiWords('undefined'), []);
  const lesson03 = `03 ${lessonTitle(LESSONS[2], 'zh-CN')} · `;
  for (const bad of [
    // Not what the catalog says for that English.
    good.replace(`\`${zh.ui.halfClose}\``, '`半关`'),
    good.replace(`\`${zh.ui.halfClose}\``, `\`${zh.halfClosed}\``),
    good.replace(zh.ui.status('DEADLINE_EXCEEDED'), zh.ui.status('OK')),
    good.replace(zh.ui.runCall(1, 2).trim(), zh.ui.runCall(1, 3).trim()),
    good.replace('`明文 h2c`', '`明文`'),
    // A command changed, a span more.
    good.replace('`npm run lesson -- 4`', '`npm run lesson -- 5`'),
    good.replace('按 `w`', '按 `w` 或 `x`'),
    // A program's output changed, even where a word of it is one of the UI's.
    good.replace('Hello, Ada!', '你好，Ada！'),
    good.replace('server held', `${zh.ui.server} held`),
    // A line the UI draws, with other figures or names, or with only its one-word labels said in Chinese.
    good.replace('CN=lesson 15 CA', 'CN=lesson 14 CA'),
    good.replace('HTTP/2 216 B', 'HTTP/2 217 B'),
    good.replace(
      `  ${zh.wire.received}          ${zh.wire.ofHttp2('216 B')}`,
      `  ${zh.wire.received}   216 B of HTTP/2`,
    ),
    // A capture of another lesson, a capture a row short, a capture cut from a program's output.
    good.replace(`04 ${title} · `, lesson03),
    good.replace('\n│ 时间线 │', ''),
    good.replace(`第 04 课  ${title}`, `第 03 课  ${lessonTitle(LESSONS[2], 'zh-CN')}`),
    good.replace('Hello, Ada!', `04 ${title} · 服务端`),
  ]) {
    assert.notEqual(bad, good);
    assert.throws(() => assertSameShape(english, bad), assert.AssertionError, bad);
  }
});

test('every lesson has its title and summary in Chinese, and nothing else is listed', () => {
  const words = JSON.parse(readFileSync(`${ROOT}lessons/lessons.zh-CN.json`, 'utf8')) as Record<
    string,
    { title: string; summary: string }
  >;
  assert.deepEqual(
    Object.keys(words),
    LESSONS.map((lesson) => lesson.slug),
  );
  for (const lesson of LESSONS) {
    assert.match(lessonTitle(lesson, 'zh-CN'), /[\u4e00-\u9fff]/, lesson.slug);
    assert.match(lessonSummary(lesson, 'zh-CN'), /[\u4e00-\u9fff]/, lesson.slug);
    assert.equal(lessonTitle(lesson, 'en'), lesson.title);
    assert.ok(existsSync(lessonTextPath(lesson, 'zh-CN')));
  }
});

test('the language: --lang first, then LC_ALL, LC_MESSAGES, LANG; any zh locale is zh-CN', () => {
  assert.equal(parseLanguage('zh-CN'), 'zh-CN');
  assert.equal(parseLanguage('zh_cn'), 'zh-CN');
  assert.equal(parseLanguage('en'), 'en');
  assert.equal(parseLanguage('fr'), undefined);
  assert.equal(languageFromEnv({ LANG: 'zh_CN.UTF-8' }), 'zh-CN');
  assert.equal(languageFromEnv({ LC_ALL: 'en_US.UTF-8', LANG: 'zh_CN.UTF-8' }), 'en');
  assert.equal(languageFromEnv({ LC_ALL: '', LC_MESSAGES: 'zh_TW.UTF-8' }), 'zh-CN');
  assert.equal(languageFromEnv({}), 'en');
  assert.equal(languageFromEnv({ LANG: 'C.UTF-8' }), 'en');
});

test('the catalogs have the same words in both languages', () => {
  const keys = (value: object): string[] =>
    Object.entries(value).flatMap(([key, entry]) =>
      typeof entry === 'object' && entry !== null ? keys(entry).map((inner) => `${key}.${inner}`) : [key],
    );
  assert.deepEqual(keys(CATALOGS['zh-CN']).sort(), keys(CATALOGS.en).sort());
  const at = (catalog: object, key: string): unknown =>
    key.split('.').reduce<unknown>((entry, part) => (entry as Record<string, unknown>)[part], catalog);
  for (const key of keys(CATALOGS['zh-CN'])) {
    const chinese = at(CATALOGS['zh-CN'], key);
    const english = at(CATALOGS.en, key);
    assert.equal(typeof chinese, typeof english, key);
    if (typeof chinese === 'string') assert.notEqual(chinese, '', key);
    // The same words to fill in: a Chinese function takes what the English one takes.
    if (typeof chinese === 'function') assert.equal(chinese.length, (english as () => string).length, key);
  }
});

describe('npm run lesson in Chinese', () => {
  const lessonCli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/lesson.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, LC_ALL: '', LC_MESSAGES: '', LANG: '', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });

  test('--lang zh-CN: a Chinese transcript around the programs’ own English output', () => {
    const run = lessonCli(['1', '--lang', 'zh-CN']);
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.split('\n');
    assert.equal(lines[0], '第 01 课  你好，gRPC：一元调用');
    assert.match(run.stdout, /^client │ 第 1 次运行$/m);
    assert.match(run.stdout, /^client │ Hello, world!$/m);
    assert.match(run.stdout, /^client │ 已退出，退出码 0$/m);
    assert.match(run.stdout, /^timeline（消息大小包含 5 字节的 gRPC 前缀）$/m);
    assert.match(run.stdout, /^ {2}调用 1：\/rpc_package\.HelloWorldService\/SayHello（一元调用）$/m);
    assert.match(run.stdout, /ms {2}客户端半关闭（不再发送请求）$/m);
    assert.match(run.stdout, /ms {2}客户端 → 服务端 +\d+ B {2}\{"name":"world"\}$/m);
    assert.match(run.stdout, /ms {2}服务端 → 客户端 {2}trailers grpc-status: 0/m);
    assert.match(run.stdout, /ms {2}状态 OK$/m);
    assert.doesNotMatch(run.stdout, /half-closed|exited with|timeline \(/);
  });

  test('the locale decides without --lang; --lang wins over it; a bad --lang is one line and exit 2', () => {
    assert.match(lessonCli(['--list'], { LANG: 'zh_CN.UTF-8' }).stdout, /^01 {2}你好，gRPC：一元调用/);
    assert.match(lessonCli(['--list', '--lang', 'en'], { LANG: 'zh_CN.UTF-8' }).stdout, /^01 {2}Hello, gRPC/);
    assert.match(lessonCli(['--list']).stdout, /^01 {2}Hello, gRPC/);
    const bad = lessonCli(['1', '--lang', 'fr']);
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr, 'error: --lang must be en or zh-CN, got "fr"\n');
  });
});

test('the Chinese UI says the runner’s errors in Chinese; English shows them as the runner wrote them', () => {
  const zh = CATALOGS['zh-CN'].ui.runnerError;
  assert.equal(zh('server did not start listening within 10000 ms'), '服务端在 10000 毫秒内没有开始监听');
  assert.equal(zh('server b did not start listening within 500 ms'), '服务端 b 在 500 毫秒内没有开始监听');
  assert.equal(zh('server exited with code 1'), '服务端已退出，退出码 1');
  assert.equal(zh('server a already running'), '服务端 a 已经在运行');
  assert.equal(zh('the server is not running'), '服务端没有在运行');
  assert.equal(zh('server c is not running'), '服务端 c 没有在运行');
  assert.equal(zh('server a, b has not started yet'), '服务端 a, b 还没有启动');
  // What it does not know (a program's own error line) stays as it is.
  assert.equal(
    zh('Error: listen EADDRINUSE: address already in use 127.0.0.1:50051'),
    'Error: listen EADDRINUSE: address already in use 127.0.0.1:50051',
  );
  assert.equal(CATALOGS.en.ui.runnerError('server exited with code 1'), 'server exited with code 1');
});

test('a TLS connection row names the server certificate and its issuer in the UI’s language', () => {
  const event = {
    type: 'transport' as const,
    call: 1,
    ms: 1,
    connection: 1,
    peer: '127.0.0.1:1',
    tls: {
      protocol: 'TLSv1.3',
      cipher: 'TLS_AES_256_GCM_SHA384',
      alpn: 'h2',
      server: { subject: 'CN=localhost', issuer: 'CN=lesson 15 CA' },
    },
  };
  assert.equal(
    transportText(event, CATALOGS.en),
    'TLS 1.3  TLS_AES_256_GCM_SHA384  ALPN h2  server cert CN=localhost, issuer CN=lesson 15 CA',
  );
  assert.equal(
    transportText(event, CATALOGS['zh-CN']),
    'TLS 1.3  TLS_AES_256_GCM_SHA384  ALPN h2  服务端证书 CN=localhost，签发者 CN=lesson 15 CA',
  );
  assert.match(
    transportText({ ...event, tls: { ...event.tls, server: undefined } }, CATALOGS['zh-CN']),
    /没有服务端证书$/,
  );
});

test('a fault row says in Chinese what the wire tap did; what it does not know stays as written', () => {
  const zh = CATALOGS['zh-CN'].faultDetail;
  const said: [string, string][] = [
    ['cancel: no call in flight', '取消：没有正在进行的调用'],
    ['cancelled from the lesson UI', '在课程界面中取消'],
    [
      "client stopped reading replies: once the HTTP/2 window is full, the server's writes wait",
      '客户端停止读取应答：HTTP/2 窗口一满，服务端的写入就得等待',
    ],
    ['client reads replies again: no call in flight yet', '客户端重新读取应答：还没有正在进行的调用'],
    ['client not reading replies (paused from the lesson UI)', '客户端没有读取应答（在课程界面中暂停）'],
    ['server b killed (SIGKILL) while this call was in flight on it', '服务端 b 在这个调用进行中被杀掉（SIGKILL）'],
    ['server killed (SIGKILL): no call in flight', '服务端已被杀掉（SIGKILL）：没有正在进行的调用'],
    [
      "deadline 50 ms from the lesson UI; the lesson's own (20 ms) is sooner and stays",
      '课程界面设置的截止时间 50 毫秒；这一课自带的（20 毫秒）更早，保持不变',
    ],
    [
      "deadline 50 ms from the lesson UI (the lesson's own: none)",
      '课程界面设置的截止时间 50 毫秒（这一课自带的：无）',
    ],
  ];
  for (const [english, chinese] of said) assert.equal(zh(english), chinese);
  assert.equal(zh('something new'), 'something new');
  assert.equal(CATALOGS.en.faultDetail(said[0][0]), said[0][0]);
});

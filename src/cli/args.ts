// Argument handling shared by the three commands: one clear line and a
// non-zero exit for anything wrong, usage on --help.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { splitAddress } from '../address.js';
import { findLesson, unknownLessonMessage, type Lesson } from '../lessons.js';
import { languageFromEnv, parseLanguage, type Language } from '../i18n/lang.js';

export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;

export function fail(message: string, code = EXIT_FAILURE): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandLine {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parseCommandLine(usage: string, options: Options, argv = process.argv.slice(2)): CommandLine {
  let parsed: CommandLine;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // `--port -1`: parseArgs cannot tell a negative number from a flag.
    const ambiguous = /^Option '(--[\w-]+)[^']*' argument is ambiguous/.exec((error as Error).message);
    if (ambiguous) {
      const value = argv[argv.indexOf(ambiguous[1]) + 1];
      fail(
        `${ambiguous[1]} got "${value}", which looks like a flag; write ${ambiguous[1]}=${value} if you mean it`,
        EXIT_USAGE,
      );
    }
    // parseArgs explains itself in a sentence or two; the first is the useful one.
    const firstSentence = (error as Error).message.split(/\.(\s|$)/)[0];
    fail(`${firstSentence} (see --help)`, EXIT_USAGE);
  }
  if (parsed.values.help) {
    process.stdout.write(`${usage.trim()}\n`);
    process.exit(0);
  }
  return parsed;
}

/** The one lesson named on the command line, or a clear exit. */
export function lessonFromArgs(positionals: string[], required = true): Lesson | undefined {
  if (positionals.length > 1)
    fail(`expected one lesson, got ${positionals.length}: ${positionals.join(' ')}`, EXIT_USAGE);
  const [ref] = positionals;
  if (ref === undefined) {
    if (required) fail('name a lesson by number or slug (see --help)', EXIT_USAGE);
    return undefined;
  }
  return findLesson(ref) ?? fail(unknownLessonMessage(ref), EXIT_USAGE);
}

export function parsePort(text: string, flag = '--port'): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) fail(`${flag} must be a number from 0 to 65535, got "${text}"`, EXIT_USAGE);
  return port;
}

/** A host name or address to bind; an IPv6 address gets the brackets a host:port needs. */
export function parseHost(text: string): string {
  const bare = text.replace(/^\[(.*)\]$/, '$1');
  if (bare === '' || /[\s/]/.test(bare)) fail(`--host must be a host name or an IP address, got "${text}"`, EXIT_USAGE);
  return bare.includes(':') ? `[${bare}]` : bare;
}

/** "host:port", "[v6]:port"; a bare port means 127.0.0.1. */
export function parseTarget(text: string, flag = '--target'): string {
  if (/^\d+$/.test(text)) return `127.0.0.1:${parsePort(text, flag)}`;
  if (/^(unix|dns|ipv4|ipv6):/.test(text)) return text;
  const address =
    splitAddress(text) ??
    fail(`${flag} must look like host:port (for example 127.0.0.1:50051), got "${text}"`, EXIT_USAGE);
  if (address.port < 1 || address.port > 65_535)
    fail(`${flag} port must be 1 to 65535, got ${address.port}`, EXIT_USAGE);
  return text;
}

/** `--lang en|zh-CN`, or without it the locale's language (LC_ALL, LC_MESSAGES, LANG). */
export function languageFrom(flag: unknown): Language {
  if (flag === undefined) return languageFromEnv();
  return parseLanguage(String(flag)) ?? fail(`--lang must be en or zh-CN, got "${String(flag)}"`, EXIT_USAGE);
}

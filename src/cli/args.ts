// Argument handling shared by the three commands: one clear line and a
// non-zero exit for anything wrong, usage on --help.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { findLesson, unknownLessonMessage, type Lesson } from '../lessons.js';

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
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
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
  if (positionals.length > 1) fail(`expected one lesson, got ${positionals.length}: ${positionals.join(' ')}`, EXIT_USAGE);
  const [ref] = positionals;
  if (ref === undefined) {
    if (required) fail('name a lesson by number or slug (see --help)', EXIT_USAGE);
    return undefined;
  }
  return findLesson(ref) ?? fail(unknownLessonMessage(ref), EXIT_USAGE);
}

export function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) fail(`--port must be a number from 0 to 65535, got "${text}"`, EXIT_USAGE);
  return port;
}

/** "host:port", "[v6]:port"; a bare port means 127.0.0.1. */
export function parseTarget(text: string): string {
  if (/^\d+$/.test(text)) return `127.0.0.1:${parsePort(text)}`;
  if (!/^(\[[0-9a-fA-F:.]+\]|[^\s:/]+):\d{1,5}$/.test(text) && !/^(unix|dns|ipv4|ipv6):/.test(text)) {
    fail(`--target must look like host:port (for example 127.0.0.1:50051), got "${text}"`, EXIT_USAGE);
  }
  return text;
}

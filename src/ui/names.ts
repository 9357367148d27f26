// The names the client sends, as typed in the names prompt and as shown.
// Entries are separated by commas (a Chinese keyboard's full-width ， too); "" is an empty name (lesson 01's server
// answers it with INVALID_ARGUMENT); an empty line means the lesson's own names.

/** Control characters (C0, DEL, C1) never belong in a name: a stray one would be sent to the server. */
export function withoutControlCharacters(text: string): string {
  return text.replace(/\p{Cc}/gu, '');
}

const EMPTY_NAME = /^(""|''|“”)$/;

/** The names in a prompt line; undefined for the lesson's own. */
export function parseNames(line: string): string[] | undefined {
  const names = withoutControlCharacters(line)
    .split(/[,，]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => (EMPTY_NAME.test(entry) ? '' : entry));
  return names.length ? names : undefined;
}

/** Names as the prompt reads them back: an empty name as "". */
export function formatNames(names: readonly string[]): string {
  return names.map((name) => (name === '' ? '""' : name)).join(', ');
}

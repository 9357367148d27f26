// Messages another part of the tutorial writes in English (the lesson runner's
// errors, the wire tap's fault rows), said in Chinese when the UI speaks it:
// each known message is a pattern and what Chinese makes of its parts.
export type Sayings = readonly (readonly [RegExp, (...parts: string[]) => string])[];

/** `message` as the first saying that matches it says it; as written if none does. */
export function sayKnown(sayings: Sayings, message: string): string {
  for (const [pattern, say] of sayings) {
    const match = pattern.exec(message);
    if (match) return say(...match.slice(1));
  }
  return message;
}

/** "server" or "server a", as the runner and the wire tap name a server: "服务端", or "服务端 a " (a space before the next Chinese word). */
export const serverZh = (name: string) => (name === 'server' ? '服务端' : `服务端 ${name.slice('server '.length)} `);

// What the lesson list says of an exercise, and the check of it: apart from
// exercises.ts so that the lesson registry can read it without a cycle.

export type ExerciseSide = 'server' | 'client';

/** One exercise as the lesson list gives it (`exercises` in lessons.json). */
export interface ExerciseEntry {
  /** Unique in the lesson: the name of the learner's file (server → exercises/<slug>/server.ts). */
  id: string;
  title: string;
  /** Which side the learner writes; the tutorial runs the other. */
  side: ExerciseSide;
  /** The checks, by name, in the order they run (the code in src/exercises/checks/<slug>.ts has the same names). */
  checks: string[];
  /** From a nudge to nearly the answer: `h` shows the next one. */
  hints: string[];
  /** The reference solution, a file of the lesson's folder; the lesson's own server.ts or client.ts by default. */
  solution?: string;
}

const ID = /^[a-z][a-z0-9-]{0,23}$/;

/** A lesson entry's `exercises`, checked; throws with what is wrong, naming the lesson. */
export function checkExercises(slug: string, entries: unknown): ExerciseEntry[] | undefined {
  if (entries === undefined) return undefined;
  const fail = (problem: string): never => {
    throw new Error(`lesson ${slug}: exercises ${problem}`);
  };
  if (!Array.isArray(entries) || entries.length === 0) fail('must be a list of at least one entry');
  const ids = new Set<string>();
  return (entries as unknown[]).map((raw, index) => {
    const entry = (raw ?? {}) as Partial<ExerciseEntry>;
    const where = `entry ${index + 1}`;
    if (typeof entry.id !== 'string' || !ID.test(entry.id))
      fail(`${where}: id must be lowercase letters, digits and -`);
    if (ids.has(entry.id!)) fail(`${where}: id "${entry.id}" is used twice`);
    ids.add(entry.id!);
    if (typeof entry.title !== 'string' || entry.title === '') fail(`${where}: title must be text`);
    if (entry.side !== 'server' && entry.side !== 'client') fail(`${where}: side must be "server" or "client"`);
    const texts = (list: unknown, field: string, min: number) => {
      if (!Array.isArray(list) || list.length < min || !list.every((item) => typeof item === 'string' && item.trim()))
        fail(`${where}: ${field} must be a list of at least ${min} non-empty texts`);
      return [...(list as string[])];
    };
    const checks = texts(entry.checks, 'checks', 1);
    if (new Set(checks).size !== checks.length) fail(`${where}: a check name is used twice`);
    const hints = texts(entry.hints, 'hints', 2);
    if (entry.solution !== undefined && (typeof entry.solution !== 'string' || !/^[\w.-]+\.ts$/.test(entry.solution)))
      fail(`${where}: solution must name a .ts file of the lesson's folder`);
    return { id: entry.id!, title: entry.title!, side: entry.side!, checks, hints, solution: entry.solution };
  });
}

// Which lessons the learner has completed (the client ran and exited 0 in the
// UI), remembered across runs in a small JSON file in the user's config
// directory. The file is a convenience: whatever is wrong with it (missing,
// broken, unwritable), the UI goes on without it.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';

/** $GRPC_TUTORIAL_STATE_DIR, else $XDG_CONFIG_HOME/grpc-live-tutorial, else ~/.config/grpc-live-tutorial. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GRPC_TUTORIAL_STATE_DIR) return env.GRPC_TUTORIAL_STATE_DIR;
  // The XDG spec says to ignore a relative XDG_CONFIG_HOME.
  const config =
    env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(config, 'grpc-live-tutorial');
}

/** What the learner has done in one exercise (by its key, "01-unary/server"). */
export interface ExerciseProgress {
  /** Its checks all passed once. */
  passed?: boolean;
  /** How many of its hints the learner has seen. */
  hints?: number;
}

interface ProgressJson {
  completed: string[];
  exercises?: Record<string, ExerciseProgress>;
}

export class ProgressFile {
  constructor(readonly path: string = join(stateDir(), 'progress.json')) {}

  /** Slugs of the completed lessons; nothing when the file is missing or not what this program writes. */
  load(): Set<string> {
    try {
      const json = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<ProgressJson> | null;
      const completed = Array.isArray(json?.completed) ? json.completed : [];
      return new Set(completed.filter((slug): slug is string => typeof slug === 'string'));
    } catch {
      return new Set();
    }
  }

  /**
   * Adds a completed lesson to the file (another UI running at the same time
   * may have added its own since this one started: keep those). Returns why it
   * could not be saved, rather than throwing.
   */
  markCompleted(slug: string): string | undefined {
    const completed = this.load();
    if (completed.has(slug)) return undefined;
    completed.add(slug);
    return this.write({ ...this.read(), completed: [...completed].sort() });
  }

  /** Every exercise the learner has touched, by key. */
  exercises(): Map<string, ExerciseProgress> {
    const exercises = this.read().exercises ?? {};
    return new Map(
      Object.entries(exercises).filter(
        ([, value]) => typeof value === 'object' && value !== null && !Array.isArray(value),
      ),
    );
  }

  /** Records that an exercise passed, or that one more hint was seen; returns why it could not be saved. */
  updateExercise(key: string, change: (progress: ExerciseProgress) => ExerciseProgress): string | undefined {
    const json = this.read();
    const exercises = { ...(json.exercises ?? {}) };
    exercises[key] = change({ ...(exercises[key] ?? {}) });
    return this.write({ ...json, exercises });
  }

  private read(): ProgressJson {
    try {
      const json = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<ProgressJson> | null;
      return {
        completed: Array.isArray(json?.completed) ? json.completed : [],
        ...(typeof json?.exercises === 'object' && json.exercises !== null ? { exercises: json.exercises } : {}),
      };
    } catch {
      return { completed: [] };
    }
  }

  private write(json: ProgressJson): string | undefined {
    const temporary = `${this.path}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      // Written whole, then renamed over the old file: a crash never leaves half a file.
      writeFileSync(temporary, `${JSON.stringify(json, null, 2)}\n`);
      renameSync(temporary, this.path);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }
}

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

interface ProgressJson {
  completed: string[];
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
    const json: ProgressJson = { completed: [...completed].sort() };
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
